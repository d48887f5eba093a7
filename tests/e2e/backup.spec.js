// Whole-branch backup: export, clear storage, import → the same roster;
// importing again changes nothing; a malformed file is refused.
const fs = require('node:fs');
const { test, expect } = require('@playwright/test');
const { App } = require('./app');

test('export, clear, import gives back the identical roster', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await app.importRoster('roster-excel-gb18030.csv');
  await app.addMember({ name: '郑新', group: '第二党小组', status: '预备党员' });
  const before = await app.groups();
  expect(Object.values(before).flat()).toHaveLength(13);

  const file = await app.exportBackup();
  const backup = JSON.parse(fs.readFileSync(file, 'utf8'));
  // The schema the app writes (document::SCHEMA; 9 since meetings are stored compactly).
  expect(backup.schema).toBe(9);

  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.getByTestId('nav-roster').click();
  await expect(page.getByTestId('roster-empty')).toBeVisible();

  await page.getByTestId('nav-settings').click();
  await page.getByTestId('import-json').setInputFiles(file);
  await expect(page.getByTestId('backup-result')).toContainText('已导入');
  // The import reaches storage by a compaction under the cross-tab lock; a
  // reload before it lands would be asked to wait (beforeunload), so wait.
  await page.waitForFunction(() => (localStorage.getItem('zhibu:snap') || '').includes('郑新'));
  await page.reload();
  await page.getByTestId('nav-roster').click();
  // groups() reads what is drawn now: wait until the roster is.
  await expect(page.getByTestId('member-name')).toHaveCount(13);
  expect(await app.groups()).toEqual(before);

  // The same file again: nothing new.
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('import-json').setInputFiles(file);
  await expect(page.getByTestId('backup-result')).toContainText('没有变化');
});

test('a malformed backup is refused with the reason and changes nothing', async ({ page }, testInfo) => {
  const app = new App(page);
  await app.open();
  await app.addMember({ name: '王建国' });
  const file = testInfo.outputPath('broken.json');
  fs.writeFileSync(file, '{"schema": 2, "events": [');
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('import-json').setInputFiles(file);
  await expect(page.getByTestId('backup-error')).toContainText('不是有效的 JSON');
  await expect(page.getByTestId('backup-error')).toContainText('第 1 行');
  await page.getByTestId('nav-roster').click();
  await expect(page.getByTestId('member-name')).toHaveText(['王建国']);
});
