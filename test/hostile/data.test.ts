// Data is data (issue 11): keys and values that name JavaScript's object machinery —
// `__proto__`, `constructor`, `prototype` — are fields and strings like any other, at every
// level of every input: manifests, a workload's pod template, labels, annotations,
// namespaces, apiVersion/kind/name, --policy objects, offgate.yaml parameters, suite
// objects and suite inventories. Each test runs the built CLI on the same inputs with and
// without those keys, and asserts the same verdicts and exit code. (The timeouts only leave
// room for several CLI runs per test on a loaded machine; nothing here measures time.)
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { offgate } from '../helpers/cli';
import { attachedNamespace, isClusterScoped } from '../../src/gatekeeper/match';
import { buildInventory } from '../../src/gatekeeper/inventory';
import { expand, type ExpansionRule } from '../../src/gatekeeper/expansion';

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-data-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** A field set as a field, whatever its name (assignment to `__proto__` would set the prototype). */
function defineField(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * What an attacker would hide under those keys: labels that satisfy a labelSelector
 * exemption, a namespace the constraints exclude, `source: Generated`, harmless settings.
 */
function poison(): Record<string, unknown> {
  return {
    metadata: { labels: { exempt: 'true' }, namespace: 'kube-system' },
    labels: { exempt: 'true' },
    source: 'Generated',
    privileged: false,
    hostNetwork: false,
    kind: 'ConfigMap',
  };
}

const STRING_MAPS = new Set(['labels', 'annotations', 'matchLabels', 'nodeSelector']);

/** A copy of `value` with the three keys added to every mapping (string values where the map holds strings). */
function withProtoKeys(value: unknown, parentKey = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => withProtoKeys(v));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) defineField(out, k, withProtoKeys(v, k));
  for (const k of PROTO_KEYS) defineField(out, k, STRING_MAPS.has(parentKey) ? 'true' : poison());
  return out;
}

/** The YAML and JSON texts of `docs`, with the keys added everywhere. */
function poisoned(docs: object[]): { yaml: string; json: string } {
  const p = docs.map((d) => withProtoKeys(d));
  const yaml = p.map((d) => stringify(d)).join('---\n');
  // The writers keep them as keys (the point of the test): check it, not assume it.
  expect(yaml).toContain('__proto__:');
  const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: p }, null, 1);
  expect(json).toContain('"__proto__"');
  return { yaml, json };
}

interface Verdicts {
  code: number;
  verdicts: string[];
  errors: string[];
}

/** Exit code and verdicts (file, object, constraint, action; positions move when keys are added). */
function verdicts(args: string[], cwd: string, only?: (file: string) => boolean): Verdicts {
  const r = offgate(['lint', '-o', 'json', ...args], { cwd });
  expect(r.stdout, r.stderr).not.toBe('');
  const report = JSON.parse(r.stdout) as {
    results: { file: string; object: { kind: string; namespace: string | null; name: string | null }; constraint: { kind: string; name: string }; enforcementAction: string }[];
    errors: { file: string; message: string }[];
  };
  const base = (f: string) => f.replace(/\.(json|yaml)$/, '');
  return {
    code: r.code,
    verdicts: report.results
      .filter((x) => !only || only(x.file))
      .map((x) => `${base(x.file)} ${x.object.kind} ${x.object.namespace}/${x.object.name} ${x.constraint.kind}/${x.constraint.name} ${x.enforcementAction}`)
      .sort(),
    errors: report.errors.map((e) => `${e.file}: ${e.message}`),
  };
}

const BAD_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'bad', namespace: 'shop', labels: { app: 'bad' }, annotations: { note: 'x' } },
  spec: {
    hostNetwork: true,
    containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } }],
  },
};

const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' }, annotations: { a: 'b' } },
      spec: { hostPID: true, containers: [{ name: 'web', image: 'nginx', securityContext: { privileged: true } }] },
    },
  },
};

const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } };

/** Objects whose identifying strings are the keys themselves (the 4-line manifest among them). */
const NAMED_LIKE_KEYS = PROTO_KEYS.flatMap((k) => [
  `apiVersion: ${k}\nkind: source\nmetadata:\n  name: x\n`,
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: ${k}\n`,
  `apiVersion: ${k}/v1\nkind: ${k}\nmetadata:\n  name: ${k}\n  namespace: ${k}\n`,
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${k}\n  labels: {${k}: "true"}\n`,
]).join('---\n');

