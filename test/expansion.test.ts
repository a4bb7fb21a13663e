// Workload expansion (spec §8, §13; pod-security-templates Decision 4): the resources a
// workload's controller would create, as Gatekeeper's expansion builds them.
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_EXPANSION_RULES,
  effectiveRules,
  expand,
  MAX_EXPANSION_DEPTH,
  parseExpansionTemplate,
  ruleAppliesTo,
  validateExpansionRules,
  type ExpansionRule,
  type GeneratedResource,
} from '../src/gatekeeper/expansion';
import type { GVK, K8sObject } from '../src/gatekeeper/types';

// ---------------------------------------------------------------------------------------
// Fixtures

const podSpec = () => ({ containers: [{ name: 'web', image: 'nginx:1.27', securityContext: { privileged: true } }] });
const podTemplate = () => ({ metadata: { labels: { app: 'web' }, annotations: { note: 'x' } }, spec: podSpec() });

/** `namespace: null` → no metadata.namespace. */
function workload(apiVersion: string, kind: string, name: string, spec: Record<string, unknown>, namespace: string | null = null): K8sObject {
  return { apiVersion, kind, metadata: namespace === null ? { name } : { name, namespace }, spec };
}

const deployment = (name = 'web', namespace: string | null = 'shop') =>
  workload('apps/v1', 'Deployment', name, { replicas: 2, template: podTemplate() }, namespace);

const cronJob = (apiVersion = 'batch/v1') =>
  workload(apiVersion, 'CronJob', 'nightly', {
    schedule: '0 0 * * *',
    jobTemplate: { metadata: { labels: { job: 'nightly' } }, spec: { backoffLimit: 1, template: podTemplate() } },
  }, 'ops');

function expandOK(parent: K8sObject, rules: ExpansionRule[] = BUILTIN_EXPANSION_RULES, opts: { namespace?: string } = {}): GeneratedResource[] {
  const result = expand(parent, rules, opts);
  if ('error' in result) throw new Error(result.error);
  return result.generated;
}

function expandError(parent: K8sObject, rules: ExpansionRule[] = BUILTIN_EXPANSION_RULES, opts: { namespace?: string } = {}): string {
  const result = expand(parent, rules, opts);
  if (!('error' in result)) throw new Error(`expected an error, got ${result.generated.length} resources`);
  return result.error;
}

function rule(name: string, applyTo: [string, string, string][], generatedGVK: GVK, templateSource = 'spec.template', extra: Partial<ExpansionRule> = {}): ExpansionRule {
  return {
    name,
    applyTo: applyTo.map(([group, version, kind]) => ({ groups: [group], versions: [version], kinds: [kind] })),
    templateSource,
    generatedGVK,
    builtIn: false,
    ...extra,
  };
}

const POD: GVK = { group: '', version: 'v1', kind: 'Pod' };

/** `name: null` → no metadata.name. */
function expansionTemplate(spec: Record<string, unknown>, name: unknown = 'expand-deployments', apiVersion = 'expansion.gatekeeper.sh/v1alpha1'): K8sObject {
  return { apiVersion, kind: 'ExpansionTemplate', metadata: (name === null ? {} : { name }) as K8sObject['metadata'], spec };
}

const validSpec = () => ({
  applyTo: [{ groups: ['apps'], versions: ['v1'], kinds: ['Deployment', 'ReplicaSet'] }],
  templateSource: 'spec.template',
  generatedGVK: { kind: 'Pod', group: '', version: 'v1' },
});

function parseError(obj: K8sObject): string {
  const result = parseExpansionTemplate(obj);
  if (!('error' in result)) throw new Error('expected an error');
  return result.error;
}

function parseRule(obj: K8sObject): ExpansionRule {
  const result = parseExpansionTemplate(obj);
  if ('error' in result) throw new Error(result.error);
  return result.rule;
}

// ---------------------------------------------------------------------------------------
// Built-in rules

