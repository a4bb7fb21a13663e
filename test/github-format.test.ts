// `-o github` in a GitHub Actions job: at most 10 annotations per severity (GitHub shows
// no more per step), the 10th counting the rest; the rest listed in the log; and the
// Markdown job summary appended to $GITHUB_STEP_SUMMARY, its places linked to the commit's
// lines. The Action writes the same summary. Snapshots regenerate with `npx vitest -u`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction } from '../src/action/main';
import { appendStepSummary, githubLinks } from '../src/cli/step-summary';
import { formats } from '../src/report/formats';
import { render as github, ANNOTATIONS_PER_SEVERITY } from '../src/report/formats/github';
import { SUMMARY_BUDGET } from '../src/report/formats/markdown';
import type { Finding, Report } from '../src/report/model';
import { summarize } from '../src/report/summary';

const BIN = join(__dirname, '../bin/offgate.js');
const SHA = '0123456789abcdef0123456789abcdef01234567';

/** A Deployment whose Pods share the host's process IDs and run a privileged container. */
const deployment = (name: string, ns = 'shop') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      hostPID: true
      containers:
        - name: ${name}
          image: registry.example.com/${name}:1.0
          securityContext:
            privileged: true
`;

/**
 * A repository as teams lay them out: an offgate.yaml that only warns about host
 * namespaces, a dozen services under k8s/, a kustomization-less overlay with a broken file.
 */
function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-github-'));
  const files: Record<string, string> = {
    'offgate.yaml': 'environments:\n  default:\n    extends: baseline\n    restrictions:\n      host-namespaces: { enforcementAction: warn }\n',
    'k8s/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata: [a\n',
  };
  for (const name of ['api', 'billing', 'cart', 'catalog', 'checkout', 'email', 'frontend', 'inventory', 'orders', 'payments', 'search', 'shipping']) {
    files[`k8s/${name}/deployment.yaml`] = deployment(name);
  }
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function lintGithub(cwd: string, env: NodeJS.ProcessEnv) {
  const clean = { ...process.env };
  for (const k of Object.keys(clean)) if (k.startsWith('GITHUB_')) delete clean[k];
  const r = spawnSync(process.execPath, [BIN, 'lint', '-o', 'github', 'k8s'], { cwd, encoding: 'utf8', env: { ...clean, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const annotations = (out: string, severity: string) => out.split('\n').filter((l) => l.startsWith(`::${severity} `) || l.startsWith(`::${severity}::`));

describe('offgate lint -o github in a job', () => {
  it('annotates 9 of each severity and counts the rest in a 10th; the rest are listed in the log; the job summary links to the lines', async () => {
    const cwd = repository();
    const summary = join(cwd, 'step-summary.md');
    writeFileSync(summary, '## earlier step\n\n');
    const r = lintGithub(cwd, { GITHUB_STEP_SUMMARY: summary, GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: SHA, GITHUB_WORKSPACE: cwd });
    expect(r.code).toBe(2); // the broken file
    expect(r.stderr).toBe('');

    // 12 privileged containers and an input error are errors; 12 shared host namespaces warnings.
    const errors = annotations(r.stdout, 'error');
    const warnings = annotations(r.stdout, 'warning');
    expect(errors).toHaveLength(ANNOTATIONS_PER_SEVERITY);
    expect(warnings).toHaveLength(ANNOTATIONS_PER_SEVERITY);
    expect(errors[0]).toMatch(/^::error file=k8s\/broken\.yaml,line=\d+,col=\d+,title=offgate%3A input error::/);
    expect(errors.at(-1)).toBe('::error title=offgate%3A 4 more (GitHub shows 10 per step)::and 4 more findings: see the job summary, or the log of this step');
    expect(warnings.at(-1)).toBe('::warning title=offgate%3A 3 more (GitHub shows 10 per step)::and 3 more findings: see the job summary, or the log of this step');
    // Not one finding is lost: those not annotated are plain lines of the log.
    const listed = r.stdout.split('\n').filter((l) => /^ {2}- k8s\/\S+:\d+:\d+: (deny|warn) /.test(l));
    expect(listed).toHaveLength(7);
    expect(r.stdout).toContain('\n12 workloads would be rejected (12 findings)\n12 workloads would be admitted with warnings (12 findings)\n1 input error: not everything could be checked\n');
    await expect(r.stdout).toMatchFileSnapshot('./__snapshots__/github-format/annotations.txt');

    // The job summary is appended after what earlier steps wrote.
    const page = readFileSync(summary, 'utf8');
    expect(page.startsWith('## earlier step\n\n### offgate: ⚠️ some inputs could not be checked\n')).toBe(true);
    expect(page).toContain('| K8sPSPPrivilegedContainer | 12 denied |');
    expect(page).toContain('| K8sPSPHostNamespace | 12 warnings |');
    expect(page).toContain(`| Deployment shop/api | [\`k8s/api/deployment.yaml:13\`](https://github.com/acme/shop/blob/${SHA}/k8s/api/deployment.yaml#L13) | 1 denied, 1 warning |`);
    await expect(page).toMatchFileSnapshot('./__snapshots__/github-format/job-summary.md');
  });

  it('exactly 10 of a severity are all annotated; with no job summary the count points at the log', () => {
    const cwd = repository();
    const r = lintGithub(cwd, {});
    expect(annotations(r.stdout, 'error')).toHaveLength(10);
    expect(annotations(r.stdout, 'error').at(-1)).toBe('::error title=offgate%3A 4 more (GitHub shows 10 per step)::and 4 more findings: see the log of this step');
    expect(existsSync(join(cwd, 'step-summary.md'))).toBe(false);

    // Ten findings of one severity fit: no count.
    const report = reportOf(10);
    const out = github(report, { color: false, failOn: 'deny', cwd: '/repo' });
    expect(annotations(out, 'error')).toHaveLength(10);
    expect(out).not.toContain('more (GitHub shows');
    expect(out).not.toContain('not annotated');
  });

  it('a job summary that cannot be written is one line and exit code 2', () => {
    const cwd = repository();
    const r = lintGithub(cwd, { GITHUB_STEP_SUMMARY: join(cwd, 'no/such/folder/summary.md') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^offgate: cannot write the job summary \$GITHUB_STEP_SUMMARY \(.*summary\.md\): no such file or directory\n$/);
  });
});

