// Android-sized phones: every main screen of a seeded branch at 360×740 and
// 412×915 (mobile emulation, touch, 2–3 device pixels per CSS px), checked for
//   (a) no horizontal scrolling, and nothing sticking out of the screen;
//   (b) touch targets of at least 44 × 44 CSS px;
//   (c) large-text mode: the user's default font size doubled (Chromium's
//       text-size preference, Page.setFontSizes through the DevTools
//       protocol — like Android's font scaling, it reaches the page only
//       through rem/em, so a px root or px text fails here, unlike an
//       injected `html { font-size: 200% !important }`), every text grown,
//       still no sideways scrolling, no clipped or spilling text, and the
//       tab bar covering nothing;
//   (d) safe areas: with the display cut-out / gesture bar insets emulated
//       (Emulation.setSafeAreaInsetsOverride) the header, the tab bar and the
//       page content stay clear of them.
const { test, expect } = require('@playwright/test');
const { App, pickMember, ROSTER_12 } = require('./app');
const config = require('../../playwright.config');

const baseURL = config.use.baseURL;

const VIEWPORTS = [
  { name: '360×740', viewport: { width: 360, height: 740 }, deviceScaleFactor: 3 },
  { name: '412×915', viewport: { width: 412, height: 915 }, deviceScaleFactor: 2.625 },
];
/** The English UI has longer words ("Organisational life", "Present"): the narrow phone in English too. */
const ENGLISH = { ...VIEWPORTS[0], name: '360×740 English', lang: 'en' };

/** The minimum touch target (WCAG 2.5.5; Android's 48 dp guideline is ≥ this). */
const TARGET = 44;

/**
 * Elements that deliberately scroll sideways: wide tables of figures inside
 * an `overflow-x: auto` wrapper. What is inside them may extend past the
 * screen; the wrapper itself must not.
 *   .table-wrap  — the import preview (line, name, group, … result)
 *   .ledger-wrap — the 台账 tables (year, class attendance, 学时)
 */
const SIDEWAYS_SCROLLERS = ['.table-wrap', '.ledger-wrap'];

/**
 * Elements exempt from the size and overflow checks, and why:
 *   .skip-link      — off-screen until focused (checked separately, focused);
 *   .visually-hidden — 1 × 1 px by design: screen-reader text, and file
 *                     inputs whose visible target is their <label>.
 */
const OFF_SCREEN = ['.skip-link', '.visually-hidden'];

/**
 * Text exempt from following the text size: chart labels inside an SVG scale
 * with the chart (they are in the chart's own units), and the charts are
 * images (role="img", titled) whose figures are in the tables beside them.
 */
const FIXED_TEXT = ['svg'];

/** Today as YYYY-MM-DD in China Standard Time (the branch's zone). */
const cstDay = (offsetDays = 0) =>
  new Date(Date.now() + 8 * 3600 * 1000 + offsetDays * 86400 * 1000).toISOString().slice(0, 10);

/**
 * Runs in the page: returns a list of problems (strings), empty when fine.
 * `width` is the viewport's; `insets` the emulated safe-area insets (or 0s).
 */
