// "身边最美党员" end to end: a round in kiosk mode with 8 one-time ballot
// codes for a 12-member roster — nominations with a seconder, one nominee
// rejected, 8 ballots (one blank), the close, the winner and a tie, a run-off,
// a used code refused, the 公示 notice, an objection handled, the
// commendation list — then a scan of everything stored and exported for any
// link between a voter (or code) and a choice. A named-voter round on one
// device too.
const crypto = require('node:crypto');
const fs = require('node:fs');
const { test, expect } = require('@playwright/test');
const { App, ROSTER_12 } = require('./app');
const { newRound, advance, nominate, nomineeItem, tick } = require('./rounds');
const { storage, withoutBallots } = require('./secrecy');

const ROSTER = ROSTER_12;

/** A paper ballot entered on the organizer's device (the paper-ballot screen is open). */
async function paperBallot(page, voter, choice) {
  await page.getByTestId('voter').selectOption({ label: voter });
  await page.getByTestId('start-ballot').click();
  await tick(page, [choice]);
  await page.getByTestId('cast').click();
  await expect(page.getByTestId('privacy')).toBeVisible();
  await page.getByTestId('next-voter').click();
}

test('a kiosk round with ballot codes: nominations, review, 8 ballots, a tie, run-off, 公示 and secrecy', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const app = new App(page);
  await app.open();
  await app.importRosterText(ROSTER);

  const hash = await newRound(page, { title: '2026年度“身边最美党员”评选', honours: 2, k: 3, mode: 'codes', basis: 'cast' });
  const roundId = hash.split('/')[2];
  const fingerprint = (await page.getByTestId('fingerprint').textContent()).trim();
  expect(fingerprint).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);

  // Nomination: one nominee with a seconder; self-nomination and a second
  // nomination by the same member are refused.
  await advance(page, 'nomination');
  await nominate(page, '李组织', '赵一', '扎根基层二十年，带头完成社区疫情防控。');
  await nominate(page, '王宣传', '赵一', '热心帮扶困难党员，群众口碑好。');
  await nominate(page, '孙三', '周四', '技术攻关带头人，获得省级表彰。');
  await nominate(page, '张书记', '吴五', '长期坚持志愿服务。');
  await nominate(page, '郑六', '冯七', '工作认真负责。');
  await nominate(page, '钱二', '钱二', '自荐');
  await expect(page.getByTestId('round-message')).toContainText('不允许自荐');
  await nominate(page, '李组织', '孙三', '再推荐一位');
  await expect(page.getByTestId('round-message')).toContainText('每人最多推荐 1 人');
  await expect(page.getByTestId('nominee-item')).toHaveCount(4);
  await expect(nomineeItem(page, '赵一').getByTestId('seconders')).toHaveText('附议 1');

  // Review: a rejection needs a reason; 冯七 is rejected, three approved.
  await advance(page, 'review');
  await nomineeItem(page, '冯七').getByTestId('reject').click();
  await expect(nomineeItem(page, '冯七').getByTestId('review-error')).toContainText('不通过时须填写理由');
  await nomineeItem(page, '冯七').getByTestId('review-reason').fill('不符合推荐条件');
  await nomineeItem(page, '冯七').getByTestId('reject').click();
  for (const name of ['赵一', '周四', '吴五']) await nomineeItem(page, name).getByTestId('approve').click();
  await expect(nomineeItem(page, '冯七').getByTestId('review-state')).toHaveText('未通过');

  // Voting cannot open before codes exist; 8 codes are issued and printed.
  await page.locator('[data-testid="advance"][data-to="voting"]').click();
  await expect(page.getByTestId('round-message')).toContainText('请先生成投票码');
  await page.getByTestId('code-count').fill('8');
  await page.getByTestId('issue-codes').click();
  await expect(page.getByTestId('code-slips')).toBeVisible();
  const codes = (await page.getByTestId('slip-code').allTextContents()).map((c) => c.trim());
  expect(codes).toHaveLength(8);
  for (const c of codes) expect(c).toMatch(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
  expect(new Set(codes).size).toBe(8);
  await page.goto(`/${hash}`);
  await advance(page, 'voting');
  // The rules are locked now, with the same fingerprint.
  await expect(page.getByTestId('fingerprint')).toHaveText(fingerprint);
  await expect(page.getByTestId('edit-round')).toHaveCount(0);
  await page.goto(`/${hash}/edit`);
  await page.locator('#round-honours').fill('3');
  await page.getByTestId('save-round').click();
  await expect(page.getByTestId('round-errors')).toContainText('规则已锁定');
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('results')).toHaveCount(0);

  // The kiosk: 8 ballots, one blank. 赵一 7, 周四 5, 吴五 5 of 8 cast.
  await page.getByTestId('open-kiosk').click();
  const ballots = [
    ['赵一', '周四', '吴五'],
    ['赵一', '周四', '吴五'],
    ['赵一', '周四', '吴五'],
    ['赵一', '周四'],
    ['赵一', '周四'],
    ['赵一', '吴五'],
    ['赵一', '吴五'],
    [],
  ];
  const receipts = [];
  for (const [i, choice] of ballots.entries()) {
    await page.getByTestId('ballot-code').fill(codes[i].toLowerCase());
    await page.getByTestId('enter-code').click();
    await expect(page.getByTestId('ballot')).toBeVisible();
    await tick(page, choice);
    await expect(page.getByTestId('ballot-counter')).toHaveText(`已选 ${choice.length}/3`);
    await page.getByTestId('cast').click();
    if (choice.length === 0) {
      await expect(page.getByTestId('blank-confirm')).toBeVisible();
      await page.getByTestId('cast').click();
    }
    await expect(page.getByTestId('privacy')).toBeVisible();
    receipts.push((await page.getByTestId('ballot-receipt').textContent()).trim());
    await page.getByTestId('next-voter').click();
    await expect(page.getByTestId('ballot-code')).toHaveValue('');
  }
  await expect(page.getByTestId('turnout')).toHaveText('已投票 8 / 应投票 10');
  // A used code, and a made-up one, are refused.
  await page.getByTestId('ballot-code').fill(codes[0]);
  await page.getByTestId('enter-code').click();
  await expect(page.getByTestId('kiosk-error')).toContainText('此投票码已经使用过');
  await page.getByTestId('ballot-code').fill('ABCDE-FGHJK');
  await page.getByTestId('enter-code').click();
  await expect(page.getByTestId('kiosk-error')).toContainText('投票码无效');
  await expect(page.getByTestId('ballot')).toHaveCount(0);

  // No tab bar in the kiosk, and leaving it needs the organizer's confirmation.
  await expect(page.getByTestId('nav-rounds')).toHaveCount(0);
  page.once('dialog', (d) => d.dismiss());
  await page.evaluate(() => history.back());
  await expect(page.getByTestId('kiosk')).toBeVisible();
  await expect(page).toHaveURL(/#\/kiosk\//);

  // The close: the winner, the tie, the blank ballot.
  page.once('dialog', (d) => d.accept());
  await page.goto(`/${hash}`);
  await advance(page, 'closed');
  await expect(page.getByTestId('cast')).toHaveText('8');
  await expect(page.getByTestId('blank')).toHaveText('1');
  await expect(page.getByTestId('valid')).toHaveText('7');
  const row = (name) => page.locator(`[data-testid="tally-row"][data-name="${name}"]`);
  await expect(row('赵一')).toHaveAttribute('data-outcome', 'elected');
  await expect(row('赵一').getByTestId('votes')).toHaveText('7');
  await expect(row('周四')).toHaveAttribute('data-outcome', 'tied');
  await expect(row('吴五')).toHaveAttribute('data-outcome', 'tied');
  await expect(page.getByTestId('tie')).toContainText('剩余 1 个名额');
  // Every voter's receipt is published; the recount agrees.
  const published = (await page.getByTestId('receipts').locator('code').allTextContents()).map((r) => r.trim());
  expect([...published].sort()).toEqual([...receipts].sort());
  await page.getByTestId('recount').click();
  await expect(page.getByTestId('recount-message')).toContainText('重新计票一致（共 8 张选票）');

  // The anonymous export: ballots sorted, no slots, no codes.
  const [exported] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-box').click()]);
  const exportText = fs.readFileSync(await exported.path(), 'utf8');
  const box = JSON.parse(exportText);
  expect(box.ballots).toHaveLength(8);
  expect(box.tally.elected).toHaveLength(1);

  // Secrecy: what is stored and exported never links a code to a choice.
  const stored = await storage(page);
  const codeHash = (code) =>
    crypto
      .createHash('sha256')
      .update(`zhibu-ballot-code\n${roundId}\n${code.replace('-', '')}`)
      .digest('hex')
      .slice(0, 32);
  const hashes = codes.map(codeHash);
  const boxDoc = JSON.parse(stored['zhibu:box']);
  const slots = boxDoc.snapshot.ext.bal[roundId];
  expect(Object.keys(slots)).toHaveLength(8);
  for (const ballot of Object.values(slots)) {
    // A ballot is its choices and nothing else: no author, device, clock or time.
    expect(Object.keys(ballot).filter((k) => k !== 'rev')).toEqual(['choices']);
  }
  const slotIds = Object.keys(slots);
  // The roll knows the codes' hashes (all 8 used), never the codes.
  const everything = Object.entries(stored);
  for (const h of hashes) expect(everything.some(([, v]) => v.includes(h))).toBe(true);
  for (const [key, value] of everything) {
    for (const c of codes) expect(value.includes(c.replace('-', '')), `${key} holds a code`).toBe(false);
    if (key === 'zhibu:box') {
      for (const h of hashes) expect(value.includes(h), 'the box holds a code hash').toBe(false);
    } else {
      // Outside the box (the roll, logs, snapshot's other tables) no ballot slot appears...
      const rest = withoutBallots(key, value);
      for (const s of slotIds) expect(rest.includes(s), `${key} names a ballot slot`).toBe(false);
    }
  }
  // ...and the box's order is by slot, not by when each ballot was cast.
  expect(slotIds).toEqual([...slotIds].sort());
  for (const s of slotIds) expect(exportText.includes(s)).toBe(false);
  for (const h of hashes) expect(exportText.includes(h)).toBe(false);

  // Run-off among the tied, in one action.
  await page.getByTestId('start-runoff').click();
  await expect(page.getByTestId('round-page')).toHaveAttribute('data-stage', 'setup');
  await expect(page.getByTestId('rule-honours')).toHaveText('1');
  await expect(page.locator('h2#round-title')).toContainText('再次投票');
  // Its candidates are the tied two: it goes straight from set-up to voting.
  await expect(page.locator('[data-testid="advance"][data-to="voting"]')).toBeVisible();

  // 公示: the notice prints, an objection is filed and handled, then 表彰.
  await page.goto(`/${hash}`);
  await advance(page, 'publicity');
  await expect(page.getByTestId('publicity-end')).toContainText('公示期至');
  await page.getByTestId('open-notice').click();
  await expect(page.getByTestId('notice')).toContainText('赵一');
  await expect(page.getByTestId('notice')).toContainText('扎根基层二十年');
  await page.evaluate(() => {
    window.print = () => {
      window.__printed = true;
    };
  });
  await page.getByTestId('print-notice').click();
  expect(await page.evaluate(() => window.__printed)).toBe(true);
  await page.goto(`/${hash}`);
  await page.getByTestId('objection-about').selectOption({ label: '赵一' });
  await page.getByTestId('objection-text').fill('事迹中“二十年”与实际工作年限不符。');
  await page.getByTestId('file-objection').click();
  await expect(page.getByTestId('objection-item')).toHaveCount(1);
  await page.getByTestId('handling-note').fill('经核实，工作年限为二十一年，异议不成立。');
  await page.getByTestId('dismiss').click();
  await expect(page.getByTestId('handled')).toContainText('不成立');
  await advance(page, 'final');
  await page.getByTestId('open-honours').click();
  await expect(page.getByTestId('notice-name')).toHaveText(['赵一（第一党小组）']);
  await page.goto(`/${hash}`);
  const audit = await page.getByTestId('audit-row').allTextContents();
  expect(audit.some((l) => l.includes('资格审查未通过：冯七'))).toBe(true);
  expect(audit.some((l) => l.includes('异议不成立'))).toBe(true);
});

