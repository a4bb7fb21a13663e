// The output formats of `offgate lint`: each renders the same few representative reports.
import { createRequire } from 'node:module';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { FORMAT_NAMES, formats, isFormatName, type RenderOptions } from '../src/report/formats';
import type { Finding, InputError, ObjectRef, Report } from '../src/report/model';
import { summarize } from '../src/report/summary';

// ---------------------------------------------------------------------------------------
// Reports

const web: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };
const webPod: ObjectRef = { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-pod' };
const debugPod: ObjectRef = { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'debug' };
const builtIn = { expansion: 'offgate-expand-deployment', builtIn: true };

const findings: Finding[] = [
  {
    file: 'deploy/web.yaml',
    line: 21,
    column: 15,
    object: webPod,
    workload: { ...web, ...builtIn },
    constraint: { kind: 'K8sPSPPrivilegedContainer', name: 'psp-privileged-container' },
    enforcementAction: 'deny',
    message: 'Privileged container is not allowed: nginx',
    details: { path: 'spec.containers[0].securityContext.privileged' },
    path: 'spec.template.spec.containers[0].securityContext.privileged',
    fix: 'Set securityContext.privileged: false on the container.',
  },
  {
    file: 'deploy/web.yaml',
    line: 4,
    column: 3,
    object: web,
    constraint: { kind: 'K8sRequiredLabels', name: 'must-have-owner' },
    enforcementAction: 'warn',
    message: 'you must provide labels: {"owner"}',
    details: { missing_labels: ['owner'] },
  },
  {
    file: 'deploy/web.yaml',
    line: 24,
    column: 11,
    object: webPod,
    workload: { ...web, ...builtIn },
    constraint: { kind: 'K8sPSPAllowPrivilegeEscalationContainer', name: 'psp-ape' },
    enforcementAction: 'dryrun',
    message: 'Privilege escalation container is not allowed: nginx',
    details: {},
    path: 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
    fix: 'Set securityContext.allowPrivilegeEscalation: false on the container.',
  },
  {
    file: 'pods/debug.yaml',
    line: 6,
    column: 5,
    object: debugPod,
    constraint: { kind: 'K8sBroken', name: 'broken' },
    enforcementAction: 'deny',
    message: 'eval_conflict_error: functions must not produce multiple outputs for same inputs',
    details: null,
    evaluationError: true,
  },
  {
    file: 'pods/debug.yaml',
    line: 1,
    column: 1,
    object: debugPod,
    constraint: { kind: 'K8sPSPHostNamespace', name: 'psp-host-namespace' },
    enforcementAction: 'deny',
    message:
      'unable to match constraints: error matching the requested object: debug :failed to run Match criteria: namespace selector for namespace-scoped object but missing Namespace',
    details: undefined,
    autoreject: true,
  },
  {
    file: 'cluster/ns.yaml',
    line: 3,
    column: 3,
    object: { apiVersion: 'v1', kind: 'Namespace', name: 'shop' },
    constraint: { kind: 'K8sRequiredLabels', name: 'ns-must-have-team' },
    enforcementAction: 'scoped',
    scopedActions: ['warn'],
    message: 'label "team" must match 50%, not a,b:c <&>\nsecond line\x1b[31m',
    details: {},
  },
];

const errors: InputError[] = [
  { file: 'broken.yaml', line: 4, column: 3, message: 'bad indentation of a mapping entry' },
  { file: 'policy/templates.yaml', message: 'ConstraintTemplate k8sfoo: rego_parse_error: unexpected eof' },
];

const mixed: Report = {
  version: '0.1.0',
  sources: ['bundled:baseline', 'policy:./gitops/constraints'],
  findings,
  errors,
  warnings: ['constraint K8sRequiredLabels/ns-must-have-team: spec.match.namespaceSelector matches no Namespace in the inputs'],
  summary: summarize({ findings, errors, files: 4, objects: 5 }),
};

const empty: Report = {
  version: '0.1.0',
  sources: ['bundled:baseline'],
  findings: [],
  errors: [],
  warnings: [],
  summary: summarize({ findings: [], errors: [], files: 4, objects: 12 }),
};

const onlyErrors: Report = { ...empty, sources: [], errors: [errors[0]!], summary: summarize({ findings: [], errors: [errors[0]!], files: 1, objects: 0 }) };

const reports = { mixed, empty, onlyErrors };
const plain: RenderOptions = { color: false, failOn: 'deny', cwd: '/repo' };

// ---------------------------------------------------------------------------------------

describe('summary', () => {
  it('counts findings per effective action, most severe first', () => {
    expect(mixed.summary).toEqual({ files: 4, objects: 5, skipped: 0, byAction: { deny: 3, warn: 2, dryrun: 1 }, errors: 2 });
    expect(Object.keys(mixed.summary.byAction)).toEqual(['deny', 'warn', 'dryrun']);
  });
});

describe('the format table', () => {
  it('names every format', () => {
    expect(FORMAT_NAMES).toEqual(['text', 'json', 'sarif', 'junit', 'github', 'markdown']);
    expect(isFormatName('sarif')).toBe(true);
    expect(isFormatName('toString')).toBe(false);
  });

  it('uses colour only in text, and only when asked', () => {
    for (const name of FORMAT_NAMES) {
      for (const report of Object.values(reports)) {
        expect(formats[name](report, plain)).not.toContain('\x1b');
        const coloured = formats[name](report, { ...plain, color: true });
        if (name === 'text') expect(coloured).toContain('\x1b[');
        else expect(coloured).not.toContain('\x1b');
      }
    }
  });

  it('renders deterministically, ending with a newline', () => {
    for (const name of FORMAT_NAMES) {
      for (const report of Object.values(reports)) {
        const out = formats[name](report, plain);
        expect(out.endsWith('\n')).toBe(true);
        expect(formats[name](structuredClone(report), plain)).toBe(out);
      }
    }
  });
});

describe('text', () => {
  it('opens each finding with path:line:col, wraps to 80 columns, lists input errors and sums up', () => {
    expect(formats.text(mixed, plain)).toBe(
      [
        ...[
        'cluster/ns.yaml:3:3: warn Namespace shop: label "team" must match 50%, not a,b:c',
        '    <&>\\nsecond line\\x1b[31m [K8sRequiredLabels/ns-must-have-team]',
        '',
        'deploy/web.yaml:4:3: warn Deployment shop/web: you must provide labels:',
        '    {"owner"} [K8sRequiredLabels/must-have-owner]',
        '',
        'deploy/web.yaml:21:15: deny Deployment shop/web: Privileged container is not',
        '    allowed: nginx [K8sPSPPrivilegedContainer/psp-privileged-container]',
        '  pods of Deployment shop/web would be rejected at creation',
        '  fix: Set securityContext.privileged: false on the container.',
        '',
        'deploy/web.yaml:24:11: dryrun Deployment shop/web: Privilege escalation',
        '    container is not allowed: nginx',
        '    [K8sPSPAllowPrivilegeEscalationContainer/psp-ape]',
        '  pods of Deployment shop/web would be admitted at creation (dryrun: the',
        '    violation is only recorded)',
        '  fix: Set securityContext.allowPrivilegeEscalation: false on the container.',
        '',
        'pods/debug.yaml:1:1: deny Pod shop/debug: unable to match constraints: error',
        '    matching the requested object: debug :failed to run Match criteria:',
        '    namespace selector for namespace-scoped object but missing Namespace',
        '    [K8sPSPHostNamespace/psp-host-namespace]',
        '  the constraint could not be matched against this object (e.g. its',
        '    namespaceSelector needs a Namespace no input describes); Gatekeeper rejects',
        '    it',
        '',
        'pods/debug.yaml:6:5: deny Pod shop/debug: eval_conflict_error: functions must',
        '    not produce multiple outputs for same inputs [K8sBroken/broken]',
        '  the template itself failed on this object; a cluster running the Rego engine',
        '    rejects it',
        '',
        'broken.yaml:4:3: error: bad indentation of a mapping entry',
        'policy/templates.yaml: error: ConstraintTemplate k8sfoo: rego_parse_error:',
        '    unexpected eof',
        'warning: constraint K8sRequiredLabels/ns-must-have-team:',
        '    spec.match.namespaceSelector matches no Namespace in the inputs',
        '',
        '  constraint kind                          findings',
        '  K8sRequiredLabels                        2 warnings',
        '  K8sBroken                                1 denied',
        '  K8sPSPAllowPrivilegeEscalationContainer  1 dry-run',
        '  K8sPSPHostNamespace                      1 denied',
        '  K8sPSPPrivilegedContainer                1 denied',
        '',
        '1 workload and 1 object would be rejected (3 findings)',
        '1 workload and 1 object would be admitted with warnings (2 findings)',
        '1 workload would be admitted, the violations only recorded (dryrun: 1 finding)',
        '2 input errors: not everything could be checked',
        'checked 5 objects in 4 files',
        'constraints: bundled baseline preset, ./gitops/constraints',
      ],
        '',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to report', () => {
    expect(formats.text(empty, plain)).toBe('no violations\nchecked 12 objects in 4 files\nconstraints: bundled baseline preset\n');
    expect(formats.text(onlyErrors, plain)).toBe(
      'broken.yaml:4:3: error: bad indentation of a mapping entry\n\nno violations\n1 input error: not everything could be checked\nchecked 0 objects in 1 file\nconstraints: none\n',
    );
  });

  it('shows the field, the reviewed Pod and the details when verbose', () => {
    const out = formats.text({ ...mixed, findings: [findings[0]!, findings[5]!] }, { ...plain, verbose: true });
    expect(out).toContain(
      [
        '  pods of Deployment shop/web would be rejected at creation',
        '  at spec.template.spec.containers[0].securityContext.privileged',
        '  reviewed as Pod shop/web-pod (built-in expansion offgate-expand-deployment)',
        '  details: {"path":"spec.containers[0].securityContext.privileged"}',
        '  fix: Set securityContext.privileged: false on the container.',
      ].join('\n'),
    );
    expect(out).toContain('\n  enforcementAction scoped: warn\n');
  });

  it('colours places, actions and the verdict, a run of words at a time', () => {
    const out = formats.text(mixed, { ...plain, color: true });
    expect(out).toContain('\x1b[1mdeploy/web.yaml:21:15:\x1b[22m \x1b[31mdeny\x1b[39m Deployment shop/web:');
    expect(out).toContain('\x1b[33mwarn\x1b[39m');
    expect(out).toContain('\n  \x1b[2mpods of Deployment shop/web would be rejected at creation\x1b[22m\n');
    expect(out).toContain('\x1b[1m\x1b[31m1 workload and 1 object would be rejected (3 findings)\x1b[39m\x1b[22m');
    expect(out).toContain('\x1b[1m\x1b[33m1 workload and 1 object would be admitted with warnings (2 findings)\x1b[39m\x1b[22m');
    expect(formats.text(empty, { ...plain, color: true })).toContain('\x1b[32mno violations');
  });
});

describe('json', () => {
  const doc = JSON.parse(formats.json(mixed, plain));

  it('has the documented keys, in order, with 2-space indentation', () => {
    const out = formats.json(mixed, plain);
    expect(out.startsWith('{\n  "version": "0.1.0",\n')).toBe(true);
    expect(Object.keys(doc)).toEqual(['version', 'sources', 'results', 'errors', 'warnings', 'skipped', 'summary']);
    expect(Object.keys(doc.results[0])).toEqual(['file', 'line', 'column', 'object', 'workload', 'constraint', 'enforcementAction', 'message', 'details', 'path', 'fix']);
    expect(Object.keys(doc.results[0].object)).toEqual(['apiVersion', 'kind', 'namespace', 'name']);
    expect(Object.keys(doc.results[0].workload)).toEqual(['apiVersion', 'kind', 'namespace', 'name', 'expansion', 'builtIn']);
    expect(Object.keys(doc.summary)).toEqual(['files', 'objects', 'skipped', 'byAction', 'errors']);
    expect(Object.keys(doc.errors[1])).toEqual(['file', 'line', 'column', 'message']);
  });

  it('keeps every finding, with null for what is unknown', () => {
    expect(doc.results).toHaveLength(findings.length);
    expect(doc.results[1]).toEqual({
      file: 'deploy/web.yaml',
      line: 4,
      column: 3,
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      constraint: { kind: 'K8sRequiredLabels', name: 'must-have-owner' },
      enforcementAction: 'warn',
      message: 'you must provide labels: {"owner"}',
      details: { missing_labels: ['owner'] },
    });
    expect(doc.results[3].evaluationError).toBe(true);
    expect(doc.results[4]).toMatchObject({ details: null, autoreject: true });
    expect(doc.results[5]).toMatchObject({ object: { namespace: null, name: 'shop' }, enforcementAction: 'scoped', scopedActions: ['warn'] });
    expect(Object.keys(doc.results[5])).toEqual(['file', 'line', 'column', 'object', 'constraint', 'enforcementAction', 'scopedActions', 'message', 'details']);
    expect(doc.errors[1]).toEqual({ file: 'policy/templates.yaml', line: null, column: null, message: errors[1]!.message });
    expect(doc.summary).toEqual(mixed.summary);
    expect(doc.warnings).toEqual(mixed.warnings);
  });

  it('renders an empty report', () => {
    expect(JSON.parse(formats.json(empty, plain))).toEqual({
      version: '0.1.0',
      sources: ['bundled:baseline'],
      results: [],
      errors: [],
      warnings: [],
      skipped: [],
      summary: { files: 4, objects: 12, skipped: 0, byAction: {}, errors: 0 },
    });
  });
});

describe('sarif', () => {
  const require = createRequire(import.meta.url);
  // The official SARIF 2.1.0 schema (draft-04), as shipped by Microsoft's SARIF SDK. Its
  // `language` pattern is not a valid unicode-mode regular expression.
  const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  const render = (report: Report, opts: RenderOptions = plain) => JSON.parse(formats.sarif(report, opts));

  it('validates against the SARIF 2.1.0 schema', () => {
    for (const report of Object.values(reports)) {
      const log = render(report);
      expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    }
  });

  it('has one rule per template kind, results at the offending field with levels per action', () => {
    const run = render(mixed).runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'offgate', version: '0.1.0' });
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      'K8sBroken',
      'K8sPSPAllowPrivilegeEscalationContainer',
      'K8sPSPHostNamespace',
      'K8sPSPPrivilegedContainer',
      'K8sRequiredLabels',
    ]);
    expect(run.tool.driver.rules[4].properties.constraints).toEqual(['must-have-owner', 'ns-must-have-team']);
    expect(run.tool.driver.rules[3].help.text).toBe('Set securityContext.privileged: false on the container.');

    const r = run.results;
    expect(r.map((x: { ruleId: string }) => x.ruleId)).toEqual(findings.map((f) => f.constraint.kind));
    expect(r.map((x: { level: string }) => x.level)).toEqual(['error', 'warning', 'note', 'error', 'error', 'warning']);
    for (const x of r) expect(run.tool.driver.rules[x.ruleIndex].id).toBe(x.ruleId);
    expect(r[0].locations).toEqual([{ physicalLocation: { artifactLocation: { uri: 'deploy/web.yaml' }, region: { startLine: 21, startColumn: 15 } } }]);
    expect(r[0].message.text).toBe(
      'Deployment shop/web: Privileged container is not allowed: nginx\npods of Deployment shop/web would be rejected at creation\nconstraint: K8sPSPPrivilegedContainer/psp-privileged-container (deny)',
    );
  });

  it('makes locations relative, with forward slashes, percent-encoded', () => {
    const at = (file: string) => ({ ...mixed, findings: [{ ...findings[1]!, file }], errors: [] });
    const uri = (file: string) => render(at(file)).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
    expect(uri('./deploy/web.yaml')).toBe('deploy/web.yaml');
    expect(uri('/repo/deploy/my app.yaml')).toBe('deploy/my%20app.yaml');
    expect(uri('deploy\\web.yaml')).toBe('deploy/web.yaml');
    expect(uri('/elsewhere/web.yaml')).toBe('file:///elsewhere/web.yaml');
  });

  it('fingerprints findings stably, without their line', () => {
    const prints = (report: Report) => render(report).runs[0].results.map((x: { partialFingerprints: Record<string, string> }) => Object.values(x.partialFingerprints)[0]);
    const first = prints(mixed);
    expect(new Set(first).size).toBe(first.length);
    const moved = { ...mixed, findings: findings.map((f) => ({ ...f, line: f.line + 10 })) };
    expect(prints(moved)).toEqual(first);
    const twice = { ...mixed, findings: [findings[1]!, findings[1]!] };
    const [a, b] = prints(twice);
    expect(a).not.toBe(b);
    expect(a!.split(':')[0]).toBe(b!.split(':')[0]);
  });

  it('reports input errors and warnings as tool execution notifications', () => {
    const inv = render(mixed).runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: 'bad indentation of a mapping entry' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'broken.yaml' }, region: { startLine: 4, startColumn: 3 } } }],
        descriptor: { id: 'input-error' },
      },
      {
        level: 'error',
        message: { text: errors[1]!.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'policy/templates.yaml' } } }],
        descriptor: { id: 'input-error' },
      },
      { level: 'warning', message: { text: mixed.warnings[0] }, descriptor: { id: 'warning' } },
    ]);
    expect(render(empty).runs[0]).toMatchObject({ invocations: [{ executionSuccessful: true }], results: [] });
  });
});

