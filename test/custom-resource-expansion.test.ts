// Pods of custom controllers (issue 14, part 5): offgate's default ExpansionTemplates
// (rego/expansions/) for Argo Rollouts and Workflows, OpenKruise, Knative Serving and KEDA,
// findings placed in the custom resource's file, user overrides under --policy, the
// warning for any other object carrying a pod template, and `offgate export expansions`.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspace as makeWorkspace } from './helpers/workspace';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { workflowPods, mapShapedPath } from '../src/gatekeeper/argo-workflows';
import { defaultExpansionFiles, defaultExpansionRules, isKubernetesGroup } from '../src/gatekeeper/default-expansions';
import { BUILTIN_EXPANSION_RULES, effectiveRules, expand, parseExpansionTemplate, validateExpansionRules } from '../src/gatekeeper/expansion';
import { podTemplatePath } from '../src/gatekeeper/pod-templates';
import type { K8sObject } from '../src/gatekeeper/types';
import { lint } from '../src/lint/lint';
import type { Finding } from '../src/report/model';
import { offgate } from './helpers/cli';

const FIXTURES = join(__dirname, 'lint-fixtures/custom-controllers');

async function lintFixture(file: string, policyDirs?: string[]) {
  const { report, fatal } = await lint({ paths: [join(FIXTURES, file)], cwd: FIXTURES, policyDirs });
  expect(fatal).toBeUndefined();
  expect(report.errors).toEqual([]);
  return report;
}

function where(f: Finding) {
  return { at: `${f.line}:${f.column}`, path: f.path, constraint: f.constraint.kind, workload: f.workload && `${f.workload.kind}/${f.workload.name}`, expansion: f.workload?.expansion, builtIn: f.workload?.builtIn };
}

const workspace = (files: Record<string, string> = {}): string => makeWorkspace(files, { prefix: 'offgate-expand-' });