/**
 * A fresh branch (the 10-member roster) and a named round for one honour,
 * with 赵一 and 钱二 nominated and approved, open for voting; its hash.
 */
async function namedRoundToVoting(page, title) {
  const app = new App(page);
  await app.open();
  await app.importRosterText(ROSTER);
  const hash = await newRound(page, { title, honours: 1, k: 1, mode: 'named', basis: 'entitled' });
  await advance(page, 'nomination');
  await nominate(page, '张书记', '赵一', '先进事迹甲');
  await nominate(page, '李组织', '钱二', '先进事迹乙');
  await advance(page, 'review');
  for (const name of ['赵一', '钱二']) await nomineeItem(page, name).getByTestId('approve').click();
  await advance(page, 'voting');
  return hash;
}

test('paper ballots entered on the organizer device: one each, openly on the roll, no self-vote, results after the close', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const hash = await namedRoundToVoting(page, '支部评选（纸质选票）');
  // The organizer's device casts no named ballot (no proxy voting): it
  // enters the paper ballots members without a phone hand in.
  await expect(page.getByTestId('open-vote')).toHaveCount(0);
  await page.getByTestId('enter-paper').click();
  await expect(page.getByTestId('paper-hint')).toContainText('纸质选票');

  const vote = async (voter, choice) => {
    await page.getByTestId('voter').selectOption({ label: voter });
    await page.getByTestId('start-ballot').click();
    await tick(page, [choice]);
    // K = 1: the other candidate cannot be ticked as well.
    const other = choice === '赵一' ? '钱二' : '赵一';
    await expect(page.locator(`[data-testid="ballot-item"][data-name="${other}"]`).getByTestId('ballot-tick')).toBeDisabled();
    await page.getByTestId('cast').click();
  };
  // 赵一 may not vote for himself.
  await vote('赵一', '赵一');
  await expect(page.getByTestId('vote-error')).toContainText('不允许投自己');
  const voters = ['张书记', '李组织', '王宣传', '孙三', '周四', '吴五'];
  for (const v of voters) {
    await vote(v, v === '吴五' ? '钱二' : '赵一');
    await expect(page.getByTestId('privacy')).toBeVisible();
    await page.getByTestId('next-voter').click();
  }
  // A member on the roll is not offered again.
  await expect(page.getByTestId('voter').locator('option', { hasText: '张书记' })).toHaveCount(0);
  await expect(page.getByTestId('turnout')).toHaveText('已投票 6 / 应投票 10');

  // The roll says paper, and the audit log who entered each one.
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('paper-count')).toContainText('其中纸质选票 6 张');
  const entered = await page.getByTestId('audit-row').allTextContents();
  expect(entered.filter((l) => l.includes('录入纸质选票：')).length).toBe(6);
  expect(entered.some((l) => l.includes('录入纸质选票：张书记'))).toBe(true);
  await advance(page, 'closed');
  // 5 of 10 entitled is not more than half: nobody is elected.
  const row = (name) => page.locator(`[data-testid="tally-row"][data-name="${name}"]`);
  await expect(row('赵一').getByTestId('votes')).toHaveText('5');
  await expect(row('赵一')).toHaveAttribute('data-outcome', 'not');
  await expect(row('钱二').getByTestId('votes')).toHaveText('1');

  // Nothing stored links a voter to a choice: the box is slots and choices.
  const stored = await storage(page);
  const boxDoc = JSON.parse(stored['zhibu:box']);
  const slots = Object.values(boxDoc.snapshot.ext.bal)[0];
  expect(Object.keys(slots)).toHaveLength(6);
  for (const ballot of Object.values(slots)) expect(Object.keys(ballot)).toEqual(['choices']);
  const slotIds = Object.keys(slots);
  for (const [key, value] of Object.entries(stored)) {
    if (key === 'zhibu:box') continue;
    const rest = withoutBallots(key, value);
    for (const s of slotIds) expect(rest.includes(s), `${key} names a ballot slot`).toBe(false);
  }
  // The device kept no secret for revising (revision is off): no ballot keys.
  expect(Object.keys(stored).filter((k) => k.startsWith('zhibu:id:ballot'))).toEqual([]);
});

