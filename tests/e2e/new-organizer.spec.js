// The new organizer's first day, on a phone, in Chinese (issue 20): the
// branch's name at first run; a roster from Excel (GB18030) with every kind
// of bad row a real sheet has; a meeting through check-in to 已召开; a code
// round that elects nobody, its run-off, and the 公示 of a real result.
const { test, expect } = require('@playwright/test');
const fs = require('node:fs');
const path = require('node:path');
const { App, pickMember } = require('./app');
const { newRound, advance, nominate, nomineeItem, tick } = require('./rounds');

const BRANCH = '城关社区第一党支部';

// Line 1 is a title row (merged cells in Excel), line 2 the header.
const SHEET = [
  `${BRANCH}党员名册`,
  '姓名,性别,党小组,党员类别,职务,入党日期,手机号',
  '张书记,男,第一党小组,正式党员,书记,1998-07-01,13900000001',
  '李组织,女,第一党小组,正式党员,组织委员,2001-07-01,１３９０００００００２', // full-width phone
  '王宣传,男,第二黨小組,正式黨員,宣传委员,2003-07-01,13900000003', // traditional characters
  '赵一,男,第二党小组,正式党员,党员,２００５－０７－０１,', // full-width date
  '钱二,女,第十党小组,正式党员,党员,2006-07-01,',
  '"李,小龙",男,第十党小组,正式党员,党员,2007-07-01,', // punctuation in a name
  '孙三,男,第二党小组,预备党员,党员,2025-07-01,',
  '周四,男,第一党小组,正式党员,队长,2008-07-01,', // line 10: unknown post
  '吴五,男,第二党小组', // line 11: a short row
  '郑六,男,第一党小组,正式党员,党员,2010-13-01,', // line 12: no such date
  '冯七,女,第十党小组,群众,党员,,', // line 13: not a member's status
].join('\r\n');

/** The sheet as Excel on Chinese Windows saves "CSV": GB18030 bytes,
 *  committed (Node has no GB18030 encoder) and checked against SHEET. */
const FILE = path.join(__dirname, 'fixtures', 'new-organizer-gb18030.csv');

