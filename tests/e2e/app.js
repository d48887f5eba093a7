// Page object for the app: stable selectors (data-testid, ids, roles) and
// the few steps every spec repeats.
const path = require('node:path');
const { expect } = require('@playwright/test');

const fixtures = path.resolve(__dirname, '../../../shared/fixtures');

class App {
  constructor(page) {
    this.page = page;
  }

  async open(hash = '#/roster') {
    await this.page.goto(`/${hash}`);
    await expect(this.page.getByTestId('nav-roster')).toBeVisible();
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

  async exportBackup() {
    const page = this.page;
    await page.getByTestId('nav-settings').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    return download.path();
  }
}

module.exports = { App, fixtures };
