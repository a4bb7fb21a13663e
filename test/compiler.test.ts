// The compiler end to end: sources → wasm → @open-policy-agent/opa-wasm.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compile, STAGE_NAMES } from '../src/compiler/compile';
import { RegoError } from '../src/compiler/errors';
import { loadPolicySync } from '../src/policy/sdk';

function evaluate(sources: Record<string, string>, entrypoint: string, input?: unknown, regoVersion: 'v0' | 'v1' = 'v1') {
  const wasm = compile({
    modules: Object.entries(sources).map(([file, source]) => ({ file, source })),
    entrypoints: [entrypoint],
    regoVersion,
  });
  return loadPolicySync(wasm).evaluate(input, entrypoint);
}

function compileError(source: string, regoVersion: 'v0' | 'v1' = 'v1'): string {
  try {
    compile({ modules: [{ file: 'policy.rego', source }], entrypoints: ['p/q'], regoVersion });
  } catch (e) {
    expect(e).toBeInstanceOf(RegoError);
    return (e as Error).message;
  }
  throw new Error('expected a compile error');
}

function templateModules(file: string) {
  const doc = parseAllDocuments(readFileSync(file, 'utf8'))[0].toJS();
  const target = doc.spec.targets[0];
  return [target.rego as string, ...(target.libs as string[])].map((source, i) => ({ file: `${file}#${i}`, source }));
}

describe('Gatekeeper-style template', () => {
  const modules = templateModules(join(__dirname, '../fixtures/templates/privileged-containers.yaml'));
  const wasm = compile({ modules, entrypoints: ['k8spspprivileged/violation'], regoVersion: 'v0' });
  const policy = loadPolicySync(wasm);
  const pod = (containers: unknown[], extra: Record<string, unknown> = {}) => ({
    review: { operation: 'CREATE', object: { kind: 'Pod', metadata: { name: 'p' }, spec: { containers, ...extra } } },
    parameters: {},
  });

  it('reports each privileged container, init and ephemeral ones included', () => {
    const input = pod(
      [
        { name: 'app', image: 'nginx', securityContext: { privileged: true } },
        { name: 'side', image: 'envoy', securityContext: { privileged: false } },
      ],
      { initContainers: [{ name: 'init', image: 'busybox', securityContext: { privileged: true } }] },
    );
    const [{ result }] = policy.evaluate(input, 'k8spspprivileged/violation');
    expect(result).toEqual([
      { details: {}, msg: 'Privileged container is not allowed: app, securityContext: {"privileged": true}' },
      { details: {}, msg: 'Privileged container is not allowed: init, securityContext: {"privileged": true}' },
    ]);
  });

  it('allows exempt images and UPDATE operations', () => {
    const input = pod([{ name: 'app', image: 'registry.local/debug:1', securityContext: { privileged: true } }]);
    input.parameters = { exemptImages: ['registry.local/*'] };
    expect(policy.evaluate(input, 'k8spspprivileged/violation')).toEqual([{ result: [] }]);
    const update = pod([{ name: 'app', image: 'nginx', securityContext: { privileged: true } }]);
    update.review.operation = 'UPDATE';
    expect(policy.evaluate(update, 'k8spspprivileged/violation')).toEqual([{ result: [] }]);
  });

  it('is deterministic: the same sources give the same bytes', () => {
    const again = compile({ modules, entrypoints: ['k8spspprivileged/violation'], regoVersion: 'v0' });
    expect(Buffer.from(again).equals(Buffer.from(wasm))).toBe(true);
  });
});

