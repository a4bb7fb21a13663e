// `offgate explain` as users run it, through the built CLI: denial texts pasted the ways
// people get them (kubectl apply, describe, get events, events as JSON) matched to the
// manifests of a GitOps repository with Gatekeeper library policy, exit codes, the JSON
// shape, and the rule form against an offgate.yaml of two environments.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offgate } from './helpers/cli';
import { workspace } from './helpers/workspace';

const FIXTURES = join(__dirname, 'explain-fixtures');
const LIBRARY = join(FIXTURES, 'library');
const ENV = join(FIXTURES, 'env');
const denial = (f: string) => readFileSync(join(FIXTURES, 'denials', f), 'utf8');
/** explain --message - in the library repository, with its policy folder. */
const explainLibrary = (file: string, ...args: string[]) => offgate(['explain', '--message', '-', 'k8s/', '--policy', 'policy/', ...args], { cwd: LIBRARY, input: denial(file) });

interface Json {
  matches: { file: string; line: number; column: number; object: { kind: string; name: string }; workload: { kind: string; name: string } | null; constraint: { kind: string; name: string }; message: string; fix: string | null; denial: { constraint: string; message: string } }[];
  unmatched: { constraint: string; message: string; reason: string }[];
}

describe('offgate explain --message', () => {
  it("kubectl apply's refusal of a Pod: both violations, at the Pod's fields", () => {
    const r = explainLibrary('kubectl-apply.txt');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[psp-host-network-ports] The specified hostNetwork and hostPort are not allowed, pod: debug.');
    expect(r.stdout).toContain('  k8s/debug-pod.yaml:8:3  Pod shop/debug\n');
    expect(r.stdout).toContain('  k8s/debug-pod.yaml:2:1  Pod shop/debug\n');
    // The library template's own words; the Constraint and where its parameters were set.
    expect(r.stdout).toContain('  rule: K8sPSPPrivilegedContainer psp-privileged-container: Refuses containers that run in privileged mode');
    expect(r.stdout).toContain('  parameters in force: hostNetwork: false, min: 0, max: 0 (set by constraint psp-host-network-ports (policy/constraints/psp-host-network-ports.yaml:1))');
    expect(r.stdout).toContain('    fix: Drop spec.hostNetwork');
    expect(r.stdout).toMatch(/^2 denials: 2 matched \(1 object\), 0 not matched$/m);
  });

  it("a ReplicaSet's events (kubectl describe rs, pasted whole): the Deployment's file:line", () => {
    const r = explainLibrary('describe-rs.txt');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  k8s/web.yaml:19:7  Deployment shop/web, through the pods it creates\n');
    expect(r.stdout).toContain('  k8s/web.yaml:2:1  Deployment shop/web, through the pods it creates\n');
    expect(r.stdout).toMatch(/^2 denials: 2 matched \(1 object\), 0 not matched$/m);
  });

  it.each(['get-events.txt', 'get-events-wrapped.txt', 'events.json', 'describe-job.txt', 'describe-sts.txt'])('%s: the workload (Deployment, Job, StatefulSet) of each event', (file) => {
    const r = explainLibrary(file, '-o', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Json;
    expect(json.unmatched).toEqual([]);
    const at = json.matches.map((m) => `${m.file}:${m.line}:${m.column} ${m.workload?.kind}/${m.workload?.name} ${m.constraint.name}`);
    const expected = {
      'get-events.txt': ['k8s/web.yaml:2:1 Deployment/web psp-privileged-container', 'k8s/web.yaml:19:7 Deployment/web psp-host-network-ports', 'k8s/migrate.yaml:17:15 Job/migrate psp-host-network-ports'],
      'get-events-wrapped.txt': ['k8s/migrate.yaml:17:15 Job/migrate psp-host-network-ports', 'k8s/web.yaml:2:1 Deployment/web psp-privileged-container'],
      'events.json': ['k8s/web.yaml:2:1 Deployment/web psp-privileged-container', 'k8s/web.yaml:19:7 Deployment/web psp-host-network-ports'],
      'describe-job.txt': ['k8s/migrate.yaml:17:15 Job/migrate psp-host-network-ports'],
      'describe-sts.txt': ['k8s/db.yaml:1:1 StatefulSet/db psp-privileged-container'],
    }[file];
    expect(at).toEqual(expected);
  });

  it('JSON: {matches, unmatched} with the finding, the fix and the denial', () => {
    const r = explainLibrary('kubectl-apply.txt', '-o', 'json');
    const json = JSON.parse(r.stdout) as Json;
    expect(json.matches[0]).toMatchObject({
      file: 'k8s/debug-pod.yaml',
      line: 8,
      column: 3,
      object: { kind: 'Pod', name: 'debug' },
      workload: null,
      constraint: { kind: 'K8sPSPHostNetworkingPorts', name: 'psp-host-network-ports' },
      message: expect.stringMatching(/^pod debug uses the host network/),
      fix: expect.stringMatching(/^Drop spec.hostNetwork/),
      denial: { constraint: 'psp-host-network-ports', message: expect.stringMatching(/^The specified hostNetwork/), object: { file: 'k8s/debug-pod.yaml' } },
    });
    expect(json.matches[1]).toMatchObject({ constraint: { name: 'psp-privileged-container' }, message: 'Privileged container is not allowed: shell, securityContext: {"privileged": true}', fix: null });
    expect(json.unmatched).toEqual([]);
  });

  it('a constraint configured nowhere, and one among the linted files: unmatched, each with its reason, exit 1', () => {
    const r = explainLibrary('unconfigured.txt', '-o', 'json');
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as Json).unmatched).toEqual([
      {
        constraint: 'psp-readonlyrootfilesystem',
        message: 'only read-only root filesystem container is allowed: api',
        reason: 'constraint psp-readonlyrootfilesystem is not configured under --policy',
        denial: expect.anything(),
      },
      {
        constraint: 'psp-allow-privilege-escalation-container',
        message: 'Privilege escalation container is not allowed: shell',
        reason:
          'constraint psp-allow-privilege-escalation-container is among the linted inputs (k8s/legacy-constraint.yaml:2), which are linted, never applied; pass its folder with --policy to use it',
        denial: expect.anything(),
      },
    ]);
    const text = explainLibrary('unconfigured.txt');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('  not matched: constraint psp-readonlyrootfilesystem is not configured under --policy\n');
    expect(text.stdout).toMatch(/^2 denials: 0 matched \(0 objects\), 2 not matched$/m);
  });

  it('offgate.yaml environments: the exact message of an exported constraint; another environment named in the reason', () => {
    const message = [
      'Error from server (Forbidden): error when creating "k8s/worker.yaml": admission webhook "validation.gatekeeper.sh" denied the request:',
      ' [offgate-production-users] container worker would run as user 100, which the runAsUser policy MustRunAs 1000-65535 does not allow',
    ].join('');
    const r = offgate(['explain', '--env', 'production', '--message', message, 'k8s/'], { cwd: ENV });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  k8s/worker.yaml:20:13  Deployment jobs/worker, through the pods it creates\n');
    expect(r.stdout).toContain('  parameters in force: runAsUser: {"rule":"MustRunAs","ranges":[{"min":1000,"max":65535}]} (set by offgate.yaml:9:27)');
    expect(r.stdout).not.toContain("offgate's message");

    // Without --env (offgate.yaml has two environments, none named default): the one the denial's constraint is named after.
    const named = offgate(['explain', '--message', message, 'k8s/'], { cwd: ENV });
    expect(named.code).toBe(0);
    expect(named.stdout).toContain('constraints: environment "production" of offgate.yaml (extends restricted)\n');

    const staging = offgate(['explain', '--env', 'production', '--message', message.replace('offgate-production-users', 'offgate-staging-users'), 'k8s/'], { cwd: ENV });
    expect(staging.code).toBe(1);
    expect(staging.stdout).toContain('not matched: constraint offgate-staging-users is not configured in environment production nor under --policy (an offgate name: try --env staging)');
  });

  it('unreadable message text: one line, exit 2', () => {
    for (const [input, expected] of [
      ['', 'offgate: --message: the message is empty'],
      ['deployment.apps/web created\nservice/web unchanged\n', 'offgate: --message: no denial found in the message'],
    ]) {
      const r = offgate(['explain', '--message', '-', 'k8s/'], { cwd: LIBRARY, input });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toMatch(new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
  });

  it('unknown environment, unknown format, stdin asked twice: one line, exit 2', () => {
    const unknownEnv = offgate(['explain', '--env', 'prod', '--message', denial('kubectl-apply.txt'), 'k8s/'], { cwd: ENV });
    expect(unknownEnv.code).toBe(2);
    expect(unknownEnv.stderr).toBe('offgate: offgate.yaml: unknown environment "prod" (did you mean "production"?)\n');
    const format = offgate(['explain', '-o', 'sarif', 'users'], { cwd: ENV });
    expect(format).toMatchObject({ code: 2, stderr: 'offgate: -o sarif: unknown format (one of text, json)\n' });
    const twice = offgate(['explain', '--message', '-', '-'], { cwd: ENV, input: denial('kubectl-apply.txt') });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/^offgate: explain: --message - reads standard input/);
  });
});

