// Issue 16, item 5: errors. A reader that stops early (a real pipe, closed after one line)
// ends export and help quietly with exit 0 and lint with its own exit code; verify on paths
// without suites is an error; a Rego error in a ConstraintTemplate points at the template
// file's line and column, and its constraints are reported once as not checked.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { workspace as makeWorkspace } from './helpers/workspace';
import { describe, expect, it } from 'vitest';
import { RegoError } from '../src/compiler/errors';
import { literalBlockAt, placeRegoError } from '../src/gatekeeper/templates';
import { offgate } from './helpers/cli';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin/offgate.js');

const workspace = (files: Record<string, string> = {}): string => makeWorkspace(files, { prefix: 'offgate-cli-errors-' });

/**
 * offgate with its standard output into a pipe this test reads one line of and then closes
 * (as `| head -1` does), or closes before reading anything (`afterLine: false`).
 */
function firstLine(args: string[], { cwd = ROOT, afterLine = true } = {}): Promise<{ code: number | null; signal: string | null; line: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    if (afterLine) {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) child.stdout.destroy();
      });
    } else child.stdout.destroy();
    child.on('close', (code, signal) => done({ code, signal, line: out.split('\n')[0]!, stderr }));
  });
}

const PRIVILEGED_PODS = Array.from({ length: 400 }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${i}\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: nginx\n      securityContext:\n        privileged: true\n`).join('---\n');

describe('a reader that stops early', () => {
  it.each([[['export', 'templates']], [['export', 'expansions']], [['--help']], [['lint', '--help']], [['completion', 'zsh']]])('%j | head -1: exit 0, nothing on stderr', async (args) => {
    const r = await firstLine(args);
    expect(r).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(r.line).not.toBe('');
    // And with the pipe closed before anything is read: every write fails.
    expect(await firstLine(args, { afterLine: false })).toMatchObject({ code: 0, signal: null, stderr: '' });
  }, 30_000);

  it('lint keeps its own exit code: 1 for a large rejected report, 0 when clean', async () => {
    const cwd = workspace({ 'pods.yaml': PRIVILEGED_PODS, 'clean.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: web, image: nginx}]\n' });
    const denied = await firstLine(['lint', '--env', 'baseline', 'pods.yaml'], { cwd });
    expect(denied).toMatchObject({ code: 1, signal: null, stderr: '' });
    expect(denied.line).not.toBe('');
    expect(await firstLine(['lint', '--env', 'baseline', '-o', 'json', 'pods.yaml'], { cwd, afterLine: false })).toMatchObject({ code: 1, stderr: '' });
    expect(await firstLine(['lint', '--env', 'baseline', 'clean.yaml'], { cwd, afterLine: false })).toMatchObject({ code: 0, stderr: '' });
  }, 60_000);
});

describe('verify', () => {
  it('paths that hold no suite: an error, exit 2', () => {
    const cwd = workspace({ 'policy/template.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', 'policy/notes.yaml': 'a: 1\n' });
    expect(offgate(['verify', 'policy'], { cwd })).toMatchObject({ code: 2, stdout: '', stderr: 'offgate: no test suites (kind: Suite) found under policy\n' });
    expect(offgate(['verify', 'policy/...', 'policy/notes.yaml'], { cwd })).toMatchObject({ code: 2, stderr: 'offgate: no test suites (kind: Suite) found under policy/... policy/notes.yaml\n' });
    // Suites found: as before.
    expect(offgate(['verify', 'test/suites/passing'], { cwd: ROOT }).code).toBe(0);
    // A path that does not exist stays gator's error.
    expect(offgate(['verify', 'nope'], { cwd })).toMatchObject({ code: 1, stderr: 'Error: open nope: no such file or directory\n' });
  });
});

/** A ConstraintTemplate of kind K8sXOwner whose Rego is `rego`, written under `spec.targets[0]` as `field` says. */
function template(rego: string, style: '|' | '|-' | '>' = '|', indent = 8): string {
  const pad = ' '.repeat(indent);
  return `# The team's policy: every object names its owner.
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sxowner
spec:
  crd:
    spec:
      names:
        kind: K8sXOwner
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: ${style}   # why: see the wiki
${rego
  .split('\n')
  .map((l) => (l === '' ? '' : pad + l))
  .join('\n')}
`;
}

const BROKEN_PARSE = `package k8sxowner

violation[{"msg": msg}] {
  not input.review.object.metadata.labels.owner
  msg := sprintf("%v names no owner", [input.review.object.metadata.name)
}`;

/** Where the parser stops in BROKEN_PARSE's line 5 (the `)`), and so in the file: 8 columns of block indentation further. */
const PAREN = BROKEN_PARSE.split('\n')[4]!.indexOf('name)') + 'name'.length + 1;
const PAREN_IN_FILE = 8 + PAREN;

const CONSTRAINTS = `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sXOwner
metadata:
  name: owner-on-pods
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sXOwner
metadata:
  name: owner-on-deployments
spec:
  match:
    kinds: [{apiGroups: [apps], kinds: [Deployment]}]
`;

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: web\n      image: nginx\n';

interface JsonReport {
  errors: { file: string; line: number | null; column: number | null; message: string }[];
  warnings: string[];
}

function lintPolicy(files: Record<string, string>): { code: number; report: JsonReport; text: string } {
  const cwd = workspace({ 'k8s/pod.yaml': POD, 'policy/constraints.yaml': CONSTRAINTS, ...files });
  const env = ['--policy', 'policy', 'k8s/'];
  const r = offgate(['lint', '-o', 'json', ...env], { cwd });
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, text: offgate(['lint', ...env], { cwd }).stdout };
}

describe('a Rego error in a ConstraintTemplate under --policy', () => {
  it('rego: | — at the file line and column (the block offset added), its constraints not checked, said once', () => {
    const { code, report, text } = lintPolicy({ 'policy/template.yaml': template(BROKEN_PARSE) });
    expect(code).toBe(2);
    // Line 5 of the Rego, at the `)`, is line 18 of the file, 8 columns further.
    expect(report.errors).toEqual([{ file: 'policy/template.yaml', line: 18, column: PAREN_IN_FILE, message: 'ConstraintTemplate k8sxowner: rego_parse_error: unexpected ) token: expected , or ]' }]);
    expect(report.warnings).toEqual(['not checked: template k8sxowner failed to compile (constraints K8sXOwner/owner-on-pods, K8sXOwner/owner-on-deployments)']);
    expect(text).toContain(`policy/template.yaml:18:${PAREN_IN_FILE}`);
    expect(text).not.toContain('missing ConstraintTemplate');
    expect(text).not.toContain('#rego');
  });

  it('rego: |- indented deeper, and an error the compiler finds (not the parser)', () => {
    const unsafe = 'package k8sxowner\n\nviolation[{"msg": msg}] {\n  msg := sprintf("%v", [owner])\n}';
    const { report } = lintPolicy({ 'policy/template.yaml': template(unsafe, '|-', 10) });
    expect(report.errors).toHaveLength(1);
    const [e] = report.errors;
    expect(e).toMatchObject({ file: 'policy/template.yaml', line: 17 });
    expect(e!.message).toMatch(/^ConstraintTemplate k8sxowner: rego_unsafe_var_error: var owner is unsafe/);
    // The column is where `owner` is written in the file.
    expect(e!.column).toBe(10 + '  msg := sprintf("%v", ['.length + 1);
  });

  it('a libs entry and a code entry (engine Rego, v1) are placed as well', () => {
    const libs = `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sxowner