describe('built-in expansion of the pod controllers', () => {
  const cases: { kind: string; apiVersion: string; spec: Record<string, unknown>; prefix: string; rule: string }[] = [
    { kind: 'Deployment', apiVersion: 'apps/v1', spec: { template: podTemplate() }, prefix: 'spec.template', rule: 'offgate-expand-deployments' },
    { kind: 'Deployment', apiVersion: 'apps/v1beta1', spec: { template: podTemplate() }, prefix: 'spec.template', rule: 'offgate-expand-deployments' },
    { kind: 'Deployment', apiVersion: 'apps/v1beta2', spec: { template: podTemplate() }, prefix: 'spec.template', rule: 'offgate-expand-deployments' },
    { kind: 'Deployment', apiVersion: 'extensions/v1beta1', spec: { template: podTemplate() }, prefix: 'spec.template', rule: 'offgate-expand-deployments' },
    { kind: 'ReplicaSet', apiVersion: 'apps/v1', spec: { template: podTemplate() }, prefix: 'spec.template', rule: 'offgate-expand-replicasets' },
    { kind: 'ReplicaSet', apiVersion: 'extensions/v1beta1', spec: { template: podTemplate() }, prefix: 'spec.template', rule: 'offgate-expand-replicasets' },
    { kind: 'StatefulSet', apiVersion: 'apps/v1', spec: { serviceName: 'db', template: podTemplate() }, prefix: 'spec.template', rule: 'offgate-expand-statefulsets' },
    { kind: 'StatefulSet', apiVersion: 'apps/v1beta1', spec: { template: podTemplate() }, prefix: 'spec.template', rule: 'offgate-expand-statefulsets' },
    { kind: 'DaemonSet', apiVersion: 'apps/v1', spec: { template: podTemplate() }, prefix: 'spec.template', rule: 'offgate-expand-daemonsets' },
    { kind: 'DaemonSet', apiVersion: 'extensions/v1beta1', spec: { template: podTemplate() }, prefix: 'spec.template', rule: 'offgate-expand-daemonsets' },
    { kind: 'Job', apiVersion: 'batch/v1', spec: { template: podTemplate() }, prefix: 'spec.template', rule: 'offgate-expand-jobs' },
    { kind: 'ReplicationController', apiVersion: 'v1', spec: { template: podTemplate() }, prefix: 'spec.template', rule: 'offgate-expand-replicationcontrollers' },
  ];

  for (const c of cases) {
    it(`${c.apiVersion} ${c.kind} → one Pod from ${c.prefix}`, () => {
      const parent = workload(c.apiVersion, c.kind, 'app', c.spec, 'shop');
      const [pod, ...rest] = expandOK(parent);
      expect(rest).toEqual([]);
      expect(pod.object).toEqual({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `app-pod`,
          namespace: 'shop',
          labels: { app: 'web' },
          annotations: { note: 'x' },
          ownerReferences: [{ apiVersion: c.apiVersion, kind: c.kind, name: 'app' }],
        },
        spec: podSpec(),
      });
      expect(pod.rule.name).toBe(c.rule);
      expect(pod.rule.builtIn).toBe(true);
      expect(pod.chain).toEqual([pod.rule]);
      expect(pod.depth).toBe(1);
      expect(pod.mapPath('spec.containers[0].image')).toBe(`${c.prefix}.spec.containers[0].image`);
    });
  }

  it('PodTemplate → Pod from `template`', () => {
    const parent: K8sObject = { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'tpl', namespace: 'shop' }, template: podTemplate() };
    const [pod, ...rest] = expandOK(parent);
    expect(rest).toEqual([]);
    expect(pod.rule.name).toBe('offgate-expand-podtemplates');
    expect(pod.object.kind).toBe('Pod');
    expect(pod.object.metadata?.name).toBe('tpl-pod');
    expect(pod.object.spec).toEqual(podSpec());
    expect(pod.mapPath('spec.containers[0].image')).toBe('template.spec.containers[0].image');
    expect(pod.mapPath('metadata.labels.app')).toBe('template.metadata.labels.app');
  });

  for (const apiVersion of ['batch/v1', 'batch/v1beta1']) {
    it(`${apiVersion} CronJob → Job → Pod`, () => {
      const [job, pod, ...rest] = expandOK(cronJob(apiVersion));
      expect(rest).toEqual([]);
      expect(job.object).toEqual({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: 'nightly-job',
          namespace: 'ops',
          labels: { job: 'nightly' },
          ownerReferences: [{ apiVersion, kind: 'CronJob', name: 'nightly' }],
        },
        spec: { backoffLimit: 1, template: podTemplate() },
      });
      expect(job.depth).toBe(1);
      expect(job.rule.name).toBe('offgate-expand-cronjobs');

      expect(pod.object).toEqual({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'nightly-job-pod',
          namespace: 'ops',
          labels: { app: 'web' },
          annotations: { note: 'x' },
          ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'nightly-job' }],
        },
        spec: podSpec(),
      });
      expect(pod.depth).toBe(2);
      expect(pod.rule.name).toBe('offgate-expand-jobs');
      expect(pod.chain.map((r) => r.name)).toEqual(['offgate-expand-cronjobs', 'offgate-expand-jobs']);
      expect(pod.mapPath('spec.containers[0].image')).toBe('spec.jobTemplate.spec.template.spec.containers[0].image');
      expect(pod.mapPath('metadata.annotations["note"]')).toBe('spec.jobTemplate.spec.template.metadata.annotations["note"]');
      expect(job.mapPath('spec.backoffLimit')).toBe('spec.jobTemplate.spec.backoffLimit');
    });
  }

  it('leaves Pods, other kinds and unknown versions alone', () => {
    expect(expandOK({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec() })).toEqual([]);
    expect(expandOK({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } })).toEqual([]);
    expect(expandOK(workload('apps/v1beta1', 'ReplicaSet', 'r', { template: podTemplate() }))).toEqual([]);
    expect(expandOK(workload('extensions/v1beta1', 'StatefulSet', 's', { template: podTemplate() }))).toEqual([]);
    expect(expandOK(workload('example.com/v1', 'Deployment', 'd', { template: podTemplate() }))).toEqual([]);
  });

  it('the built-in rules are valid together', () => {
    expect(validateExpansionRules(BUILTIN_EXPANSION_RULES)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// The generated resource

describe('naming', () => {
  it('is the lower case of <parent name>-<generated kind>', () => {
    const [pod] = expandOK(deployment('nginx-Deployment'));
    expect(pod.object.metadata?.name).toBe('nginx-deployment-pod');
  });

  it('overwrites a name written in the template', () => {
    const parent = deployment();
    (parent.spec as { template: { metadata: Record<string, unknown> } }).template.metadata.name = 'ignored';
    const [pod] = expandOK(parent);
    expect(pod.object.metadata?.name).toBe('web-pod');
  });

  it('a parent with only generateName yields `-pod`, as Gatekeeper names it', () => {
    const parent: K8sObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { generateName: 'web-' }, spec: { template: podTemplate() } };
    const [pod] = expandOK(parent);
    expect(pod.object.metadata?.name).toBe('-pod');
    expect(pod.object.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: '' }]);
  });

  it('nested names grow one kind per level', () => {
    const names = expandOK(cronJob()).map((g) => g.object.metadata?.name);
    expect(names).toEqual(['nightly-job', 'nightly-job-pod']);
  });
});