function audit({ width, sideways, offScreen, fixedText, target, insets }) {
  const problems = [];
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += `#${el.id}`;
    if (el.classList.length) s += `.${[...el.classList].join('.')}`;
    const testid = el.getAttribute('data-testid');
    if (testid) s += `[data-testid=${testid}]`;
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
    if (text) s += ` "${text.slice(0, 24)}"`;
    return s;
  };
  const inside = (el, selectors) => selectors.some((sel) => el.closest(sel));
  const insideScroller = (el) => sideways.some((sel) => el.parentElement && el.parentElement.closest(sel));
  const shown = (el) => {
    if (!el.checkVisibility({ visibilityProperty: true })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 || r.height > 0;
  };
  const px = (v) => parseFloat(v) || 0;
  const round = (n) => Math.round(n * 10) / 10;

  // (a) The page does not scroll sideways, and the browser did not zoom out.
  const doc = document.documentElement;
  if (window.innerWidth !== width) problems.push(`innerWidth ${window.innerWidth} ≠ ${width} (zoomed out)`);
  if (doc.scrollWidth > width) problems.push(`page scrolls sideways: scrollWidth ${doc.scrollWidth} > ${width}`);
  if (document.body.scrollWidth > width) problems.push(`body scrollWidth ${document.body.scrollWidth} > ${width}`);

  const all = [...document.body.querySelectorAll('*')];
  const left = insets.left;
  const right = width - insets.right;
  for (const el of all) {
    if (!shown(el) || inside(el, offScreen) || insideScroller(el)) continue;
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    // Nothing past the edges of the screen; with side insets, no content
    // (text, controls, images) in them — boxes around content may reach
    // the edges, as their padding holds the content clear.
    const content =
      el.matches('a[href], button, input, select, textarea, summary, img, svg, canvas, video') ||
      [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const [l, rr] = content ? [left, right] : [0, width];
    if (r.right > rr + 0.5 || r.left < l - 0.5) {
      problems.push(`sticks out [${round(r.left)}, ${round(r.right)}] of [${l}, ${rr}]: ${describe(el)}`);
    }
    // Only the listed wrappers may scroll sideways.
    const scrolls = ['auto', 'scroll'].includes(cs.overflowX) && el.scrollWidth > el.clientWidth + 1;
    if (scrolls && !sideways.some((sel) => el.matches(sel)) && el !== doc && el !== document.body) {
      problems.push(`unexpected sideways scroller (${el.scrollWidth} > ${el.clientWidth}): ${describe(el)}`);
    }
    // (c) Clipped content: an overflow-hidden box whose content is bigger.
    // Form fields are left out: a long value scrolls inside its field, by
    // design, and the caret reaches all of it.
    const field = el.matches('input, select, textarea');
    const clipsX = !field && ['hidden', 'clip'].includes(cs.overflowX);
    const clipsY = !field && ['hidden', 'clip'].includes(cs.overflowY);
    if (clipsX && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`clips its content sideways (${el.scrollWidth} > ${el.clientWidth}): ${describe(el)}`);
    }
    if (clipsY && el.scrollHeight > el.clientHeight + 1) {
      problems.push(`clips its content vertically (${el.scrollHeight} > ${el.clientHeight}): ${describe(el)}`);
    }
    // Text that spills out of its own (block) box, even if not clipped.
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (ownText && !cs.display.startsWith('inline') && !clipsX && !inside(el, fixedText)) {
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
        problems.push(`text spills out of its box (${el.scrollWidth} > ${el.clientWidth}): ${describe(el)}`);
      }
    }
  }

  // (b) Touch targets.
  const controls = document.body.querySelectorAll(
    'button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button], label',
  );
  for (const el of controls) {
    if (el.matches('label')) {
      // A label is a target of its own when it wraps a checkbox or radio (or
      // a visually hidden file input: the label is the button).
      if (!el.querySelector('input[type=checkbox], input[type=radio], input.visually-hidden')) continue;
    } else if (el.matches('input[type=checkbox], input[type=radio], input.visually-hidden')) {
      // Small checkboxes and radios (and hidden file inputs) are operated
      // through their label, which is checked as a control of its own
      // (wrapping) or in the loop below (for=…).
      const label = el.closest('label') || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`));
      if (!label) {
        const r = el.getBoundingClientRect();
        if (el.matches('.visually-hidden')) problems.push(`hidden input without a label: ${describe(el)}`);
        else if (shown(el) && (r.width < target - 0.05 || r.height < target - 0.05)) {
          problems.push(`small control without a label ${round(r.width)}×${round(r.height)}: ${describe(el)}`);
        }
      } else if (label.matches('.visually-hidden') && el.matches('.visually-hidden')) {
        problems.push(`no visible target: ${describe(el)}`);
      }
      continue;
    } else if (inside(el, offScreen)) {
      continue;
    }
    if (!shown(el)) continue;
    // WCAG 2.5.8 "inline" exception: a link inside a sentence, whose size is
    // set by the line of text around it. Not used by buttons, nor by a link
    // that is alone in its paragraph, list item or cell.
    if (el.matches('a') && getComputedStyle(el).display === 'inline') {
      let block = el.parentElement;
      while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
      if (block && block.textContent.trim() !== el.textContent.trim()) continue;
    }
    const r = el.getBoundingClientRect();
    if (r.width < target - 0.05 || r.height < target - 0.05) {
      problems.push(`touch target ${round(r.width)}×${round(r.height)} < ${target}: ${describe(el)}`);
    }
  }
  // Labels given by `for` to checkboxes/radios are targets too.
  for (const input of document.body.querySelectorAll('input[type=checkbox], input[type=radio]')) {
    if (input.closest('label') || !input.id) continue;
    const label = document.querySelector(`label[for="${CSS.escape(input.id)}"]`);
    if (!label || !shown(label)) continue;
    const r = label.getBoundingClientRect();
    const own = input.getBoundingClientRect();
    const small = (b) => b.width < target - 0.05 || b.height < target - 0.05;
    if (small(r) && small(own)) {
      problems.push(`checkbox label ${round(r.width)}×${round(r.height)} < ${target}: ${describe(input)}`);
    }
  }

  // The fixed/sticky tab bar hides nothing: at the bottom of the page the
  // end of the content is above it.
  const tabbar = document.querySelector('.tabbar');
  const main = document.querySelector('main');
  if (tabbar && main) {
    const saved = window.scrollY;
    window.scrollTo(0, doc.scrollHeight);
    const bar = tabbar.getBoundingClientRect();
    const m = main.getBoundingClientRect();
    const contentBottom = m.bottom - px(getComputedStyle(main).paddingBottom);
    if (contentBottom > bar.top + 0.5) {
      const where = `content ends ${round(contentBottom)}, bar starts ${round(bar.top)}`;
      problems.push(`the tab bar covers the end of the page (${where})`);
    }
    if (bar.bottom > window.innerHeight + 0.5) problems.push(`tab bar below the screen (${round(bar.bottom)})`);
    window.scrollTo(0, saved);
  }
  return problems;
}

/** Remembers every shown element with text of its own, and its font size. */
function textSizes() {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.checkVisibility()) continue;
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    out.push(el);
  }
  window.__zhibuText = out;
  window.__zhibuTextBefore = out.map((el) => parseFloat(getComputedStyle(el).fontSize));
}

/**
 * After the text size changed: each remembered element must have grown by
 * half at least — or, for display-size text (the check-in code), be 32 px or
 * more and no smaller than before: it may be capped to fit the screen.
 */
function textGrowth({ fixedText }) {
  const problems = [];
  const before = window.__zhibuTextBefore;
  window.__zhibuText.forEach((el, i) => {
    if (!el.isConnected || fixedText.some((s) => el.closest(s)) || el.closest('.visually-hidden')) return;
    const now = parseFloat(getComputedStyle(el).fontSize);
    const display = now >= 32 && now >= before[i];
    if (now < before[i] * 1.5 && !display) {
      const text = el.textContent.trim().replace(/\s+/g, ' ').slice(0, 24);
      const what = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${text}"`;
      problems.push(`text did not grow (${before[i]}px → ${now}px): ${what}`);
    }
  });
  return problems;
}

