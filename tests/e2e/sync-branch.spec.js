// A whole branch through the real sync server (crates/server), which serves
// the built app itself, so the app's origin is the server. Three devices:
// the organizer's laptop and two members' phones (each its own browser
// context, so its own storage):
//
// 1. The organizer adds a roster, creates the branch on the server and
//    invites two members' phones (two one-time links).
// 2. Each phone joins by its link and becomes its member's.
// 3. A 党员大会 made on the laptop reaches both phones.
// 4. Both check in by the six-digit code: one online, one OFFLINE (stored
//    locally, shown as waiting, in the outbox) that goes up once back online.
// 5. The organizer's sheet shows both, verified by the key only it holds.
// 6. A named "身边最美党员" round: a ballot on each phone as its own member
//    and a paper ballot entered on the laptop (which casts no named ballot:
//    no proxy voting); the close fetches the server's box; the laptop
//    and both phones count the same three ballots.
// 7. No device stores a ballot slot outside `zhibu:box`.
// 8. Each phone holds its own check-in, never the other phone's.
//
// The server: tests/e2e/sync-server.js (port E2E_SYNC2_PORT, default 8094).
const { test, expect } = require('@playwright/test');
const { App } = require('./app');
const { useSyncServer, invite: inviteLink } = require('./sync-server');
const { storage, noSlotOutsideTheBox: noSlotOutside } = require('./secrecy');

const PORT = Number(process.env.E2E_SYNC2_PORT || 8094);
const server = useSyncServer(test, PORT, 'sync-branch-e2e');
const BASE = server.base;

const ORGANIZER = { login: 'branch-organizer', password: 'a long enough password' };
const MEETING_TOPIC = '党员大会：学习贯彻全会精神';
const ROUND_TITLE = '身边最美党员（支部同步）';

/** Events and marked rounds waiting in every stored outbox (`zhibu:out:*`). */
const waiting = (page) =>
  page.evaluate(() =>
    Object.entries(localStorage)
      .filter(([k]) => k.startsWith('zhibu:out:'))
      .reduce((n, [, v]) => {
        try {
          const o = JSON.parse(v);
          return n + (o.events || []).length + (o.rounds || []).length;
        } catch {
          return n + 1;
        }
      }, 0),
  );

/** The waiting events' kinds (`p.t`), across every stored outbox. */
const waitingKinds = (page) =>
  page.evaluate(() =>
    Object.entries(localStorage)
      .filter(([k]) => k.startsWith('zhibu:out:'))
      .flatMap(([, v]) => (JSON.parse(v).events || []).map((e) => e.p && e.p.t)),
  );

const status = (page) => page.getByTestId('sync-status');

/** A device: its page, and whether it is touched (a phone) or clicked. */
function device(page, touch) {
  return {
    page,
    touch,
    press: (locator) => (touch ? locator.tap() : locator.click()),
  };
}

/** Nothing waits for the server, and the header says 已同步. */
async function synced(dev, timeout = 45_000) {
  await expect.poll(() => waiting(dev.page), { timeout, message: 'the outbox empties' }).toBe(0);
  await expect(status(dev.page)).toHaveAttribute('data-state', 'ok', { timeout });
}

/**
 * Taps (or clicks) the header's sync status until `check` passes: a pull
 * brought what `check` looks for. `check` should use short timeouts.
 */
async function syncUntil(dev, check, timeout = 60_000) {
  await expect(async () => {
    await dev.press(status(dev.page));
    await check();
  }).toPass({ timeout, intervals: [500, 1_000, 2_000, 3_000] });
}

/** Navigates within the app (a hash change: no reload, the same writer). */
async function go(page, hash) {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
}

/** Nothing was refused, and no ballot slot appears outside `zhibu:box` (`expected` ballots there). */
async function noSlotOutsideTheBox(page, roundId, expected) {
  expect(JSON.parse((await storage(page))['zhibu:sync']).rejected, 'nothing was refused').toEqual([]);
  await noSlotOutside(page, roundId, expected);
}

