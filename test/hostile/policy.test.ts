// Policy comes only from where the user said (issue 11): `--env`/offgate.yaml and `--policy`.
// ConstraintTemplates, Constraints, ExpansionTemplates and Gatekeeper Configs among the
// linted files (written by whoever opened the pull request) are linted as objects, never
// applied; under --policy, a template cannot replace a bundled one the environment uses, and
// only the Config Gatekeeper reads counts. Each test asserts the verdicts and exit code
// through the built CLI, and that the other files' findings survive.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/lint';
import { offgate } from '../helpers/cli';
import { unwrapped } from '../helpers/text';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-policy-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

interface Report {
  sources: string[];
  results: { file: string; object: { kind: string; namespace: string | null; name: string | null }; constraint: { kind: string; name: string }; enforcementAction: string; message: string }[];
  errors: { file: string; line: number | null; column: number | null; message: string }[];
  warnings: string[];
}

function lintJson(args: string[], cwd: string): { code: number; report: Report; text: string } {
  const r = offgate(['lint', '-o', 'json', ...args], { cwd });
  expect(r.stdout, r.stderr).not.toBe('');
  // The text report with its wrapped lines joined: whole lines are looked for.
  return { code: r.code, report: JSON.parse(r.stdout) as Report, text: unwrapped(offgate(['lint', ...args], { cwd }).stdout) };
}

const verdicts = (r: Report) => r.results.map((x) => `${x.file} ${x.object.namespace}/${x.object.name} ${x.constraint.kind}`).sort();

/** Denied by the restricted preset five ways (privileged, host network, escalation, root, seccomp, capabilities). */
const BAD_POD = (name: string, ns = 'shop') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  hostNetwork: true
  containers:
    - name: c
      image: nginx
      securityContext:
        privileged: true
`;

const TEAM_BLUE = readFileSync(join(__dirname, '../lint-fixtures/team-blue-template.yaml'), 'utf8');
/** The fixture template under a bundled kind: it refuses only objects named blue. */
const FAKE_PRIVILEGED_TEMPLATE = TEAM_BLUE.replace(/K8sNoBlue/g, 'K8sPSPPrivilegedContainer').replace('k8snoblue', 'k8spspprivilegedcontainer');

const CONFIG = (name: string, namespace: string, excluded: string[]) => `apiVersion: config.gatekeeper.sh/v1alpha1
kind: Config
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  match:
    - excludedNamespaces: ${JSON.stringify(excluded)}
      processes: ["*"]
`;

const NOT_APPLIED = (n: number) => `${n} policy object${n === 1 ? '' : 's'} among the inputs ${n === 1 ? 'was' : 'were'} not applied; pass --policy DIR to use them`;

describe('policy objects among the linted files are not applied', { timeout: 60_000 }, () => {
  it('a ConstraintTemplate named after a bundled kind does not replace the bundled template under --env', () => {
    const cwd = workspace({ 'pods.yaml': BAD_POD('bad'), 'other.yaml': BAD_POD('other', 'ops'), 'sneaky.yaml': FAKE_PRIVILEGED_TEMPLATE });
    const before = lintJson(['--env', 'restricted', 'pods.yaml', 'other.yaml'], cwd);
    const after = lintJson(['--env', 'restricted', 'pods.yaml', 'other.yaml', 'sneaky.yaml'], cwd);
    expect(before.code).toBe(1);
    expect(after.code).toBe(1);
    expect(verdicts(after.report)).toEqual(verdicts(before.report));
    expect(verdicts(after.report)).toContain('pods.yaml shop/bad K8sPSPPrivilegedContainer');
    expect(after.report.warnings).toEqual([NOT_APPLIED(1)]);
    expect(after.report.sources).toEqual(['bundled restricted preset']);
    expect(after.text).toMatch(new RegExp(`^warning: ${NOT_APPLIED(1)}$`, 'm'));
    expect(after.text).toMatch(/^constraints: bundled restricted preset$/m);
  });

  it('a Config named config, in any namespace, with excludedNamespaces ["*"] skips nothing', () => {
    for (const ns of ['gatekeeper-system', 'shop', 'evil']) {
      const cwd = workspace({ 'pods.yaml': BAD_POD('bad'), 'other.yaml': BAD_POD('other', 'ops'), 'config.yaml': CONFIG('config', ns, ['*']) });
      const before = lintJson(['--env', 'restricted', 'pods.yaml', 'other.yaml'], cwd);
      const after = lintJson(['--env', 'restricted', '.'], cwd);
      expect(after.code, ns).toBe(1);
      expect(verdicts(after.report), ns).toEqual(verdicts(before.report));
      expect(after.report.results.length, ns).toBeGreaterThanOrEqual(10);
      expect(after.report.warnings, ns).toEqual([NOT_APPLIED(1)]);
    }
  });

  it('Constraints, templates and ExpansionTemplates among the inputs: the environment alone decides; they are reviewed as objects', () => {
    const expansion = `apiVersion: expansion.gatekeeper.sh/v1alpha1
