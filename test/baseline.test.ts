// Baselines (`--write-baseline FILE`, `--baseline FILE`): the file's format (sorted, one
// entry a line, stable bytes, a version), multiset matching, and end to end through the
// bundled CLI on a repository laid out as real ones are: a baseline that survives inserted
// lines, fails on a new violation, shrinks when a finding is fixed, and shows in JSON, SARIF
// and text as documented.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBaseline, baselineEntries } from '../src/baseline/apply';
import { formatBaseline, parseBaseline, BASELINE_VERSION } from '../src/baseline/file';
import { formats } from '../src/report/formats/index';
import type { Finding, Report } from '../src/report/model';
import { offgate } from './helpers/cli';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-baseline-'));
  for (const [name, content] of Object.entries(files)) write(dir, name, content);
  return dir;
}

function write(dir: string, name: string, content: string): void {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), content);
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      hostNetwork: true
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            privileged: true
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: dind
  namespace: ci
spec:
  containers:
    - name: dind
      image: docker:27-dind
      securityContext:
        privileged: true
`;

const CLEAN = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: { app: web }
  ports: [{ port: 80 }]
`;

/** A repository as real ones look: manifests under k8s/, a workflow and a README beside them. */
function repository(): string {
  return workspace({
    'k8s/shop/deployment.yaml': DEPLOYMENT,
    'k8s/shop/service.yaml': CLEAN,
    'k8s/ci/dind.yaml': POD,
    '.github/workflows/ci.yaml': 'on: push\njobs: {}\n',
    'README.md': '# shop\n',
  });
}

interface Json {
  results: { file: string; line: number; constraint: { kind: string }; baselined?: true }[];
  summary: { byAction: Record<string, number>; baselined?: number; errors: number };
  baseline?: string;
}

const json = (args: string[], cwd: string) => {
  const r = offgate(['lint', '-o', 'json', ...args], { cwd });
  return { code: r.code, stderr: r.stderr, doc: JSON.parse(r.stdout) as Json };
};