describe('evaluation through the SDK', () => {
  it('returns [] for undefined and the value for defined entrypoints', () => {
    const src = { 'a.rego': 'package a\n\nallow if input.user == "admin"\n' };
    expect(evaluate(src, 'a/allow', { user: 'admin' })).toEqual([{ result: true }]);
    expect(evaluate(src, 'a/allow', { user: 'bob' })).toEqual([]);
  });

  it('serves several entrypoints from one module', () => {
    const wasm = compile({ modules: [{ file: 'a.rego', source: 'package a\n\nx := 1\n\ny := [x, 2]\n' }], entrypoints: ['a/x', 'a/y', 'a'] });
    const policy = loadPolicySync(wasm);
    expect(policy.evaluate(undefined, 'a/x')).toEqual([{ result: 1 }]);
    expect(policy.evaluate(undefined, 'a/y')).toEqual([{ result: [1, 2] }]);
    expect(policy.evaluate(undefined, 'a')).toEqual([{ result: { x: 1, y: [1, 2] } }]);
  });

  it('reads base documents set with setData', () => {
    const wasm = compile({ modules: [{ file: 'a.rego', source: 'package a\n\nn := count(data.items)\n' }], entrypoints: ['a/n'] });
    const policy = loadPolicySync(wasm);
    policy.setData({ items: [1, 2, 3] });
    expect(policy.evaluate({}, 'a/n')).toEqual([{ result: 3 }]);
  });

  it('keeps a complete rule result per evaluation only (no stale cache)', () => {
    const wasm = compile({ modules: [{ file: 'a.rego', source: 'package a\n\nv := input.v\n\nw := v\n' }], entrypoints: ['a/w'] });
    const policy = loadPolicySync(wasm);
    expect(policy.evaluate({ v: 1 }, 'a/w')).toEqual([{ result: 1 }]);
    expect(policy.evaluate({ v: 2 }, 'a/w')).toEqual([{ result: 2 }]);
  });

  it('sets come back sorted in Rego order', () => {
    const src = { 'a.rego': 'package a\n\ns contains x if some x in input.xs\n' };
    expect(evaluate(src, 'a/s', { xs: ['b', 1, null, 'a', [1], { k: 1 }, true] })).toEqual([
      { result: [null, true, 1, 'a', 'b', [1], { k: 1 }] },
    ]);
  });
});

describe('compile errors are positioned one-liners', () => {
  it('malformed Rego', () => {
    expect(compileError('package p\n\nq if {\n  x := \n}\n')).toMatch(/^policy\.rego:\d+:\d+: rego_parse_error: /);
  });

  it('unsafe variables', () => {
    expect(compileError('package p\n\nq if {\n  x > 1\n}\n')).toBe('policy.rego:4:3: rego_unsafe_var_error: var x is unsafe');
  });

  it('unsafe head variables', () => {
    expect(compileError('package p\n\nq := y if {\n  true\n}\n')).toMatch(/^policy\.rego:3:6: rego_unsafe_var_error: var y is unsafe$/);
  });

  it('unknown functions', () => {
    expect(compileError('package p\n\nq if {\n  no_such.fn(1)\n}\n')).toBe('policy.rego:4:3: rego_type_error: undefined function no_such.fn');
  });

  it('wrong arity', () => {
    expect(compileError('package p\n\nq if {\n  count(1, 2, 3)\n}\n')).toMatch(/^policy\.rego:4:3: rego_type_error: count: arity mismatch/);
  });

  it('builtin arguments of the wrong type', () => {
    expect(compileError('package p\n\nq if {\n  count(1)\n}\n')).toBe(
      'policy.rego:4:3: rego_type_error: count: invalid argument(s): have (number), want (any<set, array, object, string>)',
    );
    expect(compileError('package p\n\nq := x if {\n  x := 1 + "a"\n}\n')).toMatch(/^policy\.rego:4:8: rego_type_error: plus: invalid argument\(s\): have \(number, string\)/);
  });

  it('recursion', () => {
    expect(compileError('package p\n\nq if r\n\nr if q\n')).toBe(
      'policy.rego:3:1: rego_recursion_error: rule data.p.q is recursive: data.p.q -> data.p.r -> data.p.q',
    );
  });

  it('conflicting rule kinds', () => {
    expect(compileError('package p\n\nq := 1\n\nq contains 2\n')).toMatch(/rego_type_error: conflicting rules data\.p\.q found/);
  });

  it('every message is a single line', () => {
    for (const src of ['package p\nq if {', 'package p\nq if { x }', 'package p\nq if { f(1) }']) {
      expect(compileError(src).split('\n')).toHaveLength(1);
    }
  });
});

describe('pipeline', () => {
  it('runs named stages in order', () => {
    expect(STAGE_NAMES).toEqual([
      'parse',
      'fill in rego.metadata calls',
      'resolve refs and rename locals',
      'rewrite dynamic terms',
      'build the document tree',
      'check calls',
      'check types',
      'check recursion',
      'check safety',
      'plan and emit wasm',
    ]);
  });
});
