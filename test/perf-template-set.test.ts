// A user's templates compiled together into one module (src/gatekeeper/template-set.ts)
// decide exactly as each compiled alone does; templates that cannot share the module are
// left to the one-by-one path; the set is cached by its content and read back without
// parsing; constraints are matched only when their kinds can take the object
// (src/gatekeeper/constraint-index.ts).
import { mkdtempSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { evaluate, type Located, type Result } from '../src/gatekeeper/engine';
import { KindIndex } from '../src/gatekeeper/constraint-index';
import { compileTemplateSet, compileTemplateSetAhead, type SetMember } from '../src/gatekeeper/template-set';
import type { K8sObject } from '../src/gatekeeper/types';
import { constraintTemplate } from './helpers/templates';

const located = (yaml: string, file = 'policy.yaml'): Located => ({ object: parse(yaml) as K8sObject, origin: { file, line: 1, column: 1 } });

/** A template of `kind` in package `pkg` whose violation fires when `test` holds for a container `c`, with optional libs. */
function template(kind: string, pkg: string, test: string, libs: string[] = []): string {
  const rego = `package ${pkg}
violation[{"msg": msg, "details": {"path": sprintf("spec.containers[%d]", [i])}}] {
  c := input.review.object.spec.containers[i]
  ${test}
  msg := sprintf("${kind}: container %v (%v)", [c.name, input.parameters])
}`;
  // v1beta1: no schema needed for the constraints' parameters (legacySchema keeps them).
  const base = constraintTemplate(kind, rego, kind.toLowerCase()).replace('templates.gatekeeper.sh/v1\n', 'templates.gatekeeper.sh/v1beta1\n');
  if (libs.length === 0) return base;
  return `${base}      libs:\n${libs.map((l) => `        - |\n${l.split('\n').map((x) => `          ${x}`).join('\n')}`).join('\n')}\n`;
}

const constraint = (kind: string, name: string, kinds = ['Pod'], parameters?: unknown) => `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: ${kind}
metadata:
  name: ${name}
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ${JSON.stringify(kinds)}
${parameters === undefined ? '' : `  parameters: ${JSON.stringify(parameters)}\n`}`;

const pod = (name: string, containers: Record<string, unknown>[]): Located => ({
  object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop' }, spec: { containers } } as K8sObject,
  origin: { file: `${name}.yaml`, line: 1, column: 1 },
});
const deployment = (name: string, containers: Record<string, unknown>[]): Located => ({
  object: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers } } },
  } as K8sObject,
  origin: { file: `${name}.yaml`, line: 1, column: 1 },
});

const LIB_V1 = 'package lib.images\nlatest(image) { endswith(image, ":latest") }';
const POLICY: { template: string; constraints: string[] }[] = [
  { template: template('K8sNoLatest', 'k8snolatest', 'data.lib.images.latest(c.image)', [LIB_V1]), constraints: [constraint('K8sNoLatest', 'no-latest', ['Pod'], { why: 'pinned' })] },
  { template: template('K8sSameLib', 'k8ssamelib', 'data.lib.images.latest(c.image)\n  c.name == "web"', [LIB_V1]), constraints: [constraint('K8sSameLib', 'web-latest')] },
  { template: template('K8sPrivileged', 'team.security.privileged', 'c.securityContext.privileged'), constraints: [constraint('K8sPrivileged', 'a'), constraint('K8sPrivileged', 'b', ['Pod'], { n: 2 })] },
  { template: template('K8sServiceOnly', 'k8sserviceonly', 'true'), constraints: [constraint('K8sServiceOnly', 'services', ['Service'])] },
];

const REVIEWED = [
  pod('web', [{ name: 'web', image: 'nginx:latest', securityContext: { privileged: true } }, { name: 'side', image: 'busybox:1' }]),
  pod('api', [{ name: 'api', image: 'api:latest' }]),
  deployment('worker', [{ name: 'web', image: 'worker:latest', securityContext: { privileged: true } }]),
];

function run(policy: typeof POLICY, cacheDir: string | null): { results: Result[]; errors: string[] } {
  const out = evaluate({
    templates: policy.map((p) => located(p.template, `${p.template.match(/kind: (\w+)/)![1]}.yaml`)),
    constraints: policy.flatMap((p) => p.constraints.map((c) => located(c))),
    objects: [],
    review: REVIEWED,
    options: { cacheDir },
  });
  return { results: out.results, errors: out.errors.map((e) => e.message) };
}

const sorted = (rs: Result[]) => rs.map((r) => JSON.stringify(r)).sort();

