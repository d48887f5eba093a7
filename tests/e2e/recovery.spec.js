// Corrupt stored data: the app still starts, keeps the data aside (not
// deleted), says so, and lets the user download it.
const fs = require('node:fs');
const { test, expect } = require('@playwright/test');
const { App } = require('./app');

test('corrupt stored data is kept aside and the app starts', async ({ page }) => {
  const app = new App(page);
  await app.open();
  const garbage = '{"schema":2,"snapshot":{"clk":1,"dev":[],"ids":[],"mem":[{"i":7}]}} trailing';
  await page.evaluate((g) => localStorage.setItem('zhibu:snap', g), garbage);
  await page.reload();

  await expect(page.getByTestId('recovery-notice')).toBeVisible();
  await expect(page.getByTestId('recovery-notice')).toContainText('没有删除');
  // Still usable.
  await app.addMember({ name: '吴桂兰', group: '第三党小组' });
  await expect(page.getByTestId('member-name')).toHaveText(['吴桂兰']);

  // The original text can be downloaded, byte for byte.
  await page.getByTestId('nav-settings').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-aside').click()]);
  expect(fs.readFileSync(await download.path(), 'utf8')).toBe(garbage);
  // And it survives a reload.
  await page.reload();
  await expect(page.getByTestId('recovery-notice')).toBeVisible();
});
