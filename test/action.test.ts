// The GitHub Action: dist/action.cjs run as the runner runs it (node, INPUT_* variables,
// GITHUB_STEP_SUMMARY and GITHUB_OUTPUT files), in a folder of manifests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..');
const ENTRY = join(ROOT, 'dist/action.cjs');
const PRIVILEGED = 'apiVersion: v1\nkind: Pod\nmetadata: {name: dind}\nspec:\n  containers:\n  - name: docker\n    image: docker:dind\n    securityContext: {privileged: true}\n';
const PLAIN = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: web\n    image: nginx\n';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-action-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'summary.md'), '');
  writeFileSync(join(dir, 'outputs.txt'), '');
  return dir;
}

function runAction(cwd: string, inputs: Record<string, string>) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, GITHUB_STEP_SUMMARY: join(cwd, 'summary.md'), GITHUB_OUTPUT: join(cwd, 'outputs.txt'), OFFGATE_CACHE_DIR: join(cwd, '.cache') };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const r = spawnSync(process.execPath, [ENTRY], { cwd, encoding: 'utf8', env });
  const outputs = Object.fromEntries(readFileSync(join(cwd, 'outputs.txt'), 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split('=')));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, summary: readFileSync(join(cwd, 'summary.md'), 'utf8'), outputs };
}

describe('action.yml', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { runs: { using: string; main: string }; inputs: Record<string, unknown>; outputs: Record<string, unknown> };

  it('runs the committed bundle on node20, with the documented inputs and outputs', () => {
    expect(action.runs).toEqual({ using: 'node20', main: 'dist/action.cjs' });
    expect(existsSync(join(ROOT, action.runs.main))).toBe(true);
    expect(Object.keys(action.inputs)).toEqual(['paths', 'env', 'config', 'policy', 'format', 'fail-on', 'sarif', 'output']);
    expect(Object.keys(action.outputs)).toEqual(['findings', 'failing', 'errors', 'exit-code']);
  });
});

describe('the Action', () => {
  it('annotates a rejected Pod, writes SARIF, a job summary and outputs, and fails the step', () => {
    const cwd = workspace({ 'pod.yaml': PRIVILEGED, 'web.yaml': PLAIN });
    const r = runAction(cwd, { paths: 'pod.yaml\nweb.yaml', sarif: 'offgate.sarif' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=pod\.yaml,line=8,col=\d+,title=K8sPSPPrivilegedContainer\/[^:]+::Pod default\/dind: container docker runs privileged/m);
    const sarif = JSON.parse(readFileSync(join(cwd, 'offgate.sarif'), 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(1);
    expect(r.summary).toContain('### offgate: ❌ the cluster would reject some of these');
    expect(r.summary).toContain('| `pod.yaml:8` |');
    expect(r.outputs).toEqual({ findings: '1', failing: '1', errors: '0', 'exit-code': '1' });
  });

  it('passes clean manifests; the default paths input is the workspace', () => {
    const cwd = workspace({ 'web.yaml': PLAIN });
    const r = runAction(cwd, {});
    expect(r.code).toBe(0);
    expect(r.summary).toContain('### offgate: ✅ the cluster would accept these');
    expect(r.outputs['exit-code']).toBe('0');
  });

  it('fail-on, env and format inputs are the CLI options', () => {
    const cwd = workspace({ 'pod.yaml': PRIVILEGED });
    const json = runAction(cwd, { paths: 'pod.yaml', format: 'json', env: 'restricted', 'fail-on': 'warn' });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).sources[0]).toContain('restricted');
  });

  it('a bad input is an error annotation and exit code 2', () => {
    const cwd = workspace({ 'pod.yaml': PRIVILEGED });
    const r = runAction(cwd, { paths: 'pod.yaml', format: 'xml' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('::error title=offgate::format xml: unknown format (one of text, json, sarif, junit, github, markdown)\n');
  });
});
