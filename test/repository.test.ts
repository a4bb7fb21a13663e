// Issue 14's acceptance: `offgate lint .` with `--policy policy/` at the root of a repository
// laid out as real ones are (test/repository-fixtures/repo: a GitHub workflow, a compose file,
// package.json, a Helm chart, a kustomize base and an overlay whose JSON patch makes the
// Deployment privileged, an Argo Rollout with hostPID, a Widget of the team's own controller,
// and a policy folder with its ExpansionTemplate and Gatekeeper's Config excluding
// kube-system). Every file is checked or accounted for: violations found (exit 1), no input
// errors, other tools' files skipped and listed, the chart named in a warning without helm.
// kustomize is a stub on PATH printing the builds (so this runs anywhere); the real kubectl
// or kustomize is used too when installed.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lint } from '../src/lint/lint';
import { onPath } from '../src/render/run';
import type { Report } from '../src/report/model';
import { PRINT_BUILD, stubs } from './helpers/stub-renderers';

const FIXTURE = join(__dirname, 'repository-fixtures/repo');
const ORIGINAL_PATH = process.env.PATH;

afterEach(() => {
  process.env.PATH = ORIGINAL_PATH;
  delete process.env.STUB_OUTPUTS;
});

const BASE_BUILD = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - image: nginx:1.27
        name: web
---
apiVersion: v1
kind: Pod
metadata:
  name: node-debugger
  namespace: kube-system
spec:
  containers:
  - image: busybox
    name: debug
  hostPID: true
`;
const PROD_BUILD = BASE_BUILD.replace('  name: web\n', '  name: web\n  namespace: prod\n').replace('        name: web\n', '        name: web\n        securityContext:\n          privileged: true\n');

/** A copy of the repository, and PATH holding only a stub kustomize that prints the builds. */
function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-repository-'));
  cpSync(FIXTURE, dir, { recursive: true });
  stubs({ kustomize: PRINT_BUILD }, { base: BASE_BUILD, prod: PROD_BUILD });
  return dir;
}

async function lintRepository(cwd: string): Promise<Report> {
  const { report, fatal } = await lint({ paths: ['.'], cwd, policyDirs: ['policy'] });
  expect(fatal).toBeUndefined();
  return report;
}

function found(r: Report): string[] {
  return r.findings.map((f) => `${f.file} ${f.object.kind} ${f.constraint.kind}`).sort();
}

describe('offgate lint . --policy policy/ on a repository', () => {
  it('finds the overlay\'s privileged build, the Rollout\'s hostPID and the Widget\'s host network; accounts for every other file', async () => {
    const r = await lintRepository(repository());
    expect(r.errors).toEqual([]);
    expect(found(r)).toEqual([
      'k8s/overlays/prod/kustomization.yaml Pod K8sPSPPrivilegedContainer',
      'rollouts/canary.yaml Pod K8sPSPHostNamespace',
      'widgets/widget.yaml Pod K8sPSPHostNetworkingPorts',
    ]);
    // The kube-system Pod is left out by the policy folder's Config; its Widget expansion applies.
    expect(r.findings.find((f) => f.file === 'widgets/widget.yaml')!.workload).toMatchObject({ kind: 'Widget', expansion: 'expand-widgets', builtIn: false });
    expect(r.findings.find((f) => f.file === 'rollouts/canary.yaml')!.workload).toMatchObject({ kind: 'Rollout', builtIn: true });
    expect(r.skipped).toEqual([
      { file: 'docker-compose.yml', reason: 'not a Kubernetes object (docker compose file)' },
      { file: 'package.json', reason: 'not a Kubernetes object (package.json)' },
    ]);
    expect(r.warnings).toContain('charts/shop: not rendered: helm not found; the chart was skipped');
    expect(r.sources).toContain('--policy policy (1 ExpansionTemplate, 1 Config)');
    // Reviewed: the two builds (web and node-debugger each), the Rollout and the Widget; the
    // policy folder's ExpansionTemplate and Config are applied, not linted as well.
    expect(r.summary.objects).toBe(6);
  });

  it('offgate.yaml\'s policy: names the same folder: the same verdicts, the source named after the file', async () => {
    const dir = repository();
    writeFileSync(join(dir, 'offgate.yaml'), 'policy: [policy/]\nenvironments:\n  default:\n    extends: baseline\n');
    const { report: r, fatal } = await lint({ paths: ['.'], cwd: dir });
    expect(fatal).toBeUndefined();
    expect(r.errors).toEqual([]);
    expect(found(r)).toEqual([
      'k8s/overlays/prod/kustomization.yaml Pod K8sPSPPrivilegedContainer',
      'rollouts/canary.yaml Pod K8sPSPHostNamespace',
      'widgets/widget.yaml Pod K8sPSPHostNetworkingPorts',
    ]);
    expect(r.sources).toContain('policy policy of offgate.yaml (1 ExpansionTemplate, 1 Config)');
    // Named by both, the folder is read once.
    const both = await lint({ paths: ['.'], cwd: dir, policyDirs: ['policy'] });
    expect(both.report.sources.filter((s) => s.includes('ExpansionTemplate'))).toEqual(['--policy policy (1 ExpansionTemplate, 1 Config)']);
  });

  it.skipIf(!['kustomize', 'kubectl'].some((c) => onPath(c, ORIGINAL_PATH)))('with the real kustomize or kubectl: the same verdicts', async () => {
    const dir = repository();
    process.env.PATH = ORIGINAL_PATH;
    const r = await lintRepository(dir);
    expect(r.errors).toEqual([]);
    expect(found(r)).toEqual([
      'k8s/overlays/prod/kustomization.yaml Pod K8sPSPPrivilegedContainer',
      'rollouts/canary.yaml Pod K8sPSPHostNamespace',
      'widgets/widget.yaml Pod K8sPSPHostNetworkingPorts',
    ]);
  });
});
