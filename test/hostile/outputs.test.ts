// Hostile and careless outputs (issue 11, "Outputs" and the text part of "No leaks"): a
// reader that stops early, a full disk, report files from earlier runs, an offgate that
// breaks unexpectedly, and names in the linted files that try to start lines of their own
// (a line beginning `::error` is a GitHub workflow command). Every case runs the built
// CLI and asserts the verdict and the exit code, and that the other file's finding survives.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it, vi } from 'vitest';
import { parseLimits, runLint } from '../../src/cli/lint-command';
import { lint, type LintOptions } from '../../src/lint/lint';
import { summarize } from '../../src/report/summary';
import { offgate } from '../helpers/cli';
import { unwrapped } from '../helpers/text';

// runLint's call of lint(), recorded (the CLI cases below run the real one in a child process).
vi.mock('../../src/lint/lint', () => ({
  lint: vi.fn(async (_opts: LintOptions) => ({
    report: { version: '0', sources: [], findings: [], errors: [], warnings: [], summary: summarize({ findings: [], errors: [], files: 1, objects: 1 }) },
  })),
}));

const ROOT = join(__dirname, '../..');
const BIN = join(ROOT, 'bin/offgate.js');

/** A pod the baseline preset denies (privileged), named `name`, its container `container`. */
function privilegedPod(name: string, container = 'app'): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop' },
    spec: { containers: [{ name: container, image: 'nginx', securityContext: { privileged: true } }] },
  });
}

const CLEAN_POD = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fine', namespace: 'shop' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-outputs-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/**
 * Runs offgate with its standard output into a pipe whose reader has already closed its
 * end (as `| head -1` does once it has its line): every write fails with EPIPE.
 */