describe('default expansions of custom controllers', () => {
  it('finds the hostPID of an Argo Rollout at its line', async () => {
    const report = await lintFixture('rollout.yaml');
    expect(report.findings.map(where)).toEqual([
      { at: '18:7', path: 'spec.template.spec.hostPID', constraint: 'K8sPSPHostNamespace', workload: 'Rollout/checkout', expansion: 'offgate-expand-argo-rollouts', builtIn: true },
    ]);
    expect(report.findings[0].message).not.toMatch(/Implied by/);
    expect(report.warnings).toEqual([]);
  });

  it('expands nothing, and warns of nothing, for a Rollout with workloadRef', async () => {
    const report = await lintFixture('rollout-workloadref.yaml');
    expect(report.findings).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  it('finds the privileged container of a Knative Service, named as Knative names it', async () => {
    const report = await lintFixture('knative-service.yaml');
    expect(report.findings.map(where)).toEqual([
      { at: '17:13', path: 'spec.template.spec.containers[0].securityContext.privileged', constraint: 'K8sPSPPrivilegedContainer', workload: 'Service/hello', expansion: 'offgate-expand-knative-services', builtIn: true },
    ]);
    expect(report.findings[0].message).toContain('container user-container runs privileged');
  });

  it('finds the privileged step of an Argo Workflow, in its template', async () => {
    const report = await lintFixture('workflow.yaml');
    expect(report.findings.map(where)).toEqual([
      { at: '20:11', path: 'spec.templates[1].container.securityContext.privileged', constraint: 'K8sPSPPrivilegedContainer', workload: 'Workflow/build', expansion: 'offgate-expand-argo-workflows', builtIn: true },
    ]);
    expect(report.findings[0].object.name).toBe('build-compile-pod');
    expect(report.findings[0].message).toContain('container main runs privileged');
  });

  it('finds the hostNetwork of a CronWorkflow in its workflowSpec', async () => {
    const report = await lintFixture('cron-workflow.yaml');
    expect(report.findings.map(where)).toEqual([
      { at: '10:5', path: 'spec.workflowSpec.hostNetwork', constraint: 'K8sPSPHostNetworkingPorts', workload: 'CronWorkflow/nightly', expansion: 'offgate-expand-argo-cronworkflows', builtIn: true },
    ]);
  });

  it('finds the pods of OpenKruise CloneSet, Advanced StatefulSet and Advanced DaemonSet', async () => {
    const report = await lintFixture('kruise.yaml');
    expect(report.findings.map(where).sort((a, b) => a.at.localeCompare(b.at))).toEqual([
      { at: '18:13', path: 'spec.template.spec.containers[0].securityContext.privileged', constraint: 'K8sPSPPrivilegedContainer', workload: 'CloneSet/api', expansion: 'offgate-expand-kruise-workloads', builtIn: true },
      { at: '33:7', path: 'spec.template.spec.hostIPC', constraint: 'K8sPSPHostNamespace', workload: 'StatefulSet/db', expansion: 'offgate-expand-kruise-workloads', builtIn: true },
      { at: '50:7', path: 'spec.template.spec.hostNetwork', constraint: 'K8sPSPHostNetworkingPorts', workload: 'DaemonSet/agent', expansion: 'offgate-expand-kruise-workloads', builtIn: true },
    ]);
  });

  it('finds the privileged container of a KEDA ScaledJob', async () => {
    const report = await lintFixture('keda-scaledjob.yaml');
    expect(report.findings.map(where)).toEqual([
      { at: '15:15', path: 'spec.jobTargetRef.template.spec.containers[0].securityContext.privileged', constraint: 'K8sPSPPrivilegedContainer', workload: 'ScaledJob/queue-worker', expansion: 'offgate-expand-keda-scaledjobs', builtIn: true },
    ]);
  });

  it('warns of an unknown custom resource with a pod template, and checks nothing of it', async () => {
    const report = await lintFixture('unknown-crd.yaml');
    expect(report.findings).toEqual([]);
    expect(report.warnings).toEqual([
      `${join(FIXTURES, 'unknown-crd.yaml')}:1:1: Foo/team/bar has a pod template offgate does not expand (spec.podTemplate.spec): its pods were not checked; add an ExpansionTemplate under --policy`,
    ]);
  });
});

const rolloutTemplate = (name: string, extra = '') => `apiVersion: expansion.gatekeeper.sh/v1beta1
kind: ExpansionTemplate
metadata:
  name: ${name}
spec:
  applyTo:
    - groups: [argoproj.io]
      kinds: [Rollout]
      versions: [v1alpha1]
  templateSource: spec.template
  generatedGVK: { kind: Pod, group: "", version: v1 }
${extra}`;

describe('ExpansionTemplates under --policy replace the defaults', () => {
  it('one named as a default replaces it: its action and the [Implied by] prefix apply', async () => {
    const policy = workspace({ 'rollouts.yaml': rolloutTemplate('offgate-expand-argo-rollouts', '  enforcementAction: warn\n') });
    const report = await lintFixture('rollout.yaml', [policy]);
    expect(report.findings.map((f) => [f.enforcementAction, f.workload?.builtIn, f.line])).toEqual([['warn', false, 18]]);
    expect(report.findings[0].message).toMatch(/^\[Implied by offgate-expand-argo-rollouts\] /);
  });

  it('one of another name for the same kind replaces it too: the Rollout is judged once', async () => {
    const policy = workspace({ 'rollouts.yaml': rolloutTemplate('my-rollouts') });
    const report = await lintFixture('rollout.yaml', [policy]);
    expect(report.findings.map((f) => f.workload?.expansion)).toEqual(['my-rollouts']);
  });

  it('one for an unknown kind silences its warning and checks its pods', async () => {
    const policy = workspace({
      'foo.yaml': `apiVersion: expansion.gatekeeper.sh/v1beta1
kind: ExpansionTemplate
metadata: { name: expand-foo }
spec:
  applyTo: [{ groups: [example.com], kinds: [Foo], versions: [v1] }]
  templateSource: spec.podTemplate
  generatedGVK: { kind: Pod, group: "", version: v1 }
`,
    });
    const report = await lintFixture('unknown-crd.yaml', [policy]);
    expect(report.warnings).toEqual([]);
    expect(report.findings.map((f) => [f.line, f.column, f.path])).toEqual([[13, 13, 'spec.podTemplate.spec.containers[0].securityContext.privileged']]);
  });
});

describe('the default ExpansionTemplates', () => {
  it('are valid ExpansionTemplates, with no cycle among themselves and the built-in rules', () => {
    const names = defaultExpansionRules().map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['offgate-expand-argo-rollouts', 'offgate-expand-argo-workflows', 'offgate-expand-argo-cronworkflows', 'offgate-expand-kruise-workloads', 'offgate-expand-knative-services', 'offgate-expand-keda-scaledjobs']));
    for (const f of defaultExpansionFiles()) for (const o of f.objects) expect(parseExpansionTemplate(o)).toHaveProperty('rule');
    expect(validateExpansionRules([...BUILTIN_EXPANSION_RULES, ...defaultExpansionRules()])).toEqual([]);
    expect(defaultExpansionRules().every((r) => r.builtIn)).toBe(true);
  });

  it("apply to no Kubernetes group, where the built-in rules start and end (so a run of Kubernetes' own kinds need not read them)", () => {
    for (const rule of defaultExpansionRules()) for (const a of rule.applyTo) for (const g of a.groups) expect(isKubernetesGroup(g), `${rule.name}: ${g}`).toBe(false);
    for (const rule of BUILTIN_EXPANSION_RULES) {
      for (const a of rule.applyTo) for (const g of a.groups) expect(isKubernetesGroup(g), rule.name).toBe(true);
      expect(isKubernetesGroup(rule.generatedGVK.group), rule.name).toBe(true);
    }
    expect(['', 'apps', 'batch', 'networking.k8s.io'].every(isKubernetesGroup)).toBe(true);
    expect(['argoproj.io', 'apps.kruise.io', 'serving.knative.dev', 'keda.sh', 'example.com'].some(isKubernetesGroup)).toBe(false);
  });

  it('expand a custom resource reviewed after Kubernetes kinds in the same run (they are read then)', async () => {
    const { report, fatal } = await lint({ paths: [join(__dirname, '../fixtures/manifests/web.yaml'), join(FIXTURES, 'rollout.yaml')], cwd: FIXTURES });
    expect(fatal).toBeUndefined();
    expect(report.errors).toEqual([]);
    expect(report.summary.files).toBe(2); // the Deployment (and its Service) reviewed first
    expect(report.findings.map((f) => f.workload?.expansion)).toContain('offgate-expand-argo-rollouts');
  });

  it("name a Knative Revision's unnamed containers in the Pod only, never in the Service", () => {
    const service: K8sObject = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'hello', namespace: 'apps' },
      spec: { template: { spec: { containers: [{ image: 'a' }, { name: 'named', image: 'b' }, { name: '', image: 'c' }] } } },
    };
    const before = structuredClone(service);
    const result = expand(service, effectiveRules([...BUILTIN_EXPANSION_RULES, ...defaultExpansionRules()]), {});
    if ('error' in result) throw new Error(result.error);
    const containers = (result.generated[0]!.object.spec as { containers: { name?: string }[] }).containers;
    expect(containers.map((c) => c.name)).toEqual(['user-container-1', 'named', 'user-container-2']);
    expect(service).toEqual(before);
  });

  it('reject an unknown pods-from value', () => {
    const obj = parseAllDocuments(rolloutTemplate('x'))[0].toJS() as K8sObject;
    obj.metadata!.annotations = { 'expansion.offgate.dev/pods-from': 'helm' };
    expect(parseExpansionTemplate(obj)).toEqual({ error: expect.stringContaining('annotation expansion.offgate.dev/pods-from: unknown value "helm"') });
  });

  it('without source-optional, a Rollout without spec.template is an expansion error', () => {
    const obj = parseAllDocuments(rolloutTemplate('strict'))[0].toJS() as K8sObject;
    const r = parseExpansionTemplate(obj);
    if (!('rule' in r)) throw new Error(r.error);
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'cart' }, spec: { workloadRef: {} } };
    expect(expand(rollout, effectiveRules([r.rule], [...BUILTIN_EXPANSION_RULES, ...defaultExpansionRules()]))).toEqual({ error: 'could not find source field "spec.template" in resource cart' });
  });
});

