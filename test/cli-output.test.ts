// Issue 16, items 3 and 4 (the CLI's part): several reports in one run (`-o FORMAT[=FILE]`,
// repeatable; `--output-file` for one format, with the text summary still on standard
// output), `--fail-on none`, a single-valued option given twice is a usage error in every
// command, one name for one thing (`compile --output-file`, `export --output-dir`), and the
// Action's `output` and `fail-on: none`. Run through the built CLI, on a repository laid out
// as real ones are.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { outputTargets, reportFiles, summaryOnStdout } from '../src/cli/output-plan';
import { UsageError } from '../src/cli/errors';
import { offgate } from './helpers/cli';

const ROOT = join(__dirname, '..');

const DEPLOYMENT = `# The shop's web front end.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            privileged: true
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
    - port: 80
`;

const WORKFLOW = `name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
`;

/** A repository: manifests under k8s/, a workflow that is skipped, nothing else. */
function repository(extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-cli-output-'));
  const files = { 'k8s/web/deployment.yaml': DEPLOYMENT, 'k8s/web/service.yaml': SERVICE, '.github/workflows/ci.yaml': WORKFLOW, ...extra };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const lint = (cwd: string, ...args: string[]) => offgate(['lint', '--env', 'baseline', ...args, 'k8s/'], { cwd });

describe('outputTargets', () => {
  it('reads FORMAT and FORMAT=FILE; text on standard output by default', () => {
    expect(outputTargets({})).toEqual([{ format: 'text', spec: 'text' }]);
    expect(outputTargets({ output: ['text', 'SARIF=out/offgate.sarif', 'junit=a=b.xml'] })).toEqual([
      { format: 'text', spec: 'text', file: undefined },
      { format: 'sarif', spec: 'SARIF=out/offgate.sarif', file: 'out/offgate.sarif' },
      { format: 'junit', spec: 'junit=a=b.xml', file: 'a=b.xml' },
    ]);
    expect(outputTargets({ output: ['json'], outputFile: 'r.json' })).toEqual([{ format: 'json', spec: 'json', file: 'r.json' }]);
    expect(outputTargets({ outputFile: 'r.txt' })).toEqual([{ format: 'text', spec: 'text', file: 'r.txt' }]);
  });

  it.each([
    [{ output: ['xml'] }, '-o xml: unknown format (one of text, json, sarif, junit, github, markdown)'],
    [{ output: ['offgate.sarif'] }, '-o offgate.sarif: unknown format (one of text, json, sarif, junit, github, markdown); to write a file: -o FORMAT=offgate.sarif'],
    [{ output: ['sarif='] }, '-o sarif=: name a file after = (or leave out =FILE for standard output)'],
    [{ output: ['json', 'sarif'] }, '-o json and -o sarif both write to standard output: give all but one a file (-o sarif=FILE)'],
    [{ output: ['json=r', 'sarif=./r'] }, '-o json=r and -o sarif=./r write the same file ./r: give each report a file of its own'],
    [{ output: ['json', 'sarif=s'], outputFile: 'r' }, '--output-file goes with one -o FORMAT; with several, name each one\'s file: -o FORMAT=FILE'],
    [{ output: ['json=a'], outputFile: 'r' }, '-o json=a names its file already: leave out --output-file'],
  ])('%j is a usage error', (opts, message) => {
    expect(() => outputTargets(opts)).toThrow(new UsageError(message));
  });

  it('names every report file, even of options that are wrong, and says when the summary goes to stdout', () => {
    expect(reportFiles({ output: ['text', 'sarif=a.sarif', 'xml=b', 'json='], outputFile: 'c' })).toEqual(['a.sarif', 'b', 'c']);
    expect(summaryOnStdout(outputTargets({ output: ['sarif=a', 'junit=b'] }))).toBe(true);
    expect(summaryOnStdout(outputTargets({ output: ['github', 'sarif=a'] }))).toBe(false);
  });
});

describe('several reports in one run', () => {
  it('-o text -o sarif=offgate.sarif -o junit=offgate.xml: the text on stdout, each file as its format alone prints it', () => {
    const cwd = repository();
    mkdirSync(join(cwd, 'reports'));
    const r = lint(cwd, '-o', 'text', '-o', 'sarif=offgate.sarif', '-o', 'junit=reports/offgate.xml', '-o', 'json=offgate.json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(lint(cwd).stdout);
    expect(r.stdout).toContain('K8sPSPPrivilegedContainer');
    // One report, rendered per format: identical to one run per format.
    expect(readFileSync(join(cwd, 'offgate.sarif'), 'utf8')).toBe(lint(cwd, '-o', 'sarif').stdout);
    expect(readFileSync(join(cwd, 'offgate.json'), 'utf8')).toBe(lint(cwd, '-o', 'json').stdout);
    const junit = readFileSync(join(cwd, 'reports/offgate.xml'), 'utf8');
    expect(XMLValidator.validate(junit)).toBe(true);
    expect(junit).toBe(lint(cwd, '-o', 'junit').stdout);
    expect(JSON.parse(readFileSync(join(cwd, 'offgate.sarif'), 'utf8')).runs[0].results).toHaveLength(1);
  }, 60_000);

  it('every report to a file: standard output still shows the text summary (what --quiet prints)', () => {
    const cwd = repository();
    const r = lint(cwd, '-o', 'sarif=offgate.sarif', '-o', 'junit=offgate.xml');
    expect(r.code).toBe(1);
    const text = lint(cwd).stdout;
    expect(r.stdout).not.toBe('');
    expect(text.endsWith(`\n\n${r.stdout}`)).toBe(true);
    // What --quiet prints: the summary, none of the findings.
    expect(r.stdout).toBe(lint(cwd, '--quiet').stdout);
    expect(r.stdout).not.toContain('deployment.yaml');
    expect(existsSync(join(cwd, 'offgate.sarif')) && existsSync(join(cwd, 'offgate.xml'))).toBe(true);
  }, 60_000);

  it('--output-file keeps working for one format, and the summary goes to stdout', () => {
    const cwd = repository();
    const r = lint(cwd, '-o', 'sarif', '--output-file', 'offgate.sarif');
    expect(r.code).toBe(1);
    expect(lint(cwd).stdout.endsWith(`\n\n${r.stdout}`)).toBe(true);
    expect(JSON.parse(readFileSync(join(cwd, 'offgate.sarif'), 'utf8')).runs[0].results).toHaveLength(1);
    // The text format to a file is plain, even under FORCE_COLOR; the summary on stdout follows the terminal rules.
    const plain = spawnSync(process.execPath, [join(ROOT, 'bin/offgate.js'), 'lint', '--env', 'baseline', '-o', 'text=report.txt', 'k8s/'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(plain.status).toBe(1);
    expect(plain.stdout).toMatch(/\x1b\[/);
    expect(readFileSync(join(cwd, 'report.txt'), 'utf8')).not.toMatch(/\x1b\[/);
  }, 60_000);

  it.each([
    [['-o', 'json', '-o', 'sarif'], 'offgate: -o json and -o sarif both write to standard output: give all but one a file (-o sarif=FILE)\n'],
    [['-o', 'json=r.json', '-o', 'sarif=r.json'], 'offgate: -o json=r.json and -o sarif=r.json write the same file r.json: give each report a file of its own\n'],
    [['-o', 'json', '-o', 'sarif=s.sarif', '--output-file', 'r.json'], "offgate: --output-file goes with one -o FORMAT; with several, name each one's file: -o FORMAT=FILE\n"],
    [['-o', 'report.sarif'], 'offgate: -o report.sarif: unknown format (one of text, json, sarif, junit, github, markdown); to write a file: -o FORMAT=report.sarif\n'],
  ])('%j: a usage error, exit 2, nothing written', (args, stderr) => {
    const cwd = repository();
    const r = lint(cwd, ...args);
    expect(r).toMatchObject({ code: 2, stdout: '', stderr });
    expect(readdirSync(cwd).sort()).toEqual(['.github', 'k8s']);
  });

  it('a run that fails removes the earlier reports of every FILE it names', () => {
    const cwd = repository();
    for (const args of [['--env', 'nonesuch'], ['--fail-on', 'never'], ['--no-such-option'], ['--timeout', '1', '--timeout', '2']]) {
      for (const f of ['old.sarif', 'old.xml', 'old.json']) writeFileSync(join(cwd, f), 'an earlier, clean report');
      const r = offgate(['lint', '-o', 'sarif=old.sarif', '-o', 'junit=old.xml', '-o', 'json', '--output-file', 'old.json', ...args, 'k8s/'], { cwd });
      expect(r.code, args.join(' ')).toBe(2);
      expect(['old.sarif', 'old.xml', 'old.json'].filter((f) => existsSync(join(cwd, f))), args.join(' ')).toEqual([]);
    }
  }, 60_000);
});

describe('--fail-on', () => {
  it('none: findings never fail the run; the reports still say what the cluster would do', () => {
    const cwd = repository();
    const r = lint(cwd, '--fail-on', 'none', '-o', 'github');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^::error file=k8s\/web\/deployment\.yaml,line=19,/m);
    const json = lint(cwd, '--fail-on', 'none', '-o', 'json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).summary.byAction).toEqual({ deny: 1 });
  }, 60_000);

  it('none: input errors still exit 2', () => {
    const cwd = repository({ 'k8s/broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: [\n' });
    const r = lint(cwd, '--fail-on', 'none');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('k8s/broken.yaml');
  });

  it('deny and warn as before; anything else is a usage error naming the three', () => {
    const cwd = repository();
    expect(lint(cwd, '--fail-on', 'deny').code).toBe(1);
    expect(lint(cwd, '--fail-on', 'warn').code).toBe(1);
    expect(lint(cwd, '--fail-on', 'never')).toMatchObject({ code: 2, stderr: 'offgate: --fail-on never: must be deny, warn or none\n' });
  }, 60_000);
});

describe('an option given twice', () => {
  it.each([
    [['lint', '--env', 'baseline', '--env', 'restricted', 'k8s/'], 'offgate: --env given twice (baseline, then restricted): give it once\n'],
    [['lint', '--config', 'a.yaml', '--config=b.yaml', 'k8s/'], 'offgate: --config given twice (a.yaml, then b.yaml): give it once\n'],
    [['lint', '--fail-on', 'warn', '--fail-on', 'deny', 'k8s/'], 'offgate: --fail-on given twice (warn, then deny): give it once\n'],
    [['lint', '--timeout=5', '--timeout', '5', 'k8s/'], 'offgate: --timeout given twice (5, then 5): give it once\n'],
    [['lint', '--output-file', 'a', '--output-file', 'b', 'k8s/'], 'offgate: --output-file given twice (a, then b): give it once\n'],
    [['lint', '--kustomize', 'never', '--kustomize', 'auto', 'k8s/'], 'offgate: --kustomize given twice (never, then auto): give it once\n'],
    [['compile', 't.yaml', '--output-file', 'a.wasm', '--output-file', 'b.wasm'], 'offgate: --output-file given twice (a.wasm, then b.wasm): give it once\n'],
    [['compile', 't.yaml', '--rego-version', 'v0', '--rego-version', 'v1', '--output-file', 'a.wasm'], 'offgate: --rego-version given twice (v0, then v1): give it once\n'],
    [['export', 'templates', '--output-dir', 'a', '--output-dir', 'b'], 'offgate: --output-dir given twice (a, then b): give it once\n'],
    [['verify', '--run', 'a', '--run', 'b', 'suites/'], 'offgate: --run given twice (a, then b): give it once\n'],
  ])('%j: a usage error naming it, exit 2', (args, stderr) => {
    const cwd = repository();
    expect(offgate(args, { cwd })).toMatchObject({ code: 2, stdout: '', stderr });
  });

  it('repeatable options repeat; a default does not count as given', () => {
    const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
    const cwd = repository({ 'policy-a/shop.yaml': namespace('shop'), 'policy-b/tools.yaml': namespace('tools') });
    const r = offgate(['lint', '--env', 'baseline', '--policy', 'policy-a', '--policy', 'policy-b', '--exclude', 'k8s/web/service.yaml', '--exclude', 'nothing/', '-o', 'json', '-o', 'sarif=s.sarif', '--fail-on', 'deny', '--timeout', '30', 'k8s/'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).summary.files).toBe(1);
  });
});

describe('one name for one thing', () => {
  const template = join(ROOT, 'fixtures/templates/privileged-containers.yaml');

  it('compile writes --output-file; -o says it is an output format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-compile-'));
    expect(offgate(['compile', template, '--output-file', join(dir, 'p.wasm')])).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(join(dir, 'p.wasm')).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    const o = offgate(['compile', template, '-o', join(dir, 'q.wasm')]);
    expect(o).toMatchObject({ code: 2, stdout: '' });
    expect(o.stderr).toBe(`offgate: compile: -o is an output format; use --output-file FILE (--output-file ${join(dir, 'q.wasm')})\n`);
    expect(existsSync(join(dir, 'q.wasm'))).toBe(false);
    expect(offgate(['compile', template])).toMatchObject({ code: 2, stderr: 'offgate: compile: name the module to write: --output-file FILE (e.g. --output-file policy.wasm)\n' });
    expect(offgate(['compile', '--help']).stdout).toContain('--output-file <file>');
    expect(offgate(['compile', '--help']).stdout).not.toMatch(/-o, --output/);
  });

  it('export writes --output-dir; --out still works, and both at once is an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-export-'));
    const a = offgate(['export', 'templates', '--output-dir', join(dir, 'a')]);
    expect(a).toMatchObject({ code: 0, stdout: `wrote 19 ConstraintTemplates to ${join(dir, 'a')}\n` });
    const b = offgate(['export', 'templates', '--out', join(dir, 'b')]);
    expect(b.code).toBe(0);
    expect(readdirSync(join(dir, 'b'))).toEqual(readdirSync(join(dir, 'a')));
    expect(offgate(['export', 'templates', '--out', join(dir, 'c'), '--output-dir', join(dir, 'd')])).toMatchObject({ code: 2, stderr: 'offgate: --out is the old name of --output-dir: give one of them\n' });
    expect(offgate(['export', '--help']).stdout).not.toContain('--out ');
  });

  it('completion offers --output-dir and --output-file, not the hidden old names, and none for --fail-on', () => {
    const bash = offgate(['completion', 'bash']).stdout;
    expect(bash).toContain('--output-dir');
    expect(bash).not.toMatch(/ --out[ "|]/);
    expect(bash).toContain('compgen -W "deny warn none"');
  });
});

describe('the Action', () => {
  const ENTRY = join(ROOT, 'dist/action.cjs');
  function runAction(cwd: string, inputs: Record<string, string>) {
    writeFileSync(join(cwd, 'outputs.txt'), '');
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, GITHUB_OUTPUT: join(cwd, 'outputs.txt'), OFFGATE_CACHE_DIR: join(cwd, '.cache') };
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase().replace(/ /g, '_')}`] = value;
    const r = spawnSync(process.execPath, [ENTRY], { cwd, encoding: 'utf8', env });
    const outputs = Object.fromEntries(readFileSync(join(cwd, 'outputs.txt'), 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split('=')));
    return { code: r.status, stdout: r.stdout, outputs };
  }

  it('output: more reports, as -o FORMAT=FILE; fail-on: none reports without failing the step', () => {
    const cwd = repository();
    const r = runAction(cwd, { paths: 'k8s/', env: 'baseline', sarif: 'offgate.sarif', output: 'junit=offgate.xml\njson=offgate.json', 'fail-on': 'none' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^::error file=k8s\/web\/deployment\.yaml,/m);
    expect(XMLValidator.validate(readFileSync(join(cwd, 'offgate.xml'), 'utf8'))).toBe(true);
    expect(JSON.parse(readFileSync(join(cwd, 'offgate.json'), 'utf8')).summary.byAction).toEqual({ deny: 1 });
    expect(JSON.parse(readFileSync(join(cwd, 'offgate.sarif'), 'utf8')).runs[0].results).toHaveLength(1);
    expect(r.outputs).toEqual({ findings: '1', failing: '0', errors: '0', 'exit-code': '0' });
  });

  it('an output to standard output besides the log is a usage error, as one annotation', () => {
    const cwd = repository();
    const r = runAction(cwd, { paths: 'k8s/', output: 'json' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('::error title=offgate::-o github and -o json both write to standard output: give all but one a file (-o json=FILE)\n');
  });
});
