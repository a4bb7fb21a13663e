// Gatekeeper's match in offgate.yaml (issue 17 item 2): kinds, scope, namespaces,
// excludedNamespaces, labelSelector, namespaceSelector and name on an environment and on a
// restriction, carried into the Constraints' spec.match and evaluated as Gatekeeper does;
// namespace labels from Namespace objects among the inputs and from `namespaces:`; a
// selector that cannot be decided is a warning. The cases follow Gatekeeper's documented
// `match` (all criteria ANDed; label selectors with matchLabels and In/NotIn/Exists/
// DoesNotExist, negative matching included; namespaceSelector on the labels of the object's
// Namespace, on a Namespace's own labels; prefix/suffix globs in namespace lists).
import Ajv from 'ajv';
import { load as loadYaml } from 'js-yaml';
import { workspace } from './helpers/workspace';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load';
import type { Config } from '../src/config/model';
import { resolveEnvironment } from '../src/config/resolve';
import { configJsonSchema } from '../src/config/reference';
import type { K8sObject } from '../src/gatekeeper/types';
import { lint } from '../src/lint/lint';

function config(text: string): Config {
  const r = parseConfig(text, 'offgate.yaml');
  if ('error' in r) throw new Error(r.errors.join('\n'));
  return r.config;
}

function errorsOf(text: string): string[] {
  const r = parseConfig(text, 'offgate.yaml');
  return 'error' in r ? r.errors : [];
}

function constraintOf(cfg: Config, env: string, kind: string): K8sObject & { spec: { match: Record<string, unknown> } } {
  const r = resolveEnvironment(cfg, env);
  if ('error' in r) throw new Error(r.error);
  const c = r.constraints.find((x) => x.kind === kind);
  if (!c) throw new Error(`no ${kind} in ${env}`);
  return c as K8sObject & { spec: { match: Record<string, unknown> } };
}

/** A repository in a temporary folder: path → content. */
function repo(files: Record<string, string> = {}): string {
  return workspace(files, { prefix: 'offgate-match-', git: true });
}

/** A privileged Deployment as teams write them; `labels` go on its pod template. */
function deployment(name: string, namespace: string, labels: Record<string, string> = {}): string {
  const all = { app: name, ...labels };
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {${Object.entries(all).map(([k, v]) => `${k}: "${v}"`).join(', ')}}
    spec:
      containers:
        - name: ${name}
          image: registry.example/${name}:1.0
          securityContext:
            privileged: true
`;
}

function namespace(name: string, labels: Record<string, string>): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels: {${Object.entries(labels).map(([k, v]) => `${k}: "${v}"`).join(', ')}}
`;
}

/** Names of the workloads (or objects) the privileged-containers constraint denies. */
async function denied(files: Record<string, string>, env?: string): Promise<{ names: string[]; warnings: string[]; autoreject: number; errors: string[] }> {
  const cwd = repo(files);
  const { report, fatal } = await lint({ paths: ['.'], cwd, env });
  if (fatal) throw new Error(fatal);
  const privileged = report.findings.filter((f) => f.constraint.kind === 'K8sPSPPrivilegedContainer');
  return {
    names: [...new Set(privileged.map((f) => f.workload?.name ?? f.object.name ?? ''))].sort(),
    warnings: report.warnings,
    autoreject: report.findings.filter((f) => f.autoreject).length,
    errors: report.errors.map((e) => e.message),
  };
}

