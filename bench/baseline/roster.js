// The baseline's whole program: parse what the app stored, draw the roster
// the app shows at `#/` (same markup and classes, so the same stylesheet
// lays it out), and mark `zhibu:ready` the way src/main.rs does.
//
// Each row also has a 签到 toggle for the check-in figure: a tap records the
// mark in this page's own log (written to localStorage whole, as the app
// writes its log) and redraws that one row.

const ROLES = ['secretary', 'deputy_secretary', 'organization', 'propaganda', 'discipline', 'group_leader', 'member'];
const ROLE_ZH = {
  secretary: '书记', deputy_secretary: '副书记', organization: '组织委员', propaganda: '宣传委员',
  discipline: '纪检委员', group_leader: '党小组长', member: '党员',
};
const TABS = [
  ['roster', '👥', '名册'], ['meetings', '📅', '会议'], ['study', '📚', '学习'], ['rounds', '🗳️', '评选'],
  ['me', '🙋', '我的'], ['import', '📥', '导入'], ['settings', '⚙️', '数据与设置'],
];
const LOG_KEY = 'zhibu-baseline:log';
const FIELDS = { n: 'name', g: 'group', s: 'status', r: 'role', j: 'joined', p: 'phone', x: 'exempt', a: 'archived' };

/** Members from the snapshot's registers, then the logs' member events (last clock wins). */
function load() {
  const members = new Map();
  const put = (id, field, value, clock) => {
    const m = members.get(id) ?? {};
    if (!m[field] || m[field].c <= clock) m[field] = { v: value, c: clock };
    members.set(id, m);
  };
  const snapText = localStorage.getItem('zhibu:snap');
  if (snapText) {
    const snap = JSON.parse(snapText).snapshot ?? {};
    for (const m of snap.mem ?? []) {
      const id = snap.ids[m.i];
      for (const [k, field] of Object.entries(FIELDS)) if (m[k]) put(id, field, m[k].v, m[k].c);
    }
  }
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key.startsWith('zhibu:log:')) continue;
    for (const e of JSON.parse(localStorage.getItem(key)).events ?? []) {
      const p = e.p;
      const all = (id, f) => { for (const [k, v] of Object.entries(f)) put(id, k, v, e.c); put(id, 'archived', false, e.c); };
      if (p.t === 'member_added') all(p.member, p.fields);
      else if (p.t === 'members_imported') for (const m of p.members) all(m.id, m.fields);
      else if (p.t === 'member_edited') for (const ch of p.changes) for (const [k, v] of Object.entries(ch)) put(p.member, k, v, e.c);
      else if (p.t === 'member_archived') put(p.member, 'archived', true, e.c);
      else if (p.t === 'member_restored') put(p.member, 'archived', false, e.c);
    }
  }
  return [...members].filter(([, m]) => m.name).map(([id, m]) => {
    const out = { id };
    for (const field of Object.values(FIELDS)) out[field] = m[field]?.v ?? null;
    return out;
  });
}

/** "第二党小组" before "第十党小组": numeral runs compare as numbers (roster.rs). */
function groupKey(name) {
  const digit = (c) => { const i = '零一二三四五六七八九'.indexOf(c); return i >= 0 ? i : (c >= '0' && c <= '9' ? +c : null); };
  const key = [];
  let text = '';
  const chars = [...name];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (digit(c) === null && c !== '十') { text += c; continue; }
    const run = [c];
    while (i + 1 < chars.length && (digit(chars[i + 1]) !== null || chars[i + 1] === '十')) run.push(chars[++i]);
    const num = (cs) => cs.reduce((a, c) => (digit(c) === null ? a : a * 10 + digit(c)), 0);
    const at = run.indexOf('十');
    const value = at < 0 ? num(run) : (at === 0 ? 1 : num(run.slice(0, at))) * 10 + num(run.slice(at + 1));
    key.push([0, text], [value, '']);
    text = '';
  }
  key.push([0, text]);
  return key;
}

function compareKeys(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i][0] !== b[i][0]) return a[i][0] - b[i][0];
    if (a[i][1] !== b[i][1]) return a[i][1] < b[i][1] ? -1 : 1;
  }
  return a.length - b.length;
}

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const collator = new Intl.Collator('zh-CN');
const marks = new Map();
const log = [];

