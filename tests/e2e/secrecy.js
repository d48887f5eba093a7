// The secrecy scans the ballot specs share: what a device stores
// (localStorage) and what the sync server keeps (its SQLite file) may
// hold a round's ballots only in the box, as bare marks: no voter, device,
// code or time beside them, and no ballot slot anywhere else (the roll,
// the logs, the snapshot's other tables), so nothing links a voter to a
// ballot.
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { expect } = require('@playwright/test');

/** Everything in localStorage, as { key: value }. */
const storage = (page) => page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));

/** A stored value with its snapshot's ballot boxes left out (the rest of it must name no slot). */
function withoutBallots(key, value) {
  if (key !== 'zhibu:snap') return value;
  const doc = JSON.parse(value);
  if (doc.snapshot && doc.snapshot.ext) delete doc.snapshot.ext.bal;
  return JSON.stringify(doc);
}

/**
 * A stored ballot is its marks (and revision) and nothing else: a 评选
 * ballot its choices, an appraisal's its ratings (choices empty; a blank
 * one has none).
 */
function expectBareBallot(ballot, { appraisal = false } = {}) {
  const fields = Object.keys(ballot).filter((k) => k !== 'rev');
  if (!appraisal) {
    expect(fields).toEqual(['choices']);
    return;
  }
  expect(ballot.choices).toEqual([]);
  for (const f of fields) expect(['choices', 'ratings'], `a ballot's field ${f}`).toContain(f);
}

/**
 * `expected` ballots of `roundId` in this device's box, bare, in slot
 * order; no stored value outside `zhibu:box` names one of their slots.
 * Returns the slots.
 */
async function noSlotOutsideTheBox(page, roundId, expected, options = {}) {
  const stored = await storage(page);
  const boxes = stored['zhibu:box'] ? JSON.parse(stored['zhibu:box']).snapshot.ext.bal : {};
  const box = boxes[roundId] || {};
  const slots = Object.keys(box);
  expect(slots, `ballots of ${roundId} in the box`).toHaveLength(expected);
  for (const ballot of Object.values(box)) expectBareBallot(ballot, options);
  // The box's order is by slot, not by when each ballot was cast.
  expect(slots).toEqual([...slots].sort());
  for (const [key, value] of Object.entries(stored)) {
    if (key === 'zhibu:box') continue;
    const rest = withoutBallots(key, value);
    for (const s of slots) expect(rest.includes(s), `${key} names a ballot slot`).toBe(false);
  }
  return slots;
}

/**
 * Every table of the sync server's SQLite file (`--data-dir`), as
 * { table: [row objects] }, read through Python's sqlite3 (read-only,
 * beside the running server).
 */
function serverTables(dataDir) {
  const script = [
    'import json, sqlite3, sys',
    "db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)",
    'out = {}',
    "for (t,) in db.execute(\"SELECT name FROM sqlite_master WHERE type = 'table'\"):",
    '    cur = db.execute(\'SELECT * FROM "%s"\' % t)',
    '    cols = [d[0] for d in cur.description]',
    '    out[t] = [dict(zip(cols, r)) for r in cur]',
    'print(json.dumps(out, ensure_ascii=False))',
  ].join('\n');
  const file = path.join(dataDir, 'zhibu.sqlite3');
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8', maxBuffer: 64 << 20 }));
}

module.exports = { storage, withoutBallots, expectBareBallot, noSlotOutsideTheBox, serverTables };
