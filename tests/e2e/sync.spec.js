// The sync client against the real server (crates/server), which serves the
// built app itself, so the app's origin is the server: the organizer creates
// the branch from the settings page, invites a member's phone, the phone
// joins by the link, records self-study, and the organizer sees it; then the
// organizer revokes the phone, which says so and keeps its data. And a named
// round voted on a phone and on paper at the organizer's laptop: the close takes the
// server's box into the local one before sealing, the phone fetches the
// closed box, both count the same, and no slot is stored outside the box.
//
// The server: tests/e2e/sync-server.js (port E2E_SYNC_PORT, default 8093).
const { test, expect } = require('@playwright/test');
const { App, ROSTER_12 } = require('./app');
const { useSyncServer, createBranch } = require('./sync-server');
const { storage, withoutBallots } = require('./secrecy');

const PORT = Number(process.env.E2E_SYNC_PORT || 8093);
const server = useSyncServer(test, PORT, 'sync-e2e');
const BASE = server.base;

const synced = async (page) => {
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'ok', { timeout: 20_000 });
};

test('organizer creates the branch, a phone joins by invitation, self-study reaches the organizer, revoke', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const laptop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await laptop.newPage();
  page.on('dialog', (d) => d.accept());
  const app = new App(page);
  await app.open();
  await app.addMember({ name: '张书记', role: '书记' });
  await app.addMember({ name: '李组织', role: '组织委员' });
  await app.addMember({ name: '赵一' });

  // Not connected: no indicator. Create the branch on the server.
  await expect(page.getByTestId('sync-status')).toHaveCount(0);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('sync-mode-create').click();
  await expect(page.locator('#sync-server')).toHaveValue(BASE);
  await page.locator('#sync-branch').fill('第一党支部');
  await page.locator('#sync-login').fill('organizer');
  await page.locator('#sync-password').fill('a long password');
  await page.locator('#sync-password2').fill('a long password!');
  await page.getByTestId('sync-connect').click();
  await expect(page.getByTestId('sync-error')).toContainText('两次输入的密码不一致');
  await page.locator('#sync-password2').fill('a long password');
  await page.getByTestId('sync-connect').click();
  await synced(page);
  await expect(page.getByTestId('sync-branch')).toHaveText('第一党支部');
  await expect(page.getByTestId('sync-role')).toHaveText('组织员');
  await expect(page.getByTestId('sync-pending')).toHaveText('0');
  // The history went up: the server has the roster.
  const local = await storage(page);
  expect(Object.keys(local).filter((k) => k.startsWith('zhibu:out:'))).toEqual([]);
  const connection = JSON.parse(local['zhibu:sync']);
  expect(connection.history).toBe(false);
  expect(connection.cursor).toBeGreaterThanOrEqual(3);

  // Invite 李组织's phone.
  await page.getByTestId('invite-member').selectOption({ label: '李组织' });
  await page.getByTestId('invite-make').click();
  const link = await page.getByTestId('invite-link').inputValue();
  expect(link).toMatch(new RegExp(`^${BASE}/#/invite/`));
  await expect(page.getByTestId('sync-invite').getByTestId('qr')).toHaveAttribute('data-text', link);

  // The phone opens the link and joins; it becomes 李组织's phone.
  const phoneContext = await browser.newContext();
  const phone = await phoneContext.newPage();
  await phone.goto(link);
  await expect(phone.getByTestId('invite-page')).toBeVisible();
  await phone.getByTestId('invite-accept').click();
  await expect(phone).toHaveURL(/#\/me$/);
  await expect(phone.getByTestId('me-name')).toContainText('李组织', { timeout: 20_000 });
  await synced(phone);

  // A used link is refused in plain words.
  const other = await phoneContext.newPage();
  await other.goto(link);
  await other.getByTestId('invite-accept').click();
  await expect(other.getByTestId('invite-error')).toContainText('邀请链接无效');
  await other.close();

  // Self-study on the phone reaches the organizer through the server.
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  await phone.locator('#study-material').fill('《中国共产党章程》');
  await phone.locator('#study-date').fill(today);
  await phone.locator('#study-hours').fill('2');
  await phone.getByTestId('save-study').click();
  await expect(phone.getByTestId('study-entry')).toHaveAttribute('data-state', 'pending');
  await synced(phone);
  await page.getByTestId('sync-status').click();
  await synced(page);
  await page.getByTestId('nav-study').click();
  await expect(page.getByTestId('pending-item')).toHaveCount(1);

  // Revoke the phone: it says so and keeps its data.
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('devices-load').click();
  const phoneRow = page.getByTestId('device-row').filter({ hasText: '李组织' });
  await phoneRow.getByTestId('device-revoke').click();
  await expect(phoneRow).toHaveAttribute('data-revoked', 'true');
  await phone.getByTestId('sync-status').click();
  await expect(phone.getByTestId('sync-status')).toHaveAttribute('data-state', 'error');
  await expect(phone.getByTestId('sync-status')).toContainText('撤销');
  await expect(phone.getByTestId('study-entry')).toHaveCount(1);
  await phoneContext.close();
  await laptop.close();
});

