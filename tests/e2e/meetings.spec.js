// Organisational life end to end: a 党员大会 for a 12-member roster run from
// the door — marking, quorum, leave, self check-in on members' phones (by
// code, and by scanning with a fake camera), an expired code refused,
// receipts back to the organizer, the CSV and the year's 台账.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test, expect, chromium } = require('@playwright/test');
const { App, pickMember, ROSTER_12 } = require('./app');
const { qrVideoFromPage } = require('./camera');
const { readSheet } = require('./xlsx');
const config = require('../../playwright.config');

// Ten full members and two probationary (no vote: the quorum counts ten).
const ROSTER = ROSTER_12;

const FULL = ['张书记', '李组织', '王宣传', '赵一', '钱二', '孙三', '周四', '吴五', '郑六', '冯七'];

/** A meeting that started two minutes ago and runs two hours: check-in is open, not yet late. */
const inProgress = () => new Date(Date.now() - 2 * 60 * 1000);

async function mark(app, name, state) {
  await app.row(name).getByTestId(`mark-${state}`).click();
  await expect(app.row(name)).toHaveAttribute('data-status', state);
}

test('marking 8 of 10 voting members meets the quorum; the CSV matches the sheet', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await app.importRosterText(ROSTER);
  await app.createMeeting({ topic: '学习党的二十届四中全会精神', start: inProgress(), host: '张书记' });

  await expect(page.getByTestId('count-expected')).toHaveText('12');
  // The two probationary members are expected but do not count toward the quorum.
  for (const name of FULL.slice(0, 5)) await mark(app, name, 'present');
  await mark(app, '陈预备', 'present');
  await expect(page.getByTestId('quorum')).toHaveAttribute('data-met', 'false');
  await expect(page.getByTestId('quorum')).toContainText('5 / 10');
  await mark(app, FULL[5], 'late');
  await expect(page.getByTestId('quorum')).toHaveAttribute('data-met', 'true');
  await mark(app, FULL[6], 'present');
  await mark(app, FULL[7], 'left_early');
  await mark(app, FULL[8], 'absent');
  await expect(page.getByTestId('quorum')).toContainText('8 / 10');
  await expect(page.getByTestId('quorum')).toHaveAttribute('data-met', 'true');
  await expect(page.getByTestId('count-present')).toHaveText('9');
  await expect(page.getByTestId('count-absent')).toHaveText('1');

  // At the door: find a member by pinyin.
  await page.locator('#sheet-search').fill('zhaoyi');
  await expect(page.locator('[data-testid="sheet-row"]:visible')).toHaveCount(1);
  await expect(page.locator('[data-testid="sheet-row"]:visible')).toHaveAttribute('data-name', '赵一');
  await page.locator('#sheet-search').fill('');
  await expect(page.locator('[data-testid="sheet-row"]:visible')).toHaveCount(12);

  // Held (after the question): the rest become 缺席, and the list of expected is frozen.
  await page.getByTestId('hold-meeting').click();
  await expect(page.getByTestId('hold-absent-name')).toHaveText(['褚预备', '冯七']);
  await page.getByTestId('confirm-hold').click();
  await expect(page.getByTestId('count-absent')).toHaveText('3');
  await expect(page.getByTestId('rate')).toHaveText('75.0%');

  // 补课 for one who missed it.
  await app.row('冯七').getByTestId('open-makeup').click();
  await page.locator('#makeup-what').fill('自学会议精神并交心得');
  await page.locator('#makeup-by').fill('张书记');
  await page.getByTestId('save-makeup').click();
  await expect(app.row('冯七')).toContainText('已补课');
  await expect(app.row('冯七')).toHaveAttribute('data-status', 'absent');

  // The exported CSV has the sheet's rows.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  const lines = csv.slice(1).trim().split('\r\n').map((l) => l.split(','));
  expect(lines[0].slice(0, 3)).toEqual(['姓名', '党小组', '出勤']);
  const sheet = await page.getByTestId('sheet-row').evaluateAll((rows) =>
    rows.map((r) => [r.dataset.name, r.querySelector('[data-testid=row-status]').textContent.trim()]),
  );
  expect(lines.slice(1).map((l) => [l[0], l[2]])).toEqual(sheet);
  expect(sheet).toContainEqual(['孙三', '迟到']);
  expect(sheet).toContainEqual(['冯七', '缺席']);
  // So does the Excel workbook.
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
  const rows = readSheet(await xlsx.path());
  expect(rows[0].slice(0, 3)).toEqual(['姓名', '党小组', '出勤']);
  expect(rows.slice(1).map((r) => [r[0], r[2]])).toEqual(sheet);

  // The year's 台账 lists the meeting and prints without the app's chrome.
  await page.goto('/#/year');
  await expect(page.getByTestId('year-ledger')).toContainText('学习党的二十届四中全会精神');
  await expect(page.getByTestId('ledger-row')).toContainText(['已达到']);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.tabbar')).toBeHidden();
  await expect(page.getByTestId('year-ledger')).toBeVisible();
});

