// Benchmark (not a test): reading manifests and placing findings in them, the two phases of a
// lint that are YAML's (`OFFGATE_TIMINGS=1`: "inputs and --policy folders read (YAML)" and
// "findings placed in their files").
//
//   npm run bench:read [-- --runs 5]        (SIZES=2000,8000 to choose the files' sizes)
//
// The inputs are `npm run bench`'s (scripts/bench-workload.ts, seeded): 2,000, 4,000 and 8,000
// Pods and Deployments in one multi-document file, as `yaml` writes them (block style, shared
// labels as anchors and aliases), and a --policy folder of the 19 pod-security
// ConstraintTemplates (`rego: |` blocks indented with tabs) and their constraints.
//
// Each figure is taken in a fresh process, as a CLI run meets it (cold code, an empty heap):
// readManifests() on the file or the folder, then locate() of the fields the bundled
// templates report (every container's securityContext fields, the pod's hostPath volumes,
// metadata.name): about 9 per object, as many as the lint of the 2,000 objects reports.
// Then, when the CLI is built (`node scripts/build.mjs --no-types`), the same two phases of
// `offgate lint` itself. Best of `--runs` runs: on a shared machine the minimum is the figure.
// Reading should grow linearly with the objects: the ms per 1,000 objects is printed too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { objectsYaml, OFFGATE_YAML, writePolicyFolder } from '../scripts/bench-workload';
import { readManifests } from '../src/manifests';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

/** The fields the pod-security templates name in their findings, for one object. */
function reportedPaths(object: Record<string, unknown>): string[] {
  const deployment = object.kind === 'Deployment';
  const base = deployment ? 'spec.template.spec' : 'spec';
  const spec = (deployment ? (object.spec as { template?: { spec?: unknown } })?.template?.spec : object.spec) as { containers?: unknown[]; initContainers?: unknown[] } | undefined;
  const paths = ['metadata.name', `${base}.volumes[0].hostPath`, `${base}.securityContext.fsGroup`];
  for (const list of ['containers', 'initContainers'] as const) {
    (spec?.[list] ?? []).forEach((_, i) => {
      for (const field of ['privileged', 'allowPrivilegeEscalation', 'readOnlyRootFilesystem', 'runAsNonRoot', 'seccompProfile.type', 'capabilities.drop']) {
        paths.push(`${base}.${list}[${i}].securityContext.${field}`);
      }
    });
  }
  return paths;
}

// ---- in a child process: one cold measurement, printed as JSON ---------------------------

if (process.argv[2] === '--child') {
  const [, , , target] = process.argv;
  const t0 = performance.now();
  const read = await readManifests([target], { skipNonKubernetes: true });
  const readMs = performance.now() - t0;
  if (read.errors.length > 0) throw new Error(`${target}: ${read.errors[0]!.message}`);
  const t1 = performance.now();
  let placed = 0;
  let checksum = 0;
  for (const m of read.objects) {
    for (const path of reportedPaths(m.object)) {
      checksum += m.locate(path).line;
      placed++;
    }
  }
  const placeMs = performance.now() - t1;
  console.log(JSON.stringify({ readMs, placeMs, objects: read.objects.length, placed, checksum }));
  process.exit(0);
}

// ---- the figures ----------------------------------------------------------------------------

const runs = arg('runs', 5);
const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'offgate-bench-read-'));

interface Cold {
  readMs: number;
  placeMs: number;
  objects: number;
  placed: number;
}

/** The best of `runs` cold runs of the child on `target`. */
function cold(target: string): Cold {
  let best: Cold | undefined;
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', target], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`bench/read.ts --child ${target}: ${child.stderr.trim()}`);
    const got = JSON.parse(child.stdout) as Cold;
    best = best ? { ...got, readMs: Math.min(best.readMs, got.readMs), placeMs: Math.min(best.placeMs, got.placeMs) } : got;
  }
  return best!;
}

/** The best of `runs` of the CLI's own YAML phases (OFFGATE_TIMINGS=1) for `args`, run in `cwd`. */
function cliPhases(cwd: string, args: string[]): { read: number; placed: number } | undefined {
  const bin = join(here, '..', 'bin', 'offgate.js');
  if (!existsSync(join(here, '..', 'dist', 'offgate.cjs'))) return undefined;
  let read = Infinity;
  let placed = Infinity;
  for (let i = 0; i < runs; i++) {
    const run = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, OFFGATE_TIMINGS: '1' }, maxBuffer: 1 << 30 });
    const phase = (name: string) => Number(new RegExp(`^\\s*([0-9.]+) ms  ${name}`, 'm').exec(run.stderr)?.[1] ?? NaN);
    read = Math.min(read, phase('inputs and --policy folders read \\(YAML\\)'));
    placed = Math.min(placed, phase('findings placed in their files'));
  }
  return { read, placed };
}

const ms = (n: number) => `${n.toFixed(1).padStart(7)} ms`;

try {
  const docs = objectsYaml(8000);
  const sizes = (process.env.SIZES ?? "2000,4000,8000").split(",").map(Number);
  for (const n of sizes) {
    mkdirSync(join(work, `${n}`));
    writeFileSync(join(work, `${n}`, 'objects.yaml'), docs.slice(0, n).join('---\n'));
    writeFileSync(join(work, `${n}`, 'offgate.yaml'), OFFGATE_YAML);
  }
  const policyDir = join(work, 'pol');
  writePolicyFolder(join(policyDir, 'policy'), undefined);
  writeFileSync(join(policyDir, 'one.yaml'), docs[1]!);

  console.log(`reading and placing, cold (a fresh process each), best of ${runs}:`);
  for (const n of sizes) {
    const file = join(work, `${n}`, 'objects.yaml');
    const got = cold(file);
    console.log(
      `  ${`${n} objects`.padEnd(13)} read ${ms(got.readMs)} (${(got.readMs / (n / 1000)).toFixed(1)} ms per 1,000)   place ${got.placed} fields ${ms(got.placeMs)}`,
    );
  }
  const policy = cold(join(policyDir, 'policy'));
  console.log(`  --policy folder (19 ConstraintTemplates and their constraints, ${policy.objects} objects) read ${ms(policy.readMs)}`);

  const lint2000 = cliPhases(join(work, '2000'), ['lint', '--env', 'all', 'objects.yaml']);
  const lintPolicy = cliPhases(policyDir, ['lint', '--policy', 'policy', 'one.yaml']);
  if (lint2000 && lintPolicy) {
    console.log(`offgate lint (bin/offgate.js, OFFGATE_TIMINGS=1), best of ${runs}:`);
    console.log(`  2000 objects, --env all: inputs read ${ms(lint2000.read)}, findings placed ${ms(lint2000.placed)}`);
    console.log(`  one pod, --policy policy: inputs and --policy folder read ${ms(lintPolicy.read)}`);
  } else {
    console.log('(build the CLI, `node scripts/build.mjs --no-types`, for the figures of offgate lint itself)');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
