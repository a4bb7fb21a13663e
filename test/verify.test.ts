// `offgate verify`: gator-compatible Suites (semantics §10) — the suites under
// test/suites/, their exact output and exit codes, `--run` filters, path forms, and the
// pieces (assertions, filters, file splitting, schema rejections) on their own.
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runVerify, type VerifyOptions } from '../src/cli/verify-command';
import {
  checkAssertion,
  displayPath,
  goRegExp,
  isSchemaRejection,
  parseFilter,
  readSuites,
  splitObjects,
  VerifyError,
} from '../src/gatekeeper/suite';
import type { K8sObject } from '../src/gatekeeper/types';

const SUITES = 'test/suites';
const PASSING = `${SUITES}/passing`;
const FAILING = `${SUITES}/failing`;

/** Runs the command; durations are replaced by 0.000s so outputs compare exactly. */
function verify(paths: string[], opts: VerifyOptions = {}) {
  let stdout = '';
  let stderr = '';
  const code = runVerify(paths, opts, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout: stdout.replace(/\d+\.\d{3}s/g, '0.000s'), stderr, raw: stdout };
}

const lines = (...ls: string[]) => ls.map((l) => `${l}\n`).join('');

const PASSING_VERBOSE = [
  '=== RUN   required-owner',
  '    === RUN   labeled-pod',
  '    --- PASS: labeled-pod\t(0.000s)',
  '    === RUN   unlabeled-pod',
  '    --- PASS: unlabeled-pod\t(0.000s)',
  '    === RUN   keys-ignore-case',
  '    --- PASS: keys-ignore-case\t(0.000s)',
  '    === SKIP  not-ready',
  '--- PASS: required-owner\t(0.000s)',
  '=== RUN   prod-namespace-selector',
  '    === RUN   prod-namespace-in-inventory',
  '    --- PASS: prod-namespace-in-inventory\t(0.000s)',
  '    === RUN   namespace-not-prod',
  '    --- PASS: namespace-not-prod\t(0.000s)',
  '    === RUN   namespace-missing',
  '    --- PASS: namespace-missing\t(0.000s)',
  '    === RUN   no-namespace-at-all',
  '    --- PASS: no-namespace-at-all\t(0.000s)',
  '    === RUN   admission-review-by-request-namespace',
  '    --- PASS: admission-review-by-request-namespace\t(0.000s)',
  '--- PASS: prod-namespace-selector\t(0.000s)',
  '=== RUN   admission-reviews',
  '    === RUN   update-matched-by-old-object',
  '    --- PASS: update-matched-by-old-object\t(0.000s)',
  '    === RUN   delete-reviews-old-object',
  '    --- PASS: delete-reviews-old-object\t(0.000s)',
  '    === RUN   plain-object-not-selected',
  '    --- PASS: plain-object-not-selected\t(0.000s)',
  '--- PASS: admission-reviews\t(0.000s)',
  '=== RUN   parameters-must-be-a-list',
  '--- PASS: parameters-must-be-a-list\t(0.000s)',
  '=== SKIP  not-written-yet',
  `ok\t${PASSING}/suite.yaml\t0.000s`,
];