test('a round with no winner says 无人当选, refuses 公示, and offers a run-off or an end without a result', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const hash = await namedRoundToVoting(page, '支部评选（无人当选）');
  // 3 and 2 of 10 entitled: nobody has the 6 votes needed.
  await page.getByTestId('enter-paper').click();
  for (const voter of ['张书记', '李组织', '王宣传']) await paperBallot(page, voter, '赵一');
  for (const voter of ['孙三', '周四']) await paperBallot(page, voter, '钱二');
  await page.goto(`/${hash}`);
  await advance(page, 'closed');

  // The results say so, with each candidate's votes.
  await expect(page.getByTestId('no-winner')).toContainText('无人当选');
  await expect(page.getByTestId('no-winner')).toContainText('6 票');
  const row = (name) => page.locator(`[data-testid="tally-row"][data-name="${name}"]`);
  await expect(row('赵一').getByTestId('votes')).toHaveText('3');
  await expect(row('钱二').getByTestId('votes')).toHaveText('2');
  await expect(page.locator('[data-testid="tally-row"][data-outcome="elected"]')).toHaveCount(0);

  // 公示 is refused in words; nothing moves.
  await page.locator('[data-testid="advance"][data-to="publicity"]').click();
  await expect(page.getByTestId('round-message')).toContainText('无人当选，不能进入公示或表彰');
  await expect(page.getByTestId('round-page')).toHaveAttribute('data-stage', 'closed');
  await expect(page.getByTestId('publicity')).toHaveCount(0);

  // What the rules allow: a run-off among the top candidates, or the end.
  await expect(page.getByTestId('unfilled')).toContainText('赵一、钱二');
  await expect(page.getByTestId('start-runoff')).toHaveText('对得票最多的候选人再次投票');
  await expect(page.getByTestId('end-round')).toHaveText('结束本轮（不产生结果）');
  await page.getByTestId('start-runoff').click();
  await expect(page.getByTestId('round-page')).toHaveAttribute('data-stage', 'setup');
  await expect(page.getByTestId('rule-honours')).toHaveText('1');
  await expect(page.locator('[data-testid="advance"][data-to="voting"]')).toBeVisible();

  // Or the round ends without a result, once confirmed.
  await page.goto(`/${hash}`);
  page.once('dialog', (d) => d.dismiss());
  await page.getByTestId('end-round').click();
  await expect(page.getByTestId('round-page')).toHaveAttribute('data-stage', 'closed');
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('end-round').click();
  await expect(page.getByTestId('round-page')).toHaveAttribute('data-stage', 'no_result');
  await expect(page.getByTestId('ended')).toContainText('无人当选');
  await expect(page.locator('.stage-now')).toHaveText('结束（无人当选）');
  await expect(page.getByTestId('advance')).toHaveCount(0);
  await expect(page.getByTestId('end-round')).toHaveCount(0);
  await expect(page.getByTestId('start-runoff')).toHaveCount(0);
  await expect(row('赵一').getByTestId('votes')).toHaveText('3');
  const audit = await page.getByTestId('audit-row').allTextContents();
  expect(audit.some((l) => l.includes('结束（无人当选）'))).toBe(true);
});