describe('match keys in offgate.yaml become the Constraints’ spec.match', () => {
  const cfg = config(`environments:
  production:
    extends: restricted
    excludedNamespaces: [kube-*, "*-system"]
    labelSelector:
      matchExpressions: [{key: security.example/exempt, operator: DoesNotExist}]
    restrictions:
      capabilities:
        labelSelector: {matchLabels: {tier: web}}
        namespaceSelector:
          matchExpressions:
            - {key: env, operator: In, values: [prod, production]}
            - {key: legacy, operator: NotIn, values: ["true"]}
            - {key: team, operator: Exists}
        scope: Namespaced
        name: "web-*"
        kinds: [{apiGroups: [""], kinds: [Pod]}, {apiGroups: [apps], kinds: [Deployment]}]
  staging:
    extends: production
    namespaces: [staging-*]
`);

  it('an environment’s keys reach every constraint; kinds default to Pods', () => {
    expect(constraintOf(cfg, 'production', 'K8sPSPPrivilegedContainer').spec.match).toEqual({
      kinds: [{ apiGroups: [''], kinds: ['Pod'] }],
      excludedNamespaces: ['kube-*', '*-system'],
      labelSelector: { matchExpressions: [{ key: 'security.example/exempt', operator: 'DoesNotExist' }] },
    });
  });

  it('a restriction’s key replaces the same key of its environment (not merged); the others are inherited', () => {
    expect(constraintOf(cfg, 'production', 'K8sPSPCapabilities').spec.match).toEqual({
      kinds: [
        { apiGroups: [''], kinds: ['Pod'] },
        { apiGroups: ['apps'], kinds: ['Deployment'] },
      ],
      scope: 'Namespaced',
      excludedNamespaces: ['kube-*', '*-system'],
      labelSelector: { matchLabels: { tier: 'web' } },
      namespaceSelector: {
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'production'] },
          { key: 'legacy', operator: 'NotIn', values: ['true'] },
          { key: 'team', operator: 'Exists' },
        ],
      },
      name: 'web-*',
    });
  });

  it('along extends, an environment adds its own keys to what it inherits', () => {
    const match = constraintOf(cfg, 'staging', 'K8sPSPCapabilities').spec.match;
    expect(match.namespaces).toEqual(['staging-*']);
    expect(match.labelSelector).toEqual({ matchLabels: { tier: 'web' } });
  });

  it('the schema for editors accepts what the loader accepts', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(configJsonSchema());
    const text = `namespaces:\n  shop: {labels: {team: payments}}\n  empty:\nenvironments:\n  prod:\n    extends: restricted\n    paths: [k8s/prod/]\n    scope: "*"\n    namespaceSelector: {matchLabels: {env: prod}}\n    restrictions:\n      users: {name: "api-*", kinds: [{kinds: [Pod]}], labelSelector: {matchExpressions: [{key: a, operator: Exists}]}}\n`;
    expect(errorsOf(text)).toEqual([]);
    expect(validate(loadYaml(text)), JSON.stringify(validate.errors)).toBe(true);
    for (const bad of ['environments:\n  p:\n    scope: Everything\n', 'environments:\n  p:\n    kinds: []\n', 'environments:\n  p:\n    labelSelector: {matchLabel: {a: b}}\n', 'environments:\n  p:\n    paths: k8s/\n', 'namespaces:\n  Shop: {}\nenvironments:\n  p: {}\n']) {
      expect(errorsOf(bad)).not.toEqual([]);
      expect(validate(loadYaml(bad))).toBe(false);
    }
  });
});

describe('errors in the new keys: all at once, each at its file:line:col', () => {
  it('reports every mistake of the file', () => {
    const text = `namespaces:
  Shop: {labels: {team: payments}}
  cart: {labels: {"bad key!": x, version: 1}, label: {}}
environments:
  prod:
    extends: restricted
    paths: k8s/prod
    scope: Everything
    name: Web
    kinds: []
    labelSelector:
      matchLabel: {a: b}
      matchExpressions:
        - {key: tier, operator: In}
        - {key: tier, operator: Exist}
        - {key: tier, operator: DoesNotExist, values: [a]}
    restrictions:
      capabilities:
        namespaceSelector: {matchLabels: {env: "no good"}}
        kinds: [{apiGroup: [""]}]
`;
    const errors = errorsOf(text);
    expect(errors.map((e) => e.replace(/^(offgate\.yaml:\d+:\d+): .*$/, '$1'))).toEqual([
      'offgate.yaml:2:3',
      'offgate.yaml:3:19',
      'offgate.yaml:3:43',
      'offgate.yaml:3:47',
      'offgate.yaml:7:12',
      'offgate.yaml:8:12',
      'offgate.yaml:9:11',
      'offgate.yaml:10:12',
      'offgate.yaml:12:7',
      'offgate.yaml:14:11',
      'offgate.yaml:15:33',
      'offgate.yaml:16:55',
      'offgate.yaml:19:48',
      'offgate.yaml:20:18',
    ]);
    expect(errors).toContain('offgate.yaml:8:12: scope in environment "prod" must be one of *, Cluster, Namespaced, got "Everything"');
    expect(errors).toContain('offgate.yaml:12:7: unknown key "matchLabel" in labelSelector in environment "prod" (did you mean "matchLabels"?)');
    expect(errors).toContain('offgate.yaml:15:33: operator of labelSelector.matchExpressions[1] in environment "prod" must be one of In, NotIn, Exists, DoesNotExist, got "Exist" (did you mean "Exists"?)');
    expect(errors).toContain('offgate.yaml:14:11: labelSelector.matchExpressions[0] in environment "prod": operator In needs at least one value in "values"');
    expect(errors).toContain('offgate.yaml:3:43: label "version" in the labels of namespace "cart" must be a string (quote it: "1"), got number 1');
    expect(errors).toContain('offgate.yaml:20:18: unknown key "apiGroup" in kinds[0] of restriction "capabilities" in environment "prod" (did you mean "apiGroups"?)');
    expect(errors.every((e) => !e.includes('\n'))).toBe(true);
  });
});