spec:
  crd:
    spec:
      names:
        kind: K8sXOwner
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sxowner
        import data.lib.owners
        violation[{"msg": "no owner"}] { not owners.named(input.review.object) }
      libs:
        - |
          package lib.owners
          named(obj) { obj.metadata.labels.owner != }
`;
    const lib = lintPolicy({ 'policy/template.yaml': libs });
    expect(lib.report.errors).toHaveLength(1);
    expect(lib.report.errors[0]).toMatchObject({ file: 'policy/template.yaml', line: 19 });
    expect(lib.report.errors[0]!.message).toMatch(/^ConstraintTemplate k8sxowner: rego_parse_error: /);

    const code = `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sxowner
spec:
  crd:
    spec:
      names:
        kind: K8sXOwner
  targets:
    - target: admission.k8s.gatekeeper.sh
      code:
        - engine: K8sNativeValidation
          source: {}
        - engine: Rego
          source:
            version: v1
            rego: |
              package k8sxowner

              violation contains {"msg": msg} if {
                msg := concat(" ", ["no owner", input.review.object.metadata.name)
              }
`;
    const v1 = lintPolicy({ 'policy/template.yaml': code });
    expect(v1.report.errors).toHaveLength(1);
    expect(v1.report.errors[0]).toMatchObject({ file: 'policy/template.yaml', line: 22 });
    expect(v1.report.warnings).toContain('not checked: template k8sxowner failed to compile (constraints K8sXOwner/owner-on-pods, K8sXOwner/owner-on-deployments)');
  });

  it('a folded or quoted scalar, or JSON: at the rego key (never a wrong line)', () => {
    const folded = lintPolicy({ 'policy/template.yaml': template(BROKEN_PARSE.replace(/\n\n/g, '\n'), '>') });
    expect(folded.report.errors).toHaveLength(1);
    expect(folded.report.errors[0]).toMatchObject({ file: 'policy/template.yaml', line: 13, column: 7 });
    expect(folded.report.errors[0]!.message).toMatch(/^ConstraintTemplate k8sxowner: rego_parse_error: /);

    const json = JSON.stringify(
      {
        apiVersion: 'templates.gatekeeper.sh/v1',
        kind: 'ConstraintTemplate',
        metadata: { name: 'k8sxowner' },
        spec: { crd: { spec: { names: { kind: 'K8sXOwner' } } }, targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: BROKEN_PARSE }] },
      },
      null,
      2,
    );
    const fromJson = lintPolicy({ 'policy/template.json': json });
    const line = json.split('\n').findIndex((l) => l.includes('"rego"')) + 1;
    const column = json.split('\n')[line - 1]!.indexOf('"rego"') + 1;
    expect(fromJson.report.errors).toEqual([{ file: 'policy/template.json', line, column, message: 'ConstraintTemplate k8sxowner: rego_parse_error: unexpected ) token: expected , or ]' }]);
    expect(fromJson.report.warnings).toHaveLength(1);
  });

  it('a constraint whose template is nowhere is still a missing template', () => {
    const { report } = lintPolicy({ 'policy/template.yaml': template(BROKEN_PARSE), 'policy/other.yaml': CONSTRAINTS.split('---\n')[0]!.replace(/K8sXOwner/g, 'K8sXTeam') });
    expect(report.errors.map((e) => e.message)).toEqual([
      'ConstraintTemplate k8sxowner: rego_parse_error: unexpected ) token: expected , or ]',
      'K8sXTeam/owner-on-pods: missing ConstraintTemplate: template "k8sxteam" not found',
    ]);
    expect(report.warnings.filter((w) => w.startsWith('not checked'))).toHaveLength(1);
  });
});

describe("a suite's template", () => {
  it('its Rego error is placed in the template file', () => {
    const cwd = workspace({
      'suite.yaml': 'kind: Suite\napiVersion: test.gatekeeper.sh/v1alpha1\ntests:\n  - name: owner\n    template: template.yaml\n    constraint: constraint.yaml\n    cases:\n      - name: missing\n        object: pod.yaml\n        assertions: [{violations: yes}]\n',
      'template.yaml': template(BROKEN_PARSE),
      'constraint.yaml': CONSTRAINTS.split('---\n')[0]!,
      'pod.yaml': POD,
    });
    const r = offgate(['verify', '.'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`  adding template: template.yaml:18:${PAREN_IN_FILE}: ConstraintTemplate k8sxowner: rego_parse_error: unexpected ) token: expected , or ]\n`);
  });
});

describe('offgate compile of a template', () => {
  it('its Rego errors, the parser\'s and the compiler\'s, are placed in the file', () => {
    const cwd = workspace({ 'parse.yaml': template(BROKEN_PARSE), 'unsafe.yaml': template('package k8sxowner\n\nviolation[{"msg": msg}] {\n  msg := owner\n}', '|-') });
    expect(offgate(['compile', 'parse.yaml', '--output-file', 'p.wasm'], { cwd })).toMatchObject({ code: 2, stderr: `offgate: parse.yaml:18:${PAREN_IN_FILE}: rego_parse_error: unexpected ) token: expected , or ]\n` });
    const unsafe = offgate(['compile', 'unsafe.yaml', '--output-file', 'u.wasm'], { cwd });
    expect(unsafe.code).toBe(2);
    expect(unsafe.stderr).toMatch(/^offgate: unsafe\.yaml:17:\d+: rego_unsafe_var_error: var \w+ is unsafe\n/);
  });
});

describe('literalBlockAt and placeRegoError', () => {
  const text = 'spec:\n  targets:\n    - rego: |+ # a comment\n\n        package x\n          p { true }\n      libs:\n        - "package lib.a"\n';

  it('reads the header and the indentation of the first non-empty line', () => {
    expect(literalBlockAt(text, { line: 3, column: 7 })?.indent).toBe(8);
    expect(literalBlockAt(text, { line: 8, column: 11 })).toBeUndefined(); // a quoted scalar
    expect(literalBlockAt('a: |2\n   x\n', { line: 1, column: 1 })).toBeUndefined(); // an explicit indentation indicator
    expect(literalBlockAt('a: >\n  x\n', { line: 1, column: 1 })).toBeUndefined();
    expect(literalBlockAt(undefined, { line: 1, column: 1 })).toBeUndefined();
  });

  it('maps a module position line for line, leading blank lines included; a stale text falls back to the key', () => {
    const obj = { spec: { targets: [{ rego: '\npackage x\n  p { true }\n', libs: ['package lib.a'] }] } };
    const locate = (path: string) => (path === 'spec.targets[0].rego' ? { line: 3, column: 7 } : path === 'spec.targets[0].libs[0]' ? { line: 8, column: 11 } : undefined);
    const at = (file: string, line: number, col: number) => new RegoError('rego_parse_error', 'x', { file, line, col });
    expect(placeRegoError(obj, 't.yaml', at('t.yaml#rego', 3, 5), { text: () => text, locate })).toEqual({ line: 6, column: 13 });
    expect(placeRegoError(obj, 't.yaml', at('t.yaml#libs[0]', 1, 3), { text: () => text, locate })).toEqual({ line: 8, column: 11 });
    expect(placeRegoError(obj, 't.yaml', at('other.rego', 1, 1), { text: () => text, locate })).toBeUndefined();
    const changed = text.replace('p { true }', 'q { true }');
    expect(placeRegoError(obj, 't.yaml', at('t.yaml#rego', 3, 5), { text: () => changed, locate })).toEqual({ line: 3, column: 7 });
  });
});