test('a branch on the server: two phones join, check in (one offline), vote; one sheet and one count everywhere', async ({
  browser,
}) => {
  test.setTimeout(240_000);

  // --- 1. The organizer: roster, the branch on the server, two invitations.
  const laptopContext = await browser.newContext({ baseURL: BASE, viewport: { width: 1280, height: 800 } });
  const page = await laptopContext.newPage();
  page.on('dialog', (d) => d.accept());
  const laptop = device(page, false);
  const app = new App(page);
  await app.open();
  await app.addMember({ name: '张书记', role: '书记' });
  await app.addMember({ name: '李组织', role: '组织委员' });
  await app.addMember({ name: '王一' });
  await app.addMember({ name: '赵二' });
  await expect(page.getByTestId('member-name')).toHaveCount(4);

  await expect(status(page)).toHaveCount(0);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('sync-mode-create').click();
  await expect(page.locator('#sync-server')).toHaveValue(BASE);
  await page.locator('#sync-branch').fill('城东社区第一党支部');
  await page.locator('#sync-login').fill(ORGANIZER.login);
  await page.locator('#sync-password').fill(ORGANIZER.password);
  await page.locator('#sync-password2').fill(ORGANIZER.password);
  await page.getByTestId('sync-connect').click();
  await synced(laptop);
  await expect(page.getByTestId('sync-role')).toHaveText('组织员');
  await expect(page.getByTestId('sync-pending')).toHaveText('0');

  const invite = (name, previous) => inviteLink(page, BASE, name, previous);
  const linkA = await invite('王一');
  const linkB = await invite('赵二', linkA);
  expect(linkB).not.toBe(linkA);

  // --- 2. Each member joins from their own phone.
  const phoneOptions = {
    baseURL: BASE,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  };
  const join = async (link, name) => {
    const context = await browser.newContext(phoneOptions);
    const p = await context.newPage();
    p.on('dialog', (d) => d.accept());
    const dev = device(p, true);
    await p.goto(link);
    await expect(p.getByTestId('invite-page')).toBeVisible({ timeout: 30_000 });
    await dev.press(p.getByTestId('invite-accept'));
    await expect(p).toHaveURL(/#\/me$/, { timeout: 30_000 });
    await expect(p.getByTestId('me-name')).toContainText(name, { timeout: 30_000 });
    await synced(dev);
    return { context, page: p, dev };
  };
  const phoneA = await join(linkA, '王一');
  const phoneB = await join(linkB, '赵二');

  // --- 3. A 党员大会 for the whole branch, starting now (within the next
  // minute: check-in is open, and every check-in here is 签到, never 迟到).
  const meetingHash = await app.createMeeting({
    kind: 'general',
    topic: MEETING_TOPIC,
    start: new Date(Date.now() + 60 * 1000),
  });
  await expect(page.getByTestId('count-expected')).toHaveText('4');
  await synced(laptop);

  const myMeeting = (p) => p.getByTestId('my-meeting').filter({ hasText: MEETING_TOPIC });
  for (const phone of [phoneA, phoneB]) {
    await syncUntil(phone.dev, () => expect(myMeeting(phone.page)).toBeVisible({ timeout: 3_000 }));
    await expect(myMeeting(phone.page).getByTestId('my-status')).toContainText('未签到');
  }

  // --- 4. Check-in by the code the organizer's screen shows.
  await page.getByTestId('open-checkin').click();
  const code = page.getByTestId('checkin-code');
  await expect(code).toHaveText(/^\s*\d{6}\s*$/);
  const currentCode = async () => (await code.textContent()).trim();
  const checkInByCode = async (phone) => {
    const card = myMeeting(phone.page);
    await phone.dev.press(card.getByTestId('me-code'));
    await phone.page.locator('#checkin-code-input').fill(await currentCode());
    await phone.dev.press(phone.page.getByTestId('submit-code'));
    await expect(phone.page.getByTestId('me-message')).toContainText('等待组织者核验');
    await expect(card.getByTestId('my-status')).toContainText('本人签到');
  };

  // Phone A, online: the check-in goes straight up.
  await checkInByCode(phoneA);
  await synced(phoneA.dev);

  // Phone B goes offline first: the network really is gone.
  await phoneB.context.setOffline(true);
  const fetched = await phoneB.page.evaluate(() =>
    fetch('/api/health', { cache: 'no-store' }).then(
      (r) => `status ${r.status}`,
      (e) => `failed: ${e}`,
    ),
  );
  expect(fetched).toMatch(/^failed/);
  await checkInByCode(phoneB);
  // Kept here, and shown as waiting: the outbox holds the check-in.
  await expect(status(phoneB.page)).toHaveAttribute('data-state', 'warn', { timeout: 20_000 });
  await expect(status(phoneB.page)).toContainText(/离线|条待同步/);
  // The run the check-in triggers fails: the header says offline.
  await expect(status(phoneB.page)).toContainText('离线', { timeout: 20_000 });
  expect(await waitingKinds(phoneB.page)).toEqual(['checked_in']);
  // Back online: the `online` event (or a tap) sends it.
  await phoneB.context.setOffline(false);
  let how = 'without a tap';
  try {
    await synced(phoneB.dev, 15_000);
  } catch {
    how = 'after a tap';
    await phoneB.dev.press(status(phoneB.page));
    await synced(phoneB.dev);
  }
  test.info().annotations.push({ type: 'offline check-in', description: `went up ${how} once back online` });

  // --- 5. The organizer's sheet: both checked in by themselves, verified here.
  await syncUntil(laptop, () => expect(app.row('赵二')).toHaveAttribute('data-status', 'present', { timeout: 3_000 }));
  for (const name of ['王一', '赵二']) {
    await expect(app.row(name)).toHaveAttribute('data-status', 'present');
    await expect(app.row(name).getByTestId('row-source')).toHaveText('本人签到·已核验');
  }
  for (const name of ['张书记', '李组织']) await expect(app.row(name).getByTestId('row-source')).toHaveCount(0);
  await expect(page.getByTestId('count-present')).toHaveText('2');
  // The phones cannot check codes (no key there): their own rows wait for the organizer.
  for (const phone of [phoneA, phoneB]) {
    await expect(myMeeting(phone.page).getByTestId('my-status')).toContainText('本人签到·待核验');
  }

  // --- 6. A named round across the three devices.
  await page.getByTestId('nav-rounds').click();
  await page.getByTestId('new-round').click();
  await page.locator('#round-title').fill(ROUND_TITLE);
  await page.locator('#round-honours').fill('1');
  await page.locator('#round-k').fill('1');
  await page.locator('#round-mode').selectOption('named');
  await page.locator('#round-basis').selectOption('cast');
  await page.getByTestId('save-round').click();
  await expect(page.getByTestId('round-page')).toHaveAttribute('data-stage', 'setup');
  const roundHash = new URL(page.url()).hash;
  const roundId = roundHash.split('/')[2];
  const advance = async (to) => {
    await page.locator(`[data-testid="advance"][data-to="${to}"]`).click();
    await expect(page.getByTestId('round-page')).toHaveAttribute('data-stage', to, { timeout: 30_000 });
  };
  await advance('nomination');
  const nominate = async (by, nominee, deeds) => {
    await page.getByTestId('nominator').selectOption({ label: by });
    await page.getByTestId('nominee').selectOption({ label: nominee });
    await page.getByTestId('deeds').fill(deeds);
    await page.getByTestId('submit-nomination').click();
    await expect(page.locator(`[data-testid="nominee-item"][data-name="${nominee}"]`)).toBeVisible();
  };
  await nominate('张书记', '王一', '扎根社区，带头开展志愿服务。');
  await nominate('李组织', '赵二', '技术攻关骨干，热心帮扶群众。');
  await advance('review');
  for (const name of ['王一', '赵二']) {
    await page.locator(`[data-testid="nominee-item"][data-name="${name}"]`).getByTestId('approve').click();
  }
  await advance('voting');
  await synced(laptop);

  const vote = async (dev, voter, choice) => {
    const p = dev.page;
    await p.getByTestId('voter').selectOption({ label: voter });
    await dev.press(p.getByTestId('start-ballot'));
    const item = (name) => p.locator(`[data-testid="ballot-item"][data-name="${name}"]`).getByTestId('ballot-tick');
    await item(choice).check();
    // K = 1: the other one cannot be ticked as well.
    await expect(item(choice === '王一' ? '赵二' : '王一')).toBeDisabled();
    await dev.press(p.getByTestId('cast'));
    await expect(p.getByTestId('privacy')).toBeVisible();
  };

  // Each phone takes the round, then votes as its own member.
  const choices = [
    [phoneA, '王一', '赵二'],
    [phoneB, '赵二', '王一'],
  ];
  for (const [phone, voter, choice] of choices) {
    await go(phone.page, roundHash);
    await syncUntil(phone.dev, () =>
      expect(phone.page.getByTestId('round-page')).toHaveAttribute('data-stage', 'voting', { timeout: 3_000 }),
    );
    await phone.dev.press(phone.page.getByTestId('open-vote'));
    await expect(phone.page.getByTestId('named-vote')).toBeVisible();
    await vote(phone.dev, voter, choice);
    await synced(phone.dev);
    await noSlotOutsideTheBox(phone.page, roundId, 1);
  }

  // 张书记's paper ballot, entered on the laptop: on the roll as paper.
  await go(page, roundHash);
  await expect(page.getByTestId('open-vote')).toHaveCount(0);
  await laptop.press(page.getByTestId('enter-paper'));
  await expect(page.getByTestId('named-vote')).toBeVisible();
  await vote(laptop, '张书记', '王一');
  await page.getByTestId('next-voter').click();
  await go(page, roundHash);
  await synced(laptop);
  // Before the close the roll (events) names all three voters, but this
  // device's box holds only its own ballot: the phones' are on the server.
  await syncUntil(laptop, () =>
    expect(page.getByTestId('turnout')).toHaveText('已投票 3 / 应投票 4', { timeout: 3_000 }),
  );
  await expect(page.getByTestId('paper-count')).toContainText('其中纸质选票 1 张');
  const localBox = JSON.parse((await storage(page))['zhibu:box']).snapshot.ext.bal[roundId];
  expect(Object.keys(localBox)).toHaveLength(1);

  // The close fetches the server's box first: all three ballots count here.
  await advance('closed');
  const row = (p, name) => p.locator(`[data-testid="tally-row"][data-name="${name}"]`);
  const expectCount = async (p) => {
    await expect(row(p, '王一').getByTestId('votes')).toHaveText('2', { timeout: 30_000 });
    await expect(row(p, '赵二').getByTestId('votes')).toHaveText('1');
    await expect(p.getByTestId('cast')).toHaveText('3');
    await expect(p.getByTestId('valid')).toHaveText('3');
    await expect(p.getByTestId('blank')).toHaveText('0');
    // 2 of 3 cast is more than half: 王一 is elected.
    await expect(row(p, '王一')).toHaveAttribute('data-outcome', 'elected');
    await expect(row(p, '赵二')).toHaveAttribute('data-outcome', 'not');
    for (const warning of ['box-changed', 'box-excess', 'box-short']) await expect(p.getByTestId(warning)).toHaveCount(0);
  };
  await expectCount(page);
  await synced(laptop);

  // Both phones take the closed round and its box: the same count.
  for (const [phone] of choices) {
    await go(phone.page, roundHash);
    await syncUntil(phone.dev, () =>
      expect(phone.page.getByTestId('round-page')).toHaveAttribute('data-stage', 'closed', { timeout: 3_000 }),
    );
    await expectCount(phone.page);
    await synced(phone.dev);
  }

  // --- 7. Secrecy on every device: three ballots in the box, no slot elsewhere.
  await noSlotOutsideTheBox(page, roundId, 3);
  for (const [phone] of choices) await noSlotOutsideTheBox(phone.page, roundId, 3);

  // --- 8. Privacy inside the branch (issue 22, item 7): each phone, synced
  // well after both check-ins, holds its own and never the other's.
  const sheetRow = (p, name) => p.locator(`[data-testid="sheet-row"][data-name="${name}"]`);
  for (const [phone, own, other] of [
    [phoneA, '王一', '赵二'],
    [phoneB, '赵二', '王一'],
  ]) {
    await go(phone.page, meetingHash);
    await expect(sheetRow(phone.page, own)).toHaveAttribute('data-status', 'present');
    await expect(sheetRow(phone.page, other)).toHaveAttribute('data-status', 'none');
  }

  await phoneA.context.close();
  await phoneB.context.close();
  await laptopContext.close();
});
