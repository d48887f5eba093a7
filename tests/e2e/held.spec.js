// A meeting from the door to 已召开 on a phone, in Chinese (issue 20,
// items 9–11): 标记为已召开 asks first and lists who becomes 缺席 (never the
// host or lecturer), 撤销 restores the sheet until someone else edits it; a
// mark after the window asks before a 补录 and shows it in the sheet and
// the CSV; while check-in is open the QR comes first, on the first screen.
const fs = require('node:fs');
const { test, expect } = require('@playwright/test');
const { App, ROSTER_12 } = require('./app');

const minutesAgo = (n) => new Date(Date.now() - n * 60 * 1000);

async function mark(app, name, state) {
  await app.row(name).getByTestId(`mark-${state}`).click();
  await expect(app.row(name)).toHaveAttribute('data-status', state);
}

/** The top and bottom of an element on the page, in CSS pixels from the page's top. */
async function box(locator) {
  const b = await locator.boundingBox();
  const scroll = await locator.page().evaluate(() => window.scrollY);
  return { top: b.y + scroll, bottom: b.y + b.height + scroll, height: b.height, width: b.width };
}

test('标记为已召开 lists the absentees and not the hosts; 撤销 restores the sheet until another tab marks', async ({
  page,
  context,
}) => {
  const app = new App(page);
  await app.open();
  await app.importRosterText(ROSTER_12);
  const hash = await app.createMeeting({
    kind: 'lecture',
    topic: '书记讲党课：学习贯彻全会精神',
    start: minutesAgo(10),
    host: '张书记、李组织',
  });
  await mark(app, '赵一', 'present');
  await mark(app, '钱二', 'leave');

  await page.getByTestId('hold-meeting').click();
  const ask = page.getByRole('alertdialog', { name: '标记为已召开？' });
  await expect(ask).toBeVisible();
  await expect(ask.getByTestId('hold-absent-count')).toHaveText('将有 8 人标记为缺席：');
  const absent = await ask.getByTestId('hold-absent-name').allTextContents();
  expect(absent).toHaveLength(8);
  expect(absent).not.toContain('张书记');
  expect(absent).not.toContain('李组织');
  expect(absent).toContain('王宣传');
  await expect(ask.getByTestId('hold-by-role')).toContainText('张书记、李组织');
  // Large enough to tap, the confirm button focused.
  const confirm = ask.getByTestId('confirm-hold');
  await expect(confirm).toBeFocused();
  expect((await box(confirm)).height).toBeGreaterThanOrEqual(44);
  expect((await box(ask.getByTestId('cancel-hold'))).height).toBeGreaterThanOrEqual(44);
  // Nothing is held until confirmed.
  await expect(page.getByTestId('meeting-status')).toHaveText('计划中');
  await confirm.click();

  await expect(page.getByTestId('meeting-status')).toHaveText('已召开');
  await expect(page.getByTestId('count-absent')).toHaveText('8');
  await expect(app.row('张书记')).toHaveAttribute('data-status', 'present');
  await expect(app.row('张书记').getByTestId('row-role')).toHaveText('按职务计出席');
  await expect(app.row('王宣传')).toHaveAttribute('data-status', 'absent');

  // 撤销: back to planned, the marks made before kept, nobody else absent.
  await page.getByTestId('undo-hold').click();
  await expect(page.getByTestId('meeting-status')).toHaveText('计划中');
  await expect(page.getByTestId('count-absent')).toHaveText('0');
  await expect(app.row('王宣传')).toHaveAttribute('data-status', 'none');
  await expect(app.row('赵一')).toHaveAttribute('data-status', 'present');
  await expect(app.row('钱二')).toHaveAttribute('data-status', 'leave');
  await expect(page.getByTestId('undo-hold')).toHaveCount(0);

  // Held again; someone marks from another tab (another writer): no undo.
  await page.getByTestId('hold-meeting').click();
  await page.getByTestId('confirm-hold').click();
  await expect(page.getByTestId('undo-hold')).toBeVisible();
  const other = await context.newPage();
  const otherApp = new App(other);
  await other.goto(`/${hash}`);
  await expect(other.getByTestId('meeting-status')).toHaveText('已召开');
  await mark(otherApp, '孙三', 'late');
  await expect(page.getByTestId('hold-undo-gone')).toContainText('无法撤销');
  await expect(page.getByTestId('undo-hold')).toHaveCount(0);
  await expect(page.getByTestId('meeting-status')).toHaveText('已召开');
});

