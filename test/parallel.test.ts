// Evaluation on several threads (src/gatekeeper/parallel.ts, `offgate lint --jobs N`): the
// objects are reviewed in consecutive parts, one per thread, and the report is the one a
// single thread writes, byte for byte: results, their order, errors and warnings. A worker
// that cannot answer leaves its part to the main thread, with the same result.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, type EngineInput, type Located } from '../src/gatekeeper/engine';
import { evaluateInParallel, split } from '../src/gatekeeper/parallel';
import { MIN_OBJECTS_PER_THREAD, threadsFor } from '../src/gatekeeper/threads';
import { workspace } from './helpers/workspace';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin/offgate.js');

/** A repository's worth of workloads: Pods and Deployments in three namespaces, some violating, in several files. */
function manyObjects(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let f = 0; f < 4; f++) {
    const docs: string[] = [];
    for (let i = f; i < count; i += 4) {
      const ns = ['shop', 'data', 'web'][i % 3];
      const sc = i % 5 === 0 ? '\n          securityContext: {privileged: true}' : i % 7 === 0 ? '\n          securityContext: {capabilities: {add: [NET_ADMIN]}}' : '';
      const ports = i % 11 === 0 ? '\n          ports: [{containerPort: 80, hostPort: 80}]' : '';
      docs.push(
        i % 2 === 0
          ? `apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${i}\n  namespace: ${ns}\nspec:\n  hostNetwork: ${i % 13 === 0}\n  containers:\n    - name: c\n      image: nginx:1.27${sc.replace(/\n {10}/g, '\n      ')}${ports.replace(/\n {10}/g, '\n      ')}\n`
          : `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: deploy-${i}\n  namespace: ${ns}\nspec:\n  selector: {matchLabels: {app: a${i}}}\n  template:\n    metadata: {labels: {app: a${i}}}\n    spec:\n      containers:\n        - name: c\n          image: nginx:1.27${sc}${ports}\n`,
      );
    }
    files[`deploy/part-${f}.yaml`] = docs.join('---\n');
  }
  return files;
}

function lint(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, 'lint', ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1', COLUMNS: '100', OFFGATE_TIMINGS: '', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('split and threadsFor', () => {
  it('parts are consecutive, cover every item once, and the first (reviewed while the workers start) is the largest', () => {
    const items = Array.from({ length: 1003 }, (_, i) => i);
    for (const n of [1, 2, 3, 4, 7]) {
      const parts = split(items, n);
      expect(parts).toHaveLength(n);
      expect(parts.flat()).toEqual(items);
      for (const p of parts.slice(1)) expect(parts[0].length).toBeGreaterThanOrEqual(p.length);
    }
    expect(split([1, 2], 4).flat()).toEqual([1, 2]);
  });

  it('one thread below the threshold; never more threads than jobs or than parts worth a thread', () => {
    expect(threadsFor(10, 4)).toBe(1);
    expect(threadsFor(2 * MIN_OBJECTS_PER_THREAD - 1, 4)).toBe(1);
    expect(threadsFor(2 * MIN_OBJECTS_PER_THREAD, 4)).toBe(2);
    expect(threadsFor(100 * MIN_OBJECTS_PER_THREAD, 4)).toBe(4);
    expect(threadsFor(100 * MIN_OBJECTS_PER_THREAD, 1)).toBe(1);
  });
});

describe('offgate lint --jobs', () => {
  const dir = workspace({ ...manyObjects(1100), 'offgate.yaml': 'environments:\n  default:\n    extends: restricted\n' }, { git: true });

  it('reports exactly what one thread reports, in every format, with the workers answering', () => {
    for (const format of ['json', 'text', 'sarif']) {
      const one = lint(['--jobs', '1', '-o', format, 'deploy'], dir);
      const three = lint(['--jobs', '3', '-o', format, 'deploy'], dir, { OFFGATE_TIMINGS: '1' });
      expect(one.code).toBe(1);
      expect(three.code).toBe(1);
      expect(three.stdout).toBe(one.stdout);
      // The timings say how the work was shared: two workers, both answered.
      expect(three.stderr).toMatch(/evaluation of part 1 of 3 \(\d+ objects, this thread\)/);
      expect(three.stderr).toContain('(2 of 2 workers answered)');
    }
    const report = JSON.parse(lint(['--jobs', '1', '-o', 'json', 'deploy'], dir).stdout) as { results: unknown[] };
    expect(report.results.length).toBeGreaterThan(500);
  }, 120_000);

  it('few objects stay on this thread', () => {
    const small = workspace(manyObjects(40), { git: true });
    const r = lint(['--jobs', '4', '--env', 'restricted', 'deploy'], small, { OFFGATE_TIMINGS: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('evaluation of part');
  }, 60_000);

  it.each([['0'], ['65'], ['two'], ['1.5']])('--jobs %s is a usage error, exit 2', (value) => {
    const r = lint(['--jobs', value, 'deploy'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`offgate: --jobs ${value}: must be a number of threads from 1 to 64\n`);
  });
});

describe('evaluateInParallel', () => {
  const pods: Located[] = Array.from({ length: 2 * MIN_OBJECTS_PER_THREAD + 10 }, (_, i) => ({
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: i % 3 === 0 } }] } },
    origin: { file: 'pods.yaml', line: 1 + 10 * i, column: 1 },
  }));
  const input = (): EngineInput => ({
    objects: [
      {
        object: {
          apiVersion: 'templates.gatekeeper.sh/v1',
          kind: 'ConstraintTemplate',
          metadata: { name: 'k8snoprivileged' },
          spec: {
            crd: { spec: { names: { kind: 'K8sNoPrivileged' } } },
            targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: 'package k8snoprivileged\nviolation[{"msg": msg}] {\n  c := input.review.object.spec.containers[_]\n  c.securityContext.privileged\n  msg := sprintf("%v is privileged", [input.review.object.metadata.name])\n}\n' }],
          },
        },
      },
      { object: { apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'K8sNoPrivileged', metadata: { name: 'none' } } },
    ],
    review: pods,
    options: { cacheDir: null },
  });

  it('a worker that cannot start leaves its part to this thread: the same output as evaluate()', async () => {
    const expected = evaluate(input());
    const got = await evaluateInParallel(input(), { jobs: 2, script: join(ROOT, 'no-such-script.js') });
    expect(got).toEqual(expected);
    expect(got.results).toHaveLength(Math.ceil(pods.length / 3));
    // Origins are the caller's own objects (lint finds each finding's file by them).
    for (const r of got.results) expect(pods.some((p) => p.origin === r.origin)).toBe(true);
  });

  it('through the bundled CLI as the worker script: the same output, origins the caller\'s own', async () => {
    const expected = evaluate(input());
    const got = await evaluateInParallel(input(), { jobs: 2, script: BIN });
    expect(got).toEqual(expected);
    for (const r of got.results) expect(pods.some((p) => p.origin === r.origin)).toBe(true);
  }, 60_000);
});
