// The engine end to end: templates and constraints among the inputs, matching,
// enforcement actions, inventory, AdmissionReviews, expansion of workloads.
import { describe, expect, it } from 'vitest';
import { evaluate, type Located } from '../src/gatekeeper/engine';
import type { K8sObject } from '../src/gatekeeper/types';

const requiredLabels: K8sObject = {
  apiVersion: 'templates.gatekeeper.sh/v1',
  kind: 'ConstraintTemplate',
  metadata: { name: 'k8srequiredlabels' },
  spec: {
    crd: { spec: { names: { kind: 'K8sRequiredLabels' }, validation: { openAPIV3Schema: { type: 'object', properties: { labels: { type: 'array', items: { type: 'string' } } } } } } },
    targets: [
      {
        target: 'admission.k8s.gatekeeper.sh',
        rego: [
          'package k8srequiredlabels',
          '',
          'violation[{"msg": msg, "details": {"missing": missing}}] {',
          '  provided := {label | input.review.object.metadata.labels[label]}',
          '  required := {label | label := input.parameters.labels[_]}',
          '  missing := required - provided',
          '  count(missing) > 0',
          '  msg := sprintf("you must provide labels: %v", [missing])',
          '}',
        ].join('\n'),
      },
    ],
  },
};

const uniqueHost: K8sObject = {
  apiVersion: 'templates.gatekeeper.sh/v1beta1',
  kind: 'ConstraintTemplate',
  metadata: { name: 'k8suniqueingresshost' },
  spec: {
    crd: { spec: { names: { kind: 'K8sUniqueIngressHost' } } },
    targets: [
      {
        target: 'admission.k8s.gatekeeper.sh',
        rego: [
          'package k8suniqueingresshost',
          '',
          'identical(obj, review) {',
          '  obj.metadata.namespace == review.object.metadata.namespace',
          '  obj.metadata.name == review.object.metadata.name',
          '}',
          '',
          'violation[{"msg": msg}] {',
          '  host := input.review.object.spec.rules[_].host',
          '  other := data.inventory.namespace[_][_]["Ingress"][_]',
          '  other.spec.rules[_].host == host',
          '  not identical(other, input.review)',
          '  msg := sprintf("ingress host conflicts with an existing ingress <%v>", [host])',
          '}',
        ].join('\n'),
      },
    ],
  },
};

function constraint(kind: string, name: string, spec: Record<string, unknown> = {}): K8sObject {
  return { apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind, metadata: { name }, spec };
}

function pod(name: string, labels: Record<string, string> = {}, namespace?: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels, ...(namespace ? { namespace } : {}) }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
}

const located = (objects: K8sObject[]): Located[] => objects.map((object, i) => ({ object, origin: { file: 'in.yaml', line: i * 10 + 1 } }));

