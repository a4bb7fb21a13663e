// Rendering before linting (src/render): kustomizations built with kustomize or kubectl
// kustomize, Helm charts with helm template, their output linted in place of their files.
// The renderers are stub scripts put alone on PATH (they print what the test prepared, or
// fail, or hang), so these tests run anywhere; the last ones run the real kubectl or
// kustomize on the fixture repository when one is installed, and say so when not.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lint, type LintOptions } from '../src/lint/lint';
import { PRINT_BUILD, stubs } from './helpers/stub-renderers';
import { onPath } from '../src/render/run';
import type { Report } from '../src/report/model';
import { unwrapped } from './helpers/text';

const REPO = join(__dirname, 'render-fixtures/repo');
const ORIGINAL_PATH = process.env.PATH;

afterEach(() => {
  process.env.PATH = ORIGINAL_PATH;
  delete process.env.STUB_OUTPUTS;
});

/** What `kustomize build` prints for each folder of the fixture repository. */
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
        ports:
        - containerPort: 80
          hostPort: 8080
`;
const PROD_BUILD = BASE_BUILD.replace('  name: web\n', '  name: web\n  namespace: prod\n').replace('          hostPort: 8080\n', '          hostPort: 8080\n        securityContext:\n          privileged: true\n');

const HELM_OUTPUT = `---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: release-name-shop
spec:
  selector:
    matchLabels: { app: shop }
  template:
    metadata:
      labels: { app: shop }
    spec:
      hostNetwork: true
      containers:
        - name: shop
          image: nginx:1.27
