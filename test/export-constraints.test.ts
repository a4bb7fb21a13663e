// `offgate export constraints`: an environment's ConstraintTemplates and Constraints as the
// Gatekeeper objects a cluster takes. What it writes must be what `offgate lint --env X`
// enforces: linting with `--policy` of the export (no environment) gives the same findings,
// constraint for constraint and message for message. And it must pass Gatekeeper's own rules:
// structural parameter schemas, names valid as Kubernetes names, constraint kinds that match
// their templates (checked here on their own, from Kubernetes' documented rules, and with
// offgate's validator).
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspace as makeWorkspace } from './helpers/workspace';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { validateConstraint, validateTemplate } from '../src/gatekeeper/constraint-schema';
import type { K8sObject } from '../src/gatekeeper/types';
import { offgate } from './helpers/cli';

const workspace = (files: Record<string, string> = {}): string => makeWorkspace(files, { prefix: 'offgate-export-c-' });

/** A platform team's offgate.yaml: parameters, scope and an inherited enforcement action. */
const CONFIG = `environments:
  production:
    extends: restricted
    excludedNamespaces: [kube-system, "tenant-*"]
    restrictions:
      host-filesystem:
        allowedHostPaths:
          - pathPrefix: /var/log
            readOnly: true
      capabilities:
        allowedCapabilities: [NET_BIND_SERVICE]
        requiredDropCapabilities: [ALL]
      volumes:
        volumes: [configMap, secret, emptyDir, persistentVolumeClaim, projected, hostPath]
  staging:
    extends: production
    enforcementAction: warn
    restrictions:
      seccompv2: false
  labelled:
    extends: baseline
    labelSelector:
      matchExpressions: [{ key: security.example/exempt, operator: DoesNotExist }]
    restrictions:
      host-network-ports:
        namespaceSelector: { matchLabels: { env: prod } }
`;

const MANIFESTS: Record<string, string> = {
  // The cluster's namespaces, for namespaceSelector: labelled as the cluster labels them.
  'k8s/namespaces.yaml': ['logging', 'shop', 'ops', 'tenant-blue-sandbox']
    .map((n) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${n}\n  labels: { env: ${n === 'shop' ? 'prod' : 'dev'} }\n`)
    .join('---\n'),
  'k8s/exempt.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
  labels: { security.example/exempt: "true" }
spec:
  hostNetwork: true
  containers:
    - name: shell
      image: busybox:1.36
      securityContext: { privileged: true }
`,
  'k8s/log-shipper.yaml': `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-shipper
  namespace: logging
spec:
  selector:
    matchLabels: { app: log-shipper }
  template:
    metadata:
      labels: { app: log-shipper }
    spec:
      containers:
        - name: shipper
          image: registry.example/logging/shipper:3.2
          securityContext:
            capabilities:
              add: [NET_ADMIN]
          volumeMounts:
            - { name: varlog, mountPath: /var/log }
            - { name: docker, mountPath: /var/lib/docker }
      volumes:
        - name: varlog
          hostPath: { path: /var/log }
        - name: docker
          hostPath: { path: /var/lib/docker }
`,
  'k8s/api.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: { type: RuntimeDefault }
      containers:
        - name: api
          image: registry.example/shop/api:5.0
          ports:
            - containerPort: 80
              hostPort: 80
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: { drop: [ALL], add: [NET_BIND_SERVICE] }
`,
  'k8s/sandbox.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: scratch
  namespace: tenant-blue-sandbox
spec:
  hostPID: true
  containers:
    - name: shell
      image: busybox:1.36
      securityContext: { privileged: true }
`,
  'k8s/backup.yaml': `apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
  namespace: ops
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          hostNetwork: true
          containers:
            - name: backup
              image: registry.example/ops/backup:1.4
`,
};

interface Result {
  file: string;
  line: number;
  column: number;
  object: unknown;
  workload?: unknown;
  constraint: { kind: string; name: string };
  enforcementAction: string;
  message: string;
}

function lintResults(args: string[], cwd: string): { code: number; results: Result[]; sources: string[] } {
  const r = offgate(['lint', '-o', 'json', ...args], { cwd });
  expect(r.stdout, r.stderr).not.toBe('');
  const doc = JSON.parse(r.stdout) as { results: Result[]; sources: string[]; errors: unknown[] };
  expect(doc.errors).toEqual([]);
  return { code: r.code, results: doc.results, sources: doc.sources };
}

/** What a finding is, without the fix hint (bundled templates only) or details. */
const enforced = (r: Result) => JSON.stringify([r.file, r.line, r.column, r.object, r.workload ?? null, r.constraint, r.enforcementAction, r.message]);

function readObjects(dir: string): { path: string; object: K8sObject }[] {
  const out: { path: string; object: K8sObject }[] = [];
  for (const sub of ['templates', 'constraints']) {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const docs = parseAllDocuments(readFileSync(join(dir, sub, name), 'utf8'));
      expect(docs, `${sub}/${name}: one object per file`).toHaveLength(1);
      expect(docs[0]!.errors).toEqual([]);
      out.push({ path: `${sub}/${name}`, object: docs[0]!.toJS() as K8sObject });
    }
  }
  return out;
}

