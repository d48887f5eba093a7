// 投票码 that outlive the page (issue 20, item 2) and the candidates'
// 事迹 on the ballot (item 3): codes issued, the page left and found
// again, the same sheet reprinted; every unused code voided for a new
// batch after a confirmation, an old unused code refused at the kiosk in
// words while a used one still counts; the sheet kept only on this device
// (no other stored value holds a code) and gone once voting closes. The
// 事迹 collapsed on a 390×844 phone ballot and read after expanding, one
// tap ticking; expandable on the kiosk.
const fs = require('node:fs');
const { test, expect } = require('@playwright/test');
const { App, ROSTER_12 } = require('./app');
const { newRound, advance, nominate, nomineeItem } = require('./rounds');
const { storage } = require('./secrecy');

const DEEDS_ZHAO = '扎根基层二十年，带头完成社区疫情防控。';

/** A round with 赵一 and 周四 nominated (with 事迹) and approved, at review's end. */
async function reviewedRound(page, title, mode) {
  const app = new App(page);
  await app.open();
  await app.importRosterText(ROSTER_12);
  const hash = await newRound(page, { title, mode });
  await advance(page, 'nomination');
  await nominate(page, '李组织', '赵一', DEEDS_ZHAO);
  await nominate(page, '孙三', '周四', '技术攻关带头人，获得省级表彰。');
  await advance(page, 'review');
  for (const name of ['赵一', '周四']) await nomineeItem(page, name).getByTestId('approve').click();
  return hash;
}

const slipCodes = async (page) => (await page.getByTestId('slip-code').allTextContents()).map((c) => c.trim());
const bare = (code) => code.replace('-', '');

async function kioskVote(page, code, name) {
  await page.getByTestId('ballot-code').fill(code);
  await page.getByTestId('enter-code').click();
  await expect(page.getByTestId('ballot')).toBeVisible();
  await page.locator(`[data-testid="ballot-item"][data-name="${name}"]`).getByTestId('ballot-tick').check();
  await page.getByTestId('cast').click();
  await expect(page.getByTestId('privacy')).toBeVisible();
  await page.getByTestId('next-voter').click();
}