describe('the baseline file', () => {
  const finding = (file: string, name: string, message: string, kind = 'K8sPSPPrivilegedContainer'): Finding => ({
    file,
    line: 10,
    column: 3,
    object: { apiVersion: 'v1', kind: 'Pod', namespace: 'ci', name },
    constraint: { kind, name: 'no-privileged' },
    enforcementAction: 'deny',
    message,
    details: {},
  });
  const report = (findings: Finding[]): Report => ({
    version: '0',
    sources: [],
    findings,
    errors: [],
    warnings: [],
    summary: { files: 1, objects: 1, byAction: { deny: findings.length }, errors: 0 },
  });

  it('is sorted, one entry a line, with a version, and the same bytes whatever the order of findings', () => {
    const cwd = '/repo';
    const a = finding('k8s/b.yaml', 'b', 'container b runs privileged');
    const b = finding('k8s/a.yaml', 'a', 'container a runs privileged');
    const opts = { file: 'offgate-baseline.json', cwd };
    const text = formatBaseline(baselineEntries(report([a, b]), opts));
    expect(formatBaseline(baselineEntries(report([b, a]), opts))).toBe(text);
    expect(text.split('\n')).toEqual([
      '{',
      `  "offgateBaseline": ${BASELINE_VERSION},`,
      '  "findings": [',
      '    {"file":"k8s/a.yaml","kind":"Pod","namespace":"ci","name":"a","constraint":"K8sPSPPrivilegedContainer","message":"container a runs privileged"},',
      '    {"file":"k8s/b.yaml","kind":"Pod","namespace":"ci","name":"b","constraint":"K8sPSPPrivilegedContainer","message":"container b runs privileged"}',
      '  ]',
      '}',
      '',
    ]);
    expect(parseBaseline(text, 'b.json')).toEqual({ entries: baselineEntries(report([b, a]), opts) });
    expect(formatBaseline([])).toBe(`{\n  "offgateBaseline": ${BASELINE_VERSION},\n  "findings": []\n}\n`);
  });

  it('names files relative to its own folder, with / separators', () => {
    const [entry] = baselineEntries(report([finding('k8s/a.yaml', 'a', 'm')]), { file: '/repo/k8s/offgate-baseline.json', cwd: '/repo' });
    expect(entry!.file).toBe('a.yaml');
    const [outside] = baselineEntries(report([finding('/elsewhere/x.yaml', 'a', 'm')]), { file: 'offgate-baseline.json', cwd: '/repo' });
    expect(outside!.file).toBe('../elsewhere/x.yaml');
  });

  it('matches as a multiset: two identical findings need two entries', () => {
    const f = finding('k8s/a.yaml', 'a', 'container a runs privileged');
    const opts = { file: 'b.json', cwd: '/repo' };
    const one = parseBaseline(formatBaseline(baselineEntries(report([f]), opts)), 'b.json');
    if ('error' in one) throw new Error(one.error);
    const marked = applyBaseline(report([f, { ...f, line: 20 }]), one, opts);
    expect(marked.findings.map((x) => x.baselined ?? false)).toEqual([true, false]);
    expect(marked.summary).toMatchObject({ byAction: { deny: 1 }, baselined: 1 });
    const two = parseBaseline(formatBaseline(baselineEntries(report([f, f]), opts)), 'b.json');
    if ('error' in two) throw new Error(two.error);
    expect(applyBaseline(report([f, { ...f, line: 20 }]), two, opts).summary).toMatchObject({ byAction: {}, baselined: 2 });
  });

  it('matches file, object, constraint kind and message; not line, column or constraint name', () => {
    const f = finding('k8s/a.yaml', 'a', 'container a runs privileged');
    const opts = { file: 'b.json', cwd: '/repo' };
    const base = parseBaseline(formatBaseline(baselineEntries(report([f]), opts)), 'b.json');
    if ('error' in base) throw new Error(base.error);
    const is = (g: Finding) => applyBaseline(report([g]), base, opts).findings[0]!.baselined === true;
    expect(is({ ...f, line: 99, column: 7, constraint: { kind: f.constraint.kind, name: 'renamed' } })).toBe(true);
    expect(is({ ...f, file: 'k8s/b.yaml' })).toBe(false);
    expect(is({ ...f, object: { ...f.object, name: 'b' } })).toBe(false);
    expect(is({ ...f, object: { ...f.object, namespace: 'prod' } })).toBe(false);
    expect(is({ ...f, constraint: { kind: 'K8sPSPHostNamespace', name: f.constraint.name } })).toBe(false);
    expect(is({ ...f, message: 'container a runs privileged!' })).toBe(false);
  });

  it('every format: baselined findings fail nothing; github and markdown show the new ones only, with one line for the rest', () => {
    const opts = { file: 'offgate-baseline.json', cwd: '/repo' };
    const old = finding('k8s/a.yaml', 'a', 'container a runs privileged');
    const base = parseBaseline(formatBaseline(baselineEntries(report([old]), opts)), 'b.json');
    if ('error' in base) throw new Error(base.error);
    const marked = applyBaseline(report([old, finding('k8s/b.yaml', 'b', 'container b runs privileged')]), base, opts);
    const render = (name: keyof typeof formats) => formats[name](marked, { color: false, failOn: 'deny', cwd: '/repo' });
    const github = render('github');
    expect(github.match(/^::error /gm)).toHaveLength(1);
    expect(github).not.toContain('container a runs');
    expect(github).toContain('\n1 finding baselined (offgate-baseline.json)\n');
    const markdown = render('markdown');
    expect(markdown).not.toContain('container a runs');
    expect(markdown).toContain('1 finding baselined (offgate-baseline.json)');
    const junit = render('junit');
    expect(junit.match(/<failure /g)).toHaveLength(1);
    expect(junit).toContain('container a runs'); // kept, passing
  });

  it('refuses what it cannot read, in one line with the place', () => {
    expect(parseBaseline('{\n  "offgateBaseline": 1,\n  "findings": [\n    {"file": }\n  ]\n}\n', 'b.json')).toEqual({ error: expect.stringMatching(/^b\.json:4:14: not a baseline: the file is not JSON/) });
    expect(parseBaseline('{"findings": []}', 'b.json')).toEqual({ error: 'b.json: not a baseline: no "offgateBaseline" version (write one with --write-baseline)' });
    expect(parseBaseline('{"offgateBaseline": 2, "findings": []}', 'b.json')).toEqual({ error: 'b.json: baseline version 2 is not supported (this offgate reads version 1)' });
    const entry = '{"file":"a.yaml","kind":"Pod","namespace":null,"name":"a","constraint":"K","message":"m"}';
    const bad = `{\n  "offgateBaseline": 1,\n  "findings": [\n    ${entry},\n    {"file":"a.yaml","kind":"Pod","namespace":null,"name":"a","constraint":"K"}\n  ]\n}\n`;
    expect(parseBaseline(bad, 'b.json')).toEqual({ error: 'b.json:5:5: findings[1]: "message" must be a string' });
    expect(parseBaseline(bad.replace('"constraint":"K"}', '"constraint":"K","message":"m","line":3}'), 'b.json')).toEqual({ error: 'b.json:5:5: findings[1]: unknown key "line"' });
  });
});

