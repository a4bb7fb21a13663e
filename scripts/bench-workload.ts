// The inputs of `npm run bench` (scripts/bench.ts), written into a folder as a repository
// would hold them: seeded pods and deployments with varied security settings, one small
// file for a pre-commit run, an offgate.yaml turning on all 19 restrictions, a --policy
// folder holding the 19 pod-security templates with the same constraints, 1,000 distinct
// templates of a platform team's kind, and Pods with tens of thousands of containers.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { mulberry32 } from '../bench/random';
import { loadConfig } from '../src/config/load';
import { resolveEnvironment } from '../src/config/resolve';
import { bundledTemplates, renderConstraintTemplate } from '../src/gatekeeper/library';

export const RESTRICTIONS = [
  'allow-privilege-escalation', 'apparmor', 'capabilities', 'flexvolume-drivers', 'forbidden-sysctls', 'fsgroup', 'host-filesystem',
  'host-namespaces', 'host-network-ports', 'host-probes-lifecycle', 'host-process', 'privileged-containers', 'proc-mount',
  'read-only-root-filesystem', 'seccomp', 'seccompv2', 'selinux', 'users', 'volumes',
];

/** `count` seeded objects (half Pods, half Deployments) as one YAML stream. */
export function objectsYaml(count: number, seed = 42): string[] {
  const random = mulberry32(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const maybe = (p: number) => random() < p;
  const container = (i: number): Record<string, unknown> => {
    const sc: Record<string, unknown> = {};
    if (maybe(0.1)) sc.privileged = true;
    if (maybe(0.6)) sc.allowPrivilegeEscalation = maybe(0.8) ? false : true;
    if (maybe(0.5)) sc.readOnlyRootFilesystem = maybe(0.7);
    if (maybe(0.5)) sc.runAsNonRoot = true;
    if (maybe(0.4)) sc.runAsUser = pick([0, 1000, 65534]);
    if (maybe(0.3)) sc.capabilities = { add: maybe(0.3) ? [pick(['NET_ADMIN', 'SYS_ADMIN', 'NET_BIND_SERVICE'])] : [], drop: ['ALL'] };
    if (maybe(0.3)) sc.seccompProfile = { type: pick(['RuntimeDefault', 'Unconfined', 'Localhost']), ...(maybe(0.3) ? { localhostProfile: 'prof.json' } : {}) };
    const c: Record<string, unknown> = { name: `c${i}`, image: pick(['nginx:1.27', 'registry.example.com/app/api:2.1', 'busybox', 'redis:7']) };
    if (maybe(0.5)) c.ports = [{ containerPort: 8080, ...(maybe(0.1) ? { hostPort: 8080 } : {}) }];
    c.resources = { limits: { cpu: '500m', memory: '256Mi' } };
    c.securityContext = sc;
    return c;
  };
  const podSpec = (): Record<string, unknown> => {
    const spec: Record<string, unknown> = { containers: Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => container(i)) };
    if (maybe(0.05)) spec.hostNetwork = true;
    if (maybe(0.05)) spec.hostPID = true;
    if (maybe(0.2)) spec.volumes = [{ name: 'v', ...(maybe(0.3) ? { hostPath: { path: '/var/log' } } : { emptyDir: {} }) }];
    if (maybe(0.3)) spec.securityContext = { runAsNonRoot: true, fsGroup: 2000, ...(maybe(0.2) ? { sysctls: [{ name: 'kernel.msgmax', value: '65536' }] } : {}) };
    if (maybe(0.2)) spec.initContainers = [container(9)];
    return spec;
  };
  return Array.from({ length: count }, (_, i) => {
    const metadata = { name: `app-${i}`, namespace: pick(['shop', 'data', 'web']), labels: { app: `app-${i}` } };
    const o = maybe(0.5)
      ? { apiVersion: 'v1', kind: 'Pod', metadata, spec: podSpec() }
      : { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: { selector: { matchLabels: metadata.labels }, template: { metadata: { labels: metadata.labels }, spec: podSpec() } } };
    return stringify(o);
  });
}

export const OFFGATE_YAML = `environments:\n  all:\n    extends: restricted\n    restrictions:\n${RESTRICTIONS.map((r) => `      ${r}: true`).join('\n')}\n`;

