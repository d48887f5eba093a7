// Editing moves a member between groups for good; filters narrow the list;
// the roster CSV export is UTF-8 with a BOM and round-trips the sheet.
const fs = require('node:fs');
const { test, expect } = require('@playwright/test');
const { App } = require('./app');

test('edit, filter and export the roster', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await app.importRoster('roster-excel-gb18030.csv');

  // Edit 张伟: move him to the second group.
  await page.getByRole('button', { name: '编辑 张伟' }).click();
  await expect(page.locator('#member-name')).toHaveValue('张伟');
  await page.locator('#member-group').fill('第二党小组');
  await page.getByTestId('save-member').click();
  await page.reload();
  const groups = await app.groups();
  expect(groups['第一党小组']).not.toContain('张伟');
  expect(groups['第二党小组']).toContain('张伟');

  // Filters: probationary members; then the branch committee.
  await page.locator('#filter-status').selectOption('probationary');
  await expect(page.getByTestId('member-name')).toHaveText(['徐浩然', '陈明']);
  await page.locator('#filter-status').selectOption('');
  await page.locator('#filter-role').selectOption('committee');
  expect((await app.memberNames()).sort()).toEqual(['孙晓燕', '张伟', '李秀英', '王建国', '黄敏'].sort());
  await page.locator('#filter-role').selectOption('');

  // CSV export: BOM, Chinese header, every active member.
  await page.getByTestId('nav-settings').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const bytes = fs.readFileSync(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
  expect(lines[0]).toBe('姓名,党小组,党员类别,职务,入党日期,手机号,年老体弱');
  expect(lines).toHaveLength(13);
  expect(lines).toContain('张伟,第二党小组,正式党员,宣传委员,2010-10-09,13800000003,否');
});
