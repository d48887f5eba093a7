// CSV import: Excel's GB18030 export reads into 12 members in the right
// groups; bad rows are reported and skipped; nothing is written before
// the user accepts.
const { test, expect } = require('@playwright/test');
const { App } = require('./app');

const expectedGroups = {
  第一党小组: ['王建国', '李秀英', '张伟', '徐浩然'],
  第二党小组: ['孙晓燕', '刘芳', '陈明', '杨丽'],
  第三党小组: ['黄敏', '赵磊', '吴桂兰', '周强'],
};

test('the GB18030 sheet from Excel imports 12 members in their groups', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await app.importCsv('roster-excel-gb18030.csv');
  await expect(page.getByTestId('import-ok')).toContainText('12');
  await expect(page.getByTestId('import-bad')).toContainText('0');
  await expect(page.getByTestId('import-preview')).toContainText('GB18030');
  await expect(page.getByTestId('import-preview')).toContainText('性别');
  // Nothing is written before accepting.
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('zhibu:log')).length)).toBe(0);

  await page.getByTestId('confirm-import').click();
  await expect(page.getByTestId('import-done')).toContainText('12');
  await page.getByTestId('nav-roster').click();
  await page.reload();
  await expect(page.getByTestId('member-name')).toHaveCount(12);
  const groups = await app.groups();
  // Within a group: committee posts first, then pinyin order.
  expect(groups).toEqual(expectedGroups);
  await expect(page.getByTestId('roster-summary')).toContainText('在册 12 人，其中预备党员 2 人');
});

test('bad rows are reported row by row and only good rows import', async ({ page }, testInfo) => {
  const file = testInfo.outputPath('bad.csv');
  require('node:fs').writeFileSync(
    file,
    '姓名,党小组,职务,入党日期\n王建国,第一党小组,书记,1998-07-01\n<b>李秀英</b>,第一党小组,队长,2003-06-18\n张伟,第一党小组,,1998-13-01\n',
  );
  const app = new App(page);
  await app.open();
  await page.getByTestId('nav-import').click();
  await page.getByTestId('csv-file').setInputFiles(file);
  const rows = page.getByTestId('import-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1)).toContainText('3');
  await expect(rows.nth(1)).toContainText('职务：无法识别“队长”');
  // Markup in a cell is shown as text, never rendered.
  await expect(rows.nth(1)).toContainText('<b>李秀英</b>');
  await expect(page.locator('b', { hasText: '李秀英' })).toHaveCount(0);
  await expect(rows.nth(2)).toContainText('入党日期');
  await page.getByTestId('confirm-import').click();
  await page.getByTestId('nav-roster').click();
  await expect(page.getByTestId('member-name')).toHaveText(['王建国']);
});

test('a file that is not a roster gets a clear error and changes nothing', async ({ page }, testInfo) => {
  const file = testInfo.outputPath('not-roster.csv');
  require('node:fs').writeFileSync(file, '性别,手机\n男,1\n');
  const app = new App(page);
  await app.open();
  await page.getByTestId('nav-import').click();
  await page.getByTestId('csv-file').setInputFiles(file);
  await expect(page.getByTestId('import-error')).toContainText('姓名');
  await page.getByTestId('nav-roster').click();
  await expect(page.getByTestId('roster-empty')).toBeVisible();
});

const badRows =
  '姓名,性别,党小组,职务,入党日期\n王建国,男,第一党小组,书记,1998-07-01\n李秀英,女,第一党小组,队长,2003-06-18\n张伟,男,第一党小组\n刘芳,女,第二党小组,,1998-13-01\n';

test('rows not imported are listed after the import and handed back as a CSV to fix', async ({ page }, testInfo) => {
  const file = testInfo.outputPath('名册.csv');
  require('node:fs').writeFileSync(file, badRows);
  const app = new App(page);
  await app.open();
  await page.getByTestId('nav-import').click();
  await page.getByTestId('csv-file').setInputFiles(file);
  await page.getByTestId('confirm-import').click();
  await expect(page.getByTestId('import-done')).toContainText('已导入 1 名党员；3 行未导入');
  const left = page.getByTestId('rejected-row');
  await expect(left).toHaveCount(3);
  await expect(left.nth(0)).toContainText('第 3 行');
  await expect(left.nth(0)).toContainText('李秀英');
  await expect(left.nth(0)).toContainText('无法识别“队长”');
  await expect(left.nth(1)).toContainText('第 4 行');
  await expect(left.nth(1)).toContainText('单元格');
  await expect(left.nth(2)).toContainText('第 5 行');
  await expect(left.nth(2)).toContainText('入党日期');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-rejected').click()]);
  expect(download.suggestedFilename()).toBe('未导入-名册.csv');
  const saved = testInfo.outputPath('未导入.csv');
  await download.saveAs(saved);
  const text = require('node:fs').readFileSync(saved, 'utf8');
  expect(text.replace(/^\uFEFF/, '').split('\r\n')).toEqual([
    '姓名,性别,党小组,职务,入党日期',
    '李秀英,女,第一党小组,队长,2003-06-18',
    '张伟,男,第一党小组',
    '刘芳,女,第二党小组,,1998-13-01',
    '',
  ]);

  // The handed-back file imports again: the same three rows, the same reasons.
  await page.getByTestId('nav-import').click();
  await page.getByTestId('csv-file').setInputFiles(saved);
  await expect(page.getByTestId('import-row')).toHaveCount(3);
  await expect(page.getByTestId('import-ok')).toContainText('0');
});

test('on a phone each preview row is a card with its result first, nothing off-screen', async ({ page }, testInfo) => {
  const file = testInfo.outputPath('wide.csv');
  require('node:fs').writeFileSync(file, badRows);
  const app = new App(page);
  await app.open();
  await page.getByTestId('nav-import').click();
  await page.getByTestId('csv-file').setInputFiles(file);
  const rows = page.getByTestId('import-row');
  await expect(rows).toHaveCount(4);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  for (let i = 0; i < 4; i++) {
    const name = await rows.nth(i).locator('td').nth(1).boundingBox();
    const result = await rows.nth(i).locator('td').nth(3).boundingBox();
    expect(result.x).toBeGreaterThanOrEqual(0);
    expect(result.x + result.width).toBeLessThanOrEqual(390);
    expect(result.y, `row ${i}: the result comes before the name`).toBeLessThan(name.y);
  }
  await expect(rows.nth(1).locator('td').nth(3)).toBeInViewport();
});
