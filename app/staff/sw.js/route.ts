/**
 * The scanner's service worker: keeps the scanner page and its scripts so it opens without a
 * network. Counter actions are queued by the page itself (with idempotency keys), not here.
 */
const WORKER = `
const CACHE = "keepcard-staff-v1";
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(["/staff", "/staff/manifest.webmanifest", "/staff/icon/192"])).catch(() => {}));
  self.skipWaiting();
});
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});
self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/_next/static/")) {
    event.respondWith(caches.match(req).then((hit) => hit || fetch(req).then((res) => { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(req, copy)); return res; })));
    return;
  }
  if (req.mode === "navigate" && url.pathname.startsWith("/staff")) {
    event.respondWith(fetch(req).then((res) => { if (res.ok) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put("/staff", copy)); } return res; }).catch(() => caches.match("/staff")));
  }
});
`;

// GET /staff/sw.js — the scanner's service worker, scoped to /staff
export function GET(): Response {
  return new Response(WORKER, { headers: { "content-type": "application/javascript; charset=utf-8", "cache-control": "no-cache", "service-worker-allowed": "/staff" } });
}
