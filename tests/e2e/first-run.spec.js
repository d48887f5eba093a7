// First run on the organizer's device asks for the branch's name (and,
// optionally, its 上级党委); the name then heads every screen and every
// print, and leads the names of exported files (issue 20, item 12).
const { test, expect } = require('@playwright/test');
const { App } = require('./app');

test('first run asks for the branch name, which then heads the app, prints and exports', async ({ page }) => {
  const app = new App(page);
  await app.open();
  const card = page.getByTestId('first-run');
  await expect(card).toBeVisible();
  await expect(page.getByTestId('header-branch')).toHaveCount(0);
  // Above the fold on a phone: the first thing a new organizer sees.
  const box = await page.getByTestId('first-run-save').boundingBox();
  expect(box.y + box.height).toBeLessThanOrEqual(844);

  // A name is required; nothing is saved without one.
  await page.getByTestId('first-run-name').fill('　 ');
  await page.getByTestId('first-run-save').click();
  await expect(card.getByRole('alert')).toHaveText('请填写支部名称。');
  await expect(page.getByTestId('first-run-name')).toHaveAttribute('aria-invalid', 'true');

  await page.getByTestId('first-run-name').fill(' 城关社区第一党支部 ');
  await page.getByTestId('first-run-parent').fill('中共城关镇委员会');
  await page.getByTestId('first-run-save').click();
  await expect(card).toHaveCount(0);
  await expect(page.getByTestId('header-branch')).toHaveText('城关社区第一党支部');
  await page.reload();
  await expect(page.getByTestId('header-branch')).toHaveText('城关社区第一党支部');
  await expect(page.getByTestId('first-run')).toHaveCount(0);

  // Printed pages carry it; on screen it is only in the header.
  await expect(page.getByTestId('print-branch')).toBeHidden();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('print-branch')).toBeVisible();
  await expect(page.getByTestId('print-branch')).toContainText('中共城关镇委员会');
  await expect(page.getByTestId('print-branch')).toContainText('城关社区第一党支部');
  await page.emulateMedia({ media: 'screen' });

  // Exports are named for it.
  await app.addMember({ name: '王建国', group: '第一党小组' });
  await page.getByTestId('nav-settings').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/^城关社区第一党支部-名册-\d{4}-\d{2}-\d{2}\.csv$/);

  // Settings show both and can change them.
  await expect(page.locator('#branch-name')).toHaveValue('城关社区第一党支部');
  await expect(page.locator('#branch-parent')).toHaveValue('中共城关镇委员会');
  await page.locator('#branch-name').fill('城关社区第二党支部');
  await page.getByTestId('save-branch').click();
  await expect(page.getByTestId('header-branch')).toHaveText('城关社区第二党支部');
  // …but not to nothing.
  await page.locator('#branch-name').fill('');
  await page.getByTestId('save-branch').click();
  await expect(page.getByTestId('branch-settings').getByRole('alert')).toHaveText('请填写支部名称。');
  await expect(page.getByTestId('header-branch')).toHaveText('城关社区第二党支部');
});
