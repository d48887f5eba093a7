// The installable, offline app: manifest and service worker (pwa/), what a
// phone sees with no signal, and a new version announced and applied.
//
// The update test serves its own copy of dist/ (a second serve.mjs on its own
// port) so that it can put a "new build" in place while the page is open.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test, expect, chromium } = require('@playwright/test');
const config = require('../../playwright.config');
const { App, ROSTER_12 } = require('./app');

const root = path.resolve(__dirname, '../..');
const dist = path.join(root, 'dist');

/** Waits until a service worker controls the page (the first install claims it). */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, {
    timeout: 20_000,
  });
  return page.evaluate(async () => (await navigator.serviceWorker.ready).active.scriptURL);
}

function versionOf(dir) {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const found = html.match(/<meta name="zhibu-version" content="([0-9a-f]{16})">/);
  expect(found, 'index.html carries the build version').not.toBeNull();
  return found[1];
}

/** A static server for `dir` on `port`, as tests/e2e/serve.mjs does for dist/. */
async function serve(dir, port) {
  const child = spawn(process.execPath, [path.join(__dirname, 'serve.mjs')], {
    env: { ...process.env, DIST: dir, PORT: String(port), HOST: '127.0.0.1', LOG_REQUESTS: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.requests = [];
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      for (const line of String(chunk).split('\n')) {
        if (line.startsWith('request ')) child.requests.push(line.slice('request '.length));
        if (line.startsWith('serve.mjs:')) resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
  });
  return child;
}

test('the build lists every shell file in sw.js and stamps its version', async () => {
  const worker = fs.readFileSync(path.join(dist, 'sw.js'), 'utf8');
  const version = versionOf(dist);
  expect(worker).toContain(`const VERSION = "${version}"`);
  const list = JSON.parse(worker.match(/const SHELL = (\[.*?\]);/)[1]);
  const files = fs
    .readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dist, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/'))
    .filter((f) => f !== 'sw.js' && !/\.(br|gz)$/.test(f))
    .sort();
  expect(list).toEqual(files);
  // Every chunk of the split wasm is precached: any screen opens offline.
  expect(list.filter((f) => /^split_.*\.wasm$/.test(f)).length).toBeGreaterThanOrEqual(5);
  // Precompressed copies sit beside the files (servers negotiate them); the
  // worker caches the files themselves.
  for (const f of list.filter((f) => /\.(js|wasm|css|html)$/.test(f))) {
    expect(fs.existsSync(path.join(dist, `${f}.br`)), `${f}.br`).toBe(true);
    expect(fs.existsSync(path.join(dist, `${f}.gz`)), `${f}.gz`).toBe(true);
  }
  for (const ext of ['.js', '.wasm', '.css', '.html', '.webmanifest', '.png']) {
    expect(list.some((f) => f.endsWith(ext)), `a ${ext} file is precached`).toBe(true);
  }
});

test('under the development server the hook writes a worker that removes itself', async () => {
  // The same hook trunk runs, on a staging directory that looks like
  // `trunk serve` output (its live-reload script is in index.html).
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'zhibu-stage-'));
  fs.writeFileSync(
    path.join(stage, 'index.html'),
    '<html><head></head><body><script>const url = ".well-known/trunk/ws";</script></body></html>',
  );
  fs.writeFileSync(path.join(stage, 'app.js'), 'console.log(1)');
  const run = spawn(process.execPath, [path.join(root, 'pwa/precache.mjs')], {
    env: { ...process.env, TRUNK_STAGING_DIR: stage, TRUNK_SOURCE_DIR: root },
    stdio: 'inherit',
  });
  expect(await new Promise((resolve) => run.on('exit', resolve))).toBe(0);
  const worker = fs.readFileSync(path.join(stage, 'sw.js'), 'utf8');
  expect(worker).toContain('registration.unregister()');
  expect(worker).not.toContain('cache.addAll');
  expect(fs.readFileSync(path.join(stage, 'index.html'), 'utf8')).toContain('<meta name="zhibu-pwa" content="off">');
});

