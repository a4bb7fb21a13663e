// Files that are no Kubernetes manifests, and excludes (issue 14, parts 1 and 2): the
// classifier on its own, the reader's exclusion rules (--exclude, offgate.yaml's exclude:,
// .gitignore files), and the CLI end to end on a repository laid out as real ones are
// (test/skip-fixtures/repo, copied to a temporary folder: its .gitignore is stored as
// `gitignore` so that it changes nothing in offgate's own repository).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/api';
import { knownShape, skipReason } from '../src/manifests/classify';
import { readManifests } from '../src/manifests';
import { offgate } from './helpers/cli';
import { unwrapped } from './helpers/text';

const REPO = join(import.meta.dirname, 'skip-fixtures/repo');

/** A fresh copy of the fixture repository, with its .gitignore, a .git folder and a node_modules. */
function repoCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-skip-'));
  cpSync(REPO, dir, { recursive: true });
  renameSync(join(dir, 'gitignore'), join(dir, '.gitignore'));
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, '.git/HEAD'), 'ref: refs/heads/main\n');
  const privileged = readFileSync(join(dir, 'deploy/worker.yaml'), 'utf8').replaceAll('worker', 'vendored');
  write(dir, 'node_modules/some-chart/deploy.yaml', privileged);
  return dir;
}

function write(dir: string, name: string, text: string): void {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), text);
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-skip-'));
  for (const [name, text] of Object.entries(files)) write(dir, name, text);
  return dir;
}

