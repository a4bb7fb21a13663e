// `offgate diff` as a user runs it (the bundled CLI), on repositories laid out as real ones
// are: two presets compared (checked against two lint() runs, compared here on their own),
// another offgate.yaml's environment, and git revisions of a temporary repository made in the
// test (a privileged container added, lines inserted above a violation, the config changed
// between commits), with the exit codes and one-line errors of bad input.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unwrapped } from './helpers/text';
import { describe, expect, it } from 'vitest';
import { compareFindings } from '../src/diff/compare';
import { parseSide } from '../src/diff/side';
import { lint } from '../src/lint/lint';
import type { Finding } from '../src/report/model';
import { offgate } from './helpers/cli';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-difftest-'));
  write(dir, files);
  return dir;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function commitAll(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
}

interface JsonDiff {
  added: { file: string; line: number; column: number; object: { kind: string; namespace: string | null; name: string | null }; workload?: { kind: string; name: string | null }; constraint: { kind: string; name: string }; enforcementAction: string; message: string; fix?: string }[];
  removed: JsonDiff['added'];
  unchanged: number;
  from: { side: string; sources: string[]; errors: unknown[]; warnings: string[] };
  to: { side: string; sources: string[]; errors: unknown[]; warnings: string[] };
}

function diffJson(args: string[], cwd: string): { code: number; doc: JsonDiff; stderr: string } {
  const r = offgate(['diff', '-o', 'json', ...args], { cwd });
  expect(r.stdout, `stderr: ${r.stderr}`).not.toBe('');
  return { code: r.code, doc: JSON.parse(r.stdout) as JsonDiff, stderr: r.stderr };
}

const DEPLOYMENT = (extraContainer = '') => `# The storefront, as the team deploys it.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: { app: web }
spec:
  replicas: 3
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      hostNetwork: true
      containers:
        - name: web
          image: registry.example/shop/web:2.4.1
          ports:
            - containerPort: 8080
${extraContainer}`;

const PRIVILEGED_SIDECAR = `        - name: debug
          image: busybox:1.36
          securityContext:
            privileged: true
`;

const WORKER = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
  namespace: shop
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.example/shop/report:1.0
              securityContext:
                allowPrivilegeEscalation: false
                runAsNonRoot: true
                capabilities: { drop: [ALL] }
                seccompProfile: { type: RuntimeDefault }
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: { app: web }
  ports:
    - port: 80
      targetPort: 8080
