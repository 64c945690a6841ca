// A Server-Sent Events client for benchmarks: reads a stream with fetch and hands over each event.
export type SseEvent = { event: string; data: string; comment?: string; at: number };

export type SseStream = {
  /** Resolves with the first event (received from now on, or already received when `past`) that matches, or null after `timeoutMs`. */
  next: (match: (e: SseEvent) => boolean, timeoutMs: number, past?: boolean) => Promise<SseEvent | null>;
  events: SseEvent[];
  close: () => void;
};

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  const events: SseEvent[] = [];
  const waiters = new Set<{ match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }>();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e: SseEvent = { event: "message", data: "", at: Date.now() };
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) e.comment = line.slice(1).trim();
            else if (line.startsWith("event:")) e.event = line.slice(6).trim();
            else if (line.startsWith("data:")) e.data += line.slice(5).trim();
          }
          events.push(e);
          for (const w of waiters) {
            if (!w.match(e)) continue;
            waiters.delete(w);
            w.resolve(e);
          }
        }
      }
    } catch {
      /* closed */
    }
  })();
  return {
    events,
    next: (match, timeoutMs, past = false) => {
      const seen = past ? events.find(match) : undefined;
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => {
        const w = { match, resolve: (e: SseEvent | null) => (clearTimeout(timer), resolve(e)) };
        const timer = setTimeout(() => (waiters.delete(w), resolve(null)), timeoutMs);
        waiters.add(w);
      });
    },
    close: () => abort.abort(),
  };
}
