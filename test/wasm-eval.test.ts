// Evaluation inside compiled modules (issue 18, part 3): rules cached under `with input as`
// (per scope, and per value of the one input key they read), input prefixes looked up once
// per call, field lookups that start where the site found the key last, sprintf without
// Go's machinery for bare verbs, and the opt-in name section for profiling. Each must give
// exactly the results of the plain way, which these tests pin on inputs that would expose
// a stale cache or a wrong hint.
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile';
import { readModule } from '../src/compiler/backend/wasm-reader';
import { loadPolicySync } from '../src/policy/sdk';
import { offgate } from './helpers/cli';
import { workspace } from './helpers/workspace';

function policyOf(sources: Record<string, string>, entrypoints: string[]) {
  const wasm = compile({ modules: Object.entries(sources).map(([file, source]) => ({ file, source })), entrypoints });
  return loadPolicySync(wasm);
}

function run(sources: Record<string, string>, entrypoint: string, input: unknown): unknown {
  return policyOf(sources, [entrypoint]).evaluate(input, entrypoint)[0]?.result;
}

// A batch module's shape: one helper reads only input.review, one reads input.parameters,
// one reads both; each "template" runs under its own `with input as`.
const LIB = `package lib
import rego.v1

names := [c.name | some c in input.review.object.spec.containers]
limit := input.parameters.limit
over contains c.name if {
  some c in input.review.object.spec.containers
  count(c.name) > input.parameters.limit
}
`;

const BATCH = `package batch
import rego.v1

# The same helpers under withs whose review differs: nothing computed for one may serve the other.
reviews := [n | some r in input.reviews; n := data.lib.names with input as {"review": r, "parameters": {"limit": 1}}]

nested := [a, b, c] if {
  a := data.lib.limit with input as {"parameters": {"limit": 1}}
  b := inner with input as {"parameters": {"limit": 2}}
  c := data.lib.limit with input as {"parameters": {"limit": 3}}
}

inner := [data.lib.limit, x, data.lib.limit] if {
  x := data.lib.limit with input.parameters.limit as 9
}
`;

const PER = `package per
import rego.v1

results[i] := v if {
  some i, p in input.constraints
  v := {"names": data.lib.names, "limit": data.lib.limit, "over": data.lib.over} with input as {"review": input.review, "parameters": p}
}
`;

const pod = (...names: string[]) => ({ object: { spec: { containers: names.map((name) => ({ name })) } } });

describe('rules cached under `with input as`', () => {
  it('a helper of input.review serves every constraint; helpers of parameters see each one', () => {
    const got = run({ 'lib.rego': LIB, 'per.rego': PER }, 'per/results', { review: pod('a', 'bbb', 'cc'), constraints: [{ limit: 1 }, { limit: 2 }, { limit: 5 }] });
    expect(got).toEqual({
      '0': { names: ['a', 'bbb', 'cc'], limit: 1, over: ['bbb', 'cc'] },
      '1': { names: ['a', 'bbb', 'cc'], limit: 2, over: ['bbb'] },
      '2': { names: ['a', 'bbb', 'cc'], limit: 5, over: [] },
    });
  });

  it('a different review under the same with is a different value', () => {
    const got = run({ 'lib.rego': LIB, 'batch.rego': BATCH }, 'batch/reviews', { reviews: [pod('a'), pod('b', 'c'), pod(), pod('a')] });
    expect(got).toEqual([['a'], ['b', 'c'], [], ['a']]);
  });

  it('nested and successive withs each see their own input, and the outer one again after an inner one', () => {
    expect(run({ 'lib.rego': LIB, 'batch.rego': BATCH }, 'batch/nested', {})).toEqual([1, [2, 9, 2], 3]);
  });

  it('evaluations one after another in the same instance never see a value of the one before', () => {
    const policy = policyOf({ 'lib.rego': LIB, 'per.rego': PER }, ['per/results']);
    for (const names of [['x'], ['y', 'zz'], ['x']]) {
      const r = policy.evaluate({ review: pod(...names), constraints: [{ limit: 1 }] }, 'per/results');
      expect(r[0].result).toEqual({ '0': { names, limit: 1, over: names.filter((n) => n.length > 1) } });
    }
  });
});