describe('export constraints is what lint --env enforces', { timeout: 180_000 }, () => {
  const ws = workspace({ ...MANIFESTS, 'platform/offgate.yaml': CONFIG });
  // Linted from a folder with no offgate.yaml above it: the export alone decides.
  for (const f of readdirSync(join(__dirname, '../fixtures/manifests'))) cpSync(join(__dirname, '../fixtures/manifests', f), join(ws, 'k8s', 'fixtures', f));

  it.each([
    ['baseline', []],
    ['restricted', []],
    ['production', ['--config', 'platform/offgate.yaml']],
    ['staging', ['--config', 'platform/offgate.yaml']],
    // Gatekeeper's match carried over: labelSelector (an exempt Pod) and namespaceSelector (shop only).
    ['labelled', ['--config', 'platform/offgate.yaml']],
  ])('%s: same constraints, same findings', (env, config) => {
    const out = `exported-${env}`;
    const w = offgate(['export', 'constraints', '--env', env, ...config, '--output-dir', out], { cwd: ws });
    expect(w.stderr).toBe('');
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(new RegExp(`^wrote \\d+ ConstraintTemplates and \\d+ Constraints of .* to ${out}\\n$`));

    const byEnv = lintResults(['--env', env, ...config, 'k8s'], ws);
    const byExport = lintResults(['--policy', out, 'k8s'], ws);
    expect(byExport.sources).toEqual([expect.stringMatching(new RegExp(`^--policy ${out} \\(\\d+ ConstraintTemplates, \\d+ Constraints\\)$`))]);
    expect(byEnv.results.length).toBeGreaterThan(0);
    expect(byExport.results.map(enforced).sort()).toEqual(byEnv.results.map(enforced).sort());
    expect(byExport.code).toBe(byEnv.code);

    // One Constraint per restriction the environment turns on, named as lint names them.
    const constraints = readObjects(join(ws, out)).filter((o) => o.path.startsWith('constraints/'));
    const names = new Set(byEnv.results.map((r) => r.constraint.name));
    for (const n of names) expect(constraints.map((c) => c.object.metadata?.name)).toContain(n);
  });

  it("the match as offgate.yaml writes it: the exempt Pod and the other namespaces' host network pass", () => {
    const byEnv = lintResults(['--env', 'labelled', '--config', 'platform/offgate.yaml', 'k8s'], ws);
    expect(byEnv.results.filter((r) => r.file === 'k8s/exempt.yaml')).toEqual([]);
    const hostNetwork = byEnv.results.filter((r) => r.constraint.kind === 'K8sPSPHostNetworkingPorts').map((r) => r.file);
    expect(hostNetwork).toEqual(['k8s/api.yaml']); // shop is env=prod; ops' CronJob (hostNetwork) is not
    const stream = offgate(['export', 'constraints', '--env', 'labelled', '--config', 'platform/offgate.yaml'], { cwd: ws });
    const hostNetworkConstraint = parseAllDocuments(stream.stdout).map((d) => d.toJS() as K8sObject).find((d) => d.kind === 'K8sPSPHostNetworkingPorts')!;
    expect((hostNetworkConstraint.spec as { match: unknown }).match).toEqual({
      kinds: [{ apiGroups: [''], kinds: ['Pod'] }],
      labelSelector: { matchExpressions: [{ key: 'security.example/exempt', operator: 'DoesNotExist' }] },
      namespaceSelector: { matchLabels: { env: 'prod' } },
    });
  });

  it('the scope and parameters as resolved: excluded namespaces, warn inherited, a restriction turned off', () => {
    const stream = offgate(['export', 'constraints', '--env', 'staging', '--config', 'platform/offgate.yaml'], { cwd: ws });
    expect(stream.code).toBe(0);
    const docs = parseAllDocuments(stream.stdout).map((d) => d.toJS() as K8sObject);
    const constraints = docs.filter((d) => d.apiVersion === 'constraints.gatekeeper.sh/v1beta1');
    expect(constraints.map((c) => c.kind)).not.toContain('K8sPSPSeccompV2');
    const hostFs = constraints.find((c) => c.kind === 'K8sPSPHostFilesystem')!;
    expect(hostFs.spec).toMatchObject({
      enforcementAction: 'warn',
      match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }], excludedNamespaces: ['kube-system', 'tenant-*'] },
      parameters: { allowedHostPaths: [{ pathPrefix: '/var/log', readOnly: true }] },
    });
    expect(constraints.every((c) => (c.spec as { enforcementAction: string }).enforcementAction === 'warn')).toBe(true);
    // Templates first, then constraints: a cluster needs the CRD before the Constraint.
    const kinds = docs.map((d) => d.kind);
    expect(kinds.lastIndexOf('ConstraintTemplate')).toBeLessThan(kinds.findIndex((k) => k !== 'ConstraintTemplate'));
  });
});