describe('the job summary', () => {
  it('links to file:line on GitHub when the repository and commit are known, else plain PATH:LINE', () => {
    const report = reportOf(2);
    const linked = formats.markdown(report, { color: false, failOn: 'deny', cwd: '/repo/deploy', links: githubLinks({ GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: SHA, GITHUB_WORKSPACE: '/repo' }, '/repo/deploy') });
    expect(linked).toContain(`[\`apps/svc-0.yaml:18\`](https://github.com/acme/shop/blob/${SHA}/deploy/apps/svc-0.yaml#L18)`);
    const plain = formats.markdown(report, { color: false, failOn: 'deny', cwd: '/repo/deploy' });
    expect(plain).toContain('| `apps/svc-0.yaml:18` |');
    expect(plain).not.toContain('https://');
    // GitHub Enterprise Server: its own address; a file outside the checkout: no link.
    expect(githubLinks({ GITHUB_REPOSITORY: 'a/b', GITHUB_SHA: SHA, GITHUB_SERVER_URL: 'https://git.corp.example/' }, '/w')).toEqual({ base: `https://git.corp.example/a/b/blob/${SHA}/`, root: '/w' });
    expect(githubLinks({ GITHUB_REPOSITORY: 'a/b' }, '/w')).toBeUndefined();
    const outside = formats.markdown({ ...report, findings: [{ ...report.findings[0]!, file: '/elsewhere/x.yaml' }] }, { color: false, failOn: 'deny', cwd: '/repo', links: { base: 'https://github.com/a/b/blob/s/', root: '/repo' } });
    expect(outside).toContain('| `/elsewhere/x.yaml:18` |');
  });

  it('tables findings by restriction and by workload', () => {
    const out = formats.markdown(reportOf(3), { color: false, failOn: 'deny', cwd: '/repo' });
    expect(out).toContain(['#### Findings by restriction', '', '| constraint kind | findings |', '|---|---|', '| K8sPSPPrivilegedContainer | 3 denied |'].join('\n'));
    expect(out).toContain(['#### Findings by workload', '', '| object | where | findings |', '|---|---|---|', '| Deployment shop/svc-0 | `apps/svc-0.yaml:18` | 1 denied |'].join('\n'));
  });

  it('stays under GitHub’s 1 MiB cap however many findings there are', () => {
    const huge = reportOf(20_000, 'x'.repeat(900));
    const out = formats.markdown(huge, { color: false, failOn: 'deny', cwd: '/repo' });
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(SUMMARY_BUDGET);
    expect(out).toMatch(/…and \d+ more findings/);
  });

  it('appendStepSummary appends to $GITHUB_STEP_SUMMARY, and does nothing without it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-summary-'));
    const file = join(dir, 'summary.md');
    appendStepSummary(reportOf(1), { GITHUB_STEP_SUMMARY: file }, { cwd: '/repo' });
    appendStepSummary(reportOf(1), { GITHUB_STEP_SUMMARY: file }, { cwd: '/repo' });
    expect(readFileSync(file, 'utf8').match(/^### offgate: /gm)).toHaveLength(2);
    expect(() => appendStepSummary(reportOf(1), {}, {})).not.toThrow();
  });

  it('the Action writes the same summary, linked', async () => {
    const cwd = repository();
    const summary = join(cwd, 'summary.md');
    writeFileSync(summary, '');
    const out: string[] = [];
    const env = { INPUT_PATHS: join(cwd, 'k8s/api'), INPUT_CONFIG: join(cwd, 'offgate.yaml'), GITHUB_STEP_SUMMARY: summary, GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: SHA, GITHUB_WORKSPACE: cwd, OFFGATE_CACHE_DIR: join(cwd, '.cache') };
    expect(await runAction({ env, stdout: (s) => out.push(s), stderr: () => undefined })).toBe(1);
    const page = readFileSync(summary, 'utf8');
    expect(page).toContain('#### Findings by workload');
    expect(page).toContain(`(https://github.com/acme/shop/blob/${SHA}/k8s/api/deployment.yaml#L13)`);
  });
});

/** `n` findings of the privileged-container restriction, one per Deployment. */
function reportOf(n: number, message = 'container app runs privileged'): Report {
  const findings: Finding[] = Array.from({ length: n }, (_, i) => ({
    file: `apps/svc-${i}.yaml`,
    line: 18,
    column: 13,
    object: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: `svc-${i}-pod` },
    workload: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: `svc-${i}`, expansion: 'offgate-expand-deployment', builtIn: true },
    constraint: { kind: 'K8sPSPPrivilegedContainer', name: 'offgate-baseline-privileged-containers' },
    enforcementAction: 'deny',
    message,
    details: {},
  }));
  return { version: '0.1.0', sources: ['bundled:baseline'], findings, errors: [], warnings: [], summary: summarize({ findings, errors: [], files: n, objects: n }) };
}