kind: ExpansionTemplate
metadata:
  name: expand-widgets
spec:
  applyTo:
    - groups: ["example.com"]
      versions: ["v1"]
      kinds: ["Widget"]
  templateSource: spec.podTemplate
  generatedGVK: {kind: Pod, group: "", version: v1}
`;
    const widget = `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  namespace: shop
spec:
  podTemplate:
    spec:
      containers: [{name: c, image: x, securityContext: {privileged: true}}]
`;
    const exemptAll = `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPSPPrivilegedContainer
metadata:
  name: offgate-restricted-privileged-containers
spec:
  enforcementAction: dryrun
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
    excludedNamespaces: ["*"]
`;
    const cwd = workspace({ 'pods.yaml': BAD_POD('bad'), 'widget.yaml': widget, 'x/expansion.yaml': expansion, 'x/constraint.yaml': exemptAll, 'x/template.yaml': TEAM_BLUE });
    const r = lintJson(['--env', 'restricted', '.'], cwd);
    expect(r.code).toBe(1);
    // The environment's constraint of the same name is not replaced: the Pod is still denied, and the Widget is not expanded.
    expect(r.report.results.filter((x) => x.constraint.kind === 'K8sPSPPrivilegedContainer').map((x) => `${x.object.name} ${x.enforcementAction}`)).toEqual(['bad deny']);
    expect(r.report.results.some((x) => x.object.name === 'w-pod')).toBe(false);
    // ...and, its ExpansionTemplate not applied, the Widget's pod template is said to be unchecked.
    expect(r.report.warnings).toEqual([
      NOT_APPLIED(3),
      'widget.yaml:1:1: Widget/shop/w has a pod template offgate does not expand (spec.podTemplate.spec): its pods were not checked; add an ExpansionTemplate under --policy',
    ]);
    expect(r.report.errors).toEqual([]);

    // The same three under --policy apply: the Widget's Pod is generated and judged, the Constraint (a kind the environment does not use) applies.
    const mine = exemptAll.replace('offgate-restricted-privileged-containers', 'mine').replace('    excludedNamespaces: ["*"]\n', '');
    const p = workspace({ 'pods.yaml': BAD_POD('bad'), 'widget.yaml': widget, 'policy/expansion.yaml': expansion, 'policy/template.yaml': TEAM_BLUE, 'policy/c.yaml': mine });
    const q = lintJson(['--policy', 'policy', 'pods.yaml', 'widget.yaml'], p);
    expect(q.report.errors).toEqual([]);
    expect(q.report.warnings).toEqual([]);
    expect(q.report.sources).toEqual(['--policy policy (1 ConstraintTemplate, 1 Constraint, 1 ExpansionTemplate)']);
    expect(q.report.results.map((x) => `${x.object.name} ${x.constraint.name} ${x.enforcementAction}`).sort()).toEqual(['bad mine dryrun', 'w-pod mine dryrun']);
    expect(q.code).toBe(0);
  });

  it('objects that look like policy but are not read as such (mutators, other groups) are ordinary objects', () => {
    const cwd = workspace({ 'pods.yaml': BAD_POD('bad'), 'x.yaml': 'apiVersion: templates.example.com/v1\nkind: ConstraintTemplate\nmetadata:\n  name: x\n' });
    const r = lintJson(['--env', 'restricted', '.'], cwd);
    expect(r.report.warnings).toEqual([]);
    expect(r.code).toBe(1);
  });
});

describe('--policy', { timeout: 60_000 }, () => {
  it('a template replacing a bundled template the environment uses is an input error at the template; the bundled one judges', () => {
    const cwd = workspace({ 'pods.yaml': `${BAD_POD('bad')}---\n${BAD_POD('blue')}`, 'policy/t.yaml': FAKE_PRIVILEGED_TEMPLATE });
    const r = lintJson(['--env', 'restricted', '--policy', 'policy', 'pods.yaml'], cwd);
    expect(r.code).toBe(2);
    expect(r.report.errors).toEqual([
      {
        file: 'policy/t.yaml',
        line: 5,
        column: 1,
        message: 'ConstraintTemplate k8spspprivilegedcontainer: K8sPSPPrivilegedContainer is a bundled template, and the bundled restricted preset uses it; a --policy template cannot replace it (give it a kind of its own)',
      },
    ]);
    // Every other finding is there, judged by the bundled template (not "team blue").
    const priv = r.report.results.filter((x) => x.constraint.kind === 'K8sPSPPrivilegedContainer');
    expect(priv.map((x) => x.object.name).sort()).toEqual(['bad', 'blue']);
    expect(priv.every((x) => !x.message.includes('team blue'))).toBe(true);
    expect(r.report.results.length).toBeGreaterThanOrEqual(10);
    expect(r.text).toMatch(/^policy\/t\.yaml:5:1: error: ConstraintTemplate k8spspprivilegedcontainer: .*cannot replace it/m);
    expect(r.report.sources).toEqual(['bundled restricted preset', '--policy policy (no policy objects)']);
  });

  it('a bundled kind the environment does not use may be replaced', () => {
    // baseline leaves volumes off: a template of that kind is the user's to define.
    const volumes = TEAM_BLUE.replace(/K8sNoBlue/g, 'K8sPSPVolumeTypes').replace('k8snoblue', 'k8spspvolumetypes');
    const constraint = 'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sPSPVolumeTypes\nmetadata:\n  name: mine\n';
    const cwd = workspace({ 'pods.yaml': `${BAD_POD('bad')}---\n${BAD_POD('blue')}`, 'policy/t.yaml': volumes, 'policy/c.yaml': constraint });
    const r = lintJson(['--env', 'baseline', '--policy', 'policy', 'pods.yaml'], cwd);
    expect(r.report.errors).toEqual([]);
    expect(r.code).toBe(1);
    expect(r.report.results.filter((x) => x.constraint.kind === 'K8sPSPVolumeTypes').map((x) => `${x.object.name}: ${x.message}`)).toEqual(['blue: team blue is not allowed here']);
    expect(r.report.results.filter((x) => x.constraint.kind === 'K8sPSPPrivilegedContainer').map((x) => x.object.name).sort()).toEqual(['bad', 'blue']);
    expect(r.report.sources).toEqual(['bundled baseline preset', '--policy policy (1 ConstraintTemplate, 1 Constraint)']);
  });

  it('only the Config Gatekeeper reads applies: named config, in its namespace', () => {
    const pods = `${BAD_POD('bad')}---\n${BAD_POD('other', 'ops')}`;
    const cases: [string, string[], string[]][] = [
      // [config file, pods still judged, warnings]
      [CONFIG('config', 'gatekeeper-system', ['shop']), ['other'], []],
      [CONFIG('config', 'shop', ['*']), ['bad', 'other'], ['policy/config.yaml:1:1: Config shop/config is not the Config Gatekeeper reads (config in namespace gatekeeper-system): not applied']],
      [CONFIG('other', 'gatekeeper-system', ['*']), ['bad', 'other'], ['policy/config.yaml:1:1: Config gatekeeper-system/other is not the Config Gatekeeper reads (config in namespace gatekeeper-system): not applied']],
    ];
    for (const [config, judged, warnings] of cases) {
      const cwd = workspace({ 'pods.yaml': pods, 'policy/config.yaml': config });
      const r = lintJson(['--env', 'restricted', '--policy', 'policy', 'pods.yaml'], cwd);
      expect(r.code).toBe(1);
      expect([...new Set(r.report.results.map((x) => x.object.name))].sort()).toEqual(judged);
      expect(r.report.warnings).toEqual(warnings);
      expect(r.report.sources[1]).toBe(warnings.length ? '--policy policy (no policy objects)' : '--policy policy (1 Config)');
    }
  });

  it('the Config judges an object in the namespace it lands in (no metadata.namespace: default, or --namespace)', () => {
    const pod = BAD_POD('loose').replace('  namespace: shop\n', '');
    const cwd = workspace({ 'pod.yaml': pod, 'other.yaml': BAD_POD('other', 'ops'), 'policy/config.yaml': CONFIG('config', 'gatekeeper-system', ['default']) });
    const inDefault = lintJson(['--env', 'restricted', '--policy', 'policy', 'pod.yaml', 'other.yaml'], cwd);
    expect([...new Set(inDefault.report.results.map((x) => x.object.name))]).toEqual(['other']);
    expect(inDefault.code).toBe(1);
    const elsewhere = lintJson(['--env', 'restricted', '--policy', 'policy', '--namespace', 'apps', 'pod.yaml', 'other.yaml'], cwd);
    expect([...new Set(elsewhere.report.results.map((x) => x.object.name))].sort()).toEqual(['loose', 'other']);
  });

  it('Gatekeeper’s namespace is an option of lint (default gatekeeper-system)', async () => {
    const cwd = workspace({ 'pods.yaml': `${BAD_POD('bad')}---\n${BAD_POD('other', 'ops')}`, 'policy/config.yaml': CONFIG('config', 'opa', ['shop']) });
    const judged = async (gatekeeperNamespace?: string) => {
      const { report } = await lint({ paths: ['pods.yaml'], cwd, env: 'restricted', policyDirs: ['policy'], gatekeeperNamespace });
      return [...new Set(report.findings.map((f) => f.object.name))].sort();
    };
    expect(await judged()).toEqual(['bad', 'other']);
    expect(await judged('opa')).toEqual(['other']);
  });

  it('Namespaces under --policy are cluster state; other objects there are said not to be linted', () => {
    const selector = `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPSPPrivilegedContainer
