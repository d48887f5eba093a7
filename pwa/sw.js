// Zhibu's service worker (template: pwa/precache.mjs fills in the version
// and the file list after every trunk build and writes dist/sw.js).
//
// The app shell is precached at install, so a phone that loaded the app once
// opens it with no network. A new version installs beside the old one and
// *waits*: the page shows "新版本可用，点击刷新" and sends `zhibu:apply-update`
// when the user agrees (the records live in localStorage, not here, so a
// switch never touches them).
const VERSION = '__ZHIBU_VERSION__';
const SHELL = __ZHIBU_PRECACHE__;
const CACHE = `zhibu-shell-${VERSION}`;
const INDEX = new URL('index.html', self.registration.scope).href;

// Content-hashed names (zhibu-<hash>.js, zhibu_bg-<hash>.wasm, the chunks'
// split_<name>-<hash>.wasm, main-<hash>.css; trunk's under `trunk serve`):
// a name is only ever this content, so the copy the page has just
// downloaded into the HTTP cache will do — the first visit fetches the
// wasm once, not twice. Everything else (index.html, the manifest, icons)
// skips the HTTP cache: it must be this build's.
// (trunk does not zero-pad the hash: 1 to 16 digits.)
const HASHED = /-[0-9a-f]{1,16}(_bg)?\.(js|wasm|css)$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(
        SHELL.map(
          (path) => new Request(new URL(path, self.registration.scope), { cache: HASHED.test(path) ? 'default' : 'reload' }),
        ),
      );
      // A server updated mid-install could have given another build's
      // index.html (naming files this cache lacks): fail, and the browser
      // installs again at its next check.
      const index = await cache.match(INDEX);
      if (!index || !(await index.text()).includes(`content="${VERSION}"`)) {
        await caches.delete(CACHE);
        throw new Error(`index.html is not build ${VERSION}`);
      }
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith('zhibu-shell-') && key !== CACHE) await caches.delete(key);
      }
      // The first install takes the open page at once (it is the same build).
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'zhibu:apply-update') self.skipWaiting();
  if (event.data && event.data.type === 'zhibu:version' && event.ports[0]) event.ports[0].postMessage(VERSION);
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  // Other origins, and the sync API: always the network, never a stale copy.
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    // Every route is the one page (routes live in the hash): the cached
    // index.html, or the network when the cache is gone.
    event.respondWith(
      caches
        .open(CACHE)
        .then((cache) => cache.match(INDEX, { ignoreVary: true }))
        .then((hit) => hit || fetch(request)),
    );
    return;
  }
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(request, { ignoreSearch: true, ignoreVary: true }))
      .then((hit) => hit || fetch(request)),
  );
});