describe('engine', () => {
  it('evaluates constraints of templates among the inputs, with parameters', () => {
    const out = evaluate({
      objects: located([requiredLabels, constraint('K8sRequiredLabels', 'owner', { parameters: { labels: ['owner'] } }), pod('a'), pod('b', { owner: 'me' })]),
      options: { cacheDir: null },
    });
    expect(out.errors).toEqual([]);
    expect(out.results).toHaveLength(1);
    expect(out.results[0]).toMatchObject({
      object: { apiVersion: 'v1', kind: 'Pod', name: 'a', namespace: 'default' },
      origin: { file: 'in.yaml', line: 21 },
      constraint: { kind: 'K8sRequiredLabels', name: 'owner' },
      enforcementAction: 'deny',
      message: 'you must provide labels: {"owner"}',
      details: { missing: ['owner'] },
    });
  });

  it('passes reviews with text beyond ASCII to the policy intact', () => {
    // The review's JSON is encoded straight into the module's memory: multi-byte
    // characters must arrive whole, and nothing after them may be cut off.
    const echo: K8sObject = {
      apiVersion: 'templates.gatekeeper.sh/v1',
      kind: 'ConstraintTemplate',
      metadata: { name: 'k8secho' },
      spec: {
        crd: { spec: { names: { kind: 'K8sEcho' } } },
        targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: 'package k8secho\nviolation[{"msg": msg}] {\n  o := input.review.object\n  msg := sprintf("%v/%v: %v", [o.metadata.name, count(o.metadata.name), o.metadata.labels.note])\n}\n' }],
      },
    };
    const out = evaluate({ objects: located([echo, constraint('K8sEcho', 'echo'), pod('ünïcödé-😀', { note: 'wörld ✓' })]), options: { cacheDir: null } });
    expect(out.errors).toEqual([]);
    expect(out.results.map((r) => r.message)).toEqual(['ünïcödé-😀/9: wörld ✓']);
  });

  it('reports bad parameters as a load error naming the constraint and field', () => {
    const out = evaluate({ objects: located([requiredLabels, constraint('K8sRequiredLabels', 'owner', { parameters: { labels: 'owner' } }), pod('a')]), options: { cacheDir: null } });
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0].message).toMatch(/^K8sRequiredLabels\/owner: spec\.parameters\.labels: must be of type array/);
    expect(out.results).toEqual([]);
  });

  it('reports a constraint without its template', () => {
    const out = evaluate({ objects: located([constraint('K8sNothing', 'x'), pod('a')]), options: { cacheDir: null } });
    expect(out.errors[0].message).toMatch(/missing ConstraintTemplate: template "k8snothing" not found/);
  });

  it('carries each constraint’s enforcement action, sorted by action then message', () => {
    const out = evaluate({
      objects: located([
        requiredLabels,
        constraint('K8sRequiredLabels', 'b-warn', { enforcementAction: 'warn', parameters: { labels: ['x'] } }),
        constraint('K8sRequiredLabels', 'a-dry', { enforcementAction: 'dryrun', parameters: { labels: ['y'] } }),
        pod('p'),
      ]),
      options: { cacheDir: null },
    });
    expect(out.results.map((r) => [r.enforcementAction, r.constraint.name])).toEqual([
      ['dryrun', 'a-dry'],
      ['warn', 'b-warn'],
    ]);
  });

  it('matches kinds, namespaces and label selectors', () => {
    const c = constraint('K8sRequiredLabels', 'prod-pods', {
      match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }], namespaces: ['prod-*'], labelSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] } },
      parameters: { labels: ['owner'] },
    });
    const out = evaluate({
      objects: located([requiredLabels, c, pod('in', { tier: 'web' }, 'prod-eu'), pod('other-ns', { tier: 'web' }, 'dev'), pod('other-tier', { tier: 'db' }, 'prod-eu')]),
      options: { cacheDir: null },
    });
    expect(out.results.map((r) => r.object.name)).toEqual(['in']);
  });

  it('selects namespaces by the labels of Namespace objects among the inputs', () => {
    const c = constraint('K8sRequiredLabels', 'team-x', { match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }], namespaceSelector: { matchLabels: { team: 'x' } } }, parameters: { labels: ['owner'] } });
    const ns = (name: string, labels: Record<string, string>): K8sObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    const out = evaluate({
      objects: located([requiredLabels, c, ns('a', { team: 'x' }), ns('b', { team: 'y' }), pod('in-a', {}, 'a'), pod('in-b', {}, 'b')]),
      options: { cacheDir: null },
    });
    expect(out.results.map((r) => r.object.name)).toEqual(['in-a']);
  });

  it('fills data.inventory for referential templates', () => {
    const ingress = (name: string, host: string): K8sObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'web' }, spec: { rules: [{ host }] } });
    const out = evaluate({
      objects: located([uniqueHost, constraint('K8sUniqueIngressHost', 'unique'), ingress('one', 'a.example'), ingress('two', 'a.example'), ingress('three', 'b.example')]),
      options: { cacheDir: null },
    });
    expect(out.errors).toEqual([]);
    expect(out.results.map((r) => r.object.name).sort()).toEqual(['one', 'two']);
  });

  it('uses an AdmissionReview’s request as the review', () => {
    const template: K8sObject = JSON.parse(JSON.stringify(requiredLabels));
    (template.spec as { targets: { rego: string }[] }).targets[0].rego = [
      'package k8srequiredlabels',
      '',
      'violation[{"msg": msg}] {',
      '  input.review.operation == "UPDATE"',
      '  msg := sprintf("update by %v", [input.review.userInfo.username])',
      '}',
    ].join('\n');
    const review: K8sObject = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { operation: 'UPDATE', userInfo: { username: 'alice' }, object: pod('p', {}, 'default'), oldObject: pod('p', {}, 'default') },
    };
    const out = evaluate({ objects: located([template, constraint('K8sRequiredLabels', 'c'), review, pod('q')]), options: { cacheDir: null } });
    expect(out.results.map((r) => r.message)).toEqual(['update by alice']);
  });

  it('expands a Deployment to the Pod its controller creates and reports on the Deployment', () => {
    const deployment: K8sObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { template: { metadata: { labels: {} }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    };
    const c = constraint('K8sRequiredLabels', 'pods', { match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }] }, parameters: { labels: ['owner'] } });
    const out = evaluate({ objects: located([requiredLabels, c, deployment]), options: { cacheDir: null } });
    expect(out.results).toHaveLength(1);
    expect(out.results[0].object).toEqual({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-pod' });
    expect(out.results[0].workload).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web', builtIn: true });
    expect(out.results[0].origin).toEqual({ file: 'in.yaml', line: 21 });
  });

  it('turns an evaluation error into one result per constraint carrying the error', () => {
    const template: K8sObject = JSON.parse(JSON.stringify(requiredLabels));
    (template.spec as { targets: { rego: string }[] }).targets[0].rego = 'package k8srequiredlabels\n\nv := 1\nv := 2\n\nviolation[{"msg": "x"}] { v }\n';
    const out = evaluate({ objects: located([template, constraint('K8sRequiredLabels', 'c'), pod('p')]), options: { cacheDir: null } });
    expect(out.results).toHaveLength(1);
    expect(out.results[0].evaluationError).toBe(true);
    expect(out.results[0].message).toMatch(/eval_conflict_error/);
  });

  it('accepts templates and constraints apart from the objects', () => {
    const out = evaluate({
      templates: located([requiredLabels]),
      constraints: located([constraint('K8sRequiredLabels', 'owner', { parameters: { labels: ['owner'] } })]),
      objects: located([pod('a')]),
      options: { cacheDir: null },
    });
    expect(out.results.map((r) => r.object.name)).toEqual(['a']);
  });

  it('puts namespace-less objects in the chosen namespace', () => {
    const c = constraint('K8sRequiredLabels', 'staging', { match: { namespaces: ['staging'] }, parameters: { labels: ['owner'] } });
    const out = evaluate({ objects: located([requiredLabels, c, pod('a')]), options: { cacheDir: null, defaultNamespace: 'staging' } });
    expect(out.results.map((r) => r.object)).toEqual([{ apiVersion: 'v1', kind: 'Pod', namespace: 'staging', name: 'a' }]);
  });

  it('honours scoped enforcement actions for this enforcement point only', () => {
    const scoped = (name: string, point: string) =>
      constraint('K8sRequiredLabels', name, {
        enforcementAction: 'scoped',
        scopedEnforcementActions: [{ action: 'warn', enforcementPoints: [{ name: point }] }],
        parameters: { labels: ['owner'] },
      });
    const out = evaluate({ objects: located([requiredLabels, scoped('here', 'gator.gatekeeper.sh'), scoped('webhook-only', 'validation.gatekeeper.sh'), pod('a')]), options: { cacheDir: null } });
    expect(out.results.map((r) => [r.constraint.name, r.enforcementAction, r.scopedActions])).toEqual([['here', 'scoped', ['warn']]]);
  });

  it('skips namespaces a Gatekeeper Config excludes', () => {
    const config: K8sObject = { apiVersion: 'config.gatekeeper.sh/v1alpha1', kind: 'Config', metadata: { name: 'config', namespace: 'gatekeeper-system' }, spec: { match: [{ excludedNamespaces: ['kube-*'], processes: ['*'] }] } };
    const out = evaluate({ objects: located([requiredLabels, config, constraint('K8sRequiredLabels', 'c', { parameters: { labels: ['owner'] } }), pod('sys', {}, 'kube-system'), pod('app', {}, 'apps')]), options: { cacheDir: null } });
    expect(out.results.map((r) => r.object.name)).toEqual(['app']);
  });

  it('honours ExpansionTemplates: message prefix and action override, as Gatekeeper', () => {
    const et: K8sObject = {
      apiVersion: 'expansion.gatekeeper.sh/v1alpha1',
      kind: 'ExpansionTemplate',
      metadata: { name: 'expand-widgets' },
      spec: { applyTo: [{ groups: ['example.com'], versions: ['v1'], kinds: ['Widget'] }], templateSource: 'spec.podTemplate', generatedGVK: { group: '', version: 'v1', kind: 'Pod' }, enforcementAction: 'warn' },
    };
    const widget: K8sObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'x' }, spec: { podTemplate: { metadata: {}, spec: { containers: [] } } } };
    const c = constraint('K8sRequiredLabels', 'pods', { match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }] }, parameters: { labels: ['owner'] } });
    const out = evaluate({ objects: located([requiredLabels, c, et, widget]), options: { cacheDir: null } });
    expect(out.results).toHaveLength(1);
    expect(out.results[0].message).toBe('[Implied by expand-widgets] you must provide labels: {"owner"}');
    expect(out.results[0].enforcementAction).toBe('warn');
    expect(out.results[0].workload).toMatchObject({ kind: 'Widget', name: 'w', expansion: 'expand-widgets', builtIn: false });
  });
});