test('members check in on their own phones: by code, by scanning, expired codes refused; leave approved', async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  const organizer = new App(page);
  await organizer.open();
  await organizer.importRosterText(ROSTER);
  const tomorrow = new Date(Date.now() + 26 * 3600 * 1000);
  const later = await organizer.createMeeting({ kind: 'committee', topic: '支委会：研究发展党员', start: tomorrow });
  const now = await organizer.createMeeting({ topic: '主题党日：重温入党誓词', start: inProgress() });
  const link = await organizer.joinLink();
  const joinHash = link.slice(link.indexOf('#'));

  // A member's phone (its own browser context: its own storage) joins and picks 赵一.
  const phoneContext = await browser.newContext();
  const phone = await phoneContext.newPage();
  await phone.goto(`/${joinHash}`);
  await expect(phone.getByTestId('pick-me')).toBeVisible();
  // The card carries names and groups, never phone numbers.
  await pickMember(phone, '赵一');
  await expect(phone.getByTestId('me-name')).toContainText('赵一');

  // Check in by typing the code shown beside the QR.
  await page.goto(`/${now}`);
  await page.getByTestId('open-checkin').click();
  const code = (await page.getByTestId('checkin-code').textContent()).trim();
  expect(code).toMatch(/^\d{6}$/);
  const myMeeting = phone.getByTestId('my-meeting').filter({ hasText: '重温入党誓词' });
  await myMeeting.getByTestId('me-code').click();
  await phone.locator('#checkin-code-input').fill(code);
  await phone.getByTestId('submit-code').click();
  await expect(phone.getByTestId('me-message')).toContainText('等待组织者核验');
  // The receipt goes back to the organizer, whose key verifies the code.
  const receipt = await myMeeting.getByTestId('qr').getAttribute('data-text');
  expect(receipt).toMatch(/^ZBR1:/);
  await page.getByTestId('scan-receipt').click();
  await page.getByTestId('receipt-text').fill(receipt);
  await page.getByTestId('receipt-submit').click();
  await expect(page.getByTestId('meeting-message')).toContainText('新增 1 条');
  await expect(organizer.row('赵一')).toHaveAttribute('data-status', 'present');
  await expect(organizer.row('赵一').getByTestId('row-source')).toHaveText('本人签到·已核验');
  // The organizer confirms the phone is 赵一's own.
  await organizer.row('赵一').getByTestId('confirm-device').click();
  await expect(organizer.row('赵一')).toContainText('本人手机');

  // A wrong code is recorded but fails verification on the organizer's device.
  // (钱二's phone, typed wrong.)
  const wrongContext = await browser.newContext();
  const wrong = await wrongContext.newPage();
  await wrong.goto(`/${joinHash}`);
  await pickMember(wrong, '钱二');
  const wrongMeeting = wrong.getByTestId('my-meeting').filter({ hasText: '重温入党誓词' });
  await wrongMeeting.getByTestId('me-code').click();
  await wrong.locator('#checkin-code-input').fill(code === '000000' ? '111111' : '000000');
  await wrong.getByTestId('submit-code').click();
  const wrongReceipt = await wrongMeeting.getByTestId('qr').getAttribute('data-text');
  await page.getByTestId('receipt-text').fill(wrongReceipt);
  await page.getByTestId('receipt-submit').click();
  await expect(organizer.row('钱二').getByTestId('row-source')).toHaveText('本人签到·核验未通过');
  await expect(page.getByTestId('count-present')).toHaveText('1');

  // An expired token (the phone's clock five minutes on) is refused.
  const token = await page.getByTestId('qr').getAttribute('data-text');
  const oldContext = await browser.newContext();
  const old = await oldContext.newPage();
  await old.goto(`/${joinHash}`);
  await pickMember(old, '孙三');
  await old.clock.setFixedTime(new Date(Date.now() + 5 * 60 * 1000));
  await old.goto(`/${token.slice(token.indexOf('#'))}`);
  await expect(old.getByTestId('me-message')).toContainText('签到码已过期');
  // A forged one (signature altered) is refused as not the organizer's.
  const forged = token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  await old.clock.setFixedTime(new Date());
  await old.goto('/#/me');
  await old.goto(`/${forged.slice(forged.indexOf('#'))}`);
  await expect(old.getByTestId('me-message')).toContainText(/验证失败|不是支部的签到二维码/);

  // Scanning: a phone whose camera sees the organizer's QR.
  const video = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zhibu-cam-')), 'qr.y4m');
  await qrVideoFromPage(page, '[data-testid="checkin-panel"] [data-testid="qr"]', video);
  // The suite's own Chromium flags, plus a fake camera playing the QR.
  const camera = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      ...config.use.launchOptions.args,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
  try {
    const camContext = await camera.newContext({
      baseURL: new URL(page.url()).origin,
      viewport: { width: 390, height: 844 },
      permissions: ['camera'],
    });
    const cam = await camContext.newPage();
    await cam.goto(`/${joinHash}`);
    await pickMember(cam, '周四');
    const camMeeting = cam.getByTestId('my-meeting').filter({ hasText: '重温入党誓词' });
    await camMeeting.getByTestId('me-scan').click();
    await expect(cam.getByTestId('me-message')).toContainText('签到成功', { timeout: 20_000 });
    await expect(camMeeting.getByTestId('my-status')).toContainText('已核验');
    const camReceipt = await camMeeting.getByTestId('qr').getAttribute('data-text');
    await page.getByTestId('receipt-text').fill(camReceipt);
    await page.getByTestId('receipt-submit').click();
    await expect(organizer.row('周四').getByTestId('row-source')).toHaveText('本人签到·已核验');
    await expect(page.getByTestId('count-present')).toHaveText('2');
  } finally {
    await camera.close();
  }

  // Leave: 赵一 asks for leave from tomorrow's 支委会? He is not on the
  // committee, so 李组织's phone asks; the organizer approves.
  const leaveContext = await browser.newContext();
  const leavePhone = await leaveContext.newPage();
  await leavePhone.goto(`/${joinHash}`);
  await pickMember(leavePhone, '李组织');
  const committee = leavePhone.getByTestId('my-meeting').filter({ hasText: '研究发展党员' });
  await committee.getByTestId('me-leave').click();
  await leavePhone.locator('#leave-reason').fill('出差');
  await leavePhone.getByTestId('submit-leave').click();
  await expect(committee.getByTestId('my-leave')).toContainText('请假待审批');
  await committee.getByTestId('me-receipt').click();
  const leaveReceipt = await committee.getByTestId('qr').getAttribute('data-text');
  await page.goto(`/${later}`);
  await page.getByTestId('scan-receipt').click();
  await page.getByTestId('receipt-text').fill(leaveReceipt);
  await page.getByTestId('receipt-submit').click();
  await page.getByTestId('leave-requests').getByTestId('approve-leave').click();
  await expect(organizer.row('李组织')).toHaveAttribute('data-status', 'leave');
  await expect(page.getByTestId('count-leave')).toHaveText('1');
});