describe('junit', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true, isArray: (name) => ['testsuite', 'testcase'].includes(name) });
  type Case = { name: string; classname: string; line?: string; failure?: { message: string; type: string; '#text': string }; error?: unknown; 'system-out'?: string };
  type Suite = { name: string; tests: string; failures: string; errors: string; testcase: Case[] };
  const parse = (xml: string) => {
    expect(XMLValidator.validate(xml)).toBe(true);
    return parser.parse(xml).testsuites as { tests: string; failures: string; errors: string; testsuite: Suite[] };
  };

  it('is well-formed XML with a suite per file and the right counts', () => {
    const doc = parse(formats.junit(mixed, plain));
    expect([doc.tests, doc.failures, doc.errors]).toEqual(['9', '3', '2']);
    const suites = doc.testsuite.map((s) => [s.name, s.tests, s.failures, s.errors]);
    expect(suites).toEqual([
      ['deploy/web.yaml', '3', '1', '0'],
      ['pods/debug.yaml', '2', '2', '0'],
      ['cluster/ns.yaml', '1', '0', '0'],
      ['broken.yaml', '1', '0', '1'],
      ['policy/templates.yaml', '1', '0', '1'],
      ['offgate', '1', '0', '0'],
    ]);
  });

  it('fails the failing findings, passes the others with their text', () => {
    const [web, , ns] = parse(formats.junit(mixed, plain)).testsuite;
    expect(web!.testcase.map((c) => c.name)).toEqual([
      '4:3 Deployment shop/web: K8sRequiredLabels/must-have-owner',
      '21:15 Deployment shop/web: K8sPSPPrivilegedContainer/psp-privileged-container',
      '24:11 Deployment shop/web: K8sPSPAllowPrivilegeEscalationContainer/psp-ape',
    ]);
    const deny = web!.testcase[1]!;
    expect(deny).toMatchObject({ classname: 'deploy/web.yaml', line: '21' });
    expect(deny.failure).toMatchObject({ type: 'deny', message: 'Deployment shop/web: Privileged container is not allowed: nginx' });
    expect(deny.failure!['#text']).toContain('pods of Deployment shop/web would be rejected at creation\nconstraint: K8sPSPPrivilegedContainer/psp-privileged-container');
    expect(web!.testcase[0]!.failure).toBeUndefined();
    expect(web!.testcase[0]!['system-out']).toContain('deploy/web.yaml:4:3  warn  Deployment shop/web: you must provide labels');
    // Escaped and round-tripped: quotes, <&>, the newline; the escape character made visible.
    expect(ns!.testcase[0]!['system-out']).toContain('label "team" must match 50%, not a,b:c <&>\nsecond line\\x1b[31m');
  });

  it('fails warnings with --fail-on warn', () => {
    expect(parse(formats.junit(mixed, { ...plain, failOn: 'warn' })).failures).toBe('5');
  });

  it('escapes attributes, including newlines', () => {
    const xml = formats.junit(mixed, plain);
    expect(xml).toContain('file="cluster/ns.yaml"');
    const ns = parse(xml).testsuite[2]!.testcase[0]!;
    expect(ns.name).toBe('3:3 Namespace shop: K8sRequiredLabels/ns-must-have-team');
    const failed = parse(formats.junit(mixed, { ...plain, failOn: 'warn' })).testsuite[2]!.testcase[0]!;
    expect(failed.failure!.message).toBe('Namespace shop: label "team" must match 50%, not a,b:c <&>\nsecond line\\x1b[31m');
  });

  it('shows a passing test for a clean run', () => {
    const doc = parse(formats.junit(empty, plain));
    expect([doc.tests, doc.failures, doc.errors]).toEqual(['1', '0', '0']);
    expect(doc.testsuite[0]!.testcase[0]!['system-out']).toBe('no violations · 12 objects in 4 files\nconstraints: bundled baseline preset');
  });
});