/**
 * A --policy folder with the 19 pod-security templates and the constraints the `all`
 * environment makes of them: Gatekeeper's library (`library/pod-security-policy` of a
 * gatekeeper-library checkout) when `library` is given, else offgate's own templates as
 * `offgate export templates` writes them (the library's Rego, library style).
 */
export function writePolicyFolder(dir: string, library: string | undefined): { templates: number; source: string } {
  mkdirSync(dir, { recursive: true });
  const configDir = join(dir, '..', 'config-for-policy');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'offgate.yaml'), OFFGATE_YAML);
  const loaded = loadConfig({ cwd: configDir });
  if ('error' in loaded) throw new Error(loaded.error);
  const env = resolveEnvironment(loaded.config, 'all');
  if ('error' in env) throw new Error(env.error);
  writeFileSync(join(dir, 'constraints.yaml'), env.constraints.map((c) => stringify(c)).join('---\n'));
  let templates = 0;
  if (library) {
    const folders = new Set(readdirSync(library));
    for (const r of RESTRICTIONS) {
      if (!folders.has(r)) throw new Error(`${library}: no ${r}/template.yaml (give gatekeeper-library's library/pod-security-policy)`);
      writeFileSync(join(dir, `${r}.yaml`), readFileSync(join(library, r, 'template.yaml')));
      templates++;
    }
    return { templates, source: library };
  }
  for (const t of bundledTemplates()) {
    writeFileSync(join(dir, `${t.folder}.yaml`), stringify(renderConstraintTemplate(t), { lineWidth: 0 }));
    templates++;
  }
  return { templates, source: "offgate's templates as `offgate export templates` writes them" };
}

/** `n` distinct templates (own kind, package and message each) with one constraint each, as a platform team writes them. */
export function writeManyTemplates(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const kind = `K8sTeamRule${i}`;
    const rego = `package team.rule${i}

violation[{"msg": msg, "details": {"path": path}}] {
  c := input.review.object.spec.containers[j]
  not startswith(c.image, input.parameters.registry)
  path := sprintf("spec.containers[%d].image", [j])
  msg := sprintf("rule ${i}: container <%v> image <%v> is not from %v", [c.name, c.image, input.parameters.registry])
}
`;
    const template = {
      apiVersion: 'templates.gatekeeper.sh/v1',
      kind: 'ConstraintTemplate',
      metadata: { name: kind.toLowerCase() },
      spec: {
        crd: { spec: { names: { kind }, validation: { openAPIV3Schema: { type: 'object', properties: { registry: { type: 'string' } } } } } },
        targets: [{ target: 'admission.k8s.gatekeeper.sh', rego }],
      },
    };
    const constraint = {
      apiVersion: 'constraints.gatekeeper.sh/v1beta1',
      kind,
      metadata: { name: `rule-${i}` },
      spec: { match: { kinds: [{ apiGroups: [''], kinds: i % 2 === 0 ? ['Pod'] : ['Service'] }] }, parameters: { registry: `registry${i % 10}.example.com/` } },
    };
    writeFileSync(join(dir, `rule-${i}.yaml`), `${stringify(template, { lineWidth: 0 })}---\n${stringify(constraint)}`);
  }
}

/** A Pod of `n` seeded, varied containers as block YAML (the shape bench/containers.ts times in-process). */
export function podWithContainers(n: number, seed = 7): string {
  const random = mulberry32(seed);
  const words = ['api', 'web', 'cache', 'worker', 'proxy', 'log', 'db', 'queue', 'auth', 'metrics'];
  const lines = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: many', '  namespace: shop', 'spec:', '  containers:'];
  for (let i = 0; i < n; i++) {
    lines.push(`  - name: ${words[Math.floor(random() * words.length)]}-${i}`, `    image: registry.example.com/app:${i % 7}`);
    const shape = random();
    if (shape < 0.5) continue;
    lines.push('    securityContext:');
    if (shape < 0.6) lines.push('      privileged: true');
    if (shape < 0.7) lines.push('      allowPrivilegeEscalation: true');
    else lines.push('      allowPrivilegeEscalation: false', '      runAsNonRoot: true', '      seccompProfile:', '        type: RuntimeDefault');
    lines.push('      capabilities:', '        drop: [ALL]');
    if (shape > 0.9) lines.push('        add: [NET_ADMIN]');
  }
  return `${lines.join('\n')}\n`;
}
