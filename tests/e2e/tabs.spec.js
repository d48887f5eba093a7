// Two tabs of one browser writing at the same time lose nothing, and each
// sees the other's members without a reload.
const { test, expect } = require('@playwright/test');
const { App } = require('./app');

test('two pages adding members at once lose none', async ({ context }) => {
  const [one, two] = [await context.newPage(), await context.newPage()];
  const [a, b] = [new App(one), new App(two)];
  await Promise.all([a.open(), b.open()]);
  const names = (prefix) => Array.from({ length: 6 }, (_, i) => `${prefix}${i + 1}号`);
  const addAll = async (app, list) => {
    for (const name of list) await app.addMember({ name, group: '第一党小组' });
  };
  await Promise.all([addAll(a, names('甲')), addAll(b, names('乙'))]);

  const all = [...names('甲'), ...names('乙')].sort();
  // Each tab hears the other through storage events.
  await expect(one.getByTestId('member-name')).toHaveCount(12);
  await expect(two.getByTestId('member-name')).toHaveCount(12);
  // And storage has all of them: a third tab loads twelve.
  const three = await context.newPage();
  const c = new App(three);
  await c.open();
  await expect(three.getByTestId('member-name')).toHaveCount(12);
  expect((await c.memberNames()).sort()).toEqual(all);
});
