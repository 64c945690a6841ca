import QRCode from "qrcode";

/** A QR code as inline SVG markup (dark on white, with a quiet zone), for cards and vouchers. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2, color: { dark: "#111827", light: "#ffffff" } });
}
