// Start-up, run as users run it (the bundled CLI): OFFGATE_TIMINGS=1 says where a run
// spends its time without changing what it prints; an install without the build's code
// cache records one in the cache folder on its first run and starts from it afterwards
// (`offgate cache clean` removes it); a --policy folder's templates are one module in the
// cache, and the report is the same on a cold and a warm cache.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintTemplate } from './helpers/templates';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin/offgate.js');

function run(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', OFFGATE_TIMINGS: '', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A repository as real ones look: a workload, and a policy folder with two templates of the team's and their constraints. */
function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-startup-'));
  mkdirSync(join(dir, 'deploy'));
  writeFileSync(
    join(dir, 'deploy/api.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:latest
        - name: proxy
          image: envoyproxy/envoy:v1.30.1
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  ports: [{port: 80}]
`,
  );
  mkdirSync(join(dir, 'policy'));
  const rule = (kind: string, test: string, what: string) =>
    `${constraintTemplate(
      kind,
      `package ${kind.toLowerCase()}
violation[{"msg": msg, "details": {"path": sprintf("spec.containers[%d].image", [i])}}] {
  c := input.review.object.spec.containers[i]
  ${test}
  msg := sprintf("container %v: ${what}", [c.name])
}`,
    )}---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: ${kind}
metadata:
  name: ${kind.toLowerCase()}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: ["Pod"]}]
`;
  writeFileSync(join(dir, 'policy/no-latest.yaml'), rule('K8sNoLatest', 'endswith(c.image, ":latest")', 'image tag latest'));
  writeFileSync(join(dir, 'policy/registry.yaml'), rule('K8sOwnRegistry', 'not startswith(c.image, "registry.example.com/")', 'image from another registry'));
  return dir;
}

describe('OFFGATE_TIMINGS=1', () => {
  it('prints each phase of the run on standard error, and changes nothing else', () => {
    const dir = repository();
    const cache = join(dir, 'cache');
    const plain = run(BIN, ['lint', '--policy', 'policy', 'deploy'], dir, { OFFGATE_CACHE_DIR: cache });
    const timed = run(BIN, ['lint', '--policy', 'policy', 'deploy'], dir, { OFFGATE_CACHE_DIR: cache, OFFGATE_TIMINGS: '1' });
    expect(plain.code).toBe(1);
    expect(timed.code).toBe(1);
    expect(timed.stdout).toBe(plain.stdout);
    expect(plain.stderr).toBe('');
    const lines = timed.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('offgate timings:');
    const phases = lines.slice(1).map((l) => l.match(/^\s*(\d+\.\d) ms {2}(.+)$/));
    expect(phases.every((m) => m !== null)).toBe(true);
    expect(phases.map((m) => m![2])).toEqual([
      'node start-up',
      'bundle load (read, code cache, run)',
      'options (command line parsed, lint loaded)',
      'offgate.yaml read',
      'inputs and --policy folders read (YAML)',
      'environment and templates picked',
      'templates loaded (module cache, compiling, wasm instantiation)',
      'constraints, expansions and inventory loaded',
      'evaluation',
      'findings placed in their files',
      'output (text report written)',
      'exit',
      'total (wall, since the process started)',
    ]);
    const ms = phases.map((m) => Number(m![1]));
    const total = ms.pop()!;
    expect(Math.abs(ms.reduce((a, b) => a + b, 0) - total)).toBeLessThan(1);
  }, 60_000);
});

describe('a --policy folder on a cold and a warm cache', () => {
  it('one module for the folder, the same report from it', () => {
    const dir = repository();
    const cache = join(dir, 'cache');
    const cold = run(BIN, ['lint', '-o', 'json', '--policy', 'policy', 'deploy'], dir, { OFFGATE_CACHE_DIR: cache });
    expect(cold.code).toBe(1);
    expect(readdirSync(cache).filter((f) => f.endsWith('.wasm'))).toHaveLength(1);
    const warm = run(BIN, ['lint', '-o', 'json', '--policy', 'policy', 'deploy'], dir, { OFFGATE_CACHE_DIR: cache });
    expect(warm.stdout).toBe(cold.stdout);
    const report = JSON.parse(warm.stdout) as { results: { message: string; line: number; workload?: unknown }[] };
    expect(report.results.map((r) => `${r.line} ${r.message}`).sort()).toEqual(['15 container api: image tag latest', '17 container proxy: image from another registry']);
  }, 60_000);
});

describe('a code cache for installs that ship none', () => {
  it('is recorded in the cache folder on the first run, used by the next, and removed by cache clean', () => {
    // The package as a git install has it: bin/, dist/ and what they read, without dist/offgate.cjs.cache.
    const pkg = mkdtempSync(join(tmpdir(), 'offgate-install-'));
    for (const p of ['bin', 'dist', 'wasm', 'rego', 'schema', 'package.json', 'src/runtime']) {
      if (existsSync(join(ROOT, p))) cpSync(join(ROOT, p), join(pkg, p), { recursive: true, filter: (f) => !f.endsWith('.cjs.cache') });
    }
    expect(existsSync(join(pkg, 'dist/offgate.cjs.cache'))).toBe(false);
    const dir = repository();
    const cache = join(dir, 'cache');
    const bin = join(pkg, 'bin/offgate.js');
    const first = run(bin, ['lint', '--policy', 'policy', 'deploy'], dir, { OFFGATE_CACHE_DIR: cache });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(1);
    const recorded = readdirSync(cache).filter((f) => f.startsWith('code-cache-'));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatch(new RegExp(`^code-cache-node${process.versions.node.replace(/\./g, '\\.')}-\\d+-\\d+\\.v8$`));
    const file = join(cache, recorded[0]);
    const written = statSync(file).mtimeMs;
    // The next run reads it (V8 accepts it: it is not written again) and says the same.
    const second = run(bin, ['lint', '--policy', 'policy', 'deploy'], dir, { OFFGATE_CACHE_DIR: cache });
    expect(second.stdout).toBe(first.stdout);
    expect(statSync(file).mtimeMs).toBe(written);
    // A cache of other code (here: garbage) is rejected by V8 and recorded again.
    writeFileSync(file, 'not a code cache');
    const third = run(bin, ['lint', '--policy', 'policy', 'deploy'], dir, { OFFGATE_CACHE_DIR: cache });
    expect(third.stdout).toBe(first.stdout);
    expect(statSync(file).size).toBeGreaterThan(1000);
    const clean = run(bin, ['cache', 'clean'], dir, { OFFGATE_CACHE_DIR: cache });
    expect(clean.code).toBe(0);
    expect(readdirSync(cache)).toEqual([]);
    // A cache folder that cannot be made (a file is in the way) is no error.
    const readOnly = run(bin, ['lint', '--policy', 'policy', 'deploy'], dir, { OFFGATE_CACHE_DIR: join(dir, 'deploy/api.yaml', 'cache') });
    expect(readOnly.stderr).toBe('');
    expect(readOnly.stdout).toBe(first.stdout);
  }, 90_000);
});
