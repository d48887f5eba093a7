// The content security policy (pwa/headers.txt) holds for the whole app,
// wherever it is served: by tests/e2e/serve.mjs (every other spec) and by
// zhibu-server (the sync specs). Each test walks screens — chunks loaded on
// demand, the meter's style attribute, QR codes, the camera scanner, the
// sync set-up's fetches — and fails on any violation the page reports.
const { test, expect, chromium } = require('@playwright/test');
const { App, pickMember, ROSTER_12 } = require('./app');
const { useSyncServer, createBranch } = require('./sync-server');
const config = require('../../playwright.config');

// Another port than the other sync specs' (E2E_CSP_PORT when it is taken).
const SYNC_PORT = Number(process.env.E2E_CSP_PORT || 8097);

const SECURITY = ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy'];

/** Collects every CSP violation `page` reports (events and console). */
async function watchPolicy(page) {
  const violations = [];
  await page.exposeBinding('__zhibuViolation', (_source, text) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__zhibuViolation(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  page.on('console', (msg) => {
    if (/content security policy/i.test(msg.text())) violations.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => {
    if (/content security policy|unsafe-eval|wasm-unsafe-eval/i.test(err.message)) violations.push(`error: ${err.message}`);
  });
  return violations;
}

/** The security headers of an answer. */
function security(response) {
  const headers = response.headers();
  return Object.fromEntries(SECURITY.map((name) => [name, headers[name]]));
}

/** 导入, the meeting form, a meeting's check-in QR, 学习教育, the year, 评选 and 设置: most chunks. */
async function walk(page) {
  const app = new App(page);
  await app.open();
  await app.importRosterText(ROSTER_12);
  const meeting = await app.createMeeting({ topic: '主题党日：重温入党誓词', start: new Date(Date.now() - 120_000) });
  await page.goto(`/${meeting}`);
  await page.getByTestId('open-checkin').click();
  await expect(page.getByTestId('checkin-panel').getByTestId('qr')).toBeVisible();
  await page.getByTestId('nav-study').click();
  // The meters' widths are style attributes: style-src must allow them.
  await expect(page.locator('.meter-fill').first()).toBeAttached();
  await page.goto('/#/year');
  await expect(page.locator('main')).toContainText(/\d{4}/);
  await page.getByTestId('nav-rounds').click();
  await expect(page.locator('main')).toBeVisible();
  const link = await app.joinLink();
  await expect(page.getByTestId('qr').first()).toBeVisible();
  return link.slice(link.indexOf('#'));
}

/** A member's phone with a (fake) camera opens the scanner: its chunk and getUserMedia. */
async function scan(baseURL, joinHash) {
  const camera = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [...config.use.launchOptions.args, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  });
  try {
    const context = await camera.newContext({ baseURL, viewport: { width: 390, height: 844 }, permissions: ['camera'] });
    const phone = await context.newPage();
    const violations = await watchPolicy(phone);
    await phone.goto(`/${joinHash}`);
    await pickMember(phone, '赵一');
    await phone.getByTestId('my-meeting').filter({ hasText: '重温入党誓词' }).getByTestId('me-scan').click();
    await expect(phone.locator('video.scanner-video')).toBeVisible({ timeout: 20_000 });
    await expect.poll(() => phone.locator('video.scanner-video').evaluate((v) => v.readyState)).toBeGreaterThan(1);
    return violations;
  } finally {
    await camera.close();
  }
}

test('the app runs under its content security policy (static server)', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const violations = await watchPolicy(page);
  const response = await page.goto('/');
  const headers = security(response);
  expect(headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers).toMatchObject({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
  const joinHash = await walk(page);
  // A reload answered by the service worker's cache keeps the policy.
  await page.reload();
  await expect(page.getByTestId('nav-roster')).toBeVisible();
  const phone = await scan(baseURL, joinHash);
  expect(violations).toEqual([]);
  expect(phone).toEqual([]);
});

test.describe('served by zhibu-server', () => {
  const server = useSyncServer(test, SYNC_PORT, 'csp-e2e');

  test('the same policy, and the sync set-up keeps it', async ({ page, request }) => {
    test.setTimeout(120_000);
    const violations = await watchPolicy(page);
    const fromServer = security(await page.goto('/'));
    // One policy: what serve.mjs sends for the other specs.
    const fromStatic = security(await request.get(`http://127.0.0.1:${config.webServer.env.PORT}/`));
    expect(fromServer).toEqual(fromStatic);
    expect(security(await request.get('/api/health'))).toEqual(fromStatic);
    await walk(page);
    await createBranch(page, { branch: '第一党支部', login: 'csp-organizer', password: 'a long enough password' });
    await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'ok', { timeout: 20_000 });
    await page.getByTestId('invite-member').selectOption({ label: '李组织' });
    await page.getByTestId('invite-make').click();
    await expect(page.getByTestId('sync-invite').getByTestId('qr')).toBeVisible();
    expect(violations).toEqual([]);
  });
});