/** A template that reads data.inventory (so the inventory is built), and a constraint exempting label `exempt`. */
const INVENTORY_TEMPLATE = `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8snoprivileged
spec:
  crd:
    spec:
      names:
        kind: K8sNoPrivileged
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8snoprivileged
        # seen = data.inventory: every input object is in it
        violation[{"msg": msg}] {
          c := input.review.object.spec.containers[_]
          c.securityContext.privileged
          count(data.inventory.namespace) >= 0
          msg := sprintf("container %v is privileged", [c.name])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sNoPrivileged
metadata:
  name: no-privileged
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
    labelSelector:
      matchExpressions: [{key: exempt, operator: DoesNotExist}]
`;

describe('prototype keys in linted files are fields, never prototypes', { timeout: 60_000 }, () => {
  it.each([[['--env', 'restricted']], [['--env', 'restricted', '--policy', 'policy']]])('manifests, pod templates, labels, annotations, namespaces (YAML and JSON), %j: the same verdicts as without them', (args) => {
    const docs = [BAD_POD, DEPLOYMENT, NAMESPACE];
    const clean = workspace({ 'apps.yaml': docs.map((d) => stringify(d)).join('---\n'), 'policy/p.yaml': INVENTORY_TEMPLATE });
    const { yaml, json } = poisoned(docs);
    const dirty = workspace({ 'apps.yaml': yaml, 'apps.json': json, 'keys.yaml': NAMED_LIKE_KEYS, 'policy/p.yaml': INVENTORY_TEMPLATE });
    {
      const before = verdicts([...args, 'apps.yaml'], clean);
      expect(before.code).toBe(1);
      // The Pod's own denials and its workload's: enough to see any of them vanish.
      expect(before.verdicts.filter((v) => v.startsWith('apps Pod shop/bad')).length).toBeGreaterThanOrEqual(5);
      expect(before.verdicts.some((v) => v.includes('K8sNoPrivileged') || !args.includes('--policy'))).toBe(true);
      for (const file of ['apps.yaml', 'apps.json']) {
        const after = verdicts([...args, file, 'keys.yaml'], dirty, (f) => f === file);
        expect(after.errors, file).toEqual([]);
        expect(after.code, file).toBe(before.code);
        expect(after.verdicts, file).toEqual(before.verdicts);
      }
    }
  });

  it('the 4-line manifest `apiVersion: __proto__ / kind: source` no longer silences every constraint', () => {
    const cwd = workspace({
      'pod.yaml': stringify(BAD_POD),
      'proto.yaml': 'apiVersion: __proto__\nkind: source\nmetadata:\n  name: x\n',
      'ns.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: __proto__\n',
      'policy/p.yaml': INVENTORY_TEMPLATE,
    });
    const alone = verdicts(['--env', 'restricted', '--policy', 'policy', 'pod.yaml'], cwd);
    const withProto = verdicts(['--env', 'restricted', '--policy', 'policy', 'proto.yaml', 'ns.yaml', 'pod.yaml'], cwd);
    expect(alone.code).toBe(1);
    expect(withProto).toEqual(alone);
    expect(withProto.verdicts).toContain('pod Pod shop/bad K8sNoPrivileged/no-privileged deny');
  });

  it('a `__proto__` holding exempting labels in a pod template does not exempt the Pods', () => {
    const template = DEPLOYMENT.spec.template;
    const sneaky = { ...DEPLOYMENT, spec: { ...DEPLOYMENT.spec, template: {} as Record<string, unknown> } };
    defineField(sneaky.spec.template, 'spec', template.spec);
    defineField(sneaky.spec.template, '__proto__', { metadata: { labels: { exempt: 'true' } } });
    const text = JSON.stringify(sneaky);
    expect(text).toContain('"__proto__":{"metadata"');
    const cwd = workspace({ 'deploy.json': text, 'policy/p.yaml': INVENTORY_TEMPLATE });
    const r = verdicts(['--policy', 'policy', 'deploy.json'], cwd);
    expect(r.code).toBe(1);
    expect(r.verdicts).toEqual(['deploy Pod shop/web-pod K8sNoPrivileged/no-privileged deny']);
    // The same with the label really on the template: exempt (the selector itself works).
    const exempt = workspace({ 'deploy.yaml': stringify({ ...DEPLOYMENT, spec: { ...DEPLOYMENT.spec, template: { ...template, metadata: { labels: { exempt: 'true' } } } } }), 'policy/p.yaml': INVENTORY_TEMPLATE });
    expect(verdicts(['--policy', 'policy', 'deploy.yaml'], exempt)).toEqual({ code: 0, verdicts: [], errors: [] });
  });

  // (`__proto__` is no valid label key: a selector on it is refused at load.)
  it('labels named constructor or prototype are labels: a selector on them sees only what is written', () => {
    const constraint = (expr: string) =>
      INVENTORY_TEMPLATE.replace('matchExpressions: [{key: exempt, operator: DoesNotExist}]', `matchExpressions: [${expr}]`);
    const pod = (labels: string) => stringify({ ...BAD_POD, metadata: { name: 'bad', namespace: 'shop', ...(labels ? { labels: JSON.parse(labels) } : {}) } });
    // "constructor" is not a label of an unlabelled Pod: Exists does not match, DoesNotExist does.
    const cases: [string, string, number][] = [
      ['{key: constructor, operator: Exists}', '', 0],
      ['{key: constructor, operator: DoesNotExist}', '', 1],
      ['{key: prototype, operator: Exists}', '', 0],
      ['{key: prototype, operator: In, values: ["x"]}', '{"prototype": "x", "__proto__": "z"}', 1],
      ['{key: toString, operator: Exists}', '{"app": "a"}', 0],
    ];
    for (const [expr, labels, code] of cases) {
      const cwd = workspace({ 'pod.yaml': pod(labels), 'policy/p.yaml': constraint(expr) });
      expect(verdicts(['--policy', 'policy', 'pod.yaml'], cwd).code, expr).toBe(code);
    }
  });

  it('namespaces named like the keys: namespaceSelector reads only the Namespace objects given', () => {
    const selector = INVENTORY_TEMPLATE.replace('labelSelector:\n      matchExpressions: [{key: exempt, operator: DoesNotExist}]', 'namespaceSelector:\n      matchLabels: {team: a}');
    for (const ns of PROTO_KEYS) {
      const pod = stringify({ ...BAD_POD, metadata: { name: 'bad', namespace: ns } });
      const labelled = workspace({ 'pod.yaml': pod, 'ns.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels: {team: a}\n`, 'policy/p.yaml': selector });
      expect(verdicts(['--policy', 'policy', '.'], labelled).verdicts, ns).toEqual([`pod Pod ${ns}/bad K8sNoPrivileged/no-privileged deny`]);
      const unlabelled = workspace({ 'pod.yaml': pod, 'policy/p.yaml': selector });
      expect(verdicts(['--policy', 'policy', '.'], unlabelled), ns).toEqual({ code: 0, verdicts: [], errors: [] });
    }
  });
});

describe('prototype keys in offgate.yaml are refused, with their position', { timeout: 60_000 }, () => {
  it('under parameters, restrictions and environments', () => {
    const pod = stringify(BAD_POD);
    const configs: [string, RegExp][] = [
      ['environments:\n  default:\n    extends: restricted\n    restrictions:\n      privileged-containers: {exemptImages: [a], __proto__: {exemptImages: ["*"]}}\n', /^offgate: offgate\.yaml:5:\d+: unknown key "__proto__"/],
      ['environments:\n  default:\n    extends: restricted\n    restrictions:\n      host-filesystem: {allowedHostPaths: [{pathPrefix: /tmp, constructor: {readOnly: false}}]}\n', /^offgate: offgate\.yaml:5:\d+: .*constructor/],
      ['environments:\n  default:\n    extends: restricted\n    restrictions:\n      constructor: true\n', /^offgate: offgate\.yaml:5:7: unknown key "constructor"/],
      ['environments:\n  __proto__:\n    extends: restricted\n', /^offgate: offgate\.yaml:2:3: .*__proto__/],
      ['environments:\n  default:\n    extends: constructor\n', /^offgate: offgate\.yaml:3:\d+: .*constructor/],
    ];
    for (const [config, error] of configs) {
      const cwd = workspace({ 'offgate.yaml': config, 'pod.yaml': pod });
      const r = offgate(['lint', 'pod.yaml'], { cwd });
      expect(r.code, config).toBe(2);
      expect(r.stderr, config).toMatch(error);
    }
  });
});

describe('prototype keys in suites', { timeout: 60_000 }, () => {
  const REFERENTIAL = join(__dirname, '../suites/passing/referential');
  const copySuite = (dir: string, extraCases: string, extraFiles: Record<string, string>) => {
    const files: Record<string, string> = { ...extraFiles };
    for (const f of ['template.yaml', 'constraint.yaml', 'samples/ingress.yaml', 'samples/inventory-conflict.yaml', 'samples/inventory-self.yaml']) {
      files[`${dir}/${f}`] = readFileSync(join(REFERENTIAL, f), 'utf8');
    }
    files[`${dir}/suite.yaml`] = readFileSync(join(REFERENTIAL, 'suite.yaml'), 'utf8') + extraCases;
    return files;
  };

  it('suite objects and inventories with those keys and names: the same results, and later suites unaffected', () => {
    const ingress = readFileSync(join(REFERENTIAL, 'samples/ingress.yaml'), 'utf8');
    const poisonedIngress = stringify(withProtoKeys(parse(ingress)));
    const extra = `  - name: poisoned-object
    object: samples/ingress-poisoned.yaml
    inventory: [samples/inventory-conflict.yaml]
    assertions:
    - violations: 1
  - name: poisoned-inventory
    object: samples/ingress.yaml
    inventory: [samples/keys.yaml, samples/inventory-conflict.yaml]
    assertions:
    - violations: 1
`;
    const files = {
      ...copySuite('a', extra, {}),
      'a/samples/ingress-poisoned.yaml': poisonedIngress,
      'a/samples/keys.yaml': NAMED_LIKE_KEYS,
      ...copySuite('b', '', {}),
    };
    const cwd = workspace(files);
    const r = offgate(['verify', './...'], { cwd });
    expect(r.stdout + r.stderr).not.toMatch(/--- FAIL|error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok/);
    // Suite b is the unchanged referential suite: its three cases still pass after a's.
    const v = offgate(['verify', '-v', './...'], { cwd });
    expect(v.stdout.match(/--- PASS: (host-taken|only-itself|empty-cluster)/g)).toHaveLength(6);
    expect(v.stdout).toMatch(/--- PASS: poisoned-object/);
    expect(v.stdout).toMatch(/--- PASS: poisoned-inventory/);
  });
});

describe('lookups keyed by input strings', () => {
  it('find only what was given: no inherited member of every object', () => {
    for (const k of PROTO_KEYS) {
      expect(isClusterScoped({ group: k, version: 'v1', kind: 'Namespace' })).toBe(false);
      // --namespace-labels names no such namespace: its labels are unknown, and the user is told.
      const a = attachedNamespace({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: k } }, new Map(), 'cluster', { namespaceLabels: { shop: { team: 'a' } } });
      expect(a.warning).toMatch(new RegExp(`namespace "${k}" is described by no Namespace`));
      expect(a.namespace?.metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': k });
      const inv = buildInventory([{ apiVersion: k, kind: k, metadata: { name: k, namespace: k } }, { apiVersion: k, kind: 'source', metadata: { name: 'x' } }]);
      expect(JSON.parse(JSON.stringify(inv))).toEqual(JSON.parse(`{"cluster":{"${k}":{"source":{"x":{"apiVersion":"${k}","kind":"source","metadata":{"name":"x"}}}}},"namespace":{"${k}":{"${k}":{"${k}":{"${k}":{"apiVersion":"${k}","kind":"${k}","metadata":{"name":"${k}","namespace":"${k}"}}}}}}}`));
    }
    expect(({} as Record<string, unknown>).source).toBeUndefined();
  });

  it('an expansion source field is found only when the object has it', () => {
    const rule = (templateSource: string): ExpansionRule => ({ name: 'e', applyTo: [{ groups: ['example.com'], versions: ['v1'], kinds: ['W'] }], templateSource, generatedGVK: { group: '', version: 'v1', kind: 'Pod' }, builtIn: false });
    const parent = { apiVersion: 'example.com/v1', kind: 'W', metadata: { name: 'w' }, spec: {} };
    for (const k of PROTO_KEYS) expect(expand(parent, [rule(`spec.${k}`)])).toEqual({ error: `could not find source field "spec.${k}" in resource w` });
  });
});