async function noSlotOutsideTheBox(page) {
  const stored = await storage(page);
  // Nothing was refused, and nothing waits.
  expect(JSON.parse(stored['zhibu:sync']).rejected).toEqual([]);
  expect(Object.keys(stored).filter((k) => k.startsWith('zhibu:out:'))).toEqual([]);
  const boxes = JSON.parse(stored['zhibu:box']).snapshot.ext.bal;
  const slots = Object.values(boxes).flatMap((b) => Object.keys(b));
  expect(slots.length).toBeGreaterThan(0);
  for (const [key, value] of Object.entries(stored)) {
    if (key === 'zhibu:box') continue;
    const rest = withoutBallots(key, value);
    for (const s of slots) expect(rest.includes(s), `${key} names a ballot slot`).toBe(false);
  }
}

test('a named round voted on a phone and on paper at the laptop: one box, one count everywhere', async ({ browser }) => {
  test.setTimeout(120_000);
  const laptop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await laptop.newPage();
  page.on('dialog', (d) => d.accept());
  const app = new App(page);
  await app.open();
  await app.importRosterText(ROSTER_12);
  await createBranch(page, { branch: '第二党支部', login: 'organizer-two', password: 'another long password' });
  await synced(page);
  await page.getByTestId('invite-member').selectOption({ label: '孙三' });
  await page.getByTestId('invite-make').click();
  const link = await page.getByTestId('invite-link').inputValue();

  // The round, up to voting.
  await page.getByTestId('nav-rounds').click();
  await page.getByTestId('new-round').click();
  await page.locator('#round-title').fill('身边最美党员（同步）');
  await page.locator('#round-honours').fill('1');
  await page.locator('#round-k').fill('1');
  await page.locator('#round-mode').selectOption('named');
  await page.getByTestId('save-round').click();
  const hash = new URL(page.url()).hash;
  const advance = async (to) => {
    await page.locator(`[data-testid="advance"][data-to="${to}"]`).click();
    await expect(page.getByTestId('round-page')).toHaveAttribute('data-stage', to);
  };
  await advance('nomination');
  await page.getByTestId('nominator').selectOption({ label: '张书记' });
  await page.getByTestId('nominee').selectOption({ label: '赵一' });
  await page.getByTestId('deeds').fill('先进事迹甲');
  await page.getByTestId('submit-nomination').click();
  await page.getByTestId('nominator').selectOption({ label: '李组织' });
  await page.getByTestId('nominee').selectOption({ label: '钱二' });
  await page.getByTestId('deeds').fill('先进事迹乙');
  await page.getByTestId('submit-nomination').click();
  await advance('review');
  for (const name of ['赵一', '钱二']) {
    await page.locator(`[data-testid="nominee-item"][data-name="${name}"]`).getByTestId('approve').click();
  }
  await advance('voting');
  await page.getByTestId('sync-status').click();
  await synced(page);

  const vote = async (p, voter, choice) => {
    await p.getByTestId('voter').selectOption({ label: voter });
    await p.getByTestId('start-ballot').click();
    await p.locator(`[data-testid="ballot-item"][data-name="${choice}"]`).getByTestId('ballot-tick').check();
    await p.getByTestId('cast').click();
    await expect(p.getByTestId('privacy')).toBeVisible();
  };

  // 孙三 votes on his own phone.
  const phoneContext = await browser.newContext();
  const phone = await phoneContext.newPage();
  await phone.goto(link);
  await phone.getByTestId('invite-accept').click();
  await expect(phone).toHaveURL(/#\/me$/);
  await synced(phone);
  await phone.goto(`/${hash}`);
  await phone.getByTestId('open-vote').click();
  await vote(phone, '孙三', '钱二');
  await synced(phone);
  await noSlotOutsideTheBox(phone);

  // Two paper ballots entered on the laptop (it casts no named ballot).
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('open-vote')).toHaveCount(0);
  await page.getByTestId('enter-paper').click();
  await vote(page, '张书记', '赵一');
  await page.getByTestId('next-voter').click();
  await vote(page, '李组织', '赵一');
  await page.goto(`/${hash}`);
  await synced(page);

  // The close fetches the server's box first: three ballots counted here.
  await advance('closed');
  const row = (p, name) => p.locator(`[data-testid="tally-row"][data-name="${name}"]`);
  await expect(row(page, '赵一').getByTestId('votes')).toHaveText('2');
  await expect(row(page, '钱二').getByTestId('votes')).toHaveText('1');
  await expect(page.getByTestId('box-changed')).toHaveCount(0);
  await synced(page);
  await noSlotOutsideTheBox(page);

  // The phone takes the closed round and its box: the same count, the same seal.
  await phone.getByTestId('sync-status').click();
  await synced(phone);
  await phone.goto(`/${hash}`);
  await expect(phone.getByTestId('round-page')).toHaveAttribute('data-stage', 'closed');
  await expect(row(phone, '赵一').getByTestId('votes')).toHaveText('2');
  await expect(row(phone, '钱二').getByTestId('votes')).toHaveText('1');
  await expect(phone.getByTestId('box-changed')).toHaveCount(0);
  await noSlotOutsideTheBox(phone);
  await phoneContext.close();
  await laptop.close();
});

