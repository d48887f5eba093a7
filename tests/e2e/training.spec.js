// Education and training hours end to end: a class of three sessions for the
// committee, attendance marked on each session's sheet, a member's self-study
// recorded on their phone and confirmed by the organizer (not by the member
// themself), the member's hours page, the branch view of who is behind,
// coverage, a certificate, and the XLSX exports parsed back.
const { test, expect } = require('@playwright/test');
const { App, pickMember } = require('./app');
const { readSheet } = require('./xlsx');

const ROSTER = [
  '姓名,党小组,党员类别,职务,年老体弱',
  '张书记,第一党小组,正式党员,书记,否',
  '李组织,第一党小组,正式党员,组织委员,否',
  '王宣传,第一党小组,正式党员,宣传委员,否',
  '赵一,第一党小组,正式党员,党员,否',
  '钱二,第二党小组,正式党员,党员,否',
  '孙老,第二党小组,正式党员,党员,是',
].join('\n');

/** Today as YYYY-MM-DD in China Standard Time (the branch's zone). */
const cstDay = (offsetDays = 0) =>
  new Date(Date.now() + 8 * 3600 * 1000 + offsetDays * 86400 * 1000).toISOString().slice(0, 10);
const TODAY = cstDay();
const YEAR = TODAY.slice(0, 4);
const JAN1 = `${YEAR}-01-01`;

async function addSession(page, { topic, date, time, minutes, lecturer }) {
  await page.getByTestId('add-session').click();
  await expect(page.getByTestId('session-class')).toBeVisible();
  await page.locator('#meeting-topic').fill(topic);
  await page.locator('#meeting-date').fill(date);
  await page.locator('#meeting-time').fill(time);
  await page.locator('#meeting-minutes').fill(String(minutes));
  await page.locator('#meeting-host').fill(lecturer);
  await page.getByTestId('save-meeting').click();
  await expect(page.getByTestId('class-page')).toBeVisible();
}

async function markSession(app, topic, marks) {
  const page = app.page;
  await page.getByTestId('session-item').filter({ hasText: topic }).click();
  await expect(page.getByTestId('meeting-page')).toBeVisible();
  for (const [name, state] of marks) {
    await app.row(name).getByTestId(`mark-${state}`).click();
    // A session already over: the sheet asks before a 补录.
    const late = app.row(name).getByTestId('confirm-late');
    if (await late.isVisible()) await late.click();
    await expect(app.row(name)).toHaveAttribute('data-status', state);
  }
  await page.getByTestId('meeting-class').click();
  await expect(page.getByTestId('class-page')).toBeVisible();
}

async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return { name: file.suggestedFilename(), rows: readSheet(await file.path()) };
}

