// 民主评议党员 end to end (issue 18) through the real sync server, with the
// 12-member roster of ../shared/fixtures (10 正式党员, 2 预备党员) on the
// organizer's laptop and two members' phones (张伟, a 正式党员, and 陈明, a
// 预备党员 who rates but is not rated).
//
// A round votes by codes or by name, never both, so the branch holds two
// appraisals:
// A. by codes at the kiosk (吴桂兰 excused, 年老体弱: 9 appraised, the
//    default cap 3): 3 raters, one of them stopped by the over-cap counter
//    first; the close, the count and the flag, the CSV and XLSX exports.
// B. by name on the two phones (everyone appraised, cap 2): 自评 and a
//    signed 互评 comment on a phone, a paper 自评 on the laptop, who is
//    missing; a ballot on each phone; the close fetches the server's box;
//    the committee's decisions with one grade changed from the ballot (a
//    reason required); 组织评定 final; the printed decision list; each
//    phone shows its own grade and nobody else's.
// Then the secrecy scan: every stored value on the three devices, the
// server's database and log, and the exports: ballots only in the boxes,
// bare, in slot order, and no slot, code or receipt anywhere else.
//
// The server: tests/e2e/sync-server.js (port E2E_APPRAISAL_PORT, default 8095).
const fs = require('node:fs');
const { test, expect } = require('@playwright/test');
const { App } = require('./app');
const { useSyncServer, createBranch, invite: inviteLink } = require('./sync-server');
const { storage, noSlotOutsideTheBox, serverTables } = require('./secrecy');
const { appraisalPage, newAppraisal, advance, rate, allRated, resultRow, counts } = require('./appraisals');
const { readSheet } = require('./xlsx');

const PORT = Number(process.env.E2E_APPRAISAL_PORT || 8095);
const server = useSyncServer(test, PORT, 'appraisal-e2e');
const BASE = server.base;

const TITLE_A = '2025年度民主评议党员（投票码）';
const TITLE_B = '2025年度民主评议党员（记名）';
const SELF_TEXT = '一年来坚持学习党的理论，带头完成社区服务；不足是联系群众还不够经常。';
const COMMENT_TEXT = '工作扎实，建议多关心年轻党员。';
const PAPER_SELF = '年老体弱，书面提交：坚持读书看报，按时交纳党费。';
const REASON = '年内获评区级优秀共产党员，经支委会研究评定为优秀。';

const status = (page) => page.getByTestId('sync-status');
const waiting = (page) =>
  page.evaluate(() =>
    Object.entries(localStorage)
      .filter(([k]) => k.startsWith('zhibu:out:'))
      .reduce((n, [, v]) => {
        const o = JSON.parse(v);
        return n + (o.events || []).length + (o.rounds || []).length;
      }, 0),
  );

/** Nothing waits for the server, and the header says 已同步. */
async function synced(page) {
  await expect.poll(() => waiting(page), { timeout: 30_000, message: 'the outbox empties' }).toBe(0);
  await expect(status(page)).toHaveAttribute('data-state', 'ok', { timeout: 30_000 });
}

/** Taps the header's sync status until `check` (with short timeouts) passes. */
async function syncUntil(page, check) {
  await expect(async () => {
    await status(page).click();
    await check();
  }).toPass({ timeout: 30_000, intervals: [300, 700, 1_500] });
}

/** Navigates within the app (a hash change: no reload). */
const go = (page, hash) =>
  page.evaluate((h) => {
    location.hash = h;
  }, hash);

const FULL = ['王建国', '李秀英', '张伟', '刘芳', '杨丽', '赵磊', '黄敏', '周强', '吴桂兰', '孙晓燕'];
const APPRAISED_A = FULL.filter((n) => n !== '吴桂兰');

