// The text format as people read it: `path:line:col` first, wrapped to the terminal with a
// hanging indent, words never split; the summary (findings by constraint kind, rejected
// workloads and objects, files checked, constraints); --quiet; the progress line.
// Snapshots: the repository's fixtures linted and rendered at 80 and 120 columns
// (`npx vitest -u` regenerates them when the bundled templates' messages change).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runLint, type Io } from '../src/cli/lint-command';
import { startProgress } from '../src/cli/progress';
import { lint } from '../src/lint/lint';
import { formats } from '../src/report/formats';
import type { Report } from '../src/report/model';
import { outcomes } from '../src/report/summary';
import { columns, terminalWidth, words, wrap, type Word } from '../src/report/wrap';
import { unwrapped } from './helpers/text';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin/offgate.js');

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-text-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** `offgate lint ARGS` in `cwd` with extra environment (COLUMNS, CI). */
function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, 'lint', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', COLUMNS: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function lintFixtures(paths: string[], cwd: string, env?: string): Promise<Report> {
  const outcome = await lint({ paths, cwd, env });
  expect(outcome.fatal).toBeUndefined();
  return outcome.report;
}

/**
 * Pods of fixtures/pod-security/*.yaml (each template's cases) as the manifests a
 * repository would hold: one file per template, in a folder `pod-security/` of a fresh
 * working directory.
 */
function podSecurityManifests(): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-text-fixtures-'));
  mkdirSync(join(dir, 'pod-security'));
  for (const name of readdirSync(join(ROOT, 'fixtures/pod-security')).sort()) {
    const { cases } = parse(readFileSync(join(ROOT, 'fixtures/pod-security', name), 'utf8')) as { cases: { object?: Record<string, unknown>; violations?: unknown[] }[] };
    // The first two objects each template rejects: enough to show every message, few enough to read.
    const objects = cases
      .filter((c) => c.object?.apiVersion && c.object.kind && (c.violations ?? []).length > 0)
      .slice(0, 2)
      .map((c) => c.object);
    writeFileSync(join(dir, 'pod-security', name), objects.map((o) => stringify(o)).join('---\n'));
  }
  return dir;
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
        - name: sidecar
          image: envoyproxy/envoy:v1.31
          securityContext:
            privileged: true
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
spec:
  hostPID: true
  containers:
    - name: shell
      image: busybox:1.36
`;

describe('wrap', () => {
  it('fills lines up to the width, then continues with the hanging indent', () => {
    expect(wrap(words('aaa bbb ccc ddd eee'), 11, '', '  ')).toEqual(['aaa bbb ccc', '  ddd eee']);
    expect(wrap(words('aaa bbb'), 11, '> ', '  ')).toEqual(['> aaa bbb']);
  });

  it('never splits a word: a path:line:col or a constraint longer than the line overflows it', () => {
    const place = 'deploy/overlays/production/very-long-folder-name/deployment.yaml:123:45:';
    expect(wrap(words(`${place} deny Deployment shop/web`), 40, '', '    ')).toEqual([place, '    deny Deployment shop/web']);
    expect(wrap(words('short [K8sPSPAllowPrivilegeEscalationContainer/offgate-restricted-allow-privilege-escalation]'), 40, '', '    ')).toEqual([
      'short',
      '    [K8sPSPAllowPrivilegeEscalationContainer/offgate-restricted-allow-privilege-escalation]',
    ]);
  });

  it('a word that would start a workflow command (`::error`, `##[`) never starts a line', () => {
    expect(wrap(words('name is x ::error::pwned'), 12, '', '    ')).toEqual(['name is x ::error::pwned']);
    expect(wrap(words('name is x ##[error]pwned'), 12, '', '    ')).toEqual(['name is x ##[error]pwned']);
  });

  it('paints a run of words of the same colour once', () => {
    const red = (t: string) => `<${t}>`;
    expect(wrap([...words('a b', red), { text: 'c' }, ...words('d e', red)], 80)).toEqual(['<a b> c <d e>']);
    expect(wrap(words('aaa bbb ccc', red), 8, '', '  ')).toEqual(['<aaa bbb>', '  <ccc>']);
  });

  it('lays out unpainted words (its fast path) exactly as painted ones with a paint that changes nothing', () => {
    // A seeded generator: the same cases on every run.
    let seed = 42;
    const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) >>> 8) % n;
    // Mostly plain words; now and then one the fast path must leave to the general one.
    const plain = 'abcdefghijklmnopqrstuvwxyz-./:[{}"';
    const odd = [':', '#', '[', ' ', 'é', '\u{1F600}'];
    const word = () => Array.from({ length: 1 + next(next(4) === 0 ? 60 : 9) }, () => (next(150) === 0 ? odd[next(odd.length)] : plain[next(plain.length)])).join('');
    const same = (t: string) => t;
    for (let n = 0; n < 3000; n++) {
      const items: Word[] = Array.from({ length: 1 + next(5) }, () => {
        const split = next(2) === 0;
        const text = split ? Array.from({ length: next(8) }, word).join(next(6) === 0 ? '  ' : ' ') : word().trim();
        return split ? { text, split } : { text };
      });
      const width = 1 + next(90);
      const [first, hanging] = [['', ''], ['', '    '], ['  ', '    '], ['> ', '']][next(4)]!;
      const painted = items.map((w) => ({ ...w, paint: same }));
      expect(wrap(items, width, first, hanging), JSON.stringify({ items, width, first, hanging })).toEqual(wrap(painted, width, first, hanging));
    }
  });

  it('wraps to COLUMNS when set, else the terminal, else 80; never narrower than 40', () => {
    expect(terminalWidth({}, undefined)).toBe(80);
    expect(terminalWidth({}, 132)).toBe(132);
    expect(terminalWidth({ COLUMNS: '100' }, 132)).toBe(100);
    expect(terminalWidth({ COLUMNS: 'wide' }, 90)).toBe(90);
    expect(terminalWidth({ COLUMNS: '20' }, undefined)).toBe(40);
  });
});

