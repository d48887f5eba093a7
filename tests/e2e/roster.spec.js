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
  await page.getByTestId('archive-confirm-yes').click();
  await expect(page.getByTestId('member-name')).toHaveCount(0);
  await page.getByTestId('show-archived').check();
  await expect(page.getByTestId('member-name')).toHaveText(['周强']);
  await page.getByTestId('archive-toggle').click();
  await page.getByTestId('show-archived').uncheck();
  await page.reload();
  await expect(page.getByTestId('member-name')).toHaveText(['周强']);
});

test('English can be chosen and is remembered', async ({ page }) => {
  // The English texts are a file of their own (src/english.rs): a start in
  // Chinese never asks for it; choosing English does.
  const english = [];
  page.on('request', (r) => /\/en-[0-9a-f]{16}\.json$/.test(new URL(r.url()).pathname) && english.push(r.url()));
  const app = new App(page);
  await app.open();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.locator('#roster-title')).toHaveText('党员名册');
  expect(english).toEqual([]);
  await page.getByRole('button', { name: 'English' }).first().click();
  await expect(page.locator('#roster-title')).toHaveText('Branch roster');
  expect(english).toHaveLength(1);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.locator('#roster-title')).toHaveText('Branch roster');
  await expect(page.getByTestId('nav-settings')).toContainText('Settings');
});

test('归档 asks first and can be undone right after', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await app.addMember({ name: '周强', group: '第三党小组' });
  await app.addMember({ name: '吴桂兰', group: '第三党小组' });
  const row = page.getByTestId('member-row').filter({ hasText: '周强' });

  // Asking names the member; cancelling changes nothing.
  await row.getByTestId('archive-toggle').click();
  const ask = row.getByTestId('archive-confirm');
  await expect(ask).toBeVisible();
  await expect(ask).toContainText('归档周强？');
  await expect(page.getByTestId('roster-summary')).toContainText('在册 2 人');
  await ask.getByTestId('archive-confirm-no').click();
  await expect(ask).toHaveCount(0);
  await expect(page.getByTestId('member-name')).toHaveText(['吴桂兰', '周强']);

  // Confirmed: gone from the list, with 撤销 offered.
  await row.getByTestId('archive-toggle').click();
  await row.getByTestId('archive-confirm-yes').click();
  await expect(page.getByTestId('member-name')).toHaveText(['吴桂兰']);
  await expect(page.getByTestId('archived-notice')).toContainText('已归档周强');
  await expect(page.getByTestId('roster-summary')).toContainText('在册 1 人');
  await page.getByTestId('undo-archive').click();
  await expect(page.getByTestId('archived-notice')).toHaveCount(0);
  await expect(page.getByTestId('member-name')).toHaveText(['吴桂兰', '周强']);
  await page.reload();
  await expect(page.getByTestId('member-name')).toHaveText(['吴桂兰', '周强']);
  await expect(page.getByTestId('roster-summary')).toContainText('已归档 0 人');
});

test('显示已归档 is a checkbox on its label’s line, with a visible ticked state, at every text size', async ({ page }) => {
  const app = new App(page);
  await app.open();
  const heights = [];
  for (const size of ['standard', 'large', 'larger']) {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('text-size').locator(`[data-size="${size}"]`).click();
    await expect(page.locator('html')).toHaveAttribute('data-text-size', size);
    await page.getByTestId('nav-roster').click();
    const box = page.getByTestId('show-archived');
    const label = page.locator('label.check', { has: box }).locator('span');
    const b = await box.boundingBox();
    const t = await label.boundingBox();
    const fontPx = await label.evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(Math.abs(b.width - b.height), `${size}: square`).toBeLessThanOrEqual(1);
    expect(b.height, `${size}: at least 24 px`).toBeGreaterThanOrEqual(24);
    expect(b.height, `${size}: grows with the text`).toBeGreaterThanOrEqual(fontPx);
    expect(Math.abs(b.y + b.height / 2 - (t.y + t.height / 2)), `${size}: on the label's line`).toBeLessThanOrEqual(4);
    expect(b.x + b.width, `${size}: before its label`).toBeLessThanOrEqual(t.x);
    heights.push(b.height);
    // Ticked looks different from not ticked.
    const before = await box.screenshot();
    await box.check();
    const after = await box.screenshot();
    expect(before.equals(after), `${size}: ticking shows`).toBe(false);
    await box.uncheck();
  }
  expect(heights[1]).toBeGreaterThan(heights[0]);
  expect(heights[2]).toBeGreaterThan(heights[1]);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-text-size', 'larger');
});

test.describe('the pinyin table, fetched after the first screen', () => {
  // The service worker would answer from its cache, past page.route.
  test.use({ serviceWorkers: 'block' });

  test('the roster shows before it arrives and sorts by pinyin once it has', async ({ page }) => {
    const app = new App(page);
    await app.open();
    await app.addMember({ name: '王五' });
    await app.addMember({ name: '陈六' });
    await expect(page.getByTestId('member-name')).toHaveText(['陈六', '王五']);

    let release;
    const held = new Promise((resolve) => (release = resolve));
    await page.route('**/pinyin-*.bin', async (route) => {
      await held;
      await route.continue();
    });
    await page.reload();
    // By character until then: 王 (U+738B) before 陈 (U+9648); search by
    // characters already works.
    await expect(page.getByTestId('member-name')).toHaveText(['王五', '陈六']);
    await expect(page.locator('html[data-pinyin]')).toHaveCount(0);
    await app.search('陈');
    await expect(page.getByTestId('member-name')).toHaveText(['陈六']);
    await app.search('');
    release();
    await expect(page.locator('html[data-pinyin="ready"]')).toHaveCount(1);
    await expect(page.getByTestId('member-name')).toHaveText(['陈六', '王五']);
    await app.search('cl');
    await expect(page.getByTestId('member-name')).toHaveText(['陈六']);
  });
});
