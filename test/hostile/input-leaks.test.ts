// Hostile inputs that would make offgate disclose or write what it should not (issue 11):
// errors quoting a symlinked secret (text and GitHub annotations), `verify` reading and
// printing files outside the suite's root, an offgate.yaml above the repository or planted
// by another user in a world-writable folder, `offgate init` writing through a link. Each
// asserts the verdict and exit code, and that the other files' findings survive.
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfigFile, loadConfig } from '../../src/config/load';
import { offgate } from '../helpers/cli';

const PRIVILEGED = 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad, namespace: app}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext: {privileged: true}\n';
const SECRET = 'sk_live_51Hq';

function folder(files: Record<string, string> = {}, root = mkdtempSync(join(tmpdir(), 'offgate-leaks-'))): string {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

describe('errors never quote a file that did not parse', () => {
  // Each secret file is outside the repository, reached through a *.yaml link in it.
  const secrets: Record<string, string> = {
    'id_rsa': `-----BEGIN OPENSSH PRIVATE KEY-----\n${SECRET}b3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n-----END OPENSSH PRIVATE KEY-----\n`,
    'env': `API_KEY=${SECRET}\n`,
    'unclosed': `token: "${SECRET}\n`,
    'alias': `a: *${SECRET}\n`,
    'tag': `a: !<${SECRET}> x\n`,
    'json': `{"token": "x", ${SECRET}}\n`,
    'list': `- ${SECRET}\n`,
    'list-item': `kind: List\nitems: ["${SECRET}"]\n`,
  };

  it('text and GitHub annotations: an error per file, placed, without its bytes; the Pod still denied', () => {
    const outside = folder(secrets);
    const repo = folder({ 'pod.yaml': PRIVILEGED, '.git/HEAD': '' }, join(outside, 'repo'));
    for (const name of Object.keys(secrets)) symlinkSync(join(outside, name), join(repo, `${name}.yaml`));
    for (const format of ['text', 'github', 'json', 'sarif', 'junit']) {
      const r = offgate(['lint', '-o', format, '.'], { cwd: repo });
      expect(r.code, format).toBe(2);
      expect(r.stdout + r.stderr, format).not.toContain(SECRET);
      expect(r.stdout + r.stderr, format).not.toContain('BEGIN');
      expect(r.stdout, format).toMatch(/privileged/);
    }
    const json = JSON.parse(offgate(['lint', '-o', 'json', '.'], { cwd: repo }).stdout) as { errors: { file: string; line: number | null }[]; skipped: { file: string; reason: string }[] };
    // Files that read as mappings or lists without apiVersion and kind are another tool's (a
    // config, an Ansible playbook): skipped, their reason quoting nothing.
    const skipped = ['json.yaml', 'list.yaml', 'tag.yaml'];
    expect(json.skipped).toEqual(skipped.map((file) => ({ file, reason: 'not a Kubernetes object (no apiVersion and kind)' })));
    expect(json.errors.map((e) => e.file).sort()).toEqual(Object.keys(secrets).map((n) => `${n}.yaml`).filter((f) => !skipped.includes(f)).sort());
    expect(json.errors.every((e) => typeof e.line === 'number')).toBe(true);
  });
});

describe('verify reads only under the suite root and never prints a named file', () => {
  const suite = (template: string) =>
    `apiVersion: test.gatekeeper.sh/v1alpha1\nkind: Suite\ntests:\n- name: t\n  template: ${template}\n  constraint: constraint.yaml\n  cases: [{name: c, object: pod.yaml, assertions: [{violations: yes}]}]\n`;

  it('../ out of the repository, and a link out of it: errors naming the reference, nothing printed of the file', () => {
    const outside = folder({ 'passwd': `root:x:0:0:${SECRET}:/root:/bin/bash\n` });
    const repo = folder({ '.git/HEAD': '', 'suites/a/suite.yaml': suite('../../../passwd'), 'suites/b/suite.yaml': suite('linked.yaml') }, join(outside, 'repo'));
    symlinkSync(join(outside, 'passwd'), join(repo, 'suites/b/linked.yaml'));
    const r = offgate(['verify', '-v', 'suites/...'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout).toContain(`open ../../../passwd: outside the suite's root ${repo}`);
    expect(r.stdout).toContain(`open linked.yaml: outside the suite's root ${repo}`);
  });

  it('outside a repository the root is the folder given to verify; inside it, files read as before', () => {
    const outside = folder({ 'passwd': `root:x:0:0:${SECRET}:/root:/bin/bash\n` });
    const dir = folder({ 'suite.yaml': suite('../passwd'), 'in/suite.yaml': suite('x.yaml'), 'in/x.yaml': `${SECRET}\n` }, join(outside, 'suites'));
    const r = offgate(['verify', 'suite.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`open ../passwd: outside the suite's root ${dir}`);
    // A file under the root that is not a map: its kind, not its text.
    const inside = offgate(['verify', 'in'], { cwd: dir });
    expect(inside.code).toBe(1);
    expect(inside.stdout).toContain('parsing "x.yaml": an object must be a map, got a string');
    expect(inside.stdout + inside.stderr).not.toContain(SECRET);
  });
});

describe('offgate.yaml discovery stops at the repository and distrusts planted files', () => {
  const lenient = 'environments:\n  default:\n    extends: baseline\n    restrictions: {privileged-containers: false}\n';

  it('a file above the repository root is not used: the Pod is denied (exit 1); without .git it would be used', () => {
    const above = folder({ 'offgate.yaml': lenient });
    const repo = folder({ '.git/HEAD': '', 'apps/pod.yaml': PRIVILEGED }, join(above, 'repo'));
    const r = offgate(['lint', 'pod.yaml'], { cwd: join(repo, 'apps') });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('bundled baseline preset (no offgate.yaml)');
    expect(findConfigFile(join(repo, 'apps'))).toBeUndefined();
    // The control: no repository, the file above is found and turns the restriction off.
    const loose = folder({ 'apps/pod.yaml': PRIVILEGED }, join(above, 'loose'));
    expect(offgate(['lint', 'pod.yaml'], { cwd: join(loose, 'apps') }).code).toBe(0);
  });

  it('a dangling offgate.yaml link found by searching is a warning, not silence: the baseline applies and says so', () => {
    const repo = folder({ '.git/HEAD': '', 'pod.yaml': PRIVILEGED });
    symlinkSync(join(repo, 'gone/offgate.yaml'), join(repo, 'offgate.yaml'));
    const r = offgate(['lint', '-o', 'json', 'pod.yaml'], { cwd: repo });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { warnings: string[]; sources: string[] };
    expect(report.warnings).toEqual([`${join(repo, 'offgate.yaml')}: ignored: a symbolic link to nothing`]);
    expect(report.sources).toEqual(['bundled baseline preset (no offgate.yaml)']);
  });

  it.skipIf(process.getuid?.() !== 0)('a file another user owns in a world-writable folder is ignored, with a warning in the report', () => {
    const shared = folder({ 'offgate.yaml': lenient });
    chmodSync(shared, 0o1777);
    chownSync(join(shared, 'offgate.yaml'), 65534, 65534);
    folder({ 'pod.yaml': PRIVILEGED }, join(shared, 'work'));
    const r = offgate(['lint', '-o', 'json', 'pod.yaml'], { cwd: join(shared, 'work') });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { warnings: string[]; results: unknown[] };
    expect(report.results).toHaveLength(1);
    expect(report.warnings).toEqual([`${join(shared, 'offgate.yaml')}: ignored: another user (uid 65534) owns it, in a folder anyone can write to`]);
    expect(loadConfig({ cwd: join(shared, 'work') })).toMatchObject({ config: null, warnings: [expect.stringContaining('ignored')] });
    // The user's own file there is used.
    chownSync(join(shared, 'offgate.yaml'), 0, 0);
    expect(offgate(['lint', 'pod.yaml'], { cwd: join(shared, 'work') }).code).toBe(0);
  });
});

describe('offgate init never writes through a symbolic link', () => {
  it('a dangling offgate.yaml link: an error, its target not created, with or without --force', () => {
    const dir = folder();
    const target = join(dir, 'elsewhere/created.yaml');
    mkdirSync(dirname(target));
    symlinkSync(target, join(dir, 'offgate.yaml'));
    for (const args of [['init'], ['init', '--force']]) {
      const r = offgate(args, { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/offgate\.yaml is a symbolic link: offgate init does not write through links/);
      expect(existsSync(target)).toBe(false);
    }
    expect(lstatSync(join(dir, 'offgate.yaml')).isSymbolicLink()).toBe(true);
  });

  it('a link to an existing file is not overwritten even with --force; a plain file is, and a new one is created', () => {
    const dir = folder({ 'precious.txt': 'keep me\n' });
    symlinkSync(join(dir, 'precious.txt'), join(dir, 'offgate.yaml'));
    expect(offgate(['init', '--force'], { cwd: dir }).code).toBe(2);
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep me\n');
    const fresh = folder();
    expect(offgate(['init'], { cwd: fresh }).code).toBe(0);
    expect(readFileSync(join(fresh, 'offgate.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=.*\n## offgate\.yaml/);
    expect(offgate(['init'], { cwd: fresh })).toMatchObject({ code: 2, stderr: expect.stringMatching(/exists \(use --force/) });
    writeFileSync(join(fresh, 'offgate.yaml'), 'old\n');
    expect(offgate(['init', '--force'], { cwd: fresh }).code).toBe(0);
    expect(readFileSync(join(fresh, 'offgate.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=.*\n## offgate\.yaml/);
  });
});
