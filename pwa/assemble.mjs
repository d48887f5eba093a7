// The release bundle's last step (xtask/src/bundle.rs): from wasm-bindgen's
// and wasm-split's output, write dist/ as a browser gets it.
//
// - Every js/wasm/css file gets a content hash in its name (`name-<16 hex>`,
//   cached for good by the servers). The main module's glue and the split
//   loader import each other, so they share one hash taken over both (and
//   the main wasm), and their references are rewritten to it.
// - index.html: trunk's `data-trunk` links are replaced by the stylesheet,
//   preloads and one module script file (no inline script, for the CSP).
// - The manifest and icons are copied; pwa/precache.mjs then writes the
//   service worker over the whole of dist/ (every chunk precached).
// - Last, `.br` and `.gz` beside every compressible file (servers negotiate
//   them), and the sizes for the size gate: gzip -9 of what the first
//   screen loads and of everything.
//
// Environment: ZHIBU_BINDGEN, ZHIBU_SPLIT, ZHIBU_DIST, ZHIBU_SIZES.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`assemble.mjs: ${name} is not set (run by cargo xtask)`);
    process.exit(1);
  }
  return value;
};
const bindgen = env('ZHIBU_BINDGEN');
const split = env('ZHIBU_SPLIT');
const dist = env('ZHIBU_DIST');
const sizesPath = env('ZHIBU_SIZES');
const source = process.cwd();

const hash16 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, 16);
};
// Replaces every `from` (a quoted relative path) and fails if one is absent:
// a renamed file that is still referenced by its old name would 404.
const rewrite = (text, what, pairs) => {
  for (const [from, to] of pairs) {
    if (!text.includes(from)) throw new Error(`assemble.mjs: ${what} does not mention ${from}`);
    text = text.split(from).join(to);
  }
  return text;
};

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

// 1. The chunks, each under its own hash; the loader names them.
let loader = await readFile(join(split, '__wasm_split.js'), 'utf8');
const chunkNames = (await readdir(split)).filter((f) => f.endsWith('.wasm') && f !== 'zhibu.wasm').sort();
const renames = [];
for (const name of chunkNames) {
  const bytes = await readFile(join(split, name));
  const hashed = `${name.slice(0, -'.wasm'.length)}-${hash16(bytes)}.wasm`;
  await writeFile(join(dist, hashed), bytes);
  renames.push([`"./${name}"`, `"./${hashed}"`]);
}
// An empty chunk is never fetched, so the loader may not name it.
loader = renames.reduce((text, [from, to]) => text.split(from).join(to), loader);

// 2. The main module's glue, wasm and the loader under one hash.
let glue = await readFile(join(bindgen, 'zhibu.js'), 'utf8');
const mainWasm = await readFile(join(bindgen, 'zhibu_bg.wasm'));
const h = hash16(glue, '\0', loader, '\0', mainWasm);
const files = { glue: `zhibu-${h}.js`, wasm: `zhibu_bg-${h}.wasm`, loader: `__wasm_split-${h}.js` };
glue = rewrite(glue, 'zhibu.js', [
  // The import statements only: the imports object keeps the module name
  // the wasm asks for.
  ['from "./__wasm_split.js"', `from "./${files.loader}"`],
  ["'zhibu_bg.wasm'", `'${files.wasm}'`],
]);
loader = rewrite(loader, '__wasm_split.js', [['from "./zhibu.js"', `from "./${files.glue}"`]]);
await writeFile(join(dist, files.glue), glue);
await writeFile(join(dist, files.wasm), mainWasm);
await writeFile(join(dist, files.loader), loader);

// 3. The pinyin table, fetched after the first screen (src/pinyin.rs).
const pinyin = await readFile(join(source, 'crates', 'core', 'src', 'pinyin_table.bin'));
files.pinyin = `pinyin-${hash16(pinyin)}.bin`;
await writeFile(join(dist, files.pinyin), pinyin);

