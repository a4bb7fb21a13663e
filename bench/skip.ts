// Benchmark (not a test): what a repository's non-Kubernetes YAML costs a lint.
//
//   npm run bench:skip [-- --count 10000 --runs 3]
//
// Writes `count` YAML files of other tools (GitHub workflows, compose files, Helm values and
// Chart.yaml, kustomizations, plain config) into 100 folders of a temporary repository with a
// .gitignore (which ignores nothing of them, so every file is matched against it), then times
// reading the repository's root as `offgate lint .` does: walking it (with the .gitignore
// files and an --exclude pattern), reading and parsing every file, and setting each aside
// with its reason. The classification alone is the difference with the same read that keeps
// the documents (`skipNonKubernetes: false`). Goal: classification, excludes and .gitignore
// add under 1 s for 10,000 files (reading and parsing them is the reader's, bench/read.ts).
// Prints the best of `runs`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifests } from '../src/manifests';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const count = arg('count', 10_000);
const runs = arg('runs', 3);

const SHAPES: [string, (i: number) => string][] = [
  ['ci-%.yaml', (i) => `name: ci ${i}\non:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n`],
  ['compose-%.yaml', (i) => `services:\n  web:\n    image: nginx:1.${i % 30}\n    ports: ["8080:80"]\n  db:\n    image: postgres:16\n`],
  ['values-%.yaml', (i) => `replicaCount: ${i % 5}\nimage:\n  repository: nginx\n  tag: "1.27"\nresources:\n  limits: { cpu: 100m }\n`],
  ['Chart-%.yaml', (i) => `apiVersion: v2\nname: chart-${i}\nversion: 0.1.${i}\n`],
  ['kustomization-%.yaml', () => `resources:\n  - deployment.yaml\ncommonLabels:\n  app: api\n`],
  ['settings-%.yml', (i) => `# settings\nlevel: ${i}\nfeatures:\n  - a\n  - b\n`],
];

const root = mkdtempSync(join(tmpdir(), 'offgate-bench-skip-'));
mkdirSync(join(root, '.git'));
writeFileSync(join(root, '.gitignore'), 'build/\n*.tmp.yaml\n!keep.tmp.yaml\n');
for (let i = 0; i < count; i++) {
  const dir = join(root, `d${i % 100}`);
  if (i < 100) mkdirSync(dir);
  const [name, text] = SHAPES[i % SHAPES.length]!;
  writeFileSync(join(dir, name.replace('%', String(i))), text(i));
}

async function best(fn: () => Promise<unknown>): Promise<number> {
  let min = Infinity;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

try {
  const exclude = [{ patterns: ['vendor/'] }];
  let skipped = 0;
  await readManifests(['.'], { cwd: root }); // warm-up: the files in the page cache, the readers compiled
  const withSkip = await best(async () => {
    const r = await readManifests(['.'], { cwd: root, skipNonKubernetes: true, exclude });
    skipped = r.skipped.length;
    if (r.errors.length > 0 || r.objects.length > 0) throw new Error(`expected only skipped files, got ${r.errors.length} errors and ${r.objects.length} objects`);
  });
  const keep = await best(() => readManifests(['.'], { cwd: root, exclude }));
  const plain = await best(() => readManifests(['.'], { cwd: root }));
  console.log(`${skipped} non-Kubernetes files (best of ${runs})`);
  console.log(`  walk + read + classify + skip:        ${withSkip.toFixed(0)} ms`);
  console.log(`  walk + read, documents kept:          ${keep.toFixed(0)} ms  → classification adds ${(withSkip - keep).toFixed(0)} ms`);
  console.log(`  the same without excludes/.gitignore: ${plain.toFixed(0)} ms  → excludes and .gitignore add ${(keep - plain).toFixed(0)} ms`);
  console.log(`  added by this work in all: ${(withSkip - plain).toFixed(0)} ms (goal < 1000 ms)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
