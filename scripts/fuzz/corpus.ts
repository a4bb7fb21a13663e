// The inputs the fuzzer starts from, by kind: manifests (the fixtures, the pod-security
// cases' objects, suite samples, policy objects, generated Pods and workloads), offgate.yaml
// files, Gatekeeper suite folders, and Rego (bundled .rego files and ConstraintTemplates).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import yaml from 'js-yaml';
import { starterConfig } from '../../src/config/init';
import { bundledTemplates, renderConstraintTemplate } from '../../src/gatekeeper/library';
import type { Rng } from './rng';

export interface SuiteSeed {
  name: string;
  /** Relative path → text, the whole folder. */
  files: Map<string, string>;
  suite: string;
}

export interface RegoSeed {
  name: string;
  source: string;
}

export interface Corpus {
  manifests: { name: string; doc: unknown }[];
  configs: { name: string; text: string; environments: string[] }[];
  suites: SuiteSeed[];
  rego: RegoSeed[];
  libs: RegoSeed[];
  templates: { name: string; doc: unknown }[];
  /** A Pod with known denials under --env restricted, linted beside every mutated manifest. */
  sentinel: string;
}

export const SENTINEL = `apiVersion: v1
kind: Pod
metadata:
  name: offgate-fuzz-sentinel
  namespace: fuzz-sentinel
spec:
  hostNetwork: true
  containers:
    - name: sentinel
      image: registry.example/sentinel:1
      securityContext:
        privileged: true
`;

