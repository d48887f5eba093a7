// The steps of a 民主评议党员 an appraisal spec repeats: the set-up form,
// moving a stage, marking a rating ballot, reading a member's results.
const { expect } = require('@playwright/test');

const appraisalPage = (page) => page.getByTestId('appraisal-page');

/** Sets up an appraisal through its form (year 2025); returns its URL hash. */
async function newAppraisal(page, { title, mode, cap, excuse = {} }) {
  await page.getByTestId('nav-rounds').click();
  await page.getByTestId('new-appraisal').click();
  await expect(page).toHaveURL(/#\/rounds\/appraisal$/);
  await page.getByTestId('appraisal-title').fill(title);
  await page.locator('#appraisal-year').fill('2025');
  await page.getByTestId('appraisal-mode').selectOption(mode);
  if (cap !== undefined) await page.getByTestId('appraisal-cap').fill(String(cap));
  for (const [name, note] of Object.entries(excuse)) {
    const row = page.locator('.form-row', { has: page.locator(`[data-testid="excuse"][data-name="${name}"]`) });
    await row.getByTestId('excuse').check();
    await row.getByTestId('excuse-note').fill(note);
  }
  await page.getByTestId('save-appraisal').click();
  await expect(appraisalPage(page)).toHaveAttribute('data-stage', 'setup');
  return new URL(page.url()).hash;
}

/** Moves the appraisal on the page to stage `to` (a close may fetch the server's box first). */
async function advance(page, to) {
  await page.locator(`[data-testid="advance"][data-to="${to}"]`).click();
  await expect(appraisalPage(page)).toHaveAttribute('data-stage', to, { timeout: 30_000 });
}

/** Marks a rating ballot: { name: 'excellent' | 'competent' | 'basic' | 'failing' | 'none' }. */
async function rate(page, marks) {
  for (const [name, rating] of Object.entries(marks)) {
    await page
      .locator(`[data-testid="rating-row"][data-name="${name}"]`)
      .locator(`[data-testid="rating"][data-rating="${rating}"]`)
      .check();
  }
}

/** Marks for every one of `names`: `rating`, except those in `marks`. */
const allRated = (names, rating, marks = {}) => ({
  ...Object.fromEntries(names.map((n) => [n, rating])),
  ...marks,
});

/** A member's row of the results. */
const resultRow = (page, name) => page.locator(`[data-testid="appraisal-row"][data-name="${name}"]`);

/** A member's counts of [优秀, 合格, 基本合格, 不合格], as the results show them. */
const counts = (page, name) =>
  resultRow(page, name).getByTestId('rating-count').locator('span:first-child').allTextContents();

module.exports = { appraisalPage, newAppraisal, advance, rate, allRated, resultRow, counts };