`;

const PRINT_HELM = 'exec /bin/cat "$STUB_OUTPUTS/helm.yaml"';

async function run(paths: string[], more: Partial<LintOptions> = {}): Promise<Report> {
  const { report, fatal } = await lint({ paths, cwd: REPO, ...more });
  expect(fatal).toBeUndefined();
  return report;
}

function privileged(r: Report) {
  return r.findings.filter((f) => f.constraint.kind === 'K8sPSPPrivilegedContainer');
}

describe('kustomize, through a stub renderer on PATH', () => {
  it('lints the overlay’s build: its JSON patch makes the Deployment privileged, placed at the overlay’s kustomization', async () => {
    const s = stubs({ kustomize: PRINT_BUILD }, { base: BASE_BUILD, prod: PROD_BUILD });
    const r = await run(['base', 'overlays']);
    expect(r.errors).toEqual([]);
    const found = privileged(r);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: 'overlays/prod/kustomization.yaml', line: 1, column: 1, rendered: { by: 'kustomize build', from: 'overlays/prod' } });
    expect(found[0].workload).toMatchObject({ kind: 'Deployment', namespace: 'prod', name: 'web' });
    expect(s.calls()).toEqual([`kustomize build ${join(REPO, 'base')}`, `kustomize build ${join(REPO, 'overlays/prod')}`]);
  });

  it('places a field that one source document wrote at that document’s line, for the base’s build and the overlay’s', async () => {
    stubs({ kustomize: PRINT_BUILD }, { base: BASE_BUILD, prod: PROD_BUILD });
    const r = await run(['.'], { kustomize: 'always' });
    const hostPorts = r.findings.filter((f) => f.constraint.kind === 'K8sPSPHostNetworkingPorts' && f.rendered?.by === 'kustomize build');
    expect(hostPorts.map((f) => [f.rendered?.from, f.file, f.line, f.column])).toEqual([
      ['base', 'base/deployment.yaml', 17, 15],
      ['overlays/prod', 'base/deployment.yaml', 17, 15],
    ]);
  });

  it('does not lint the raw files of a base an overlay includes: every finding comes from a build', async () => {
    stubs({ kustomize: PRINT_BUILD }, { base: BASE_BUILD, prod: PROD_BUILD });
    const r = await run(['overlays/prod']);
    expect(r.findings.length).toBeGreaterThan(0);
    for (const f of r.findings) expect(f.rendered?.from).toBe('overlays/prod');
    expect(r.summary.objects).toBe(1);
  });

  it('builds the kustomization of a file named by itself (a pre-commit run names changed files)', async () => {
    const s = stubs({ kustomize: PRINT_BUILD }, { base: BASE_BUILD });
    const r = await run(['base/deployment.yaml']);
    expect(s.calls()).toEqual([`kustomize build ${join(REPO, 'base')}`]);
    expect(r.findings.every((f) => f.rendered?.from === 'base')).toBe(true);
  });

  it('uses kubectl kustomize when kustomize is not on PATH', async () => {
    const s = stubs({ kubectl: PRINT_BUILD }, { base: BASE_BUILD });
    const r = await run(['base']);
    expect(s.calls()).toEqual([`kubectl kustomize ${join(REPO, 'base')}`]);
    expect(r.findings[0].rendered).toEqual({ by: 'kubectl kustomize', from: 'base' });
  });

  it('without a renderer, warns once per kustomization and lints its resources as written (its patches are no objects: not read)', async () => {
    stubs({});
    const r = await run(['base', 'overlays']);
    expect(r.errors).toEqual([]);
    expect(r.warnings.filter((w) => w.includes('not built'))).toEqual([
      'base: not built: kustomize or kubectl not found; its resources were linted as written',
      'overlays/prod: not built: kustomize or kubectl not found; its resources were linted as written',
    ]);
    expect(privileged(r)).toEqual([]);
    expect(r.findings.some((f) => f.file === 'base/deployment.yaml' && f.rendered === undefined)).toBe(true);
  });

  it('--kustomize always without a renderer is an input error for each kustomization', async () => {
    stubs({});
    const r = await run(['base'], { kustomize: 'always' });
    expect(r.errors).toContainEqual({ file: 'base', line: undefined, column: undefined, message: 'not built: kustomize or kubectl not found (--kustomize always)' });
  });

  it('--kustomize never runs no renderer and lints the files as written', async () => {
    const s = stubs({ kustomize: PRINT_BUILD }, { base: BASE_BUILD });
    const r = await run(['base', 'overlays'], { kustomize: 'never' });
    expect(s.calls()).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.warnings.filter((w) => w.includes('not built'))).toEqual([]);
    expect(r.findings.some((f) => f.file === 'base/deployment.yaml' && f.rendered === undefined)).toBe(true);
  });

  it('a failed build is an input error of that kustomization, on one line with the renderer’s own words; the others are still linted', async () => {
    stubs({ kustomize: 'case "$2" in *prod) echo "Error: accumulating resources:" >&2; echo "  missing base" >&2; exit 1;; esac\n' + PRINT_BUILD }, { base: BASE_BUILD });
    const r = await run(['base', 'overlays']);
    expect(r.errors).toEqual([{ file: 'overlays/prod', line: undefined, column: undefined, message: 'kustomize build failed (exit 1): Error: accumulating resources: missing base' }]);
    expect(r.findings.some((f) => f.rendered?.from === 'base')).toBe(true);
  });

  it('stops a renderer past its deadline', async () => {
    stubs({ kustomize: 'exec /bin/sleep 30' });
    const started = Date.now();
    const r = await run(['base'], { renderTimeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.errors.map((e) => e.message)).toEqual(['kustomize build: no result after 0.3 s: stopped']);
  });

  it('never renders standard input', async () => {
    const s = stubs({ kustomize: PRINT_BUILD });
    const r = await run(['-'], { stdin: BASE_BUILD });
    expect(s.calls()).toEqual([]);
    expect(r.findings.every((f) => f.file === '-' && f.rendered === undefined)).toBe(true);
  });
});

describe('Helm, through a stub helm on PATH', () => {
  it('lints what helm template renders, at the template each object came from, with the values files given', async () => {
    const s = stubs({ helm: PRINT_HELM }, { helm: HELM_OUTPUT });
    const r = await run(['chart'], { helmValues: ['chart/values.yaml'] });
    expect(r.errors).toEqual([]);
    expect(s.calls()).toEqual([`helm template ${join(REPO, 'chart')} --values ${join(REPO, 'chart/values.yaml')}`]);
    const f = r.findings.find((x) => x.constraint.kind === 'K8sPSPHostNetworkingPorts');
    expect(f).toMatchObject({ file: 'chart/templates/deployment.yaml', line: 1, column: 1, rendered: { by: 'helm template', from: 'chart' } });
  });

  it('without helm, skips the chart with one warning, and never reads its templates as YAML', async () => {
    stubs({});
    const r = await run(['chart']);
    expect(r.errors).toEqual([]);
    expect(r.findings).toEqual([]);
    expect(r.warnings).toEqual(['chart: not rendered: helm not found; the chart was skipped']);
  });

  it('a template named by itself belongs to its chart: not parsed, the chart rendered instead', async () => {
    const s = stubs({ helm: PRINT_HELM }, { helm: HELM_OUTPUT });
    const r = await run(['chart/templates/deployment.yaml']);
    expect(r.errors).toEqual([]);
    expect(s.calls()).toEqual([`helm template ${join(REPO, 'chart')}`]);
    expect(r.findings.every((f) => f.rendered?.from === 'chart')).toBe(true);
  });
});

describe('kustomize, the real renderer', () => {
  const real = onPath('kustomize', ORIGINAL_PATH) ?? onPath('kubectl', ORIGINAL_PATH);
  if (!real) console.log('render.test.ts: neither kustomize nor kubectl is on PATH: the real-renderer tests are skipped');
  it.skipIf(!real)('builds the overlay and finds its privileged Deployment, with the base’s fields placed in the base', async () => {
    const r = await run(['.']);
    expect(r.errors).toEqual([]);
    const found = privileged(r);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: 'overlays/prod/kustomization.yaml', rendered: { from: 'overlays/prod' } });
    const hostPort = r.findings.find((f) => f.constraint.kind === 'K8sPSPHostNetworkingPorts' && f.rendered?.from === 'overlays/prod');
    expect(hostPort).toMatchObject({ file: 'base/deployment.yaml', line: 17, column: 15 });
  });
});

describe('offgate lint, the CLI', () => {
  const BIN = join(__dirname, '../bin/offgate.js');
  const cli = (args: string[], path: string) =>
    spawnSync(process.execPath, [BIN, 'lint', ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, PATH: path, STUB_OUTPUTS: path, NO_COLOR: '1' } });

  it('says which build a finding comes from, and exits 1 on the overlay’s privileged Deployment', () => {
    const s = stubs({ kustomize: PRINT_BUILD }, { base: BASE_BUILD, prod: PROD_BUILD });
    const r = cli(['overlays', '--helm-values', 'chart/values.yaml'], s.dir);
    expect(r.status).toBe(1);
    expect(unwrapped(r.stdout)).toContain('overlays/prod/kustomization.yaml:1:1: deny Deployment prod/web: container web runs privileged');
    expect(r.stdout).toContain('rendered by kustomize build overlays/prod');
  });

  it('--kustomize takes auto, always or never', () => {
    const r = cli(['--kustomize', 'sometimes', 'base'], '/nonexistent');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--kustomize sometimes: must be auto, always, never');
  });
});
