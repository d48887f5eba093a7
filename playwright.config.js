// End-to-end tests against the release build in dist/ (made by
// `trunk build --release --offline`), served by tests/e2e/serve.mjs.
// Run through `cargo xtask test --only e2e`, which builds dist/ first.
//
// Browsers are never downloaded here: the system Chromium is launched
// (`/usr/bin/chromium` from Debian's `chromium` package; CHROMIUM_PATH
// overrides it on other machines).
const { defineConfig } = require('@playwright/test');

// E2E_PORT: another port when 8091 is taken (a shared machine).
const PORT = Number(process.env.E2E_PORT || 8091);
const baseURL = `http://127.0.0.1:${PORT}`;

module.exports = defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.js',
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    // A phone-sized screen by default; a spec can `test.use()` a laptop one.
    viewport: { width: 390, height: 844 },
    locale: 'zh-CN',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        // Root needs --no-sandbox; the rest stop Chromium calling hosts that
        // this network refuses.
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `node tests/e2e/serve.mjs`,
    url: `${baseURL}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
    env: { PORT: String(PORT) },
  },
});
