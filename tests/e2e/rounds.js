// The steps of a 评选 round every round spec repeats: the rules form,
// moving a stage, nominating, a nominee's item, ticking a ballot.
const { expect } = require('@playwright/test');

/** Creates a round through its form; returns its URL hash. */
async function newRound(page, { title, honours = 1, k = 1, mode, basis = 'cast' }) {
  await page.getByTestId('nav-rounds').click();
  await page.getByTestId('new-round').click();
  await page.locator('#round-title').fill(title);
  await page.locator('#round-honours').fill(String(honours));
  await page.locator('#round-k').fill(String(k));
  await page.locator('#round-mode').selectOption(mode);
  await page.locator('#round-basis').selectOption(basis);
  await page.getByTestId('save-round').click();
  await expect(page.getByTestId('round-page')).toHaveAttribute('data-stage', 'setup');
  return new URL(page.url()).hash;
}

/** Moves the round on the page to stage `to`. */
async function advance(page, to) {
  await page.locator(`[data-testid="advance"][data-to="${to}"]`).click();
  await expect(page.getByTestId('round-page')).toHaveAttribute('data-stage', to);
}

async function nominate(page, by, nominee, deeds) {
  await page.getByTestId('nominator').selectOption({ label: by });
  await page.getByTestId('nominee').selectOption({ label: nominee });
  await page.getByTestId('deeds').fill(deeds);
  await page.getByTestId('submit-nomination').click();
}

function nomineeItem(page, name) {
  return page.locator(`[data-testid="nominee-item"][data-name="${name}"]`);
}

async function tick(page, names) {
  for (const name of names) {
    await page.locator(`[data-testid="ballot-item"][data-name="${name}"]`).getByTestId('ballot-tick').check();
  }
}

module.exports = { newRound, advance, nominate, nomineeItem, tick };