test('codes can be reprinted on the issuing device, voided and reissued; a voided code is refused, a used one counts', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const hash = await reviewedRound(page, '2026年度评选（投票码补发）', 'codes');
  const roundId = hash.split('/')[2];
  const sheetKey = `zhibu:sheet:${roundId}`;

  await page.getByTestId('code-count').fill('3');
  await page.getByTestId('issue-codes').click();
  await expect(page.getByTestId('code-slips')).toBeVisible();
  const first = await slipCodes(page);
  expect(first).toHaveLength(3);

  // Leave the page (another tab, a reload), come back: the same sheet.
  await page.getByTestId('nav-roster').click();
  await page.reload();
  await page.goto(`/${hash}`);
  await page.getByTestId('reprint-codes').click();
  expect(await slipCodes(page)).toEqual(first);
  await page.getByTestId('back-to-round').click();
  await advance(page, 'voting');
  await expect(page.getByTestId('reprint-codes')).toBeVisible();

  // The sheet is the only stored value holding a code.
  for (const [key, value] of Object.entries(await storage(page))) {
    if (key === sheetKey) continue;
    for (const c of first) expect(value.includes(bare(c)), `${key} holds a code`).toBe(false);
  }
  const backup = fs.readFileSync(await new App(page).exportBackup(), 'utf8');
  expect(backup).toContain(roundId);
  for (const c of first) expect(backup.includes(bare(c)), 'the backup holds a code').toBe(false);
  await page.goto(`/${hash}`);

  // One code used at the kiosk, where each candidate's 事迹 can be read.
  await page.getByTestId('open-kiosk').click();
  await page.getByTestId('ballot-code').fill(first[0]);
  await page.getByTestId('enter-code').click();
  const zhao = page.locator('[data-testid="ballot-item"][data-name="赵一"]');
  await zhao.getByTestId('deeds-toggle').click();
  await expect(zhao.getByTestId('deeds')).toContainText(DEEDS_ZHAO);
  await zhao.getByTestId('ballot-tick').check();
  await page.getByTestId('cast').click();
  await expect(page.getByTestId('privacy')).toBeVisible();
  await page.getByTestId('next-voter').click();

  // Void the two unused codes for a new batch: asked first, refused once.
  page.once('dialog', (d) => d.accept());
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('codes-used')).toHaveText('已使用 1 个，未使用 2 个');
  await expect(page.getByTestId('code-count')).toHaveValue('9');
  await page.getByTestId('code-count').fill('2');
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    d.dismiss();
  });
  await page.getByTestId('void-codes').click();
  await expect.poll(() => asked).toContain('将作废全部 2 个未使用的投票码');
  expect(asked).toContain('已使用的 1 个投票码照常计票');
  await expect(page.getByTestId('code-slips')).toHaveCount(0);
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('void-codes').click();
  await expect(page.getByTestId('code-slips')).toBeVisible();
  const second = await slipCodes(page);
  expect(second).toHaveLength(2);
  for (const c of second) expect(first).not.toContain(c);

  // A device without the sheet says where it is; this one has it again.
  const sheet = (await storage(page))[sheetKey];
  expect(sheet.split('\n').sort()).toEqual(second.map(bare).sort());
  await page.evaluate((k) => localStorage.removeItem(k), sheetKey);
  await page.goto(`/${hash}`);
  await page.reload();
  await expect(page.getByTestId('sheet-elsewhere')).toHaveText(
    '投票码单只保存在发放投票码的设备上，请在该设备上重新打印。',
  );
  await expect(page.getByTestId('reprint-codes')).toHaveCount(0);
  await page.evaluate(([k, v]) => localStorage.setItem(k, v), [sheetKey, sheet]);
  await page.reload();
  await expect(page.getByTestId('reprint-codes')).toBeVisible();

  // At the kiosk: an old unused code is voided, the used one used, a new one votes.
  await page.goto(`/${hash}`);
  await page.getByTestId('open-kiosk').click();
  await page.getByTestId('ballot-code').fill(first[1]);
  await page.getByTestId('enter-code').click();
  await expect(page.getByTestId('kiosk-error')).toHaveText('此投票码已作废。');
  await expect(page.getByTestId('ballot')).toHaveCount(0);
  await page.getByTestId('ballot-code').fill(first[0]);
  await page.getByTestId('enter-code').click();
  await expect(page.getByTestId('kiosk-error')).toContainText('此投票码已经使用过');
  await kioskVote(page, second[0], '周四');
  await expect(page.getByTestId('turnout')).toHaveText('已投票 2 / 应投票 10');

  // The close: both ballots count; the sheet is gone from this device.
  page.once('dialog', (d) => d.accept());
  await page.goto(`/${hash}`);
  expect(Object.keys(await storage(page))).toContain(sheetKey);
  await advance(page, 'closed');
  await expect(page.getByTestId('cast')).toHaveText('2');
  const row = (name) => page.locator(`[data-testid="tally-row"][data-name="${name}"]`);
  await expect(row('赵一').getByTestId('votes')).toHaveText('1');
  await expect(row('周四').getByTestId('votes')).toHaveText('1');
  await expect(page.getByTestId('reprint-codes')).toHaveCount(0);
  await expect.poll(async () => Object.keys(await storage(page)).includes(sheetKey)).toBe(false);
  for (const [key, value] of Object.entries(await storage(page))) {
    for (const c of [...first, ...second]) expect(value.includes(bare(c)), `${key} holds a code`).toBe(false);
  }
  await page.goto(`/${hash}/codes`);
  await expect(page.getByTestId('codes-gone')).toBeVisible();
});

test('the ballot shows each candidate’s 事迹 collapsed on a 390×844 phone; one tap ticks', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 390, height: 844 });
  const hash = await reviewedRound(page, '2026年度评选（事迹）', 'named');
  await advance(page, 'voting');
  // The organizer's device enters a paper ballot: the same ballot a phone shows.
  await page.goto(`/${hash}`);
  await page.getByTestId('enter-paper').click();
  await page.getByTestId('voter').selectOption({ label: '张书记' });
  await page.getByTestId('start-ballot').click();
  const zhao = page.locator('[data-testid="ballot-item"][data-name="赵一"]');
  const summary = zhao.getByTestId('deeds-toggle');
  await expect(summary).toHaveAccessibleName('赵一的事迹');
  await expect(zhao.getByText(DEEDS_ZHAO)).toBeHidden();
  await summary.click();
  await expect(zhao.getByText(DEEDS_ZHAO)).toBeVisible();
  // Nothing needs sideways scrolling.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  // One tap on the name's row ticks; the row is a large target.
  const choice = zhao.locator('label.ballot-choice');
  const box = await choice.boundingBox();
  expect(box.height).toBeGreaterThanOrEqual(44);
  await choice.click();
  await expect(zhao.getByTestId('ballot-tick')).toBeChecked();
  await expect(page.getByTestId('ballot-counter')).toHaveText('已选 1/1');
});