test('a mark after the window asks first, then shows 补录 in the sheet, its count and the CSV', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await app.importRosterText(ROSTER_12);
  // Two hours that ended three hours ago: the window has closed.
  await app.createMeeting({ topic: '主题党日：纸质签到补录', start: minutesAgo(300), minutes: 120 });

  await app.row('赵一').getByTestId('mark-present').click();
  const ask = app.row('赵一').getByRole('alertdialog');
  await expect(ask).toContainText('补录：签到时间已过');
  await expect(ask).toContainText('确认为 赵一 补录“签到”');
  await expect(app.row('赵一').getByTestId('confirm-late')).toBeFocused();
  // Cancelled: nothing recorded.
  await app.row('赵一').getByTestId('cancel-late').click();
  await expect(app.row('赵一')).toHaveAttribute('data-status', 'none');

  await app.row('赵一').getByTestId('mark-present').click();
  await app.row('赵一').getByTestId('confirm-late').click();
  await expect(app.row('赵一')).toHaveAttribute('data-status', 'present');
  await expect(app.row('赵一').getByTestId('row-source')).toHaveText('补录');
  await expect(page.getByTestId('sheet-split')).toHaveText('自助签到 0 · 补录 1');
  await expect(page.getByTestId('count-present')).toHaveText('1');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  expect(csv).toContain('赵一,第一党小组,签到,补录,');

  // Before a meeting's window only leave can be recorded.
  await app.createMeeting({ topic: '明天的支部党员大会', start: new Date(Date.now() + 26 * 3600 * 1000) });
  await app.row('赵一').getByTestId('mark-present').click();
  await expect(page.getByTestId('sheet-message')).toContainText('签到尚未开始');
  await expect(app.row('赵一')).toHaveAttribute('data-status', 'none');
  await mark(app, '赵一', 'leave');
});

test('while check-in is open the QR and the code come first, projectable; outside it the sheet does', async ({
  page,
}) => {
  const app = new App(page);
  await app.open();
  await app.importRosterText(ROSTER_12);
  const now = await app.createMeeting({ topic: '主题党日：重温入党誓词', start: minutesAgo(2), host: '张书记' });

  await page.getByTestId('open-checkin').click();
  const qr = page.locator('[data-testid="checkin-panel"] [data-testid="qr"]');
  await expect(qr).toBeVisible();
  const first = await box(qr);
  expect(first.top).toBeLessThan(844);
  expect(first.width).toBeGreaterThanOrEqual(280);
  await expect(page.getByTestId('checkin-code')).toHaveText(/^\d{6}$/);
  expect((await box(page.getByTestId('checkin-code'))).top).toBeLessThan(844);
  // The sheet below it.
  expect((await box(page.getByTestId('sheet'))).top).toBeGreaterThan(first.bottom);

  // Coming back to the page while the window is open: the QR is there at once.
  await page.goto('/#/meetings');
  await page.goto(`/${now}`);
  await expect(qr).toBeVisible();
  expect((await box(qr)).bottom).toBeLessThan(844);

  // 投屏: only the QR and the code, large.
  await page.getByTestId('project-checkin').click();
  await expect(page.getByTestId('project-checkin')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.checkin-window')).toBeHidden();
  const big = await qr.boundingBox();
  expect(big.width).toBeGreaterThanOrEqual(340);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('project-checkin')).toHaveAttribute('aria-pressed', 'false');

  // Tomorrow's meeting: the sheet first, the QR (when opened) after it.
  await app.createMeeting({ topic: '明天的支部党员大会', start: new Date(Date.now() + 26 * 3600 * 1000) });
  await expect(page.getByTestId('checkin-panel')).toHaveCount(0);
  await page.getByTestId('open-checkin').click();
  await expect(qr).toBeVisible();
  expect((await box(qr)).top).toBeGreaterThan((await box(page.getByTestId('sheet'))).top);
});