test('the 不通过 reason box is labelled, and a rejection without a reason is refused beside it', async ({ page }) => {
  const app = new App(page);
  await app.open();
  await app.importRosterText(ROSTER);
  await newRound(page, { title: '支部评选（资格审查）', honours: 1, k: 1, mode: 'named', basis: 'entitled' });
  await advance(page, 'nomination');
  await nominate(page, '郑六', '冯七', '工作认真负责。');
  await advance(page, 'review');
  const item = nomineeItem(page, '冯七');
  // A real label: the box is found by its name, and the label names it.
  const box = item.getByLabel('理由（不通过时必填）');
  await expect(box).toHaveAttribute('data-testid', 'review-reason');
  await expect(item.getByTestId('review-reason-label')).toBeVisible();
  await item.getByTestId('reject').click();
  await expect(item.getByTestId('review-error')).toHaveText('不通过时须填写理由。');
  await expect(item.getByTestId('review-error')).toBeVisible();
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  await expect(item.getByTestId('review-state')).toHaveCount(0);
  await box.fill('   ');
  await item.getByTestId('reject').click();
  await expect(item.getByTestId('review-state')).toHaveCount(0);
  await box.fill('不符合推荐条件');
  await item.getByTestId('reject').click();
  await expect(item.getByTestId('review-state')).toHaveText('未通过');
  await expect(item).toContainText('不符合推荐条件');
});