describe('labelSelector: labelled workloads exempted as the cluster exempts them', () => {
  const files = (selector: string) => ({
    'offgate.yaml': `environments:\n  default:\n    extends: baseline\n    labelSelector: ${selector}\n`,
    'k8s/web.yaml': deployment('web', 'shop'),
    'k8s/debug.yaml': deployment('debug', 'shop', { 'security.example/exempt': 'true' }),
    'k8s/legacy.yaml': deployment('legacy', 'shop', { tier: 'legacy' }),
    'k8s/batch.yaml': deployment('batch', 'shop', { tier: 'batch' }),
  });

  it('DoesNotExist: a workload whose pods carry the exemption label is not checked', async () => {
    expect((await denied(files('{matchExpressions: [{key: security.example/exempt, operator: DoesNotExist}]}'))).names).toEqual(['batch', 'legacy', 'web']);
  });

  it('NotIn: a missing label is "not in" any set, so unlabelled workloads stay checked', async () => {
    expect((await denied(files('{matchExpressions: [{key: tier, operator: NotIn, values: [legacy, batch]}]}'))).names).toEqual(['debug', 'web']);
  });

  it('In, Exists and matchLabels select only what they name (ANDed)', async () => {
    expect((await denied(files('{matchExpressions: [{key: tier, operator: In, values: [legacy]}]}'))).names).toEqual(['legacy']);
    expect((await denied(files('{matchExpressions: [{key: tier, operator: Exists}]}'))).names).toEqual(['batch', 'legacy']);
    expect((await denied(files('{matchLabels: {tier: batch}, matchExpressions: [{key: tier, operator: Exists}]}'))).names).toEqual(['batch']);
  });

  it('a restriction’s own selector replaces the environment’s for that restriction only', async () => {
    const r = await denied({
      'offgate.yaml': `environments:
  default:
    extends: baseline
    labelSelector: {matchExpressions: [{key: security.example/exempt, operator: DoesNotExist}]}
    restrictions:
      privileged-containers:
        labelSelector: {matchLabels: {tier: legacy}}
`,
      'k8s/web.yaml': deployment('web', 'shop'),
      'k8s/legacy.yaml': deployment('legacy', 'shop', { tier: 'legacy', 'security.example/exempt': 'true' }),
    });
    expect(r.names).toEqual(['legacy']);
  });
});

describe('namespaceSelector: decided from the labels of the object’s Namespace', () => {
  const env = `environments:\n  default:\n    extends: baseline\n    namespaceSelector: {matchExpressions: [{key: env, operator: In, values: [prod]}]}\n`;

  it('from Namespace objects among the inputs', async () => {
    const r = await denied({
      'offgate.yaml': env,
      'k8s/namespaces.yaml': `${namespace('shop', { env: 'prod' })}---\n${namespace('lab', { env: 'dev' })}`,
      'k8s/shop.yaml': deployment('cart', 'shop'),
      'k8s/lab.yaml': deployment('toy', 'lab'),
    });
    expect(r.names).toEqual(['cart']);
    expect(r.warnings).toEqual([]);
  });

  it('from namespaces: in offgate.yaml, whose labels win over a Namespace object’s', async () => {
    const r = await denied({
      'offgate.yaml': `namespaces:\n  shop: {labels: {env: prod}}\n  lab: {labels: {env: prod}}\n${env}`,
      'k8s/namespaces.yaml': namespace('lab', { env: 'dev' }),
      'k8s/shop.yaml': deployment('cart', 'shop'),
      'k8s/lab.yaml': deployment('toy', 'lab'),
    });
    expect(r.names).toEqual(['cart', 'toy']);
  });

  it('NotIn and DoesNotExist on a namespace described without that label select it', async () => {
    const r = await denied({
      'offgate.yaml': `namespaces:\n  shop: {labels: {team: a}}\n  lab:\nenvironments:\n  default:\n    extends: baseline\n    namespaceSelector: {matchExpressions: [{key: sandbox, operator: DoesNotExist}, {key: team, operator: NotIn, values: [b]}]}\n`,
      'k8s/shop.yaml': deployment('cart', 'shop'),
      'k8s/lab.yaml': deployment('toy', 'lab'),
    });
    expect(r.names).toEqual(['cart', 'toy']);
  });

  it('a namespace nobody describes: a warning that the match could not be decided, not a denial, not an autoreject', async () => {
    const r = await denied({
      'offgate.yaml': env,
      'k8s/ghost.yaml': deployment('spooky', 'ghost'),
      'k8s/namespaces.yaml': namespace('shop', { env: 'prod' }),
      'k8s/shop.yaml': deployment('cart', 'shop'),
    });
    expect(r.names).toEqual(['cart']);
    expect(r.autoreject).toBe(0);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^namespace "ghost" is described by no Namespace object .* and not under "namespaces:" in offgate\.yaml: whether the namespaceSelector of offgate-default-\S+(, offgate-default-\S+)* and \d+ more matches Deployment ghost\/spooky could not be decided, so they were not applied there$/);
  });

  it('constraints without a selector still apply in an undescribed namespace', async () => {
    const r = await denied({
      'offgate.yaml': `environments:\n  default:\n    extends: baseline\n    restrictions:\n      host-network-ports:\n        namespaceSelector: {matchLabels: {env: prod}}\n`,
      'k8s/ghost.yaml': deployment('spooky', 'ghost'),
    });
    expect(r.names).toEqual(['spooky']);
    expect(r.warnings.join('\n')).toContain('whether the namespaceSelector of offgate-default-host-network-ports matches Deployment ghost/spooky could not be decided, so it was not applied there');
  });

  it('kubernetes.io/metadata.name, which the API server sets on every Namespace, is decided without a description', async () => {
    const r = await denied({
      'offgate.yaml': `environments:\n  default:\n    extends: baseline\n    namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}]}\n`,
      'k8s/shop.yaml': deployment('cart', 'shop'),
      'k8s/system.yaml': deployment('proxy', 'kube-system'),
    });
    expect(r.names).toEqual(['cart']);
    expect(r.warnings).toEqual([]);
  });
});

