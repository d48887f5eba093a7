// trunk post_build hook (Trunk.toml): writes the service worker for this
// build into the staging directory and stamps index.html with the version.
//
// - The precache list is every file trunk emitted (hashed js/wasm/css,
//   index.html, the manifest and icons), so the worker never needs editing
//   when a file is added.
// - The version is a hash of those files: an unchanged build gives the same
//   sw.js (no update notice); any change gives a new one.
// - Under `trunk serve` (its live-reload script is in index.html) or with
//   ZHIBU_PWA=off, dist/sw.js is a worker that removes itself and the page
//   is told not to register one: no service worker under the dev server.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

const stage = process.env.TRUNK_STAGING_DIR;
const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
if (!stage) {
  console.error('precache.mjs: TRUNK_STAGING_DIR is not set (run by trunk as a post_build hook)');
  process.exit(1);
}

async function files(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out;
}

const indexPath = join(stage, 'index.html');
let index = await readFile(indexPath, 'utf8');
const dev = index.includes('.well-known/trunk/ws') || process.env.ZHIBU_PWA === 'off';

const shell = (await files(stage))
  .map((path) => relative(stage, path).split(sep).join('/'))
  .filter((path) => path !== 'sw.js')
  .sort();
const hash = createHash('sha256');
for (const path of shell) {
  hash.update(path + '\0');
  hash.update(await readFile(join(stage, path)));
}
const version = hash.digest('hex').slice(0, 16);

const template = await readFile(join(source, 'pwa', dev ? 'sw-dev.js' : 'sw.js'), 'utf8');
const worker = template.replace("'__ZHIBU_VERSION__'", JSON.stringify(version)).replace('__ZHIBU_PRECACHE__', JSON.stringify(shell));
if (!dev && (worker.includes('__ZHIBU_') || !worker.includes(version))) {
  console.error('precache.mjs: pwa/sw.js lost its placeholders');
  process.exit(1);
}
await writeFile(join(stage, 'sw.js'), worker);

const meta = `<meta name="zhibu-version" content="${version}"><meta name="zhibu-pwa" content="${dev ? 'off' : 'on'}">`;
index = index.replace('</head>', `${meta}</head>`);
await writeFile(indexPath, index);
console.log(`precache.mjs: sw.js ${dev ? 'removes itself (development server)' : `precaches ${shell.length} files`}, version ${version}`);