/** Screens of the seeded branch: [name, hash, wait until ready, optional set-up]. */
function screens(ids) {
  return [
    ['名册', '#/roster', (p) => expect(p.getByTestId('member-name')).toHaveCount(12)],
    [
      '名册 · 添加党员',
      '#/roster',
      (p) => expect(p.getByTestId('member-form')).toBeVisible(),
      (p) => p.getByTestId('add-member').click(),
    ],
    // Two meetings and the class's session.
    ['会议', '#/meetings', (p) => expect(p.getByTestId('meeting-item')).toHaveCount(3)],
    ['会议 · 新建', '#/meetings/new', (p) => expect(p.getByTestId('meeting-form')).toBeVisible()],
    ['会议 · 签到表', ids.meeting, (p) => expect(p.getByTestId('sheet-row')).toHaveCount(12)],
    [
      '会议 · 签到二维码',
      ids.meeting,
      (p) => expect(p.getByTestId('checkin-code')).toBeVisible(),
      (p) => p.getByTestId('open-checkin').click(),
    ],
    ['会议 · 已召开', ids.held, (p) => expect(p.getByTestId('count-absent')).toBeVisible()],
    ['年度', '#/year', (p) => expect(p.getByTestId('year-ledger')).toBeVisible()],
    ['学习', '#/study', (p) => expect(p.getByTestId('hours-table')).toBeVisible()],
    ['学习 · 培训班', ids.class, (p) => expect(p.getByTestId('class-table')).toBeVisible()],
    ['学习 · 新建培训班', '#/classes/new', (p) => expect(p.getByTestId('class-form')).toBeVisible()],
    ['学习 · 学时', ids.hours, (p) => expect(p.getByTestId('hours-card')).toBeVisible()],
    ['评选', '#/rounds', (p) => expect(p.getByTestId('round-item')).toHaveCount(1)],
    ['评选 · 新建', '#/rounds/new', (p) => expect(p.getByTestId('round-form')).toBeVisible()],
    ['评选 · 评选页', ids.round, (p) => expect(p.getByTestId('nominee-item')).toHaveCount(3)],
    [
      '评选 · 操作记录',
      ids.round,
      (p) => expect(p.getByTestId('audit')).toBeVisible(),
      (p) => p.locator('details.audit summary').click(),
    ],
    ['我的', '#/me', (p) => expect(p.getByTestId('pick-me')).toBeVisible()],
    ['导入', '#/import', (p) => expect(p.getByTestId('csv-file')).toBeAttached()],
    [
      '导入 · 预览',
      '#/import',
      (p) => expect(p.getByTestId('import-preview')).toBeVisible(),
      (p) =>
        p.getByTestId('csv-file').setInputFiles({
          name: 'roster.csv',
          mimeType: 'text/csv',
          buffer: Buffer.from(`${ROSTER_12}\n张书记,第一党小组,正式党员,书记\n,,,\n`, 'utf8'),
        }),
    ],
    ['设置', '#/settings', (p) => expect(p.getByTestId('export-json')).toBeVisible()],
    [
      '设置 · 入支部卡',
      '#/settings',
      (p) => expect(p.getByTestId('join-link')).toBeVisible(),
      (p) => p.getByTestId('show-join').click(),
    ],
  ];
}

