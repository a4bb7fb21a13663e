// Benchmark (not a test): how long compiling a template takes, cold: each template
// compiled once by a compile() call of its own, in this process, with no module cache
// (what a user's first `offgate lint --policy DIR` pays for every template it has not
// seen). The templates:
//   - the 19 bundled ones, from their sources in rego/;
//   - the same 19 as `offgate export templates` writes them (one ConstraintTemplate
//     each, Rego and libs inline), read back as a user's --policy folder is read;
//   - every ConstraintTemplate among the repository's fixtures (fixtures/, test/);
//   - every ConstraintTemplate under the folders given as arguments, if any.
// Prints each template's milliseconds, the total, and a second, warm pass for contrast.
//
//   npm run bench:compile [-- DIR...]
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { compile, type SourceModule } from '../src/compiler/compile';
import type { RegoVersion } from '../src/compiler/ast';
import { compileBundled, entrypointOf } from '../src/gatekeeper/bundled-wasm';
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

function compileModules(modules: SourceModule[], entrypoint: string, regoVersion: RegoVersion): Uint8Array {
  return compile({ modules, entrypoints: [entrypoint], regoVersion });
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
    if (error || !values.some((v) => v && typeof v === 'object' && isConstraintTemplate(v as K8sObject))) continue;
    jobs.push({ name: `${label} ${relative(dir, file)}`, run: () => fromText(text, file) });
  }
  return jobs;
}

function jobs(extraDirs: string[]): Job[] {
  const bundled = loadLibrary(packagePath('rego'));
  return [
    ...bundled.map((t) => ({ name: `bundled ${t.folder}`, run: () => compileBundled(t) })),
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

/** Milliseconds of each job, run once each in order; a job that fails is reported, not timed. */
function pass(all: Job[], print: boolean): { total: number; failed: number } {
  let total = 0;
  let failed = 0;
  for (const job of all) {
    const t0 = performance.now();
    try {
      job.run();
    } catch (e) {
      failed++;
      if (print) console.log(`   failed  ${job.name}: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const ms = performance.now() - t0;
    total += ms;
    if (print) console.log(`${ms.toFixed(1).padStart(8)} ms  ${job.name}`);
  }
  return { total, failed };
}

const all = jobs(process.argv.slice(2).filter((a) => !a.startsWith('--')));
const cold = pass(all, true);
const compiled = all.length - cold.failed;
const warm = pass(all, false);
console.log('');
console.log(`${compiled} templates compiled cold in ${cold.total.toFixed(0)} ms (${(cold.total / compiled).toFixed(1)} ms each; goal for 49: < ${GOAL_MS} ms)${cold.failed ? `, ${cold.failed} failed` : ''}`);
console.log(`the same again, warm: ${warm.total.toFixed(0)} ms`);