describe('the summary', () => {
  it('counts workloads and objects once each, however many findings they have', async () => {
    const dir = workspace({ 'deploy.yaml': DEPLOYMENT, 'pod.yaml': POD });
    const { report } = await lint({ paths: ['deploy.yaml', 'pod.yaml'], cwd: dir });
    // The Deployment: host network and two privileged containers; the Pod: hostPID.
    expect(report.findings).toHaveLength(4);
    expect(outcomes(report.findings)).toEqual([{ action: 'deny', workloads: 1, objects: 1, findings: 4 }]);
    const out = formats.text(report, { color: false, failOn: 'deny', cwd: dir });
    expect(out).toContain('\n1 workload and 1 object would be rejected (4 findings)\nchecked 2 objects in 2 files\n');
    expect(out).toMatch(/^ {2}constraint kind {12}findings\n {2}K8sPSPPrivilegedContainer {2}2 denied\n {2}K8sPSPHostNamespace {8}1 denied\n {2}K8sPSPHostNetworkingPorts {2}1 denied\n/m);
  });

  it('says what warn and dryrun would do, apart from what deny would', async () => {
    const dir = workspace({
      'offgate.yaml': 'environments:\n  default:\n    extends: baseline\n    restrictions:\n      host-namespaces: { enforcementAction: warn }\n      privileged-containers: { enforcementAction: dryrun }\n',
      'deploy.yaml': DEPLOYMENT,
      'pod.yaml': POD,
    });
    const { report } = await lint({ paths: ['deploy.yaml', 'pod.yaml'], cwd: dir });
    const out = formats.text(report, { color: false, failOn: 'deny', cwd: dir, width: 200 });
    expect(out).toContain(
      [
        '1 workload would be rejected (1 finding)',
        '1 object would be admitted with warnings (1 finding)',
        '1 workload would be admitted, the violations only recorded (dryrun: 2 findings)',
        'checked 2 objects in 2 files',
      ].join('\n'),
    );
  });
});

describe('the fixtures, as a terminal shows them', () => {
  const cases = [
    { name: 'manifests', cwd: () => ROOT, paths: ['fixtures/manifests'], env: undefined },
    { name: 'pod-security', cwd: podSecurityManifests, paths: ['pod-security'], env: 'baseline' },
  ];
  for (const { name, cwd, paths, env } of cases) {
    for (const width of [80, 120]) {
      it(`${name} at ${width} columns`, { timeout: 60_000 }, async () => {
        const dir = cwd();
        const report = await lintFixtures(paths, dir, env);
        expect(report.findings.length).toBeGreaterThan(3);
        const out = formats.text(report, { color: false, failOn: 'deny', cwd: dir, width });
        // Every finding opens a line with its path:line:col.
        for (const f of report.findings) expect(out).toMatch(new RegExp(`^${f.file.replace(/[.]/g, '\\.')}:${f.line}:${f.column}: `, 'm'));
        // No line is wider than the terminal unless one word alone is.
        for (const line of out.split('\n')) {
          if (columns(line) > width) expect(line.trim().split(' ').some((w) => columns(w) > width - 8), line).toBe(true);
        }
        await expect(out).toMatchFileSnapshot(`./__snapshots__/text-format/${name}-${width}.txt`);
      });
    }
  }
});