test('with the server down changes wait, survive a reload, and go up when it is back', async ({ browser }) => {
  test.setTimeout(120_000);
  const laptop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await laptop.newPage();
  page.on('dialog', (d) => d.accept());
  const app = new App(page);
  await app.open();
  await app.addMember({ name: '周四' });
  await createBranch(page, { branch: '第三党支部', login: 'organizer-three', password: 'a third long password' });
  await synced(page);
  // The server adds six digits to the login asked for; the page shows the whole one.
  const login = (await page.getByTestId('sync-login-shown').innerText()).trim();
  expect(login).toMatch(/^organizer-three-\d{6}$/);

  await server.stop();
  await page.getByTestId('nav-roster').click();
  await app.addMember({ name: '吴五' });
  await app.addMember({ name: '郑六' });
  const status = page.getByTestId('sync-status');
  await expect(status).toHaveAttribute('data-state', 'error', { timeout: 20_000 });
  await expect(status).toContainText('同步失败');
  // Reloaded while the server is down: the two wait in the closed page's outbox.
  await page.reload();
  await expect(status).toHaveAttribute('data-state', 'error', { timeout: 20_000 });
  const waiting = Object.entries(await storage(page)).filter(([k]) => k.startsWith('zhibu:out:'));
  expect(waiting.map(([, v]) => JSON.parse(v).events.length)).toEqual([2]);

  await server.start();
  await status.click();
  await synced(page);
  expect(Object.keys(await storage(page)).filter((k) => k.startsWith('zhibu:out:'))).toEqual([]);

  // The organizer's second device logs in and gets all three.
  const second = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const other = await second.newPage();
  await other.goto('/#/settings');
  await other.getByTestId('sync-mode-login').click();
  await other.locator('#sync-login').fill(login);
  await other.locator('#sync-password').fill('wrong password');
  await other.getByTestId('sync-connect').click();
  await expect(other.getByTestId('sync-error')).toContainText('登录名或密码不正确');
  await other.locator('#sync-password').fill('a third long password');
  await other.getByTestId('sync-connect').click();
  await synced(other);
  await other.getByTestId('nav-roster').click();
  for (const name of ['周四', '吴五', '郑六']) await expect(other.getByText(name, { exact: true })).toBeVisible();
  await second.close();
  await laptop.close();
});