describe('engine with the bundled library module', () => {
  it('evaluates several constraints in one call, and attributes a template’s evaluation error to its constraints only', async () => {
    const { bundledTemplates, renderConstraintTemplate } = await import('../src/gatekeeper/library');
    const { loadLibraryWasm, entrypointOf } = await import('../src/gatekeeper/bundled-wasm');
    const wasm = loadLibraryWasm();
    const precompiled = bundledTemplates().map((t) => ({ kind: t.metadata.kind, wasm, entrypoint: entrypointOf(t), template: renderConstraintTemplate(t) as K8sObject }));
    const c = (kind: string, name: string, parameters: Record<string, unknown> = {}) => constraint(kind, name, { match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }] }, parameters });
    // Two different containers named alike: the seccomp template fails to evaluate (pod-security spec §2.15).
    const dup: K8sObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'dup', namespace: 'x' },
      spec: {
        containers: [
          { name: 'a', image: 'x', securityContext: { privileged: true } },
          { name: 'a', image: 'y' },
        ],
      },
    };
    const out = evaluate({
      objects: located([c('K8sPSPPrivilegedContainer', 'priv'), c('K8sPSPSeccomp', 'seccomp', { allowedProfiles: ['runtime/default'] }), c('K8sPSPHostNamespace', 'hostns'), dup]),
      precompiled,
      options: { cacheDir: null },
    });
    expect(out.errors).toEqual([]);
    const byConstraint = new Map<string, { evaluationError?: boolean }[]>();
    for (const r of out.results) byConstraint.set(r.constraint.name, [...(byConstraint.get(r.constraint.name) ?? []), r]);
    expect(byConstraint.get('priv')).toHaveLength(1);
    expect(byConstraint.get('priv')![0].evaluationError).toBeUndefined();
    expect(byConstraint.get('seccomp')).toHaveLength(1);
    expect(byConstraint.get('seccomp')![0].evaluationError).toBe(true);
    expect(byConstraint.get('hostns')).toBeUndefined();
  });
  it('gives in one batch call what one call per constraint gives, constraints of one kind with different parameters included', async () => {
    const { bundledTemplates, renderConstraintTemplate } = await import('../src/gatekeeper/library');
    const { loadLibraryWasm, loadBundledWasm, entrypointOf } = await import('../src/gatekeeper/bundled-wasm');
    const templates = bundledTemplates().filter((t) => ['privileged-containers', 'users', 'capabilities', 'host-namespaces'].includes(t.folder));
    const pods = (m: 'library' | 'own') =>
      templates.map((t) => ({ kind: t.metadata.kind, wasm: m === 'library' ? loadLibraryWasm() : loadBundledWasm(t), entrypoint: entrypointOf(t), template: renderConstraintTemplate(t) as K8sObject }));
    const c = (kind: string, name: string, parameters: Record<string, unknown> = {}) => constraint(kind, name, { match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }] }, parameters });
    const constraints = [
      c('K8sPSPAllowedUsers', 'non-root', { runAsUser: { rule: 'MustRunAsNonRoot' } }),
      c('K8sPSPPrivilegedContainer', 'priv'),
      c('K8sPSPAllowedUsers', 'uid-range', { runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] } }),
      c('K8sPSPCapabilities', 'caps', { allowedCapabilities: ['NET_BIND_SERVICE'], requiredDropCapabilities: ['ALL'] }),
      c('K8sPSPHostNamespace', 'hostns'),
    ];
    const pod = (name: string, spec: Record<string, unknown>): K8sObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'x' }, spec });
    const objects = [
      pod('root', { hostPID: true, containers: [{ name: 'a', image: 'x', securityContext: { runAsUser: 0, privileged: true, capabilities: { add: ['SYS_ADMIN'] } } }] }),
      pod('fine', { containers: [{ name: 'a', image: 'x', securityContext: { runAsUser: 1500, runAsNonRoot: true, capabilities: { drop: ['ALL'] } } }] }),
      pod('high', { containers: [{ name: 'a', image: 'x', securityContext: { runAsUser: 5000 } }, { name: 'b', image: 'y' }] }),
    ];
    const run = (m: 'library' | 'own') => evaluate({ objects: located([...constraints, ...objects]), precompiled: pods(m), options: { cacheDir: null } });
    const batch = run('library');
    const one = run('own');
    expect(batch.errors).toEqual([]);
    expect(batch.results.length).toBeGreaterThan(6);
    expect(batch.results).toEqual(one.results);
    expect(batch.results.filter((r) => r.constraint.name === 'uid-range').map((r) => r.object.name)).toEqual(['root', 'high', 'high']);
  });
});
