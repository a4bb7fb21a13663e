// `offgate lint --shard I/N`: the value checked, every file on exactly one shard for N = 1..8,
// shards that stay put when files are added, a kustomization's build kept whole on one shard,
// and cluster state (the inputs' Namespaces) still seen by every shard.
import { workspace as makeWorkspace } from './helpers/workspace';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lint } from '../src/lint/lint';
import { readManifests } from '../src/manifests';
import { parseShard, shardOfPath, shardPath, takeShard } from '../src/shard/shard';
import { offgate } from './helpers/cli';
import { PRINT_BUILD, stubs } from './helpers/stub-renderers';

const workspace = (files: Record<string, string> = {}): string => makeWorkspace(files, { prefix: 'offgate-shard-' });

const pod = (name: string, ns = 'apps') => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  containers:\n    - name: ${name}\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n`;

/** 40 manifests in team folders, as a monorepo lays them out. */
function monorepo(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`teams/team-${i % 5}/app-${i}/pod.yaml`] = pod(`app-${i}`);
  return files;
}

describe('--shard I/N', { timeout: 120_000 }, () => {
  it('accepts I/N with 1 ≤ I ≤ N, and nothing else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '1/0', '2', '2/4/8', 'a/b', '-1/4', '1.5/4', '']) expect(parseShard(bad)).toHaveProperty('error');
  });

  it('a bad value is one line and exit 2', () => {
    const r = offgate(['lint', '--shard', '3/2', '.'], { cwd: workspace({ 'a.yaml': pod('a') }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('offgate: --shard 3/2: must be I/N with 1 ≤ I ≤ N ≤ 1024 (e.g. 2/4: the second of four shards)\n');
  });

  it('--write-baseline is refused with --shard: a shard would record only its share', () => {
    const r = offgate(['lint', '--shard', '1/2', '--write-baseline', 'b.json', '.'], { cwd: workspace({ 'a.yaml': pod('a') }) });
    expect(r).toMatchObject({ code: 2, stderr: 'offgate: --write-baseline records every finding of the repository: write it from a run without --shard\n' });
  });

  it('hashes the path relative to the working directory, with / separators', () => {
    expect(shardPath('/repo/k8s/a.yaml', '/repo')).toBe('k8s/a.yaml');
    expect(shardPath('./k8s/a.yaml', '/repo')).toBe('k8s/a.yaml');
    expect(shardPath('-', '/repo')).toBe('-');
    // Pinned: CI jobs of different machines and offgate runs of different days must agree.
    // (the first 48 bits of SHA-256("k8s/a.yaml") modulo N)
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => shardOfPath('k8s/a.yaml', n))).toEqual([0, 0, 2, 2, 1, 2, 5, 6]);
    expect(shardOfPath('k8s/a.yaml', 1)).toBe(0);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('N = %i: every file is on exactly one shard, and adding files moves none', async (n) => {
    const cwd = workspace(monorepo());
    const all = (await readManifests(['.'], { cwd })).files;
    expect(all).toHaveLength(40);
    const seen = new Map<string, number>();
    const before = new Map<string, number>();
    for (let i = 1; i <= n; i++) {
      const read = await readManifests(['.'], { cwd });
      takeShard(read, { index: i, count: n }, cwd);
      for (const f of read.files) {
        seen.set(f, (seen.get(f) ?? 0) + 1);
        before.set(f, i);
      }
    }
    expect([...seen.keys()].sort()).toEqual([...all].sort());
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
    if (n > 1) expect(new Set(before.values()).size).toBeGreaterThan(1); // the files are spread, not all on one shard

    for (let i = 0; i < 10; i++) writeFileSync(join(cwd, `teams/new-${i}.yaml`), pod(`new-${i}`));
    for (let i = 1; i <= n; i++) {
      const read = await readManifests(['.'], { cwd });
      takeShard(read, { index: i, count: n }, cwd);
      for (const f of read.files) if (before.has(f)) expect(before.get(f)).toBe(i);
    }
  });

  it('reports which shard in the sources, and counts only its files', async () => {
    const cwd = workspace(monorepo());
    const got = await Promise.all([1, 2, 3].map((i) => lint({ paths: ['.'], cwd, shard: { index: i, count: 3 } })));
    const counts = got.map((g) => g.report.summary.files);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(40);
    got.forEach((g, i) => expect(g.report.sources).toContain(`shard ${i + 1}/3: ${counts[i]} of 40 files (by path hash)`));
    expect(got.reduce((t, g) => t + g.report.findings.length, 0)).toBe(40);
  });
});

describe('--shard with rendered inputs', { timeout: 120_000 }, () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
    delete process.env.STUB_OUTPUTS;
  });

  it("keeps a kustomization's build on the shard of its folder, with the files it reads", async () => {
    const build = [pod('one', 'prod'), pod('two', 'prod'), pod('three', 'prod')].join('---\n');
    stubs({ kustomize: PRINT_BUILD }, { prod: build });
    const cwd = workspace({
      ...monorepo(),
      'overlays/prod/kustomization.yaml': 'resources: [one.yaml, two.yaml, three.yaml]\n',
      'overlays/prod/one.yaml': pod('one', 'prod'),
      'overlays/prod/two.yaml': pod('two', 'prod'),
      'overlays/prod/three.yaml': pod('three', 'prod'),
    });
    const home = shardOfPath('overlays/prod', 4) + 1;
    for (let i = 1; i <= 4; i++) {
      const { report } = await lint({ paths: ['.'], cwd, kustomize: 'always', shard: { index: i, count: 4 } });
      expect(report.errors).toEqual([]);
      const rendered = report.findings.filter((f) => f.rendered?.from === 'overlays/prod');
      expect(rendered).toHaveLength(i === home ? 3 : 0);
      expect(report.findings.filter((f) => f.file.startsWith('overlays/') && !f.rendered)).toEqual([]);
    }
  });
});

describe('--shard and cluster state', { timeout: 120_000 }, () => {
  it('a Namespace on another shard still decides a namespaceSelector', async () => {
    const policy = {
      'policy/template.yaml': `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sdenyall
spec:
  crd:
    spec:
      names:
        kind: K8sDenyAll
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sdenyall
        violation[{"msg": msg}] {
          msg := sprintf("%v is denied", [input.review.object.metadata.name])
        }
`,
      'policy/constraint.yaml': `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata:
  name: deny-in-locked
spec:
  match:
    kinds: [{ apiGroups: [""], kinds: [ConfigMap] }]
    namespaceSelector:
      matchLabels: { locked: "true" }
`,
    };
    const files: Record<string, string> = { ...policy, 'k8s/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: vault\n  labels: { locked: "true" }\n' };
    for (let i = 0; i < 12; i++) files[`k8s/cm-${i}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: vault\ndata: {}\n`;
    const cwd = workspace(files);
    const single = await lint({ paths: ['k8s'], cwd, policyDirs: ['policy'] });
    expect(single.report.findings).toHaveLength(12);
    let found = 0;
    for (let i = 1; i <= 4; i++) {
      const { report } = await lint({ paths: ['k8s'], cwd, policyDirs: ['policy'], shard: { index: i, count: 4 } });
      expect(report.findings.every((f) => !f.autoreject)).toBe(true);
      found += report.findings.length;
    }
    expect(found).toBe(12);
  });
});