describe('one module for a set of templates', () => {
  it('decides exactly as each template compiled on its own', () => {
    const together = run(POLICY, null);
    const alone = POLICY.map((p) => run([p], null));
    expect(together.errors).toEqual([]);
    expect(sorted(together.results)).toEqual(sorted(alone.flatMap((a) => a.results)));
    // Real findings, on the Pods and the Deployment's generated Pod, with parameters.
    expect(together.results.map((r) => `${r.constraint.name} ${r.object.kind}/${r.object.name}: ${r.message}`).sort()).toEqual([
      'a Pod/web: K8sPrivileged: container web ({})',
      'a Pod/worker-pod: K8sPrivileged: container web ({})',
      'b Pod/web: K8sPrivileged: container web ({"n": 2})',
      'b Pod/worker-pod: K8sPrivileged: container web ({"n": 2})',
      'no-latest Pod/api: K8sNoLatest: container api ({"why": "pinned"})',
      'no-latest Pod/web: K8sNoLatest: container web ({"why": "pinned"})',
      'no-latest Pod/worker-pod: K8sNoLatest: container web ({"why": "pinned"})',
      'web-latest Pod/web: K8sSameLib: container web ({})',
      'web-latest Pod/worker-pod: K8sSameLib: container web ({})',
    ]);
  });

  it('compiles the set once and reads it back from the cache by its content', () => {
    const cache = mkdtempSync(join(tmpdir(), 'offgate-set-'));
    const members: SetMember[] = POLICY.map((p, i) => ({ object: parse(p.template) as K8sObject, file: `t${i}.yaml` }));
    const first = compileTemplateSet(members, cache)!;
    expect(first.fromCache).toBe(false);
    expect(first.members.map((m) => m?.entrypoint)).toEqual(['k8snolatest/violation', 'k8ssamelib/violation', 'team/security/privileged/violation', 'k8sserviceonly/violation']);
    expect(readdirSync(cache)).toHaveLength(1);
    const entry = join(cache, readdirSync(cache)[0]);
    const second = compileTemplateSet(members, cache)!;
    expect(second.fromCache).toBe(true);
    expect(second.members).toEqual(first.members);
    expect(Buffer.from(second.wasm).equals(Buffer.from(first.wasm))).toBe(true);
    // Another set (one template changed) is another entry.
    const changed = [...members.slice(0, 3), { object: parse(template('K8sServiceOnly', 'k8sserviceonly', 'false')) as K8sObject, file: 't3.yaml' }];
    expect(compileTemplateSet(changed, cache)!.fromCache).toBe(false);
    expect(readdirSync(cache)).toHaveLength(2);
    // A damaged entry is compiled again and replaced, never loaded.
    truncateSync(entry, 100);
    expect(compileTemplateSet(members, cache)!.fromCache).toBe(false);
    expect(readFileSync(entry).length).toBeGreaterThan(100);
    expect(compileTemplateSet(members, cache)!.fromCache).toBe(true);
    expect(run(POLICY, cache).results).toHaveLength(run(POLICY, null).results.length);
  });

  it('a set read ahead (lint: while the inputs are read) is the one compileTemplateSet gives, compiled', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'offgate-set-'));
    const members: SetMember[] = POLICY.map((p, i) => ({ object: parse(p.template) as K8sObject, file: `t${i}.yaml` }));
    await compileTemplateSetAhead(members, cache); // not cached yet: nothing read ahead
    const cold = compileTemplateSet(members, cache)!;
    expect(cold.module).toBeUndefined();
    await compileTemplateSetAhead(members, cache);
    const ahead = compileTemplateSet(members, cache)!;
    expect(ahead.fromCache).toBe(true);
    expect(ahead.module).toBeInstanceOf(WebAssembly.Module);
    expect(ahead.members).toEqual(cold.members);
    // Other objects (even equal ones) or another cache folder are not what was read ahead.
    const copies = members.map((m) => ({ ...m, object: structuredClone(m.object) }));
    expect(compileTemplateSet(copies, cache)!.module).toBeUndefined();
    expect(compileTemplateSet(members, null)!.module).toBeUndefined();
  });

  it("keeps each member's validation in the entry: a run from the cache reports an invalid template as a cold run does", () => {
    const cache = mkdtempSync(join(tmpdir(), 'offgate-set-'));
    // A parameters schema that is no structural schema: invalid, left out of the module.
    const invalid = template('K8sBadSchema', 'k8sbadschema', 'true').replace(
      '      names:\n        kind: K8sBadSchema\n',
      '      names:\n        kind: K8sBadSchema\n      validation:\n        openAPIV3Schema:\n          type: object\n          properties:\n            n: {type: 7}\n',
    );
    const policy = [...POLICY, { template: invalid, constraints: [constraint('K8sBadSchema', 'bad')] }];
    const members: SetMember[] = policy.map((p, i) => ({ object: parse(p.template) as K8sObject, file: `t${i}.yaml` }));
    const first = compileTemplateSet(members, cache)!;
    expect(first.fromCache).toBe(false);
    expect(first.problems.map((p) => p.length > 0)).toEqual([false, false, false, false, true]);
    expect(first.members[4]).toBeNull();
    const second = compileTemplateSet(members, cache)!;
    expect(second.fromCache).toBe(true);
    expect(second.problems).toEqual(first.problems);
    const cold = run(policy, null);
    expect(cold.errors.some((e) => e.includes('K8sBadSchema') || e.includes('k8sbadschema'))).toBe(true);
    run(policy, cache);
    expect(run(policy, cache)).toEqual(cold);
  });

  it('leaves out templates whose packages overlap one already in the set; a lib of the same source is shared', () => {
    const other = template('K8sOtherLib', 'k8sotherlib', 'data.lib.images.latest(c.image)', ['package lib.images\nlatest(image) { not contains(image, ":") }']);
    const samePackage = template('K8sSamePackage', 'k8snolatest', 'c.name == "api"');
    const inside = template('K8sInside', 'k8snolatest.more', 'c.name == "api"');
    const members = [POLICY[0].template, POLICY[1].template, other, samePackage, inside, POLICY[2].template].map((t, i) => ({ object: parse(t) as K8sObject, file: `t${i}.yaml` }));
    const set = compileTemplateSet(members, null)!;
    expect(set.members.map((m) => m !== null)).toEqual([true, true, false, false, false, true]);
    // Left out, they still decide, each in a module of its own.
    const policy = [
      ...POLICY,
      { template: other, constraints: [constraint('K8sOtherLib', 'untagged')] },
      { template: samePackage, constraints: [constraint('K8sSamePackage', 'api')] },
    ];
    const together = run(policy, null);
    expect(together.errors).toEqual([]);
    expect(sorted(together.results)).toEqual(sorted(policy.flatMap((p) => run([p], null).results)));
    expect(together.results.filter((r) => r.constraint.name === 'api').map((r) => r.object.name)).toEqual(['api']);
  });

  it('a template that does not compile is reported as alone, and the others still decide together', () => {
    const broken = template('K8sBroken', 'k8sbroken', 'no_such_function(c.image)');
    const policy = [...POLICY, { template: broken, constraints: [constraint('K8sBroken', 'broken')] }];
    const together = run(policy, null);
    const alone = run([policy[4]], null);
    expect(alone.errors.length).toBeGreaterThan(0);
    expect(together.errors).toEqual(alone.errors);
    expect(sorted(together.results)).toEqual(sorted(run(POLICY, null).results));
    const members = policy.map((p, i) => ({ object: parse(p.template) as K8sObject, file: `t${i}.yaml` }));
    expect(compileTemplateSet(members, null)!.members.map((m) => m !== null)).toEqual([true, true, true, true, false]);
  });

  it('templates that read data.inventory see it in the shared module', () => {
    const unique = `package k8suniquename
violation[{"msg": msg}] {
  name := input.review.object.metadata.name
  other := data.inventory.namespace[ns][_]["Pod"][n]
  n == name
  ns != input.review.object.metadata.namespace
  msg := sprintf("%v is also in %v", [name, ns])
}`;
    const policy = [...POLICY, { template: constraintTemplate('K8sUniqueName', unique), constraints: [constraint('K8sUniqueName', 'unique')] }];
    const twin = { ...REVIEWED[1], object: { ...REVIEWED[1].object, metadata: { name: 'api', namespace: 'data' } } as K8sObject };
    const out = evaluate({
      templates: policy.map((p, i) => located(p.template, `t${i}.yaml`)),
      constraints: policy.flatMap((p) => p.constraints.map((c) => located(c))),
      objects: [],
      review: [REVIEWED[1], twin],
      options: { cacheDir: null, inventory: [REVIEWED[1].object, twin.object] },
    });
    expect(out.errors).toEqual([]);
    expect(out.results.filter((r) => r.constraint.name === 'unique').map((r) => r.message).sort()).toEqual(['api is also in data', 'api is also in shop']);
  });

  it('v1 templates are compiled together in v1 syntax', () => {
    const v1 = (kind: string, pkg: string) => `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: ${kind.toLowerCase()}
spec:
  crd:
    spec:
      names:
        kind: ${kind}
  targets:
    - target: admission.k8s.gatekeeper.sh
      code:
        - engine: Rego
          source:
            version: v1
            rego: |
              package ${pkg}
              violation contains {"msg": msg} if {
                some c in input.review.object.spec.containers
                c.name == "${kind}"
                msg := "${kind} found"
              }
`;
    const members = [v1('K8sA', 'a'), v1('K8sB', 'b'), POLICY[2].template].map((t, i) => ({ object: parse(t) as K8sObject, file: `t${i}.yaml` }));
    expect(compileTemplateSet(members, null)!.members.map((m) => m !== null)).toEqual([true, true, false]);
    const out = evaluate({
      templates: members.map((m) => ({ object: m.object, origin: { file: m.file } })),
      constraints: [located(constraint('K8sA', 'a')), located(constraint('K8sB', 'b')), located(constraint('K8sPrivileged', 'p'))],
      objects: [],
      review: [pod('p', [{ name: 'K8sA' }, { name: 'K8sB', securityContext: { privileged: true } }])],
      options: { cacheDir: null },
    });
    expect(out.errors).toEqual([]);
    expect(out.results.map((r) => r.message).sort()).toEqual(['K8sA found', 'K8sB found', 'K8sPrivileged: container K8sB ({})']);
  });
});