test('Chromium reports the app installable', async ({ baseURL }) => {
  // Chromium never offers installation in an incognito-like context (what
  // Playwright's contexts are): a real profile directory is needed.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'zhibu-profile-'));
  const context = await chromium.launchPersistentContext(profile, { ...config.use.launchOptions, baseURL });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await new App(page).open();
    await controlled(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
    const parsed = JSON.parse(manifest.data);
    expect(parsed.display).toBe('standalone');
    expect(parsed.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

test('offline after one visit: data, deep links and a check-in made offline are kept', async ({
  page,
  context,
}) => {
  const app = new App(page);
  await app.open();
  expect(await controlled(page)).toMatch(/\/sw\.js$/);

  await app.importRosterText(ROSTER_12);
  const start = new Date(Date.now() - 2 * 60 * 1000);
  const meeting = await app.createMeeting({ topic: '离线签到演练', start, host: '张书记' });

  await context.setOffline(true);
  // The network is really gone for the page (a file the worker has not cached)...
  expect(await page.evaluate(() => fetch('/offline-probe.txt').then(() => 'online', () => 'offline'))).toBe('offline');
  // ...yet a reload opens the app with its data.
  await page.reload();
  await expect(page.getByTestId('meeting-page')).toBeVisible();
  await expect(page.getByTestId('count-expected')).toHaveText('12');

  // A check-in made offline is kept across a reload.
  await app.row('赵一').getByTestId('mark-present').click();
  await expect(app.row('赵一')).toHaveAttribute('data-status', 'present');
  await page.reload();
  await expect(app.row('赵一')).toHaveAttribute('data-status', 'present');

  // Deep links open offline, in a fresh tab too.
  const tab = await context.newPage();
  await tab.goto(`/${meeting}`);
  await expect(tab.getByTestId('meeting-page')).toBeVisible();
  await expect(new App(tab).row('赵一')).toHaveAttribute('data-status', 'present');
  await tab.goto('/#/study');
  await expect(tab.getByTestId('nav-study')).toHaveAttribute('aria-current', 'page');
  await tab.goto('/#/roster');
  await expect(tab.getByTestId('member-name')).toHaveCount(12);
  // A screen in a chunk this phone never opened comes from the precache.
  await tab.getByTestId('nav-rounds').click();
  await expect(tab.getByRole('heading', { name: '“身边最美党员”评选' })).toBeVisible();
  await expect(tab.getByTestId('chunk-retry')).toHaveCount(0);
  await context.setOffline(false);
});

test('a chunk that fails to download offers a retry, and the retry opens the screen', async ({ browser, baseURL }) => {
  // No worker: the page itself fetches the chunk, and the test cuts it.
  const context = await browser.newContext({ baseURL, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    const app = new App(page);
    await app.open();
    let cut = true;
    await page.route(/\/split_rounds-[0-9a-f]+\.wasm$/, (route) => (cut ? route.abort('internetdisconnected') : route.continue()));
    await page.getByTestId('nav-rounds').click();
    const retry = page.getByTestId('chunk-retry');
    await expect(retry).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('没能下载');
    // The rest of the app still works.
    await page.getByTestId('nav-roster').click();
    await expect(page.getByTestId('nav-roster')).toHaveAttribute('aria-current', 'page');
    await page.getByTestId('nav-rounds').click();
    await expect(retry).toBeVisible();
    cut = false;
    await retry.click();
    await expect(page.getByRole('heading', { name: '“身边最美党员”评选' })).toBeVisible();
    await expect(retry).toHaveCount(0);
  } finally {
    await context.close();
  }
});

test('a new build is announced, applied on request, and the data survives', async ({ browser }, info) => {
  const port = Number(process.env.E2E_PORT || 8091) + 20 + info.workerIndex;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhibu-dist-'));
  fs.cpSync(dist, dir, { recursive: true });
  const server = await serve(dir, port);
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${port}` });
  try {
    const page = await context.newPage();
    const app = new App(page);
    await app.open();
    await controlled(page);
    // The worker's precache reused the page's copy of the hashed files: the
    // wasm crossed the network once on this first visit.
    const wasm = fs.readdirSync(dir).find((f) => /^zhibu_bg-[0-9a-f]+\.wasm$/.test(f));
    expect(server.requests.filter((r) => r === `GET /${wasm}`)).toHaveLength(1);
    expect(server.requests.filter((r) => r === 'GET /index.html').length).toBeGreaterThanOrEqual(1);
    await app.addMember({ name: '升级前的党员', group: '第一党小组' });
    const before = versionOf(dir);
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('app-version')).toContainText(before);

    // "Deploy" a new build: new version in sw.js and index.html (what
    // pwa/precache.mjs writes when any file changes).
    const after = [...before].reverse().join('');
    for (const file of ['sw.js', 'index.html']) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      fs.writeFileSync(path.join(dir, file), text.replaceAll(before, after));
    }

    // The open app learns of it on its next start (a reload checks sw.js).
    await page.reload();
    const notice = page.getByRole('button', { name: '新版本可用，点击刷新' });
    await expect(notice).toBeVisible({ timeout: 20_000 });
    // Until the user agrees, the old version keeps running.
    await expect(page.getByTestId('app-version')).toContainText(before);

    // A second tab of the old version is open too.
    const other = await context.newPage();
    await other.goto('/#/roster');
    await expect(other.getByTestId('member-name')).toHaveText(['升级前的党员']);
    await expect(other.locator('meta[name="zhibu-version"]')).toHaveAttribute('content', before);

    await Promise.all([page.waitForEvent('load'), notice.click()]);
    await expect(page.getByTestId('app-version')).toContainText(after);
    // The other tab follows at once: old and new code never share storage.
    await expect(other.locator('meta[name="zhibu-version"]')).toHaveAttribute('content', after, { timeout: 20_000 });
    await expect(other.getByTestId('member-name')).toHaveText(['升级前的党员']);
    await other.close();
    await expect(notice).toHaveCount(0);
    // Only the new version's cache is left.
    expect(await page.evaluate(() => caches.keys())).toEqual([`zhibu-shell-${after}`]);
    await page.getByTestId('nav-roster').click();
    await expect(page.getByTestId('member-name')).toHaveText(['升级前的党员']);

    // The same address now runs the development server (`cargo xtask dev`):
    // its worker removes the installed one and the caches, and the page
    // comes back from the network with no worker at all.
    fs.copyFileSync(path.join(root, 'pwa/sw-dev.js'), path.join(dir, 'sw.js'));
    const index = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    fs.writeFileSync(path.join(dir, 'index.html'), index.replace('name="zhibu-pwa" content="on"', 'name="zhibu-pwa" content="off"'));
    // (Chromium lets an unregistered worker keep an open tab until it is
    // closed; with no fetch handler and no cache left, nothing is stale.)
    const gone = async () =>
      (await navigator.serviceWorker.getRegistrations()).length === 0 && (await caches.keys()).length === 0;
    await page.reload();
    await page.waitForFunction(gone, null, { timeout: 20_000, polling: 250 });
    // The leaving worker also reloads the page itself (controllerchange,
    // client.navigate): a reload of ours may be cut short by one of those.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId('member-name')).toHaveText(['升级前的党员'], { timeout: 3_000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.locator('meta[name="zhibu-pwa"]')).toHaveAttribute('content', 'off');
    await page.waitForFunction(gone, null, { timeout: 20_000, polling: 250 });
  } finally {
    await context.close();
    server.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a later start sorts by pinyin from its first frame: the table comes from the worker’s cache', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await app.addMember({ name: '王五' });
  await app.addMember({ name: '陈六' });
  await controlled(page);
  // What the roster shows the first time it shows any name.
  await page.addInitScript(() => {
    const seen = () => [...document.querySelectorAll('[data-testid="member-name"]')].map((e) => e.textContent);
    new MutationObserver((_, observer) => {
      const names = seen();
      if (names.length > 0 && !window.firstNames) {
        window.firstNames = names;
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.reload();
  await expect(page.locator('html[data-pinyin="ready"]')).toHaveCount(1);
  expect(await page.evaluate(() => window.firstNames)).toEqual(['陈六', '王五']);
});
