// `offgate lint` end to end, through the bundled CLI (bin/offgate.js) as a user runs it:
// inputs (files, folders, globs, stdin, Lists, multi-document YAML, JSON), positions of
// findings for every bundled template, every output format, configuration (discovery,
// --config, extends, presets, --env), where constraints come from (environment, inputs,
// --policy) and the exit codes of every outcome. Each test writes its inputs into a fresh
// temporary directory, or copies the examples beside the bundled templates.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { workspace as makeWorkspace } from './helpers/workspace';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseFieldPath, type PathSegment } from '../src/manifests';
import { offgate, type CliResult } from './helpers/cli';
import { unwrapped } from './helpers/text';

const REGO = join(__dirname, '../rego');
const FIXTURES = join(__dirname, 'lint-fixtures');
const BIN = join(__dirname, '../bin/offgate.js');

// ---------------------------------------------------------------------------
// Helpers

/** A fresh directory holding `files` (path → content; folders are created). */
const workspace = (files: Record<string, string> = {}): string => makeWorkspace(files, { prefix: 'offgate-lint-' });

interface JsonResult {
  file: string;
  line: number;
  column: number;
  object: { apiVersion: string; kind: string; namespace: string | null; name: string | null };
  workload?: { apiVersion: string; kind: string; namespace: string | null; name: string | null; expansion: string; builtIn: boolean };
  constraint: { kind: string; name: string };
  enforcementAction: string;
  message: string;
  details: unknown;
  path?: string;
  fix?: string;
}

interface JsonReport {
  version: string;
  sources: string[];
  results: JsonResult[];
  errors: { file: string; line: number | null; column: number | null; message: string }[];
  warnings: string[];
  summary: { files: number; objects: number; byAction: Record<string, number>; errors: number };
}

/** `offgate lint -o json ARGS` in `cwd`: the exit code and the parsed report. */
function lintJson(args: string[], options: { cwd?: string; input?: string } = {}): { code: number; report: JsonReport; stderr: string } {
  const r = offgate(['lint', '-o', 'json', ...args], options);
  expect(r.stdout, `stderr: ${r.stderr}`).not.toBe('');
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

function lint(args: string[], options: { cwd?: string; input?: string } = {}): CliResult {
  return offgate(['lint', ...args], options);
}

const POD = (name: string, extra = '', ns = 'shop') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
spec:${extra}
  containers:
    - name: app
      image: nginx:1.27
`;

/** A Pod the baseline preset accepts. */
const CLEAN_POD = POD('clean');
/** A Pod with a privileged container: baseline denies it at line 12, column 9. */
const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: dind
  namespace: ci
spec:
  containers:
    - name: docker
      image: docker:27-dind
      securityContext:
        runAsNonRoot: true
        privileged: true
`;
/** A Pod sharing the host's PID namespace: baseline denies it (spec.hostPID, line 7). */
const HOSTPID_POD = `apiVersion: v1
kind: Pod
metadata:
  name: top
  namespace: ops
spec:
  hostPID: true
  containers:
    - name: top
      image: busybox:1.36
`;

const PRIVILEGED_CONSTRAINT = `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPSPPrivilegedContainer
metadata:
  name: no-privileged
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
`;

/** The 1-based line `n` of `text`. */
function lineOf(text: string, n: number): string {
  return text.split('\n')[n - 1] ?? '';
}

/**
 * The deepest prefix of `path` that exists in `value` (the field itself when it is
 * there; `locate` falls back to the deepest existing ancestor for a missing field).
 */
function deepestExisting(value: unknown, path: readonly PathSegment[]): PathSegment[] {
  const found: PathSegment[] = [];
  let node = value;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') break;
    const next = (node as Record<string | number, unknown>)[seg as string | number];
    if (next === undefined) break;
    found.push(seg);
    node = next;
  }
  return found;
}

/**
 * The result's line/column is at its field in `text`: at the key of the last segment of
 * its `path` (or of the deepest ancestor written in the file when the field is missing),
 * or at the sequence item for an index. Returns whether the field itself is there.
 */
