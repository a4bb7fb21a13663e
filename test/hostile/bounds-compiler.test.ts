// Hostile Rego for the compiler: input whose size, not its nesting, used to
// set the depth of the compiler's recursion (operator chains, else chains,
// long bodies and refs), and nesting past the parser's limit. Each either
// compiles to the value OPA computes or is refused with one positioned line;
// never a RangeError, and other templates and objects are still checked.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { constraintTemplate } from '../helpers/templates';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile';
import { RegoError } from '../../src/compiler/errors';
import { MAX_NESTING_DEPTH } from '../../src/compiler/parser';
import { loadPolicySync } from '../../src/policy/sdk';
import { offgate } from '../helpers/cli';

function evaluate(source: string, input: unknown = {}): unknown {
  const wasm = compile({ modules: [{ file: 'big.rego', source }], entrypoints: ['p/q'] });
  const result = loadPolicySync(wasm).evaluate(input, 'p/q');
  return result.length > 0 ? result[0].result : undefined;
}

function compileError(source: string): string {
  try {
    compile({ modules: [{ file: 'big.rego', source }], entrypoints: ['p/q'] });
  } catch (e) {
    expect(e).toBeInstanceOf(RegoError);
    return (e as Error).message;
  }
  throw new Error('expected a compile error');
}

const terms = (n: number, op: string, t = '1') => Array(n).fill(t).join(` ${op} `);
const SLOW = 120_000; // big inputs on a loaded machine; nothing here asserts time

describe('long operator chains (OPA accepts them)', () => {
  it('a 20,000-term sum in a body computes its value', () => {
    expect(evaluate(`package p\nq := x if { x := ${terms(20_000, '+')} }`)).toBe(20_000);
  }, SLOW);

  it('chains in rule heads, comprehension heads, arrays and negations', () => {
    expect(evaluate(`package p\nq := ${terms(5_000, '+', 'input.n')}`, { n: 2 })).toBe(10_000);
    expect(evaluate(`package p\nq := 10000 - ${terms(4_999, '-')}`)).toBe(5_001);
    expect(evaluate(`package p\nq := [y | y := (${terms(5_000, '*', '1')})]`)).toEqual([1]);
    expect(evaluate(`package p\nq := [(${terms(3_000, '+')}), 2]`)).toEqual([3_000, 2]);
    expect(evaluate(`package p\nq := ${terms(3_000, '|', '{1}')}`)).toEqual([1]);
    // Undefined inside the chain stays undefined for the whole rule; under `not` it is true.
    expect(evaluate(`package p\nq := ${terms(3_000, '+', 'input.n')}`, {})).toBeUndefined();
    expect(evaluate(`package p\nq if { not ${terms(3_000, '+', 'input.n')} == 3 }`, { n: 2 })).toBe(true);
  }, SLOW);

  it('a 20,000-expression body and a 20,000-element ref', () => {
    expect(evaluate(`package p\nq if { ${Array(20_000).fill('input.ok').join('; ')} }`, { ok: true })).toBe(true);
    expect(evaluate(`package p\nq if { ${Array(20_000).fill('input.ok').join('; ')} }`, { ok: false })).toBeUndefined();
    expect(evaluate(`package p\nq := input${'.a'.repeat(20_000)}`, { a: { a: 1 } })).toBeUndefined();
    let doc: unknown = 7;
    for (let i = 0; i < 500; i++) doc = { a: doc }; // the SDK serializes input recursively
    expect(evaluate(`package p\nq := input${'.a'.repeat(500)}`, doc)).toBe(7);
    const assigns = Array.from({ length: 5_000 }, (_, i) => `x${i + 1} := x${i} + 1`).join('\n');
    expect(evaluate(`package p\nq := x5000 if {\nx0 := 0\n${assigns}\n}`)).toBe(5_000);
  }, SLOW);

  it('a body needing more wasm locals than V8 allows is one positioned compile error', () => {
    // Two locals an expression (input, the lookup; input.k is looked up once per call): past 25,000 expressions.
    expect(compileError(`package p\nq if { ${Array(26_000).fill('input[input.k]').join('; ')} }`)).toMatch(/^big\.rego:1:1: rego_compile_error: a rule needs more than 50000 wasm locals/);
  }, SLOW);
});

describe('else chains (OPA accepts them)', () => {
  const chain = (n: number, head: string, cond: (i: number) => string) =>
    `package p\n${head} := 0 if { ${cond(0)} }\n${Array.from({ length: n }, (_, i) => `else := ${i + 1} if { ${cond(i + 1)} }`).join('\n')}\nelse := -1`;

  it('a 2,000-branch chain picks the first clause that holds', () => {
    const src = chain(2_000, 'q', (i) => `input.x == ${i}`);
    const wasm = compile({ modules: [{ file: 'big.rego', source: src }], entrypoints: ['p/q'] });
    const policy = loadPolicySync(wasm);
    expect(policy.evaluate({ x: 0 }, 'p/q')[0].result).toBe(0);
    expect(policy.evaluate({ x: 1_234 }, 'p/q')[0].result).toBe(1_234);
    expect(policy.evaluate({ x: 2_000 }, 'p/q')[0].result).toBe(2_000);
    expect(policy.evaluate({ x: 'none' }, 'p/q')[0].result).toBe(-1);
  }, SLOW);

  it('in a function, with a value chain in the last clause', () => {
    const src = `${chain(1_000, 'f(x)', (i) => `x == ${i}`)}\nq := [f(999), f(5000)]`.replace('else := -1', `else := ${terms(2_000, '+')}`);
    expect(evaluate(src)).toEqual([999, 2_000]);
  }, SLOW);
});