describe('the other criteria', () => {
  const base = (match: string) => ({
    'offgate.yaml': `environments:\n  default:\n    extends: baseline\n${match}`,
    'k8s/web.yaml': deployment('web', 'shop'),
    'k8s/web-canary.yaml': deployment('web-canary', 'shop-canary'),
    'k8s/proxy.yaml': deployment('proxy', 'kube-system'),
    'k8s/agent.yaml': deployment('agent', 'monitoring-system'),
  });

  it('excludedNamespaces and namespaces with prefix and suffix wildcards', async () => {
    expect((await denied(base('    excludedNamespaces: [kube-*, "*-system"]\n'))).names).toEqual(['web', 'web-canary']);
    expect((await denied(base('    namespaces: ["shop*"]\n'))).names).toEqual(['web', 'web-canary']);
    expect((await denied(base('    namespaces: ["*-canary"]\n'))).names).toEqual(['web-canary']);
  });

  it('name: the reviewed Pod’s name (a workload’s Pod is named after it)', async () => {
    expect((await denied(base('    name: "web-canary*"\n'))).names).toEqual(['web-canary']);
  });

  it('scope: Pods are namespaced, so Cluster matches none of them', async () => {
    expect((await denied(base('    scope: Cluster\n'))).names).toEqual([]);
    expect((await denied(base('    scope: Namespaced\n'))).names).toEqual(['agent', 'proxy', 'web', 'web-canary']);
  });

  it('kinds: a constraint for other kinds does not review Pods', async () => {
    expect((await denied(base('    kinds: [{apiGroups: [""], kinds: [ConfigMap]}]\n'))).names).toEqual([]);
    expect((await denied(base('    kinds: [{apiGroups: ["*"], kinds: [Pod]}]\n'))).names).toEqual(['agent', 'proxy', 'web', 'web-canary']);
  });
});

describe('offgate init shows the new keys, commented', () => {
  it('paths, labelSelector, namespaceSelector and namespaces: are in the starter file, and load when uncommented', async () => {
    const { starterConfig } = await import('../src/config/init');
    const text = starterConfig();
    for (const key of ['# paths: [k8s/prod/]', '# labelSelector:', '# namespaceSelector:', '# namespaces:', '#   shop: {labels:']) expect(text).toContain(key);
    const uncommented = config(text.replace(/^(\s*)# /gm, '$1'));
    expect(uncommented.namespaceLabels).toEqual({ shop: { env: 'prod', team: 'payments' } });
    expect(uncommented.environments.get('production')!.paths).toEqual(['k8s/prod/']);
    expect(constraintOf(uncommented, 'production', 'K8sPSPPrivilegedContainer').spec.match.namespaceSelector).toEqual({ matchLabels: { env: 'prod' } });
  });
});
