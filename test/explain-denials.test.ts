// offgate explain's pure parts: reading denials out of what the cluster said (every form
// a user pastes), matching them to findings, and the provenance walk of an environment's
// extends chain. The denial texts are under test/explain-fixtures/denials/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load';
import { parseDenials, type Denial } from '../src/explain/denials';
import { generatedFrom, matchDenials } from '../src/explain/match';
import { restrictionProvenance } from '../src/explain/provenance';
import type { AppliedPolicy } from '../src/lint/lint';
import type { Finding } from '../src/report/model';

const DENIALS = join(__dirname, 'explain-fixtures/denials');
const text = (f: string) => readFileSync(join(DENIALS, f), 'utf8');
const denials = (t: string): Denial[] => {
  const r = parseDenials(t);
  if ('error' in r) throw new Error(r.error);
  return r.denials;
};

const PRIVILEGED = 'Privileged container is not allowed: nginx, securityContext: {"privileged": true}';
const HOST_NETWORK_WEB = 'The specified hostNetwork and hostPort are not allowed, pod: web-7c5ddbdf54-. Allowed values: {"hostNetwork": false, "max": 0, "min": 0}';
const HOST_NETWORK_JOB = 'The specified hostNetwork and hostPort are not allowed, pod: migrate-x7q2d. Allowed values: {"hostNetwork": false, "max": 0, "min": 0}';

describe('parseDenials', () => {
  it('kubectl apply: every [NAME] MSG line of one refusal, with the file kubectl names', () => {
    const d = denials(text('kubectl-apply.txt'));
    expect(d.map((x) => [x.constraint, x.line, x.hint])).toEqual([
      ['psp-host-network-ports', 6, { file: 'k8s/debug-pod.yaml' }],
      ['psp-privileged-container', 7, { file: 'k8s/debug-pod.yaml' }],
    ]);
    expect(d[1]!.message).toBe('Privileged container is not allowed: shell, securityContext: {"privileged": true}');
    expect(d[0]!.webhook).toBe('validation.gatekeeper.sh');
  });

  it("kubectl apply's refused patch: the object kubectl names (Kind=, Name:, Namespace:) and its file", () => {
    const d = denials(text('kubectl-apply-patch.txt'));
    expect(d.map((x) => [x.constraint, x.message, x.hint])).toEqual([
      ['psp-privileged-container', 'Privileged container is not allowed: shell, securityContext: {"privileged": true}', { kind: 'Pod', name: 'debug', namespace: 'shop', file: 'k8s/debug-pod.yaml' }],
    ]);
  });

  it('kubectl describe rs: repeated events once each, the controller as the object', () => {
    const d = denials(text('describe-rs.txt'));
    expect(d.map((x) => [x.constraint, x.message])).toEqual([
      ['psp-host-network-ports', HOST_NETWORK_WEB],
      ['psp-privileged-container', PRIVILEGED],
    ]);
    for (const x of d) expect(x.hint).toEqual({ kind: 'Deployment', name: 'web', namespace: 'shop' });
  });

  it("kubectl describe job: the event alone, the From column's controller as the kind", () => {
    const d = denials(text('describe-job.txt'));
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toBe(HOST_NETWORK_JOB);
    expect(d[0]!.hint).toEqual({ kind: 'Job' });
  });

  it("kubectl describe statefulset: the StatefulSet's own event (create Pod db-0 … failed error: …)", () => {
    const d = denials(text('describe-sts.txt'));
    expect(d.map((x) => [x.constraint, x.message, x.hint])).toEqual([
      ['psp-privileged-container', 'Privileged container is not allowed: postgres, securityContext: {"privileged": true}', { kind: 'StatefulSet', name: 'db', namespace: 'shop' }],
    ]);
  });

  it('kubectl get events: the OBJECT column of each row', () => {
    const d = denials(text('get-events.txt'));
    expect(d.map((x) => [x.constraint, x.hint])).toEqual([
      ['psp-privileged-container', { kind: 'replicaset', name: 'web-7c5ddbdf54' }],
      ['psp-host-network-ports', { kind: 'replicaset', name: 'web-7c5ddbdf54' }],
      ['psp-host-network-ports', { kind: 'job', name: 'migrate' }],
    ]);
  });

  it('kubectl get events -A wrapped at 80 columns: the rows joined back, the NAMESPACE column read', () => {
    const d = denials(text('get-events-wrapped.txt'));
    expect(d.map((x) => [x.constraint, x.message, x.hint])).toEqual([
      ['psp-host-network-ports', HOST_NETWORK_JOB, { kind: 'job', name: 'migrate', namespace: 'shop' }],
      ['psp-privileged-container', PRIVILEGED, { kind: 'replicaset', name: 'web-7c5ddbdf54', namespace: 'shop' }],
    ]);
  });

  it('kubectl get events -o json: the escaped message, its \\n between violations', () => {
    const d = denials(text('events.json'));
    expect(d.map((x) => [x.constraint, x.message])).toEqual([
      ['psp-privileged-container', PRIVILEGED],
      ['psp-host-network-ports', HOST_NETWORK_WEB],
    ]);
  });

  it('violations flattened onto one line are split at each [NAME]; [0] and ["a"] in messages are not names', () => {
    const d = denials('admission webhook "validation.gatekeeper.sh" denied the request: [a-b] ports ["x"] and [0] are bad [c.d] second one');
    expect(d.map((x) => [x.constraint, x.message])).toEqual([
      ['a-b', 'ports ["x"] and [0] are bad'],
      ['c.d', 'second one'],
    ]);
  });

  it('a refusal without a constraint name is kept, its constraint empty', () => {
    const d = denials('Error from server: admission webhook "validation.gatekeeper.sh" denied the request: Object \'Kind\' is missing in \'null\'');
    expect(d).toEqual([expect.objectContaining({ constraint: '', message: "Object 'Kind' is missing in 'null'" })]);
  });

  it("a shell prompt after a long denial line starts something new: not joined to the message", () => {
    const line = `Error from server (Forbidden): error when creating "k8s/debug-pod.yaml": admission webhook "validation.gatekeeper.sh" denied the request: [psp-privileged-container] ${PRIVILEGED}`;
    expect(denials(`${line}\ndev@laptop:~/shop$ kubectl get pods\n`).map((x) => x.message)).toEqual([PRIVILEGED]);
    // What no pattern knows is taken for the wrapped rest of the line.
    expect(denials(`${line}\nsomething else\n`).map((x) => x.message)).toEqual([`${PRIVILEGED}something else`]);
  });

  it("without a webhook's words: [NAME] MSG lines pasted alone, and kubectl's Warning: lines of warn constraints", () => {
    const d = denials(`Warning: [psp-host-network-ports] ${HOST_NETWORK_JOB}\n[psp-privileged-container] ${PRIVILEGED}\nservice/web created\n`);
    expect(d.map((x) => [x.constraint, x.message, x.webhook, x.line])).toEqual([
      ['psp-host-network-ports', HOST_NETWORK_JOB, '', 1],
      ['psp-privileged-container', PRIVILEGED, '', 2],
    ]);
  });

  it('empty or unrelated text is an error, never zero denials', () => {
    expect(parseDenials('')).toEqual({ error: expect.stringMatching(/^the message is empty/) });
    expect(parseDenials('  \n\n')).toEqual({ error: expect.stringMatching(/^the message is empty/) });
    expect(parseDenials('pod/web created\nservice/web created\n')).toEqual({ error: expect.stringMatching(/^no denial found in the message/) });
  });
});

