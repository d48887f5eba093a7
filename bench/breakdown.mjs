// Where the first screen's wasm bytes go: the split main module (with its
// function names, before wasm-bindgen and wasm-opt) by crate, and for this
// project's crates by module, from `twiggy top` (cargo xtask bench runs it).
//
//   node bench/breakdown.mjs target/bundle/split/zhibu.wasm [rows]
//
// Sizes are raw bytes before wasm-opt (which takes ≈ 15 % off and keeps the
// proportions); serde's derived code is counted under the type it is for
// ("serde: zhibu_core::rounds"), since that is where it can be cut.
import { spawnSync } from 'node:child_process';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/breakdown.mjs <split main module .wasm> [rows]');
  process.exit(2);
}
const run = spawnSync('twiggy', ['top', '-n', '1000000', '--format', 'csv', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
if (run.status !== 0) {
  console.error(`breakdown.mjs: twiggy failed: ${run.stderr || run.error}`);
  process.exit(1);
}

/** One CSV line into fields (twiggy quotes names that hold commas). */
function fields(line) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') out.push(cur), (cur = '');
    else cur += c;
  }
  out.push(cur);
  return out;
}

const [header, ...lines] = run.stdout.trim().split('\n');
const cols = fields(header);
const nameAt = cols.indexOf('Name');
const sizeAt = cols.indexOf('ShallowSize');

/** The bucket an item's bytes go to. */
function bucket(raw) {
  // Symbols carry each crate's hash (`zhibu_core[9786687e06e65f5f]::event`).
  const name = raw.replace(/\[[0-9a-f]{16}\]/g, '');
  // Left out: sections that wasm-bindgen or wasm-opt remove.
  if (/function names|__wasm_bindgen_unstable|__wbindgen_describe/.test(name)) return null;
  if (name.startsWith('data segment')) return 'data (constants, tables, texts)';
  const own = name.match(/(zhibu(?:_core)?::[a-z_]+)/);
  if (/serde/.test(name) && own) {
    const forType = name.match(/for (zhibu(?:_core)?::[a-z_]+)/);
    return `serde: ${(forType ?? own)[1]}`;
  }
  const crate = name.match(/([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/);
  if (!crate) return 'other (glue, tables)';
  if ((crate[1] === 'zhibu' || crate[1] === 'zhibu_core') && own) return own[1];
  return crate[1];
}

const totals = new Map();
let all = 0;
for (const line of lines) {
  const f = fields(line);
  const key = bucket(f[nameAt]);
  const size = Number(f[sizeAt]);
  if (!key || !Number.isFinite(size)) continue;
  totals.set(key, (totals.get(key) ?? 0) + size);
  all += size;
}
const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, Number(rowsArg ?? 30));
console.log(`first screen's wasm by crate/section (raw bytes before wasm-opt; ${all.toLocaleString('en')} in all):`);
for (const [key, size] of rows) {
  console.log(`  ${size.toLocaleString('en').padStart(10)}  ${((100 * size) / all).toFixed(1).padStart(5)} %  ${key}`);
}