describe('namespace', () => {
  it('is the parent’s namespace', () => {
    expect(expandOK(deployment('web', 'shop'))[0].object.metadata?.namespace).toBe('shop');
  });

  it('is the chosen namespace when one is given, at every level', () => {
    expect(expandOK(deployment('web', 'shop'), BUILTIN_EXPANSION_RULES, { namespace: 'other' })[0].object.metadata?.namespace).toBe('other');
    const nested = expandOK(cronJob(), BUILTIN_EXPANSION_RULES, { namespace: 'default' });
    expect(nested.map((g) => g.object.metadata?.namespace)).toEqual(['default', 'default']);
  });

  it('is absent when neither the parent nor the options give one', () => {
    const [pod] = expandOK(deployment('web', null));
    expect(pod.object.metadata).not.toHaveProperty('namespace');
  });

  it('overrides a namespace written in the template', () => {
    const parent = deployment('web', 'shop');
    (parent.spec as { template: { metadata: Record<string, unknown> } }).template.metadata.namespace = 'elsewhere';
    expect(expandOK(parent)[0].object.metadata?.namespace).toBe('shop');
    const unnamespaced = deployment('web', null);
    (unnamespaced.spec as { template: { metadata: Record<string, unknown> } }).template.metadata.namespace = 'elsewhere';
    expect(expandOK(unnamespaced)[0].object.metadata).not.toHaveProperty('namespace');
  });
});

