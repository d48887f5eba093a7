// The benchmark driver of `cargo xtask bench` (see bench/README.md). It
// measures the release build in dist/ (xtask builds it first) and prints a
// table, each figure beside its baseline measured in the same run and its
// budget; the same goes to target/bench/bench.json.
//
//   node bench/bench.mjs [--only transfer,startup,checkin,screens,tally,density,lighthouse]
//
// A missed budget is reported, never an error: the exit status is non-zero
// only when a measurement could not be taken. Nothing here is a stored
// result; every number comes from this run. The browser is the system
// Chromium, launched through the root package's Playwright with the
// arguments playwright.config.js uses (browsers are never downloaded).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { TYPES } from '../tests/e2e/mime.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
// BENCH_DIST: measure another build directory (default dist/).
const DIST = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(ROOT, 'dist');
const BASELINE = join(ROOT, 'bench', 'baseline');
const OUT = join(ROOT, 'target', 'bench');
// Playwright lives in the root package (the e2e tests'); lighthouse in bench/.
const { chromium } = createRequire(join(ROOT, 'package.json'))('playwright');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// The end-to-end tests' arguments (playwright.config.js): root needs
// --no-sandbox; the rest stop Chromium calling hosts that this network refuses.
const CHROMIUM_ARGS = createRequire(join(ROOT, 'package.json'))('./playwright.config.js').use.launchOptions.args;
const VIEWPORT = { width: 390, height: 844 };

const num = (name, fallback) => Number(process.env[name] ?? fallback);
const CONFIG = {
  throttle: num('BENCH_THROTTLE', 4), // CDP Emulation.setCPUThrottlingRate
  startupRuns: num('BENCH_RUNS', 5),
  taps: num('BENCH_TAPS', 200),
  ballots: 100_000,
  k: 10,
  candidates: 50,
  tallyRuns: 5,
  // Lighthouse's simulated mobile network ("fast 3G"): 150 ms RTT, 1.6 Mbps
  // down, 750 kbps up, for CDP Network.emulateNetworkConditions.
  network: { latency: 150, downloadThroughput: (1638.4 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 },
  // Chromium's localStorage quota per origin: 5 Mi UTF-16 code units of keys
  // and values (src/storage.rs QUOTA_UNITS).
  quotaUnits: 5 * 1024 * 1024,
};
const BUDGET = {
  shellGzipBytes: 200_000,
  wholeAppGzipBytes: 700_000,
  startupMs: 1000,
  startupRatio: 1.3,
  checkinP95Ms: 16,
  screenMs: 300,
  tallyMs: 50,
  bytesPerRecord: 32,
  lighthouse: { performance: 95, accessibility: 100, 'best-practices': 100 },
};
const FIGURES = ['transfer', 'startup', 'checkin', 'screens', 'tally', 'density', 'lighthouse'];

function parseArgs(argv) {
  let only = FIGURES;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const list = a === '--only' ? argv[++i] : a.startsWith('--only=') ? a.slice(7) : null;
    if (list == null) throw new Error(`unknown argument ${a} (try --only ${FIGURES.join(',')})`);
    only = list.split(',').map((s) => s.trim()).filter(Boolean);
    for (const f of only) if (!FIGURES.includes(f)) throw new Error(`unknown figure ${f}; figures: ${FIGURES.join(', ')}`);
  }
  return new Set(only);
}

const say = (msg) => console.log(`bench: ${msg}`);

// ---------------------------------------------------------------- numbers

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => {
  const s = sorted(xs);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
// Nearest rank: the smallest value with at least p% of the values at or below it.
const percentile = (xs, p) => sorted(xs)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)];
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const ms = (x) => (x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`);

// ---------------------------------------------------------------- processes

function run(cmd, args, { capture = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'], env: process.env });
    let out = '';
    if (capture) child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

const cargoExample = (name, args, opts) =>
  run('cargo', ['run', '--quiet', '--release', '-p', 'zhibu-core', '--example', name, '--', ...args], opts);

// ---------------------------------------------------------------- files and server

async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.wasm', '.css', '.json', '.webmanifest', '.svg']);

/** raw, gzip -9 and brotli q11 of one file (node's zlib). */
function sizes(body, ext) {
  const gzip = zlib.gzipSync(body, { level: 9 });
  const br = zlib.brotliCompressSync(body, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      [zlib.constants.BROTLI_PARAM_MODE]: ext === '.wasm' ? zlib.constants.BROTLI_MODE_GENERIC : zlib.constants.BROTLI_MODE_TEXT,
    },
  });
  return { raw: body.length, gzip: gzip.length, br: br.length, gzipBody: gzip, brBody: br };
}

/**
 * Every servable file: dist/ at `/`, bench/baseline/ at `/baseline/`, and
 * `/baseline/app.css` = the app's stylesheet (so both pages lay out alike).
 * Bodies are compressed once here: the server sends brotli or gzip as a
 * static host would, and the transfer table reads the same numbers.
 */
async function loadSite() {
  const site = new Map();
  const add = async (url, path) => {
    const body = await readFile(path);
    const ext = extname(path);
    site.set(url, { path, ext, body, ...(COMPRESSIBLE.has(ext) ? sizes(body, ext) : { raw: body.length }) });
  };
  for (const path of await filesUnder(DIST)) {
    const rel = relative(DIST, path).split(sep).join('/');
    if (rel.startsWith('.')) continue; // trunk's staging directory
    if (/\.(br|gz)$/.test(rel)) continue; // the bundle's precompressed copies (compressed here again)
    await add(`/${rel}`, path);
  }
  for (const path of await filesUnder(BASELINE)) await add(`/baseline/${relative(BASELINE, path).split(sep).join('/')}`, path);
  const css = [...site.keys()].find((u) => /^\/[^/]+\.css$/.test(u));
  if (!css) throw new Error('no stylesheet in dist/');
  site.set('/baseline/app.css', { ...site.get(css), alias: css });
  return site;
}

/** A static server on an ephemeral port; logs what each visit fetched. */
async function serve(site) {
  const requests = [];
  const server = createServer((req, res) => {
    let pathname = new URL(req.url, 'http://x').pathname;
    if (pathname === '/__bench/blank') {
      // A same-origin page to put the seeded data into localStorage from.
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end('<!DOCTYPE html><html lang="en"><title>blank</title></html>');
      return;
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    const file = site.get(pathname);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    const accept = String(req.headers['accept-encoding'] ?? '');
    const [encoding, body] =
      file.brBody && /\bbr\b/.test(accept) ? ['br', file.brBody] : file.gzipBody && /\bgzip\b/.test(accept) ? ['gzip', file.gzipBody] : [null, file.body];
    requests.push({ path: pathname, bytes: body.length, encoding, at: Date.now() });
    res.writeHead(200, {
      'Content-Type': TYPES[file.ext] ?? 'application/octet-stream',
      'Content-Length': body.length,
      // Every visit is a first visit: nothing from an HTTP or code cache.
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...(encoding ? { 'Content-Encoding': encoding, Vary: 'Accept-Encoding' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, requests, base: `http://127.0.0.1:${server.address().port}` };
}