// ---------------------------------------------------------------------------
// Gatekeeper's and Kubernetes' rules, written out here

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** What a structural schema may not say inside allOf, anyOf, oneOf and not. */
const NOT_IN_JUNCTORS = ['description', 'type', 'default', 'additionalProperties', 'nullable'];
/** OpenAPI keywords a CRD schema does not allow at all. */
const FORBIDDEN = ['$ref', 'definitions', 'dependencies', 'additionalItems', 'patternProperties'];

/**
 * Kubernetes' structural schema rules: a non-empty type on the root, on every field under
 * `properties` and `additionalProperties` and on `items` (unless int-or-string or
 * preserve-unknown-fields); no type, description, default, additionalProperties or nullable
 * inside a junctor; `metadata` constrained in name and generateName only; an array says
 * what its items are. Returns the paths that break them.
 */
function structuralProblems(node: Record<string, unknown>, path: string, inJunctor = false): string[] {
  const problems: string[] = [];
  const typed = typeof node.type === 'string' && node.type !== '';
  if (!inJunctor && !typed && node['x-kubernetes-int-or-string'] !== true && node['x-kubernetes-preserve-unknown-fields'] !== true) problems.push(`${path}: no type`);
  if (inJunctor) for (const k of NOT_IN_JUNCTORS) if (k in node) problems.push(`${path}: ${k} inside a junctor`);
  for (const k of FORBIDDEN) if (k in node) problems.push(`${path}: ${k}`);
  if (node.type === 'array' && (typeof node.items !== 'object' || node.items === null || Array.isArray(node.items))) problems.push(`${path}: array without one items schema`);
  if (node.uniqueItems === true) problems.push(`${path}: uniqueItems`);
  const props = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [k, v] of Object.entries(props)) {
    if (k === 'metadata' && path === 'openAPIV3Schema') {
      const meta = Object.keys((v.properties ?? {}) as object);
      if (meta.some((m) => m !== 'name' && m !== 'generateName')) problems.push(`${path}.metadata: constrains more than name and generateName`);
    }
    problems.push(...structuralProblems(v, `${path}.properties.${k}`, inJunctor));
  }
  if (node.items && typeof node.items === 'object') problems.push(...structuralProblems(node.items as Record<string, unknown>, `${path}.items`, inJunctor));
  if (node.additionalProperties && typeof node.additionalProperties === 'object') problems.push(...structuralProblems(node.additionalProperties as Record<string, unknown>, `${path}.additionalProperties`, inJunctor));
  for (const j of ['allOf', 'anyOf', 'oneOf']) for (const [i, sub] of ((node[j] ?? []) as Record<string, unknown>[]).entries()) problems.push(...structuralProblems(sub, `${path}.${j}[${i}]`, true));
  if (node.not) problems.push(...structuralProblems(node.not as Record<string, unknown>, `${path}.not`, true));
  return problems;
}