function expectAtField(text: string, object: unknown, r: JsonResult, label: string): boolean {
  expect(r.path, `${label}: result has a path`).toBeDefined();
  const path = parseFieldPath(r.path!);
  const at = deepestExisting(object, path);
  expect(at.length, `${label}: some of ${r.path} is written in the file`).toBeGreaterThan(0);
  const last = at[at.length - 1]!;
  const line = lineOf(text, r.line);
  if (typeof last === 'number') {
    // A sequence item: block (`- name: …`) or flow (`add: ["A", "B"]`).
    expect(line, `${label}: ${r.line}:${r.column} is item ${last} of ${r.path}`).toMatch(/^\s*- |\[/);
  } else {
    expect(line, `${label}: ${r.line}:${r.column} is the line of ${r.path}`).toContain(`${last}:`);
    const rest = line.slice(r.column - 1);
    expect(rest.replace(/^["']/, '').startsWith(last), `${label}: column ${r.column} is at the key "${last}" in ${JSON.stringify(line)}`).toBe(true);
  }
  return at.length === path.length;
}

// ---------------------------------------------------------------------------
// Output formats

describe('output formats', () => {
  const dir = () => workspace({ 'pod.yaml': PRIVILEGED_POD, 'clean.yaml': CLEAN_POD });

  it('text: path:line:col, action, object, message, constraint, fix, summary and sources; no colour off a TTY', () => {
    const cwd = dir();
    const r = lint(['pod.yaml', 'clean.yaml'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = unwrapped(r.stdout).split('\n');
    expect(lines[0]).toMatch(/^pod\.yaml:12:9: deny Pod ci\/dind: container docker runs privileged .* \[K8sPSPPrivilegedContainer\/offgate-baseline-privileged-containers\]$/);
    expect(lines[1]).toMatch(/^ {2}fix: Remove securityContext\.privileged/);
    expect(r.stdout).not.toContain('clean.yaml');
    expect(r.stdout).toMatch(/^ {2}K8sPSPPrivilegedContainer {2}1 denied$/m);
    expect(r.stdout).toContain('\n1 object would be rejected (1 finding)\nchecked 2 objects in 2 files\n');
    expect(unwrapped(r.stdout)).toMatch(/^constraints: bundled baseline preset/m);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it.skipIf(process.platform !== 'linux')('reads a pipe named as a file (bash process substitution), which has no real path', () => {
    const cwd = workspace({ 'pod.yaml': `${POD('piped')}      securityContext: {privileged: true}\n` });
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" lint -o json <(cat pod.yaml)`], { cwd, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.results.map((x) => x.object.name)).toContain('piped');
    expect(report.results[0]!.file).toMatch(/^\/dev\/fd\/\d+$/);
  });

  it('text: no colour when standard output is not a TTY, even without NO_COLOR', () => {
    const cwd = dir();
    const env = { ...process.env };
    delete env.NO_COLOR;
    delete env.FORCE_COLOR;
    const r = spawnSync(process.execPath, [BIN, 'lint', 'pod.yaml'], { cwd, encoding: 'utf8', env });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('12:9');
    expect(r.stdout).not.toMatch(/\x1b\[/);
    expect(r.stderr).not.toMatch(/\x1b\[/);
  });

  it.skipIf(process.platform !== 'linux' || spawnSync('script', ['--version']).status !== 0)('text: colour on a TTY, none with --no-color', () => {
    const cwd = dir();
    const env = { ...process.env };
    delete env.NO_COLOR;
    delete env.CI;
    const onTty = (extra: string) =>
      spawnSync('script', ['-qec', `"${process.execPath}" "${BIN}" lint pod.yaml${extra}`, '/dev/null'], { cwd, encoding: 'utf8', env }).stdout;
    expect(onTty('')).toMatch(/\x1b\[31mdeny\x1b\[39m/);
    const plain = onTty(' --no-color');
    expect(plain).toContain('pod.yaml:12:9: deny Pod ci/dind');
    expect(plain).not.toMatch(/\x1b\[\d+m/);
  });

  it('text --verbose: the field path and the reviewed Pod of a workload', () => {
    const cwd = workspace();
    copyFileSync(join(REGO, 'privileged-containers/examples/disallowed-deployment.yaml'), join(cwd, 'deploy.yaml'));
    const r = lint(['-v', 'deploy.yaml'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('at spec.template.spec.initContainers[0].securityContext.privileged');
    expect(r.stdout).toMatch(/reviewed as Pod data\//);
    expect(r.stdout).toContain('pods of Deployment data/search would be rejected at creation');
  });

  it('json: one document with the schema keys in order (json.md)', () => {
    const cwd = dir();
    const r = lint(['-o', 'json', 'pod.yaml', 'clean.yaml'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout.endsWith('}\n')).toBe(true);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['version', 'sources', 'results', 'errors', 'warnings', 'skipped', 'summary']);
    expect(doc.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.sources).toHaveLength(1);
    expect(doc.results).toHaveLength(1);
    const [res] = doc.results;
    expect(Object.keys(res)).toEqual(['file', 'line', 'column', 'object', 'constraint', 'enforcementAction', 'message', 'details', 'path', 'fix']);
    expect(res).toMatchObject({
      file: 'pod.yaml',
      line: 12,
      column: 9,
      object: { apiVersion: 'v1', kind: 'Pod', namespace: 'ci', name: 'dind' },
      constraint: { kind: 'K8sPSPPrivilegedContainer', name: 'offgate-baseline-privileged-containers' },
      enforcementAction: 'deny',
      path: 'spec.containers[0].securityContext.privileged',
    });
    expect(Object.keys(res.object)).toEqual(['apiVersion', 'kind', 'namespace', 'name']);
    expect(res.message).toContain('privileged');
    expect(res.fix).toContain('privileged');
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
    expect(doc.summary).toEqual({ files: 2, objects: 2, skipped: 0, byAction: { deny: 1 }, errors: 0 });
  });

  it('json: a workload result names the workload and the generated Pod', () => {
    const cwd = workspace();
    copyFileSync(join(REGO, 'privileged-containers/examples/disallowed-deployment.yaml'), join(cwd, 'deploy.yaml'));
    const { code, report } = lintJson(['deploy.yaml'], { cwd });
    expect(code).toBe(1);
    const [res] = report.results;
    expect(Object.keys(res!)).toEqual(['file', 'line', 'column', 'object', 'workload', 'constraint', 'enforcementAction', 'message', 'details', 'path', 'fix']);
    expect(res!.object.kind).toBe('Pod');
    expect(res!.workload).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'data', name: 'search', builtIn: true });
  });

  it('sarif: a valid SARIF 2.1.0 log with ruleId, level and region per result', () => {
    const require = createRequire(import.meta.url);
    const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object;
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);

    const cwd = workspace({
      'offgate.yaml': `environments:
  default:
    extends: baseline
    restrictions:
      host-namespaces: { enforcementAction: warn }
      privileged-containers: true
`,
      'pods/pod.yaml': `${PRIVILEGED_POD}---\n${HOSTPID_POD}`,
    });
    const r = lint(['-o', 'sarif', 'pods'], { cwd });
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('offgate');
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(['K8sPSPHostNamespace', 'K8sPSPPrivilegedContainer']);
    const byRule = Object.fromEntries(run.results.map((x: { ruleId: string }) => [x.ruleId, x]));
    expect(byRule.K8sPSPPrivilegedContainer.level).toBe('error');
    expect(byRule.K8sPSPPrivilegedContainer.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'pods/pod.yaml' },
      region: { startLine: 12, startColumn: 9 },
    });
    expect(byRule.K8sPSPHostNamespace.level).toBe('warning');
    // The second document starts after line 12 and `---`: hostPID is its line 7.
    expect(byRule.K8sPSPHostNamespace.locations[0].physicalLocation.region).toEqual({ startLine: 20, startColumn: 3 });
    expect(run.invocations[0].executionSuccessful).toBe(true);
  });

  it('junit: well-formed XML, a failing testcase per denial', () => {
    const cwd = dir();
    const r = lint(['-o', 'junit', 'pod.yaml', 'clean.yaml'], { cwd });
    expect(r.code).toBe(1);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(r.stdout);
    expect(doc.testsuites['@failures']).toBe('1');
    const suites = doc.testsuites.testsuite as { '@name': string; testcase: Record<string, unknown>[] }[];
    expect(suites.map((s) => s['@name'])).toEqual(['pod.yaml', 'offgate']);
    const [tc] = suites[0]!.testcase;
    expect(tc!['@name']).toBe('12:9 Pod ci/dind: K8sPSPPrivilegedContainer/offgate-baseline-privileged-containers');
    expect(tc!['@line']).toBe('12');
    expect((tc!.failure as Record<string, string>)['@type']).toBe('deny');
  });

  it('github: an ::error annotation at file, line and col, then the summary', () => {
    const cwd = dir();
    const r = lint(['-o', 'github', 'pod.yaml', 'clean.yaml'], { cwd });
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^::error file=pod\.yaml,line=12,col=9,title=K8sPSPPrivilegedContainer\/offgate-baseline-privileged-containers::Pod ci\/dind: .*%0Afix: /);
    expect(lines.slice(1)).toEqual(['1 object would be rejected (1 finding)', 'checked 2 objects in 2 files', expect.stringMatching(/^constraints: bundled baseline preset/)]);
  });

  it('github: warn findings are ::warning, and ::error with --fail-on warn', () => {
    const cwd = workspace({ 'offgate.yaml': 'environments:\n  default:\n    extends: baseline\n    enforcementAction: warn\n', 'pod.yaml': PRIVILEGED_POD });
    expect(lint(['-o', 'github', 'pod.yaml'], { cwd }).stdout).toMatch(/^::warning file=pod\.yaml,line=12,col=9,/);
    expect(lint(['-o', 'github', '--fail-on', 'warn', 'pod.yaml'], { cwd }).stdout).toMatch(/^::error file=pod\.yaml,line=12,col=9,/);
  });

  it.each(['text', 'json', 'sarif', 'junit', 'github', 'markdown'])('--output-file writes the %s report to the file, and only the text summary to stdout', (format) => {
    const cwd = dir();
    const r = lint(['-o', format, '--output-file', 'report.out', 'pod.yaml'], { cwd });
    expect(r.code).toBe(1);
    // The closing block of the text format, nothing of the report itself.
    expect(r.stdout).not.toBe('');
    expect(lint(['pod.yaml'], { cwd }).stdout.endsWith(`\n\n${r.stdout}`)).toBe(true);
    const written = readFileSync(join(cwd, 'report.out'), 'utf8');
    const direct = lint(['-o', format, 'pod.yaml'], { cwd }).stdout;
    expect(written).toBe(direct);
    if (format === 'json' || format === 'sarif') expect(() => JSON.parse(written)).not.toThrow();
    if (format === 'text') expect(written).not.toMatch(/\x1b\[/);
  });

  it('-o is case-insensitive', () => {
    const cwd = dir();
    expect(() => JSON.parse(lint(['-o', 'JSON', 'pod.yaml'], { cwd }).stdout)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------
// Positions, for every bundled template

const TEMPLATE_FOLDERS = readdirSync(REGO, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(REGO, d.name, 'template.yaml')))
  .map((d) => d.name)
  .sort();

describe('positions', () => {
  it('there are 19 bundled templates, each with examples', () => {
    expect(TEMPLATE_FOLDERS).toHaveLength(19);
    for (const f of TEMPLATE_FOLDERS) expect(existsSync(join(REGO, f, 'examples/disallowed.yaml')), f).toBe(true);
  });

  describe.each(TEMPLATE_FOLDERS)('%s', (folder) => {
    const examples = join(REGO, folder, 'examples');
    const disallowed = readdirSync(examples).filter((f) => f.startsWith('disallowed')).sort();

    it.each(disallowed)('%s: each result at its offending field', (example) => {
      const cwd = workspace({ 'policy/constraint.yaml': readFileSync(join(examples, 'constraint.yaml'), 'utf8') });
      copyFileSync(join(examples, example), join(cwd, 'manifest.yaml'));
      const text = readFileSync(join(cwd, 'manifest.yaml'), 'utf8');
      const object = parse(text);
      const constraintName = parse(readFileSync(join(examples, 'constraint.yaml'), 'utf8')).metadata.name;

      const { code, report } = lintJson(['--policy', 'policy', 'manifest.yaml'], { cwd });
      expect(report.errors).toEqual([]);
      expect(report.sources).toHaveLength(1); // only the constraint under --policy
      expect(report.results.length).toBeGreaterThan(0);
      expect(code).toBe(1);
      for (const r of report.results) {
        const label = `${folder}/${example} ${r.path}`;
        expect(r.file).toBe('manifest.yaml');
        expect(r.constraint.name).toBe(constraintName);
        expect(r.fix, `${label}: a fix hint`).toMatch(/\S/);
        expectAtField(text, object, r, label);
        if (object.kind !== 'Pod') {
          // A workload: reviewed through its Pod, placed inside its pod template.
          expect(r.workload?.kind).toBe(object.kind);
          expect(r.path!.startsWith('spec.template.'), label).toBe(true);
          const templateLine = text.split('\n').findIndex((l) => /^ {2}template:/.test(l)) + 1;
          expect(r.line, label).toBeGreaterThan(templateLine);
        }
      }
    });

    it('disallowed.yaml wrapped in a Deployment: placed inside spec.template', () => {
      const pod = parse(readFileSync(join(examples, 'disallowed.yaml'), 'utf8'));
      expect(pod.kind).toBe('Pod');
      const labels = { ...(pod.metadata.labels ?? {}), app: 'wrapped' };
      const deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'wrapped', namespace: pod.metadata.namespace },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'wrapped' } },
          template: { metadata: { labels, ...(pod.metadata.annotations ? { annotations: pod.metadata.annotations } : {}) }, spec: pod.spec },
        },
      };
      const text = stringify(deployment);
      const cwd = workspace({ 'deploy.yaml': text, 'policy/constraint.yaml': readFileSync(join(examples, 'constraint.yaml'), 'utf8') });

      const { code, report } = lintJson(['--policy', 'policy', 'deploy.yaml'], { cwd });
      expect(code).toBe(1);
      expect(report.errors).toEqual([]);
      expect(report.results.length).toBeGreaterThan(0);
      const templateLine = text.split('\n').indexOf('  template:') + 1;
      expect(templateLine).toBeGreaterThan(0);
      for (const r of report.results) {
        const label = `${folder} in a Deployment: ${r.path}`;
        expect(r.workload).toMatchObject({ kind: 'Deployment', name: 'wrapped' });
        expect(r.path!.startsWith('spec.template.'), label).toBe(true);
        expect(r.line, label).toBeGreaterThan(templateLine);
        expectAtField(text, deployment, r, label);
      }
    });
  });

  it('with --env: the restricted preset places each finding at its field', () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: root
  namespace: shop
spec:
  hostNetwork: true
  volumes:
    - name: nfs
      nfs: { server: nfs.example, path: /export }
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        allowPrivilegeEscalation: true
        runAsUser: 0
        privileged: true
        seccompProfile:
          type: Unconfined
`;
    const cwd = workspace({ 'pod.yaml': text });
    const { code, report } = lintJson(['--env', 'restricted', 'pod.yaml'], { cwd });
    expect(code).toBe(1);
    const kinds = new Set(report.results.map((r) => r.constraint.kind));
    for (const k of ['K8sPSPHostNetworkingPorts', 'K8sPSPVolumeTypes', 'K8sPSPAllowPrivilegeEscalationContainer', 'K8sPSPAllowedUsers', 'K8sPSPPrivilegedContainer', 'K8sPSPSeccompV2']) {
      expect(kinds, k).toContain(k);
    }
    const object = parse(text);
    let exact = 0;
    for (const r of report.results) if (expectAtField(text, object, r, `${r.constraint.kind} ${r.path}`)) exact++;
    expect(exact).toBeGreaterThanOrEqual(6);
    const at = (kind: string) => report.results.find((r) => r.constraint.kind === kind)!;
    expect([at('K8sPSPHostNetworkingPorts').line, at('K8sPSPHostNetworkingPorts').column]).toEqual([7, 3]);
    expect(at('K8sPSPPrivilegedContainer').line).toBe(17);
    expect(at('K8sPSPAllowedUsers').line).toBe(16);
    expect(at('K8sPSPAllowPrivilegeEscalationContainer').line).toBe(15);
  });

  it('an object-level finding without a path is placed at the object’s first line', () => {
    const cwd = workspace({ 'pods.yaml': `# leading comment\n${CLEAN_POD}---\n${POD('blue')}` });
    mkdirSync(join(cwd, 'policy'));
    writeFileSync(join(cwd, 'policy/template.yaml'), readFileSync(join(FIXTURES, 'team-blue-template.yaml')));
    writeFileSync(
      join(cwd, 'policy/constraint.yaml'),
      PRIVILEGED_CONSTRAINT.replace('K8sPSPPrivilegedContainer', 'K8sNoBlue').replace('no-privileged', 'no-blue'),
    );
    const { report } = lintJson(['--policy', 'policy', 'pods.yaml'], { cwd });
    expect(report.errors).toEqual([]);
    expect(report.results).toHaveLength(1);
    // The second document starts at line 12 (1 comment + 9 lines + `---`).
    expect(report.results[0]).toMatchObject({ file: 'pods.yaml', line: 12, column: 1, object: { name: 'blue' } });
    expect(report.results[0]!.fix).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------
// Inputs

describe('inputs', () => {
  it('- reads standard input; results name the file -', () => {
    const { code, report } = lintJson(['-'], { cwd: workspace(), input: PRIVILEGED_POD });
    expect(code).toBe(1);
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ file: '-', line: 12, column: 9 });
    expect(report.summary).toMatchObject({ files: 1, objects: 1 });
  });

  it('- reads JSON from standard input, with stdin mixed with files', () => {
    const json = JSON.stringify(parse(HOSTPID_POD), null, 2);
    const cwd = workspace({ 'pod.yaml': PRIVILEGED_POD });
    const { code, report } = lintJson(['pod.yaml', '-'], { cwd, input: json });
    expect(code).toBe(1);
    const byFile = Object.fromEntries(report.results.map((r) => [r.file, r]));
    expect(byFile['pod.yaml']).toMatchObject({ line: 12, column: 9 });
    expect(byFile['-']).toMatchObject({ path: 'spec.hostPID', line: json.split('\n').findIndex((l) => l.includes('"hostPID"')) + 1 });
    expect(lineOf(json, byFile['-']!.line).indexOf('"hostPID"')).toBe(byFile['-']!.column - 1);
  });

  it('folders are read recursively; files other than YAML and JSON are skipped', () => {
    const cwd = workspace({
      'deploy/a/b/c/pod.yaml': PRIVILEGED_POD,
      'deploy/a/top.yml': HOSTPID_POD,
      'deploy/clean.YAML': CLEAN_POD,
      'deploy/README.md': '# not a manifest\nkind: Pod\n',
      'deploy/run.sh': 'echo hi\n',
      'deploy/notes.txt': 'spec: [broken\n',
      'deploy/.hidden/pod.yaml': PRIVILEGED_POD,
      'deploy/node_modules/x/pod.yaml': PRIVILEGED_POD,
    });
    const { code, report } = lintJson(['deploy'], { cwd });
    expect(code).toBe(1);
    expect(report.errors).toEqual([]);
    expect(report.summary).toMatchObject({ files: 3, objects: 3, byAction: { deny: 2 } });
    expect(report.results.map((r) => r.file).sort()).toEqual([join('deploy', 'a', 'b', 'c', 'pod.yaml'), join('deploy', 'a', 'top.yml')].sort());
  });

  it('globs are expanded (quoted, so offgate does it)', () => {
    const cwd = workspace({
      'apps/web/pod.yaml': PRIVILEGED_POD,
      'apps/db/pod.yaml': HOSTPID_POD,
      'apps/db/pod.json': JSON.stringify(parse(CLEAN_POD)),
      'other/pod.yaml': PRIVILEGED_POD,
    });
    const { code, report } = lintJson(['apps/**/*.yaml'], { cwd });
    expect(code).toBe(1);
    expect(report.summary).toMatchObject({ files: 2, objects: 2 });
    expect(report.results.map((r) => r.file).sort()).toEqual(['apps/db/pod.yaml', 'apps/web/pod.yaml']);
  });

  it('a glob that matches nothing is an input error (exit 2)', () => {
    const cwd = workspace({ 'pod.yaml': CLEAN_POD });
    const { code, report } = lintJson(['pod.yaml', 'nothing/*.yaml'], { cwd });
    expect(code).toBe(2);
    expect(report.errors).toEqual([expect.objectContaining({ file: 'nothing/*.yaml' })]);
    expect(report.summary.objects).toBe(1);
  });

  it('kind: List: each item is linted and placed in its own lines', () => {
    const list = `apiVersion: v1
kind: List
items:
  - ${CLEAN_POD.trimEnd().split('\n').join('\n    ')}
  - ${HOSTPID_POD.trimEnd().split('\n').join('\n    ')}
  - apiVersion: v1
    kind: PodList
    items:
      - ${PRIVILEGED_POD.trimEnd().split('\n').join('\n        ')}
`;
    const cwd = workspace({ 'list.yaml': list });
    const { code, report } = lintJson(['list.yaml'], { cwd });
    expect(code).toBe(1);
    expect(report.errors).toEqual([]);
    expect(report.summary.objects).toBe(3);
    const top = report.results.find((r) => r.object.name === 'top')!;
    const dind = report.results.find((r) => r.object.name === 'dind')!;
    expect(lineOf(list, top.line).trim()).toBe('hostPID: true');
    expect(lineOf(list, dind.line).trim()).toBe('privileged: true');
    expect(dind.line).toBeGreaterThan(top.line);
  });

  it('multi-document YAML: every document linted, each placed in its own lines; empty documents skipped', () => {
    const text = `---\n# nothing here\n---\n${PRIVILEGED_POD}---\n${CLEAN_POD}---\n${HOSTPID_POD}...\n`;
    const cwd = workspace({ 'all.yaml': text });
    const { code, report } = lintJson(['all.yaml'], { cwd });
    expect(code).toBe(1);
    expect(report.errors).toEqual([]);
    expect(report.summary).toMatchObject({ files: 1, objects: 3 });
    expect(report.results.map((r) => [r.object.name, lineOf(text, r.line).trim()])).toEqual(
      expect.arrayContaining([
        ['dind', 'privileged: true'],
        ['top', 'hostPID: true'],
      ]),
    );
  });

  it('JSON files: one object, and a kubectl-style List', () => {
    const pod = JSON.stringify(parse(HOSTPID_POD), null, 2);
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [parse(CLEAN_POD), parse(PRIVILEGED_POD)] }, null, '\t');
    const cwd = workspace({ 'pod.json': pod, 'list.json': list });
    const { code, report } = lintJson(['pod.json', 'list.json'], { cwd });
    expect(code).toBe(1);
    expect(report.errors).toEqual([]);
    expect(report.summary).toMatchObject({ files: 2, objects: 3 });
    const top = report.results.find((r) => r.file === 'pod.json')!;
    expect(lineOf(pod, top.line)).toContain('"hostPID": true');
    const dind = report.results.find((r) => r.file === 'list.json')!;
    expect(lineOf(list, dind.line)).toContain('"privileged": true');
    expect(lineOf(list, dind.line).indexOf('"privileged"')).toBe(dind.column - 1);
  });

  it('a missing file is an input error (exit 2); the other inputs are still linted', () => {
    const cwd = workspace({ 'pod.yaml': PRIVILEGED_POD });
    const { code, report } = lintJson(['pod.yaml', 'missing.yaml'], { cwd });
    expect(code).toBe(2);
    expect(report.errors).toEqual([expect.objectContaining({ file: 'missing.yaml' })]);
    expect(report.results).toHaveLength(1);
    const text = lint(['missing.yaml'], { cwd });
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/^missing\.yaml: error: /m);
  });

  it('no paths at all is a usage error (exit 2)', () => {
    const r = lint([], { cwd: workspace() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^offgate: lint: /);
  });
});

// ---------------------------------------------------------------------------
// Input errors and exit codes

describe('errors and exit codes', () => {
  it('bad YAML in one file: reported at file:line, the other files still linted, exit 2', () => {
    const bad = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\n  labels: [a\nspec: {}\n`;
    const cwd = workspace({ 'm/good.yaml': PRIVILEGED_POD, 'm/bad.yaml': bad, 'm/z.yaml': HOSTPID_POD });
    const { code, report } = lintJson(['m'], { cwd });
    expect(code).toBe(2);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ file: join('m', 'bad.yaml') });
    expect(report.errors[0]!.line).toBeGreaterThanOrEqual(5);
    expect(report.errors[0]!.line).toBeLessThanOrEqual(6);
    expect(report.results.map((r) => r.object.name).sort()).toEqual(['dind', 'top']);

    const text = lint(['m'], { cwd });
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(new RegExp(`^m/bad\\.yaml:${report.errors[0]!.line}:\\d+: error: \\S`, 'm'));
    expect(text.stdout).toContain('12:9');
  });

  it('bad YAML in one document of a multi-document file: the other documents are still linted', () => {
    const text = `${PRIVILEGED_POD}---\nkind: Pod\nmetadata: {name: x\n---\n${HOSTPID_POD}`;
    const cwd = workspace({ 'all.yaml': text });
    const { code, report } = lintJson(['all.yaml'], { cwd });
    expect(code).toBe(2);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]!.line).toBeGreaterThanOrEqual(14);
    expect(report.errors[0]!.line).toBeLessThanOrEqual(16);
    expect(report.results.map((r) => [r.object.name, lineOf(text, r.line).trim()]).sort()).toEqual([
      ['dind', 'privileged: true'],
      ['top', 'hostPID: true'],
    ]);
  });

  it('unknown --env: one line naming the environment (and the config file), exit 2', () => {
    const r = lint(['--env', 'prod', 'pod.yaml'], { cwd: workspace({ 'pod.yaml': CLEAN_POD }) });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^offgate: .*unknown environment "prod"/);

    const cwd = workspace({ 'offgate.yaml': 'environments:\n  production:\n    extends: restricted\n', 'pod.yaml': CLEAN_POD });
    const c = lint(['--env', 'prodution', 'pod.yaml'], { cwd });
    expect(c.code).toBe(2);
    expect(c.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(c.stderr).toMatch(/^offgate: offgate\.yaml: unknown environment "prodution".*did you mean "production"/);
  });

  it('unknown key in offgate.yaml: one line naming the file, position and key, exit 2', () => {
    const cwd = workspace({
      'offgate.yaml': 'environments:\n  default:\n    extends: baseline\n    restrictions:\n      privilegd-containers: true\n',
      'pod.yaml': CLEAN_POD,
    });
    for (const format of ['text', 'json']) {
      const r = lint(['-o', format, 'pod.yaml'], { cwd });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^offgate: offgate\.yaml:5:7: unknown key "privilegd-containers".*did you mean "privileged-containers"/);
    }
  });

  it('bad parameter type in --config FILE: one line naming the file and the parameter, exit 2', () => {
    const cwd = workspace({
      'conf/strict.yaml': 'environments:\n  prod:\n    restrictions:\n      host-network-ports: { hostNetwork: false, min: "80", max: 90 }\n',
      'pod.yaml': CLEAN_POD,
    });
    const r = lint(['--config', 'conf/strict.yaml', 'pod.yaml'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^offgate: conf\/strict\.yaml:4:\d+: parameter "min" .* must be of type integer/);
  });

  it('a --config file that does not exist, exit 2', () => {
    const r = lint(['--config', 'nope.yaml', 'pod.yaml'], { cwd: workspace({ 'pod.yaml': CLEAN_POD }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^offgate: .*nope\.yaml/);
  });

  it('unknown format and bad --fail-on are usage errors, exit 2', () => {
    const cwd = workspace({ 'pod.yaml': CLEAN_POD });
    const f = lint(['-o', 'xml', 'pod.yaml'], { cwd });
    expect(f.code).toBe(2);
    expect(f.stdout).toBe('');
    expect(f.stderr).toMatch(/^offgate: -o xml: unknown format \(one of text, json, sarif, junit, github, markdown\)\n$/);
    const w = lint(['--fail-on', 'dryrun', 'pod.yaml'], { cwd });
    expect(w.code).toBe(2);
    expect(w.stderr).toBe('offgate: --fail-on dryrun: must be deny, warn or none\n');
  });

  it('--namespace: where objects without a namespace land', () => {
    const cwd = workspace({
      'offgate.yaml': 'environments:\n  default:\n    extends: baseline\n    excludedNamespaces: [default]\n',
      'pod.yaml': PRIVILEGED_POD.replace('  namespace: ci\n', ''),
    });
    expect(lintJson(['pod.yaml'], { cwd }).report.results).toEqual([]);
    const other = lintJson(['--namespace', 'shop', 'pod.yaml'], { cwd });
    expect(other.code).toBe(1);
    expect(other.report.results[0]).toMatchObject({ line: 11, column: 9, object: { namespace: 'shop' } });
  });

  it('a clean run exits 0', () => {
    const r = lint(['pod.yaml'], { cwd: workspace({ 'pod.yaml': CLEAN_POD }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^no violations\nchecked 1 object in 1 file\nconstraints: /);
  });

  describe('warn and dryrun', () => {
    const config = `environments:
  watch:
    extends: baseline
    enforcementAction: warn
  rehearse:
    extends: baseline
    enforcementAction: dryrun
`;
    const cwd = () => workspace({ 'offgate.yaml': config, 'pod.yaml': PRIVILEGED_POD });

    it('warn-only environment: exit 0 by default, 1 with --fail-on warn', () => {
      const dir = cwd();
      const plain = lintJson(['--env', 'watch', 'pod.yaml'], { cwd: dir });
      expect(plain.code).toBe(0);
      expect(plain.report.results.map((r) => r.enforcementAction)).toEqual(['warn']);
      expect(plain.report.summary.byAction).toEqual({ warn: 1 });
      expect(lint(['--env', 'watch', '--fail-on', 'warn', 'pod.yaml'], { cwd: dir }).code).toBe(1);
      expect(lint(['--env', 'watch', '--fail-on', 'deny', 'pod.yaml'], { cwd: dir }).code).toBe(0);
    });

    it('dryrun never fails, even with --fail-on warn', () => {
      const dir = cwd();
      const plain = lintJson(['--env', 'rehearse', 'pod.yaml'], { cwd: dir });
      expect(plain.code).toBe(0);
      expect(plain.report.results.map((r) => r.enforcementAction)).toEqual(['dryrun']);
      expect(lint(['--env', 'rehearse', '--fail-on', 'warn', 'pod.yaml'], { cwd: dir }).code).toBe(0);
      for (const format of ['sarif', 'junit', 'github']) expect(lint(['-o', format, '--env', 'rehearse', '--fail-on', 'warn', 'pod.yaml'], { cwd: dir }).code).toBe(0);
    });

    it('dryrun and warn constraints under --policy do not fail the run', () => {
      const dir = workspace({
        'pod.yaml': PRIVILEGED_POD,
        'policy/c.yaml': PRIVILEGED_CONSTRAINT.replace('spec:\n', 'spec:\n  enforcementAction: dryrun\n'),
      });
      const r = lintJson(['--policy', 'policy', 'pod.yaml'], { cwd: dir });
      expect(r.report.results.map((x) => x.enforcementAction)).toEqual(['dryrun']);
      expect(r.code).toBe(0);
    });
  });
});

// ---------------------------------------------------------------------------
// Configuration

describe('configuration', () => {
  it('no offgate.yaml: the baseline preset, and the output says so', () => {
    const cwd = workspace({ 'pod.yaml': PRIVILEGED_POD });
    const r = lint(['pod.yaml'], { cwd });
    expect(unwrapped(r.stdout)).toMatch(/^constraints: bundled baseline preset \(no offgate\.yaml\)$/m);
    expect(r.stdout).toContain('offgate-baseline-privileged-containers');
    const { report } = lintJson(['pod.yaml'], { cwd });
    expect(report.sources).toHaveLength(1);
    expect(report.sources[0]).toMatch(/baseline/);
  });

  it('offgate.yaml is found in a parent directory of the working directory', () => {
    const root = workspace({
      'offgate.yaml': 'environments:\n  default:\n    extends: baseline\n    enforcementAction: warn\n',
      'apps/web/pod.yaml': PRIVILEGED_POD,
    });
    const cwd = join(root, 'apps/web');
    const r = lint(['pod.yaml'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('offgate-default-privileged-containers');
    expect(unwrapped(r.stdout)).toMatch(/^constraints: environment "default" of \.\.\/\.\.\/offgate\.yaml \(extends baseline\)$/m);
    expect(lintJson(['pod.yaml'], { cwd }).report.results[0]!.enforcementAction).toBe('warn');
  });

  it('--config FILE is used instead of any offgate.yaml found upward', () => {
    const cwd = workspace({
      'offgate.yaml': 'environments:\n  default:\n    extends: baseline\n    enforcementAction: warn\n',
      'ci/strict.yaml': 'environments:\n  ci:\n    extends: restricted\n',
      'pod.yaml': PRIVILEGED_POD,
    });
    const { code, report } = lintJson(['--config', 'ci/strict.yaml', 'pod.yaml'], { cwd });
    expect(code).toBe(1);
    expect(report.sources.join()).toContain('ci/strict.yaml');
    expect(report.results.every((r) => r.constraint.name.startsWith('offgate-ci-') && r.enforcementAction === 'deny')).toBe(true);
    expect(report.results.map((r) => r.constraint.kind)).toContain('K8sPSPAllowPrivilegeEscalationContainer'); // restricted only
  });

  it('presets by --env: restricted finds more than baseline', () => {
    // A pod baseline accepts and restricted refuses: it may escalate and may run as root.
    const cwd = workspace({ 'pod.yaml': CLEAN_POD });
    const baseline = lintJson(['--env', 'baseline', 'pod.yaml'], { cwd });
    expect(baseline.code).toBe(0);
    expect(baseline.report.sources).toHaveLength(1);
    const restricted = lintJson(['--env', 'restricted', 'pod.yaml'], { cwd });
    expect(restricted.code).toBe(1);
    expect(new Set(restricted.report.results.map((r) => r.constraint.kind))).toEqual(
      new Set(['K8sPSPAllowPrivilegeEscalationContainer', 'K8sPSPAllowedUsers', 'K8sPSPCapabilities', 'K8sPSPSeccompV2']),
    );
    expect(restricted.report.results.every((r) => r.constraint.name.startsWith('offgate-restricted-'))).toBe(true);
    expect(unwrapped(lint(['--env', 'restricted', 'pod.yaml'], { cwd }).stdout)).toMatch(/^constraints: bundled restricted preset$/m);
  });

  it('--env picks an environment; extends inherits restrictions and settings; several environments need --env or a default', () => {
    const config = `environments:
  production:
    extends: restricted
    restrictions:
      users: false
      read-only-root-filesystem: true
  staging:
    extends: production
    enforcementAction: warn
    restrictions:
      read-only-root-filesystem: false
`;
    const cwd = workspace({ 'offgate.yaml': config, 'pod.yaml': CLEAN_POD });

    const production = lintJson(['--env', 'production', 'pod.yaml'], { cwd });
    expect(production.code).toBe(1);
    const prodKinds = new Set(production.report.results.map((r) => r.constraint.kind));
    expect(prodKinds).toContain('K8sPSPReadOnlyRootFilesystem');
    expect(prodKinds).toContain('K8sPSPAllowPrivilegeEscalationContainer'); // from restricted
    expect(prodKinds).not.toContain('K8sPSPAllowedUsers'); // turned off
    expect(production.report.sources.join()).toMatch(/production.*offgate\.yaml.*restricted/);

    const staging = lintJson(['--env', 'staging', 'pod.yaml'], { cwd });
    expect(staging.code).toBe(0);
    const stagingKinds = new Set(staging.report.results.map((r) => r.constraint.kind));
    expect(stagingKinds).not.toContain('K8sPSPReadOnlyRootFilesystem');
    expect(stagingKinds).not.toContain('K8sPSPAllowedUsers');
    expect(stagingKinds).toContain('K8sPSPAllowPrivilegeEscalationContainer');
    expect(staging.report.results.every((r) => r.enforcementAction === 'warn' && r.constraint.name.startsWith('offgate-staging-'))).toBe(true);
    expect(unwrapped(lint(['--env', 'staging', 'pod.yaml'], { cwd }).stdout)).toMatch(/^constraints: environment "staging" of offgate\.yaml \(extends production → restricted\)$/m);

    // --env may still name a preset when a config exists.
    expect(lint(['--env', 'baseline', 'pod.yaml'], { cwd }).code).toBe(0);

    // Two environments and no `default`: --env is required.
    const none = lint(['pod.yaml'], { cwd });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^offgate: offgate\.yaml: several environments .*--env/);
  });

  it('an environment named default is used without --env', () => {
    const cwd = workspace({
      'offgate.yaml': 'environments:\n  other:\n    extends: restricted\n  default:\n    extends: baseline\n    excludedNamespaces: [ci]\n',
      'pod.yaml': PRIVILEGED_POD, // namespace ci
    });
    const r = lintJson(['pod.yaml'], { cwd });
    expect(r.code).toBe(0);
    expect(r.report.results).toEqual([]);
    expect(r.report.sources.join()).toMatch(/default/);
  });
});

// ---------------------------------------------------------------------------
// Where constraints come from

describe('constraint sources', () => {
  it('policy objects among the inputs are linted, not applied, and one line says so', () => {
    const cwd = workspace({ 'pod.yaml': `${PRIVILEGED_POD}---\n${HOSTPID_POD}`, 'policy/c.yaml': PRIVILEGED_CONSTRAINT });
    const { code, report } = lintJson(['pod.yaml', 'policy'], { cwd });
    expect(code).toBe(1);
    // The baseline preset applies (hostPID and privileged denied), not the constraint among the inputs.
    expect(report.results.map((r) => `${r.constraint.kind}/${r.constraint.name}`).sort()).toEqual([
      'K8sPSPHostNamespace/offgate-baseline-host-namespaces',
      'K8sPSPPrivilegedContainer/offgate-baseline-privileged-containers',
    ]);
    expect(report.sources).toEqual(['bundled baseline preset (no offgate.yaml)']);
    expect(report.warnings).toEqual(['1 policy object among the inputs was not applied; pass --policy DIR to use them']);
    expect(report.summary.objects).toBe(3); // the constraint is an object like any other
    const text = unwrapped(lint(['pod.yaml', 'policy'], { cwd }).stdout);
    expect(text).toMatch(/^warning: 1 policy object among the inputs was not applied; pass --policy DIR to use them$/m);
    expect(text).toMatch(/^constraints: bundled baseline preset \(no offgate\.yaml\)$/m);
  });

  it('the same constraint under --policy: only it applies, and the sources say what the folder brought', () => {
    const cwd = workspace({ 'pod.yaml': `${PRIVILEGED_POD}---\n${HOSTPID_POD}`, 'policy/c.yaml': PRIVILEGED_CONSTRAINT });
    const { code, report } = lintJson(['--policy', 'policy', 'pod.yaml'], { cwd });
    expect(code).toBe(1);
    // hostPID would be denied by baseline; baseline does not apply.
    expect(report.results.map((r) => `${r.constraint.kind}/${r.constraint.name}`)).toEqual(['K8sPSPPrivilegedContainer/no-privileged']);
    expect(report.results[0]).toMatchObject({ line: 12, column: 9 });
    expect(report.results[0]!.fix).toMatch(/privileged/); // bundled template: a fix hint
    expect(report.sources).toEqual(['--policy policy (1 Constraint)']);
    expect(report.warnings).toEqual([]);
  });

  it('--policy plus --env: both apply, both listed', () => {
    const cwd = workspace({ 'pod.yaml': `${PRIVILEGED_POD}---\n${HOSTPID_POD}`, 'policy/c.yaml': PRIVILEGED_CONSTRAINT });
    const { report } = lintJson(['--env', 'baseline', '--policy', 'policy', 'pod.yaml'], { cwd });
    const names = report.results.map((r) => r.constraint.name).sort();
    expect(names).toEqual(['no-privileged', 'offgate-baseline-host-namespaces', 'offgate-baseline-privileged-containers']);
    expect(report.sources).toEqual(['bundled baseline preset', '--policy policy (1 Constraint)']);
  });

  it('--policy plus an offgate.yaml: both apply', () => {
    const cwd = workspace({
      'offgate.yaml': 'environments:\n  default:\n    extends: baseline\n',
      'pod.yaml': HOSTPID_POD,
      'policy/c.yaml': PRIVILEGED_CONSTRAINT,
    });
    const { report } = lintJson(['--policy', 'policy', 'pod.yaml'], { cwd });
    expect(report.results.map((r) => r.constraint.name)).toEqual(['offgate-default-host-namespaces']);
    expect(report.sources).toHaveLength(2);
  });

  it('--policy DIR: its Constraints apply alone; its ConstraintTemplate replaces the bundled template of that kind', () => {
    const cwd = workspace({
      'gitops/templates/privileged.yaml': readFileSync(join(FIXTURES, 'team-blue-template.yaml'), 'utf8').replace(/K8sNoBlue/g, 'K8sPSPPrivilegedContainer').replace('k8snoblue', 'k8spspprivilegedcontainer'),
      'gitops/constraints/c.yaml': PRIVILEGED_CONSTRAINT,
      'gitops/README.md': 'not a manifest',
      'apps/pods.yaml': `${PRIVILEGED_POD}---\n${POD('blue')}---\n${HOSTPID_POD}`,
    });
    const { code, report } = lintJson(['--policy', 'gitops', '--', 'apps'], { cwd });
    expect(report.errors).toEqual([]);
    expect(code).toBe(1);
    // Only the user's template's verdict: team blue; not privileged (bundled), not hostPID (baseline).
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ object: { name: 'blue' }, constraint: { kind: 'K8sPSPPrivilegedContainer', name: 'no-privileged' } });
    expect(report.results[0]!.message).toContain('team blue');
    expect(report.results[0]!.fix).toBeUndefined(); // not a bundled template
    expect(report.sources).toEqual(['--policy gitops (1 ConstraintTemplate, 1 Constraint)']);
    expect(report.summary.files).toBe(1); // policy files are not manifest inputs

    // Without the user's template, the same constraint uses the bundled one.
    const bundled = workspace({ 'gitops/c.yaml': PRIVILEGED_CONSTRAINT, 'apps/pods.yaml': `${PRIVILEGED_POD}---\n${POD('blue')}` });
    // --policy takes one directory (repeatable): the paths after it are still what is linted.
    const b = lintJson(['--policy', 'gitops', 'apps'], { cwd: bundled });
    expect(b.report.results.map((r) => r.object.name)).toEqual(['dind']);
    expect(b.report.results[0]!.fix).toMatch(/privileged/);
  });

  it('a ConstraintTemplate among the inputs named after a bundled kind changes nothing, even under --env', () => {
    const cwd = workspace({
      'template.yaml': readFileSync(join(FIXTURES, 'team-blue-template.yaml'), 'utf8').replace(/K8sNoBlue/g, 'K8sPSPPrivilegedContainer').replace('k8snoblue', 'k8spspprivilegedcontainer'),
      'pods.yaml': `${PRIVILEGED_POD}---\n${POD('blue')}`,
    });
    const { code, report } = lintJson(['--env', 'baseline', '.'], { cwd });
    expect(code).toBe(1);
    const priv = report.results.filter((r) => r.constraint.kind === 'K8sPSPPrivilegedContainer');
    expect(priv.map((r) => r.object.name)).toEqual(['dind']); // the bundled template's verdict
    expect(report.warnings).toEqual(['1 policy object among the inputs was not applied; pass --policy DIR to use them']);
  });

  it('a user template of a new kind with its constraint among the inputs: linted, not applied', () => {
    const cwd = workspace({
      'template.yaml': readFileSync(join(FIXTURES, 'team-blue-template.yaml'), 'utf8'),
      'constraint.yaml': PRIVILEGED_CONSTRAINT.replace('K8sPSPPrivilegedContainer', 'K8sNoBlue').replace('no-privileged', 'no-blue'),
      'pods.yaml': `${PRIVILEGED_POD}---\n${POD('blue')}`,
    });
    const { code, report } = lintJson(['.'], { cwd });
    expect(code).toBe(1);
    expect(report.results.map((r) => `${r.constraint.kind}/${r.constraint.name} ${r.object.name}`)).toEqual(['K8sPSPPrivilegedContainer/offgate-baseline-privileged-containers dind']);
    expect(report.warnings).toEqual(['2 policy objects among the inputs were not applied; pass --policy DIR to use them']);
    // Under --policy they apply.
    const policy = workspace({
      'policy/template.yaml': readFileSync(join(FIXTURES, 'team-blue-template.yaml'), 'utf8'),
      'policy/constraint.yaml': PRIVILEGED_CONSTRAINT.replace('K8sPSPPrivilegedContainer', 'K8sNoBlue').replace('no-privileged', 'no-blue'),
      'pods.yaml': `${PRIVILEGED_POD}---\n${POD('blue')}`,
    });
    const p = lintJson(['--policy', 'policy', 'pods.yaml'], { cwd: policy });
    expect(p.report.results.map((r) => `${r.constraint.kind}/${r.constraint.name} ${r.object.name}`)).toEqual(['K8sNoBlue/no-blue blue']);
  });
});

describe('offgate lint: not Kubernetes objects, unknown commands', () => {
  it('a document without kind or apiVersion is an input error (exit 2)', () => {
    const r = offgate(['lint', '-'], { input: '{"apiVersion": "v1"}\n' });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^-:1:1: error: not a Kubernetes object: kind is not set$/m);
  });

  it('an unknown command or option is a usage error (exit 2)', () => {
    expect(offgate(['frobnicate']).code).toBe(2);
    expect(offgate(['lint', '--bogus', 'x']).code).toBe(2);
    expect(offgate(['--version']).code).toBe(0);
  });
});

describe('the bundle', () => {
  it('starts from the code cache the build recorded, which this Node accepts', () => {
    const dist = join(import.meta.dirname, '../dist');
    expect(existsSync(join(dist, 'offgate.cjs.cache'))).toBe(true);
    // What bin/offgate.js does, asking V8 whether it took the cache.
    const probe = `const { readFileSync } = require('node:fs'); const { Module } = require('node:module'); const { Script } = require('node:vm');
      const s = new Script(Module.wrap(readFileSync(${JSON.stringify(join(dist, 'offgate.cjs'))}, 'utf8')), { filename: ${JSON.stringify(join(dist, 'offgate.cjs'))}, cachedData: readFileSync(${JSON.stringify(join(dist, 'offgate.cjs.cache'))}) });
      process.stdout.write(String(s.cachedDataRejected));`;
    const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    expect(r.stdout).toBe('false');
  });
});