const DEEDS = '扎根基层二十年，带头完成社区疫情防控和困难群众帮扶工作，群众口碑好。';

/** Seeds a branch once: roster, two meetings (one held), a class with a session, a round in review. */
async function seed(browser) {
  const context = await browser.newContext({ baseURL, locale: 'zh-CN', viewport: { width: 412, height: 915 } });
  const page = await context.newPage();
  const app = new App(page);
  await app.open();
  await app.importRosterText(ROSTER_12);

  const inProgress = new Date(Date.now() - 2 * 60 * 1000);
  const held = await app.createMeeting({
    topic: '学习党的二十届四中全会精神',
    start: inProgress,
    host: '张书记',
  });
  for (const [name, state] of [
    ['张书记', 'present'],
    ['李组织', 'late'],
    ['王宣传', 'leave'],
    ['赵一', 'left_early'],
  ]) {
    await app.row(name).getByTestId(`mark-${state}`).click();
    await expect(app.row(name)).toHaveAttribute('data-status', state);
  }
  await page.getByTestId('hold-meeting').click();
  await page.getByTestId('confirm-hold').click();
  await expect(page.getByTestId('count-absent')).toBeVisible();
  const meeting = await app.createMeeting({
    topic: '主题党日：研究发展党员和年度民主评议党员工作安排',
    start: inProgress,
    place: '社区党群服务中心三楼会议室',
  });

  // A class for the whole branch, with one session.
  await page.getByTestId('nav-study').click();
  await page.getByTestId('new-class').click();
  await page.locator('#class-title').fill('学习贯彻党的二十届四中全会精神集中轮训');
  await page.locator('#class-organizer').fill('党委组织部');
  await page.locator('#class-from').fill(`${cstDay().slice(0, 4)}-01-01`);
  await page.locator('#class-to').fill(cstDay());
  await page.getByTestId('save-class').click();
  await expect(page.getByTestId('class-page')).toBeVisible();
  await page.getByTestId('add-session').click();
  await page.locator('#meeting-topic').fill('全会精神辅导报告');
  await page.locator('#meeting-date').fill(cstDay());
  await page.locator('#meeting-time').fill('00:30');
  await page.locator('#meeting-minutes').fill('180');
  await page.locator('#meeting-host').fill('刘教授');
  await page.getByTestId('save-meeting').click();
  await expect(page.getByTestId('session-item')).toHaveCount(1);
  const klass = new URL(page.url()).hash;

  // A member's 学时 page, from the branch's hours table.
  await page.getByTestId('nav-study').click();
  const hours = await page.locator('[data-testid="hours-row"] a[href^="#/hours/"]').first().getAttribute('href');

  // A round in review, with three nominees.
  await page.getByTestId('nav-rounds').click();
  await page.getByTestId('new-round').click();
  await page.locator('#round-title').fill('2026年度“身边最美党员”评选');
  await page.locator('#round-honours').fill('2');
  await page.locator('#round-k').fill('2');
  await page.getByTestId('save-round').click();
  await expect(page.getByTestId('round-page')).toHaveAttribute('data-stage', 'setup');
  const round = new URL(page.url()).hash;
  await page.locator('[data-testid="advance"][data-to="nomination"]').click();
  for (const [by, nominee] of [
    ['李组织', '赵一'],
    ['孙三', '周四'],
    ['张书记', '吴五'],
  ]) {
    await page.getByTestId('nominator').selectOption({ label: by });
    await page.getByTestId('nominee').selectOption({ label: nominee });
    await page.getByTestId('deeds').fill(DEEDS);
    await page.getByTestId('submit-nomination').click();
  }
  await expect(page.getByTestId('nominee-item')).toHaveCount(3);
  await page.locator('[data-testid="advance"][data-to="review"]').click();
  await expect(page.getByTestId('round-page')).toHaveAttribute('data-stage', 'review');

  const state = await context.storageState();
  await context.close();
  return { state, ids: { meeting, held, class: klass, hours, round } };
}