describe('generatedFrom', () => {
  it("walks back a controller's generated names; names without a digit in the suffix stay whole", () => {
    expect(generatedFrom('web-7c5ddbdf54-x2x7k')).toEqual(['web-7c5ddbdf54', 'web']);
    expect(generatedFrom('migrate-x7q2d')).toEqual(['migrate']);
    expect(generatedFrom('nightly-28391725')).toEqual(['nightly']);
    expect(generatedFrom('db-0')).toEqual(['db']);
    expect(generatedFrom('web-7c5ddbdf54-48213')).toEqual(['web-7c5ddbdf54', 'web']);
    expect(generatedFrom('web-server')).toEqual([]);
    expect(generatedFrom('web')).toEqual([]);
  });
});

describe('matchDenials', () => {
  const finding = (over: Partial<Finding>): Finding => ({
    file: 'k8s/web.yaml',
    line: 19,
    column: 7,
    object: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-pod' },
    workload: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web', expansion: 'offgate-expand-deployments', builtIn: true },
    constraint: { kind: 'K8sPSPHostNetworkingPorts', name: 'host' },
    enforcementAction: 'deny',
    message: 'pod web-pod uses the host network or a host port that the constraint does not allow; allowed: {}',
    details: {},
    ...over,
  });
  const applied: AppliedPolicy = {
    environment: 'baseline',
    constraints: [{ object: { apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'K8sPSPHostNetworkingPorts', metadata: { name: 'host' } } }],
    templates: [],
    notApplied: [],
  };
  const denial = (message: string, hint = {}): Denial => ({ constraint: 'host', message, webhook: 'validation.gatekeeper.sh', line: 1, hint });
  const job = finding({
    file: 'k8s/migrate.yaml',
    line: 17,
    object: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'migrate-pod' },
    workload: { apiVersion: 'batch/v1', kind: 'Job', namespace: 'shop', name: 'migrate', expansion: 'x', builtIn: true },
    message: 'pod migrate-pod uses the host network or a host port that the constraint does not allow; allowed: {}',
  });

  it("the same message, a workload's Pod name standing for the cluster's (or none); the pasted text's object narrows it", () => {
    const message = 'pod  uses the host network or a host port that the constraint does not allow; allowed: {}';
    expect(matchDenials([denial(message)], [finding({}), job], applied, '/').matches).toEqual([expect.objectContaining({ by: 'message', findings: [finding({}), job] })]);
    const hinted = matchDenials([denial(message, { kind: 'job', name: 'migrate' })], [finding({}), job], applied, '/');
    expect(hinted.matches).toEqual([expect.objectContaining({ by: 'message', findings: [job] })]);
    const other = matchDenials([denial(message.replace('pod ', 'pod web-7c5ddbdf54-x2x7k'))], [finding({})], applied, '/');
    expect(other.matches).toEqual([expect.objectContaining({ by: 'message' })]);
  });

  it('other wording: by the names the message quotes (a Job Pod name leads to the Job)', () => {
    const r = matchDenials([denial('The specified hostNetwork and hostPort are not allowed, pod: migrate-x7q2d.')], [finding({}), job], applied, '/');
    expect(r.matches).toEqual([expect.objectContaining({ by: 'names', findings: [job] })]);
  });

  it('nothing named: the object the pasted text names (a ReplicaSet of the Deployment), whatever its namespace (kubectl -n)', () => {
    const r = matchDenials([denial('host network refused', { kind: 'replicaset', name: 'web-7c5ddbdf54', namespace: 'prod' })], [finding({}), job], applied, '/');
    expect(r.matches).toEqual([expect.objectContaining({ by: 'object', findings: [finding({})] })]);
  });

  it('unmatched, each with its reason: not configured, among the inputs, configured but not violated, violated otherwise', () => {
    const withInput: AppliedPolicy = {
      ...applied,
      notApplied: [{ object: { apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'K8sX', metadata: { name: 'in-repo' } }, origin: { file: 'k8s/c.yaml', line: 3 } }],
    };
    const r = matchDenials(
      [
        { ...denial('x'), constraint: 'nowhere' },
        { ...denial('x'), constraint: 'in-repo' },
        { ...denial('x'), constraint: 'offgate-production-users' },
        denial('something else entirely about redis'),
      ],
      [finding({})],
      withInput,
      '/',
    );
    expect(r.matches).toEqual([]);
    expect(r.unmatched.map((u) => u.reason)).toEqual([
      'constraint nowhere is not configured in environment baseline nor under --policy',
      'constraint in-repo is among the linted inputs (k8s/c.yaml:3), which are linted, never applied; pass its folder with --policy to use it',
      'constraint offgate-production-users is not configured in environment baseline nor under --policy (an offgate name: try --env production)',
      'constraint host (K8sPSPHostNetworkingPorts) is violated in the given manifests (k8s/web.yaml:19:7), but not with this message nor by an object it names',
    ]);
    expect(matchDenials([denial('x')], [], applied, '/').unmatched[0]!.reason).toBe('constraint host (K8sPSPHostNetworkingPorts) is configured, but no object of the given manifests violates it');
  });
});

