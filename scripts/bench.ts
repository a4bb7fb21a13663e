// Benchmark (not a test): what a user waits for, in fresh `offgate lint` processes (start-up
// and output included), for this checkout's CLI and the previous release's, in the same run:
//   - 2,000 pods × 19 pod-security constraints, bundled templates (offgate.yaml, --env all),
//     on one thread (the default) and on two (--jobs 2)
//   - one pod (a pre-commit run), bundled templates
//   - 2,000 pods, the same 19 templates given with --policy (module cache warm)
//   - one pod, the 19 templates with --policy (cache warm)
//   - 1,000 distinct templates under --policy, one pod: cold (empty cache) and warm
//   - one Pod with 32k and 64k containers (JSON report): linear means 64k ≤ 2 × 32k
// The machine these run on is usually shared: every figure is the best of several runs,
// and the ratios (ours / previous, --policy / bundled) say more than the milliseconds; a
// --policy row and its bundled row are run in turn, so that their ratio compares runs made
// at the same time.
//
// The 19 templates under --policy are Gatekeeper's library when a checkout of
// gatekeeper-library is given (its library/pod-security-policy folder), else offgate's
// own templates as `offgate export templates` writes them.
//
//   npm run bundle && npm run bench [-- --objects 2000 --runs 5 --previous REV
//                                      --library DIR (or OFFGATE_BENCH_LIBRARY=DIR) --quick]
//
// The previous release is REV's committed dist/ (default: the tag or commit in
// PREVIOUS_RELEASE), taken out of git into a temporary folder with everything it reads
// at run time, and given a code cache as its own build would.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { objectsYaml, OFFGATE_YAML, podWithContainers, writeManyTemplates, writePolicyFolder } from './bench-workload';

const PREVIOUS_RELEASE = 'e8e53d9';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const quick = process.argv.includes('--quick');
const count = Number(arg('objects')) || 2000;
const runs = Number(arg('runs')) || (quick ? 2 : 5);
const previous = arg('previous') ?? PREVIOUS_RELEASE;
const library = arg('library') ?? process.env.OFFGATE_BENCH_LIBRARY;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

if (!existsSync(join(root, 'dist/offgate.cjs'))) {
  console.error('bench: dist/offgate.cjs is missing: run `npm run bundle` first');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'offgate-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

// ---- the two CLIs --------------------------------------------------------------------

interface Cli {
  name: string;
  bin: string;
  /** Its own module cache, so neither warms the other's. */
  cache: string;
}

function previousCli(rev: string): Cli | undefined {
  const dir = join(work, 'previous');
  mkdirSync(dir);
  const archive = spawnSync('git', ['-C', root, 'archive', rev, 'bin', 'dist', 'wasm', 'rego', 'schema', 'package.json', 'src/runtime'], { maxBuffer: 1 << 30 });
  if (archive.status !== 0) {
    console.log(`previous release ${rev}: not in this repository (${archive.stderr.toString().trim()}); its column is left out`);
    return undefined;
  }
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar: ${untar.stderr.toString()}`);
  const bin = join(dir, 'bin/offgate.js');
  // Its code cache, recorded as its build records it (a lint, then the cache written at exit).
  spawnSync(process.execPath, [bin, 'lint', '--config', join(root, 'fixtures/config/chain.yaml'), '--env', 'production', join(root, 'fixtures/manifests')], {
    env: { ...process.env, OFFGATE_WRITE_CODE_CACHE: join(dir, 'dist/offgate.cjs.cache'), OFFGATE_CACHE_DIR: join(work, 'cache-previous') },
    stdio: 'ignore',
  });
  return { name: `previous (${rev})`, bin, cache: join(work, 'cache-previous') };
}

const ours: Cli = { name: 'this checkout', bin: join(root, 'bin/offgate.js'), cache: join(work, 'cache-ours') };
const clis = [previousCli(previous), ours].filter((c): c is Cli => c !== undefined);

/** Wall time of one `offgate lint` process; exit codes 0 and 1 (findings) are runs that worked. */
function once(cli: Cli, args: string[], cwd: string, cache = cli.cache): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli.bin, 'lint', ...args], { cwd, env: { ...process.env, OFFGATE_CACHE_DIR: cache, OFFGATE_TIMINGS: '' }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cli.name}: offgate lint ${args.join(' ')} exited with ${r.status}: ${r.stderr.toString().slice(0, 2000)}`);
  return ms;
}

