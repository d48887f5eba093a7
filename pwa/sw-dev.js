// Written as dist/sw.js by pwa/precache.mjs under the development server
// (trunk serve): no service worker may serve stale files there. If a
// production build on the same address left one behind, this replaces it,
// deletes its caches, unregisters itself and reloads the open pages.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith('zhibu-shell-')) await caches.delete(key);
      await self.registration.unregister();
      for (const client of await self.clients.matchAll({ type: 'window' })) client.navigate(client.url);
    })(),
  );
});