function rowHtml(m) {
  const mark = marks.get(m.id) ?? 'none';
  const badges = [
    m.role !== 'member' ? `<span class="badge badge-role">${ROLE_ZH[m.role]}</span>` : '',
    m.status === 'probationary' ? '<span class="badge badge-probationary">预备党员</span>' : '',
    m.exempt ? '<span class="badge badge-exempt">年老体弱（免学时要求）</span>' : '',
  ].join('');
  const meta = [
    m.joined ? `<span>${esc(m.joined)} 入党</span>` : '',
    m.phone ? `<a href="tel:${esc(m.phone)}">${esc(m.phone)}</a>` : '',
  ].join('');
  return `<li class="member-row" data-testid="member-row" data-id="${esc(m.id)}" data-status="${mark}">
    <div class="member-main"><span class="member-name" data-testid="member-name">${esc(m.name)}</span>
      <span class="badges">${badges}</span><span class="member-meta">${meta}</span></div>
    <div class="member-actions">
      <button type="button" class="button button-small" aria-label="编辑 ${esc(m.name)}">编辑</button>
      <button type="button" class="button button-small">归档</button>
      <button type="button" class="button button-small" data-testid="mark-toggle" aria-pressed="${mark === 'present'}">签到</button>
    </div></li>`;
}

function render(members) {
  const active = members.filter((m) => !m.archived);
  const groups = new Map();
  for (const m of active) {
    const g = groups.get(m.group) ?? { key: m.group ? groupKey(m.group) : [[2 ** 32, '']], people: [] };
    g.people.push(m);
    groups.set(m.group, g);
  }
  const sections = [...groups].sort((a, b) => compareKeys(a[1].key, b[1].key)).map(([name, g]) => {
    g.people.sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || collator.compare(a.name, b.name));
    return `<section class="group" data-testid="group"><h3 class="group-heading"><span>${esc(name || '未分组')}</span>
      <span class="count">${g.people.length} 人</span></h3>
      <ul class="member-list">${g.people.map(rowHtml).join('')}</ul></section>`;
  });
  const probationary = active.filter((m) => m.status === 'probationary').length;
  const tabs = TABS.map(([slug, icon, label]) =>
    `<a href="#/${slug}" class="tab"${slug === 'roster' ? ' aria-current="page"' : ''}><span class="tab-icon" aria-hidden="true">${icon}</span><span class="tab-label">${label}</span></a>`);
  document.body.insertAdjacentHTML('beforeend', `
    <a class="skip-link" href="#main">跳到主要内容</a>
    <header class="app-header"><h1 class="app-title"><span aria-hidden="true" class="app-mark">支</span>支部</h1>
      <div class="lang-switch" role="group" aria-label="界面语言">
        <button type="button" class="lang-button" lang="zh-CN" aria-pressed="true">中文</button>
        <button type="button" class="lang-button" lang="en" aria-pressed="false">English</button></div></header>
    <main id="main" class="app-main" tabindex="-1"><section class="page" aria-labelledby="roster-title">
      <div class="page-head"><h2 id="roster-title">党员名册</h2><button type="button" class="button button-primary">＋ 添加党员</button></div>
      <p class="summary">在册 ${active.length} 人，其中预备党员 ${probationary} 人；已归档 ${members.length - active.length} 人</p>
      <div class="filters" role="search">
        <label class="visually-hidden" for="roster-search">搜索党员</label>
        <input id="roster-search" type="search" placeholder="搜索姓名或拼音，如 wjg" />
        <label class="visually-hidden" for="filter-status">按党员类别筛选</label>
        <select id="filter-status"><option value="">全部类别</option><option>正式党员</option><option>预备党员</option></select>
        <label class="visually-hidden" for="filter-role">按职务筛选</label>
        <select id="filter-role"><option value="">全部职务</option>${ROLES.map((r) => `<option>${ROLE_ZH[r]}</option>`).join('')}</select>
      </div>
      <p class="visually-hidden" aria-live="polite">显示 ${active.length} 人</p>
      ${sections.join('')}</section></main>
    <nav class="tabbar" aria-label="主导航">${tabs.join('')}</nav>`);
  const byId = new Map(members.map((m) => [m.id, m]));
  document.getElementById('main').addEventListener('click', (ev) => {
    const button = ev.target.closest('[data-testid="mark-toggle"]');
    if (!button) return;
    const row = button.closest('.member-row');
    const m = byId.get(row.dataset.id);
    const next = marks.get(m.id) === 'present' ? 'absent' : 'present';
    marks.set(m.id, next);
    log.push({ c: log.length + 1, w: Date.now(), p: { t: 'attendance_marked', member: m.id, mark: { s: next } } });
    localStorage.setItem(LOG_KEY, JSON.stringify({ events: log }));
    row.outerHTML = rowHtml(m);
  });
  document.getElementById('roster-search').addEventListener('input', (ev) => {
    const q = ev.target.value.trim();
    for (const row of document.querySelectorAll('.member-row')) row.hidden = q !== '' && !byId.get(row.dataset.id).name.includes(q);
  });
}

render(load());
// As src/main.rs: a task posted from the next animation frame runs after
// the frame that first shows the roster.
requestAnimationFrame(() => setTimeout(() => performance.mark('zhibu:ready'), 0));
