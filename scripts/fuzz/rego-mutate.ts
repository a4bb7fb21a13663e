// Mutations of Rego source: rules appended that are deep, long or costly (what OPA accepts
// but a recursive compiler or an unbounded evaluator does not survive), odd literals and
// prototype names, and plain line and character edits.
import type { Rng } from './rng';

export type RegoVersion = 'v0' | 'v1';

/** `head if { body }` in v1, `head { body }` in v0. */
function rule(v: RegoVersion, head: string, body: string): string {
  return v === 'v1' ? `${head} if { ${body} }` : `${head} { ${body} }`;
}

type RegoMutation = (rng: Rng, src: string, v: RegoVersion) => string;

const append = (src: string, text: string): string => `${src.replace(/\s*$/, '')}\n\n${text}\n`;

export const regoMutations: Record<string, RegoMutation> = {
  deepArray: (rng, s) => {
    const d = rng.pick([100, 1_000, 5_000, 20_000]);
    return append(s, `fuzz_deep = ${'['.repeat(d)}1${']'.repeat(d)}`);
  },
  deepParens: (rng, s) => {
    const d = rng.pick([100, 1_000, 5_000, 20_000]);
    return append(s, `fuzz_parens = ${'('.repeat(d)}1${')'.repeat(d)}`);
  },
  longSum: (rng, s) => {
    const n = rng.pick([1_000, 20_000, 60_000]);
    return append(s, `fuzz_sum = ${Array.from({ length: n }, (_, i) => i % 10).join(' + ')}`);
  },
  longElse: (rng, s, v) => {
    const n = rng.pick([100, 1_000, 5_000]);
    const parts = [v === 'v1' ? 'fuzz_else := 0 if { false }' : 'fuzz_else = 0 { false }'];
    for (let i = 1; i < n; i++) parts.push(v === 'v1' ? `else := ${i} if { false }` : `else = ${i} { false }`);
    return append(s, parts.join('\n'));
  },
  manyRules: (rng, s, v) => {
    const n = rng.pick([1_000, 10_000]);
    return append(s, Array.from({ length: n }, (_, i) => (v === 'v1' ? `fuzz_many contains ${i} if { true }` : `fuzz_many[${i}] { true }`)).join('\n'));
  },
  bigComprehension: (rng, s, v) => {
    const n = rng.pick(['1e9', '100000000', '1000000']);
    const body = v === 'v1' ? `n := count([x | some x in numbers.range(1, ${n})]); msg := sprintf("%v", [n])` : `n := count([x | x := numbers.range(1, ${n})[_]]); msg := sprintf("%v", [n])`;
    return append(s, `${v === 'v1' ? 'violation contains {"msg": msg}' : 'violation[{"msg": msg}]'}${v === 'v1' ? ' if' : ''} { ${body} }`);
  },
  bigString: (rng, s) => append(s, `fuzz_str = "${'a'.repeat(rng.pick([70_000, 2_000_000]))}"`),
  bigSet: (rng, s) => append(s, `fuzz_allow = {${Array.from({ length: rng.pick([1_000, 10_000, 50_000]), }, (_, i) => `"image-${i}"`).join(', ')}}`),
  oddNumber: (rng, s) => append(s, `fuzz_num = ${rng.pick(['1e400', '-1e400', '123456789012345678901234567890', `0.${'0'.repeat(500)}1`, '1e-400', '9007199254740993', '0x10', '1_0'])}`),
  oddString: (rng, s) => append(s, `fuzz_s = ${rng.pick(['"\\ud800"', '"\\u0000"', '"a\\nb"', '`raw\nlines`', '"\\x"', '"\u0000"', '"\u2028"', '"\\uD83D\\uDE00"'])}`),
  protoNames: (rng, s, v) =>
    append(
      s,
      rng.pick([
        `__proto__ = 1`,
        `constructor = {"__proto__": {"a": 1}}`,
        rule(v, 'prototype', 'input.__proto__.x == 1'),
        `fuzz_obj = {"__proto__": 1, "constructor": 2, "prototype": 3}`,
        rule(v, 'fuzz_p', 'x := data.__proto__; x.constructor'),
        `toString = "x"`,
        rule(v, `${v === 'v1' ? 'violation contains {"msg": msg}' : 'violation[{"msg": msg}]'}`, 'k := object.keys(input.review.object)[_]; k == "__proto__"; msg := k'),
      ]),
    ),
  dropLine: (rng, s) => editLines(rng, s, (l, i) => l.splice(i, 1)),
  repeatLine: (rng, s) => editLines(rng, s, (l, i) => l.splice(i, 0, l[i]!)),
  truncate: (rng, s) => s.slice(0, rng.int(s.length + 1)),
  swapTokens: (rng, s) => {
    const tokens = s.split(/(\s+)/);
    const i = rng.int(tokens.length);
    const j = rng.int(tokens.length);
    [tokens[i], tokens[j]] = [tokens[j]!, tokens[i]!];
    return tokens.join('');
  },
  insertChar: (rng, s) => {
    const i = rng.int(s.length + 1);
    return s.slice(0, i) + rng.pick(['{', '}', '[', ']', '(', ')', '"', '`', '|', ':=', '=', ';', '\n', '_', '.', '#', 'else', 'some', 'every', 'not', '\u0000', '\r']) + s.slice(i);
  },
};

function editLines(rng: Rng, s: string, f: (lines: string[], i: number) => void): string {
  const lines = s.split('\n');
  f(lines, rng.int(lines.length));
  return lines.join('\n');
}

export function mutateRego(rng: Rng, src: string, v: RegoVersion, notes: string[], count = rng.range(1, 2)): string {
  const names = Object.keys(regoMutations);
  let s = src;
  for (let i = 0; i < count; i++) {
    const name = rng.pick(names);
    s = regoMutations[name]!(rng, s, v);
    notes.push(`rego ${name}`);
  }
  return s;
}

/** The Rego version a source is written in, as far as the fuzzer needs to know. */
export function regoVersionOf(src: string): RegoVersion {
  return /^import rego\.v1/m.test(src) || /\bif\s*\{/.test(src) || /\bcontains\s+\{/.test(src) ? 'v1' : 'v0';
}