function files(dir: string, re: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (re.test(name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function loadDocs(path: string): unknown[] {
  const text = readFileSync(path, 'utf8');
  try {
    return path.endsWith('.json') ? [JSON.parse(text)] : yaml.loadAll(text).filter((d) => d !== null && typeof d === 'object');
  } catch {
    return [];
  }
}

const isObject = (d: unknown): d is Record<string, unknown> => d !== null && typeof d === 'object' && !Array.isArray(d);

export function loadCorpus(root: string): Corpus {
  const manifests: Corpus['manifests'] = [];
  const add = (name: string, doc: unknown): void => void (isObject(doc) && manifests.push({ name, doc }));
  for (const f of [...files(join(root, 'fixtures/manifests'), /\.ya?ml$/), ...files(join(root, 'test/fixtures-manifests'), /\.(ya?ml|json)$/)]) {
    for (const d of loadDocs(f)) add(relative(root, f), d);
  }
  for (const f of files(join(root, 'rego'), /\.ya?ml$/).filter((f) => f.includes('/examples/'))) for (const d of loadDocs(f)) add(relative(root, f), d);
  for (const f of files(join(root, 'test/suites'), /\.ya?ml$/)) for (const d of loadDocs(f)) if (isObject(d) && d.kind !== 'Suite') add(relative(root, f), d);
  for (const f of files(join(root, 'fixtures/pod-security'), /\.ya?ml$/)) {
    for (const d of loadDocs(f)) {
      const cases = isObject(d) && Array.isArray(d.cases) ? d.cases : [];
      for (const c of cases) if (isObject(c) && isObject(c.object)) add(`${relative(root, f)}#${String(c.name ?? '')}`, c.object);
    }
  }

  const configs: Corpus['configs'] = [];
  const addConfig = (name: string, text: string): void => {
    let environments: string[] = [];
    try {
      const d = yaml.load(text);
      if (isObject(d) && isObject(d.environments)) environments = Object.keys(d.environments);
    } catch {
      // a seed that is not valid YAML is still a seed
    }
    configs.push({ name, text, environments });
  };
  for (const f of files(join(root, 'fixtures/config'), /^\.?offgate\.ya?ml$|^[a-z]+\.yaml$/)) if (!f.includes('/apps/') && !f.endsWith('pod.yaml')) addConfig(relative(root, f), readFileSync(f, 'utf8'));
  addConfig('offgate init', starterConfig());

  const suites: SuiteSeed[] = [];
  for (const dir of ['test/suites/passing', 'test/suites/failing', 'test/suites/broken', 'test/suites/passing/referential', 'test/suites/passing/expansion']) {
    const abs = join(root, dir);
    const map = new Map<string, string>();
    for (const f of files(abs, /\.ya?ml$/)) map.set(relative(abs, f), readFileSync(f, 'utf8'));
    suites.push({ name: dir, files: map, suite: 'suite.yaml' });
  }

  const rego: RegoSeed[] = [];
  const libs: RegoSeed[] = [];
  for (const f of files(join(root, 'rego'), /\.rego$/)) (f.includes('/lib/') ? libs : rego).push({ name: relative(root, f), source: readFileSync(f, 'utf8') });

  const templates: Corpus['templates'] = [];
  for (const f of [join(root, 'fixtures/templates/privileged-containers.yaml'), ...files(join(root, 'test'), /template\.ya?ml$/)]) {
    for (const d of loadDocs(f)) if (isObject(d) && d.kind === 'ConstraintTemplate') templates.push({ name: relative(root, f), doc: d });
  }
  for (const t of bundledTemplates()) templates.push({ name: `bundled ${t.metadata.kind}`, doc: renderConstraintTemplate(t) });

  return { manifests, configs, suites, rego, libs, templates, sentinel: SENTINEL };
}

// ---------------------------------------------------------------------------
// Generated workloads: Pods, Deployments and friends with random security settings.

export function generatedWorkload(rng: Rng): Record<string, unknown> {
  const containers = Array.from({ length: rng.range(1, 4) }, (_, i) => container(rng, `c${i}`));
  const podSpec: Record<string, unknown> = { containers };
  if (rng.chance(0.3)) podSpec.initContainers = [container(rng, 'init')];
  if (rng.chance(0.2)) podSpec.hostNetwork = rng.chance(0.5);
  if (rng.chance(0.2)) podSpec.hostPID = true;
  if (rng.chance(0.2)) podSpec.volumes = [{ name: 'v', hostPath: { path: rng.pick(['/', '/var/run/docker.sock', '/tmp']) } }];
  if (rng.chance(0.3)) podSpec.securityContext = { runAsNonRoot: rng.chance(0.5), runAsUser: rng.pick([0, 1000, 65534]), seccompProfile: { type: rng.pick(['RuntimeDefault', 'Unconfined']) } };
  const metadata = { name: `gen-${rng.int(1000)}`, namespace: rng.pick(['default', 'prod', 'kube-system', 'team-a']), labels: { app: 'gen', ...(rng.chance(0.3) ? { exempt: 'true' } : {}) } };
  const kind = rng.pick(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet'] as const);
  if (kind === 'Pod') return { apiVersion: 'v1', kind, metadata, spec: podSpec };
  const template = { metadata: { labels: { app: 'gen' } }, spec: podSpec };
  if (kind === 'CronJob') return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } };
  if (kind === 'Job') return { apiVersion: 'batch/v1', kind, metadata, spec: { template } };
  return { apiVersion: 'apps/v1', kind, metadata, spec: { replicas: rng.range(0, 3), selector: { matchLabels: { app: 'gen' } }, template } };
}

function container(rng: Rng, name: string): Record<string, unknown> {
  const c: Record<string, unknown> = { name, image: rng.pick(['nginx:1.25', 'registry.example/app:2', 'busybox']) };
  const sc: Record<string, unknown> = {};
  if (rng.chance(0.3)) sc.privileged = rng.chance(0.5);
  if (rng.chance(0.3)) sc.allowPrivilegeEscalation = rng.chance(0.5);
  if (rng.chance(0.3)) sc.capabilities = { add: rng.chance(0.5) ? ['NET_ADMIN'] : [], drop: rng.chance(0.5) ? ['ALL'] : [] };
  if (rng.chance(0.3)) sc.readOnlyRootFilesystem = rng.chance(0.5);
  if (rng.chance(0.2)) sc.procMount = rng.pick(['Default', 'Unmasked']);
  if (Object.keys(sc).length > 0) c.securityContext = sc;
  if (rng.chance(0.2)) c.ports = [{ containerPort: 80, hostPort: rng.pick([80, 8080, 9000]) }];
  return c;
}