describe('offgate verify: passing suites', () => {
  it('prints only the ok line per suite, then PASS, and exits 0', () => {
    const r = verify([PASSING]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(lines(`ok\t${PASSING}/suite.yaml\t0.000s`, 'PASS', '', '12 passed, 0 failed'));
  });

  it('lists every Test and Case with -v', () => {
    const r = verify([PASSING], { verbose: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(lines(...PASSING_VERBOSE, 'PASS', '', '12 passed, 0 failed'));
  });

  it('prints durations in seconds with three decimals', () => {
    const { raw } = verify([PASSING], { verbose: true });
    expect(raw).toMatch(/^--- PASS: required-owner\t\(\d+\.\d{3}s\)$/m);
    expect(raw).toMatch(new RegExp(`^ok\\t${PASSING}/suite.yaml\\t\\d+\\.\\d{3}s$`, 'm'));
  });

  it('reads a directory without its subdirectories, dir/... recursively, and a file', () => {
    const recursive = verify([`${PASSING}/...`]);
    expect(recursive.code).toBe(0);
    // Go's WalkDir order: entries by name, subdirectories in place.
    expect(recursive.stdout).toBe(
      lines(
        `ok\t${PASSING}/expansion/suite.yaml\t0.000s`,
        `ok\t${PASSING}/referential/suite.yaml\t0.000s`,
        `ok\t${PASSING}/suite.yaml\t0.000s`,
        'PASS',
        '',
        '18 passed, 0 failed',
      ),
    );
    const file = verify([`${PASSING}/referential/suite.yaml`]);
    expect(file.stdout).toBe(lines(`ok\t${PASSING}/referential/suite.yaml\t0.000s`, 'PASS', '', '3 passed, 0 failed'));
  });

  it('runs inventory, expansion and AdmissionReview suites', () => {
    const r = verify([`${PASSING}/expansion`, `${PASSING}/referential`], { verbose: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('    --- PASS: pod-template-without-owner\t(0.000s)');
    expect(r.stdout).toContain('    --- PASS: admission-reviews-are-not-expanded\t(0.000s)');
    expect(r.stdout).toContain('    --- PASS: host-taken\t(0.000s)');
    expect(r.stdout).toContain('    --- PASS: only-itself\t(0.000s)');
  });
});

describe('offgate verify: failures', () => {
  it('reports each failing case and test with its error, FAIL, and exits 1', () => {
    const r = verify([FAILING]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: FAIL\n');
    const none = '[you must provide labels: {"owner"}]';
    expect(r.stdout).toBe(
      lines(
        '    --- FAIL: expects-none\t(0.000s)',
        `        unexpected number of violations: got 1 violations but want none: got messages ${none}`,
        '    --- FAIL: wrong-count\t(0.000s)',
        `        unexpected number of violations: got 1 violations containing "owner" but want exactly 3: got messages ${none}`,
        '    --- FAIL: expects-some\t(0.000s)',
        '        unexpected number of violations: got 0 violations containing "owner" but want at least 1: got messages []',
        '    --- FAIL: quoted-count\t(0.000s)',
        '        invalid yaml: assertion.violations, if set, must be a nonnegative integer, "yes", or "no"',
        '    --- FAIL: no-object\t(0.000s)',
        '        invalid Case: must define object',
        '    --- FAIL: no-assertions\t(0.000s)',
        '        invalid Case: assertions must be non-empty',
        '    --- FAIL: two-objects\t(0.000s)',
        '        object file must contain exactly one object: "samples/two-pods.yaml" defines 2 objects',
        '    --- FAIL: missing-object-file\t(0.000s)',
        '        open samples/nope.yaml: no such file or directory',
        '    --- FAIL: unknown-review-field\t(0.000s)',
        '        not a valid AdmissionReview object: unknown field "request.colour"',
        '--- FAIL: failing-cases\t(0.000s)',
        '--- FAIL: missing-template\t(0.000s)',
        '  open nope.yaml: no such file or directory',
        '--- FAIL: valid-but-expected-invalid\t(0.000s)',
        '  constraint should be invalid: it was accepted',
        '--- FAIL: invalid-but-not-schema\t(0.000s)',
        '  constraint should be invalid with a schema error, got: K8sRequiredLabels/has-unknown-field: spec.colour: unknown field (declared here: match, enforcementAction, scopedEnforcementActions, parameters)',
        '--- FAIL: bad-constraint\t(0.000s)',
        '  adding constraint: K8sRequiredLabels/labels-not-a-list: spec.parameters.labels: must be of type array, got string',
        `FAIL\t${FAILING}/suite.yaml\t0.000s`,
        'FAIL',
        '',
        // failing-cases: 1 passed, 9 failed; each other Test counts once.
        '1 passed, 13 failed',
      ),
    );
  });

  it('shows passing cases of a failing test with -v', () => {
    const r = verify([FAILING], { verbose: true, run: 'failing-cases//^(passes|expects-none)$' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      lines(
        '=== RUN   failing-cases',
        '    === RUN   passes',
        '    --- PASS: passes\t(0.000s)',
        '    === RUN   expects-none',
        '    --- FAIL: expects-none\t(0.000s)',
        '        unexpected number of violations: got 1 violations but want none: got messages [you must provide labels: {"owner"}]',
        ...['wrong-count', 'expects-some', 'quoted-count', 'no-object', 'no-assertions', 'two-objects', 'missing-object-file', 'unknown-review-field'].map((c) => `    === SKIP  ${c}`),
        '--- FAIL: failing-cases\t(0.000s)',
        '=== SKIP  missing-template',
        '=== SKIP  valid-but-expected-invalid',
        '=== SKIP  invalid-but-not-schema',
        '=== SKIP  bad-constraint',
        `FAIL\t${FAILING}/suite.yaml\t0.000s`,
        'FAIL',
        '',
        '1 passed, 1 failed',
      ),
    );
  });

  it('prints ok for passing suites and FAIL for failing ones in one run', () => {
    const r = verify([PASSING, FAILING], { run: 'failing-cases//passes|required-owner' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(lines(`ok\t${PASSING}/suite.yaml\t0.000s`, `ok\t${FAILING}/suite.yaml\t0.000s`, 'PASS', '', '1 passed, 0 failed'));
  });

  it('aborts before running anything on a YAML syntax error anywhere', () => {
    const r = verify([`${SUITES}/...`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: parsing yaml file "test\/suites\/broken\/suite.yaml": .+ at line 5, column 22\n$/);
  });

  it('rejects an unreadable target and a filter with two //', () => {
    expect(verify(['test/suites/nope'])).toMatchObject({ code: 1, stdout: '', stderr: 'Error: open test/suites/nope: no such file or directory\n' });
    expect(verify([PASSING], { run: 'a//b//c' })).toMatchObject({ code: 1, stdout: '', stderr: 'Error: invalid test filter: "a//b//c" has multiple instances of //\n' });
    expect(verify([PASSING], { run: '(' }).stderr).toMatch(/^Error: invalid test filter: "\(": /);
  });
});

describe('--run', () => {
  const ran = (run: string) =>
    verify([PASSING], { run, verbose: true })
      .stdout.split('\n')
      .filter((l) => l.includes('=== RUN'))
      .map((l) => l.trim().replace('=== RUN   ', ''));

  it('without //: a Test runs when its name or a case name matches; a Case when its name or its Test name matches', () => {
    expect(ran('admission')).toEqual([
      'prod-namespace-selector',
      'admission-review-by-request-namespace',
      'admission-reviews',
      'update-matched-by-old-object',
      'delete-reviews-old-object',
      'plain-object-not-selected',
    ]);
  });

  it('A//B: Tests by name, then Cases by name; an empty side matches all', () => {
    expect(ran('required//unlabeled')).toEqual(['required-owner', 'unlabeled-pod']);
    expect(ran('^admission-reviews$//')).toEqual(['admission-reviews', 'update-matched-by-old-object', 'delete-reviews-old-object', 'plain-object-not-selected']);
    expect(ran('//labeled')).toEqual([
      'required-owner',
      'labeled-pod',
      'unlabeled-pod',
      'prod-namespace-selector',
      'admission-reviews',
      'parameters-must-be-a-list',
    ]);
  });

  it('counts filtered-out items as skipped', () => {
    const r = verify([PASSING], { run: 'required//unlabeled', verbose: true });
    expect(r.stdout).toContain('    === SKIP  labeled-pod\n');
    expect(r.stdout).toContain('=== SKIP  admission-reviews\n');
    expect(r.stdout.endsWith('1 passed, 0 failed\n')).toBe(true);
  });
});

describe('suite files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-verify-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  // A repository of its own (a suite reads files under its repository only), holding a copy of the passing suites' files.
  mkdirSync(join(dir, '.git'));
  cpSync(PASSING, join(dir, 'passing'), { recursive: true });
  const template = join(dir, 'passing/template.yaml');
  const constraint = join(dir, 'passing/constraint.yaml');

  it('skips a whole suite and ignores files that are not Suites', () => {
    write('skipped/suite.yaml', ['apiVersion: test.gatekeeper.sh/v1alpha1', 'kind: Suite', 'skip: true', 'tests:', '- name: t', '  template: nope.yaml', '  constraint: nope.yaml'].join('\n'));
    write('skipped/other.yaml', 'apiVersion: v1\nkind: ConfigMap\n');
    write('skipped/not-yaml.txt', ': : :');
    write('skipped/other-group.yml', 'apiVersion: example.com/v1\nkind: Suite\ntests: 3\n');
    const r = verify([join(dir, 'skipped')], { verbose: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(lines('=== SKIP  t', `ok\t${join(dir, 'skipped')}/suite.yaml\t0.000s`, 'PASS', '', '0 passed, 0 failed'));
  });

  it('checks assertions on results deduplicated by msg and details', () => {
    // Two generated Pods with the same message and details count once.
    write('dedupe/expansion.yaml', [1, 2].map((n) => [
      'apiVersion: expansion.gatekeeper.sh/v1alpha1',
      'kind: ExpansionTemplate',
      'metadata:',
      `  name: twin`,
      'spec:',
      '  applyTo: [{groups: [apps], versions: [v1], kinds: [Deployment]}]',
      '  templateSource: spec.template',
      '  generatedGVK: {group: "", version: v1, kind: Pod}',
    ].join('\n') + (n === 1 ? '\n---\n' : '\n')).join(''));
    write('dedupe/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: x}\nspec: {template: {metadata: {labels: {}}}}\n');
    const from = (p: string) => relative(join(dir, 'dedupe'), p);
    write('dedupe/suite.yaml', [
      'apiVersion: test.gatekeeper.sh/v1alpha1',
      'kind: Suite',
      'tests:',
      '- name: t',
      `  template: ${from(template)}`,
      `  constraint: ${from(constraint)}`,
      '  expansion: expansion.yaml',
      '  cases:',
      '  - name: c',
      '    object: deployment.yaml',
      '    assertions: [{violations: 1}]',
    ].join('\n'));
    const r = verify([join(dir, 'dedupe')], { verbose: true });
    expect(r.stdout).toContain('    --- PASS: c\t(0.000s)');
  });

  it('reviews only the case object, not the inventory, and refuses constraints.gatekeeper.sh/v1 as gator does', () => {
    const from = (p: string) => relative(join(dir, 'scope'), p);
    const anything = (version: string, name: string) =>
      `apiVersion: constraints.gatekeeper.sh/${version}\nkind: K8sRequiredLabels\nmetadata: {name: ${name}}\nspec: {parameters: {labels: [owner]}}\n`;
    write('scope/any-kind.yaml', anything('v1beta1', 'everything'));
    write('scope/v1.yaml', anything('v1', 'served-nowhere'));
    const test = (name: string, constraint: string, extra: string[]) => [
      `- name: ${name}`,
      `  template: ${from(template)}`,
      `  constraint: ${constraint}`,
      ...extra,
    ];
    write('scope/suite.yaml', [
      'apiVersion: test.gatekeeper.sh/v1alpha1',
      'kind: Suite',
      'tests:',
      // The inventory's Namespace lacks the label too, but is not under review.
      ...test('inventory', 'any-kind.yaml', [
        '  cases:',
        '  - name: labeled-pod',
        `    object: ${from(join(dir, 'passing/samples/pod-good.yaml'))}`,
        `    inventory: [${from(join(dir, 'passing/samples/ns-prod.yaml'))}]`,
        '    assertions: [{violations: no}]',
      ]),
      ...test('v1', 'v1.yaml', []),
      ...test('v1-invalid', 'v1.yaml', ['  invalid: true']),
    ].join('\n'));
    const r = verify([join(dir, 'scope')], { verbose: true });
    expect(r.stdout).toContain('    --- PASS: labeled-pod\t(0.000s)');
    const refused = 'K8sRequiredLabels/served-nowhere: apiVersion: must be constraints.gatekeeper.sh/v1beta1 or constraints.gatekeeper.sh/v1alpha1, got "constraints.gatekeeper.sh/v1"';
    expect(r.stdout).toContain(`--- FAIL: v1\t(0.000s)\n  adding constraint: ${refused}\n`);
    expect(r.stdout).toContain(`--- FAIL: v1-invalid\t(0.000s)\n  constraint should be invalid with a schema error, got: ${refused}\n`);
  });

  it('reports malformed suites as errors', () => {
    write('malformed/suite.yaml', 'apiVersion: test.gatekeeper.sh/v1alpha1\nkind: Suite\ntests:\n- name: t\n  skip: "yes"\n');
    const r = verify([join(dir, 'malformed')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: reading suite ".*malformed\/suite.yaml": tests\[0\]\.skip: must be a boolean, got "yes"\n$/);
  });

  it('names suites as gator does', () => {
    expect(displayPath('.', '/home/x/suite.yaml')).toBe('./home/x/suite.yaml');
    expect(displayPath('suites', '/home/x/suites/a/suite.yaml')).toBe('suites/a/suite.yaml');
    expect(displayPath('./suites/', '/home/x/suites/suite.yaml')).toBe('./suites/suite.yaml');
    expect(displayPath('/home/x/s.yaml', '/home/x/s.yaml')).toBe('/home/x/s.yaml');
    const suites = readSuites('./...', resolve(PASSING, 'referential'));
    expect(suites.map((s) => s.displayPath)).toEqual([`.${resolve(PASSING, 'referential/suite.yaml')}`]);
  });
});

describe('pieces', () => {
  const results = (...msgs: string[]) => msgs.map((message) => ({ message }));

  it('assertions: yes, no, counts, messages', () => {
    expect(checkAssertion({}, results('a'))).toBeUndefined();
    expect(checkAssertion({ violations: 'yes' }, results())).toBe('unexpected number of violations: got 0 violations but want at least 1: got messages []');
    expect(checkAssertion({ violations: 'no', message: 'b' }, results('a', 'ab'))).toBe(
      'unexpected number of violations: got 1 violations containing "b" but want none: got messages [a ab]',
    );
    expect(checkAssertion({ violations: 2, message: '' }, results('a', 'b'))).toBeUndefined();
    expect(checkAssertion({ violations: 0, message: '^b' }, results('ab'))).toBeUndefined();
    for (const bad of [-1, 1.5, '2', 'Yes', true]) expect(checkAssertion({ violations: bad }, results())).toMatch(/^invalid yaml: /);
    expect(checkAssertion({ message: '(' }, results('a'))).toMatch(/^message contains invalid regular expression: "\(": /);
  });

  it('reads RE2 syntax JavaScript lacks', () => {
    expect(goRegExp('(?i)OWNER').test('owner')).toBe(true);
    expect(goRegExp('(?P<x>a)b').exec('ab')?.groups?.x).toBe('a');
    expect(goRegExp('\\Aab\\z').test('ab')).toBe(true);
    expect(goRegExp('\\Aab\\z').test('xab')).toBe(false);
  });

  it('filters', () => {
    expect(parseFilter(undefined)).toEqual({ single: false });
    expect(parseFilter('a//')).toMatchObject({ single: false, cases: undefined });
    expect(() => parseFilter('a//b//')).toThrow(VerifyError);
  });

  it('splits object files at --- lines, dropping blank and comment lines', () => {
    const text = '# head\n---\napiVersion: v1\n\nkind: A\n  # indented comment\n--- # trailing\nkind: B\n---\n';
    expect(splitObjects(text, 'f')).toEqual([{ apiVersion: 'v1', kind: 'A' }, { kind: 'B' }]);
    expect(splitObjects('a: yes\n', 'f')).toEqual([{ a: 'yes' }]); // YAML 1.2
    expect(() => splitObjects('- 1\n', 'f')).toThrow(/an object must be a map/);
    // A double-quoted scalar continued on the next line at its key's indentation: Kubernetes
    // (go-yaml) and the manifests reader accept it; the yaml package refused it.
    expect(splitObjects('metadata:\n  annotations:\n    a: "line one\n    continued"\n    b: x\n', 'f')).toEqual([{ metadata: { annotations: { a: 'line one continued', b: 'x' } } }]);
  });

  it('tells schema rejections from other refusals', () => {
    const tpl: K8sObject = {
      apiVersion: 'templates.gatekeeper.sh/v1',
      kind: 'ConstraintTemplate',
      metadata: { name: 'k8sx' },
      spec: { crd: { spec: { names: { kind: 'K8sX' }, validation: { openAPIV3Schema: { type: 'object', properties: { n: { type: 'integer', enum: [1, 2] } } } } } } },
    };
    const c = (spec: unknown, name = 'c'): K8sObject => ({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'K8sX', metadata: { name }, spec });
    expect(isSchemaRejection(tpl, c({ parameters: { n: 'x' } }))).toBe(true);
    expect(isSchemaRejection(tpl, c({ parameters: { n: 3 } }))).toBe(true); // enum
    expect(isSchemaRejection(tpl, c({ match: { namespaces: ['UPPER'] } }))).toBe(true); // pattern
    expect(isSchemaRejection(tpl, c({ match: { source: 'Both' } }))).toBe(true); // enum
    expect(isSchemaRejection(tpl, c({ parameters: { n: 1 } }))).toBe(false); // accepted
    expect(isSchemaRejection(tpl, c({ parameters: { n: 1, m: 2 } }))).toBe(false); // unknown field
    expect(isSchemaRejection(tpl, c({ parameters: { n: 'x' } }, 'Bad_Name'))).toBe(false); // name first
    expect(isSchemaRejection(tpl, c({ parameters: { n: 'x' }, match: { labelSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } } }))).toBe(false);
  });
});

describe('offgate verify through the CLI', () => {
  it('exits 0 on passing suites and 1 on failing ones', async () => {
    const { offgate } = await import('./helpers/cli');
    const ok = offgate(['verify', 'test/suites/passing/...'], { cwd: join(__dirname, '..') });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    const bad = offgate(['verify', 'test/suites/failing'], { cwd: join(__dirname, '..') });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('Error: FAIL\n');
  });
});