// ---------------------------------------------------------------- browser helpers

async function seededPage(browser, base, seed, { throttle }) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/__bench/blank`);
  if (seed) {
    await page.evaluate((pairs) => {
      localStorage.clear();
      for (const [k, v] of pairs) localStorage.setItem(k, v);
    }, Object.entries(seed.storage));
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  return { context, page, cdp };
}

async function waitReady(page, what) {
  await page
    .waitForFunction(() => performance.getEntriesByName('zhibu:ready').length > 0, null, { timeout: 180_000, polling: 250 })
    .catch((e) => {
      throw new Error(`${what}: no zhibu:ready mark (${e.message.split('\n')[0]})`);
    });
}

/** Waits until the app's start-up compaction (if it runs one: the app skips
 * it when only a small log waits) has folded the seeded log away. */
async function waitCompacted(page, seed) {
  const seededLogs = Object.keys(seed.storage).filter((k) => k.startsWith('zhibu:log:'));
  await page
    .waitForFunction((keys) => keys.every((k) => localStorage.getItem(k) === null), seededLogs, {
      timeout: 15_000,
      polling: 250,
    })
    .catch(() => {});
}

const PAGES = {
  app: { path: '/#/', rows: '[data-testid="member-row"]' },
  baseline: { path: '/baseline/', rows: '[data-testid="member-row"]' },
};

// ---------------------------------------------------------------- 1. transfer

const SHELL_KINDS = [
  ['html', (u) => u.endsWith('.html')],
  ['js', (u) => u.endsWith('.js') && !u.endsWith('/sw.js')],
  ['wasm', (u) => u.endsWith('.wasm')],
  ['css', (u) => u.endsWith('.css')],
];

function transferOf(site, prefix, before) {
  // The first screen needs the page, its script, wasm and stylesheet; the
  // service worker, manifest and icons come after it (counted apart). For
  // the app, `before` holds what the browser requested before zhibu:ready
  // (the chunks loaded on demand come later).
  const files = [...site.entries()].filter(([u]) =>
    prefix === '/' ? !u.startsWith('/baseline/') && (!before || before.has(u) || !SHELL_KINDS.some(([, t]) => t(u))) : u.startsWith(prefix),
  );
  const kinds = {};
  for (const [kind, test] of SHELL_KINDS) {
    const of = files.filter(([u]) => test(u));
    kinds[kind] = {
      files: of.map(([u]) => u),
      raw: of.reduce((a, [, f]) => a + f.raw, 0),
      gzip: of.reduce((a, [, f]) => a + (f.gzip ?? f.raw), 0),
      br: of.reduce((a, [, f]) => a + (f.br ?? f.raw), 0),
    };
  }
  const total = ['raw', 'gzip', 'br'].reduce((t, k) => ({ ...t, [k]: Object.values(kinds).reduce((a, x) => a + x[k], 0) }), {});
  const rest = files
    .filter(([u]) => !SHELL_KINDS.some(([, test]) => test(u)))
    .map(([u, f]) => ({ file: u, raw: f.raw, gzip: f.gzip ?? f.raw, br: f.br ?? f.raw }));
  return { kinds, total, rest };
}

// ---------------------------------------------------------------- 2. start-up

async function startupRun(browser, base, seed, which, { throttle, phases = false }) {
  const { context, page } = await seededPage(browser, base, seed, { throttle });
  try {
    if (phases) {
      // Attribution run only: time stamps of the app's storage calls, which
      // bracket its phases (src/storage.rs: load reads `zhibu:snap` first
      // and ends by writing its lease; compaction re-reads and rewrites).
      await page.addInitScript(() => {
        const calls = (window.__benchStorage = []);
        for (const name of ['getItem', 'setItem', 'removeItem']) {
          const orig = Storage.prototype[name];
          Storage.prototype[name] = function (key, ...rest) {
            const t = performance.now();
            const result = orig.call(this, key, ...rest);
            calls.push({ op: name, key, t, took: performance.now() - t });
            return result;
          };
        }
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) (window.__benchLong ??= []).push({ start: e.startTime, duration: e.duration });
        }).observe({ type: 'longtask', buffered: true });
      });
    }
    await page.goto(`${base}${PAGES[which].path}`, { waitUntil: 'commit' });
    await waitReady(page, which);
    const result = await page.evaluate((rowsSel) => {
      const nav = performance.getEntriesByType('navigation')[0];
      const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return {
        ready: performance.getEntriesByName('zhibu:ready')[0].startTime,
        rows: document.querySelectorAll(rowsSel).length,
        responseEnd: nav?.responseEnd,
        domContentLoaded: nav?.domContentLoadedEventEnd,
        wasmResponseEnd: wasm?.responseEnd,
        fcp: fcp?.startTime,
        storage: window.__benchStorage,
        long: window.__benchLong,
      };
    }, PAGES[which].rows);
    if (seed && result.rows !== seed.members) {
      throw new Error(`${which} showed ${result.rows} roster rows, not the ${seed.members} seeded members`);
    }
    return { result, page, context };
  } catch (e) {
    await context.close();
    throw e;
  }
}

function phasesOf(r) {
  const calls = r.storage ?? [];
  const first = (pred) => calls.find(pred);
  const loadStart = first((c) => c.op === 'getItem' && c.key === 'zhibu:snap');
  const loadEnd = first((c) => c.op === 'setItem' && c.key.startsWith('zhibu:lease:'));
  const snapWrites = calls.filter((c) => c.op === 'setItem' && c.key === 'zhibu:snap');
  const reads = calls.filter((c) => c.op === 'getItem' && c.key === 'zhibu:snap');
  const compactStart = reads[1];
  const compactEnd = calls.filter((c) => c.op === 'removeItem' || c.key === 'zhibu:snap').at(-1);
  const phases = [];
  const phase = (name, from, to) => from != null && to != null && phases.push({ name, ms: to - from });
  phase('request → wasm downloaded', 0, r.wasmResponseEnd);
  phase('wasm compile + instantiate + app set-up, until it reads zhibu:snap', r.wasmResponseEnd, loadStart?.t);
  phase('Store::load: read and parse the stored records', loadStart?.t, loadEnd ? loadEnd.t + loadEnd.took : undefined);
  if (compactStart && compactStart.t < r.ready) {
    phase('render the roster', loadEnd ? loadEnd.t + loadEnd.took : undefined, compactStart.t);
    phase('start-up compaction (before the mark)', compactStart.t, compactEnd.t + compactEnd.took);
    phase('first frame until the mark', compactEnd.t + compactEnd.took, r.ready);
  } else {
    phase('render the roster, first frame, until the mark', loadEnd ? loadEnd.t + loadEnd.took : undefined, r.ready);
  }
  return {
    phases,
    compaction: compactStart && { start: compactStart.t, ms: compactEnd.t + compactEnd.took - compactStart.t, beforeReady: compactStart.t < r.ready },
    snapshotWriteMs: snapWrites.reduce((a, c) => a + c.took, 0),
    snapshotReadMs: reads.reduce((a, c) => a + c.took, 0),
    longTasks: (r.long ?? []).filter((t) => t.start < r.ready).map((t) => Math.round(t.duration)),
  };
}

/**
 * The start-up figure's runs. `full` false: one app visit only, for what the
 * transfer and density figures need from it (`--only transfer,density`).
 */
async function startup(browser, base, seed, requests, full) {
  const out = { app: [], baseline: [], appEmpty: [], visit: null, stored: null };
  const runs = full ? CONFIG.startupRuns : 1;
  for (let i = 1; i <= runs; i++) {
    for (const which of full ? ['app', 'baseline'] : ['app']) {
      const mark = requests.length;
      const { result, page, context } = await startupRun(browser, base, seed, which, { throttle: CONFIG.throttle });
      out[which].push(result);
      if (which === 'app' && i === 1) {
        // What the first visit fetched (the service worker installs after
        // the first screen) and what the app keeps in storage once it has
        // compacted the seeded data: the density figure's "as stored".
        // When the first screen was drawn, on the server's clock (same machine).
        out.readyAt = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByName('zhibu:ready')[0].startTime);
        await waitCompacted(page, seed);
        out.serviceWorker = await page.evaluate(() =>
          Promise.race([
            navigator.serviceWorker ? navigator.serviceWorker.ready.then(() => 'active') : 'none',
            new Promise((ok) => setTimeout(() => ok('not active after 60 s'), 60_000)),
          ]),
        );
        await page.waitForTimeout(1000);
        out.visit = requests.slice(mark).filter((r) => !r.path.startsWith('/__bench'));
        out.stored = await page.evaluate(() => {
          const keys = [];
          for (let j = 0; j < localStorage.length; j++) {
            const k = localStorage.key(j);
            if (k.startsWith('zhibu:')) keys.push({ key: k, units: k.length + localStorage.getItem(k).length, bytes: new Blob([k + localStorage.getItem(k)]).size });
          }
          return keys;
        });
      }
      await context.close();
      say(`  start-up ${which} run ${i}/${runs}: ${ms(result.ready)} (${result.rows} rows)`);
    }
  }
  if (!full) return out;
  // Attribution: the app once with empty storage (what the data costs) and
  // once with its storage calls timed.
  for (let i = 1; i <= 3; i++) {
    const { result, context } = await startupRun(browser, base, null, 'app', { throttle: CONFIG.throttle });
    await context.close();
    out.appEmpty.push(result);
    say(`  start-up app, empty storage, run ${i}/3: ${ms(result.ready)}`);
  }
  const { result, context } = await startupRun(browser, base, seed, 'app', { throttle: CONFIG.throttle, phases: true });
  await context.close();
  out.profile = { ready: result.ready, ...phasesOf(result) };
  say(`  start-up app, phases run: ${ms(result.ready)}`);
  return out;
}

// ---------------------------------------------------------------- 3. check-in

/**
 * Taps in the page: t0 right before el.click(), t1 when a MutationObserver
 * sees the row show the new state, provided the tap's event is already in
 * localStorage then (checked in the same callback; both pages write
 * synchronously inside the click handler, and a tap whose write is not
 * there yet is counted as not persisted).
 */
async function tapLoop(page, { taps, rows, button, logPrefix }) {
  return page.evaluate(
    async ({ taps, rows, button, logPrefix }) => {
      const stored = () => {
        let n = 0;
        for (let i = 0; i < localStorage.length; i++) {
          const k = localStorage.key(i);
          if (k.startsWith(logPrefix)) n += localStorage.getItem(k).split('"attendance_marked"').length - 1;
        }
        return n;
      };
      // Let the page go idle between taps: the frame after the tap, and
      // whatever it queued (a compaction after 200 events, for the app).
      const settle = () => new Promise((ok) => requestAnimationFrame(() => setTimeout(() => requestAnimationFrame(() => setTimeout(ok, 0)), 0)));
      // Where a tap's time goes: when the log write starts and ends.
      const writes = [];
      const setItem = Storage.prototype.setItem;
      Storage.prototype.setItem = function (key, value) {
        const start = performance.now();
        setItem.call(this, key, value);
        if (key.startsWith(logPrefix)) writes.push({ start, end: performance.now(), size: value.length });
      };
      const out = [];
      const count = document.querySelectorAll(rows).length;
      for (let i = 0; i < taps; i++) {
        const idx = i % count;
        // First pass: none → present; second: present → absent.
        const want = Math.floor(i / count) % 2 === 0 ? 'present' : 'absent';
        const el = document.querySelectorAll(rows)[idx].querySelector(button.replace('{want}', want));
        const before = stored();
        let persisted = false;
        let t1 = null;
        const seen = new Promise((ok) => {
          const obs = new MutationObserver(() => {
            const row = document.querySelectorAll(rows)[idx];
            if (row?.getAttribute('data-status') === want) {
              t1 = performance.now();
              persisted = stored() > before;
              obs.disconnect();
              ok();
            }
          });
          obs.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
          setTimeout(() => {
            obs.disconnect();
            ok();
          }, 10_000);
        });
        const t0 = performance.now();
        el.click();
        await seen;
        if (t1 === null) throw new Error(`tap ${i}: row ${idx} never showed ${want}`);
        const w = writes.filter((x) => x.start >= t0 && x.end <= t1).at(-1);
        out.push({ ms: t1 - t0, persisted, toWrite: w && w.start - t0, write: w && w.end - w.start, afterWrite: w && t1 - w.end, logSize: w?.size });
        await settle();
      }
      return out;
    },
    { taps, rows, button, logPrefix },
  );
}

async function checkin(browser, base, seed, throttle) {
  const out = {};
  const setups = {
    app: {
      path: `/#/meeting/${seed.meeting}`,
      rows: '[data-testid="sheet-row"]',
      button: '[data-testid="mark-{want}"]',
      logPrefix: 'zhibu:log:',
    },
    baseline: { path: '/baseline/', rows: '[data-testid="member-row"]', button: '[data-testid="mark-toggle"]', logPrefix: 'zhibu-baseline:log' },
  };
  for (const [which, s] of Object.entries(setups)) {
    const { context, page } = await seededPage(browser, base, seed, { throttle });
    try {
      await page.goto(`${base}${s.path}`, { waitUntil: 'commit' });
      await waitReady(page, which);
      if (which === 'app') await waitCompacted(page, seed);
      await page.waitForFunction(({ rows, n }) => document.querySelectorAll(rows).length === n, { rows: s.rows, n: seed.members }, { timeout: 60_000 });
      const taps = await tapLoop(page, { taps: CONFIG.taps, ...s });
      const times = taps.map((t) => t.ms);
      out[which] = {
        p50: percentile(times, 50),
        p95: percentile(times, 95),
        max: Math.max(...times),
        taps: taps.length,
        persisted: taps.filter((t) => t.persisted).length,
        // Medians of the parts of a tap (see tapLoop).
        parts: Object.fromEntries(['toWrite', 'write', 'afterWrite'].map((k) => [k, median(taps.map((t) => t[k] ?? 0))])),
        lastLogSize: taps.at(-1).logSize,
      };
      say(`  check-in ${which} (${throttle}× CPU): p50 ${ms(out[which].p50)}, p95 ${ms(out[which].p95)}, ${out[which].persisted}/${taps.length} stored at the mutation`);
    } finally {
      await context.close();
    }
  }
  return out;
}