describe('restrictionProvenance', () => {
  const parsed = parseConfig(readFileSync(join(__dirname, 'explain-fixtures/env/offgate.yaml'), 'utf8'), 'offgate.yaml');
  if (!('config' in parsed)) throw new Error(parsed.error);
  const config = parsed.config;

  it('each setting where it was set along staging → production → restricted: its line in offgate.yaml', () => {
    expect(restrictionProvenance(config, 'staging', 'privileged-containers')).toEqual({
      on: true,
      onSetBy: 'offgate.yaml:8:30 (environment production, extended)',
      parameters: [{ key: 'exemptImages', value: ['registry.example/ops/*'], setBy: 'offgate.yaml:8:46 (environment production, extended)' }],
      scope: [
        { key: 'enforcementAction', value: 'warn', setBy: 'offgate.yaml:12:24' },
        { key: 'excludedNamespaces', value: ['kube-system'], setBy: 'offgate.yaml:6:25 (environment production, extended)' },
      ],
    });
  });

  it("the preset's parameters, Gatekeeper's default action; off where an environment says false", () => {
    const p = restrictionProvenance(null, 'baseline', 'capabilities');
    expect(p).toMatchObject({ on: true, onSetBy: 'preset baseline', scope: [{ key: 'enforcementAction', value: 'deny', setBy: 'default (Gatekeeper)' }] });
    expect('parameters' in p && p.parameters.map((x) => [x.key, x.setBy])).toEqual([['allowedCapabilities', 'preset baseline']]);
    expect(restrictionProvenance(config, 'staging', 'host-network-ports')).toEqual({ on: false, onSetBy: 'offgate.yaml:14:27', parameters: [], scope: [] });
    expect(restrictionProvenance(null, 'baseline', 'users')).toEqual({ on: false, onSetBy: 'preset baseline', parameters: [], scope: [] });
  });

  it("`true` with nothing inherited: offgate's default parameters", () => {
    const own = parseConfig('environments:\n  solo:\n    restrictions:\n      volumes: true\n', 'offgate.yaml');
    if (!('config' in own)) throw new Error(own.error);
    const p = restrictionProvenance(own.config, 'solo', 'volumes');
    expect(p).toMatchObject({ on: true, onSetBy: 'offgate.yaml:4:16' });
    expect('parameters' in p && p.parameters[0]).toMatchObject({ key: 'volumes', setBy: "default (the restriction's parameters for true)" });
  });
});
