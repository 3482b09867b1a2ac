// The service worker: the page works offline after its first visit. On install it caches the
// app shell and the wasm package; requests to this origin are answered from the cache first and
// refreshed in the background (the next visit gets the new version). Requests to any other origin
// are not touched (the page makes none; CSP refuses them).
const CACHE = "deid-kit-v1";
const SHELL = [
  "./", "index.html", "style.css",
  "app.js", "dom.js", "i18n.js", "errors.js", "files.js", "plan.js", "fhir.js", "charts.js", "result.js", "worker.js",
  "pkg/deid_kit.js", "pkg/deid_kit_bg.wasm",
  "samples/sample-sjis.csv", "samples/policy-kamei.json",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(request);
    const refresh = fetch(request).then((response) => {
      if (response.ok && response.type === "basic") cache.put(request, response.clone());
      return response;
    });
    if (hit) {
      event.waitUntil(refresh.catch(() => {}));
      return hit;
    }
    return refresh;
  })());
});