let seeded;
test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  seeded = await seed(browser);
});

async function phone(browser, { viewport, deviceScaleFactor }) {
  const context = await browser.newContext({
    baseURL,
    locale: 'zh-CN',
    viewport,
    deviceScaleFactor,
    isMobile: true,
    hasTouch: true,
    storageState: seeded.state,
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  return { context, page, cdp };
}

const noInsets = { top: 0, right: 0, bottom: 0, left: 0 };

async function visit(page, [, hash, ready, setUp]) {
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('nav-roster')).toBeVisible();
  if (setUp) await setUp(page);
  await ready(page);
}

const auditArgs = (width, insets = noInsets) => ({
  width,
  sideways: SIDEWAYS_SCROLLERS,
  offScreen: OFF_SCREEN,
  fixedText: FIXED_TEXT,
  target: TARGET,
  insets,
});

/** Sets the browser's default font size (the user's text-size preference). */
async function textSize(cdp, page, standard) {
  await cdp.send('Page.setFontSizes', { fontSizes: { standard, fixed: Math.round(standard * 0.8125) } });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

for (const device of [...VIEWPORTS, ENGLISH]) {
  test(`${device.name}: every screen fits, has 44 px targets, and follows large text`, async ({ browser }) => {
    test.setTimeout(180_000);
    const { context, page, cdp } = await phone(browser, device);
    const width = device.viewport.width;
    if (device.lang === 'en') {
      await page.goto('/#/roster');
      await page.locator('button.lang-button[lang=en]').click();
      await expect(page.getByTestId('nav-roster')).toHaveText(/Roster/);
    }
    const failures = {};
    const note = (where, list) => {
      if (list.length) failures[where] = list;
    };
    try {
      for (const screen of screens(seeded.ids)) {
        const [name] = screen;
        await textSize(cdp, page, 16);
        await visit(page, screen);
        note(`${name}`, await page.evaluate(audit, auditArgs(width)));

        // Large text: the user's font size at 200%.
        const rootBefore = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
        await page.evaluate(textSizes);
        await textSize(cdp, page, 32);
        const rootAfter = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
        const large = [];
        if (rootAfter < rootBefore * 1.9) {
          large.push(`the root font size ignores the user's text size (${rootBefore}px → ${rootAfter}px)`);
        }
        large.push(...(await page.evaluate(textGrowth, { fixedText: FIXED_TEXT })));
        large.push(...(await page.evaluate(audit, auditArgs(width))));
        note(`${name} · 大字`, large);
      }

      // The skip link, once focused, is a full-size target on screen.
      await textSize(cdp, page, 16);
      await page.goto('/#/roster');
      await expect(page.getByTestId('member-name')).toHaveCount(12);
      const skip = page.locator('.skip-link');
      await skip.focus();
      await expect(skip).toBeFocused();
      const box = await skip.boundingBox();
      const skipProblems = [];
      if (box.width < TARGET || box.height < TARGET) skipProblems.push(`skip link ${box.width}×${box.height}`);
      if (box.x < 0 || box.x + box.width > width) skipProblems.push(`skip link off screen at ${box.x}`);
      note('跳到主要内容', skipProblems);

      // A member's own phone: 我的 with a member picked.
      await page.goto('/#/me');
      await pickMember(page, '赵一');
      await expect(page.getByTestId('me-name')).toContainText('赵一');
      note('我的 · 党员手机', await page.evaluate(audit, auditArgs(width)));
      await textSize(cdp, page, 32);
      note('我的 · 党员手机 · 大字', await page.evaluate(audit, auditArgs(width)));
    } finally {
      await context.close();
    }
    expect(failures).toEqual({});
  });
}

test('412×915 with safe-area insets: header, content and tab bar stay clear of them', async ({ browser }) => {
  test.setTimeout(120_000);
  const device = VIEWPORTS[1];
  const { context, page, cdp } = await phone(browser, device);
  const width = device.viewport.width;
  try {
    // index.html lets the page draw under the cut-out and gesture bar; the
    // CSS must then pad by env(safe-area-inset-*).
    await page.goto('/#/roster');
    await expect(page.locator('meta[name=viewport]')).toHaveAttribute('content', /viewport-fit=cover/);

    const measure = () =>
      page.evaluate(() => {
        const cs = (sel) => getComputedStyle(document.querySelector(sel));
        const px = (v) => parseFloat(v) || 0;
        const tabbar = cs('.tabbar');
        const header = cs('.app-header');
        const main = cs('.app-main');
        return {
          tabbar: { bottom: px(tabbar.paddingBottom), left: px(tabbar.paddingLeft), right: px(tabbar.paddingRight) },
          header: { top: px(header.paddingTop), left: px(header.paddingLeft), right: px(header.paddingRight) },
          main: { left: px(main.paddingLeft), right: px(main.paddingRight) },
        };
      });
    const base = await measure();

    const insets = { top: 24, right: 28, bottom: 34, left: 28 };
    await cdp.send('Emulation.setSafeAreaInsetsOverride', { insets });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const padded = await measure();
    // Each edge grows by the inset (the tab bar's own padding may be 0).
    expect.soft(padded.tabbar.bottom).toBeGreaterThanOrEqual(base.tabbar.bottom + insets.bottom);
    expect.soft(padded.tabbar.left).toBeGreaterThanOrEqual(base.tabbar.left + insets.left);
    expect.soft(padded.tabbar.right).toBeGreaterThanOrEqual(base.tabbar.right + insets.right);
    expect.soft(padded.header.top).toBeGreaterThanOrEqual(base.header.top + insets.top);
    expect.soft(padded.header.left).toBeGreaterThanOrEqual(base.header.left + insets.left);
    expect.soft(padded.header.right).toBeGreaterThanOrEqual(base.header.right + insets.right);
    expect.soft(padded.main.left).toBeGreaterThanOrEqual(base.main.left + insets.left);
    expect.soft(padded.main.right).toBeGreaterThanOrEqual(base.main.right + insets.right);

    // The tabs themselves sit above the gesture bar, inside the side insets.
    for (const tab of await page.locator('.tab').all()) {
      const b = await tab.boundingBox();
      expect.soft(b.y + b.height).toBeLessThanOrEqual(device.viewport.height - insets.bottom + 0.5);
      expect.soft(b.x).toBeGreaterThanOrEqual(insets.left - 0.5);
      expect.soft(b.x + b.width).toBeLessThanOrEqual(width - insets.right + 0.5);
    }
    // The title is below the status bar.
    const title = await page.locator('.app-title').boundingBox();
    expect.soft(title.y).toBeGreaterThanOrEqual(insets.top);

    // Every screen: nothing (but the header's and tab bar's backgrounds)
    // reaches into the side insets, and the rest of the checks still hold.
    const failures = {};
    for (const screen of screens(seeded.ids)) {
      await visit(page, screen);
      const list = await page.evaluate(audit, auditArgs(width, insets));
      if (list.length) failures[screen[0]] = list;
    }
    expect(failures).toEqual({});
  } finally {
    await context.close();
  }
});