function intoClosedPipe(args: string[], cwd = ROOT): { code: number; stderr: string } {
  const quoted = [BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `"${process.execPath}" ${quoted} 2>"$ERR" | (exec 0<&-; sleep 0.3); echo "\${PIPESTATUS[0]}"`;
  const err = join(mkdtempSync(join(tmpdir(), 'offgate-pipe-')), 'stderr');
  const r = spawnSync('bash', ['-c', script], { cwd, encoding: 'utf8', env: { ...process.env, ERR: err, NO_COLOR: '1' } });
  return { code: Number(r.stdout.trim()), stderr: readFileSync(err, 'utf8') };
}

describe('a reader that stops early (| head -1)', () => {
  it('lint ends quietly with its own exit code: 0 when clean, 1 when denied', () => {
    const dir = workspace({ 'clean.json': CLEAN_POD, 'bad.json': privilegedPod('bad') });
    expect(intoClosedPipe(['lint', '--env', 'baseline', join(dir, 'clean.json')])).toEqual({ code: 0, stderr: '' });
    expect(intoClosedPipe(['lint', '--env', 'baseline', dir])).toEqual({ code: 1, stderr: '' });
    expect(intoClosedPipe(['lint', '--env', 'baseline', '-o', 'sarif', dir])).toEqual({ code: 1, stderr: '' });
  }, 30_000);

  it('export, help and version end quietly with exit code 0', () => {
    expect(intoClosedPipe(['export', 'templates'])).toEqual({ code: 0, stderr: '' });
    expect(intoClosedPipe(['--help'])).toEqual({ code: 0, stderr: '' });
    expect(intoClosedPipe(['version'])).toEqual({ code: 0, stderr: '' });
  }, 30_000);

  it('verify keeps its own exit code; its own "Error: FAIL" still reaches stderr', () => {
    expect(intoClosedPipe(['verify', 'test/suites/passing'])).toEqual({ code: 0, stderr: '' });
    expect(intoClosedPipe(['verify', 'test/suites/failing'])).toEqual({ code: 1, stderr: 'Error: FAIL\n' });
  }, 30_000);
});

describe('a full disk', () => {
  it.skipIf(!existsSync('/dev/full'))('standard output: one line, exit 2, even for a clean run', () => {
    const dir = workspace({ 'clean.json': CLEAN_POD });
    for (const args of [['lint', '--env', 'baseline', join(dir, 'clean.json')], ['export', 'templates'], ['version']]) {
      const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" ${args.join(' ')} >/dev/full`], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('offgate: cannot write standard output: no space left on device\n');
    }
  }, 30_000);

  it.skipIf(!existsSync('/dev/full'))('--output-file: one line naming the file, exit 2; the device is written, not replaced', () => {
    const dir = workspace({ 'bad.json': privilegedPod('bad') });
    const r = offgate(['lint', '--env', 'baseline', '-o', 'sarif', '--output-file', '/dev/full', dir]);
    expect(r).toMatchObject({ code: 2, stderr: 'offgate: cannot write /dev/full: no space left on device\n' });
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  it.skipIf(!existsSync('/dev/full'))('compile --output-file and export --output-dir: one line naming the file, exit 2', () => {
    const template = join(ROOT, 'fixtures/templates/privileged-containers.yaml');
    expect(offgate(['compile', template, '--output-file', '/dev/full'])).toMatchObject({ code: 2, stdout: '', stderr: 'offgate: cannot write /dev/full: no space left on device\n' });
    const dir = workspace({ 'a-file': 'not a folder' });
    expect(offgate(['export', 'templates', '--output-dir', join(dir, 'a-file/templates')])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `offgate: cannot create ${join(dir, 'a-file/templates')}: not a directory\n`,
    });
  }, 30_000);

  it('a report file that cannot be created: one line, exit 2, no stack', () => {
    const dir = workspace({ 'bad.json': privilegedPod('bad') });
    const r = offgate(['lint', '--env', 'baseline', '--output-file', join(dir, 'missing/report.txt'), dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`offgate: cannot write ${join(dir, 'missing/report.txt')}: no such file or directory\n`);
  });
});

describe('report files', () => {
  it('are replaced whole (renamed onto), with nothing left beside them', () => {
    const dir = workspace({ 'bad.json': privilegedPod('bad'), 'good.json': CLEAN_POD });
    const report = join(dir, 'out/report.sarif');
    mkdirSync(join(dir, 'out'));
    writeFileSync(report, 'an earlier report');
    const before = statSync(report).ino;
    const r = offgate(['lint', '--env', 'baseline', '-o', 'sarif', '--output-file', report, join(dir, 'bad.json'), join(dir, 'good.json')]);
    expect(r).toMatchObject({ code: 1, stderr: '' });
    expect(r.stdout).not.toBe(''); // the text summary: a CI log shows the verdict
    expect(r.stdout).not.toContain('"runs"');
    const sarif = JSON.parse(readFileSync(report, 'utf8'));
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toEqual(['K8sPSPPrivilegedContainer']);
    expect(statSync(report).ino).not.toBe(before);
    expect(readdirSync(join(dir, 'out'))).toEqual(['report.sarif']);
  });

  it('an earlier clean report is removed when a run fails before writing, and none is created', () => {
    const dir = workspace({ 'bad.json': privilegedPod('bad') });
    const report = join(dir, 'report.json');
    const failures: [string[], RegExp][] = [
      [['--env', 'nonesuch'], /^offgate: unknown environment "nonesuch"/],
      [['--config', join(dir, 'missing.yaml')], /^offgate: .*missing\.yaml/],
      [['--fail-on', 'never'], /^offgate: --fail-on never: must be deny, warn or none\n$/],
      [['--timeout', 'soon'], /^offgate: --timeout soon: must be a number of seconds/],
      [['--max-file-size', '-1'], /^offgate: --max-file-size -1: must be a size/],
      [['--gatekeeper-namespace', 'Gatekeeper System'], /^offgate: --gatekeeper-namespace Gatekeeper System: not a namespace name/],
      [['--no-such-option'], /^error: unknown option '--no-such-option'\n$/],
    ];
    for (const [args, stderr] of failures) {
      // An earlier run's report says clean; this run must not leave it to speak for it.
      writeFileSync(report, '{"results": [], "summary": {"errors": 0}}\n');
      const r = offgate(['lint', '-o', 'json', '--output-file', report, ...args, dir]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(stderr);
      expect(existsSync(report), args.join(' ')).toBe(false);
      // And a failing run with no earlier report creates none.
      expect(offgate(['lint', '-o', 'json', '--output-file', report, ...args, dir]).code).toBe(2);
      expect(existsSync(report)).toBe(false);
    }
  }, 60_000);
});

describe('new lint options', () => {
  it('accept good values: the run lints as usual', () => {
    const dir = workspace({ 'bad.json': privilegedPod('bad'), 'good.json': CLEAN_POD });
    const r = offgate(['lint', '--env', 'baseline', '--timeout', '2.5', '--max-file-size', '10MB', '--gatekeeper-namespace', 'policy-system', '-o', 'json', dir]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).summary).toMatchObject({ files: 2, objects: 2, byAction: { deny: 1 } });
  });

  it('reach lint() as timeoutMs, maxFileSize and gatekeeperNamespace, with their defaults', async () => {
    const io = { stdout: () => undefined, stderr: () => undefined, isTTY: false, env: {} };
    await runLint(['x.yaml'], {}, io);
    expect(vi.mocked(lint).mock.lastCall![0]).toMatchObject({ paths: ['x.yaml'], timeoutMs: 30_000, maxFileSize: 64 * 1024 * 1024, gatekeeperNamespace: 'gatekeeper-system' });
    await runLint(['x.yaml'], { timeout: '2.5', maxFileSize: '10MB', gatekeeperNamespace: 'policy' }, io);
    expect(vi.mocked(lint).mock.lastCall![0]).toMatchObject({ timeoutMs: 2500, maxFileSize: 10_000_000, gatekeeperNamespace: 'policy' });
  });

  it('read sizes as people write them', () => {
    const size = (maxFileSize: string) => parseLimits({ maxFileSize }).maxFileSize;
    expect([size('1024'), size('10k'), size('10KiB'), size('64MiB'), size('64mi'), size('10MB'), size('1.5Gi'), size('2gb')]).toEqual([
      1024, 10_000, 10_240, 64 * 2 ** 20, 64 * 2 ** 20, 10_000_000, 1.5 * 2 ** 30, 2_000_000_000,
    ]);
  });

  it('refuse bad values with one line and exit 2', () => {
    for (const [option, value] of [
      ['--timeout', '0'],
      ['--timeout', '-3'],
      ['--timeout', '1e3'],
      ['--timeout', '9999999999'],
      ['--max-file-size', '0'],
      ['--max-file-size', '10 parsecs'],
      ['--gatekeeper-namespace', 'a'.repeat(64)],
      ['--gatekeeper-namespace', '-system'],
    ]) {
      const r = offgate(['lint', option!, value!, 'x.yaml']);
      expect(r.code, `${option} ${value}`).toBe(2);
      expect(r.stderr.split('\n')).toEqual([expect.stringMatching(new RegExp(`^offgate: ${option} `)), '']);
      expect(r.stdout).toBe('');
    }
  }, 60_000);

  it('OFFGATE_CACHE_MAX_SIZE that is no size is a usage error', () => {
    const dir = workspace({ 'good.json': CLEAN_POD });
    const r = spawnSync(process.execPath, [BIN, 'lint', '--env', 'baseline', dir], { encoding: 'utf8', env: { ...process.env, OFFGATE_CACHE_MAX_SIZE: 'lots' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('offgate: OFFGATE_CACHE_MAX_SIZE=lots: not a size (e.g. 256MiB, 1GB or a number of bytes)\n');
  });
});

describe('an unexpected internal error', () => {
  /** The bundle without the package around it (a broken install): offgate cannot find its templates. */
  function brokenInstall(): string {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-broken-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist'));
    copyFileSync(BIN, join(dir, 'bin/offgate.js'));
    copyFileSync(join(ROOT, 'dist/offgate.cjs'), join(dir, 'dist/offgate.cjs'));
    writeFileSync(join(dir, 'pod.json'), CLEAN_POD);
    return dir;
  }

  it('is one line and exit 2; the stack only with OFFGATE_DEBUG=1', () => {
    const dir = brokenInstall();
    const run = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [join(dir, 'bin/offgate.js'), 'lint', join(dir, 'pod.json')], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
    const plain = run({ OFFGATE_DEBUG: '' });
    expect(plain.status).toBe(2);
    expect(plain.stderr).toMatch(/^offgate: internal error: cannot find the package root \(package\.json\) \(OFFGATE_DEBUG=1 shows where\)\n$/);
    const debug = run({ OFFGATE_DEBUG: '1' });
    expect(debug.status).toBe(2);
    expect(debug.stderr).toMatch(/^offgate: internal error: Error: .*cannot find the package root[^]*\n    at /);
  });

  it('a bundle that does not load is one line and exit 2 as well', () => {
    const dir = brokenInstall();
    writeFileSync(join(dir, 'dist/offgate.cjs'), 'this is not JavaScript(');
    const r = spawnSync(process.execPath, [join(dir, 'bin/offgate.js'), 'version'], { encoding: 'utf8', env: { ...process.env, OFFGATE_DEBUG: '' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^offgate: internal error: [^\n]+ \(OFFGATE_DEBUG=1 shows where\)\n$/);
  });
});

describe('text from the inputs stays on its line', () => {
  // A Pod and a container whose names try to start GitHub workflow commands, with a
  // carriage return, a terminal escape, NEL, a line separator, NUL and a lone surrogate.
  const EVIL = 'x\n::error file=a.yaml::pwned\r::warning::pwned\x1b[2J\x85\u2028\x00\ud800::notice::pwned';

  function hostileWorkspace(): string {
    return workspace({ 'evil.json': privilegedPod(`p${EVIL}`, `c${EVIL}`), 'other.json': privilegedPod('other') });
  }

  /** Lines an Actions runner would take as commands: `::` after leading whitespace. */
  const commandLines = (out: string) => out.split(/\r\n|\n|\r/).filter((l) => l.trimStart().startsWith('::'));

  it('text: no line from a name; both files denied, exit 1', () => {
    const dir = hostileWorkspace();
    const r = offgate(['lint', '--env', 'baseline', dir]);
    expect(r.code).toBe(1);
    expect(commandLines(r.stdout)).toEqual([]);
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028]/);
    expect(unwrapped(r.stdout)).toContain('Pod shop/px\\n::error file=a.yaml::pwned\\r::warning::pwned\\x1b[2J\\x85\\u{2028}\\x00');
    expect(unwrapped(r.stdout)).toContain('Pod shop/other: container app runs privileged');
    expect(r.stdout).toContain('\n2 objects would be rejected (2 findings)\nchecked 2 objects in 2 files\n');
  });

  it('github: one command per finding, the names escaped inside them', () => {
    const dir = hostileWorkspace();
    const r = offgate(['lint', '--env', 'baseline', '-o', 'github', dir], { cwd: dir });
    expect(r.code).toBe(1);
    const commands = commandLines(r.stdout);
    expect(commands).toHaveLength(2);
    expect(commands.every((l) => l.startsWith('::error file='))).toBe(true);
    expect(commands.find((l) => l.startsWith('::error file=evil.json'))).toContain('Pod shop/px%0A::error file=a.yaml::pwned%0D::warning::pwned\\x1b[2J\\x85\\u{2028}\\x00');
    expect(commands.find((l) => l.startsWith('::error file=other.json'))).toContain('Pod shop/other: container app runs privileged');
  });

  it('junit: valid XML 1.0 holding the names, no line from a name', () => {
    const dir = hostileWorkspace();
    const r = offgate(['lint', '--env', 'baseline', '-o', 'junit', dir]);
    expect(r.code).toBe(1);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    // XML 1.0 Char: tab, newline, carriage return, and from U+0020 on, without surrogates or U+FFFE/U+FFFF.
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(commandLines(r.stdout)).toEqual([]);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true, isArray: (n) => n === 'testsuite' || n === 'testcase' }).parse(r.stdout);
    const failures = doc.testsuites.testsuite.flatMap((s: { testcase: { failure?: { message: string } }[] }) => s.testcase).filter((c: { failure?: unknown }) => c.failure);
    expect(failures).toHaveLength(2);
    expect(failures.map((c: { failure: { message: string } }) => c.failure.message).join('\n')).toContain('Pod shop/px\n::error file=a.yaml::pwned');
  });

  it('sarif: valid JSON carrying the names exactly', () => {
    const dir = hostileWorkspace();
    const r = offgate(['lint', '--env', 'baseline', '-o', 'sarif', dir]);
    expect(r.code).toBe(1);
    expect(commandLines(r.stdout)).toEqual([]);
    const results = JSON.parse(r.stdout).runs[0].results as { message: { text: string }; properties: { object: { name: string } } }[];
    expect(results.map((x) => x.properties.object.name).sort()).toEqual(['other', `p${EVIL}`]);
  });

  it('a file name with a newline: one line in text, escaped in github', () => {
    const dir = workspace({ 'a\n::error::pwned.json': privilegedPod('bad'), 'other.json': privilegedPod('other') });
    const text = offgate(['lint', '--env', 'baseline', dir]);
    expect(text.code).toBe(1);
    expect(commandLines(text.stdout)).toEqual([]);
    expect(text.stdout).toContain('a\\n::error::pwned.json');
    const github = offgate(['lint', '--env', 'baseline', '-o', 'github', dir], { cwd: dir });
    expect(commandLines(github.stdout).map((l) => l.slice(0, l.indexOf(',')))).toEqual(['::error file=a%0A%3A%3Aerror%3A%3Apwned.json', '::error file=other.json']);
  });

  it('verify: test and case names from a suite stay on their lines; the failing case still fails the run', () => {
    const passing = join(ROOT, 'test/suites/passing');
    const dir = workspace({
      'template.yaml': readFileSync(join(passing, 'template.yaml'), 'utf8'),
      'constraint.yaml': readFileSync(join(passing, 'constraint.yaml'), 'utf8'),
      'pod-bad.yaml': readFileSync(join(passing, 'samples/pod-bad.yaml'), 'utf8'),
      'pod-good.yaml': readFileSync(join(passing, 'samples/pod-good.yaml'), 'utf8'),
      'suite.yaml': [
        'apiVersion: test.gatekeeper.sh/v1alpha1',
        'kind: Suite',
        'tests:',
        '- name: "t\\n::error::pwned"',
        '  template: template.yaml',
        '  constraint: constraint.yaml',
        '  cases:',
        '  - name: "c\\n::error::pwned\\r::warning::x"',
        '    object: pod-bad.yaml',
        '    assertions:',
        '    - violations: no',
        '  - name: good',
        '    object: pod-good.yaml',
        '    assertions:',
        '    - violations: no',
        '',
      ].join('\n'),
    });
    const r = offgate(['verify', '-v', dir]);
    expect(r.code).toBe(1);
    expect(commandLines(r.stdout)).toEqual([]);
    expect(r.stdout).toContain('=== RUN   t\\n::error::pwned\n');
    expect(r.stdout).toContain('    --- FAIL: c\\n::error::pwned\\r::warning::x\t(');
    expect(r.stdout).toContain('    --- PASS: good\t(');
    expect(r.stdout).toContain('1 passed, 1 failed\n');
  });

  it('stderr too: a usage error quoting the command line stays on one line', () => {
    const r = offgate(['lint', '--timeout', '1\n::error::pwned', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('offgate: --timeout 1\\n::error::pwned: must be a number of seconds greater than 0 (e.g. 30 or 2.5)\n');
  });
});