test('a committee class, self-study confirmed by another, and who is short of their 学时', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const app = new App(page);
  await app.open();
  await app.importRosterText(ROSTER);

  // The class: the committee, from 1 January to today.
  await page.getByTestId('nav-study').click();
  await page.getByTestId('new-class').click();
  await page.locator('#class-title').fill('学习贯彻党的二十届四中全会精神集中轮训');
  await page.locator('#class-organizer').fill('党委组织部');
  await page.locator('#class-from').fill(JAN1);
  await page.locator('#class-to').fill(TODAY);
  await page.locator('#class-audience').selectOption('committee');
  await page.getByTestId('save-class').click();
  await expect(page.getByTestId('class-page')).toBeVisible();
  await expect(page.getByTestId('class-targeted')).toHaveText('3');

  // A session dated after the class ends is refused, and nothing is saved.
  await page.getByTestId('add-session').click();
  await page.locator('#meeting-topic').fill('日期不对的课次');
  await page.locator('#meeting-date').fill(cstDay(3));
  await page.locator('#meeting-time').fill('09:00');
  await page.getByTestId('save-meeting').click();
  await expect(page.getByTestId('meeting-errors')).toContainText('课次日期须在培训班日期内');
  // Absurd hours too.
  await page.locator('#meeting-date').fill(TODAY);
  await page.locator('#meeting-credit').fill('30');
  await page.getByTestId('save-meeting').click();
  await expect(page.getByTestId('meeting-errors')).toContainText('学时应为 0 到 24');
  await page.getByRole('link', { name: '取消' }).click();
  await expect(page.getByTestId('session-item')).toHaveCount(0);

  // Three sessions: a full day (8), a half day (4), two hours (2): 14 学时.
  await addSession(page, { topic: '全会精神辅导报告', date: JAN1, time: '09:00', minutes: 420, lecturer: '刘教授' });
  await addSession(page, { topic: '党章党规专题', date: JAN1, time: '09:00', minutes: 180, lecturer: '陈老师' });
  await addSession(page, { topic: '交流研讨', date: TODAY, time: '00:30', minutes: 120, lecturer: '张书记' });
  await expect(page.getByTestId('session-item')).toHaveCount(3);
  await expect(page.getByTestId('session-credit')).toHaveText(['8 学时', '4 学时', '2 学时']);
  await expect(page.getByTestId('class-hours')).toContainText('共 14 学时，结业需 11.2 学时');

  await markSession(app, '全会精神辅导报告', [
    ['张书记', 'present'],
    ['李组织', 'late'],
    ['王宣传', 'present'],
  ]);
  await markSession(app, '党章党规专题', [
    ['张书记', 'present'],
    ['李组织', 'present'],
    ['王宣传', 'absent'],
  ]);
  await markSession(app, '交流研讨', [
    ['张书记', 'present'],
    ['李组织', 'leave'],
    ['王宣传', 'left_early'],
  ]);
  const earned = async (name) =>
    page.locator(`[data-testid="class-row"]`).filter({ hasText: name }).getByTestId('class-earned').textContent();
  expect(await earned('张书记')).toBe('14 / 14');
  expect(await earned('李组织')).toBe('12 / 14');
  expect(await earned('王宣传')).toBe('10 / 14');
  await expect(page.getByTestId('class-completed')).toHaveText('2');
  await expect(page.getByTestId('class-coverage')).toHaveText('100.0%');
  await expect(page.getByTestId('class-full')).toContainText('培训全覆盖：已达到');

  // The class attendance workbook, parsed.
  const classBook = await download(page, 'export-class-xlsx');
  expect(classBook.name).toMatch(/\.xlsx$/);
  const [head, ...classRows] = classBook.rows;
  expect(head.slice(0, 2)).toEqual(['姓名', '党小组']);
  expect(head.slice(-4)).toEqual(['所得学时', '应得学时', '是否结业', '培训对象']);
  const byName = Object.fromEntries(classRows.map((r) => [r[0], r]));
  expect(byName['张书记'].slice(2)).toEqual(['✓', '✓', '✓', '14', '14', '是', '是']);
  expect(byName['王宣传'].slice(2)).toEqual(['✓', '', '✓', '10', '14', '否', '是']);

  // 张书记's certificate.
  await page.locator('[data-testid="class-row"]').filter({ hasText: '张书记' }).getByTestId('certificate-link').click();
  await expect(page.getByTestId('certificate')).toContainText('张书记同志');
  await expect(page.getByTestId('certificate')).toContainText('修满14学时');
  await expect(page.locator('[data-testid="class-row"]').filter({ hasText: '王宣传' }).getByTestId('certificate-link')).toHaveCount(0);

  // A 党课 counts toward hours by default: 90 minutes = 1.5 学时 for 赵一.
  const lecture = await app.createMeeting({
    kind: 'lecture',
    topic: '书记讲党课',
    start: new Date(Date.now() - 3600 * 1000),
    minutes: 90,
  });
  await expect(page.getByTestId('meeting-credit')).toHaveText('1.5 学时');
  await app.row('赵一').getByTestId('mark-present').click();
  await expect(app.row('赵一')).toHaveAttribute('data-status', 'present');
  expect(lecture).toContain('#/meeting/');

  // 李组织's phone joins and records self-study; bad input first.
  const link = await app.joinLink();
  const phoneContext = await browser.newContext();
  const phone = await phoneContext.newPage();
  await phone.goto(`/${link.slice(link.indexOf('#'))}`);
  await pickMember(phone, '李组织');
  await expect(phone.getByTestId('me-name')).toContainText('李组织');
  await expect(phone.getByTestId('my-target')).toHaveText('56');
  await phone.locator('#study-material').fill('《中国共产党章程》第一至三章');
  await phone.locator('#study-date').fill(cstDay(2));
  await phone.locator('#study-hours').fill('3');
  await phone.getByTestId('save-study').click();
  await expect(phone.getByTestId('study-errors')).toContainText('自学日期不能晚于今天');
  await phone.locator('#study-date').fill(TODAY);
  await phone.locator('#study-hours').fill('25');
  await phone.getByTestId('save-study').click();
  await expect(phone.getByTestId('study-errors')).toContainText('学时应大于 0 且不超过 24');
  await phone.locator('#study-hours').fill('-2');
  await phone.getByTestId('save-study').click();
  await expect(phone.getByTestId('study-errors')).toContainText('学时应大于 0 且不超过 24');
  await expect(phone.getByTestId('study-entry')).toHaveCount(0);
  await phone.locator('#study-hours').fill('3');
  await phone.getByTestId('save-study').click();
  await expect(phone.getByTestId('study-errors')).toBeEmpty();
  await expect(phone.getByTestId('study-entry')).toHaveAttribute('data-state', 'pending');
  await expect(phone.getByTestId('my-pending')).toHaveText('3');
  // A second record, withdrawn before the organizer sees it.
  await phone.locator('#study-material').fill('误录的一条');
  await phone.locator('#study-hours').fill('1');
  await phone.getByTestId('save-study').click();
  await expect(phone.getByTestId('my-pending')).toHaveText('4');
  const mistaken = phone.getByTestId('study-entry').filter({ hasText: '误录的一条' });
  await mistaken.getByTestId('withdraw-study').click();
  await expect(mistaken).toHaveAttribute('data-state', 'withdrawn');
  await expect(phone.getByTestId('my-pending')).toHaveText('3');
  await phone.getByTestId('study-receipt').click();
  const receipt = await phone.getByTestId('study-receipt-qr').getByTestId('qr').getAttribute('data-text');
  expect(receipt).toMatch(/^ZBR1:/);
  await phoneContext.close();

  // The organizer takes the receipt in; 李组织 cannot confirm his own record.
  await page.getByTestId('nav-study').click();
  await page.getByTestId('study-receipt-open').click();
  await page.getByTestId('receipt-text').fill(receipt);
  await page.getByTestId('receipt-submit').click();
  await expect(page.getByTestId('study-message')).toContainText('新增 2 条');
  await expect(page.getByTestId('pending-item')).toHaveCount(1);
  // Only committee members confirm: 赵一 is not offered.
  await expect(page.getByTestId('confirmer').locator('option', { hasText: '赵一' })).toHaveCount(0);
  await page.getByTestId('confirmer').selectOption({ label: '李组织' });
  await page.getByTestId('confirm-study').click();
  await expect(page.getByTestId('study-message')).toContainText('不能确认本人的自学记录');
  await expect(page.getByTestId('pending-item')).toHaveCount(1);
  await page.getByTestId('confirmer').selectOption({ label: '张书记' });
  await page.getByTestId('confirm-study').click();
  await expect(page.getByTestId('pending-item')).toHaveCount(0);

  // The branch view: everyone but the exempt 孙老 is behind, sorted by what is left.
  await expect(page.getByTestId('hours-behind')).toHaveText('5');
  await expect(page.getByTestId('hours-met')).toHaveText('0');
  await expect(page.getByTestId('full-coverage')).toHaveAttribute('data-met', 'true');
  const rows = page.getByTestId('hours-row');
  await expect(rows).toHaveCount(5);
  const names = await rows.locator('td:first-child').allTextContents();
  // Left: 王宣传 46, 张书记 42, 李组织 41, 钱二 32, 赵一 30.5.
  expect(names).toEqual(['王宣传', '张书记', '李组织', '钱二', '赵一']);
  await expect(rows.filter({ hasText: '赵一' }).getByTestId('row-left')).toHaveText('30.5');
  await page.getByTestId('hours-show').selectOption('exempt');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('孙老');
  await expect(rows.first().getByTestId('row-left')).toHaveText('免于考核');
  await page.getByTestId('hours-show').selectOption('behind');
  await page.getByTestId('hours-group').selectOption('第二党小组');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('钱二');
  await page.getByTestId('hours-group').selectOption('');

  // 李组织's page: 12 from the class + 3 confirmed self-study = 15 of 56.
  await rows.filter({ hasText: '李组织' }).getByRole('link').click();
  await expect(page.getByTestId('my-total')).toHaveText('15');
  await expect(page.getByTestId('my-training')).toHaveText('12');
  await expect(page.getByTestId('my-self-study')).toHaveText('3');
  await expect(page.getByTestId('my-left')).toContainText('还差 41 学时');
  await expect(page.locator('[role="progressbar"]')).toHaveAttribute('aria-valuenow', '26');

  // The hours workbook, parsed: the same numbers.
  await page.getByTestId('nav-study').click();
  const book = await download(page, 'export-hours-xlsx');
  expect(book.name).toBe(`学时统计-${YEAR}.xlsx`);
  const [hoursHead, ...hoursRows] = book.rows;
  expect(hoursHead).toEqual([
    '姓名', '党小组', '职务', '目标学时', '培训学时', '会议学时', '自学学时', '合计', '尚差', '待确认自学', '状态',
  ]);
  const line = Object.fromEntries(hoursRows.map((r) => [r[0], r]));
  expect(line['赵一'].slice(3)).toEqual(['32', '0', '1.5', '0', '1.5', '30.5', '0', '未达标']);
  expect(line['张书记'].slice(3)).toEqual(['56', '14', '0', '0', '14', '42', '0', '未达标']);
  expect(line['李组织'].slice(3, 9)).toEqual(['56', '12', '0', '3', '15', '41']);
  expect(line['孙老'][10]).toBe('免于考核');
});