`;

/** A finding's identity written out here, independently of src/diff/compare.ts. */
function identity(f: { file: string; object: { kind: string; namespace?: string | null; name?: string | null }; constraint: { kind: string }; enforcementAction: string; message: string }): string {
  return [f.file, f.object.kind, f.object.namespace ?? '', f.object.name ?? '', f.constraint.kind, f.enforcementAction, f.message].join(' | ');
}

describe('comparing findings', { timeout: 180_000 }, () => {
  const finding = (over: Partial<Finding>): Finding => ({
    file: 'k8s/web.yaml',
    line: 10,
    column: 5,
    object: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web' },
    constraint: { kind: 'K8sPSPPrivilegedContainer', name: 'offgate-baseline-privileged-containers' },
    enforcementAction: 'deny',
    message: 'container web runs privileged',
    details: {},
    ...over,
  });

  it('matches by object, constraint kind, action and message: not by line, nor by constraint name', () => {
    const c = compareFindings([finding({})], [finding({ line: 14, column: 9, constraint: { kind: 'K8sPSPPrivilegedContainer', name: 'offgate-restricted-privileged-containers' } })]);
    expect(c).toEqual({ added: [], removed: [], unchanged: 1 });
  });

  it('a finding that turns from warn into deny is removed and added (a new failure)', () => {
    const c = compareFindings([finding({ enforcementAction: 'warn' })], [finding({})]);
    expect(c.added.map((f) => f.enforcementAction)).toEqual(['deny']);
    expect(c.removed.map((f) => f.enforcementAction)).toEqual(['warn']);
    expect(c.unchanged).toBe(0);
  });

  it('counts repeated findings as a multiset', () => {
    const other = finding({ message: 'container debug runs privileged' });
    const c = compareFindings([finding({}), finding({ line: 30 }), other], [finding({ line: 12 })]);
    expect(c.unchanged).toBe(1);
    expect(c.added).toEqual([]);
    expect(c.removed.map((f) => [f.line, f.message])).toEqual([
      [30, 'container web runs privileged'],
      [10, 'container debug runs privileged'],
    ]);
  });

  it('reads the sides', () => {
    expect(parseSide('git:origin/main', '--from')).toEqual({ kind: 'git', spec: 'git:origin/main', rev: 'origin/main' });
    expect(parseSide('../platform/offgate.yaml#production', '--from')).toEqual({ kind: 'config', spec: '../platform/offgate.yaml#production', configPath: '../platform/offgate.yaml', env: 'production' });
    expect(parseSide('restricted', '--to')).toEqual({ kind: 'env', spec: 'restricted', env: 'restricted' });
    expect(parseSide('git:', '--from')).toHaveProperty('error');
    expect(parseSide('git:--output=x', '--from')).toHaveProperty('error');
    expect(parseSide('offgate.yaml#', '--from')).toHaveProperty('error');
  });
});

describe('offgate diff between presets and environments', { timeout: 180_000 }, () => {
  const repo = workspace({ 'k8s/web.yaml': DEPLOYMENT(PRIVILEGED_SIDECAR), 'k8s/report.yaml': WORKER, 'k8s/service.yaml': SERVICE });

  it('--from baseline --to restricted is the difference of two lint runs', async () => {
    const [baseline, restricted] = await Promise.all(['baseline', 'restricted'].map((env) => lint({ paths: ['k8s'], cwd: repo, env })));
    const before = baseline.report.findings.map(identity);
    const after = restricted.report.findings.map(identity);
    const expectedAdded = after.filter((k) => !before.includes(k)).sort();
    const expectedRemoved = before.filter((k) => !after.includes(k)).sort();
    expect(expectedAdded.length).toBeGreaterThan(0);

    const { code, doc } = diffJson(['--from', 'baseline', '--to', 'restricted', 'k8s'], repo);
    expect(doc.added.map(identity).sort()).toEqual(expectedAdded);
    expect(doc.removed.map(identity).sort()).toEqual(expectedRemoved);
    expect(doc.unchanged).toBe(after.filter((k) => before.includes(k)).length);
    expect(doc.unchanged).toBeGreaterThan(0);
    expect(doc.from.sources).toEqual(['bundled baseline preset']);
    expect(doc.to.sources).toEqual(['bundled restricted preset']);
    expect(code).toBe(1); // restricted adds denials
  });

  it('the other way round, nothing is added: exit 0, the stricter findings removed', () => {
    const r = offgate(['diff', '--from', 'restricted', '--to', 'baseline', 'k8s'], { cwd: repo });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^removed: \d+ findings$/m);
    expect(r.stdout).not.toMatch(/^added/m);
    expect(r.stdout).toMatch(/^0 added, \d+ removed, \d+ unchanged$/m);
  });

  it('text: each added finding as path:line:col with its action, message, constraint and fix', () => {
    const r = offgate(['diff', '--from', 'baseline', '--to', 'restricted', 'k8s'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^added: \d+ findings$/m);
    // As offgate lint shows findings: path:line:col first (lines joined where the text wrapped).
    expect(unwrapped(r.stdout)).toMatch(/^k8s\/web\.yaml:\d+:\d+: deny Deployment shop\/web: container web may escalate privileges .* \[K8sPSPAllowPrivilegeEscalationContainer\/offgate-restricted-allow-privilege-escalation\]$/m);
    expect(r.stdout).toMatch(/^ {2}fix: Set securityContext\.allowPrivilegeEscalation: false on the container\.$/m);
    expect(r.stdout).toMatch(/^from baseline: constraints: bundled baseline preset$/m);
    expect(r.stdout).toMatch(/^to restricted: constraints: bundled restricted preset$/m);
  });

  it('environments of offgate.yaml, and of another offgate.yaml as FILE#ENV', () => {
    const ws = workspace({
      'k8s/web.yaml': DEPLOYMENT(),
      'offgate.yaml': 'environments:\n  default:\n    extends: baseline\n  production:\n    extends: restricted\n',
    });
    write(ws, { 'platform/offgate.yaml': 'environments:\n  strict:\n    extends: baseline\n    restrictions:\n      host-network-ports: false\n' });
    const envs = diffJson(['--from', 'default', '--to', 'production', 'k8s'], ws);
    expect(envs.code).toBe(1);
    expect(envs.doc.added.every((f) => f.constraint.name.startsWith('offgate-production-'))).toBe(true);
    // The platform's environment turns host networking off: that finding goes away.
    const other = diffJson(['--from', 'default', '--to', 'platform/offgate.yaml#strict', 'k8s'], ws);
    expect(other.code).toBe(0);
    expect(other.doc.added).toEqual([]);
    expect(other.doc.removed.map((f) => f.constraint.kind)).toEqual(['K8sPSPHostNetworkingPorts']);
    expect(other.doc.to.sources[0]).toMatch(/environment "strict" of platform\/offgate\.yaml/);
  });

  it.each([
    [['--from', 'staging', 'k8s'], /^offgate: --from staging: unknown environment "staging": there is no offgate\.yaml/],
    [['--from', 'baseline', '--to', 'nowhere/offgate.yaml#prod', 'k8s'], /^offgate: --to nowhere\/offgate\.yaml#prod: nowhere\/offgate\.yaml: no such file\n$/],
    [['k8s'], /^offgate: diff: --from is required/],
    [['--from', 'baseline', '-'], /^offgate: diff: standard input cannot be linted twice/],
    [['--from', 'baseline', '--to', 'restricted', '--env', 'baseline', 'k8s'], /^offgate: diff: --env baseline has no side to apply to/],
    [['--from', 'baseline', '-o', 'sarif', 'k8s'], /^offgate: -o sarif: unknown format for diff \(one of text, json\)\n$/],
  ])('bad input %j: one line, exit 2', (args, message) => {
    const r = offgate(['diff', ...args], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });
});

describe('offgate diff against git revisions', { timeout: 180_000 }, () => {
  const tempCheckouts = () => readdirSync(tmpdir()).filter((n) => n.startsWith('offgate-diff-')).length;

  /** A repository of three commits: the Deployment; comment lines inserted above its violation; a privileged sidecar. */
  function history(): string {
    const repo = workspace({ 'k8s/web.yaml': DEPLOYMENT(), 'k8s/service.yaml': SERVICE, 'README.md': '# shop\n' });
    git(repo, 'init', '-q', '-b', 'main');
    commitAll(repo, 'web');
    write(repo, { 'k8s/web.yaml': `# Owned by team storefront.\n# Reviewed 2026-11.\n${DEPLOYMENT()}` });
    commitAll(repo, 'comments');
    write(repo, { 'k8s/web.yaml': `# Owned by team storefront.\n# Reviewed 2026-11.\n${DEPLOYMENT(PRIVILEGED_SIDECAR)}` });
    commitAll(repo, 'debug sidecar');
    return repo;
  }

  it('--from git:HEAD~1: the privileged container the last commit added, at its line; exit 1', () => {
    const repo = history();
    const before = tempCheckouts();
    const status = git(repo, 'status', '--porcelain');
    const { code, doc, stderr } = diffJson(['--from', 'git:HEAD~1'], repo);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(doc.added).toHaveLength(1);
    const [added] = doc.added;
    expect(added).toMatchObject({ file: 'k8s/web.yaml', line: 27, column: 13, constraint: { kind: 'K8sPSPPrivilegedContainer' }, enforcementAction: 'deny' });
    expect(added!.message).toMatch(/container debug runs privileged/);
    expect(doc.removed).toEqual([]);
    expect(doc.unchanged).toBe(1); // hostNetwork, on both sides
    expect(doc.from.side).toBe('git:HEAD~1');
    expect(doc.to.side).toBe('the working tree');
    // Nothing left behind, nothing written to the repository.
    expect(tempCheckouts()).toBe(before);
    expect(git(repo, 'status', '--porcelain')).toBe(status);
    expect(existsSync(join(repo, '.git', 'worktrees'))).toBe(false);
  });

  it('lines inserted above an existing violation add nothing: exit 0', () => {
    const repo = history();
    const r = offgate(['diff', '--from', 'git:HEAD~2', '--to', 'git:HEAD~1', 'k8s'], { cwd: repo });
    expect(r.stdout).toMatch(/^0 added, 0 removed, 1 unchanged$/m);
    expect(r.code).toBe(0);
  });

  it('working-tree edits against git:HEAD, from a subfolder, with relative and absolute paths', () => {
    const repo = history();
    // Moving the violation down and fixing the sidecar: one finding removed, none added.
    write(repo, { 'k8s/web.yaml': `# Owned by team storefront.\n\n\n# Reviewed 2026-12.\n${DEPLOYMENT()}` });
    const sub = join(repo, 'k8s');
    const rel = diffJson(['--from', 'git:HEAD', 'web.yaml'], sub);
    expect(rel.code).toBe(0);
    expect(rel.doc.added).toEqual([]);
    expect(rel.doc.removed.map((f) => [f.file, f.line, f.constraint.kind])).toEqual([['web.yaml', 27, 'K8sPSPPrivilegedContainer']]);
    expect(rel.doc.unchanged).toBe(1);
    const abs = diffJson(['--from', 'git:HEAD', join(repo, 'k8s')], repo);
    expect(abs.doc.removed.map((f) => f.file)).toEqual([join(repo, 'k8s', 'web.yaml')]);
  });

  it("takes the revision's offgate.yaml: a stricter environment committed shows its new findings", () => {
    const repo = workspace({ 'k8s/report.yaml': WORKER, 'k8s/web.yaml': DEPLOYMENT(), 'offgate.yaml': 'environments:\n  default:\n    extends: baseline\n' });
    git(repo, 'init', '-q', '-b', 'main');
    commitAll(repo, 'baseline');
    write(repo, { 'offgate.yaml': 'environments:\n  default:\n    extends: restricted\n' });
    const { code, doc } = diffJson(['--from', 'git:main'], repo);
    expect(code).toBe(1);
    expect(doc.from.sources[0]).toMatch(/^environment "default" of offgate\.yaml \(extends baseline\)$/);
    expect(doc.to.sources[0]).toMatch(/^environment "default" of offgate\.yaml \(extends restricted\)$/);
    expect(doc.added.length).toBeGreaterThan(0);
    expect(doc.added.every((f) => f.file === 'k8s/web.yaml')).toBe(true); // the CronJob is restricted-clean
  });

  it('--config outside the repository is the same file on both sides', () => {
    const parent = workspace({ 'platform/offgate.yaml': 'environments:\n  strict:\n    extends: restricted\n' });
    const repo = join(parent, 'shop');
    write(repo, { 'k8s/report.yaml': WORKER });
    git(repo, 'init', '-q', '-b', 'main');
    commitAll(repo, 'report');
    write(repo, { 'k8s/report.yaml': WORKER.replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true') });
    const { code, doc } = diffJson(['--from', 'git:main', '--config', '../platform/offgate.yaml', '--env', 'strict', 'k8s'], repo);
    expect(doc.from.sources).toEqual(doc.to.sources);
    expect(doc.to.sources[0]).toMatch(/^environment "strict" of \.\.\/platform\/offgate\.yaml/);
    expect(doc.added.map((f) => f.constraint.name)).toEqual(['offgate-strict-allow-privilege-escalation']);
    expect(code).toBe(1);
  });

  it('a file new in the working tree: its findings are added, the old side says it had none', () => {
    const repo = history();
    write(repo, { 'k8s/agent.yaml': DEPLOYMENT(PRIVILEGED_SIDECAR).replace(/name: web$/m, 'name: agent') });
    const { code, doc } = diffJson(['--from', 'git:HEAD', 'k8s/agent.yaml', 'k8s/web.yaml'], repo);
    expect(code).toBe(1);
    expect(doc.added.map((f) => f.file)).toEqual(['k8s/agent.yaml', 'k8s/agent.yaml']);
    expect(doc.from.errors).toHaveLength(1);
  });

  it('a revision that does not exist, or no repository: one line, exit 2', () => {
    const repo = history();
    const bad = offgate(['diff', '--from', 'git:no-such-branch'], { cwd: repo });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`offgate: --from git:no-such-branch: no such revision in ${readRealPath(repo)} (git rev-parse --verify found no commit)\n`);
    const tooFar = offgate(['diff', '--from', 'git:HEAD~3'], { cwd: repo });
    expect(tooFar.code).toBe(2);
    expect(tooFar.stderr).toMatch(/^offgate: --from git:HEAD~3: no such revision/);
    const plain = workspace({ 'pod.yaml': SERVICE });
    const none = offgate(['diff', '--from', 'git:HEAD'], { cwd: plain });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^offgate: --from git:HEAD: .* is not in a git repository\n$/);
  });
});

function readRealPath(p: string): string {
  return realpathSync(p);
}