describe('owner references', () => {
  it('are appended to those in the template', () => {
    const parent = deployment();
    const existing = { apiVersion: 'example.com/v1', kind: 'Thing', name: 'x', uid: '1' };
    (parent.spec as { template: { metadata: Record<string, unknown> } }).template.metadata.ownerReferences = [existing];
    const [pod] = expandOK(parent);
    expect(pod.object.metadata?.ownerReferences).toEqual([existing, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }]);
  });

  it('a template without metadata gets metadata with name, namespace and owner', () => {
    const parent = workload('apps/v1', 'Deployment', 'bare', { template: { spec: podSpec() } }, 'shop');
    expect(expandOK(parent)[0].object).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bare-pod', namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'bare' }] },
      spec: podSpec(),
    });
  });
});

describe('path mapping', () => {
  const [pod] = expandOK(deployment());
  const [job, cronPod] = expandOK(cronJob());

  it('maps copied fields into the template source', () => {
    expect(pod.mapPath('spec.containers[0].image')).toBe('spec.template.spec.containers[0].image');
    expect(pod.mapPath('metadata.annotations["x"]')).toBe('spec.template.metadata.annotations["x"]');
    expect(pod.mapPath('metadata.labels.app')).toBe('spec.template.metadata.labels.app');
    expect(pod.mapPath('spec')).toBe('spec.template.spec');
    expect(pod.mapPath('["spec"].containers')).toBe('spec.template["spec"].containers');
  });

  it('maps the name and namespace to the parent’s, from which they derive', () => {
    expect(pod.mapPath('metadata.name')).toBe('metadata.name');
    expect(pod.mapPath('metadata.namespace')).toBe('metadata.namespace');
    expect(pod.mapPath('metadata["name"]')).toBe('metadata["name"]');
    expect(cronPod.mapPath('metadata.name')).toBe('metadata.name');
    expect(job.mapPath('metadata.namespace')).toBe('metadata.namespace');
  });

  it('maps apiVersion, kind and the whole object to the template map', () => {
    expect(pod.mapPath('apiVersion')).toBe('spec.template');
    expect(pod.mapPath('kind')).toBe('spec.template');
    expect(pod.mapPath('')).toBe('spec.template');
    expect(cronPod.mapPath('kind')).toBe('spec.jobTemplate.spec.template');
    expect(job.mapPath('')).toBe('spec.jobTemplate');
  });

  it('quotes source keys that are not identifiers', () => {
    const r = rule('odd', [['example.com', 'v1', 'Thing']], POD, 'spec.pod-template');
    const parent = workload('example.com/v1', 'Thing', 't', { 'pod-template': { spec: podSpec() } });
    const [generated] = expandOK(parent, [r]);
    expect(generated.mapPath('spec.containers[0].name')).toBe('spec["pod-template"].spec.containers[0].name');
  });
});