// ---------------------------------------------------------------- 3b. another screen

/** The tabs whose screens are chunks (src/chunks.rs), in the tab bar's order. */
const CHUNK_TABS = ['meetings', 'study', 'rounds', 'import', 'settings'];

/**
 * Opening each chunked screen the first time: t0 right before the tab's
 * click, t1 the first frame after it in which the screen is drawn (its
 * hash is current, `main` changed and holds no 正在加载 or retry). No
 * service worker (as on a first visit before it installs), so every chunk
 * comes over the emulated network.
 */
async function screens(browser, base, seed, throttle, { worker }) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', serviceWorkers: worker ? 'allow' : 'block' });
  const page = await context.newPage();
  try {
    await page.goto(`${base}/__bench/blank`);
    await page.evaluate((pairs) => {
      localStorage.clear();
      for (const [k, v] of pairs) localStorage.setItem(k, v);
    }, Object.entries(seed.storage));
    const cdp = await context.newCDPSession(page);
    if (worker) {
      // A later visit: the worker installed (every chunk precached) and
      // controls the page.
      await page.goto(`${base}/#/roster`);
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.reload();
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    }
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    await page.goto(`${base}/#/roster`, { waitUntil: 'commit' });
    if (worker) await page.reload({ waitUntil: 'commit' });
    await waitReady(page, 'app');
    await waitCompacted(page, seed);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...CONFIG.network });
    const out = [];
    for (const tab of CHUNK_TABS) {
      const took = await page.evaluate(
        (tab) =>
          new Promise((ok, fail) => {
            const main = document.querySelector('main');
            const before = main.innerHTML;
            const link = document.querySelector(`[data-testid="nav-${tab}"]`);
            const t0 = performance.now();
            link.click();
            const check = () => {
              const drawn =
                location.hash.startsWith(`#/${tab}`) &&
                main.innerHTML !== before &&
                !main.querySelector('.chunk-loading') &&
                !main.querySelector('.chunk-failed');
              if (drawn) ok(performance.now() - t0);
              else if (performance.now() - t0 > 60_000) fail(new Error(`${tab}: not drawn in 60 s`));
              else requestAnimationFrame(check);
            };
            requestAnimationFrame(check);
          }),
        tab,
      );
      out.push({ tab, ms: took });
      say(`  screen ${tab}: ${ms(took)}`);
    }
    return out;
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------- 4. tally

