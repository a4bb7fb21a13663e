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
import { lint } from '../src/lint/lint';
import { objectsYaml } from '../scripts/bench-workload';

const count = Number(process.argv[process.argv.indexOf('--objects') + 1]) || 2000;

const dir = mkdtempSync(join(tmpdir(), 'offgate-bench-'));
const file = join(dir, 'objects.yaml');
// The workload `npm run bench` uses (seeded): the same objects in both benchmarks.
const docs = objectsYaml(count);
writeFileSync(file, docs.join('---\n'));
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
writeFileSync(small, docs[1]!);
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
