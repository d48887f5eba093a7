// The roster: a member added by hand survives a reload; search finds by
// characters, full pinyin and pinyin initials.
const { test, expect } = require('@playwright/test');
const { App } = require('./app');

test('a member added by hand is still there after a reload', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await expect(page.getByTestId('roster-empty')).toBeVisible();
  await app.addMember({ name: '王建国', group: '第一党小组', role: '书记' });
  await expect(page.getByTestId('member-name')).toHaveText(['王建国']);
  await page.reload();
  await expect(page.getByTestId('member-name')).toHaveText(['王建国']);
  expect(await app.groups()).toEqual({ 第一党小组: ['王建国'] });
  await expect(page.getByTestId('member-role')).toHaveText(['书记']);
});

test('a refused form keeps the input and says why', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await page.getByTestId('add-member').click();
  await page.locator('#member-phone').fill('abc');
  await page.getByTestId('save-member').click();
  await expect(page.locator('#member-name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#member-name-error')).toHaveText('不能为空');
  await expect(page.locator('#member-phone-error')).toContainText('abc');
  await expect(page.locator('#member-phone')).toHaveValue('abc');
  await expect(page.getByTestId('member-name')).toHaveCount(0);
});

test('search finds names by characters, pinyin and initials', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await app.importRoster('roster-utf8-bom.csv');
  await expect(page.getByTestId('member-name')).toHaveCount(12);

  const cases = [
    ['wjg', ['王建国']],
    ['WangJianGuo', ['王建国']],
    ['建国', ['王建国']],
    ['xhr', ['徐浩然']],
    ['zw', ['张伟']],
    ['lf', ['刘芳']],
  ];
  for (const [query, expected] of cases) {
    await app.search(query);
    await expect(page.getByTestId('member-name'), query).toHaveText(expected);
  }
  await app.search('qqq');
  await expect(page.getByTestId('member-name')).toHaveCount(0);
  await expect(page.getByTestId('roster-empty')).toBeVisible();
});

test('archive hides a member and restore brings them back', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await app.addMember({ name: '周强', group: '第三党小组' });
  await page.getByTestId('archive-toggle').click();
  await expect(page.getByTestId('member-name')).toHaveCount(0);
  await page.getByTestId('show-archived').check();
  await expect(page.getByTestId('member-name')).toHaveText(['周强']);
  await page.getByTestId('archive-toggle').click();
  await page.getByTestId('show-archived').uncheck();
  await page.reload();
  await expect(page.getByTestId('member-name')).toHaveText(['周强']);
});

test('English can be chosen and is remembered', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.locator('#roster-title')).toHaveText('党员名册');
  await page.getByRole('button', { name: 'English' }).first().click();
  await expect(page.locator('#roster-title')).toHaveText('Branch roster');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.locator('#roster-title')).toHaveText('Branch roster');
  await expect(page.getByTestId('nav-settings')).toContainText('Settings');
});