describe('Argo Workflow pods', () => {
  const spec = {
    volumes: [{ name: 'shared', hostPath: { path: '/var' } }],
    securityContext: { runAsUser: 0 },
    hostNetwork: true,
    templates: [
      { name: 'dag', dag: { tasks: [] } },
      {
        name: 'set',
        containerSet: { containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }] },
        sidecars: [{ name: 'proxy', image: 'envoy' }],
        initContainers: [{ name: 'init', image: 'busybox' }],
        volumes: [{ name: 'own', emptyDir: {} }],
        securityContext: { runAsNonRoot: true },
        metadata: { labels: { step: 'set' } },
      },
      { script: { image: 'python', source: 'print(1)' } },
    ],
  };
  const pods = workflowPods(spec);

  it('makes one Pod per container, script or containerSet template', () => {
    expect(pods.map((p) => p.name)).toEqual(['set', '2']);
    expect(pods[0].template).toEqual({
      metadata: { labels: { step: 'set' } },
      spec: {
        containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }, { name: 'proxy', image: 'envoy' }],
        initContainers: [{ name: 'init', image: 'busybox' }],
        volumes: [{ name: 'shared', hostPath: { path: '/var' } }, { name: 'own', emptyDir: {} }],
        securityContext: { runAsNonRoot: true },
        hostNetwork: true,
      },
    });
    // A script's source is no container field; its container is named main, as Argo names it.
    expect(pods[1].template.spec).toEqual({ containers: [{ name: 'main', image: 'python' }], volumes: [{ name: 'shared', hostPath: { path: '/var' } }], securityContext: { runAsUser: 0 }, hostNetwork: true });
  });

  it('counts each Pod against the limit of generated resources', () => {
    const templates = Array.from({ length: 1500 }, (_, i) => ({ name: `t${i}`, container: { image: 'a' } }));
    const workflow = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'big', namespace: 'ci' }, spec: { templates } };
    const rules = effectiveRules([], [...BUILTIN_EXPANSION_RULES, ...defaultExpansionRules()]);
    expect(expand(workflow, rules)).toEqual({ error: 'expansion of Workflow ci/big generated more than 1000 resources: the resources it generates were not checked' });
    const small = { ...workflow, spec: { templates: templates.slice(0, 1000) } };
    const r = expand(small, rules);
    if ('error' in r) throw new Error(r.error);
    expect(r.generated).toHaveLength(1000);
  });

  it('maps every field of a Pod back to the workflow', () => {
    const [set, script] = pods;
    expect(mapShapedPath(set, 'spec.containers[1].image')).toBe('templates[1].containerSet.containers[1].image');
    expect(mapShapedPath(set, 'spec.containers[2].securityContext')).toBe('templates[1].sidecars[0].securityContext');
    expect(mapShapedPath(set, 'spec.initContainers[0]')).toBe('templates[1].initContainers[0]');
    expect(mapShapedPath(set, 'spec.volumes[0].hostPath.path')).toBe('volumes[0].hostPath.path');
    expect(mapShapedPath(set, 'spec.volumes[1]')).toBe('templates[1].volumes[0]');
    expect(mapShapedPath(set, 'spec.securityContext.runAsNonRoot')).toBe('templates[1].securityContext.runAsNonRoot');
    expect(mapShapedPath(set, 'spec.hostNetwork')).toBe('hostNetwork');
    expect(mapShapedPath(script, 'spec.securityContext.runAsUser')).toBe('securityContext.runAsUser');
    expect(mapShapedPath(script, 'spec.containers[0].image')).toBe('templates[2].script.image');
    expect(mapShapedPath(script, 'spec')).toBe('templates[2]');
  });
});

