// Issue 11, evaluation bounds: a template (given with --policy, or among the inputs)
// or the objects it is fed cannot hang a run, take the machine's memory, corrupt
// the module's heap, or fail to load for the size of its data. Each limit that trips
// is that object's evaluation error for that constraint, named with the limit, and
// every other object and constraint in the same run keeps its findings.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintTemplate } from '../helpers/templates';
import { parse } from 'yaml';
import { compile } from '../../src/compiler/compile';
import { evaluate } from '../../src/gatekeeper/engine';
import type { K8sObject } from '../../src/gatekeeper/types';
import { lint } from '../../src/lint/lint';
import { EvaluationLimitError, loadLimitedPolicy, OUT_OF_MEMORY } from '../../src/policy/limits';
import { ReviewEvaluator } from '../../src/policy/review-evaluator';
import { loadPolicySync } from '../../src/policy/sdk';
import type { Finding, Report } from '../../src/report/model';
import { offgate } from '../helpers/cli';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-bounds-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** A template whose violation rules are `rules` (v0 Rego), with one constraint of its kind. */
function policy(name: string, kind: string, rules: string): string {
  const rego = `package ${name}\n\n${rules}`;
  return `${constraintTemplate(kind, rego, name)}---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: ${kind}
metadata:
  name: ${name}-everywhere
`;
}

// Every hostile template also has an ordinary rule, so the same module must still
// find "blue" after it hit a limit on another object.
const BLUE = `violation[{"msg": "team blue is not allowed here"}] {
  input.review.object.metadata.name == "blue"
}
`;

// 2 GiB of string: 1 KiB, then 1 MiB, then 2,048 references to it joined.
const MEMORY_HOG = `violation[{"msg": msg}] {
  input.review.object.metadata.name == "memory-hog"
  r64 := numbers.range(1, 64)
  k := concat("", ["0123456789abcdef" | r64[_]])
  r1k := numbers.range(1, 1024)
  m := concat("", [k | r1k[_]])
  r2k := numbers.range(1, 2048)
  g := concat("", [m | r2k[_]])
  msg := sprintf("built %v bytes", [count(g)])
}
${BLUE}`;

const TIME_HOGS = `violation[{"msg": msg}] {
  input.review.object.metadata.name == "comprehension"
  n := count([x | r := numbers.range(1, 1000000000); x := r[_]])
  msg := sprintf("counted %v", [n])
}

# 200^5 steps: the first four loops always go on, the last never matches
violation[{"msg": "never"}] {
  input.review.object.metadata.name == "nested-loops"
  cs := input.review.object.spec.containers
  cs[_].name != cs[_].image
  cs[_].image != cs[_].name
  cs[_].name == "nope"
}
${BLUE}`;

const pod = (name: string, extra = '', containers = 1) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: shop
spec:
  containers:
${Array.from({ length: containers }, (_, i) => `  - name: c${i}\n    image: nginx:${i}\n${extra}`).join('')}`;

const PRIVILEGED = '    securityContext:\n      privileged: true\n';

/** `-o json`: the report with its findings under `results`. */
interface JsonReport {
  results: Finding[];
  errors: Report['errors'];
}

function lintJson(args: string[], cwd: string): { code: number; report: JsonReport; stderr: string } {
  const r = offgate(['lint', '-o', 'json', ...args], { cwd });
  expect(r.stdout, `stderr: ${r.stderr}`).not.toBe('');
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

const brief = (f: Finding) => `${f.object.name} ${f.constraint.kind}${f.evaluationError ? ' ERROR' : ''}: ${f.message}`;

describe('memory maximum', () => {
  it('CLI: a template that allocates past the limit is that object’s error; the same module then lints the next objects', () => {
    const cwd = workspace({
      'policy/hog.yaml': policy('k8smemoryhog', 'K8sMemoryHog', MEMORY_HOG),
      'apps/pods.yaml': [pod('memory-hog', PRIVILEGED), pod('blue'), pod('priv', PRIVILEGED)].join('---\n'),
    });
    const { code, report } = lintJson(['--env', 'baseline', '--policy', 'policy', 'apps'], cwd);
    expect(code).toBe(1);
    expect(report.errors).toEqual([]);
    const lines = report.results.map(brief);
    expect(lines).toContain('memory-hog K8sMemoryHog ERROR: evaluation of k8smemoryhog on Pod/shop/memory-hog ran out of memory (limit 1024 MiB)');
    expect(lines).toContain('blue K8sMemoryHog: team blue is not allowed here');
    // the bundled constraint on the same object, and on another one, are still evaluated
    expect(lines.filter((l) => l.startsWith('memory-hog K8sPSPPrivilegedContainer: '))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('priv K8sPSPPrivilegedContainer: '))).toHaveLength(1);
    expect(report.results).toHaveLength(4);
  });

  it('SDK: running out mid-evaluation aborts cleanly, and the heap reset lets the same instance evaluate the next review', () => {
    const wasm = compile({
      modules: [{ file: 'hog.rego', source: `package hog\n\nviolation[{"msg": msg}] {\n  input.review.n > 0\n  msg := sprintf("%v", [count(numbers.range(1, input.review.n))])\n}\n` }],
      entrypoints: ['hog/violation'],
      regoVersion: 'v0',
    });
    const limited = loadLimitedPolicy(wasm, { timeoutMs: 0, memoryLimitBytes: 64 * 1024 * 1024 });
    const evaluator = new ReviewEvaluator(limited);
    const heap = (limited.policy as unknown as { wasmInstance: WebAssembly.Instance }).wasmInstance.exports.opa_heap_ptr_get as () => number;
    const run = (n: number) => {
      evaluator.begin(JSON.stringify({ n }));
      try {
        return evaluator.evaluate('hog/violation', new TextEncoder().encode('{}'));
      } finally {
        evaluator.end();
      }
    };
    expect(run(1000)).toEqual([{ result: [{ msg: '1000' }] }]);
    const base = heap();
    // 10^7 ints (16 bytes each) and their slots: far more than 64 MiB
    let thrown: unknown;
    try {
      run(10_000_000);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(EvaluationLimitError);
    expect((thrown as EvaluationLimitError).limit).toBe('memory');
    expect((thrown as Error).message).toBe('ran out of memory (limit 64 MiB)');
    expect(limited.policy.mem.buffer.byteLength).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(heap()).toBe(base);
    // the same instance, afterwards: right answers, twice (nothing left over from the abort)
    expect(run(300)).toEqual([{ result: [{ msg: '300' }] }]);
    expect(run(70_000)).toEqual([{ result: [{ msg: '70000' }] }]);
    expect(heap()).toBe(base);
  });

  it('an inventory too big for a template’s memory makes that template’s constraints errors; other templates still find theirs', () => {
    const template = (name: string, kind: string, rules: string) => [parse(policy(name, kind, rules).split('---')[0]), parse(policy(name, kind, rules).split('---')[1])];
    const [invTemplate, invConstraint] = template('k8sinventory', 'K8sInventory', `violation[{"msg": "duplicate"}] {\n  other := data.inventory.namespace[_][_].ConfigMap[_]\n  other.metadata.name == input.review.object.metadata.name\n  other.metadata.namespace != input.review.object.metadata.namespace\n}\n`);
    const [blueTemplate, blueConstraint] = template('k8snoblue', 'K8sNoBlue', BLUE);
    // 24 ConfigMaps of 512 KiB: 12 MiB of inventory for an 8 MiB memory
    const big = 'x'.repeat(512 * 1024);
    const configMaps = Array.from({ length: 24 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: i === 0 ? 'blue' : `cm${i}`, namespace: 'shop' }, data: { big } }));
    const out = evaluate({
      objects: [invTemplate, invConstraint, blueTemplate, blueConstraint, ...configMaps].map((object) => ({ object: object as K8sObject, origin: { file: 'in.yaml' } })),
      options: { cacheDir: null, memoryLimitBytes: 8 * 1024 * 1024 },
    });
    expect(out.errors).toEqual([]);
    const inventoryErrors = out.results.filter((r) => r.constraint.kind === 'K8sInventory');
    expect(inventoryErrors).toHaveLength(24);
    for (const r of inventoryErrors) {
      expect(r.evaluationError).toBe(true);
      expect(r.message).toBe('template k8sinventory could not load data.inventory: ran out of memory (limit 8 MiB)');
    }
    expect(out.results.filter((r) => r.constraint.kind === 'K8sNoBlue').map((r) => [r.object.name, r.message])).toEqual([['blue', 'team blue is not allowed here']]);
  });
});

describe('limits as options', () => {
  it('lint() refuses a limit out of range as a fatal error naming it, before reading anything', async () => {
    const cwd = workspace({ 'pods.yaml': pod('blue') });
    expect((await lint({ paths: ['.'], cwd, timeoutMs: -1 })).fatal).toBe('timeout must be a number of milliseconds, 0 for none (got -1)');
    expect((await lint({ paths: ['.'], cwd, memoryLimitBytes: 5 * 2 ** 32 })).fatal).toMatch(/^memory limit must be between 320 KiB and 4 GiB/);
    expect((await lint({ paths: ['.'], cwd, timeoutMs: 0 })).fatal).toBeUndefined();
  });
});

describe('allocator arithmetic', () => {
  // Stock SDK, no memory maximum: the sizes themselves must not wrap.
  const load = (body: string) =>
    loadPolicySync(compile({ modules: [{ file: 'wrap.rego', source: `package wrap\n\n${body}` }], entrypoints: ['wrap/out'], regoVersion: 'v0' }));
  const MIB = `