// The English texts, fetched when English is wanted (src/english.rs).
const english = await readFile(join(source, 'locales', 'en.json'));
files.english = `en-${hash16(english)}.json`;
await writeFile(join(dist, files.english), english);

// 4. The start script: instantiate, expose the bindings (the bench calls
// them), as trunk's inline script did. On a later start the service worker
// holds the pinyin table: it is read while the wasm instantiates, so the
// first screen already sorts by pinyin (src/pinyin.rs, `early`).
const start = `import init, * as bindings from './${files.glue}';
window.wasmBindings = bindings;
if (navigator.serviceWorker?.controller) {
  window.zhibuPinyin = fetch('/${files.pinyin}').then((r) => (r.ok ? r.arrayBuffer() : null)).catch(() => null);
}
await init({ module_or_path: new URL('./${files.wasm}', import.meta.url) });
`;
files.start = `start-${hash16(start)}.js`;
await writeFile(join(dist, files.start), start);

// 5. The stylesheet.
const css = await readFile(join(source, 'style', 'main.css'));
files.css = `main-${hash16(css)}.css`;
await writeFile(join(dist, files.css), css);

// 6. index.html.
let index = await readFile(join(source, 'index.html'), 'utf8');
const trunkLinks = index.match(/<link\s+data-trunk[^>]*>/gs) ?? [];
if (trunkLinks.length === 0) throw new Error('assemble.mjs: index.html has no data-trunk links to replace');
for (const link of trunkLinks) index = index.replace(link, '');
const head = [
  `<link rel="stylesheet" href="/${files.css}">`,
  `<link rel="modulepreload" href="/${files.glue}">`,
  `<link rel="modulepreload" href="/${files.loader}">`,
  `<link rel="preload" href="/${files.wasm}" as="fetch" type="application/wasm" crossorigin>`,
  `<script type="module" src="/${files.start}"></script>`,
  `<meta name="zhibu-pinyin" content="/${files.pinyin}">`,
  `<meta name="zhibu-en" content="/${files.english}">`,
].join('\n    ');
index = index.replace('</head>', `  ${head}\n  </head>`);
await writeFile(join(dist, 'index.html'), index);

// 7. The installable app's files.
await cp(join(source, 'pwa', 'manifest.webmanifest'), join(dist, 'manifest.webmanifest'));
await cp(join(source, 'pwa', 'icons'), join(dist, 'icons'), { recursive: true });

// 8. The service worker over everything above.
const precache = spawnSync('node', [join(source, 'pwa', 'precache.mjs')], {
  stdio: 'inherit',
  env: { ...process.env, TRUNK_STAGING_DIR: dist, TRUNK_SOURCE_DIR: source },
});
if (precache.status !== 0) process.exit(precache.status ?? 1);

// 9. Precompressed copies and sizes.
async function walk(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}
const compressible = /\.(html|js|mjs|css|wasm|json|webmanifest|svg|bin)$/;
const first = new Set(['index.html', files.css, files.glue, files.loader, files.wasm, files.start]);
const rows = [];
let firstGzip = 0;
let allGzip = 0;
for (const path of (await walk(dist)).sort()) {
  const name = relative(dist, path).split(sep).join('/');
  const bytes = await readFile(path);
  const gz = gzipSync(bytes, { level: 9 });
  let br = bytes.length;
  if (compressible.test(name)) {
    const brotli = brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    });
    br = brotli.length;
    await writeFile(`${path}.br`, brotli);
    await writeFile(`${path}.gz`, gz);
  }
  const isFirst = first.has(name);
  if (isFirst) firstGzip += gz.length;
  allGzip += gz.length;
  rows.push(`  ${name} ${bytes.length} ${gz.length} ${br}${isFirst ? ' first' : ''}`);
}
await mkdir(join(sizesPath, '..'), { recursive: true });
await writeFile(sizesPath, `first_gzip ${firstGzip}\nall_gzip ${allGzip}\n# file raw gzip brotli\n${rows.join('\n')}\n`);
console.log(`assemble.mjs: dist/ written; first screen ${firstGzip} B gzip, whole app ${allGzip} B gzip`);