describe('pod templates nothing expands', () => {
  const obj = (kind: string, spec: unknown, apiVersion = 'example.com/v1'): K8sObject => ({ apiVersion, kind, metadata: { name: 'x' }, spec });
  it('are found where controllers keep them', () => {
    expect(podTemplatePath(obj('Foo', { template: { spec: { containers: [{ name: 'a', image: 'a' }] } } }))).toBe('spec.template.spec');
    expect(podTemplatePath(obj('Foo', { jobTemplate: { spec: { template: { spec: { containers: [{ image: 'a' }] } } } } }))).toBe('spec.jobTemplate.spec.template.spec');
    expect(podTemplatePath(obj('Foo', { containers: [{ name: 'a' }] }))).toBe('spec');
    expect(podTemplatePath(obj('Foo', { stages: [{ pod: { containers: [{ image: 'a' }] } }] }))).toBe('spec.stages[0].pod');
  });
  it('are not claimed for Pods, or for lists that hold no containers', () => {
    expect(podTemplatePath(obj('Pod', { containers: [{ name: 'a', image: 'a' }] }, 'v1'))).toBeUndefined();
    expect(podTemplatePath(obj('Foo', { containers: [] }))).toBeUndefined();
    expect(podTemplatePath(obj('Foo', { containers: ['a', 'b'] }))).toBeUndefined();
    expect(podTemplatePath({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { containers: 'x' } })).toBeUndefined();
    expect(podTemplatePath({ apiVersion: 'example.com/v1', kind: 'Foo', metadata: { annotations: { containers: '[]' } }, status: { containers: [{ name: 'a' }] } })).toBeUndefined();
  });
});