describe('github', () => {
  it('annotates each input error and finding at its place, escaping data and properties', () => {
    expect(formats.github(mixed, plain)).toBe(
      [
        ...[
        '::error file=broken.yaml,line=4,col=3,title=offgate%3A input error::bad indentation of a mapping entry',
        '::error file=policy/templates.yaml,title=offgate%3A input error::ConstraintTemplate k8sfoo: rego_parse_error: unexpected eof',
        '::error file=deploy/web.yaml,line=21,col=15,title=K8sPSPPrivilegedContainer/psp-privileged-container::Deployment shop/web: Privileged container is not allowed: nginx%0Apods of Deployment shop/web would be rejected at creation%0Afix: Set securityContext.privileged: false on the container.',
        '::warning file=deploy/web.yaml,line=4,col=3,title=K8sRequiredLabels/must-have-owner::Deployment shop/web: you must provide labels: {"owner"}',
        '::notice file=deploy/web.yaml,line=24,col=11,title=K8sPSPAllowPrivilegeEscalationContainer/psp-ape::Deployment shop/web: Privilege escalation container is not allowed: nginx%0Apods of Deployment shop/web would be admitted at creation (dryrun: the violation is only recorded)%0Afix: Set securityContext.allowPrivilegeEscalation: false on the container.',
        '::error file=pods/debug.yaml,line=6,col=5,title=K8sBroken/broken::Pod shop/debug: eval_conflict_error: functions must not produce multiple outputs for same inputs%0Athe template itself failed on this object; a cluster running the Rego engine rejects it',
        '::error file=pods/debug.yaml,line=1,col=1,title=K8sPSPHostNamespace/psp-host-namespace::Pod shop/debug: unable to match constraints: error matching the requested object: debug :failed to run Match criteria: namespace selector for namespace-scoped object but missing Namespace%0Athe constraint could not be matched against this object (e.g. its namespaceSelector needs a Namespace no input describes); Gatekeeper rejects it',
        '::warning file=cluster/ns.yaml,line=3,col=3,title=K8sRequiredLabels/ns-must-have-team::Namespace shop: label "team" must match 50%25, not a,b:c <&>%0Asecond line\\x1b[31m',
        '::warning title=offgate::constraint K8sRequiredLabels/ns-must-have-team: spec.match.namespaceSelector matches no Namespace in the inputs',
        '1 workload and 1 object would be rejected (3 findings)',
        '1 workload and 1 object would be admitted with warnings (2 findings)',
        '1 workload would be admitted, the violations only recorded (dryrun: 1 finding)',
        '2 input errors: not everything could be checked',
        'checked 5 objects in 4 files',
        'constraints: bundled baseline preset, ./gitops/constraints',
      ],
        '',
      ].join('\n'),
    );
  });

  it('escapes commas, colons, percents and line breaks in properties', () => {
    const odd: Report = {
      ...empty,
      findings: [{ ...findings[1]!, file: '/repo/a,b:c%d.yaml', constraint: { kind: 'K', name: 'x\r\ny' }, message: 'm\r\n' }],
    };
    expect(formats.github(odd, plain).split('\n')[0]).toBe('::warning file=a%2Cb%3Ac%25d.yaml,line=4,col=3,title=K/x%0D%0Ay::Deployment shop/web: m%0D%0A');
  });

  it('makes failing warnings errors with --fail-on warn', () => {
    const out = formats.github(mixed, { ...plain, failOn: 'warn' });
    expect(out.split('\n').filter((l) => l.startsWith('::error')).length).toBe(7);
    expect(out).not.toContain('::warning file=');
  });

  it('annotates nothing for a clean run', () => {
    expect(formats.github(empty, plain)).toBe('no violations\nchecked 12 objects in 4 files\nconstraints: bundled baseline preset\n');
  });
});
