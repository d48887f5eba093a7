// A tiny static server for the release build in dist/, for the end-to-end
// tests (Playwright's `webServer` starts it). No dependencies.
//
//   node tests/e2e/serve.mjs            # http://127.0.0.1:8091/
//   PORT=9000 DIST=dist node tests/e2e/serve.mjs
//
// Serves `.wasm` as application/wasm (streaming compilation needs it), lets
// browsers keep content-hashed files, answers paths without a file extension with
// index.html so client-side routes survive a reload, and sends zhibu-server's
// security headers (the content security policy included) from pwa/headers.txt,
// so every spec runs under the policy the server sends.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TYPES } from './mime.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(process.env.DIST ?? join(here, '..', '..', 'dist'));
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8091);

// pwa/headers.txt: `Name: value` lines, indented lines continue the one
// above, `#` lines are comments (crates/server/src/headers.rs reads it so too).
const SECURITY = {};
{
  let last = null;
  for (const line of (await readFile(join(here, '..', '..', 'pwa', 'headers.txt'), 'utf8')).split('\n')) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    if (/^[ \t]/.test(line)) {
      if (last) SECURITY[last] = SECURITY[last] ? `${SECURITY[last]} ${text}` : text;
      continue;
    }
    const colon = text.indexOf(':');
    if (colon < 0) continue;
    last = text.slice(0, colon).trim();
    SECURITY[last] = text.slice(colon + 1).trim();
  }
}

try {
  await stat(join(root, 'index.html'));
} catch {
  console.error(`serve.mjs: no ${join(root, 'index.html')}; build first (cargo xtask test --only build)`);
  process.exit(1);
}

async function file(path) {
  try {
    const info = await stat(path);
    return info.isFile() ? await readFile(path) : null;
  } catch {
    return null;
  }
}

// trunk's content-hashed files never change under their name: cache them
// for a year (the service worker's install then reuses the page's copy).
// index.html, sw.js and the rest must be checked every time.
const HASHED = /-[0-9a-f]{1,16}(_bg)?\.(js|wasm|css)$/;
function cacheControl(path) {
  return HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

const server = createServer(async (req, res) => {
  // LOG_REQUESTS=1: one line per request (pwa.spec.js counts downloads).
  if (process.env.LOG_REQUESTS) console.log(`request ${req.method} ${req.url}`);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...SECURITY, Allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    res.writeHead(400, SECURITY).end('bad request');
    return;
  }
  if (pathname.endsWith('/')) pathname += 'index.html';
  const path = normalize(join(root, pathname));
  if (path !== root && !path.startsWith(root + sep)) {
    res.writeHead(403, SECURITY).end('forbidden');
    return;
  }
  let body = await file(path);
  let type = TYPES[extname(path)] ?? 'application/octet-stream';
  if (body === null && extname(pathname) === '') {
    body = await file(join(root, 'index.html'));
    type = TYPES['.html'];
  }
  if (body === null) {
    res.writeHead(404, { ...SECURITY, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  res.writeHead(200, {
    ...SECURITY,
    'Content-Type': type,
    'Content-Length': body.length,
    'Cache-Control': cacheControl(path),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
});

server.listen(port, host, () => {
  console.log(`serve.mjs: ${root} on http://${host}:${port}/`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
