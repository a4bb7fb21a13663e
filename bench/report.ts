// Benchmark (not a test): the output formats of `offgate lint` over the report of the
// 2,000-object workload (18k findings, all 19 restrictions on), built once through the
// lint function; then each renderer timed alone: its first run (what the CLI pays: one
// render per process, the code not yet optimised) and the best and median of several, as
// the figures of a shared machine are noisy, and the best CPU time (process.cpuUsage: less
// swayed by other processes on a busy machine). Prints ms per format and the output's size.
//
//   npm run bench:report [-- --objects 2000 --runs 7]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lint } from '../src/lint/lint';
import { formats, type FormatName, type RenderOptions } from '../src/report/formats/index';
import { objectsYaml, RESTRICTIONS } from '../scripts/bench-workload';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]) || fallback;
};
const count = arg('--objects', 2000);
const runs = arg('--runs', 7);

const dir = mkdtempSync(join(tmpdir(), 'offgate-bench-report-'));
const file = join(dir, 'objects.yaml');
writeFileSync(file, objectsYaml(count).join('---\n'));
writeFileSync(join(dir, 'offgate.yaml'), `environments:\n  all:\n    extends: restricted\n    restrictions:\n${RESTRICTIONS.map((r) => `      ${r}: true`).join('\n')}\n`);
const { report, fatal } = await lint({ paths: [file], cwd: dir, env: 'all' });
rmSync(dir, { recursive: true, force: true });
if (fatal) throw new Error(fatal);

// What the CLI passes: paths relative to the working directory, the default width.
const base: RenderOptions = { color: false, failOn: 'deny', cwd: dir, width: 80 };
const cases: [label: string, format: FormatName, opts: RenderOptions][] = [
  ['text', 'text', base],
  ['text (colour, 120 columns)', 'text', { ...base, color: true, width: 120 }],
  ['text --quiet', 'text', { ...base, quiet: true }],
  ['text -v', 'text', { ...base, verbose: true }],
  ['json', 'json', base],
  ['sarif', 'sarif', base],
  ['junit', 'junit', base],
  ['github', 'github', { ...base, jobSummary: true }],
  ['markdown', 'markdown', base],
];

console.log(`report of ${count} objects: ${report.findings.length.toLocaleString('en-US')} findings; first run, best and median of ${runs} runs per format`);
for (const [label, format, opts] of cases) {
  const times: number[] = [];
  let first = 0;
  let cpu = Infinity;
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = formats[format](report, opts);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
    if (i === 0) first = times[0]!;
    bytes = out.length;
  }
  times.sort((a, b) => a - b);
  const best = times[0]!;
  const median = times[Math.floor(times.length / 2)]!;
  const ms = (n: number) => n.toFixed(1).padStart(7);
  console.log(`${label.padEnd(28)} ${ms(first)} ms first ${ms(best)} ms best ${ms(median)} ms median ${ms(cpu)} ms CPU  ${(bytes / 1048576).toFixed(1).padStart(5)} MiB`);
}
