"use client";

import { useEffect, useRef, useState } from "react";

type Detector = { detect(source: CanvasImageSource): Promise<Array<{ rawValue: string }>> };

/**
 * Reads QR codes from the back camera: the browser's BarcodeDetector where there is one, the jsQR
 * decoder on canvas frames otherwise. Calls `onCode` once per distinct code.
 */
export function Camera({ onCode, onClose }: { onCode: (code: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const canvas = document.createElement("canvas");
    const ctx2d = canvas.getContext("2d", { willReadFrequently: true });

    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
      } catch {
        setError("The camera is not available. Allow camera access in the browser, or type the code below.");
        return;
      }
      const el = video.current;
      if (!el || stopped) return;
      el.srcObject = stream;
      await el.play().catch(() => {});
      const Native = (globalThis as unknown as { BarcodeDetector?: new (o: { formats: string[] }) => Detector }).BarcodeDetector;
      const detector: Detector | null = Native ? new Native({ formats: ["qr_code"] }) : null;
      const jsQR = detector ? null : (await import("jsqr")).default;

      const tick = async () => {
        if (stopped) return;
        try {
          if (el.readyState >= 2 && el.videoWidth > 0) {
            let found: string | null = null;
            if (detector) {
              found = (await detector.detect(el))[0]?.rawValue ?? null;
            } else if (jsQR && ctx2d) {
              const scale = Math.min(1, 640 / el.videoWidth);
              canvas.width = Math.round(el.videoWidth * scale);
              canvas.height = Math.round(el.videoHeight * scale);
              ctx2d.drawImage(el, 0, 0, canvas.width, canvas.height);
              const image = ctx2d.getImageData(0, 0, canvas.width, canvas.height);
              found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" })?.data ?? null;
            }
            if (found) {
              stopped = true;
              navigator.vibrate?.(40);
              onCode(found);
              return;
            }
          }
        } catch {
          /* a bad frame: try the next one */
        }
        timer = setTimeout(tick, 150);
      };
      void tick();
    })();

    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [onCode]);

  return (
    <div className="relative overflow-hidden rounded-2xl bg-black">
      <video ref={video} playsInline muted className="aspect-square w-full object-cover" aria-label="Camera view" />
      <div aria-hidden className="pointer-events-none absolute inset-[15%] rounded-2xl border-4 border-white/80" />
      {error ? <p className="absolute inset-x-0 bottom-16 mx-4 rounded-lg bg-white p-3 text-sm text-red-800" role="alert">{error}</p> : null}
      <button type="button" onClick={onClose} className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-white px-5 py-2 text-sm font-semibold text-ink shadow">
        Close camera
      </button>
    </div>
  );
}
