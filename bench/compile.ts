// Benchmark (not a test): how long compiling a template takes, cold: each template
// compiled once by a compile() call of its own, in this process, with no module cache
// (what a user's first `offgate lint --policy DIR` pays for every template it has not
// seen). The templates:
//   - the 19 bundled ones, from their sources in rego/;
//   - the same 19 as `offgate export templates` writes them (one ConstraintTemplate
//     each, Rego and libs inline), read back as a user's --policy folder is read;
//   - every ConstraintTemplate among the repository's fixtures (fixtures/, test/);
//   - every ConstraintTemplate under the folders given as arguments, if any.
// Each run is a fresh process (so the first templates also pay for cold JIT, as a user's
// first lint does); the machine is shared and the figure noisy, so it runs several times
// and prints the best run's milliseconds per template, its total, every run's total, and
// a second, warm pass of the best run for contrast, and the best run's cold milliseconds
// per compiler stage (summed over its templates; the rest of a template's time is its
// YAML and template reading).
//
//   npm run bench:compile [-- DIR...] [--runs N]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { compile, type SourceModule } from '../src/compiler/compile';
import type { RegoVersion } from '../src/compiler/ast';
import { entrypointOf } from '../src/gatekeeper/bundled-wasm';
import { loadLibrary, renderConstraintTemplate } from '../src/gatekeeper/library';
import { isConstraintTemplate, templateRego } from '../src/gatekeeper/templates';
import type { K8sObject } from '../src/gatekeeper/types';
import { parseYamlValues } from '../src/manifests';
import { packagePath } from '../src/paths';

const GOAL_MS = 2000;

interface Job {
  name: string;
  /** Everything from the template's text to the module, timed as one. */
  run: () => Uint8Array;
}

/** A ConstraintTemplate's text compiled as offgate compiles a user's template. */
function fromText(text: string, file: string): Uint8Array {
  const { values, error } = parseYamlValues(text, file);
  if (error) throw new Error(`${file}: ${error.message}`);
  const template = values.find((v) => isConstraintTemplate(v as K8sObject)) as K8sObject;
  const rego = templateRego(template, file);
  return compileModules(rego.modules, rego.entrypoint, rego.regoVersion);
}

/** Milliseconds per compiler stage, summed over the cold pass (undefined during the warm one). */
let stageMs: Map<string, number> | undefined;

function compileModules(modules: SourceModule[], entrypoint: string, regoVersion: RegoVersion): Uint8Array {
  return compile({ modules, entrypoints: [entrypoint], regoVersion }, stageMs);
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/i.test(e.name)) out.push(p);
  }
  return out;
}

/** Files under `dir` holding a ConstraintTemplate (read whole: the YAML is not timed). */
function templateJobs(dir: string, label: string): Job[] {
  const jobs: Job[] = [];
  for (const file of yamlFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    if (!/^kind:\s*ConstraintTemplate\s*$/m.test(text)) continue;
    const { values, error } = parseYamlValues(text, file);
    // A file that says it is a template but cannot be read is listed as failed, not left out.
    if (!error && !values.some((v) => v && typeof v === 'object' && isConstraintTemplate(v as K8sObject))) continue;
    jobs.push({ name: `${label} ${relative(dir, file)}`, run: () => fromText(text, file) });
  }
  return jobs;
}

function jobs(extraDirs: string[]): Job[] {
  const bundled = loadLibrary(packagePath('rego'));
  return [
    // As compileBundled compiles them, with the stage timer.
    ...bundled.map((t) => ({ name: `bundled ${t.folder}`, run: () => compileModules([t.rego, ...t.libs], entrypointOf(t), 'v0') })),
    ...bundled.map((t) => {
      const text = stringify(renderConstraintTemplate(t));
      const file = `export/${t.folder}.yaml`;
      return { name: `exported ${t.folder} (${entrypointOf(t)})`, run: () => fromText(text, file) };
    }),
    ...templateJobs(packagePath('fixtures'), 'fixture'),
    ...templateJobs(packagePath('test'), 'fixture'),
    ...extraDirs.flatMap((d) => templateJobs(d, 'extra')),
  ];
}

interface RunResult {
  /** Milliseconds per template, or the error's first line. */
  times: { name: string; ms?: number; error?: string }[];
  total: number;
  warm: number;
  /** Cold milliseconds per compiler stage, in stage order. */
  stages: [string, number][];
}

/** Each job once, in order, then all again (warm); a job that fails is reported, not timed. */
function run(all: Job[]): RunResult {
  const times: RunResult['times'] = [];
  let total = 0;
  stageMs = new Map();
  for (const job of all) {
    const t0 = performance.now();
    try {
      job.run();
    } catch (e) {
      times.push({ name: job.name, error: (e as Error).message.split('\n')[0] });
      continue;
    }
    const ms = performance.now() - t0;
    total += ms;
    times.push({ name: job.name, ms });
  }
  const stages = [...stageMs];
  stageMs = undefined;
  let warm = 0;
  for (const job of all) {
    const t0 = performance.now();
    try {
      job.run();
      warm += performance.now() - t0;
    } catch {
      // reported by the cold pass
    }
  }
  return { times, total, warm, stages };
}

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) || 3 : 3;
const dirs = args.filter((a, i) => !a.startsWith('--') && (runsAt < 0 || i !== runsAt + 1));

if (args.includes('--child')) {
  process.stdout.write(JSON.stringify(run(jobs(dirs))));
} else {
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1], ...dirs, '--child'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    if (child.status !== 0) throw new Error(`run ${i + 1} failed (exit ${child.status}): ${child.stderr.slice(-2000)}`);
    results.push(JSON.parse(child.stdout) as RunResult);
  }
  const best = results.reduce((a, b) => (b.total < a.total ? b : a));
  for (const t of best.times) console.log(t.ms === undefined ? `   failed  ${t.name}: ${t.error}` : `${t.ms.toFixed(1).padStart(8)} ms  ${t.name}`);
  const compiled = best.times.filter((t) => t.ms !== undefined).length;
  const failed = best.times.length - compiled;
  console.log('');
  console.log(`${compiled} templates compiled cold in ${best.total.toFixed(0)} ms, best of ${runs} fresh processes (${(best.total / compiled).toFixed(1)} ms each; goal for 49: < ${GOAL_MS} ms)${failed ? `, ${failed} failed` : ''}`);
  console.log(`every run: ${results.map((r) => `${r.total.toFixed(0)} ms`).join(', ')}; the best run again, warm: ${best.warm.toFixed(0)} ms`);
  console.log(`compiler stages, best run, cold: ${best.stages.map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(', ')}`);
}
