// Full storage: the change is kept in memory, the page says so and offers
// an export that holds it; once space is back, the next change saves all.
const fs = require('node:fs');
const { test, expect } = require('@playwright/test');
const { App } = require('./app');

test('full storage is reported, nothing is lost, export is offered', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await app.addMember({ name: '王建国', group: '第一党小组' });
  const fillers = await page.evaluate(() => {
    let n = 0;
    for (const size of [1 << 20, 1 << 16, 1 << 12, 1 << 8, 16]) {
      try {
        for (;;) localStorage.setItem(`filler:${n++}`, 'x'.repeat(size));
      } catch (e) {
        if (e.name !== 'QuotaExceededError') throw e;
      }
    }
    return n;
  });

  await app.addMember({ name: '李秀英', group: '第一党小组' });
  const notice = page.getByTestId('save-error');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('存储空间已满');
  await expect(page.getByTestId('member-name')).toHaveText(['李秀英', '王建国']);

  const [download] = await Promise.all([page.waitForEvent('download'), notice.getByRole('button').click()]);
  expect(fs.readFileSync(await download.path(), 'utf8')).toContain('李秀英');

  await page.evaluate((n) => {
    for (let i = 0; i < n; i++) localStorage.removeItem(`filler:${i}`);
  }, fillers);
  await app.addMember({ name: '张伟', group: '第一党小组' });
  await expect(notice).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('member-name')).toHaveText(['李秀英', '王建国', '张伟']);
});