describe('offgate lint, text', () => {
  it('opens findings with path:line:col relative to the working directory, wraps at 80 off a terminal, COLUMNS wider', () => {
    const dir = workspace({ 'deploy.yaml': DEPLOYMENT });
    const narrow = cli(['deploy.yaml'], dir);
    expect(narrow.code).toBe(1);
    const lines = narrow.stdout.split('\n');
    expect(lines[0]).toMatch(/^deploy\.yaml:13:7: deny Deployment shop\/web: /);
    expect(Math.max(...lines.map(columns))).toBeLessThanOrEqual(80);
    expect(narrow.stdout).toContain('\n    '); // wrapped, with a hanging indent

    const wide = cli([join(dir, 'deploy.yaml')], dir, { COLUMNS: '1000' });
    expect(wide.stdout.split('\n')[0]).toMatch(/^deploy\.yaml:13:7: deny Deployment shop\/web: .* \[K8sPSPHostNetworkingPorts\/offgate-baseline-host-network-ports\]$/);
    expect(unwrapped(narrow.stdout)).toBe(wide.stdout);
  });

  it('input errors are path:line:col: error: …', () => {
    const dir = workspace({ 'bad.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: [a\n', 'deploy.yaml': DEPLOYMENT });
    const r = cli(['bad.yaml', 'deploy.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^bad\.yaml:\d+:\d+: error: \S/m);
    expect(r.stdout).toContain('\n1 input error: not everything could be checked\n');
  });

  it('--quiet prints the summary only, with the same exit code', () => {
    const dir = workspace({ 'deploy.yaml': DEPLOYMENT, 'pod.yaml': POD });
    const full = cli(['deploy.yaml', 'pod.yaml'], dir);
    const quiet = cli(['--quiet', 'deploy.yaml', 'pod.yaml'], dir);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).not.toMatch(/\.yaml:\d+:\d+:/);
    expect(full.stdout.endsWith(quiet.stdout)).toBe(true);
    expect(quiet.stdout).toMatch(/^ {2}constraint kind +findings\n/);
    expect(quiet.stdout).toContain('1 workload and 1 object would be rejected (4 findings)\nchecked 2 objects in 2 files\n');
    expect(cli(['-q', 'pod.yaml'], dir).stdout).toBe(['  constraint kind      findings', '  K8sPSPHostNamespace  1 denied', '', '1 object would be rejected (1 finding)', 'checked 1 object in 1 file', 'constraints: bundled baseline preset (no offgate.yaml)', ''].join('\n'));
  });

  it('prints no progress line when standard error is not a terminal', () => {
    const dir = workspace({ 'deploy.yaml': DEPLOYMENT });
    const r = cli(['deploy.yaml'], dir, { CI: '' });
    expect(r.stderr).toBe('');
  });
});

describe('the progress line', () => {
  function fakeClock() {
    let t = 0;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  }

  it('shows nothing before the delay; then one line redrawn in place, erased at the end', () => {
    const clock = fakeClock();
    const out: string[] = [];
    const p = startProgress({ write: (s) => out.push(s), isTTY: true, env: {}, now: clock.now, delayMs: 2000 });
    p.update('checking 3 files');
    clock.advance(1999);
    p.update('checking 3 files');
    expect(out).toEqual([]);
    clock.advance(1);
    p.update('checking 40 files');
    expect(out).toEqual(['\r\x1b[Koffgate: checking 40 files… 2s']);
    p.done();
    expect(out.at(-1)).toBe('\r\x1b[K');
  });

  it('a short run leaves nothing on standard error', () => {
    const out: string[] = [];
    const p = startProgress({ write: (s) => out.push(s), isTTY: true, env: {} });
    p.update('checking 1 file');
    p.done();
    expect(out).toEqual([]);
  });

  it('never in CI or off a terminal', () => {
    const clock = fakeClock();
    for (const ctx of [{ isTTY: false, env: {} }, { isTTY: true, env: { CI: 'true' } }]) {
      const out: string[] = [];
      const p = startProgress({ write: (s) => out.push(s), ...ctx, now: clock.now, delayMs: 0 });
      clock.advance(5000);
      p.update('checking');
      p.done();
      expect(out).toEqual([]);
    }
  });

  it('a lint that waits over 2 s for its input shows it on a terminal, and erases it before the report', async () => {
    const dir = workspace({});
    // `helm template … | offgate lint -`, with a slow helm: the document arrives after 2.5 s.
    const stdin = new Readable({ read() {} });
    setTimeout(() => {
      stdin.push(POD);
      stdin.push(null);
    }, 2500);
    const stderr: string[] = [];
    const stdout: string[] = [];
    const io: Io = { stdout: (s) => stdout.push(s), stderr: (s) => stderr.push(s), stdin, isTTY: true, stderrIsTTY: true, env: {} };
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await runLint(['-'], { color: false }, io)).toBe(1);
    } finally {
      process.chdir(cwd);
    }
    expect(stderr.join('')).toMatch(/^\r\x1b\[Koffgate: reading the inputs… 2s/);
    expect(stderr.at(-1)).toBe('\r\x1b[K');
    expect(stdout.join('')).toContain('-:7:3: deny Pod shop/debug:');
  }, 20_000);
});