async function tally(browser, base) {
  const { ballots, k, candidates, tallyRuns } = CONFIG;
  say(`  native: cargo run --release --example bench_tally (${ballots} ballots)`);
  const native = JSON.parse(await cargoExample('bench_tally', [ballots, k, candidates, tallyRuns + 2].map(String), { capture: true }));
  // No CPU throttling: wasm and native on the same cores, like for like.
  const { context, page } = await seededPage(browser, base, null, { throttle: 1 });
  try {
    await page.goto(`${base}/#/`, { waitUntil: 'commit' });
    await waitReady(page, 'app');
    const wasm = await page.evaluate(
      ({ ballots, k, candidates, runs }) => {
        const b = window.wasmBindings;
        if (typeof b?.bench_tally !== 'function') throw new Error('window.wasmBindings.bench_tally is missing (src/bench.rs)');
        // One untimed count first, as natively.
        const summary = b.bench_tally_summary(ballots, k, candidates);
        const times = [];
        for (let i = 0; i < runs; i++) times.push(b.bench_tally(ballots, k, candidates));
        return { times, summary };
      },
      { ballots, k, candidates, runs: tallyRuns },
    );
    const nativeTimes = native.ms.slice(2); // the example's first counts warm up
    const out = {
      wasm: { median: median(wasm.times), min: Math.min(...wasm.times), max: Math.max(...wasm.times), summary: wasm.summary },
      native: { median: median(nativeTimes), min: Math.min(...nativeTimes), max: Math.max(...nativeTimes), summary: native.summary },
    };
    out.same = out.wasm.summary === out.native.summary;
    say(`  tally: wasm ${ms(out.wasm.median)}, native ${ms(out.native.median)}; same result: ${out.same}`);
    return out;
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------- 5. density

function density(seed, stored) {
  const records = seed.records;
  const appUnits = stored.reduce((a, k) => a + k.units, 0);
  const appBytes = stored.reduce((a, k) => a + k.bytes, 0);
  const years = (units, rosterUnits) => (CONFIG.quotaUnits - rosterUnits) / ((units - rosterUnits) / seed.years);
  const snap = JSON.parse(seed.storage['zhibu:snap']).snapshot;
  const part = (v) => Buffer.byteLength(JSON.stringify(v ?? null));
  // Meetings: `mt` since schema 9, `ext.mtg` before.
  const meetings = snap.mt ?? snap.ext?.mtg;
  return {
    records,
    app: {
      bytes: appBytes,
      units: appUnits,
      perRecord: appBytes / records,
      keys: stored.map((k) => `${k.key.replace(/^(zhibu:[a-z]+:).*/, '$1…')} ${k.bytes}`),
      years: years(appUnits, seed.roster.units),
      // Where the bytes are, in the seeded snapshot.
      parts: {
        attendance: part(snap.att),
        meetings: part(meetings),
        members: part(snap.mem) + part(snap.ids),
        other: Buffer.byteLength(seed.storage['zhibu:snap']) - part(snap.att) - part(meetings) - part(snap.mem) - part(snap.ids),
      },
    },
    baseline: {
      bytes: seed.plain.bytes,
      units: seed.plain.units,
      perRecord: seed.plain.bytes / records,
      marksPerRecord: seed.plain.marks_bytes / records,
      years: years(seed.plain.units, seed.plain.roster_units),
    },
  };
}

// ---------------------------------------------------------------- 6. lighthouse

async function lighthouse(base, seed, which) {
  // Lighthouse starts its own Chromium; to give it the seeded data, a
  // profile is seeded first (same Chromium, through Playwright) and handed
  // over with --disable-storage-reset.
  const profile = await mkdtemp(join(tmpdir(), `zhibu-lh-${which}-`));
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${base}/__bench/blank`);
    await page.evaluate((pairs) => {
      localStorage.clear();
      for (const [k, v] of pairs) localStorage.setItem(k, v);
    }, Object.entries(seed.storage));
    await context.close();
    const report = join(OUT, `lighthouse-${which}.json`);
    const flags = ['--headless=new', ...CHROMIUM_ARGS, `--user-data-dir=${profile}`].join(' ');
    await run(process.execPath, [
      join(ROOT, 'bench', 'node_modules', 'lighthouse', 'cli', 'index.js'),
      `${base}${PAGES[which].path}`,
      '--quiet',
      '--output=json',
      `--output-path=${report}`,
      '--only-categories=performance,accessibility,best-practices',
      '--form-factor=mobile',
      '--disable-storage-reset',
      '--max-wait-for-load=180000',
      `--chrome-flags=${flags}`,
    ]);
    const lhr = JSON.parse(await readFile(report, 'utf8'));
    if (lhr.runtimeError) throw new Error(`lighthouse ${which}: ${lhr.runtimeError.message}`);
    const scores = {};
    const failing = {};
    for (const [id, cat] of Object.entries(lhr.categories)) {
      if (cat.score == null) throw new Error(`lighthouse ${which}: no ${id} score`);
      scores[id] = Math.round(cat.score * 100);
      failing[id] = cat.auditRefs
        .filter((r) => r.weight > 0 && lhr.audits[r.id].score !== null && lhr.audits[r.id].score < 1)
        .map((r) => `${r.id} (${lhr.audits[r.id].displayValue || Math.round(lhr.audits[r.id].score * 100)})`);
    }
    const metric = (id) => lhr.audits[id]?.numericValue;
    const ready = lhr.audits['user-timings']?.details?.items?.find((i) => i.name === 'zhibu:ready')?.startTime;
    return {
      scores,
      failing,
      metrics: { fcp: metric('first-contentful-paint'), lcp: metric('largest-contentful-paint'), tbt: metric('total-blocking-time'), si: metric('speed-index') },
      observedReady: ready,
      version: lhr.lighthouseVersion,
      userAgent: lhr.environment?.hostUserAgent,
    };
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the table

function table(rows) {
  const head = ['figure', 'app', 'baseline', 'budget', 'met?'];
  const cells = rows.map((r) => [r.figure, r.app, r.baseline, r.budget ?? '—', r.met == null ? '—' : r.met ? 'yes' : 'NO']);
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => [...String(c[i])].length)));
  const pad = (s, w) => String(s) + ' '.repeat(w - [...String(s)].length);
  const line = (c) => `| ${c.map((x, i) => pad(x, width[i])).join(' | ')} |`;
  return [line(head), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

// ---------------------------------------------------------------- main

async function main() {
  const only = parseArgs(process.argv.slice(2));
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('no dist/index.html: build first (cargo xtask bench builds it)');
  await mkdir(OUT, { recursive: true });
  const started = Date.now();
  const rows = [];
  // Where the figures come from, printed under the table.
  const notes = [];
  const details = { config: CONFIG, budgets: BUDGET };

  say('seeding: cargo run --release -p zhibu-core --example bench_seed');
  const seedPath = join(OUT, 'seed.json');
  // The meeting the check-in figure taps on starts now (whole minutes): a
  // mark outside its window would be a 补录, asked first.
  const nextStart = Math.floor(Date.now() / 60_000) * 60;
  await cargoExample('bench_seed', [seedPath, String(nextStart)]);
  const seed = JSON.parse(await readFile(seedPath, 'utf8'));

  say('compressing dist/ and bench/baseline/ (gzip -9, brotli q11)');
  const site = await loadSite();
  const { server, requests, base } = await serve(site);
  say(`serving dist/ at ${base}/ and bench/baseline/ at ${base}/baseline/`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  details.environment = {
    chromium: browser.version(),
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model}`,
    date: new Date().toISOString(),
  };
  say(`Chromium ${browser.version()}, ${details.environment.cpu}`);
  let startupOut = null;
  try {
    // Start-up first: its first app visit also gives the transfer and
    // density figures what was fetched and what was stored.
    if (only.has('startup') || only.has('transfer') || only.has('density')) {
      say(
        only.has('startup')
          ? `[start-up] ${CONFIG.startupRuns} runs each, ${CONFIG.throttle}× CPU, ${seed.members} members, ${seed.records} records`
          : '[first visit] one app visit, for what it fetches and stores',
      );
      startupOut = await startup(browser, base, seed, requests, only.has('startup'));
    }

    if (only.has('transfer')) {
      say('[transfer]');
      const visit = startupOut.visit;
      const before = new Set(visit.filter((r) => r.at <= startupOut.readyAt).map((r) => r.path));
      const app = transferOf(site, '/', before);
      const chunks = [...site.entries()].filter(([u]) => u.endsWith('.wasm') && !before.has(u));
      const baseline = transferOf(site, '/baseline/');
      const fmt = (x) => (x.raw ? `${kB(x.raw)} / ${kB(x.gzip)} / ${kB(x.br)}` : '—');
      for (const [kind] of SHELL_KINDS) {
        rows.push({ figure: `transfer ${kind} (raw / gzip / br)`, app: fmt(app.kinds[kind]), baseline: fmt(baseline.kinds[kind]) });
      }
      rows.push({
        figure: 'transfer total, first screen (raw / gzip / br)',
        app: fmt(app.total),
        baseline: fmt(baseline.total),
        budget: `≤ ${BUDGET.shellGzipBytes / 1000} kB gzip`,
        met: app.total.gzip <= BUDGET.shellGzipBytes,
      });
      const whole = app.total.gzip + chunks.reduce((a, [, f]) => a + f.gzip, 0);
      rows.push({
        figure: `the whole app: first screen + ${chunks.length} wasm chunks loaded on demand (gzip)`,
        app: kB(whole),
        baseline: kB(baseline.total.gzip),
        budget: `≤ ${BUDGET.wholeAppGzipBytes / 1000} kB gzip`,
        met: whole <= BUDGET.wholeAppGzipBytes,
      });
      // File names without build hashes, icons counted: short enough for a table cell.
      const short = (urls) => {
        const names = urls.map((u) => u.slice(1).replace(/-[0-9a-f]{16}(_bg)?\./, '$1.').replace(/^icons\/.*/, 'icons/'));
        return [...new Set(names)].map((n) => (n === 'icons/' ? `icons/ (${names.filter((x) => x === n).length})` : n)).join(', ');
      };
      const fetched = (u) => visit.filter((r) => r.path === u).length;
      const after = app.rest.filter((f) => fetched(f.file) > 0);
      const never = app.rest.filter((f) => fetched(f.file) === 0);
      if (after.length) {
        rows.push({
          figure: `fetched after the first screen (gzip): ${short(after.map((f) => f.file))}`,
          app: kB(after.reduce((a, f) => a + f.gzip, 0)),
          baseline: '—',
        });
      }
      const wire = visit.reduce((a, r) => a + r.bytes, 0);
      const twice = [...new Set(visit.map((r) => r.path))].filter((u) => fetched(u) > 1);
      rows.push({
        figure: `first visit on the wire (br), all requests${twice.length ? `; twice: ${short(twice)}` : ''}`,
        app: `${kB(wire)} in ${visit.length} requests`,
        baseline: '—',
      });
      if (never.length) {
        rows.push({ figure: `not fetched on the first visit: ${short(never.map((f) => f.file))}`, app: kB(never.reduce((a, f) => a + f.raw, 0)) + ' raw', baseline: '—' });
      }
      details.transfer = { app, baseline, firstVisit: visit };
      notes.push(
        `transfer: kB = 1000 bytes; the baseline's css is the app's own stylesheet (/baseline/app.css); ` +
          `first visit counted until the service worker was ${startupOut.serviceWorker}`,
      );
    }

    if (only.has('startup')) {
      const a = startupOut.app.map((r) => r.ready);
      const b = startupOut.baseline.map((r) => r.ready);
      const e = startupOut.appEmpty.map((r) => r.ready);
      const span = (xs) => `${ms(median(xs))} (${ms(Math.min(...xs))}–${ms(Math.max(...xs))})`;
      const ratio = median(a) / median(b);
      rows.push({
        figure: `start-up → zhibu:ready, median (min–max) of ${a.length}, ${CONFIG.throttle}× CPU`,
        app: span(a),
        baseline: span(b),
        budget: `≤ ${BUDGET.startupMs} ms`,
        met: median(a) <= BUDGET.startupMs,
      });
      rows.push({ figure: 'start-up, app ÷ baseline', app: `${ratio.toFixed(1)}×`, baseline: '1.0×', budget: `≤ ${BUDGET.startupRatio}×`, met: ratio <= BUDGET.startupRatio });
      rows.push({ figure: 'start-up with empty storage (no records), median of 3', app: span(e), baseline: '—' });
      const p = startupOut.profile;
      if (p.compaction && !p.compaction.beforeReady) {
        rows.push({
          figure: 'start-up → end of the start-up compaction (main thread free), one run',
          app: ms(p.compaction.start + p.compaction.ms),
          baseline: '— (nothing after the mark)',
        });
      }
      notes.push(`start-up of the app, one run with its storage calls timed (${ms(p.ready)} in all):`);
      for (const ph of p.phases) notes.push(`  ${ms(ph.ms).padStart(8)}  ${ph.name}`);
      if (p.compaction) {
        notes.push(`  start-up compaction: ${ms(p.compaction.ms)} at ${ms(p.compaction.start)}, ${p.compaction.beforeReady ? 'before' : 'after'} the mark`);
      }
      notes.push(`  long tasks before the mark: ${p.longTasks.join(', ') || 'none'} ms`);
      const { visit, stored, ...rest } = startupOut;
      details.startup = rest;
    }

    if (only.has('checkin')) {
      say(`[check-in] ${CONFIG.taps} taps on meeting ${seed.meeting}, ${seed.records} records stored`);
      const throttled = await checkin(browser, base, seed, CONFIG.throttle);
      const free = await checkin(browser, base, seed, 1);
      const stored = (x) => (x.persisted === x.taps ? '' : ` (${x.taps - x.persisted} not stored yet!)`);
      for (const [label, r] of [[`${CONFIG.throttle}× CPU`, throttled], ['no throttling', free]]) {
        rows.push({ figure: `check-in tap → stored + drawn, p50, ${label}`, app: ms(r.app.p50), baseline: ms(r.baseline.p50) });
        rows.push({
          figure: `check-in tap → stored + drawn, p95, ${label}`,
          app: ms(r.app.p95) + stored(r.app),
          baseline: ms(r.baseline.p95) + stored(r.baseline),
          budget: `≤ ${BUDGET.checkinP95Ms} ms`,
          met: r.app.p95 <= BUDGET.checkinP95Ms && r.app.persisted === r.app.taps,
        });
      }
      details.checkin = { throttled, unthrottled: free };
      for (const which of ['app', 'baseline']) {
        const x = throttled[which].parts;
        notes.push(
          `check-in ${which}, ${CONFIG.throttle}× CPU, median parts of a tap: ${ms(x.toWrite)} click → log write, ` +
            `${ms(x.write)} the write (log ${throttled[which].lastLogSize} chars at the last tap), ${ms(x.afterWrite)} write → row drawn`,
        );
      }
    }

    if (only.has('screens')) {
      say(`[screens] each chunked screen opened the first time, ${CONFIG.throttle}× CPU, fast 3G, no service worker`);
      const opened = await screens(browser, base, seed, CONFIG.throttle, { worker: false });
      const cached = await screens(browser, base, seed, CONFIG.throttle, { worker: true });
      const worst = (list) => list.reduce((a, o) => (o.ms > a.ms ? o : a));
      rows.push({
        figure: `opening another screen the first time (chunk fetched, ${CONFIG.throttle}× CPU, fast 3G), slowest of ${opened.length}`,
        app: `${ms(worst(opened).ms)} (${worst(opened).tab})`,
        baseline: '— (one page)',
        budget: `≤ ${BUDGET.screenMs} ms`,
        met: worst(opened).ms <= BUDGET.screenMs,
      });
      rows.push({
        figure: `the same on a later visit (chunks from the service worker's cache), slowest of ${cached.length}`,
        app: `${ms(worst(cached).ms)} (${worst(cached).tab})`,
        baseline: '— (one page)',
      });
      const list = (l) => l.map((o) => `${o.tab} ${ms(o.ms)}`).join(', ');
      notes.push(`screens opened the first time: over the network ${list(opened)}; from the worker's cache ${list(cached)}`);
      details.screens = { network: opened, cached };
    }

    if (only.has('tally')) {
      say(`[tally] ${CONFIG.ballots} ballots, K = ${CONFIG.k} of ${CONFIG.candidates}`);
      const t = await tally(browser, base);
      rows.push({
        figure: `tally ${CONFIG.ballots.toLocaleString('en')} ballots (K=${CONFIG.k} of ${CONFIG.candidates}), median of ${CONFIG.tallyRuns}; baseline native`,
        app: `${ms(t.wasm.median)} (wasm)`,
        baseline: `${ms(t.native.median)} (native)`,
        budget: `≤ ${BUDGET.tallyMs} ms`,
        met: t.wasm.median <= BUDGET.tallyMs,
      });
      rows.push({ figure: 'tally: wasm ÷ native; same result', app: `${(t.wasm.median / t.native.median).toFixed(1)}×`, baseline: t.same ? 'same result' : 'RESULTS DIFFER' });
      details.tally = t;
    }

    if (only.has('density')) {
      say('[density]');
      const d = density(seed, startupOut.stored);
      rows.push({
        figure: `bytes per attendance record, all stored ÷ ${d.records.toLocaleString('en')} (baseline: plain JSON)`,
        app: d.app.perRecord.toFixed(1),
        baseline: d.baseline.perRecord.toFixed(1),
        budget: `≤ ${BUDGET.bytesPerRecord}`,
        met: d.app.perRecord <= BUDGET.bytesPerRecord,
      });
      rows.push({
        figure: 'bytes per record, the marks alone (app: snapshot att; baseline: one object per mark)',
        app: (d.app.parts.attendance / d.records).toFixed(1),
        baseline: d.baseline.marksPerRecord.toFixed(1),
      });
      rows.push({
        figure: `years of a ${seed.members}-member branch in 5 MiB (${seed.meetings_per_year} meetings a year)`,
        app: d.app.years.toFixed(1),
        baseline: d.baseline.years.toFixed(1),
      });
      details.density = d;
      const parts = Object.entries(d.app.parts).map(([k, v]) => `${k} ${kB(v)}`).join(', ');
      notes.push(`density: the seeded zhibu:snap holds ${parts}; stored after start-up: ${d.app.keys.join(', ')} bytes`);
    }
  } finally {
    await browser.close();
  }

  if (only.has('lighthouse')) {
    say('[lighthouse] mobile, seeded storage');
    const lh = {};
    for (const which of ['app', 'baseline']) {
      lh[which] = await lighthouse(base, seed, which);
      say(`  lighthouse ${which}: ${JSON.stringify(lh[which].scores)}`);
    }
    for (const [id, label] of [['performance', 'performance (mobile)'], ['accessibility', 'accessibility'], ['best-practices', 'best practices']]) {
      const budget = BUDGET.lighthouse[id];
      rows.push({
        figure: `Lighthouse ${lh.app.version} ${label}`,
        app: String(lh.app.scores[id]),
        baseline: String(lh.baseline.scores[id]),
        budget: budget === 100 ? '100' : `≥ ${budget}`,
        met: lh.app.scores[id] >= budget,
      });
    }
    details.lighthouse = lh;
    for (const which of ['app', 'baseline']) {
      const m = lh[which].metrics;
      notes.push(
        `Lighthouse ${which}: FCP ${ms(m.fcp)}, LCP ${ms(m.lcp)}, TBT ${ms(m.tbt)}, SI ${ms(m.si)} (simulated); below 100: ` +
          (Object.entries(lh[which].failing).map(([c, ids]) => `${c}: ${ids.join(', ') || 'none'}`).join('; ')),
      );
    }
  }
  server.close();

  const took = Math.round((Date.now() - started) / 1000);
  const text = table(rows);
  console.log(`\n${text}\n`);
  if (notes.length) console.log(`${notes.join('\n')}\n`);
  const metList = rows.filter((r) => r.met != null);
  console.log(`budgets met: ${metList.filter((r) => r.met).length} of ${metList.length}; took ${took}s; JSON in ${relative(ROOT, join(OUT, 'bench.json'))}`);
  await writeFile(join(OUT, 'bench.json'), JSON.stringify({ rows, table: text, notes, details }, null, 2));
}

export { loadSite, serve };

// Run as a program (importing it gives the server, for poking at by hand).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`bench: error: ${e.stack ?? e}`);
    process.exit(1);
  });
}
