// Benchmark (not a test): `offgate lint` over N generated pods and deployments
// with varied security settings (seeded), all 19 restrictions on. Prints
// objects/s, wall time and peak memory; then one small file, as in a pre-commit run.
// Then the same through the built CLI in fresh processes (`node bin/offgate.js lint`,
// start-up and output included): what a user waits for. Best of several runs, as this
// kind of figure is noisy on shared machines.
//
//   npm run bundle && npm run bench [-- --objects 2000]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { lint } from '../src/lint/lint';
import { mulberry32 } from './random';

const count = Number(process.argv[process.argv.indexOf('--objects') + 1]) || 2000;

const random = mulberry32(42);
const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
const maybe = (p: number) => random() < p;

function container(i: number): Record<string, unknown> {
  const sc: Record<string, unknown> = {};
  if (maybe(0.1)) sc.privileged = true;
  if (maybe(0.6)) sc.allowPrivilegeEscalation = maybe(0.8) ? false : true;
  if (maybe(0.5)) sc.readOnlyRootFilesystem = maybe(0.7);
  if (maybe(0.5)) sc.runAsNonRoot = true;
  if (maybe(0.4)) sc.runAsUser = pick([0, 1000, 65534]);
  if (maybe(0.3)) sc.capabilities = { add: maybe(0.3) ? [pick(['NET_ADMIN', 'SYS_ADMIN', 'NET_BIND_SERVICE'])] : [], drop: ['ALL'] };
  if (maybe(0.3)) sc.seccompProfile = { type: pick(['RuntimeDefault', 'Unconfined', 'Localhost']), ...(maybe(0.3) ? { localhostProfile: 'prof.json' } : {}) };
  return {
    name: `c${i}`,
    image: pick(['nginx:1.27', 'registry.example.com/app/api:2.1', 'busybox', 'redis:7']),
    ports: maybe(0.5) ? [{ containerPort: 8080, ...(maybe(0.1) ? { hostPort: 8080 } : {}) }] : undefined,
    resources: { limits: { cpu: '500m', memory: '256Mi' } },
    securityContext: sc,
  };
}

function podSpec(): Record<string, unknown> {
  const spec: Record<string, unknown> = { containers: Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => container(i)) };
  if (maybe(0.05)) spec.hostNetwork = true;
  if (maybe(0.05)) spec.hostPID = true;
  if (maybe(0.2)) spec.volumes = [{ name: 'v', ...(maybe(0.3) ? { hostPath: { path: '/var/log' } } : { emptyDir: {} }) }];
  if (maybe(0.3)) spec.securityContext = { runAsNonRoot: true, fsGroup: 2000, ...(maybe(0.2) ? { sysctls: [{ name: 'kernel.msgmax', value: '65536' }] } : {}) };
  if (maybe(0.2)) spec.initContainers = [container(9)];
  return spec;
}

function object(i: number): Record<string, unknown> {
  const metadata = { name: `app-${i}`, namespace: pick(['shop', 'data', 'web']), labels: { app: `app-${i}` } };
  if (maybe(0.5)) return { apiVersion: 'v1', kind: 'Pod', metadata, spec: podSpec() };
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: { selector: { matchLabels: metadata.labels }, template: { metadata: { labels: metadata.labels }, spec: podSpec() } } };
}

const dir = mkdtempSync(join(tmpdir(), 'offgate-bench-'));
const file = join(dir, 'objects.yaml');
writeFileSync(file, Array.from({ length: count }, (_, i) => stringify(object(i))).join('---\n'));
const all = [
  'allow-privilege-escalation', 'apparmor', 'capabilities', 'flexvolume-drivers', 'forbidden-sysctls', 'fsgroup', 'host-filesystem',
  'host-namespaces', 'host-network-ports', 'host-probes-lifecycle', 'host-process', 'privileged-containers', 'proc-mount',
  'read-only-root-filesystem', 'seccomp', 'seccompv2', 'selinux', 'users', 'volumes',
];
writeFileSync(join(dir, 'offgate.yaml'), `environments:\n  all:\n    extends: restricted\n    restrictions:\n${all.map((r) => `      ${r}: true`).join('\n')}\n`);

async function run(paths: string[]): Promise<{ ms: number; findings: number; objects: number }> {
  const t0 = performance.now();
  const { report, fatal } = await lint({ paths, cwd: dir, env: 'all' });
  if (fatal) throw new Error(fatal);
  return { ms: performance.now() - t0, findings: report.findings.length, objects: report.summary.objects };
}

const cold = await run([file]);
const warm = await run([file]);
const rss = process.memoryUsage().rss;
console.log(`lint ${count} objects × 19 restrictions: cold ${cold.ms.toFixed(0)} ms, warm ${warm.ms.toFixed(0)} ms (${Math.round((count / warm.ms) * 1000).toLocaleString('en-US')} objects/s), ${warm.findings} findings`);
console.log(`peak memory (rss): ${(rss / 1048576).toFixed(0)} MiB`);
const small = join(dir, 'one.yaml');
writeFileSync(small, stringify(object(1)));
const one = await run([small]);
console.log(`one file (pre-commit): ${one.ms.toFixed(1)} ms in-process, after start-up`);

/** Best wall time of `runs` fresh `offgate lint` processes, output discarded. */
function cli(args: string[], runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'lint', ...args], { cwd: dir, stdio: 'ignore' });
    if (r.status !== 0 && r.status !== 1) throw new Error(`offgate lint ${args.join(' ')} exited with ${r.status}`);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin/offgate.js');
if (!existsSync(join(root, 'dist/offgate.cjs'))) {
  console.log('CLI figures skipped: run `npm run bundle` first');
} else {
  console.log(`CLI, fresh process, best of 3: ${count} objects ${cli(['--env', 'all', file], 3).toFixed(0)} ms (text output)`);
  console.log(`CLI, fresh process, best of 5: one file ${cli(['--env', 'all', small], 5).toFixed(0)} ms; node alone ${cliNode(5).toFixed(0)} ms`);
}

/** Best wall time of `runs` node processes doing nothing: the floor under any CLI figure. */
function cliNode(runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

rmSync(dir, { recursive: true, force: true });