describe('offgate explain with offgate.yaml paths: (one environment per folder)', () => {
  const deployment = (namespace: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: ${namespace}\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          securityContext:\n            capabilities: {add: [NET_ADMIN]}\n`;
  const cwd = workspace(
    {
      'offgate.yaml': 'environments:\n  production:\n    extends: restricted\n    paths: [k8s/prod/]\n  staging:\n    extends: baseline\n    paths: [k8s/staging/]\n',
      'k8s/prod/web.yaml': deployment('shop'),
      'k8s/staging/web.yaml': deployment('shop-staging'),
    },
    { prefix: 'offgate-explain-paths-', git: true },
  );

  it("a production denial points at production's file only, with production's settings", () => {
    const message = 'Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [offgate-production-capabilities] container web adds capability NET_ADMIN, which is not allowed (allowed: NET_BIND_SERVICE)';
    const r = offgate(['explain', '--message', message, '-o', 'json', '.'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { matches: { file: string; constraint: { name: string } }[] };
    expect(doc.matches.map((m) => [m.file, m.constraint.name])).toEqual([['k8s/prod/web.yaml', 'offgate-production-capabilities']]);
    const text = offgate(['explain', '--message', message, '.'], { cwd });
    expect(text.stdout).toContain('(set by preset restricted)');
  });
});

describe('offgate explain NAME', () => {
  it('a restriction: what it checks, each setting where it was set (its line in offgate.yaml, along the extends chain), the examples judged, the fix', () => {
    const r = offgate(['explain', 'privileged-containers', '--env', 'staging'], { cwd: ENV });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^privileged-containers \(K8sPSPPrivilegedContainer\): Privileged Container\nchecks: Refuses pods with a container in privileged mode/);
    expect(r.stdout).toContain('Pod Security Standards: Baseline: "Privileged Containers"');
    expect(r.stdout).toContain('in force: constraint offgate-staging-privileged-containers (environment "staging" of offgate.yaml)\n');
    expect(r.stdout).toContain('  enforcementAction: "warn"  (set by offgate.yaml:12:24)\n');
    expect(r.stdout).toContain('  excludedNamespaces: ["kube-system"]  (set by offgate.yaml:6:25 (environment production, extended))\n');
    expect(r.stdout).toContain('  exemptImages: ["registry.example/ops/*"]  (set by offgate.yaml:8:46 (environment production, extended))\n');
    expect(r.stdout).toContain('failing example (rego/privileged-containers/examples/disallowed.yaml; violates it here):\n    # Disallowed: Docker-in-Docker');
    expect(r.stdout).toContain('passing example (rego/privileged-containers/examples/allowed.yaml; passes here):\n');
    expect(r.stdout).toContain('fix: Remove securityContext.privileged from the container, or set it to false.\n');
  });

  it("a kind (any case) and a constraint's name give the same rule; the offgate name picks its environment", () => {
    const byKind = offgate(['explain', 'k8spspallowedusers', '--env', 'production', '-o', 'json'], { cwd: ENV });
    const byName = offgate(['explain', 'offgate-production-users', '-o', 'json'], { cwd: ENV });
    expect(byKind.code).toBe(0);
    expect(byName.code).toBe(0);
    const kind = JSON.parse(byKind.stdout);
    expect(kind).toMatchObject({ kind: 'K8sPSPAllowedUsers', restriction: 'users', environment: 'production', failing: { verdict: 'fails' }, passing: { verdict: 'passes' } });
    expect(kind.constraints[0].parameters).toEqual([{ key: 'runAsUser', value: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 65535 }] }, setBy: 'offgate.yaml:9:27' }]);
    expect(JSON.parse(byName.stdout)).toEqual(kind);
  });

  it('a restriction an environment turns off says who turned it off', () => {
    const r = offgate(['explain', 'offgate-staging-host-network-ports'], { cwd: ENV });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('in force: none: host-network-ports is turned off (set by offgate.yaml:14:27)\n');
  });

  it("a Gatekeeper library template under --policy: its description, its Constraint's file, its samples as examples", () => {
    const r = offgate(['explain', 'psp-privileged-container', '--policy', 'policy/'], { cwd: LIBRARY });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^K8sPSPPrivilegedContainer: Privileged Container\nchecks: Refuses containers that run in privileged mode/);
    expect(r.stdout).toContain('in force: constraint psp-privileged-container (policy/pod-security-policy/privileged-containers/samples/psp-privileged-container/constraint.yaml:1)\n');
    expect(r.stdout).toContain('  exemptImages: not set\n');
    expect(r.stdout).toContain('failing example (policy/pod-security-policy/privileged-containers/samples/psp-privileged-container/example_disallowed.yaml; violates it here):');
    expect(r.stdout).toContain('passing example (policy/pod-security-policy/privileged-containers/samples/psp-privileged-container/example_allowed.yaml; passes here):');
    // A bundled kind's Constraint under --policy: the bundled template's example, judged under its parameters.
    const host = offgate(['explain', 'psp-host-network-ports', '--policy', 'policy/'], { cwd: LIBRARY });
    expect(host.stdout).toContain('passing example (rego/host-network-ports/examples/allowed.yaml; violates it here, under the settings in force):');
  });

  it('an unknown name: one line with the closest name, exit 2; no name at all: a usage line', () => {
    const r = offgate(['explain', 'privlegd-containers'], { cwd: LIBRARY });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe('offgate: explain: "privlegd-containers" is no restriction, template kind or constraint of environment baseline (did you mean "privileged-containers"?)\n');
    const none = offgate(['explain'], { cwd: LIBRARY });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^offgate: explain: name a restriction, template kind or constraint/);
  });
});