test('the compliance calendar flags a quarter with no 党员大会', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await app.importRosterText(ROSTER);
  // Last year: every quarter is over. A 党员大会 held in May meets Q2 only.
  const year = new Date().getUTCFullYear() - 1;
  await app.createMeeting({ topic: '上半年党员大会', start: new Date(Date.UTC(year, 4, 10, 6, 30)) });
  await page.getByTestId('hold-meeting').click();
  await page.getByTestId('confirm-hold').click();
  await expect(page.getByTestId('meeting-status')).toHaveText('已召开');
  // Held with nobody marked: flagged as held without quorum.
  await page.getByTestId('nav-meetings').click();
  await expect(page.getByTestId('no-quorum')).toHaveCount(1);

  await page.goto(`/#/year/${year}`);
  const general = page.locator('[data-testid="compliance-row"][data-kind="general"]');
  const cells = general.locator('.cell');
  await expect(cells).toHaveCount(4);
  await expect(cells.nth(0)).toHaveAttribute('data-status', 'overdue');
  await expect(cells.nth(1)).toHaveAttribute('data-status', 'met');
  const gaps = page.locator('[data-testid="gap"][data-kind="general"]');
  await expect(gaps).toHaveText(['支部党员大会：第1季度、第3季度、第4季度']);
  // Nothing on the page is wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // Group meetings are required per 党小组.
  await expect(page.locator('[data-testid="compliance-row"][data-kind="group"]')).toHaveCount(2);
  // Everyone expected at the held meeting and not marked is 缺席 for it.
  await expect(page.getByTestId('member-grid').locator('li')).toHaveCount(12);

  // The 书记 may use the organizer's device as their own phone too: it stays
  // the organizer's device (it holds the key once the branch has one).
  await page.goto('/#/settings');
  await page.getByTestId('show-join').click();
  await page.getByTestId('nav-me').click();
  await pickMember(page, '张书记');
  await expect(page.getByTestId('me-name')).toContainText('张书记');
  await page.getByTestId('nav-meetings').click();
  await expect(page.getByTestId('new-meeting')).toBeVisible();
});

