// Page object for the app: stable selectors (data-testid, ids, roles) and
// the few steps every spec repeats.
const path = require('node:path');
const { expect } = require('@playwright/test');

const fixtures = path.resolve(__dirname, '../../../shared/fixtures');

/** Twelve members: ten full (three on the committee), two probationary. */
const ROSTER_12 = [
  '姓名,党小组,党员类别,职务',
  '张书记,第一党小组,正式党员,书记',
  '李组织,第一党小组,正式党员,组织委员',
  '王宣传,第一党小组,正式党员,宣传委员',
  '赵一,第一党小组,正式党员,党员',
  '钱二,第一党小组,正式党员,党员',
  '孙三,第二党小组,正式党员,党员',
  '周四,第二党小组,正式党员,党员',
  '吴五,第二党小组,正式党员,党员',
  '郑六,第二党小组,正式党员,党员',
  '冯七,第二党小组,正式党员,党员',
  '陈预备,第二党小组,预备党员,党员',
  '褚预备,第二党小组,预备党员,党员',
].join('\n');

class App {
  constructor(page) {
    this.page = page;
  }

  async open(hash = '#/roster') {
    await this.page.goto(`/${hash}`);
    await expect(this.page.getByTestId('nav-roster')).toBeVisible();
    // The pinyin table is fetched after the first screen (src/pinyin.rs);
    // orders and pinyin searches below assume it is there.
    await expect(this.page.locator('html[data-pinyin="ready"]')).toHaveCount(1);
  }

  async addMember({ name, group = '', status = '正式党员', role = '党员' }) {
    const page = this.page;
    await page.getByTestId('add-member').click();
    await page.locator('#member-name').fill(name);
    await page.locator('#member-group').fill(group);
    await page.locator('#member-status').selectOption(status);
    await page.locator('#member-role').selectOption(role);
    await page.getByTestId('save-member').click();
    await expect(page.getByTestId('member-form')).toHaveCount(0);
  }

  memberNames() {
    return this.page.getByTestId('member-name').allTextContents();
  }

  /** { group name: [member names] } as the roster shows them. */
  async groups() {
    const result = {};
    for (const section of await this.page.getByTestId('group').all()) {
      const name = await section.getByTestId('group-name').textContent();
      result[name] = await section.getByTestId('member-name').allTextContents();
    }
    return result;
  }

  async search(text) {
    await this.page.locator('#roster-search').fill(text);
  }

  async importCsv(fixture) {
    const page = this.page;
    await page.getByTestId('nav-import').click();
    await page.getByTestId('csv-file').setInputFiles(path.join(fixtures, fixture));
    await expect(page.getByTestId('import-preview')).toBeVisible();
  }

  /** Imports a fixture sheet, accepts the preview, and returns to the roster. */
  async importRoster(fixture) {
    await this.importCsv(fixture);
    await this.page.getByTestId('confirm-import').click();
    await expect(this.page.getByTestId('import-done')).toBeVisible();
    await this.page.getByTestId('nav-roster').click();
  }

  /** Imports roster CSV text (UTF-8) and returns to the roster. */
  async importRosterText(text) {
    const page = this.page;
    await page.getByTestId('nav-import').click();
    await page.getByTestId('csv-file').setInputFiles({
      name: 'roster.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(text, 'utf8'),
    });
    await expect(page.getByTestId('import-preview')).toBeVisible();
    await page.getByTestId('confirm-import').click();
    await expect(page.getByTestId('import-done')).toBeVisible();
    await page.getByTestId('nav-roster').click();
  }

  /**
   * Creates a meeting through the form; `start` is a Date (shown in China
   * Standard Time, the branch's zone). Returns the meeting page's URL hash.
   */
  async createMeeting({ kind = 'general', topic, start, minutes = 120, place = '党员活动室', host = '', lecturer, recorder }) {
    const page = this.page;
    await page.getByTestId('nav-meetings').click();
    await page.getByTestId('new-meeting').click();
    await page.locator('#meeting-kind').selectOption(kind);
    await page.locator('#meeting-topic').fill(topic);
    const cst = new Date(start.getTime() + 8 * 3600 * 1000).toISOString();
    await page.locator('#meeting-date').fill(cst.slice(0, 10));
    await page.locator('#meeting-time').fill(cst.slice(11, 16));
    await page.locator('#meeting-minutes').fill(String(minutes));
    await page.locator('#meeting-place').fill(place);
    await page.locator('#meeting-host').fill(host);
    if (lecturer !== undefined) await page.locator('#meeting-lecturer').fill(lecturer);
    if (recorder !== undefined) await page.locator('#meeting-recorder').fill(recorder);
    await page.getByTestId('save-meeting').click();
    await expect(page.getByTestId('meeting-page')).toBeVisible();
    return new URL(page.url()).hash;
  }

  /** The sheet row of a member. */
  row(name) {
    return this.page.locator(`[data-testid="sheet-row"][data-name="${name}"]`);
  }

  /** The join link from the organizer's settings page. */
  async joinLink() {
    const page = this.page;
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('show-join').click();
    const link = await page.getByTestId('join-link').inputValue();
    expect(link).toContain('#/join/');
    return link;
  }

  async exportBackup() {
    const page = this.page;
    await page.getByTestId('nav-settings').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    return download.path();
  }
}

/**
 * On a member's phone, picks who I am. On a first visit the list is drawn by
 * character and re-sorts by pinyin when the table arrives (src/pinyin.rs):
 * wait for it, so the tap lands on the name it was aimed at.
 */
async function pickMember(page, name) {
  await expect(page.locator('html[data-pinyin="ready"]')).toHaveCount(1);
  await page.getByTestId('pick-member').filter({ hasText: name }).click();
}

module.exports = { App, fixtures, pickMember, ROSTER_12 };