describe('a large set', () => {
  it('beyond 64 templates, one module without the batch entrypoint decides the same', () => {
    const many = Array.from({ length: 70 }, (_, i) => ({
      template: template(`K8sRule${i}`, `team.rule${i}`, `c.name == "web"\n  ${i % 7} < 3`),
      constraints: [constraint(`K8sRule${i}`, `rule-${i}`, i % 5 === 0 ? ['Service'] : ['Pod'])],
    }));
    const members = many.map((p, i) => ({ object: parse(p.template) as K8sObject, file: `t${i}.yaml` }));
    const set = compileTemplateSet(members, null)!;
    expect(set.members.every((m) => m !== null)).toBe(true);
    const together = run(many, null);
    expect(together.errors).toEqual([]);
    // Rules 0..69 with i % 7 < 3 and i % 5 !== 0, on the Pod web and the Deployment's Pod: 2 each.
    const expected = many.filter((_, i) => i % 7 < 3 && i % 5 !== 0).length * 2;
    expect(together.results).toHaveLength(expected);
    expect(sorted(together.results)).toEqual(sorted(many.slice(0, 10).flatMap((p) => run([p], null).results).concat(together.results.filter((r) => Number(r.constraint.name.slice(5)) >= 10))));
  }, 120_000);
});

describe('constraints indexed by kinds', () => {
  const c = (name: string, kinds?: { apiGroups?: string[]; kinds?: string[] }[]) => ({ name, match: kinds ? { kinds } : undefined });
  const all = [
    c('any'),
    c('pods', [{ apiGroups: [''], kinds: ['Pod'] }]),
    c('apps', [{ apiGroups: ['apps'], kinds: ['Deployment', 'StatefulSet'] }]),
    c('wild', [{ apiGroups: ['*'], kinds: ['*'] }]),
    c('services', [{ apiGroups: [''], kinds: ['Service'] }]),
    c('empty-entry', [{}]),
  ];
  const obj = (apiVersion: string, kind: string) => ({ apiVersion, kind }) as K8sObject;

  it('hands out, in order, the constraints whose kinds can take the object or the old object', () => {
    const index = new KindIndex(all);
    const names = (cs: typeof all) => cs.map((x) => x.name);
    expect(names(index.candidates(obj('v1', 'Pod'), null))).toEqual(['any', 'pods', 'wild', 'empty-entry']);
    expect(names(index.candidates(obj('apps/v1', 'Deployment'), null))).toEqual(['any', 'apps', 'wild', 'empty-entry']);
    expect(names(index.candidates(obj('v1', 'Service'), obj('apps/v1', 'StatefulSet')))).toEqual(['any', 'apps', 'wild', 'services', 'empty-entry']);
    expect(names(index.candidates(null, obj('v1', 'Service')))).toEqual(['any', 'wild', 'services', 'empty-entry']);
    // No object at all: every constraint, for the autoreject the matcher gives.
    expect(names(index.candidates(null, null))).toEqual(names(all));
    // Pods in apps/v1 are not Pods of the core group.
    expect(names(index.candidates(obj('apps/v1', 'Pod'), null))).toEqual(['any', 'wild', 'empty-entry']);
  });
});