/** Best of `n` runs, after one unmeasured run that warms the module cache and the OS's file cache. */
function best(cli: Cli, args: string[], cwd: string, n = runs): number {
  once(cli, args, cwd);
  let min = Infinity;
  for (let i = 0; i < n; i++) min = Math.min(min, once(cli, args, cwd));
  return min;
}

/**
 * Best of `n` runs of two commands taken in turn (after one unmeasured run of each): the
 * --policy rows are judged as a ratio to the bundled ones, which the machine speeding up or
 * slowing down between rows would skew.
 */
function bestOfPair(cli: Cli, a: { args: string[]; cwd: string }, b: { args: string[]; cwd: string }, n = runs): [number, number] {
  once(cli, a.args, a.cwd);
  once(cli, b.args, b.cwd);
  let minA = Infinity;
  let minB = Infinity;
  for (let i = 0; i < n; i++) {
    minA = Math.min(minA, once(cli, a.args, a.cwd));
    minB = Math.min(minB, once(cli, b.args, b.cwd));
  }
  return [minA, minB];
}

function nodeAlone(n: number): number {
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

// ---- the inputs ------------------------------------------------------------------------

const bundledDir = join(work, 'bundled');
mkdirSync(bundledDir);
writeFileSync(join(bundledDir, 'offgate.yaml'), OFFGATE_YAML);
const docs = objectsYaml(count);
writeFileSync(join(bundledDir, 'objects.yaml'), docs.join('---\n'));
writeFileSync(join(bundledDir, 'one.yaml'), docs[1]);

// --policy runs: no offgate.yaml, the constraints come with the templates.
const policyDir = join(work, 'repo');
const policy = writePolicyFolder(join(policyDir, 'policy'), library);
writeFileSync(join(policyDir, 'objects.yaml'), docs.join('---\n'));
writeFileSync(join(policyDir, 'one.yaml'), docs[1]);

const manyDir = join(work, 'many');
const TEMPLATES = 1000;
writeManyTemplates(join(manyDir, 'policy'), TEMPLATES);
writeFileSync(join(manyDir, 'one.yaml'), docs[1]);

// ---- the figures -----------------------------------------------------------------------

const fmt = (ms: number) => `${ms >= 1000 ? (ms / 1000).toFixed(2) + ' s' : ms.toFixed(0) + ' ms'}`;

interface Row {
  work: string;
  goal: string;
  figures: number[];
}
const rows: Row[] = [];
function row(work: string, goal: string, measure: (cli: Cli) => number): Row {
  const r = { work, goal, figures: clis.map(measure) };
  rows.push(r);
  console.log(`  ${work}: ${r.figures.map((ms, i) => `${clis[i].name} ${fmt(ms)}`).join(', ')}`);
  return r;
}

console.log(`offgate bench: fresh processes, best of ${runs} (a shared machine is noisy: compare ratios)`);
console.log(`--policy templates: ${policy.templates} from ${policy.source}`);
const node = nodeAlone(runs * 2);
console.log(`  node -e 0: ${fmt(node)}`);
// Each bundled row and its --policy row are measured in turn, run for run.
const bulkPairs = new Map(clis.map((c) => [c, bestOfPair(c, { args: ['--env', 'all', 'objects.yaml'], cwd: bundledDir }, { args: ['--policy', 'policy', 'objects.yaml'], cwd: policyDir })]));
const onePairs = new Map(clis.map((c) => [c, bestOfPair(c, { args: ['--env', 'all', 'one.yaml'], cwd: bundledDir }, { args: ['--policy', 'policy', 'one.yaml'], cwd: policyDir })]));
const bulk = row(`${count.toLocaleString('en-US')} pods × 19 constraints, bundled templates`, '≤ 0.35 s', (c) => bulkPairs.get(c)![0]);
// The same on two threads (--jobs 2; the previous release has no --jobs and runs on one).
const bulkTwoThreads = row(`${count.toLocaleString('en-US')} pods × 19 constraints, bundled templates, --jobs 2`, '', (c) => best(c, c === ours ? ['--env', 'all', '--jobs', '2', 'objects.yaml'] : ['--env', 'all', 'objects.yaml'], bundledDir));
const onePod = row('one pod (pre-commit), bundled templates', '≤ 65 ms', (c) => onePairs.get(c)![0]);
const bulkPolicy = row(`${count.toLocaleString('en-US')} pods, the 19 templates with --policy (cache warm)`, 'bundled ±10%', (c) => bulkPairs.get(c)![1]);
const onePolicy = row('one pod, the 19 templates with --policy (cache warm)', 'bundled ±10%', (c) => onePairs.get(c)![1]);

// Cold: an empty cache each run (and no unmeasured run first).
let coldRun = 0;
const manyCold = row(`${TEMPLATES.toLocaleString('en-US')} templates, one pod, cold`, '', (c) => {
  let min = Infinity;
  for (let i = 0; i < Math.min(runs, 2); i++) min = Math.min(min, once(c, ['--policy', 'policy', 'one.yaml'], manyDir, join(work, `cold-${coldRun++}`)));
  return min;
});
const manyWarm = row(`${TEMPLATES.toLocaleString('en-US')} templates, one pod, warm`, '≤ 1 s', (c) => best(c, ['--policy', 'policy', 'one.yaml'], manyDir, Math.min(runs, 3)));

const podsDir = join(work, 'containers');
mkdirSync(podsDir);
const containerRows = quick ? [] : [32000, 64000].map((n) => {
  writeFileSync(join(podsDir, `pod-${n}.yaml`), podWithContainers(n));
  return row(`one Pod with ${n / 1000}k containers (JSON report)`, n === 64000 ? '≤ 2× 32k' : '', (c) => {
    let min = Infinity;
    for (let i = 0; i < 2; i++) min = Math.min(min, once(c, ['--env', 'restricted', '-o', 'json', `pod-${n}.yaml`], podsDir));
    return min;
  });
});

// ---- the table ------------------------------------------------------------------------

const last = clis.length - 1;
const ratioToPrevious = (r: Row) => (clis.length > 1 ? `${(r.figures[0] / r.figures[last]).toFixed(2)}× faster` : '');
console.log('');
console.log(`| work | ${clis.map((c) => c.name).join(' | ')} | ours vs previous | goal |`);
console.log(`| --- | ${clis.map(() => '---').join(' | ')} | --- | --- |`);
for (const r of rows) console.log(`| ${r.work} | ${r.figures.map(fmt).join(' | ')} | ${ratioToPrevious(r)} | ${r.goal} |`);
console.log('');
const ratio = (a: Row, b: Row, i: number) => (a.figures[i] / b.figures[i]).toFixed(2);
for (let i = 0; i < clis.length; i++) {
  const parts = [
    `--policy / bundled: ${count} pods ${ratio(bulkPolicy, bulk, i)}, one pod ${ratio(onePolicy, onePod, i)}`,
    `one pod minus node -e 0: ${fmt(onePod.figures[i] - node)}`,
    `${count} pods on two threads / one: ${ratio(bulkTwoThreads, bulk, i)}`,
    `1,000 templates cold / warm: ${ratio(manyCold, manyWarm, i)}`,
  ];
  if (containerRows.length === 2) parts.push(`64k / 32k containers: ${ratio(containerRows[1], containerRows[0], i)}`);
  console.log(`${clis[i].name}: ${parts.join('; ')}`);
}