// Each test runs the CLI several times, on a shared machine.
describe('offgate lint --write-baseline / --baseline', { timeout: 120_000 }, () => {
  it('records the findings (exit 0), then passes with every finding baselined; writing twice gives the same bytes', () => {
    const repo = repository();
    const w = offgate(['lint', '--write-baseline', 'offgate-baseline.json', 'k8s/'], { cwd: repo });
    expect(w.stderr).toBe('');
    expect(w.code).toBe(0);
    const first = readFileSync(join(repo, 'offgate-baseline.json'), 'utf8');
    expect(first.split('\n').filter((l) => l.startsWith('    {')).map((l) => JSON.parse(l.replace(/,$/, '')))).toEqual([
      expect.objectContaining({ file: 'k8s/ci/dind.yaml', kind: 'Pod', namespace: 'ci', name: 'dind', constraint: 'K8sPSPPrivilegedContainer' }),
      expect.objectContaining({ file: 'k8s/shop/deployment.yaml', kind: 'Deployment', name: 'web', constraint: 'K8sPSPHostNetworkingPorts' }),
      expect.objectContaining({ file: 'k8s/shop/deployment.yaml', kind: 'Deployment', name: 'web', constraint: 'K8sPSPPrivilegedContainer' }),
    ]);
    expect(offgate(['lint', '--write-baseline', 'offgate-baseline.json', 'k8s/'], { cwd: repo }).code).toBe(0);
    expect(readFileSync(join(repo, 'offgate-baseline.json'), 'utf8')).toBe(first);

    const r = offgate(['lint', '--baseline', 'offgate-baseline.json', 'k8s/'], { cwd: repo });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(['no violations', '3 findings baselined (offgate-baseline.json)', 'checked 3 objects in 3 files', 'constraints: bundled baseline preset (no offgate.yaml)', ''].join('\n'));
  });

  it('survives inserted lines: the findings move, and stay baselined', () => {
    const repo = repository();
    expect(offgate(['lint', '--write-baseline', 'offgate-baseline.json', 'k8s/'], { cwd: repo }).code).toBe(0);
    const before = json(['k8s/'], repo).doc.results.map((r) => r.line);
    write(repo, 'k8s/shop/deployment.yaml', `# The shop's front end.\n# Owned by team-shop.\n${DEPLOYMENT.replace('    spec:\n', '    spec:\n      serviceAccountName: web\n      automountServiceAccountToken: false\n')}`);
    write(repo, 'k8s/ci/dind.yaml', `---\n# CI runner\n${POD.replace('  containers:\n', '  restartPolicy: Never\n  containers:\n')}`);
    const { code, doc } = json(['--baseline', 'offgate-baseline.json', 'k8s/'], repo);
    expect(code).toBe(0);
    expect(doc.results.map((r) => r.line)).not.toEqual(before);
    expect(doc.results).toHaveLength(3);
    expect(doc.results.every((r) => r.baselined === true)).toBe(true);
    expect(doc.summary).toMatchObject({ byAction: {}, baselined: 3, errors: 0 });
    expect(doc.baseline).toBe('offgate-baseline.json');
  });

  it('fails on a new violation (exit 1), shown alone; JSON and SARIF tell baselined from new', () => {
    const repo = repository();
    expect(offgate(['lint', '--write-baseline', 'offgate-baseline.json', 'k8s/'], { cwd: repo }).code).toBe(0);
    write(repo, 'k8s/ci/dind.yaml', POD.replace('spec:\n', 'spec:\n  hostPID: true\n'));

    const text = offgate(['lint', '--baseline', 'offgate-baseline.json', 'k8s/'], { cwd: repo });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('K8sPSPHostNamespace');
    expect(text.stdout).not.toContain('K8sPSPPrivilegedContainer');
    expect(text.stdout).toContain('1 object would be rejected (1 finding)\n3 findings baselined (offgate-baseline.json)\nchecked 3 objects in 3 files\n');

    const { code, doc } = json(['--baseline', 'offgate-baseline.json', 'k8s/'], repo);
    expect(code).toBe(1);
    expect(doc.results.map((r) => [r.constraint.kind, r.baselined ?? false]).sort()).toEqual([
      ['K8sPSPHostNamespace', false],
      ['K8sPSPHostNetworkingPorts', true],
      ['K8sPSPPrivilegedContainer', true],
      ['K8sPSPPrivilegedContainer', true],
    ]);
    expect(doc.summary).toMatchObject({ byAction: { deny: 1 }, baselined: 3 });

    const sarif = JSON.parse(offgate(['lint', '-o', 'sarif', '--baseline', 'offgate-baseline.json', 'k8s/'], { cwd: repo }).stdout);
    const states = sarif.runs[0].results.map((r: { ruleId: string; baselineState: string }) => [r.ruleId, r.baselineState]).sort();
    expect(states).toEqual([
      ['K8sPSPHostNamespace', 'new'],
      ['K8sPSPHostNetworkingPorts', 'unchanged'],
      ['K8sPSPPrivilegedContainer', 'unchanged'],
      ['K8sPSPPrivilegedContainer', 'unchanged'],
    ]);
    // Without a baseline, no baselineState at all.
    const plain = JSON.parse(offgate(['lint', '-o', 'sarif', 'k8s/'], { cwd: repo }).stdout);
    expect(plain.runs[0].results.every((r: object) => !('baselineState' in r))).toBe(true);
    // A second identical container is a second finding: the baseline holds one.
    write(repo, 'k8s/ci/dind.yaml', POD + '    - name: dind2\n      image: docker:27-dind\n      securityContext:\n        privileged: true\n');
    expect(offgate(['lint', '--baseline', 'offgate-baseline.json', 'k8s/'], { cwd: repo }).code).toBe(1);
  });

  it('shrinks when a finding is fixed: the next write drops it', () => {
    const repo = repository();
    expect(offgate(['lint', '--write-baseline', 'offgate-baseline.json', 'k8s/'], { cwd: repo }).code).toBe(0);
    const before = readFileSync(join(repo, 'offgate-baseline.json'), 'utf8').split('\n');
    write(repo, 'k8s/ci/dind.yaml', POD.replace('privileged: true', 'privileged: false'));
    expect(offgate(['lint', '--baseline', 'offgate-baseline.json', '--write-baseline', 'offgate-baseline.json', 'k8s/'], { cwd: repo }).code).toBe(0);
    const after = readFileSync(join(repo, 'offgate-baseline.json'), 'utf8').split('\n');
    expect(after.length).toBe(before.length - 1);
    expect(before.filter((l) => !after.includes(l.replace(/,$/, '')) && !after.includes(l))).toEqual([expect.stringContaining('"file":"k8s/ci/dind.yaml"')]);
    expect(json(['--baseline', 'offgate-baseline.json', 'k8s/'], repo).doc.summary).toMatchObject({ byAction: {}, baselined: 2 });
  });

  it('reads paths relative to the baseline file: the same baseline works from a subfolder', () => {
    const repo = repository();
    expect(offgate(['lint', '--write-baseline', 'offgate-baseline.json', 'k8s/'], { cwd: repo }).code).toBe(0);
    const r = json(['--baseline', '../offgate-baseline.json', '.'], join(repo, 'k8s'));
    expect(r.code).toBe(0);
    expect(r.doc.summary.baselined).toBe(3);
  });

  it('a bad or missing baseline is one line and exit 2', () => {
    const repo = repository();
    const missing = offgate(['lint', '--baseline', 'nope.json', 'k8s/'], { cwd: repo });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('offgate: nope.json: cannot read the baseline: no such file (write one with --write-baseline)\n');
    write(repo, 'bad.json', '{\n  "offgateBaseline": 1,\n  "findings": [\n    {"file": "a.yaml",}\n  ]\n}\n');
    const bad = offgate(['lint', '--baseline', 'bad.json', 'k8s/'], { cwd: repo });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^offgate: bad\.json:4:23: not a baseline: the file is not JSON \([^\n]*\)\n$/);
  });

  it('with input errors, the baseline is not written and the run fails (exit 2)', () => {
    const repo = repository();
    write(repo, 'k8s/broken.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: [\n');
    const r = offgate(['lint', '--write-baseline', 'offgate-baseline.json', 'k8s/'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('warning: baseline offgate-baseline.json not written: 1 input error');
    expect(existsSync(join(repo, 'offgate-baseline.json'))).toBe(false);
  });
});