describe('nesting past the limit (OPA gives up too, near 11,000 levels)', () => {
  const limit = `rego_parse_error: maximum nesting depth exceeded \\(limit ${MAX_NESTING_DEPTH}\\)$`;

  it('10,000 parentheses, arrays, objects, calls or comprehensions: a positioned parse error', () => {
    const deep = [
      `${'('.repeat(10_000)}1${')'.repeat(10_000)}`,
      `${'['.repeat(10_000)}1${']'.repeat(10_000)}`,
      `${'{"a": '.repeat(10_000)}1${'}'.repeat(10_000)}`,
      `${'abs('.repeat(10_000)}1${')'.repeat(10_000)}`,
      `${'[x | x := '.repeat(10_000)}1${']'.repeat(10_000)}`,
      `${'-'.repeat(10_000)}input.x`,
    ];
    for (const term of deep) expect(compileError(`package p\nq := ${term}`)).toMatch(new RegExp(`^big\\.rego:2:\\d+: ${limit}`));
    const everies = `package p\nq if { ${'every x in [1] { '.repeat(10_000)}true${' }'.repeat(10_000)} }`;
    expect(compileError(everies)).toMatch(new RegExp(`^big\\.rego:2:\\d+: ${limit}`));
    const elseBodies = `package p\nq := 1 if { ${'[y | y := '.repeat(10_000)}1${']'.repeat(10_000)} }\nelse := 2`;
    expect(compileError(elseBodies)).toMatch(new RegExp(`^big\\.rego:2:\\d+: ${limit}`));
  }, SLOW);

  it('nesting just inside the limit compiles and computes the value', () => {
    expect(evaluate(`package p\nq := ${'('.repeat(400)}1${')'.repeat(400)}`)).toBe(1);
    expect(evaluate(`package p\nq := count(${'['.repeat(400)}1${']'.repeat(400)})`)).toBe(1);
    expect(evaluate(`package p\nq := ${'abs('.repeat(400)}-1${')'.repeat(400)}`)).toBe(1);
    expect(evaluate(`package p\nq := ${'-'.repeat(400)}input.x`, { x: 3 })).toBe(3);
    expect(evaluate(`package p\nq if { ${'every x in [1] { '.repeat(150)}true${' }'.repeat(150)} }`)).toBe(true);
    // A chain wrapped in parentheses again and again is still cut.
    let t = '1';
    for (let i = 0; i < 300; i++) t = `(${t} + ${terms(60, '+')})`;
    expect(evaluate(`package p\nq := ${t}`)).toBe(1 + 300 * 60);
  }, SLOW);
});

describe('end to end', () => {
  function workspace(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-bounds-compiler-'));
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    return dir;
  }

  const template = (kind: string, rego: string) => constraintTemplate(kind, rego);
  const constraint = (kind: string) => `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: ${kind}
metadata:
  name: ${kind.toLowerCase()}-all
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
`;
  const pod = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
    - name: app
      image: nginx:1.27
`;

  it('lint --policy: a too-deep template is one error line; a long-chain template and every object are still checked', () => {
    const deep = `package k8sdeep\nviolation[{"msg": "deep"}] {\n  x := ${'('.repeat(10_000)}1${')'.repeat(10_000)}\n  x == 1\n}`;
    const long = `package k8slongchain\nviolation[{"msg": msg}] {\n  input.review.object.metadata.name == "bad"\n  n := ${terms(5_000, '+')}\n  msg := sprintf("chain of %v", [n])\n}`;
    const cwd = workspace({
      'policy/deep.yaml': template('K8sDeep', deep),
      'policy/long.yaml': template('K8sLongChain', long),
      'policy/constraints.yaml': `${constraint('K8sDeep')}---\n${constraint('K8sLongChain')}`,
      'apps/pods.yaml': `${pod('bad')}---\n${pod('good')}`,
    });
    const r = offgate(['lint', '-o', 'json', '--policy', 'policy', '--', 'apps'], { cwd });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { results: { message: string; object: { name: string } }[]; errors: { file: string; line: number; message: string }[] };
    expect(report.results.map((x) => [x.object.name, x.message])).toEqual([['bad', 'chain of 5000']]);
    const errors = report.errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join('\n');
    expect(errors).toMatch(/deep\.yaml.*maximum nesting depth exceeded \(limit 512\)/);
    expect(errors).not.toMatch(/RangeError|call stack/);
    expect(r.stderr).not.toMatch(/RangeError|call stack|\n\s+at /);
  }, SLOW);

  it('offgate compile: a 20,000-term chain compiles; 10,000 parentheses are one line, exit 2', () => {
    const dir = workspace({
      'long.rego': `package a\n\nn := ${terms(20_000, '+')}\n`,
      'deep.rego': `package a\n\nn := ${'('.repeat(10_000)}1${')'.repeat(10_000)}\n`,
    });
    const ok = offgate(['compile', join(dir, 'long.rego'), '-e', 'a/n', '--output-file', join(dir, 'long.wasm')], { cwd: dir });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const bad = offgate(['compile', join(dir, 'deep.rego'), '-e', 'a/n', '--output-file', join(dir, 'deep.wasm')], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`^offgate: ${join(dir, 'deep.rego').replace(/[.]/g, '\\.')}:3:\\d+: rego_parse_error: maximum nesting depth exceeded \\(limit 512\\)\\n$`));
  }, SLOW);
});
