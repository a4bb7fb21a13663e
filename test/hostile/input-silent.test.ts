// Inputs that used to vanish without a word (issue 11): dangling and looping links in a
// folder, files that cannot be read, an empty standard input (a failed `helm template |
// offgate lint -`). Each is now a line in the report: a warning for a link that leads
// nowhere, an error for anything that was not checked. Each asserts the verdict and exit
// code, and that the other files' findings survive.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifests } from '../../src/manifests';

const BIN = join(__dirname, '../../bin/offgate.js');
const PRIVILEGED = 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad, namespace: app}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext: {privileged: true}\n';
const CLEAN = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine, namespace: app}\ndata: {a: b}\n';

function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-silent-'));
  mkdirSync(join(dir, '.git'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

interface Report {
  results: { object: { name: string | null } }[];
  errors: { file: string; line: number | null; column: number | null; message: string }[];
  warnings: string[];
  summary: { files: number; objects: number };
}

function lintJson(args: string[], cwd: string, input?: string): { code: number; report: Report; stdout: string } {
  const r = spawnSync(process.execPath, [BIN, 'lint', '-o', 'json', ...args], { cwd, input, encoding: 'utf8', timeout: 60_000 });
  expect(r.signal).toBeNull();
  return { code: r.status ?? -1, report: JSON.parse(r.stdout) as Report, stdout: r.stdout };
}

describe('links that lead nowhere are warnings', () => {
  it('a dangling and a looping link: one warning each; the Pod still denied (exit 1), a clean folder still exit 0', () => {
    const cwd = workspace({ 'dir/pod.yaml': PRIVILEGED });
    symlinkSync(join(cwd, 'gone.yaml'), join(cwd, 'dir/dangling.yaml'));
    symlinkSync(join(cwd, 'dir/loop-b.yaml'), join(cwd, 'dir/loop-a.yaml'));
    symlinkSync(join(cwd, 'dir/loop-a.yaml'), join(cwd, 'dir/loop-b.yaml'));
    symlinkSync(join(cwd, 'gone.txt'), join(cwd, 'dir/not-a-manifest.txt')); // not a manifest name: not looked at
    const { code, report } = lintJson(['dir'], cwd);
    expect(code).toBe(1);
    expect(report.results.map((r) => r.object.name)).toEqual(['bad']);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([
      'dir/dangling.yaml: symbolic link to nothing (dangling): skipped',
      'dir/loop-a.yaml: symbolic link in a loop: skipped',
      'dir/loop-b.yaml: symbolic link in a loop: skipped',
    ]);

    const clean = workspace({ 'dir/cm.yaml': CLEAN });
    symlinkSync(join(clean, 'gone.yaml'), join(clean, 'dir/dangling.yaml'));
    const text = spawnSync(process.execPath, [BIN, 'lint', 'dir'], { cwd: clean, encoding: 'utf8' });
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('warning: dir/dangling.yaml: symbolic link to nothing (dangling): skipped');
  });

  it('the reader returns them in `warnings`', async () => {
    const cwd = workspace({ 'dir/cm.yaml': CLEAN });
    symlinkSync(join(cwd, 'gone.yaml'), join(cwd, 'dir/dangling.yml'));
    const read = await readManifests(['dir'], { cwd });
    expect(read.objects).toHaveLength(1);
    expect(read.warnings).toEqual([{ file: 'dir/dangling.yml', message: 'symbolic link to nothing (dangling): skipped' }]);
  });
});

describe('a file that cannot be read is an error: it was not checked', () => {
  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('an unreadable file in a folder and by name: an error each (exit 2); the Pod still denied', () => {
    const cwd = workspace({ 'dir/pod.yaml': PRIVILEGED, 'dir/locked.yaml': CLEAN });
    chmodSync(join(cwd, 'dir/locked.yaml'), 0);
    for (const args of [['dir'], ['dir/locked.yaml', 'dir/pod.yaml']]) {
      const { code, report } = lintJson(args, cwd);
      expect(code).toBe(2);
      expect(report.results.map((r) => r.object.name)).toEqual(['bad']);
      expect(report.errors).toEqual([{ file: 'dir/locked.yaml', line: null, column: null, message: 'permission denied' }]);
    }
  });

  it.skipIf(process.platform !== 'linux')('a file whose read fails (a link to /proc/self/mem: EIO, even for root): an error (exit 2); the Pod still denied', () => {
    const cwd = workspace({ 'dir/pod.yaml': PRIVILEGED });
    symlinkSync('/proc/self/mem', join(cwd, 'dir/mem.yaml'));
    const { code, report } = lintJson(['dir'], cwd);
    expect(code).toBe(2);
    expect(report.results.map((r) => r.object.name)).toEqual(['bad']);
    expect(report.errors).toEqual([{ file: 'dir/mem.yaml', line: null, column: null, message: expect.stringMatching(/EIO/) }]);
  });

  it.skipIf(process.platform === 'win32')('a FIFO in a folder is an error naming it, not skipped silently', () => {
    const cwd = workspace({ 'dir/pod.yaml': PRIVILEGED });
    spawnSync('mkfifo', [join(cwd, 'dir/fifo.yml')]);
    const { code, report } = lintJson(['dir'], cwd);
    expect(code).toBe(2);
    expect(report.results.map((r) => r.object.name)).toEqual(['bad']);
    expect(report.errors).toEqual([{ file: 'dir/fifo.yml', line: null, column: null, message: expect.stringMatching(/^not a regular file \(a named pipe/) }]);
  });
});

describe('standard input with no documents is an error', () => {
  for (const [what, input] of [['empty', ''], ['comments and markers only', '# helm failed\n---\n---\n']] as const) {
    it(`${what}: "standard input: no documents", exit 2 — not "0 objects", exit 0`, () => {
      const cwd = workspace();
      const { code, report } = lintJson(['-'], cwd, input);
      expect(code).toBe(2);
      expect(report.errors).toEqual([{ file: 'standard input', line: null, column: null, message: 'no documents' }]);
      const text = spawnSync(process.execPath, [BIN, 'lint', '-'], { cwd, input, encoding: 'utf8' });
      expect(text.status).toBe(2);
      expect(text.stdout).toContain('standard input: error: no documents');
    });
  }

  it('stdin with objects is read as before, and an empty stdin does not hide the files named with it', () => {
    const cwd = workspace({ 'pod.yaml': PRIVILEGED });
    expect(lintJson(['-'], cwd, PRIVILEGED)).toMatchObject({ code: 1, report: { errors: [] } });
    const both = lintJson(['-', 'pod.yaml'], cwd, '');
    expect(both.code).toBe(2);
    expect(both.report.results.map((r) => r.object.name)).toEqual(['bad']);
    expect(both.report.errors.map((e) => e.message)).toEqual(['no documents']);
  });
});