describe('input prefixes looked up once per call', () => {
  const SRC = `package p
import rego.v1

f(x) := [input.a.b, y, input.a.b, z] if {
  y := input.a.b with input as {"a": {"b": x}}
  z := g with input.a as {"b": "inner"}
}
g := input.a.b

missing := input.a.nope
deep := input.a.c.d
`;

  it('a with in the body changes input only inside it', () => {
    const CALL = `package q\nimport rego.v1\nr := data.p.f("mock")\n`;
    expect(run({ 'p.rego': SRC, 'q.rego': CALL }, 'q/r', { a: { b: 'outer' } })).toEqual(['outer', 'mock', 'outer', 'inner']);
  });

  it('an undefined prefix stays undefined, and input that is no object has no fields', () => {
    expect(run({ 'p.rego': SRC }, 'p/missing', { a: { b: 1 } })).toBeUndefined();
    expect(run({ 'p.rego': SRC }, 'p/deep', { a: 'text' })).toBeUndefined();
    expect(run({ 'p.rego': SRC }, 'p/deep', { a: { c: { d: 7 } } })).toBe(7);
    expect(run({ 'p.rego': SRC }, 'p/g', undefined)).toBeUndefined();
  });
});

describe('field lookups that start where the site found the key last', () => {
  // The same site over objects whose keys sit at different indices, or are absent.
  const SRC = `package p
import rego.v1

images := [x | some o in input.objects; x := o.image]
`;

  it('finds each key wherever it is, and nothing where it is not', () => {
    const objects = [
      { image: 'a' },
      { aa: 1, image: 'b' },
      { aa: 1, bb: 2, cc: 3, image: 'c' },
      { aa: 1, bb: 2 },
      { image: 'd', zz: 1 },
      { imagf: 1, imag: 2 },
      { 'image ': 1, image: 'e' },
      'image',
      ['image'],
      { image: 'f' },
    ];
    expect(run({ 'p.rego': SRC }, 'p/images', { objects })).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('a key of the same length and first bytes is another key', () => {
    const objects = [{ imageXYZW1: 1 }, { imageXYZW2: 2 }].map((o) => o);
    const SRC2 = `package p\nimport rego.v1\nv := [x | some o in input.objects; x := o.imageXYZW2]\n`;
    expect(run({ 'p.rego': SRC2 }, 'p/v', { objects: [...objects, ...objects] })).toEqual([2, 2]);
  });
});

describe('sprintf of bare verbs', () => {
  const SRC = `package p
import rego.v1

out := [sprintf(f, args) | some [f, args] in input.cases]
`;
  // What Go's fmt writes (and OPA's sprintf returns), simple and not.
  const cases: [string, unknown[], string][] = [
    ['spec.%s[%d]', ['containers', 3], 'spec.containers[3]'],
    ['%v and %v', ['text', -42], 'text and -42'],
    ['%d', [-1234567890123], '-1234567890123'],
    ['%s', [['a', 1]], '["a", 1]'],
    ['%v', [{ b: 1, a: [true, null] }], '{"a": [true, null], "b": 1}'],
    ['100%% of %s', ['it'], '100% of it'],
    ['%s', [1], '%!s(int=1)'],
    ['%d', ['x'], '%!d(string=x)'],
    ['%v', [1.5], '1.5'],
    ['%s %s', ['one'], 'one %!s(MISSING)'],
    ['%s', ['a', 'b'], 'a%!(EXTRA string=b)'],
    ['%5s|%-3d|', ['ab', 7], '   ab|7  |'],
    ['no verbs', [], 'no verbs'],
    ['trailing %', [], 'trailing %!(NOVERB)'],
    ['ünïcode %s ✓', ['ok'], 'ünïcode ok ✓'],
  ];

  it('writes what the general path writes', () => {
    const input = { cases: cases.map(([f, a]) => [f, a]) };
    expect(run({ 'p.rego': SRC }, 'p/out', input)).toEqual(cases.map(([, , want]) => want));
  });

  it('the smallest int, which has no positive counterpart', () => {
    expect(run({ 'p.rego': 'package p\nx := sprintf("%d|%v", [-9223372036854775808, -9223372036854775808])\n' }, 'p/x', {})).toBe('-9223372036854775808|-9223372036854775808');
  });
});

describe('function names for profiling', () => {
  const saved = process.env.OFFGATE_WASM_NAMES;
  afterEach(() => {
    if (saved === undefined) delete process.env.OFFGATE_WASM_NAMES;
    else process.env.OFFGATE_WASM_NAMES = saved;
  });
  const build = () => compile({ modules: [{ file: 'p.rego', source: 'package p\nimport rego.v1\nq := r + 1\nr := count(input.xs)\n' }], entrypoints: ['p/q'] });

  it('off by default: no name section, and the same bytes as before', () => {
    delete process.env.OFFGATE_WASM_NAMES;
    const wasm = build();
    expect(readModule(wasm).customs.map((c) => c.name)).toEqual([]);
  });

  it('OFFGATE_WASM_NAMES=1 names rules and runtime exports, and changes no code', () => {
    delete process.env.OFFGATE_WASM_NAMES;
    const plain = build();
    process.env.OFFGATE_WASM_NAMES = '1';
    const named = build();
    const mod = readModule(named);
    const section = mod.customs.find((c) => c.name === 'name');
    expect(section).toBeDefined();
    const text = new TextDecoder().decode(section!.bytes);
    expect(text).toContain('data.p.q');
    expect(text).toContain('data.p.r');
    expect(text).toContain('entrypoint p/q');
    expect(text).toContain('opa_json_parse');
    expect(mod.code).toEqual(readModule(plain).code);
    expect(loadPolicySync(named).evaluate({ xs: [1, 2] }, 'p/q')[0].result).toBe(3);
  });
});

describe('offgate lint on templates sharing input.review helpers (CLI)', () => {
  const template = (kind: string, pkg: string, body: string) => `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: ${kind.toLowerCase()}
spec:
  crd:
    spec:
      names:
        kind: ${kind}
      validation:
        openAPIV3Schema:
          type: object
          properties:
            max: {type: integer}
            registry: {type: string}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package ${pkg}
        ${body.split('\n').join('\n        ')}
`;
  const containers = `input_containers[c] {
  c := input.review.object.spec.containers[_]
}`;
  it('each constraint sees its own parameters over the same containers', () => {
    const dir = workspace({
      'policy/max-name.yaml': template('K8sMaxName', 'k8smaxname', `${containers}
violation[{"msg": msg}] {
  c := input_containers[_]
  count(c.name) > input.parameters.max
  msg := sprintf("container %v: name longer than %v", [c.name, input.parameters.max])
}`),
      'policy/registry.yaml': template('K8sRegistry', 'k8sregistry', `${containers}
violation[{"msg": msg}] {
  c := input_containers[_]
  not startswith(c.image, input.parameters.registry)
  msg := sprintf("container %v: image %v is not from %v", [c.name, c.image, input.parameters.registry])
}`),
      'policy/constraints.yaml': ['K8sMaxName:short:3', 'K8sMaxName:long:6', 'K8sRegistry:internal:registry.example.com/']
        .map((s) => {
          const [kind, name, value] = s.split(':');
          const parameters = kind === 'K8sMaxName' ? `max: ${value}` : `registry: ${value}`;
          return `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: ${kind}
metadata:
  name: ${name}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: ["Pod"]}]
  parameters:
    ${parameters}
`;
        })
        .join('---\n'),
      'pod.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: registry.example.com/app:1
    - name: sidecar
      image: docker.io/sidecar:2
    - name: logshipper
      image: registry.example.com/logs:3
`,
    }, { git: true });
    const r = offgate(['lint', '--policy', 'policy', '-o', 'json', 'pod.yaml'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const messages = (JSON.parse(r.stdout) as { results: { message: string }[] }).results.map((f) => f.message).sort();
    expect(messages).toEqual([
      'container logshipper: name longer than 3',
      'container logshipper: name longer than 6',
      'container sidecar: image docker.io/sidecar:2 is not from registry.example.com/',
      'container sidecar: name longer than 3',
      'container sidecar: name longer than 6',
    ]);
  });
});