mib := m {
  r64 := numbers.range(1, 64)
  k := concat("", ["0123456789abcdef" | r64[_]])
  r1k := numbers.range(1, 1024)
  m := concat("", [k | r1k[_]])
}
`;

  it('concat of 5,000 references to a 1 MiB string (5 GB, 705 MB once wrapped at 4 GiB) aborts as out of memory', () => {
    const policy = load(`${MIB}\nout := count(concat("", [mib | r := numbers.range(1, input.n); r[_]]))\n`);
    expect(policy.evaluate({ n: 3 })).toEqual([{ result: 3 * 1024 * 1024 }]);
    expect(() => policy.evaluate({ n: 5000 })).toThrow(OUT_OF_MEMORY);
    // and the instance still answers correctly (the SDK resets the heap per evaluation)
    expect(policy.evaluate({ n: 2 })).toEqual([{ result: 2 * 1024 * 1024 }]);
  });
});

describe('evaluation deadline', () => {
  it('a 10^9-element comprehension and nested loops over the input end at the deadline; other objects and constraints are evaluated', async () => {
    const cwd = workspace({
      'policy/hogs.yaml': policy('k8stimehog', 'K8sTimeHog', TIME_HOGS),
      'apps/pods.yaml': [pod('comprehension', PRIVILEGED), pod('nested-loops', '', 200), pod('blue'), pod('priv', PRIVILEGED)].join('---\n'),
    });
    const { report } = await lint({ paths: ['apps'], policyDirs: ['policy'], env: 'baseline', cwd, timeoutMs: 300 });
    expect(report.errors).toEqual([]);
    const lines = report.findings.map(brief);
    expect(lines).toContain('comprehension K8sTimeHog ERROR: evaluation of k8stimehog on Pod/shop/comprehension timed out (timeout 300 ms)');
    expect(lines).toContain('nested-loops K8sTimeHog ERROR: evaluation of k8stimehog on Pod/shop/nested-loops timed out (timeout 300 ms)');
    expect(lines).toContain('blue K8sTimeHog: team blue is not allowed here');
    expect(lines.filter((l) => l.startsWith('comprehension K8sPSPPrivilegedContainer:'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('priv K8sPSPPrivilegedContainer:'))).toHaveLength(1);
    expect(report.findings.filter((f) => f.evaluationError)).toHaveLength(2);
    expect(report.summary.byAction.deny).toBe(report.findings.length);
  });

  it('calls that neither allocate nor iterate (each function calls the next twice: 2^40 calls) end at the deadline', () => {
    const fns = Array.from({ length: 40 }, (_, i) => `f${i}(x) {\n  f${i + 1}(x)\n  f${i + 1}(x)\n}`).join('\n');
    const wasm = compile({ modules: [{ file: 'calls.rego', source: `package calls\n\n${fns}\nf40(x) {\n  x == 1\n}\n\nout {\n  f0(input.x)\n}\n` }], entrypoints: ['calls/out'], regoVersion: 'v0' });
    const limited = loadLimitedPolicy(wasm, { timeoutMs: 200, memoryLimitBytes: 1 << 30 });
    expect(() => limited.run(() => limited.policy.evaluate({ x: 1 }))).toThrow('timed out (timeout 200 ms)');
    // the same instance, then: an input that fails at once
    expect(limited.run(() => limited.policy.evaluate({ x: 2 }))).toEqual([]);
  });

  it('the default deadline is Gatekeeper’s maximum webhook timeout; 0 turns it off', async () => {
    const { DEFAULT_LIMITS } = await import('../../src/policy/limits');
    expect(DEFAULT_LIMITS.timeoutMs).toBe(30_000);
    // with no deadline, a long but finite evaluation completes
    const wasm = compile({ modules: [{ file: 'p.rego', source: 'package p\n\nn := count([x | r := numbers.range(1, 300000); x := r[_]])\n' }], entrypoints: ['p/n'], regoVersion: 'v0' });
    const limited = loadLimitedPolicy(wasm, { timeoutMs: 0, memoryLimitBytes: 1 << 30 });
    expect(limited.run(() => limited.policy.evaluate({}))).toEqual([{ result: 300000 }]);
  });

  it('the check is off in the stock SDK: the module loads and runs unchanged', () => {
    const wasm = compile({ modules: [{ file: 'p.rego', source: 'package p\n\nn := count([x | r := numbers.range(1, 300000); x := r[_]])\n' }], entrypoints: ['p/n'], regoVersion: 'v0' });
    const policy = loadPolicySync(wasm);
    expect(policy.evaluate({})).toEqual([{ result: 300000 }]);
  });
});

describe('static data', () => {
  const ALLOWLIST = Array.from({ length: 10_000 }, (_, i) => `registry.example.com/team-${i}/image-${i}:1.${i}`);
  const TEMPLATE = `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sallowedimages