test('a branch too large for one QR gives each member a personal join code', async ({ page, browser }) => {
  const app = new App(page);
  await app.open();
  const rows = ['姓名,党小组,党员类别,职务'];
  for (let i = 1; i <= 60; i++) rows.push(`党员${String(i).padStart(2, '0')},第${(i % 4) + 1}党小组,正式党员,党员`);
  await app.importRosterText(rows.join('\n'));
  await app.createMeeting({ topic: '第四季度党员大会', start: new Date(Date.now() + 3 * 3600 * 1000) });
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('show-join').click();
  await expect(page.getByTestId('join-too-big')).toBeVisible();
  const full = await page.getByTestId('join-link').inputValue();
  await page.getByTestId('join-member').selectOption({ label: '党员07' });
  const personal = await page.getByTestId('join-card').getByTestId('qr').getAttribute('data-text');
  expect(personal.length).toBeLessThan(full.length / 4);

  // The phone that opens it is 党员07's at once, with the meeting to check in to.
  const phoneContext = await browser.newContext();
  const phone = await phoneContext.newPage();
  await phone.goto(`/${personal.slice(personal.indexOf('#'))}`);
  await expect(phone.getByTestId('me-name')).toContainText('党员07');
  await expect(phone.getByTestId('my-meeting')).toContainText('第四季度党员大会');
  await phoneContext.close();
});

test('past meetings come twenty at a time, newest first, with the rest a tap away', async ({ page }, testInfo) => {
  // A backup holding 25 meetings that ended, one a week back from today.
  const now = Date.now();
  const events = Array.from({ length: 25 }, (_, n) => {
    const start = Math.floor((now - (n + 1) * 7 * 86_400_000) / 60_000) * 60;
    const id = `01JPASTMEETING${String(n).padStart(12, '0')}`;
    const changes = [{ kind: 'study' }, { topic: `第${25 - n}次学习` }, { start }, { minutes: 90 }, { audience: 'branch' }, { status: 'planned' }];
    return { i: `01JPASTEVENT${String(n).padStart(14, '0')}`, d: 'e2e-backup', c: n + 1, w: now - 1000 + n, p: { t: 'meeting_saved', meeting: id, changes } };
  });
  const file = testInfo.outputPath('meetings.json');
  fs.writeFileSync(file, JSON.stringify({ schema: 9, events }));
  const app = new App(page);
  await app.open();
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('import-json').setInputFiles(file);
  await expect(page.getByTestId('backup-result')).toContainText('已导入');
  await page.getByTestId('nav-meetings').click();
  const items = page.getByTestId('meeting-item');
  await expect(items).toHaveCount(20);
  await expect(items.first()).toContainText('第25次学习');
  await expect(items.last()).toContainText('第6次学习');
  await expect(page.getByTestId('more-meetings')).toHaveText('显示更早的会议（还有 5 场）');
  await page.getByTestId('more-meetings').click();
  await expect(items).toHaveCount(25);
  await expect(items.last()).toContainText('第1次学习');
  await expect(page.getByTestId('more-meetings')).toHaveCount(0);
});