const POD = (name: string, privileged = true) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext:\n        privileged: ${privileged}\n`;

describe('classifier', () => {
  it('lints a file with any Kubernetes object, skips one with none', () => {
    expect(skipReason('a.yaml', [{ apiVersion: 'v1', kind: 'Pod' }, { name: 'x' }], [])).toBeUndefined();
    expect(skipReason('a.yaml', [{ name: 'x' }], [])).toBe('not a Kubernetes object (no apiVersion and kind)');
    // apiVersion alone (a Helm Chart.yaml) or kind alone is no object
    expect(skipReason('x.yaml', [{ apiVersion: 'v2', name: 'web' }], [])).toBe('not a Kubernetes object (no apiVersion and kind)');
    expect(skipReason('x.yaml', [{ kind: 'Pod' }], [])).toBe('not a Kubernetes object (no apiVersion and kind)');
    expect(skipReason('x.yaml', [{ apiVersion: '', kind: 'Pod' }], [])).toBe('not a Kubernetes object (no apiVersion and kind)');
  });

  it('a file that does not parse stays an error, whatever its shape', () => {
    expect(skipReason('compose.yaml', [], [{ file: 'compose.yaml', line: 2, column: 3, message: 'bad indentation of a mapping entry' }])).toBeUndefined();
    // a YAML file whose documents are lists (an Ansible playbook) is another tool's file
    expect(skipReason('site.yml', [], [{ file: 'site.yml', line: 1, column: 1, message: 'document is a list, not an object' }])).toBe('not a Kubernetes object (no apiVersion and kind)');
    // a manifest whose colons went missing reads as a string: an error, never skipped
    expect(skipReason('pod.yaml', [], [{ file: 'pod.yaml', line: 1, column: 1, message: 'document is a string, not an object' }])).toBeUndefined();
    expect(skipReason('l.yaml', [], [{ file: 'l.yaml', line: 2, column: 8, message: 'item 0 of List is a string, not an object' }])).toBeUndefined();
  });

  it('an empty file has nothing to check: skipped, not clean', () => {
    expect(skipReason('empty.yaml', [], [])).toBe('no documents (empty)');
  });

  it("kustomize's own files are skipped even with their apiVersion and kind", () => {
    expect(skipReason('overlay/kustomization.yaml', [{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' }], [])).toBe('not a Kubernetes object (kustomization)');
    expect(skipReason('c/kustomization.yaml', [{ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component' }], [])).toBe('not a Kubernetes object (kustomization)');
  });

  it('names the shapes users meet', () => {
    expect(knownShape('.github/workflows/ci.yaml', [{ name: 'ci', true: { push: null }, jobs: {} }])).toBe('GitHub workflow');
    expect(knownShape('ci.yaml', [{ on: 'push', jobs: {} }])).toBe('GitHub workflow');
    expect(knownShape('stack.yaml', [{ services: { web: { image: 'nginx' } } }])).toBe('docker compose file');
    expect(knownShape('compose.prod.yaml', [{}])).toBe('docker compose file');
    expect(knownShape('charts/web/Chart.yaml', [{ apiVersion: 'v2', name: 'web' }])).toBe('Helm Chart.yaml');
    expect(knownShape('charts/web/values-prod.yaml', [{ replicaCount: 1 }])).toBe('Helm values');
    expect(knownShape('base/kustomization.yml', [{ resources: [] }])).toBe('kustomization');
    expect(knownShape('offgate.yaml', [{ environments: {} }])).toBe('offgate.yaml');
    expect(knownShape('package.json', [{ name: 'x' }])).toBe('package.json');
    expect(knownShape('tsconfig.build.json', [{ compilerOptions: {} }])).toBe('tsconfig.json');
    expect(knownShape('.pre-commit-config.yaml', [{ repos: [] }])).toBe('pre-commit config');
    expect(knownShape('api.yaml', [{ openapi: '3.0.3', info: {}, paths: {} }])).toBe('OpenAPI document');
    expect(knownShape('notes.yaml', [{ title: 'x' }])).toBeUndefined();
  });
});

describe('reading with skips and excludes', () => {
  it('sets skipped files aside, in order, out of files and objects', async () => {
    const dir = workspace({ 'a.yaml': POD('a'), 'b.yaml': 'services:\n  web:\n    image: nginx\n', 'c.yaml': '' });
    const r = await readManifests(['.'], { cwd: dir, skipNonKubernetes: true });
    expect(r.files).toEqual(['a.yaml']);
    expect(r.objects.map((o) => o.origin.file)).toEqual(['a.yaml']);
    expect(r.skipped).toEqual([
      { file: 'b.yaml', reason: 'not a Kubernetes object (docker compose file)' },
      { file: 'c.yaml', reason: 'no documents (empty)' },
    ]);
    expect(r.errors).toEqual([]);
  });

  it('without skipNonKubernetes, every file is read as before', async () => {
    const dir = workspace({ 'b.yaml': 'services: {}\n' });
    const r = await readManifests(['b.yaml'], { cwd: dir });
    expect(r.files).toEqual(['b.yaml']);
    expect(r.skipped).toEqual([]);
  });

  it('standard input is never skipped: a failed pipeline must not pass', async () => {
    const r = await readManifests(['-'], { stdin: 'services: {}\n', skipNonKubernetes: true });
    expect(r.skipped).toEqual([]);
    expect(r.objects).toHaveLength(1);
  });

  it('excludes apply to walks, globs and named files; gitignore to walks only', async () => {
    const dir = workspace({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': 'out/\n*.gen.yaml\n!keep.gen.yaml\n',
      'sub/.gitignore': '!sub.gen.yaml\n',
      'a.yaml': POD('a'),
      'x.gen.yaml': POD('x'),
      'keep.gen.yaml': POD('keep'),
      'sub/sub.gen.yaml': POD('sub'),
      'sub/other.gen.yaml': POD('other'),
      'out/o.yaml': POD('o'),
      'vendor/v.yaml': POD('v'),
      'node_modules/m/m.yaml': POD('m'),
    });
    const walked = await readManifests(['.'], { cwd: dir, exclude: [{ patterns: ['vendor/'] }] });
    expect(walked.files).toEqual(['a.yaml', 'keep.gen.yaml', 'sub/sub.gen.yaml']);
    // a file named by itself is read though git ignores it; --exclude still applies
    const named = await readManifests(['out/o.yaml', 'x.gen.yaml', 'vendor/v.yaml'], { cwd: dir, exclude: [{ patterns: ['vendor/'] }] });
    expect(named.files).toEqual(['out/o.yaml', 'x.gen.yaml']);
    const globbed = await readManifests(['**/*.yaml'], { cwd: dir, exclude: [{ patterns: ['*.gen.yaml', 'out'] }] });
    expect(globbed.files).toEqual(['a.yaml', 'vendor/v.yaml']);
    // patterns of offgate.yaml are relative to its folder
    const based = await readManifests(['.'], { cwd: join(dir, 'sub'), exclude: [{ base: dir, patterns: ['sub/sub.gen.yaml'] }] });
    expect(based.files).toEqual([]);
  });
});

describe('offgate lint on a repository', () => {
  it('the root: violations found, other tools\' files skipped and listed, ignored and excluded files left out (exit 1)', () => {
    const dir = repoCopy();
    // Classification only: kustomizations not built (--kustomize never), and the chart, which
    // src/render accounts for (rendered, or one warning without helm), left out of the list.
    const r = offgate(['lint', '-o', 'json', '--kustomize', 'never', '.'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.errors).toEqual([]);
    // deploy/worker.yaml and generated/keep.yaml (re-included by the .gitignore's negation);
    // not legacy/ (offgate.yaml's exclude), build/ and generated/generated.yaml (.gitignore),
    // node_modules/ (never walked)
    expect([...new Set(report.results.map((f: { file: string }) => f.file))].sort()).toEqual(['deploy/worker.yaml', 'generated/keep.yaml']);
    expect(report.skipped.filter((s: { file: string }) => !s.file.startsWith('charts/'))).toEqual([
      { file: 'docker-compose.yml', reason: 'not a Kubernetes object (docker compose file)' },
      { file: 'k8s/base/kustomization.yaml', reason: 'not a Kubernetes object (kustomization)' },
      { file: 'k8s/overlays/prod/kustomization.yaml', reason: 'not a Kubernetes object (kustomization)' },
      { file: 'offgate.yaml', reason: 'not a Kubernetes object (offgate.yaml)' },
      { file: 'openapi.yaml', reason: 'not a Kubernetes object (OpenAPI document)' },
      { file: 'package.json', reason: 'not a Kubernetes object (package.json)' },
      { file: 'playbook.yml', reason: 'not a Kubernetes object (no apiVersion and kind)' },
      { file: 'tsconfig.json', reason: 'not a Kubernetes object (tsconfig.json)' },
    ]);
    const skipped = report.skipped.length;
    expect(report.summary).toMatchObject({ skipped, errors: 0 });

    const text = offgate(['lint', '--kustomize', 'never', '.'], { cwd: dir });
    expect(unwrapped(text.stdout)).toContain(`(2 findings)\nchecked ${report.summary.objects} objects in ${report.summary.files} files · ${skipped} files skipped: not Kubernetes objects\n`);
    expect(text.stdout).not.toContain('docker-compose.yml');
    const verbose = offgate(['lint', '-v', '--kustomize', 'never', '.'], { cwd: dir });
    expect(verbose.stdout).toMatch(/^\S+: skipped: not a Kubernetes object \(/m);
    expect(unwrapped(verbose.stdout)).toMatch(/^docker-compose\.yml: skipped: not a Kubernetes object \(docker compose file\)$/m);
  });

  it('--exclude adds to offgate.yaml\'s', () => {
    const dir = repoCopy();
    const r = offgate(['lint', '-o', 'json', '--exclude', 'deploy/', '--exclude', 'generated/keep.yaml', '.'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results).toEqual([]);
  });

  it('the pre-commit hook case: a workflow and a compose file exit 0 with the skip note', () => {
    const dir = repoCopy();
    const r = offgate(['lint', '.github/workflows/ci.yaml', 'docker-compose.yml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no violations\nchecked 0 objects in 0 files · 2 files skipped: not Kubernetes objects\n');
  });

  it('--strict: every skip is an input error (exit 2)', () => {
    const dir = repoCopy();
    const r = offgate(['lint', '--strict', '-o', 'json', '.github/workflows/ci.yaml', 'deploy/worker.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.skipped).toEqual([]);
    expect(report.errors).toEqual([{ file: '.github/workflows/ci.yaml', line: null, column: null, message: 'not a Kubernetes object (GitHub workflow): not linted (--strict)' }]);
  });

  it('a document without kind beside Kubernetes objects stays an input error', () => {
    const dir = workspace({ 'mixed.yaml': `${POD('a', false)}---\napiVersion: v1\nmetadata:\n  name: b\n` });
    const r = offgate(['lint', '-o', 'json', 'mixed.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.skipped).toEqual([]);
    expect(report.errors.map((e: { message: string }) => e.message)).toEqual(['not a Kubernetes object: kind is not set']);
  });

  it('every format says what was skipped, as a note', () => {
    const dir = repoCopy();
    const args = ['docker-compose.yml', 'deploy/worker.yaml'];
    const sarif = JSON.parse(offgate(['lint', '-o', 'sarif', ...args], { cwd: dir }).stdout);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications;
    expect(notes).toEqual([
      {
        level: 'note',
        message: { text: 'skipped: not a Kubernetes object (docker compose file)' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'docker-compose.yml' } } }],
        descriptor: { id: 'skipped' },
      },
    ]);
    expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(true);

    const junit = new XMLParser({ ignoreAttributes: false }).parse(offgate(['lint', '-o', 'junit', ...args], { cwd: dir }).stdout);
    expect(junit.testsuites['@_skipped']).toBe('1');
    const own = [junit.testsuites.testsuite].flat().find((s: Record<string, string>) => s['@_name'] === 'offgate');
    expect(own['@_skipped']).toBe('1');
    const skippedCase = [own.testcase].flat().find((c: Record<string, unknown>) => c.skipped !== undefined);
    expect(skippedCase['@_file']).toBe('docker-compose.yml');
    expect(skippedCase.skipped['@_message']).toBe('not a Kubernetes object (docker compose file)');

    const github = offgate(['lint', '-o', 'github', ...args], { cwd: dir }).stdout;
    expect(github).toContain('::notice title=offgate%3A 1 file skipped (not Kubernetes objects)::docker-compose.yml: not a Kubernetes object (docker compose file)');
    expect(github).not.toMatch(/::error[^\n]*docker-compose/);

    const markdown = offgate(['lint', '-o', 'markdown', ...args], { cwd: dir }).stdout;
    expect(markdown).toContain('| `docker-compose.yml` | not a Kubernetes object (docker compose file) |');
    expect(markdown).toContain('**1 workload would be rejected (1 finding)**<br>\nchecked 1 object in 1 file · 1 file skipped: not Kubernetes objects\n');
  });

  it('the library API reports skipped files too', async () => {
    const dir = repoCopy();
    const r = await lint({ paths: ['docker-compose.yml', 'package.json'], cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.report.skipped.map((s) => s.file)).toEqual(['docker-compose.yml', 'package.json']);
    expect(r.report.summary.skipped).toBe(2);
    const strict = await lint({ paths: ['package.json'], cwd: dir, strict: true });
    expect(strict.exitCode).toBe(2);
  });

  it("offgate.yaml's exclude must be a list of patterns", () => {
    const dir = workspace({ 'offgate.yaml': 'environments:\n  prod:\n    extends: baseline\nexclude: vendor/\n', 'a.yaml': POD('a', false) });
    const r = offgate(['lint', 'a.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('offgate.yaml:4:10: "exclude" must be a list of path patterns');
  });
});
