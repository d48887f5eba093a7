// Smoke: the release build loads, its wasm is served as application/wasm,
// the app mounts, and nothing throws while it starts.
const { test, expect } = require('@playwright/test');

test('the release build starts without errors', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  // The browser asks for /favicon.ico by itself; a missing one is not an app error.
  const ours = (url) => !url.endsWith('/favicon.ico');
  page.on('console', (msg) => {
    if (msg.type() === 'error' && ours(msg.location().url)) errors.push(`console.error: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && ours(res.url())) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  const wasm = page.waitForResponse((res) => res.url().endsWith('.wasm'));

  await page.goto('/');

  const res = await wasm;
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('application/wasm');
  // Mounted: the body holds more than trunk's <script>/<link> tags.
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          [...document.body.children].filter((el) => !['SCRIPT', 'LINK', 'STYLE', 'NOSCRIPT'].includes(el.tagName))
            .length,
      ),
    )
    .toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