spec:
  crd:
    spec:
      names:
        kind: K8sAllowedImages
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sallowedimages

        allowed := {
${ALLOWLIST.map((s) => `          "${s}",`).join('\n')}
        }

        violation[{"msg": msg}] {
          c := input.review.object.spec.containers[_]
          not allowed[c.image]
          msg := sprintf("image %v is not in the allowlist", [c.image])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sAllowedImages
metadata:
  name: allowlist
`;

  it('offgate compile output of a template with a 10k-entry allowlist loads and runs in the stock SDK with its default memory', () => {
    const cwd = workspace({ 'template.yaml': TEMPLATE.split('---')[0] });
    const r = offgate(['compile', 'template.yaml', '--output-file', 'x.wasm'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const wasm = readFileSync(join(cwd, 'x.wasm'));
    expect(wasm.length).toBeGreaterThan(5 * 65536); // more data than the SDK's default memory holds
    const policy = loadPolicySync(wasm);
    const review = (images: string[]) => ({ review: { object: { spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } } });
    expect(policy.evaluate(review([ALLOWLIST[0], ALLOWLIST[9_999]]), 'k8sallowedimages/violation')).toEqual([{ result: [] }]);
    expect(policy.evaluate(review([ALLOWLIST[5_000], 'evil:latest']), 'k8sallowedimages/violation')).toEqual([{ result: [{ msg: 'image evil:latest is not in the allowlist' }] }]);
  });

  it('CLI: the same template under --policy lints, next to the bundled constraints', () => {
    const cwd = workspace({
      'policy/allow.yaml': TEMPLATE,
      'apps/pods.yaml': `${pod('ok').replace('nginx:0', ALLOWLIST[42])}---\n${pod('bad', PRIVILEGED)}`,
    });
    const { code, report } = lintJson(['--env', 'baseline', '--policy', 'policy', 'apps'], cwd);
    expect(report.errors).toEqual([]);
    expect(code).toBe(1);
    expect(report.results.map(brief).sort()).toEqual([
      'bad K8sAllowedImages: image nginx:0 is not in the allowlist',
      expect.stringMatching(/^bad K8sPSPPrivilegedContainer: /),
    ]);
  });
});