describe("export constraints passes Gatekeeper's own rules", { timeout: 180_000 }, () => {
  const ws = workspace({ 'platform/offgate.yaml': CONFIG });

  it.each([['restricted', []], ['production', ['--config', 'platform/offgate.yaml']]])('%s: every object', (env, config) => {
    const out = join(ws, `rules-${env}`);
    const w = offgate(['export', 'constraints', '--env', env, ...config, '--output-dir', out, '--format', 'kustomize'], { cwd: ws });
    expect(w.code).toBe(0);
    const objects = readObjects(out);
    const templates = objects.filter((o) => o.object.kind === 'ConstraintTemplate');
    const constraints = objects.filter((o) => o.object.kind !== 'ConstraintTemplate');
    expect(templates.length).toBeGreaterThan(0);
    expect(constraints).toHaveLength(templates.length);

    for (const { path, object } of templates) {
      const name = object.metadata!.name!;
      const crd = (object.spec as { crd: { spec: { names: { kind: string }; validation: { openAPIV3Schema: Record<string, unknown> } } } }).crd.spec;
      expect(object.apiVersion).toBe('templates.gatekeeper.sh/v1');
      expect(path).toBe(`templates/${name}.yaml`);
      expect(name.length).toBeLessThanOrEqual(253);
      expect(name).toMatch(DNS1123_SUBDOMAIN);
      expect(name).toBe(crd.names.kind.toLowerCase()); // Gatekeeper: the template's name is the lower-cased kind
      expect(crd.names.kind.toLowerCase()).toMatch(DNS1035_LABEL); // the CRD's plural
      expect(crd.validation.openAPIV3Schema.type).toBe('object');
      expect(structuralProblems(crd.validation.openAPIV3Schema, 'openAPIV3Schema')).toEqual([]);
      expect(validateTemplate(object)).toEqual([]);
      const targets = (object.spec as { targets: { target: string; rego: string }[] }).targets;
      expect(targets).toEqual([expect.objectContaining({ target: 'admission.k8s.gatekeeper.sh', rego: expect.stringMatching(/^package /m) })]);
    }
    for (const { path, object } of constraints) {
      const name = object.metadata!.name!;
      expect(object.apiVersion).toBe('constraints.gatekeeper.sh/v1beta1');
      expect(path).toBe(`constraints/${name}.yaml`);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(DNS1123_SUBDOMAIN);
      const template = templates.find((t) => (t.object.spec as { crd: { spec: { names: { kind: string } } } }).crd.spec.names.kind === object.kind);
      expect(template, `${name}: a template of kind ${object.kind}`).toBeDefined();
      expect(validateConstraint(template!.object, object)).not.toHaveProperty('errors');
    }

    // The kustomization lists every file, templates first.
    const k = parse(readFileSync(join(out, 'kustomization.yaml'), 'utf8')) as { apiVersion: string; kind: string; resources: string[] };
    expect(k.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
    expect(k.kind).toBe('Kustomization');
    expect([...k.resources].sort()).toEqual(objects.map((o) => o.path).sort());
    expect(k.resources.slice(0, templates.length).every((r) => r.startsWith('templates/'))).toBe(true);
  });

  it('the structural check above catches what Kubernetes refuses', () => {
    expect(structuralProblems({ type: 'object', properties: { a: { description: 'no type' } } }, 'openAPIV3Schema')).toEqual(['openAPIV3Schema.properties.a: no type']);
    expect(structuralProblems({ type: 'object', anyOf: [{ type: 'string' }] }, 'openAPIV3Schema')).toEqual(['openAPIV3Schema.anyOf[0]: type inside a junctor']);
    expect(structuralProblems({ type: 'array' }, 'openAPIV3Schema')).toEqual(['openAPIV3Schema: array without one items schema']);
  });
});

describe('export constraints into a folder', { timeout: 180_000 }, () => {
  it('writes only inside the folder (created), replaces its own files, removes those of restrictions turned off', () => {
    const ws = workspace({ 'offgate.yaml': 'environments:\n  default:\n    extends: baseline\n' });
    const first = offgate(['export', 'constraints', '--output-dir', 'gitops/policy'], { cwd: ws });
    expect(first.code).toBe(0);
    expect(readdirSync(ws).sort()).toEqual(['gitops', 'offgate.yaml']);
    expect(readdirSync(join(ws, 'gitops/policy')).sort()).toEqual(['constraints', 'templates']);
    expect(existsSync(join(ws, 'gitops/policy/constraints/offgate-default-privileged-containers.yaml'))).toBe(true);
    // A README the team keeps beside the export is left alone.
    writeFileSync(join(ws, 'gitops/policy/README.md'), '# policy\n');

    writeFileSync(join(ws, 'offgate.yaml'), 'environments:\n  default:\n    extends: baseline\n    restrictions:\n      privileged-containers: false\n');
    const second = offgate(['export', 'constraints', '--output-dir', 'gitops/policy', '--format', 'kustomize'], { cwd: ws });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/removed 2 files of an earlier export \(templates\/k8spspprivilegedcontainer\.yaml, constraints\/offgate-default-privileged-containers\.yaml\)/);
    expect(existsSync(join(ws, 'gitops/policy/constraints/offgate-default-privileged-containers.yaml'))).toBe(false);
    expect(readFileSync(join(ws, 'gitops/policy/README.md'), 'utf8')).toBe('# policy\n');
    expect(existsSync(join(ws, 'gitops/policy/kustomization.yaml'))).toBe(true);
  });

  it('refuses to overwrite a file it did not write: exit 2, nothing written', () => {
    const ws = workspace({ 'policy/templates/k8spspprivilegedcontainer.yaml': '# our own, hand-tuned\n' });
    const r = offgate(['export', 'constraints', '--env', 'baseline', '--output-dir', 'policy'], { cwd: ws });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('offgate: policy/templates/k8spspprivilegedcontainer.yaml: exists and was not written by offgate export constraints; not overwritten (move it, or choose another --output-dir)\n');
    expect(readFileSync(join(ws, 'policy/templates/k8spspprivilegedcontainer.yaml'), 'utf8')).toBe('# our own, hand-tuned\n');
    expect(readdirSync(join(ws, 'policy'))).toEqual(['templates']);
  });

  it.each([
    [['--env', 'prod'], /^offgate: unknown environment "prod": there is no offgate\.yaml, and it is not a preset/],
    [['--env', 'baseline', '--format', 'kustomize'], /^offgate: --format kustomize writes a folder: give --output-dir DIR\n$/],
    [['--env', 'baseline', '--format', 'helm', '--output-dir', 'x'], /^offgate: --format helm: must be yaml or kustomize\n$/],
    [['--config', 'missing.yaml'], /^offgate: missing\.yaml: no such file \(given with --config\)\n$/],
  ])('bad input %j: one line, exit 2', (args, message) => {
    const ws = workspace();
    const r = offgate(['export', 'constraints', ...args], { cwd: ws });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(readdirSync(ws)).toEqual([]);
  });

  it('export templates and expansions keep their options; the new ones are for constraints only', () => {
    const r = offgate(['export', 'templates', '--env', 'baseline']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('offgate: export templates: --env is an option of export constraints only\n');
    const ws = workspace();
    expect(offgate(['export', 'expansions', '--output-dir', 'exp'], { cwd: ws }).code).toBe(0);
    expect(readdirSync(join(ws, 'exp')).length).toBeGreaterThan(0);
  });
});
