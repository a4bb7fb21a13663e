#!/usr/bin/env node
// Generates re_tables.ts: the Unicode data the regex engine needs, taken from the
// running Node's ICU (`node src/runtime/builtins/re_gen_tables.mjs`).
//
// - Range tables for the general categories Go's regexp/syntax knows (\p{L}, \p{Lu},
//   \pN, ...) and for a selection of scripts (\p{Greek}, \p{Han}, ...). Each table is
//   a list of code point ranges encoded as LEB128 varint pairs (gap from the previous
//   range's end, span), so the whole set stays a few kilobytes.
// - The simple case folding orbits (Go's unicode.SimpleFold): for every code point
//   with case variants, the next larger member of its orbit, wrapping to the smallest.
//   Stored as runs (lo, hi, delta) where delta ALT means "+1 from even offsets, -1
//   from odd ones" (the Latin Extended upper/lower pairs).
//
// Go's tables follow Unicode 15; Node's ICU may be newer. The differences are code
// points assigned since, which policies do not meet in practice.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const MAX = 0x10ffff;

// Go's unicode.Categories (the composites C, L, M, N, P, S, Z as Go defines them:
// C is Cc|Cf|Co|Cs, without unassigned code points).
const LEAF = ['Cc', 'Cf', 'Co', 'Cs', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'Mc', 'Me', 'Mn',
  'Nd', 'Nl', 'No', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'Sc', 'Sk', 'Sm', 'So',
  'Zl', 'Zp', 'Zs'];
const SCRIPTS = ['Arabic', 'Armenian', 'Bengali', 'Common', 'Cyrillic', 'Devanagari',
  'Ethiopic', 'Georgian', 'Greek', 'Gujarati', 'Gurmukhi', 'Han', 'Hangul', 'Hebrew',
  'Hiragana', 'Inherited', 'Kannada', 'Katakana', 'Khmer', 'Lao', 'Latin', 'Malayalam',
  'Mongolian', 'Myanmar', 'Sinhala', 'Tamil', 'Telugu', 'Thai', 'Tibetan'];

function rangesOf(re) {
  const out = [];
  let lo = -1;
  for (let c = 0; c <= MAX + 1; c++) {
    const inside = c <= MAX && (c < 0xd800 || c > 0xdfff) &&
      re.test(String.fromCodePoint(c));
    if (inside && lo < 0) lo = c;
    if (!inside && lo >= 0) { out.push([lo, c - 1]); lo = -1; }
  }
  return out;
}

const tables = new Map();
for (const name of LEAF) {
  if (name === 'Cs') { tables.set(name, [[0xd800, 0xdfff]]); continue; }
  tables.set(name, rangesOf(new RegExp(`^\\p{gc=${name}}$`, 'u')));
}
function union(names) {
  const all = names.flatMap((n) => tables.get(n)).sort((a, b) => a[0] - b[0]);
  const out = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([...r]);
  }
  return out;
}
for (const major of ['C', 'L', 'M', 'N', 'P', 'S', 'Z']) {
  tables.set(major, union(LEAF.filter((n) => n[0] === major)));
}
for (const name of SCRIPTS) {
  tables.set(name, rangesOf(new RegExp(`^\\p{Script=${name}}$`, 'u')));
}

function varint(out, x) {
  do {
    let b = x & 0x7f;
    x >>>= 7;
    if (x) b |= 0x80;
    out.push(b);
  } while (x);
}

const data = [];
const index = [];
const names = [];
for (const [name, ranges] of [...tables].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
  const nameOff = names.length;
  for (const ch of name) names.push(ch.charCodeAt(0));
  const off = data.length;
  let prev = -1;
  for (const [lo, hi] of ranges) {
    varint(data, lo - prev - 1);
    varint(data, hi - lo);
    prev = hi;
  }
  index.push(nameOff, name.length, off, ranges.length);
}

// ---- simple case folding orbits ------------------------------------------------------
const parent = new Map();
const find = (x) => {
  while (parent.has(x) && parent.get(x) !== x) x = parent.get(x);
  return x;
};
const unite = (a, b) => {
  const ra = find(a), rb = find(b);
  if (!parent.has(ra)) parent.set(ra, ra);
  if (!parent.has(rb)) parent.set(rb, rb);
  if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
};
const foldsTo = (c, d) =>
  new RegExp(`^\\u{${c.toString(16)}}$`, 'iu').test(String.fromCodePoint(d));