describe('offgate export expansions', () => {
  it('prints every expansion offgate applies, as ExpansionTemplates, the defaults with their comments', () => {
    const r = offgate(['export', 'expansions']);
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => {
      expect(d.errors).toEqual([]);
      return d.toJS() as K8sObject;
    });
    const rules = docs.map((d) => {
      const parsed = parseExpansionTemplate(d);
      if (!('rule' in parsed)) throw new Error(parsed.error);
      return parsed.rule;
    });
    expect(rules.map((r) => r.name)).toEqual([...BUILTIN_EXPANSION_RULES, ...defaultExpansionRules()].map((r) => r.name));
    for (const rule of defaultExpansionRules()) expect(rules.find((r) => r.name === rule.name)).toEqual({ ...rule, builtIn: false });
    for (const f of defaultExpansionFiles()) expect(r.stdout).toContain(f.text);
  });

  it('writes one file per source with --output-dir, a copy of which under --policy changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-export-expansions-'));
    const w = offgate(['export', 'expansions', '--output-dir', dir]);
    expect(w.code).toBe(0);
    expect(w.stdout).toBe(`wrote ${defaultExpansionFiles().length + 1} files of ExpansionTemplates to ${dir}\n`);
    expect(readdirSync(dir).sort()).toEqual(['kubernetes.yaml', ...defaultExpansionFiles().map((f) => f.file)].sort());
    expect(readFileSync(join(dir, 'argo-workflows.yaml'), 'utf8')).toBe(defaultExpansionFiles().find((f) => f.file === 'argo-workflows.yaml')!.text);
    const report = await lintFixture('workflow.yaml', [dir]);
    expect(report.findings.map((f) => [f.line, f.column, f.path, f.workload?.expansion])).toEqual([[20, 11, 'spec.templates[1].container.securityContext.privileged', 'offgate-expand-argo-workflows']]);
  });
});
