// Hostile inputs against the input boundary's bounds (issue 11): nesting depth in every
// reader (block YAML, flow YAML, JSON, nested Lists, offgate.yaml, suites), alias bombs in
// every YAML read, only regular files under a size cap (FIFOs, /dev/zero, big files, big
// stdin). Each asserts the verdict, the exit code, an error naming the file and the limit,
// and that another file's finding survives. Processes that could hang run with a timeout so
// that a regression fails the test instead of stalling the suite.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/lint';
import { parseManifestText, readManifests } from '../../src/manifests';
import { parseConfig } from '../../src/config/load';
import { offgate } from '../helpers/cli';

const BIN = join(__dirname, '../../bin/offgate.js');

const PRIVILEGED = 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad, namespace: app}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext: {privileged: true}\n';

function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-bounds-'));
  mkdirSync(join(dir, '.git')); // a repository: discovery of offgate.yaml stops here
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

interface Report {
  results: { file: string; object: { name: string | null } }[];
  errors: { file: string; line: number | null; column: number | null; message: string }[];
  warnings: string[];
}

/** `offgate lint -o json ARGS`, stopped after 60 s should it hang. */
function lintJson(args: string[], cwd: string, input?: string): { code: number; report: Report; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'lint', '-o', 'json', ...args], { cwd, input, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  expect(r.signal, `offgate lint ${args.join(' ')} was killed (hang?)`).toBeNull();
  return { code: r.status ?? -1, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

const names = (r: Report) => r.results.map((x) => x.object.name);

/** `levels` block mappings, one inside the other, under a ConfigMap's data. */
function blockNesting(levels: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: deep}', 'data:'];
  for (let i = 1; i < levels; i++) lines.push(`${' '.repeat(2 * i)}a:`);
  lines.push(`${' '.repeat(2 * levels)}x`);
  return `${lines.join('\n')}\n`;
}

describe('nesting depth: 1,000 levels in every reader, the file named, the others linted', () => {
  const cases: [string, string, string][] = [
    ['block YAML', 'deep.yaml', blockNesting(1100)],
    ['flow YAML', 'deep.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(4000)}${']'.repeat(4000)}\n`],
    ['block sequences', 'deep.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  ${'- '.repeat(4000)}x\n`],
    ['JSON', 'deep.json', `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "deep"}, "data": ${'['.repeat(4000)}${']'.repeat(4000)}}`],
    ['JSON sniffed in a .yaml file', 'deep.yaml', `{"apiVersion": "v1", "kind": "ConfigMap", "data": ${'{"a": '.repeat(4000)}1${'}'.repeat(4000)}}`],
    ['nested Lists', 'deep.yaml', `${'{"kind": "List", "apiVersion": "v1", "items": ['.repeat(2000)}{}${']}'.repeat(2000)}\n`],
  ];
  for (const [what, file, text] of cases) {
    it(`${what}: an error at file:line:col naming the limit; exit 2; the privileged Pod is still denied`, () => {
      const cwd = workspace({ [file]: text, 'pod.yaml': PRIVILEGED });
      const { code, report } = lintJson([file, 'pod.yaml'], cwd);
      expect(code).toBe(2);
      expect(names(report)).toEqual(['bad']);
      expect(report.errors).toHaveLength(1);
      expect(report.errors[0]).toMatchObject({ file, message: 'nested more than 1000 levels deep (limit 1000)' });
      expect(report.errors[0]!.line).toBeGreaterThan(0);
      expect(report.errors[0]!.column).toBeGreaterThan(0);
    });
  }

  it('990 levels are read and linted as usual (block, flow and JSON)', () => {
    const pod = (extra: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec:\n  containers:\n  - {name: c, image: x, securityContext: {privileged: true}}\n  x: ${extra}\n`;
    const cwd = workspace({
      'flow.yaml': pod(`${'['.repeat(990)}${']'.repeat(990)}`),
      'block.yaml': blockNesting(990).replace('name: deep', 'name: block'),
      'pod.json': JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'json' }, spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }], x: JSON.parse(`${'['.repeat(990)}${']'.repeat(990)}`) } }),
    });
    const { code, report } = lintJson(['flow.yaml', 'block.yaml', 'pod.json'], cwd);
    expect(report.errors).toEqual([]);
    expect(code).toBe(1);
    expect(names(report).sort()).toEqual(['json', 'ok']);
  });

  it('JSON: brackets and escaped quotes inside strings do not count; the error points at the bracket past the limit', () => {
    const noise = `"${'['.repeat(2000)}\\\"${'{'.repeat(2000)}"`; // a string of brackets with an escaped quote in it
    const ok = `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ok"}, "data": {"a": ${noise}}, "x": ${'['.repeat(998)}${']'.repeat(998)}}`;
    expect(parseManifestText(ok, 'ok.json')).toMatchObject({ errors: [], objects: [{ object: { metadata: { name: 'ok' } } }] });
    const deep = ok.replace(`${'['.repeat(998)}${']'.repeat(998)}`, `${'['.repeat(1000)}${']'.repeat(1000)}`);
    const { objects, errors } = parseManifestText(deep, 'deep.json');
    expect(objects).toEqual([]);
    const at = deep.indexOf('"x": ') + 5 + 999; // the 1,000th bracket opens level 1,001 (the document is level 1)
    expect(errors).toEqual([{ file: 'deep.json', line: 1, column: at + 1, message: 'nested more than 1000 levels deep (limit 1000)' }]);
  });

  it('aliases that nest an anchor deeper than the limit are refused like the text itself', () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\nx: &a ${deep(600)}\ny: ${'['.repeat(600)}*a${']'.repeat(600)}\n`;
    const { objects, errors } = parseManifestText(text, 'm.yaml');
    expect(objects).toEqual([]);
    expect(errors.map((e) => e.message)).toEqual(['aliases nest values nested more than 1000 levels deep (limit 1000)']);
  });

  it('offgate.yaml nested past the limit: one error with its place, nothing linted (exit 2)', () => {
    const cwd = workspace({ 'offgate.yaml': `environments: ${'['.repeat(4000)}${']'.repeat(4000)}\n`, 'pod.yaml': PRIVILEGED });
    const r = offgate(['lint', 'pod.yaml'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^offgate: offgate\.yaml:1:\d+: nested more than 1000 levels deep \(limit 1000\)\n$|offgate\.yaml:1:\d+: nested more than 1000 levels deep \(limit 1000\)/);
  });

  it('a suite and a file it names nested past the limit: a verify error naming the file, no crash', () => {
    const deep = `${'['.repeat(4000)}${']'.repeat(4000)}`;
    const cwd = workspace({ 'suite.yaml': `apiVersion: test.gatekeeper.sh/v1alpha1\nkind: Suite\ntests: ${deep}\n` });
    const r = offgate(['verify', 'suite.yaml'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: parsing yaml file "suite.yaml": nested more than 1000 levels deep \(limit 1000\) at line 3, column \d+\n$/);
    const named = workspace({
      'suite.yaml': 'apiVersion: test.gatekeeper.sh/v1alpha1\nkind: Suite\ntests:\n- name: t\n  template: template.yaml\n  constraint: constraint.yaml\n  cases: [{name: c, object: pod.yaml, assertions: [{violations: no}]}]\n',
      'template.yaml': `kind: ConstraintTemplate\nspec: ${deep}\n`,
      'constraint.yaml': 'kind: X\n',
      'pod.yaml': PRIVILEGED,
    });
    const v = offgate(['verify', 'suite.yaml'], { cwd: named });
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/parsing "template.yaml": nested more than 1000 levels deep \(limit 1000\) at line 2, column \d+/);
  });
});

describe('alias bombs in every YAML read', () => {
  const laughs = (indent: string) => {
    const lines = [`${indent}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${indent}${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    return lines.join('\n');
  };

  it('manifests: still refused, the other file linted', () => {
    const cwd = workspace({ 'bomb.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${laughs('  ')}\n`, 'pod.yaml': PRIVILEGED });
    const { code, report } = lintJson(['bomb.yaml', 'pod.yaml'], cwd);
    expect(code).toBe(2);
    expect(names(report)).toEqual(['bad']);
    expect(report.errors).toEqual([{ file: 'bomb.yaml', line: 1, column: 1, message: expect.stringMatching(/^document contains excessive aliasing/) }]);
  });

  it('offgate.yaml: a 650-byte bomb in parameters is one error with its place (it ran the heap out)', () => {
    const config = `environments:\n  prod:\n    extends: baseline\n    restrictions:\n      volumes:\n        bomb:\n${laughs('          ')}\n        volumes: *i\n`;
    const parsed = parseConfig(config, 'offgate.yaml');
    expect(parsed).toEqual({ error: expect.stringMatching(/^offgate\.yaml:1:1: document contains excessive aliasing/), errors: [expect.any(String)] });
    const cwd = workspace({ 'offgate.yaml': config, 'pod.yaml': PRIVILEGED });
    const r = offgate(['lint', 'pod.yaml'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/offgate\.yaml:1:1: document contains excessive aliasing/);
  });

  it('suites: a bomb in a suite and in a case object are errors, not 770 MB', () => {
    const suite = `apiVersion: test.gatekeeper.sh/v1alpha1\nkind: Suite\nbomb:\n${laughs('  ')}\ntests: []\n`;
    const cwd = workspace({ 'suite.yaml': suite });
    const r = offgate(['verify', 'suite.yaml'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: parsing yaml file "suite.yaml": document contains excessive aliasing .* at line 1, column 1\n$/);
  });
});

describe('only regular files, at most maxFileSize', () => {
  const fifo = (path: string) => spawnSync('mkfifo', [path]).status === 0;

  it.skipIf(process.platform === 'win32')('a FIFO as an argument, in a folder and through a glob: an error each, no hang; the Pod still denied', () => {
    const cwd = workspace({ 'pod.yaml': PRIVILEGED, 'dir/pod.yaml': PRIVILEGED.replace('name: bad', 'name: in-dir') });
    expect(fifo(join(cwd, 'pipe.yaml')) && fifo(join(cwd, 'dir/pipe.yaml'))).toBe(true);
    for (const args of [['pipe.yaml', 'pod.yaml'], ['dir'], ['*.yaml']]) {
      const { code, report } = lintJson(args, cwd);
      expect(code).toBe(2);
      expect(names(report).length).toBe(1);
      expect(report.errors).toHaveLength(1);
      expect(report.errors[0]!.file).toMatch(/pipe\.yaml$/);
      expect(report.errors[0]!.message).toMatch(/named pipe/);
    }
  });

  it.skipIf(process.platform !== 'linux')('pipes the user made are read: /dev/stdin and <(…) named as arguments (already open, with their writer)', () => {
    const cwd = workspace({ 'pod.yaml': PRIVILEGED });
    const { code, report } = lintJson(['/dev/stdin'], cwd, PRIVILEGED);
    expect(code).toBe(1);
    expect(names(report)).toEqual(['bad']);
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" lint -o json <(cat pod.yaml) <(cat pod.yaml | sed s/bad/other/)`], { cwd, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(names(JSON.parse(r.stdout) as Report)).toEqual(['bad', 'other']);
  });

  it.skipIf(process.platform !== 'linux')('a *.yaml link to /dev/zero is refused before reading (it reached 8 GB)', () => {
    const cwd = workspace({ 'pod.yaml': PRIVILEGED });
    symlinkSync('/dev/zero', join(cwd, 'zero.yaml'));
    for (const args of [['.'], ['zero.yaml', 'pod.yaml']]) {
      const { code, report } = lintJson(args, cwd);
      expect(code).toBe(2);
      expect(names(report)).toEqual(['bad']);
      expect(report.errors).toEqual([{ file: 'zero.yaml', line: null, column: null, message: expect.stringMatching(/character device/) }]);
    }
  });

  it.skipIf(process.platform === 'win32')('a suite naming a FIFO: the case fails with the reason, no hang', () => {
    const cwd = workspace({
      'suite.yaml': 'apiVersion: test.gatekeeper.sh/v1alpha1\nkind: Suite\ntests:\n- name: t\n  template: template.yaml\n  constraint: constraint.yaml\n',
    });
    expect(fifo(join(cwd, 'template.yaml'))).toBe(true);
    const r = spawnSync(process.execPath, [BIN, 'verify', 'suite.yaml'], { cwd, encoding: 'utf8', timeout: 60_000 });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/open template\.yaml: not a regular file \(a named pipe/);
  });

  it('maxFileSize: a bigger file is refused from its size (not read), stdin past it too; the others are linted', async () => {
    const cwd = workspace({ 'big.yaml': `${PRIVILEGED}# ${'x'.repeat(2000)}\n`, 'pod.yaml': PRIVILEGED.replace('name: bad', 'name: small') });
    const out = await lint({ paths: ['big.yaml', 'pod.yaml'], cwd, maxFileSize: 1024 });
    expect(out.report.findings.map((f) => f.object.name)).toEqual(['small']);
    expect(out.report.errors).toMatchObject([{ file: 'big.yaml', message: 'file is 2.1 KiB, larger than the 1 KiB limit (maxFileSize, --max-file-size): not read' }]);
    const stdin = await readManifests(['-'], { cwd, stdin: `${PRIVILEGED}# ${'x'.repeat(2000)}\n`, maxFileSize: 1024 });
    expect(stdin.objects).toEqual([]);
    expect(stdin.errors).toEqual([{ file: '-', message: 'more than 1 KiB, the limit (maxFileSize, --max-file-size): not read' }]);
    // The default is 64 MiB: the same files are read.
    expect((await lint({ paths: ['big.yaml'], cwd })).report.findings.map((f) => f.object.name)).toEqual(['bad']);
  });
});