const single = (s) => {
  const cps = [...s];
  return cps.length === 1 ? cps[0].codePointAt(0) : -1;
};
for (let c = 0; c <= MAX; c++) {
  if (c >= 0xd800 && c <= 0xdfff) continue;
  const s = String.fromCodePoint(c);
  for (const t of [s.toLowerCase(), s.toUpperCase()]) {
    const d = single(t);
    // Only simple case foldings (what /iu matches): 'ı'.toUpperCase() is 'I', but
    // ı is not in the orbit of i.
    if (d >= 0 && d !== c && foldsTo(c, d)) unite(c, d);
  }
}
// Simple case foldings (CaseFolding.txt status S) that no single-code-point
// upper/lower mapping reveals.
for (const [a, b] of [[0x390, 0x1fd3], [0x3b0, 0x1fe3], [0xfb05, 0xfb06]]) unite(a, b);

const orbits = new Map();
for (const c of parent.keys()) {
  const r = find(c);
  if (!orbits.has(r)) orbits.set(r, []);
  orbits.get(r).push(c);
}
const next = new Map();
for (const members of orbits.values()) {
  if (members.length < 2) continue;
  members.sort((a, b) => a - b);
  for (let i = 0; i < members.length; i++) next.set(members[i], members[(i + 1) % members.length]);
}
// Cross-check against the engine's own case-insensitive matching.
for (const [c, d] of next) {
  if (!new RegExp(`^\\u{${c.toString(16)}}$`, 'iu').test(String.fromCodePoint(d))) {
    console.warn(`fold check: U+${c.toString(16)} !~ U+${d.toString(16)}`);
  }
}
const ALT = 0x7fffffff;
const keys = [...next.keys()].sort((a, b) => a - b);
const runs = [];
for (const c of keys) {
  const delta = next.get(c) - c;
  const last = runs[runs.length - 1];
  if (last && c === last[1] + 1) {
    if (last[2] === delta && last[3] !== 'alt') { last[1] = c; continue; }
    const expectAlt = ((c - last[0]) % 2 === 0) ? 1 : -1;
    if ((last[3] === 'alt' || (last[1] === last[0] && last[2] === 1)) && delta === expectAlt) {
      last[1] = c; last[3] = 'alt'; last[2] = ALT; continue;
    }
  }
  runs.push([c, c, delta, '']);
}

const chunk = (arr, per) => {
  const lines = [];
  for (let i = 0; i < arr.length; i += per) lines.push('  ' + arr.slice(i, i + per).join(', ') + ',');
  return lines.join('\n');
};
const foldFlat = runs.flatMap(([lo, hi, delta]) => [lo, hi, delta === ALT ? ALT : delta | 0]);

const out = `// Generated by re_gen_tables.mjs from Node ${process.version} (Unicode ${process.versions.unicode}).
// Do not edit; regenerate. See the generator for the encodings.

/** Varint-encoded range lists (gap, span pairs) of every named table. */
export const UNI_DATA: usize = memory.data<u8>([
${chunk(data, 24)}
]);

/** Table names, ASCII, concatenated. */
export const UNI_NAMES: usize = memory.data<u8>([
${chunk(names, 24)}
]);

/** Per table: name offset, name length, data offset, number of ranges. Sorted by name. */
export const UNI_INDEX: usize = memory.data<u32>([
${chunk(index, 12)}
]);
export const UNI_COUNT: u32 = ${index.length / 4};

/** Case folding orbit runs: lo, hi, delta (FOLD_ALT: +1 at even offsets from lo, -1 at odd). */
export const FOLD_RUNS: usize = memory.data<i32>([
${chunk(foldFlat, 12)}
]);
export const FOLD_COUNT: u32 = ${runs.length};
export const FOLD_ALT: i32 = ${ALT};
export const FOLD_MIN: i32 = ${keys[0]};
export const FOLD_MAX: i32 = ${keys[keys.length - 1]};
`;
writeFileSync(join(here, 're_tables.ts'), out);
console.log(`re_tables.ts: ${tables.size} tables, ${data.length} bytes of ranges, ${runs.length} fold runs`);