metadata:
  name: prod-only
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
    namespaceSelector: {matchLabels: {env: prod}}
`;
    const cwd = workspace({
      'pods.yaml': `${BAD_POD('bad')}---\n${BAD_POD('other', 'ops')}`,
      'policy/c.yaml': selector,
      'policy/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {env: prod}\n',
      'policy/stray.yaml': `${BAD_POD('stray')}---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n`,
    });
    const r = lintJson(['--policy', 'policy', 'pods.yaml'], cwd);
    expect(r.code).toBe(1);
    expect(verdicts(r.report)).toEqual(['pods.yaml shop/bad K8sPSPPrivilegedContainer']);
    expect(r.report.warnings).toContain('2 objects under --policy (Pod shop/stray, Deployment d) are not policy and were not linted; pass them as inputs to lint them');
    expect(r.report.sources).toEqual(['--policy policy (1 Constraint, 1 Namespace)']);
    expect(r.text).toMatch(/^warning: 2 objects under --policy .* were not linted/m);
  });

  it('a folder both linted and under --policy: applied from --policy, linted as input, no warning', () => {
    const cwd = workspace({ 'k8s/pods.yaml': BAD_POD('bad'), 'k8s/c.yaml': 'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sPSPPrivilegedContainer\nmetadata:\n  name: mine\n' });
    const r = lintJson(['--policy', 'k8s', 'k8s'], cwd);
    expect(r.code).toBe(1);
    expect(r.report.warnings).toEqual([]);
    expect(verdicts(r.report)).toEqual(['k8s/pods.yaml shop/bad K8sPSPPrivilegedContainer']);
    // Another copy of the constraint outside --policy is still not applied.
    const other = workspace({ 'k8s/pods.yaml': BAD_POD('bad'), 'k8s/c.yaml': 'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sPSPPrivilegedContainer\nmetadata:\n  name: mine\n', 'apps/c.yaml': 'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sPSPHostNamespace\nmetadata:\n  name: theirs\n' });
    const q = lintJson(['--policy', 'k8s', 'k8s', 'apps'], other);
    expect(q.report.warnings).toEqual([NOT_APPLIED(1)]);
    expect(q.report.results.map((x) => x.constraint.name)).toEqual(['mine']);
  });

  it('the sources line names every source', () => {
    const cwd = workspace({
      'offgate.yaml': 'environments:\n  prod:\n    extends: restricted\n',
      'pods.yaml': BAD_POD('blue'),
      'a/t.yaml': TEAM_BLUE,
      'b/c.yaml': 'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sNoBlue\nmetadata:\n  name: no-blue\n',
    });
    const r = lintJson(['--policy', 'a', '--policy', 'b', 'pods.yaml'], cwd);
    expect(r.report.sources).toEqual(['environment "prod" of offgate.yaml (extends restricted)', '--policy a (1 ConstraintTemplate)', '--policy b (1 Constraint)']);
    expect(r.text).toMatch(/^constraints: environment "prod" of offgate\.yaml \(extends restricted\), --policy a \(1 ConstraintTemplate\), --policy b \(1 Constraint\)$/m);
    expect(r.report.results.some((x) => x.constraint.kind === 'K8sNoBlue')).toBe(true);
    expect(r.report.results.some((x) => x.constraint.kind === 'K8sPSPPrivilegedContainer')).toBe(true);
  });
});

describe('verify keeps Gatekeeper’s semantics', { timeout: 60_000 }, () => {
  it('a suite’s own templates and constraints still apply', () => {
    const r = offgate(['verify', join(__dirname, '../suites/passing/referential')]);
    expect(r.stdout).toMatch(/^ok\t/m);
    expect(r.code).toBe(0);
  });
});