describe('source field', () => {
  it('missing → error naming the path and the resource', () => {
    const parent = workload('apps/v1', 'Deployment', 'broken', { replicas: 1 });
    expect(expandError(parent)).toBe('could not find source field "spec.template" in resource broken');
    expect(expandError({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nospec' } })).toBe(
      'could not find source field "spec.template" in resource nospec',
    );
  });

  it('missing at a nested level names the intermediate resource', () => {
    const parent = workload('batch/v1', 'CronJob', 'c', { jobTemplate: { spec: { backoffLimit: 1 } } });
    expect(expandError(parent)).toBe('could not find source field "spec.template" in resource c-job');
  });

  it('not a map → error', () => {
    expect(expandError(workload('apps/v1', 'Deployment', 'd', { template: 'nope' }))).toBe(
      'could not extract source field "spec.template" from resource d: it is a string, not a map',
    );
    expect(expandError({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: [1] })).toBe(
      'could not extract source field "spec.template" from resource d: spec is a list, not a map',
    );
    expect(expandError(workload('apps/v1', 'Deployment', 'd', { template: null }))).toBe(
      'could not extract source field "spec.template" from resource d: it is null, not a map',
    );
  });
});

describe('the parent', () => {
  it('is never modified; a generated object owns its top level and its metadata, and shares the rest', () => {
    for (const parent of [deployment(), cronJob()]) {
      const before = structuredClone(parent);
      const generated = expandOK(parent, BUILTIN_EXPANSION_RULES, { namespace: 'x' });
      expect(parent).toEqual(before);
      for (const g of generated) {
        g.object.spec = { replaced: true };
        g.object.metadata!.labels = { changed: 'yes' };
        g.object.metadata!.name = 'renamed';
      }
      expect(parent).toEqual(before);
    }
    // Shared below that: a pod spec is not copied per workload.
    const parent = deployment();
    const [pod] = expandOK(parent, BUILTIN_EXPANSION_RULES, { namespace: 'x' });
    expect(pod!.object.spec).toBe((parent.spec as { template: { spec: unknown } }).template.spec);
  });
});

// ---------------------------------------------------------------------------------------
// User rules

describe('several rules on one parent', () => {
  it('each applicable rule yields its own resource, children before grandchildren', () => {
    const sidecar = rule('expand-sidecar', [['batch', 'v1', 'CronJob']], POD, 'spec.jobTemplate.spec.template', { enforcementAction: 'warn' });
    const generated = expandOK(cronJob(), [...BUILTIN_EXPANSION_RULES, sidecar]);
    expect(generated.map((g) => [g.object.kind, g.object.metadata?.name, g.rule.name, g.depth])).toEqual([
      ['Job', 'nightly-job', 'offgate-expand-cronjobs', 1],
      ['Pod', 'nightly-pod', 'expand-sidecar', 1],
      ['Pod', 'nightly-job-pod', 'offgate-expand-jobs', 2],
    ]);
    expect(generated[1].rule.enforcementAction).toBe('warn');
    expect(generated[1].mapPath('spec.containers[0].image')).toBe('spec.jobTemplate.spec.template.spec.containers[0].image');
  });

  it('applies only when group, version and kind are each listed in one entry', () => {
    const r: ExpansionRule = {
      name: 'split',
      applyTo: [{ groups: ['apps'], versions: ['v1'], kinds: ['StatefulSet'] }, { groups: ['batch'], versions: ['v1'], kinds: ['Deployment'] }],
      templateSource: 'spec.template',
      generatedGVK: POD,
      builtIn: false,
    };
    expect(ruleAppliesTo(r, { group: 'apps', version: 'v1', kind: 'StatefulSet' })).toBe(true);
    expect(ruleAppliesTo(r, { group: 'apps', version: 'v1', kind: 'Deployment' })).toBe(false);
    expect(ruleAppliesTo(r, { group: 'Apps', version: 'v1', kind: 'StatefulSet' })).toBe(false);
    expect(expandOK(deployment(), [r])).toEqual([]);
  });

  it('expansion stops with an error past the maximum depth', () => {
    const kinds = Array.from({ length: MAX_EXPANSION_DEPTH + 2 }, (_, i) => `K${i}`);
    const chain = kinds.slice(0, -1).map((kind, i) =>
      rule(`r${i}`, [['example.com', 'v1', kind]], { group: 'example.com', version: 'v1', kind: kinds[i + 1] }, 'spec.next'),
    );
    const nested = (depth: number): Record<string, unknown> => (depth === 0 ? {} : { spec: { next: nested(depth - 1) } });
    const parent: K8sObject = { apiVersion: 'example.com/v1', kind: 'K0', metadata: { name: 'p' }, ...nested(MAX_EXPANSION_DEPTH + 1) };

    const within = expandOK(parent, chain.slice(0, MAX_EXPANSION_DEPTH));
    expect(within).toHaveLength(MAX_EXPANSION_DEPTH);
    expect(within.at(-1)!.depth).toBe(MAX_EXPANSION_DEPTH);
    expect(within.at(-1)!.chain).toHaveLength(MAX_EXPANSION_DEPTH);

    expect(expandError(parent, chain)).toMatch(/^maximum recursion depth of 30 reached expanding K30 p(-k\d+)+$/);
  });

  it('a cycle that was not validated away ends at the maximum depth', () => {
    const a = rule('a', [['example.com', 'v1', 'A']], { group: 'example.com', version: 'v1', kind: 'B' }, 'spec');
    const b = rule('b', [['example.com', 'v1', 'B']], { group: 'example.com', version: 'v1', kind: 'A' }, 'spec');
    const parent: K8sObject = { apiVersion: 'example.com/v1', kind: 'A', metadata: { name: 'x' }, spec: {} };
    (parent.spec as Record<string, unknown>).spec = parent.spec; // not JSON, but enough to recurse
    expect(expandError(parent, [a, b])).toMatch(/^maximum recursion depth of 30 reached/);
  });
});

describe('shadowing of built-in rules', () => {
  const userDeployments = rule('expand-deployments', [['apps', 'v1', 'Deployment']], POD, 'spec.template', { enforcementAction: 'warn' });

  it('a user rule for the same GVK and generated kind replaces the built-in there', () => {
    const rules = effectiveRules([userDeployments]);
    const generated = expandOK(deployment(), rules);
    expect(generated.map((g) => g.rule.name)).toEqual(['expand-deployments']);
    expect(generated[0].rule.enforcementAction).toBe('warn');
  });

  it('the built-in keeps the GVKs the user does not cover', () => {
    const rules = effectiveRules([userDeployments]);
    const legacy = workload('extensions/v1beta1', 'Deployment', 'old', { template: podTemplate() });
    expect(expandOK(legacy, rules).map((g) => g.rule.name)).toEqual(['offgate-expand-deployments']);
    const narrowed = rules.find((r) => r.name === 'offgate-expand-deployments')!;
    expect(ruleAppliesTo(narrowed, { group: 'apps', version: 'v1', kind: 'Deployment' })).toBe(false);
    expect(ruleAppliesTo(narrowed, { group: 'apps', version: 'v1beta2', kind: 'Deployment' })).toBe(true);
    // The shared built-in itself is not changed.
    expect(ruleAppliesTo(BUILTIN_EXPANSION_RULES[0], { group: 'apps', version: 'v1', kind: 'Deployment' })).toBe(true);
  });

  it('a user rule covering every GVK of a built-in drops it; other built-ins stay', () => {
    const userJobs = rule('expand-jobs', [['batch', 'v1', 'Job']], POD);
    const rules = effectiveRules([userJobs]);
    expect(rules.map((r) => r.name)).not.toContain('offgate-expand-jobs');
    expect(rules.filter((r) => r.builtIn)).toHaveLength(BUILTIN_EXPANSION_RULES.length - 1);
    expect(rules.at(-1)).toBe(userJobs);
    // CronJob → (built-in) Job → (user) Pod
    expect(expandOK(cronJob(), rules).map((g) => g.rule.name)).toEqual(['offgate-expand-cronjobs', 'expand-jobs']);
  });

  it('a user rule CronJob → Pod replaces the built-in CronJob → Job → Pod', () => {
    const direct = rule('expand-cronjobs', [['batch', 'v1', 'CronJob']], POD, 'spec.jobTemplate.spec.template');
    const generated = expandOK(cronJob(), effectiveRules([direct]));
    expect(generated.map((g) => [g.object.kind, g.rule.name])).toEqual([['Pod', 'expand-cronjobs']]);
  });

  it('a user rule Deployment → ReplicaSet (→ built-in Pod) replaces the built-in Deployment → Pod', () => {
    const toRS = rule('expand-to-rs', [['apps', 'v1', 'Deployment']], { group: 'apps', version: 'v1', kind: 'ReplicaSet' });
    const parent = workload('apps/v1', 'Deployment', 'web', { template: { spec: { template: podTemplate() } } });
    const generated = expandOK(parent, effectiveRules([toRS]));
    expect(generated.map((g) => [g.object.kind, g.object.metadata?.name, g.rule.name])).toEqual([
      ['ReplicaSet', 'web-replicaset', 'expand-to-rs'],
      ['Pod', 'web-replicaset-pod', 'offgate-expand-replicasets'],
    ]);
  });

  it('a user rule generating something else does not shadow the built-in', () => {
    const audit = rule('audit', [['apps', 'v1', 'Deployment']], { group: 'example.com', version: 'v1', kind: 'Audit' }, 'spec');
    const generated = expandOK(deployment(), effectiveRules([audit]));
    expect(generated.map((g) => [g.object.kind, g.rule.name])).toEqual([
      ['Pod', 'offgate-expand-deployments'],
      ['Audit', 'audit'],
    ]);
  });

  it('with no user rules the built-ins are unchanged', () => {
    expect(effectiveRules([])).toEqual(BUILTIN_EXPANSION_RULES);
  });
});

// ---------------------------------------------------------------------------------------
// ExpansionTemplates

describe('parseExpansionTemplate', () => {
  it('reads a valid template (v1alpha1 and v1beta1)', () => {
    for (const apiVersion of ['expansion.gatekeeper.sh/v1alpha1', 'expansion.gatekeeper.sh/v1beta1']) {
      const r = parseRule(expansionTemplate({ ...validSpec(), enforcementAction: 'warn' }, 'expand-deployments', apiVersion));
      expect(r).toEqual({
        name: 'expand-deployments',
        applyTo: [{ groups: ['apps'], versions: ['v1'], kinds: ['Deployment', 'ReplicaSet'] }],
        templateSource: 'spec.template',
        generatedGVK: POD,
        enforcementAction: 'warn',
        builtIn: false,
      });
    }
  });

  it('an empty enforcementAction is no override; missing lists match nothing', () => {
    const r = parseRule(expansionTemplate({ ...validSpec(), enforcementAction: '', applyTo: [{ groups: ['apps'], kinds: ['Deployment'] }] }));
    expect(r).not.toHaveProperty('enforcementAction');
    expect(r.applyTo).toEqual([{ groups: ['apps'], versions: [], kinds: ['Deployment'] }]);
    expect(expandOK(deployment(), [r])).toEqual([]);
  });

  it('the parsed rule expands like Gatekeeper (the semantics §8.3 example)', () => {
    const r = parseRule(expansionTemplate({ ...validSpec(), enforcementAction: 'warn' }));
    const [pod] = expandOK(deployment('nginx-Deployment', 'my-ns'), effectiveRules([r]));
    expect(pod.object.metadata?.name).toBe('nginx-deployment-pod');
    expect(pod.object.metadata?.namespace).toBe('my-ns');
    expect(pod.rule).toBe(r);
  });

  it('a partly empty generatedGVK is accepted, as Gatekeeper does', () => {
    const r = parseRule(expansionTemplate({ ...validSpec(), generatedGVK: { kind: 'Pod' } }));
    expect(r.generatedGVK).toEqual({ group: '', version: '', kind: 'Pod' });
  });

  const errors: [string, K8sObject, string][] = [
    ['not an ExpansionTemplate', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }, 'ExpansionTemplate p: not an ExpansionTemplate (apiVersion v1, kind Pod)'],
    ['unknown version', expansionTemplate(validSpec(), 'x', 'expansion.gatekeeper.sh/v2'), 'ExpansionTemplate x: unsupported version v2 (expected v1alpha1 or v1beta1)'],
    ['empty name', expansionTemplate(validSpec(), ''), 'ExpansionTemplate (unnamed): metadata.name is empty'],
    ['missing name', expansionTemplate(validSpec(), null), 'ExpansionTemplate (unnamed): metadata.name is empty'],
    ['name of 64 characters', expansionTemplate(validSpec(), 'a'.repeat(64)), `ExpansionTemplate ${'a'.repeat(64)}: the name must be less than 64 characters, it has 64`],
    ['spec not an object', expansionTemplate([] as unknown as Record<string, unknown>), 'ExpansionTemplate expand-deployments: spec must be an object'],
    ['empty templateSource', expansionTemplate({ ...validSpec(), templateSource: '' }), 'ExpansionTemplate expand-deployments: spec.templateSource is empty'],
    ['missing templateSource', expansionTemplate({ ...validSpec(), templateSource: undefined }), 'ExpansionTemplate expand-deployments: spec.templateSource is empty'],
    ['templateSource not a string', expansionTemplate({ ...validSpec(), templateSource: ['spec'] }), 'ExpansionTemplate expand-deployments: spec.templateSource must be a string'],
    ['empty generatedGVK', expansionTemplate({ ...validSpec(), generatedGVK: {} }), 'ExpansionTemplate expand-deployments: spec.generatedGVK is empty'],
    ['missing generatedGVK', expansionTemplate({ ...validSpec(), generatedGVK: undefined }), 'ExpansionTemplate expand-deployments: spec.generatedGVK is empty'],
    ['generatedGVK field not a string', expansionTemplate({ ...validSpec(), generatedGVK: { kind: 1 } }), 'ExpansionTemplate expand-deployments: spec.generatedGVK.kind must be a string'],
    ['generatedGVK not an object', expansionTemplate({ ...validSpec(), generatedGVK: 'v1/Pod' }), 'ExpansionTemplate expand-deployments: spec.generatedGVK must be an object'],
    ['empty applyTo', expansionTemplate({ ...validSpec(), applyTo: [] }), 'ExpansionTemplate expand-deployments: spec.applyTo is empty'],
    ['missing applyTo', expansionTemplate({ ...validSpec(), applyTo: undefined }), 'ExpansionTemplate expand-deployments: spec.applyTo is empty'],
    ['applyTo not a list', expansionTemplate({ ...validSpec(), applyTo: {} }), 'ExpansionTemplate expand-deployments: spec.applyTo must be a list'],
    ['applyTo entry not an object', expansionTemplate({ ...validSpec(), applyTo: ['apps'] }), 'ExpansionTemplate expand-deployments: spec.applyTo[0] must be an object'],
    ['applyTo list of non-strings', expansionTemplate({ ...validSpec(), applyTo: [{ groups: [''], versions: ['v1'], kinds: [1] }] }), 'ExpansionTemplate expand-deployments: spec.applyTo[0].kinds must be a list of strings'],
    ['enforcementAction not a string', expansionTemplate({ ...validSpec(), enforcementAction: true }), 'ExpansionTemplate expand-deployments: spec.enforcementAction must be a string'],
    [
      'applyTo matching its own generatedGVK',
      expansionTemplate({ ...validSpec(), applyTo: [{ groups: ['apps', ''], versions: ['v1'], kinds: ['Deployment', 'Pod'] }] }),
      'ExpansionTemplate expand-deployments: spec.applyTo matches its own generatedGVK v1 Pod, so it would expand what it generates',
    ],
  ];
  for (const [what, obj, message] of errors) {
    it(`rejects: ${what}`, () => {
      const error = parseError(obj);
      expect(error).toBe(message);
      expect(error).not.toContain('\n');
    });
  }

  it('checks in Gatekeeper’s order (name before source before GVK before applyTo)', () => {
    expect(parseError(expansionTemplate({}, ''))).toContain('metadata.name is empty');
    expect(parseError(expansionTemplate({}))).toContain('spec.templateSource is empty');
    expect(parseError(expansionTemplate({ templateSource: 'spec.template' }))).toContain('spec.generatedGVK is empty');
    expect(parseError(expansionTemplate({ templateSource: 'spec.template', generatedGVK: POD }))).toContain('spec.applyTo is empty');
  });

  it('accepts a name of 63 characters', () => {
    expect(parseRule(expansionTemplate(validSpec(), 'a'.repeat(63))).name).toBe('a'.repeat(63));
  });
});

describe('validateExpansionRules', () => {
  const gvk = (kind: string): GVK => ({ group: 'example.com', version: 'v1', kind });

  it('accepts chains without cycles', () => {
    const a = rule('a', [['example.com', 'v1', 'A']], gvk('B'));
    const b = rule('b', [['example.com', 'v1', 'B']], gvk('C'));
    expect(validateExpansionRules([a, b])).toEqual([]);
    expect(validateExpansionRules(effectiveRules([a, b]))).toEqual([]);
  });

  it('rejects a rule whose applyTo matches its own generatedGVK', () => {
    const self = rule('self', [['example.com', 'v1', 'A']], gvk('A'));
    expect(validateExpansionRules([self])).toEqual([
      'ExpansionTemplate self: spec.applyTo matches its own generatedGVK example.com/v1 A, so it would expand what it generates',
    ]);
  });

  it('rejects the rule that closes a cycle, once', () => {
    const a = rule('a', [['example.com', 'v1', 'A']], gvk('B'));
    const b = rule('b', [['example.com', 'v1', 'B']], gvk('C'));
    const c = rule('c', [['example.com', 'v1', 'C']], gvk('A'));
    expect(validateExpansionRules([a, b, c])).toEqual([
      'ExpansionTemplate c: creates an expansion cycle: example.com/v1 C → example.com/v1 A → example.com/v1 B → example.com/v1 C',
    ]);
    expect(validateExpansionRules([c, a, b])).toEqual([
      'ExpansionTemplate b: creates an expansion cycle: example.com/v1 B → example.com/v1 C → example.com/v1 A → example.com/v1 B',
    ]);
  });

  it('blames the user rule for a cycle through a built-in rule', () => {
    const back = rule('pods-to-deployments', [['', 'v1', 'Pod']], { group: 'apps', version: 'v1', kind: 'Deployment' }, 'spec');
    expect(validateExpansionRules([back, ...BUILTIN_EXPANSION_RULES])).toEqual([
      'ExpansionTemplate pods-to-deployments: creates an expansion cycle: v1 Pod → apps/v1 Deployment → v1 Pod',
    ]);
  });

  it('reports each bad rule', () => {
    const self = rule('self', [['example.com', 'v1', 'A']], gvk('A'));
    const a = rule('a', [['example.com', 'v1', 'X']], gvk('Y'));
    const b = rule('b', [['example.com', 'v1', 'Y']], gvk('X'));
    expect(validateExpansionRules([self, a, b])).toHaveLength(2);
  });
});