test('a new organizer: branch name, a messy roster, a meeting to 已召开, a code round to 无人当选 and to 公示', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const bytes = fs.readFileSync(FILE);
  expect(new TextDecoder('gb18030').decode(bytes)).toBe(SHEET);
  const app = new App(page);
  await app.open();

  // 1. First run: the branch's name.
  await page.getByTestId('first-run-name').fill(BRANCH);
  await page.getByTestId('first-run-save').click();
  await expect(page.getByTestId('header-branch')).toHaveText(BRANCH);

  // 2. The roster from Excel.
  await page.getByTestId('nav-import').click();
  await page.getByTestId('csv-file').setInputFiles({ name: '党员名册.csv', mimeType: 'text/csv', buffer: bytes });
  await expect(page.getByTestId('import-preview')).toContainText('GB18030');
  await expect(page.getByTestId('import-ok')).toContainText('7');
  await expect(page.getByTestId('import-bad')).toContainText('4');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.getByTestId('confirm-import').click();
  await expect(page.getByTestId('import-done')).toContainText('已导入 7 名党员；4 行未导入');
  const left = page.getByTestId('rejected-row');
  await expect(left).toHaveText([/第 10 行 周四.*队长/, /第 11 行 吴五.*单元格/, /第 12 行 郑六.*入党日期/, /第 13 行 冯七.*群众/]);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-rejected').click()]);
  expect(download.suggestedFilename()).toBe('未导入-党员名册.csv');

  await page.getByTestId('nav-roster').click();
  expect(await app.groups()).toEqual({
    第一党小组: ['张书记', '李组织'],
    第二党小组: ['王宣传', '孙三', '赵一'],
    第十党小组: ['李,小龙', '钱二'],
  });
  await app.search('lxl');
  await expect(page.getByTestId('member-name')).toHaveText(['李,小龙']);
  await app.search('');

  // 3. A meeting in progress, through check-in to 已召开: 赵一 checks in on
  // his own phone with the six-digit code; two are marked by the organizer.
  const meeting = await app.createMeeting({
    kind: 'general',
    topic: '支部党员大会：学习党章',
    start: new Date(Date.now() - 2 * 60 * 1000),
    host: '张书记',
    recorder: '李,小龙',
  });
  await expect(page.getByTestId('meeting-recorder')).toHaveText('李,小龙');
  const link = await app.joinLink();
  const phone = await (await browser.newContext()).newPage();
  await phone.goto(`/${link.slice(link.indexOf('#'))}`);
  await pickMember(phone, '赵一');
  await page.goto(`/${meeting}`);
  await page.getByTestId('open-checkin').click();
  const code = (await page.getByTestId('checkin-code').textContent()).trim();
  const mine = phone.getByTestId('my-meeting').filter({ hasText: '学习党章' });
  await mine.getByTestId('me-code').click();
  await phone.locator('#checkin-code-input').fill(code);
  await phone.getByTestId('submit-code').click();
  const receipt = await mine.getByTestId('qr').getAttribute('data-text');
  await page.getByTestId('scan-receipt').click();
  await page.getByTestId('receipt-text').fill(receipt);
  await page.getByTestId('receipt-submit').click();
  await expect(app.row('赵一')).toHaveAttribute('data-status', 'present');
  for (const name of ['李组织', '王宣传']) {
    await app.row(name).getByTestId('mark-present').click();
    await expect(app.row(name)).toHaveAttribute('data-status', 'present');
  }
  // 已召开 asks first: two absent; the host and the recorder count present.
  await page.getByTestId('hold-meeting').click();
  await expect(page.getByTestId('hold-absent-name')).toHaveText(['孙三', '钱二']);
  await expect(page.getByTestId('hold-by-role')).toContainText('张书记');
  await expect(page.getByTestId('hold-by-role')).toContainText('李,小龙');
  await page.getByTestId('confirm-hold').click();
  await expect(page.getByTestId('meeting-status')).toHaveText('已召开');
  await expect(page.getByTestId('count-absent')).toHaveText('2');
  await expect(app.row('张书记')).not.toHaveAttribute('data-status', 'absent');

  // 4. A round with ballot codes: nobody reaches half of the 6 entitled.
  await newRound(page, { title: '2026年度“身边最美党员”评选', mode: 'codes', basis: 'entitled' });
  await advance(page, 'nomination');
  await nominate(page, '张书记', '赵一', '扎根社区二十年，带头完成防汛任务。');
  await nominate(page, '李组织', '钱二', '长期帮扶困难群众。');
  await advance(page, 'review');
  for (const name of ['赵一', '钱二']) await nomineeItem(page, name).getByTestId('approve').click();
  const vote = async (choices) => {
    await page.getByTestId('code-count').fill(String(choices.length));
    await page.getByTestId('issue-codes').click();
    await expect(page.getByTestId('code-slips')).toBeVisible();
    const codes = (await page.getByTestId('slip-code').allTextContents()).map((c) => c.trim());
    expect(codes).toHaveLength(choices.length);
    await page.getByTestId('back-to-round').click();
    await advance(page, 'voting');
    await page.getByTestId('open-kiosk').click();
    for (const [i, choice] of choices.entries()) {
      await page.getByTestId('ballot-code').fill(codes[i]);
      await page.getByTestId('enter-code').click();
      await expect(page.getByTestId('ballot')).toBeVisible();
      if (i === 0) {
        // Each candidate's 事迹 can be read on the ballot before choosing.
        const zhao = page.locator('[data-testid="ballot-item"][data-name="赵一"]');
        await zhao.getByTestId('deeds-toggle').click();
        await expect(zhao.getByTestId('deeds')).toContainText('扎根社区二十年');
      }
      if (choice) await tick(page, [choice]);
      await page.getByTestId('cast').click();
      if (!choice) await page.getByTestId('cast').click();
      await expect(page.getByTestId('privacy')).toBeVisible();
      await page.getByTestId('next-voter').click();
    }
  };
  const roundHash = new URL(page.url()).hash;
  await vote(['赵一', '赵一', '赵一', '钱二', '钱二', null]);
  page.once('dialog', (d) => d.accept());
  await page.goto(`/${roundHash}`);
  await advance(page, 'closed');
  await expect(page.getByTestId('no-winner')).toContainText('无人当选');
  await page.locator('[data-testid="advance"][data-to="publicity"]').click();
  await expect(page.getByTestId('round-message')).toContainText('无人当选，不能进入公示或表彰');

  // 5. The run-off elects 赵一, and the 公示 says so, signed by the branch.
  await page.getByTestId('start-runoff').click();
  await expect(page.getByTestId('round-page')).toHaveAttribute('data-stage', 'setup');
  const runoffHash = new URL(page.url()).hash;
  expect(runoffHash).not.toBe(roundHash);
  await vote(['赵一', '赵一', '赵一', '赵一', '钱二', '钱二']);
  page.once('dialog', (d) => d.accept());
  await page.goto(`/${runoffHash}`);
  await advance(page, 'closed');
  await expect(page.locator('[data-testid="tally-row"][data-name="赵一"]')).toHaveAttribute('data-outcome', 'elected');
  await advance(page, 'publicity');
  await page.getByTestId('open-notice').click();
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText('以下 1 名同志当选');
  await expect(notice.getByTestId('notice-name')).toHaveText([/赵一（第二党小组）/]);
  await expect(notice.getByTestId('notice-objections')).toHaveText(`公示期间，如有异议，请向${BRANCH}委员会反映。`);
  await expect(notice.locator('.cert-sign').first()).toHaveText(BRANCH);
});