test('民主评议党员: codes at the kiosk, named ballots on two phones, decisions, the printed list, secrecy', async ({
  browser,
}) => {
  test.setTimeout(90_000);

  // --- The organizer: the fixture roster, the branch, two invitations.
  const laptopContext = await browser.newContext({ baseURL: BASE, viewport: { width: 1280, height: 800 } });
  const page = await laptopContext.newPage();
  page.on('dialog', (d) => d.accept());
  const app = new App(page);
  await app.open();
  await app.importRoster('roster-utf8-bom.csv');
  await expect(page.getByTestId('member-name')).toHaveCount(12);
  await createBranch(page, {
    branch: '城东社区第二党支部',
    login: 'appraisal-organizer',
    password: 'a long enough password',
  });
  await synced(page);
  const invite = (name, previous) => inviteLink(page, BASE, name, previous);
  const zhangLink = await invite('张伟');
  const links = { 张伟: zhangLink, 陈明: await invite('陈明', zhangLink) };
  const phoneOptions = { baseURL: BASE, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
  const phones = {};
  for (const [name, link] of Object.entries(links)) {
    const context = await browser.newContext(phoneOptions);
    const p = await context.newPage();
    p.on('dialog', (d) => d.accept());
    await p.goto(link);
    await p.getByTestId('invite-accept').click();
    await expect(p.getByTestId('me-name')).toContainText(name, { timeout: 30_000 });
    await synced(p);
    phones[name] = { context, page: p };
  }

  // --- A. By codes at the kiosk: 9 appraised (吴桂兰 excused), cap 3.
  const hashA = await newAppraisal(page, { title: TITLE_A, mode: 'codes', excuse: { 吴桂兰: '年老体弱' } });
  const idA = hashA.split('/')[2];
  await expect(page.getByTestId('appraised-count')).toHaveText('9');
  await expect(page.getByTestId('cap')).toHaveText('3');
  await advance(page, 'assessment');
  await page.getByTestId('code-count').fill('3');
  await page.getByTestId('issue-codes').click();
  await expect(page.getByTestId('slip-code')).toHaveCount(3);
  const codes = (await page.getByTestId('slip-code').allTextContents()).map((c) => c.trim());
  await page.getByTestId('back-to-round').click();
  await advance(page, 'voting');
  await page.getByTestId('open-kiosk').click();

  const ballotsA = [
    allRated(APPRAISED_A, 'competent', {
      王建国: 'excellent',
      李秀英: 'excellent',
      孙晓燕: 'excellent',
      周强: 'basic',
      杨丽: 'none',
    }),
    allRated(APPRAISED_A, 'competent', { 王建国: 'excellent', 周强: 'failing' }),
    allRated(APPRAISED_A, 'competent', { 周强: 'basic' }),
  ];
  const receipts = [];
  for (const [i, marks] of ballotsA.entries()) {
    await page.getByTestId('ballot-code').fill(codes[i]);
    await page.getByTestId('enter-code').click();
    await expect(page.getByTestId('rating-row')).toHaveCount(9);
    await expect(page.locator('[data-testid="rating-row"][data-name="吴桂兰"]')).toHaveCount(0);
    await rate(page, marks);
    if (i === 0) {
      // A fourth 优秀 is over the cap: said before casting, and casting is blocked.
      await rate(page, { 刘芳: 'excellent' });
      await expect(page.getByTestId('excellent-counter')).toHaveText('“优秀”已选 4 / 上限 3');
      await expect(page.getByTestId('rating-error')).toHaveText('“优秀”最多只能评 3 人，请减少后再投。');
      await expect(page.getByTestId('cast-rating')).toBeDisabled();
      await rate(page, { 刘芳: 'competent' });
      await expect(page.getByTestId('rating-error')).toHaveText('');
    }
    const excellent = Object.values(marks).filter((r) => r === 'excellent').length;
    await expect(page.getByTestId('excellent-counter')).toHaveText(`“优秀”已选 ${excellent} / 上限 3`);
    await page.getByTestId('cast-rating').click();
    await expect(page.getByTestId('privacy')).toBeVisible();
    receipts.push((await page.getByTestId('ballot-receipt').textContent()).trim());
    await page.getByTestId('next-voter').click();
  }
  // A used code is refused.
  await page.getByTestId('ballot-code').fill(codes[0]);
  await page.getByTestId('enter-code').click();
  await expect(page.getByTestId('kiosk-error')).toContainText('此投票码已经使用过');

  await go(page, hashA);
  await expect(page.getByTestId('turnout')).toHaveText('已投票 3 / 应投票 12');
  await synced(page);
  await advance(page, 'closed');
  await expect(page.getByTestId('ballot-summary')).toHaveText(
    '收回测评票 3 张（应到 12），有效 3，弃权 0，无效 0；“优秀”上限 3 人。',
  );
  expect(await counts(page, '王建国')).toEqual(['2', '1', '0', '0']);
  expect(await counts(page, '杨丽')).toEqual(['0', '2', '0', '0']);
  expect(await counts(page, '周强')).toEqual(['0', '0', '2', '1']);
  await expect(resultRow(page, '周强')).toHaveAttribute('data-flagged', 'true');
  await expect(resultRow(page, '王建国')).toHaveAttribute('data-flagged', 'false');
  await expect(resultRow(page, '吴桂兰')).toHaveCount(0);

  // The exports: the counts per member, nothing per ballot.
  const download = async (testid) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
    return d.path();
  };
  const csvA = fs.readFileSync(await download('export-csv'), 'utf8').replace(/^\uFEFF/, '');
  const csvLines = csvA.trim().split(/\r?\n/);
  expect(csvLines[0]).toBe('姓名,党小组,优秀,合格,基本合格,不合格,未评,提醒,组织评定,理由,整改要求');
  expect(csvLines).toHaveLength(10);
  expect(csvLines).toContain('周强,第三党小组,0,0,2,1,0,是,,,');
  expect(csvLines).toContain('杨丽,第二党小组,0,2,0,0,1,,,,');
  const xlsxA = readSheet(await download('export-xlsx'));
  expect(xlsxA).toHaveLength(10);
  expect(xlsxA.find((r) => r[0] === '王建国').slice(2, 6)).toEqual(['2', '1', '0', '0']);

  // --- B. By name on the phones: all 10 正式党员, cap 2.
  const hashB = await newAppraisal(page, { title: TITLE_B, mode: 'named', cap: 2 });
  const idB = hashB.split('/')[2];
  await expect(page.getByTestId('appraised-count')).toHaveText('10');
  await expect(page.getByTestId('cap')).toHaveText('2');
  await advance(page, 'assessment');
  await synced(page);

  // 张伟 writes his 自评 and a signed comment on his phone.
  const zhang = phones['张伟'].page;
  const chen = phones['陈明'].page;
  await go(zhang, hashB);
  const atStage = (p, stage) => () => expect(appraisalPage(p)).toHaveAttribute('data-stage', stage, { timeout: 2_000 });
  await syncUntil(zhang, atStage(zhang, 'assessment'));
  await zhang.getByTestId('self-assessment').fill(SELF_TEXT);
  await zhang.getByTestId('save-self-assessment').click();
  await expect(zhang.getByTestId('round-message')).toHaveText('自评已保存。');
  await expect(zhang.getByTestId('comment-signed')).toContainText('署名提交，只有支委会能看到');
  await zhang.getByTestId('comment-about').selectOption({ label: '王建国' });
  await zhang.getByTestId('comment-text').fill(COMMENT_TEXT);
  await zhang.getByTestId('save-comment').click();
  await expect(zhang.getByTestId('round-message')).toContainText('互评意见已提交');
  await synced(zhang);
  // 陈明 (预备党员) is not appraised: no 自评 for him.
  await go(chen, hashB);
  await syncUntil(chen, atStage(chen, 'assessment'));
  await expect(chen.getByTestId('self-assessment')).toHaveCount(0);

  // The organizer sees who is missing, reads the comment signed, enters a paper 自评.
  const written = page.getByTestId('assessed-count');
  await syncUntil(page, () => expect(written).toHaveText('已提交自评 1 / 10 人', { timeout: 2_000 }));
  await expect(page.getByTestId('missing-self')).not.toContainText('张伟');
  await expect(page.getByTestId('missing-self')).toContainText('吴桂兰');
  await expect(page.getByTestId('comment-row')).toHaveText([`王建国 ← 张伟：${COMMENT_TEXT}`]);
  await page.locator('#paper-self-for').selectOption({ label: '吴桂兰' });
  await page.getByTestId('paper-self-text').fill(PAPER_SELF);
  await page.getByTestId('save-paper-self').click();
  await expect(written).toHaveText('已提交自评 2 / 10 人');
  await expect(page.getByTestId('missing-self')).not.toContainText('吴桂兰');
  await advance(page, 'voting');
  await synced(page);

  // One ballot on each phone, as its own member.
  const ballotsB = {
    张伟: allRated(FULL, 'competent', { 王建国: 'excellent', 孙晓燕: 'excellent', 周强: 'basic' }),
    陈明: allRated(FULL, 'competent', { 王建国: 'excellent', 吴桂兰: 'none' }),
  };
  for (const [name, marks] of Object.entries(ballotsB)) {
    const p = phones[name].page;
    await go(p, hashB);
    await syncUntil(p, atStage(p, 'voting'));
    await p.getByTestId('open-vote').click();
    await p.getByTestId('voter').selectOption({ label: name });
    await p.getByTestId('start-ballot').click();
    await expect(p.getByTestId('rating-row')).toHaveCount(10);
    await rate(p, marks);
    await p.getByTestId('cast-rating').click();
    await expect(p.getByTestId('privacy')).toBeVisible();
    receipts.push((await p.getByTestId('ballot-receipt').textContent()).trim());
    await p.getByTestId('next-voter').click();
    await synced(p);
  }

  // The roll names both voters; their ballots are on the server only, until
  // the close fetches the server's box: then both count here.
  const turnout = page.getByTestId('turnout');
  await syncUntil(page, () => expect(turnout).toHaveText('已投票 2 / 应投票 12', { timeout: 2_000 }));
  await noSlotOutsideTheBox(page, idB, 0, { appraisal: true });
  await advance(page, 'closed');
  await expect(page.getByTestId('ballot-summary')).toContainText('收回测评票 2 张（应到 12），有效 2');
  expect(await counts(page, '王建国')).toEqual(['2', '0', '0', '0']);
  expect(await counts(page, '李秀英')).toEqual(['0', '2', '0', '0']);
  expect(await counts(page, '周强')).toEqual(['0', '1', '1', '0']);

  // 组织评定: every member decided; 李秀英's grade differs from the ballot,
  // which needs a reason: refused without one, recorded with it.
  const decide = async (name, grade, reason = '') => {
    const r = resultRow(page, name);
    if (grade) await r.getByTestId('grade').selectOption(grade);
    await r.getByTestId('reason').fill(reason);
    await r.getByTestId('save-decision').click();
  };
  await decide('李秀英', 'excellent');
  await expect(page.getByTestId('round-message')).toContainText('理由');
  await expect(resultRow(page, '李秀英').getByTestId('decided-grade')).toHaveCount(0);
  await decide('李秀英', 'excellent', REASON);
  await expect(resultRow(page, '李秀英').getByTestId('decided-grade')).toHaveText('优秀');
  await expect(resultRow(page, '李秀英').getByTestId('decision')).toContainText(REASON);
  for (const name of FULL.filter((n) => n !== '李秀英')) {
    await decide(name);
    await expect(resultRow(page, name).getByTestId('decided-grade')).toHaveCount(1);
  }
  await expect(resultRow(page, '王建国').getByTestId('decided-grade')).toHaveText('优秀');
  await expect(resultRow(page, '张伟').getByTestId('decided-grade')).toHaveText('合格');
  await advance(page, 'final');
  await expect(page.getByTestId('save-decision')).toHaveCount(0);

  // The printed list: every appraised member, the changed grade with its reason.
  await page.getByTestId('print-decisions').click();
  await expect(page.getByTestId('decision-list')).toBeVisible();
  await expect(page.getByTestId('draft-list')).toHaveCount(0);
  await expect(page.getByTestId('decision-row')).toHaveCount(10);
  const changed = page.getByTestId('decision-row').filter({ hasText: '李秀英' });
  await expect(changed.locator('td')).toHaveText(['李秀英', '第一党小组', '0', '2', '0', '0', '0', '', '优秀', REASON, '']);
  await page.evaluate(() => {
    window.print = () => {
      window.__printed = true;
    };
  });
  await page.getByTestId('print-list').click();
  expect(await page.evaluate(() => window.__printed)).toBe(true);
  await synced(page);

  // Each phone: its own final grade on 我的, never another's.
  await go(zhang, '#/me');
  await syncUntil(zhang, () => expect(zhang.getByTestId('my-grade')).toHaveText('合格', { timeout: 2_000 }));
  await expect(zhang.getByTestId('my-appraisal')).toHaveCount(2);
  await expect(zhang.getByTestId('my-grade')).toHaveCount(1);
  await go(chen, '#/me');
  await syncUntil(chen, () => expect(chen.getByTestId('my-appraisal')).toHaveCount(2, { timeout: 2_000 }));
  await expect(chen.getByTestId('my-grade')).toHaveCount(0);

  // --- Secrecy. The laptop: both boxes whole, no slot elsewhere.
  const slotsA = await noSlotOutsideTheBox(page, idA, 3, { appraisal: true });
  const slotsB = await noSlotOutsideTheBox(page, idB, 2, { appraisal: true });
  const slots = [...slotsA, ...slotsB];
  const bare = codes.map((c) => c.replace('-', ''));
  // Not a code, nor a receipt, on any device; the sheet went with the close.
  const noSecret = (key, value) => {
    for (const c of bare) expect(value.includes(c), `${key} holds a code`).toBe(false);
    for (const r of receipts) expect(value.includes(r), `${key} holds a receipt`).toBe(false);
  };
  const sheets = async () => Object.keys(await storage(page)).filter((k) => k.startsWith('zhibu:sheet:'));
  await expect.poll(sheets).toEqual([]);
  for (const [key, value] of Object.entries(await storage(page))) noSecret(key, value);
  // Each phone: only its own ballot (an appraisal's box is the committee's),
  // nobody else's slot, comment or decision.
  for (const [name, { page: p }] of Object.entries(phones)) {
    await noSlotOutsideTheBox(p, idA, 0, { appraisal: true });
    const own = await noSlotOutsideTheBox(p, idB, 1, { appraisal: true });
    const others = slots.filter((s) => !own.includes(s));
    for (const [key, value] of Object.entries(await storage(p))) {
      noSecret(key, value);
      for (const s of others) expect(value.includes(s), `${name}: ${key} names another ballot`).toBe(false);
      expect(value.includes(REASON), `${name}: ${key} holds another member's decision`).toBe(false);
      if (name === '张伟') continue;
      for (const t of [SELF_TEXT, COMMENT_TEXT]) expect(value.includes(t), `${name}: ${key} holds 张伟's writing`).toBe(false);
    }
  }

  // The server: each box bare and in slot order; no slot, code or receipt
  // in any other table; no ratings in any event (the roll says who, never how).
  const db = serverTables(server.dataDir);
  const boxRows = Object.fromEntries(db.boxes.map((b) => [b.round, b]));
  for (const [id, expected] of [
    [idA, slotsA],
    [idB, slotsB],
  ]) {
    expect(Object.keys(boxRows[id]).sort()).toEqual(['ballots', 'branch', 'closed', 'round']);
    const ballots = JSON.parse(boxRows[id].ballots);
    expect(ballots.map((b) => b.slot)).toEqual(expected);
    for (const b of ballots) {
      expect(b.choices).toEqual([]);
      expect(Object.keys(b.ratings).length).toBeGreaterThan(0);
      for (const f of Object.keys(b)) expect(['slot', 'rev', 'choices', 'ratings'], `a ballot's field ${f}`).toContain(f);
    }
  }
  for (const [table, rows] of Object.entries(db)) {
    for (const r of rows) {
      const text = JSON.stringify(r);
      noSecret(`server ${table}`, text);
      if (table === 'boxes') continue;
      for (const s of slots) expect(text.includes(s), `server ${table} names a ballot slot`).toBe(false);
    }
  }
  for (const e of db.events) expect(e.body.includes('"ratings"'), 'an event carries ratings').toBe(false);
  const log = fs.readFileSync(server.log, 'utf8');
  for (const s of slots) expect(log.includes(s), 'the server log names a ballot slot').toBe(false);

  // The exports hold counts: no slot, code or receipt.
  for (const text of [csvA, JSON.stringify(xlsxA)]) {
    noSecret('an export', text);
    for (const s of slots) expect(text.includes(s), 'an export names a ballot slot').toBe(false);
  }

  for (const { context } of Object.values(phones)) await context.close();
  await laptopContext.close();
});
