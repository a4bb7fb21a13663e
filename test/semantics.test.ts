// Language semantics from issue 12: rule heads OPA accepts in both syntaxes (bodiless
// function heads, function values that are expressions, `f()` as a plain rule), and
// templates using them decided end to end through a Suite (test/semantics-fixtures/).
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile';
import { parseModule } from '../src/compiler/parser';
import { parseFilter, readSuites, runSuite } from '../src/gatekeeper/suite';
import { hostBuiltins } from '../src/policy/host-builtins';
import { DEFAULT_LIMITS, loadLimitedPolicy } from '../src/policy/limits';

type Version = 'v0' | 'v1';

function heads(source: string, regoVersion: Version) {
  return parseModule(`package t\n\n${source}\n`, 't.rego', { regoVersion }).rules.map((r) => ({
    kind: r.head.kind,
    args: r.head.args?.length,
    body: r.body.length,
  }));
}

function parseError(source: string, regoVersion: Version): string {
  try {
    parseModule(`package t\n\n${source}\n`, 't.rego', { regoVersion });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a parse error');
}

/** The value of data.t.p for `input`, or the compile error's message. */
function evalP(source: string, regoVersion: Version, input: unknown): unknown {
  let wasm: Uint8Array;
  try {
    wasm = compile({ modules: [{ file: 't.rego', source: `package t\n\n${source}\n` }], entrypoints: ['t/p'], regoVersion });
  } catch (e) {
    return (e as Error).message;
  }
  const l = loadLimitedPolicy(wasm, DEFAULT_LIMITS, hostBuiltins({ strict: false }));
  const rs = l.run(() => l.policy.evaluate(input));
  return rs[0]?.result;
}

describe('rule heads without a body', () => {
  for (const v of ['v0', 'v1'] as const) {
    it(`${v}: f(a, b) alone is a function, true for those arguments`, () => {
      expect(heads('f("a", _)', v)).toEqual([{ kind: 'function', args: 2, body: 0 }]);
      const src = 'f("a", _)\n\np := [x | x := ["a", "b"][_]; f(x, 1)]';
      expect(evalP(src, v, {})).toEqual(['a']);
    });

    it(`${v}: a function's value may be an expression`, () => {
      const src = 'ok("nonroot", u) := u != 0\n\nok("exact", u) = u == 7\n\np := [ok("nonroot", 0), ok("nonroot", 3), ok("exact", 7), ok("exact", 8)]';
      expect(evalP(src, v, {})).toEqual([false, true, true, false]);
    });

    it(`${v}: a.b.c alone is a rule that is true`, () => {
      expect(evalP('p.q.r', v, {})).toEqual({ q: { r: true } });
    });

    it(`${v}: f() declares a plain rule, referred to without parentheses`, () => {
      expect(heads('f() := 1', v)).toEqual([{ kind: 'complete', args: undefined, body: 0 }]);
      const src = 'g(x, d) := [x, d]\n\nd() := out if {\n  input.a\n  out := "a"\n} else := "b"\n\np := g(1, d)';
      const v0src = src.replace(/ if \{/g, ' {').replace(/:= out/g, '= out').replace(':= "b"', '= "b"');
      expect(evalP(v === 'v1' ? src : v0src, v, { a: true })).toEqual([1, 'a']);
      expect(evalP(v === 'v1' ? src : v0src, v, {})).toEqual([1, 'b']);
      expect(evalP('d() := 1\n\np := d()', v, {})).toMatch(/undefined function data\.t\.d/);
    });
  }

  it('v0: f(x) { true } is a function; p[x] alone adds x to the set p', () => {
    expect(heads('f(x) {true}', 'v0')).toEqual([{ kind: 'function', args: 1, body: 1 }]);
    expect(evalP('p["x"]\n\np["y"]', 'v0', {})).toEqual(['x', 'y']);
  });

  it('v1: p[x] alone needs `contains`, and bodies need `if`', () => {
    expect(parseError('p["x"]', 'v1')).toMatch(/`contains` keyword is required for partial set rules/);
    expect(parseError('f(x) {true}', 'v1')).toMatch(/`if` keyword is required before rule body/);
  });

  it('a bare name is still no rule', () => {
    for (const v of ['v0', 'v1'] as const) expect(parseError('p', v)).toMatch(/expected rule value or body/);
  });
});

describe('templates using these constructs', () => {
  it('compile and decide as the suite says, in both syntaxes', () => {
    const [suite] = readSuites(resolve(__dirname, 'semantics-fixtures'));
    const result = runSuite(suite, parseFilter(undefined));
    const failures = result.tests.flatMap((t) => [
      ...(t.error ? [`${t.name}: ${t.error}`] : []),
      ...t.cases.filter((c) => c.error).map((c) => `${t.name}/${c.name}: ${c.error}`),
    ]);
    expect(failures).toEqual([]);
    expect(result.tests.map((t) => t.cases.length)).toEqual([4, 4, 4, 4, 4, 4, 4]);
  });
});
