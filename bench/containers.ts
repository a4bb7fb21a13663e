// Benchmark (not a test): one Pod with many containers through `lint` and the JSON report,
// under the bundled restricted preset, for 8k, 16k, 32k and 64k containers. The time should
// grow linearly: the last line prints time(64k) / time(32k), which should stay near 2.
//
//   npm run bench:containers [-- --sizes 8000,16000,32000,64000]
//
// Containers are seeded and varied: most break several restrictions, some none, and their
// names do not sort in the order they are written (as in real Pods), so nothing benefits
// from collections that happen to be built in order. Each size runs in a fresh process
// (one large run leaves a large heap behind); wall time and CPU time (user + system, all
// threads: the garbage collector's too) are printed, as wall time alone is noisy on a
// shared machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lint } from '../src/lint/lint';
import { formats } from '../src/report/formats/index';
import { podWithContainers } from '../scripts/bench-workload';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

interface Figure {
  containers: number;
  bytes: number;
  wallMs: number;
  cpuMs: number;
  findings: number;
}

/** One size, in this process: reading, evaluation, placing findings and the JSON report. */
async function measure(n: number): Promise<Figure> {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-bench-containers-'));
  try {
    const file = join(dir, 'pod.yaml');
    const text = podWithContainers(n);
    writeFileSync(file, text);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { report, fatal } = await lint({ paths: [file], cwd: dir, env: 'restricted' });
    if (fatal) throw new Error(fatal);
    const json = formats.json(report, { color: false, verbose: false, failOn: 'deny' });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (json.length === 0) throw new Error('empty report');
    return { containers: n, bytes: text.length, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, findings: report.findings.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const one = arg('one');
if (one) {
  console.log(JSON.stringify(await measure(Number(one))));
} else {
  const sizes = (arg('sizes') ?? '8000,16000,32000,64000').split(',').map(Number);
  const self = fileURLToPath(import.meta.url);
  const figures = new Map<number, Figure>();
  for (const n of sizes) {
    const r = spawnSync(process.execPath, [...process.execArgv, self, '--one', String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`${n} containers: exited with ${r.status}\n${r.stderr}`);
    const f = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Figure;
    figures.set(n, f);
    console.log(
      `Pod with ${n.toLocaleString('en-US')} containers (${(f.bytes / 1048576).toFixed(1)} MB): ${f.wallMs.toFixed(0)} ms wall, ${f.cpuMs.toFixed(0)} ms CPU, ${f.findings.toLocaleString('en-US')} findings`,
    );
  }
  const [a, b] = [figures.get(32000), figures.get(64000)];
  if (a && b) console.log(`64k / 32k: ${(b.wallMs / a.wallMs).toFixed(2)}x wall, ${(b.cpuMs / a.cpuMs).toFixed(2)}x CPU (linear: 2)`);
}
