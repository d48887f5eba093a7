// The real sync server (crates/server) for an end-to-end spec: it serves the
// built app itself, so the app's origin is the server. One per spec file,
// on its own port and in its own temporary data directory; its log goes to
// a file there, attached to the report when a test fails.
//
// The binary: ZHIBU_SERVER, else target/debug/zhibu-server (built here if
// missing; `cargo xtask test` builds it first). The app: ZHIBU_E2E_DIST,
// else dist/.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { expect } = require('@playwright/test');

const root = path.resolve(__dirname, '../..');
const binary = process.env.ZHIBU_SERVER || path.join(root, 'target/debug/zhibu-server');
const dist = process.env.ZHIBU_E2E_DIST || path.join(root, 'dist');

class SyncServer {
  constructor(port, name) {
    this.port = port;
    this.name = name;
    this.base = `http://127.0.0.1:${port}`;
    this.child = null;
    this.dataDir = null;
    this.log = null;
  }

  /** Starts it (the first time in a fresh data directory) and waits for /api/health. */
  async start() {
    if (!fs.existsSync(binary)) {
      execFileSync('cargo', ['build', '-p', 'zhibu-server'], { cwd: root, stdio: 'inherit' });
    }
    if (!this.dataDir) {
      this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `zhibu-${this.name}-`));
      this.log = path.join(this.dataDir, 'server.log');
    }
    const out = fs.openSync(this.log, 'a');
    const child = spawn(binary, ['--bind', `127.0.0.1:${this.port}`, '--data-dir', this.dataDir, '--dist', dist], {
      stdio: ['ignore', out, out],
      // No rate limits in the way of a fast test.
      env: { ...process.env, ZHIBU_RATE_TOKEN: '0', ZHIBU_RATE_ADDRESS: '0', ZHIBU_RATE_LOGIN: '0' },
    });
    fs.closeSync(out);
    this.child = child;
    const exited = new Promise((r) => child.once('exit', (code) => r(code)));
    for (let i = 0; i < 300; i++) {
      const gone = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 100))]);
      if (gone !== undefined) {
        throw new Error(`the sync server exited (${gone}): ${fs.readFileSync(this.log, 'utf8')}`);
      }
      try {
        if ((await fetch(`${this.base}/api/health`)).ok) return;
      } catch {
        // not up yet
      }
    }
    throw new Error(`the sync server did not start on ${this.base}`);
  }

  /** Stops it (the data directory stays for a restart). */
  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill();
    await exited;
  }

  /** Attaches the server's log to a failed test's report. */
  async attachLogIfFailed(testInfo) {
    if (testInfo.status !== testInfo.expectedStatus && this.log && fs.existsSync(this.log)) {
      await testInfo.attach('server.log', { path: this.log, contentType: 'text/plain' });
    }
  }

  /** Stops it and removes its data. */
  async remove() {
    await this.stop();
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * One server for a spec file: its tests run one after another against it
 * (they share its branches), with the server's log attached to failures.
 */
function useSyncServer(test, port, name) {
  const server = new SyncServer(port, name);
  test.describe.configure({ mode: 'serial' });
  test.use({ baseURL: server.base });
  test.beforeAll(async () => {
    test.setTimeout(600_000);
    await server.start();
  });
  test.afterEach(async ({}, testInfo) => {
    await server.attachLogIfFailed(testInfo);
  });
  test.afterAll(async () => {
    await server.remove();
  });
  return server;
}

/** 设置 → 同步服务器 → 创建支部 on the organizer's page (the caller waits for the sync). */
async function createBranch(page, { branch, login, password }) {
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('sync-mode-create').click();
  await page.locator('#sync-branch').fill(branch);
  await page.locator('#sync-login').fill(login);
  await page.locator('#sync-password').fill(password);
  await page.locator('#sync-password2').fill(password);
  await page.getByTestId('sync-connect').click();
}

/**
 * 邀请成员 on the organizer's settings page: a one-time link for `name`
 * (a different one from `previous`, when given).
 */
async function invite(page, base, name, previous) {
  await page.getByTestId('invite-member').selectOption({ label: name });
  await page.getByTestId('invite-make').click();
  const field = page.getByTestId('invite-link');
  if (previous) await expect(field).not.toHaveValue(previous);
  await expect(field).toHaveValue(new RegExp(`^${base}/#/invite/.+`));
  return field.inputValue();
}

module.exports = { SyncServer, useSyncServer, createBranch, invite };
