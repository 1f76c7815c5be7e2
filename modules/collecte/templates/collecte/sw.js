/* The collectors' app service worker (scope /collecte/). Version {{ version }}.
   The shell and its files are precached and served from the cache first (the street's network is poor), then
   refreshed in the background; the API is never cached: the app's outbox (IndexedDB) holds what must sync. */
const VERSION = "{{ version }}";
const CACHE = "collecte-" + VERSION;
const PRECACHE = {{ precache_json|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("collecte-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/collecte/api/")) {
    return; // straight to the network
  }
  const key = request.mode === "navigate" && url.pathname.startsWith("/collecte/") ? "/collecte/" : request;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(key, {ignoreSearch: request.mode === "navigate"});
      const refresh = fetch(request)
        .then((response) => {
          if (response.ok && (cached || PRECACHE.includes(url.pathname))) cache.put(key, response.clone());
          return response;
        })
        .catch(() => null);
      if (cached) {
        event.waitUntil(refresh);
        return cached;
      }
      const fresh = await refresh;
      if (fresh) return fresh;
      return (await cache.match("/collecte/offline/")) || new Response("offline", {status: 503});
    })
  );
});
