// What a one-file lint loads at start-up, through the bundled CLI (bin/offgate.js). The host
// builtins' dependencies (graphql-js, Ajv and ajv-formats, node:crypto, node:net) cost
// milliseconds to initialise and almost no policy calls them: they must stay run-time
// requires made on first use (src/policy/host/lazy.ts), not modules the bundle evaluates
// on every run. A --require hook records every module the process requires.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintTemplate } from './helpers/templates';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin/offgate.js');
const BUNDLE = join(ROOT, 'dist/offgate.cjs');

/**
 * The dependencies a lint must not load unless a policy calls the builtins that use them:
 * graphql-js and Ajv as the package ships them (dist/vendor/, bundled by scripts/build.mjs),
 * or from node_modules, and two Node modules.
 */
const LAZY = ['graphql', 'ajv', 'ajv-formats', 'node:crypto', 'node:net', 'dist/vendor/graphql.cjs', 'dist/vendor/json-schema.cjs'];
const isLazy = (request: string, name: string = '') => (name ? [name] : LAZY).some((l) => request === l || request.endsWith(`/${l}`));

const HOOK = `const Module = require('node:module');
const { writeFileSync } = require('node:fs');
const load = Module._load;
const requested = new Set();
Module._load = function (request, ...rest) {
  requested.add(request.replace(/^(crypto|net)$/, 'node:$1'));
  return load.call(this, request, ...rest);
};
process.on('exit', () => writeFileSync(process.env.OFFGATE_TEST_LOADED, JSON.stringify([...requested])));
`;

/** Runs `offgate ARGS` in `cwd` with the hook: the exit code, stdout and the modules required. */
function lintLoading(args: string[], cwd: string, env: Record<string, string> = {}): { code: number; stdout: string; stderr: string; loaded: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-startup-'));
  const hook = join(dir, 'hook.cjs');
  const out = join(dir, 'loaded.json');
  writeFileSync(hook, HOOK);
  const r = spawnSync(process.execPath, ['--require', hook, BIN, ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', OFFGATE_TEST_LOADED: out, ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, loaded: JSON.parse(readFileSync(out, 'utf8')) as string[] };
}

/** A template whose rule calls graphql.*, json.match_schema (Ajv) and crypto.sha256. */
const HOST_CALLS_TEMPLATE = `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8shostcalls
spec:
  crd:
    spec:
      names:
        kind: K8sHostCalls
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8shostcalls

        violation[{"msg": msg}] {
          query := graphql.parse_query("{ pod { name } }")
          [matches, _] := json.match_schema(input.review.object.metadata, {"type": "object", "required": ["name"]})
          matches
          digest := crypto.sha256(input.review.object.metadata.name)
          msg := sprintf("%v %v %v", [query.Operations[0].SelectionSet[0].Name, matches, substring(digest, 0, 8)])
        }
`;

const HOST_CALLS_CONSTRAINT = `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sHostCalls
metadata:
  name: host-calls
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: blue
  namespace: shop
spec:
  containers:
    - name: app
      image: nginx:1.27
`;

describe('start-up', () => {
  it('a one-file lint with the baseline preset requires none of the host builtins’ dependencies', () => {
    const r = lintLoading(['lint', '--env', 'baseline', 'fixtures/manifests/backup.yaml'], ROOT);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1); // the CronJob adds a capability baseline denies
    expect(r.loaded).toContain('node:fs'); // the hook saw the bundle's requires
    expect(r.loaded.filter((m) => isLazy(m))).toEqual([]);
  });

  it('a one-file lint does not load node:child_process (renderers and git only) nor node:module in bin/offgate.js', () => {
    const r = lintLoading(['lint', '--env', 'baseline', 'fixtures/manifests/backup.yaml'], ROOT);
    expect(r.code).toBe(1);
    expect(r.loaded.filter((m) => /^(node:)?child_process$/.test(m))).toEqual([]);
    // Module.wrap and createRequire would need it; the bin wraps the bundle itself.
    expect(readFileSync(BIN, 'utf8')).not.toMatch(/require\(['"](node:)?module['"]\)/);
    // (test/render.test.ts renders kustomizations through stub renderers: the first use loads it.)
  });


  it('a one-file lint writing to a pipe, a file or /dev/null creates no stdio stream: Node\'s stream modules stay unloaded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-startup-'));
    const hook = join(dir, 'streams.cjs');
    const seen = join(dir, 'streams.json');
    writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(seen)}, JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (stream|internal\\/streams\\/writable|net|tty)$/.test(m)))));\n`);
    const args = ['--require', hook, BIN, 'lint', '--env', 'baseline', 'fixtures/manifests/backup.yaml'];
    const file = join(dir, 'report.txt');
    const fd = openSync(file, 'w');
    const runs = {
      pipe: spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' }),
      file: spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', fd, 'pipe'] }),
      null: spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] }),
    };
    closeSync(fd);
    for (const [sink, r] of Object.entries(runs)) {
      expect(r.status, sink).toBe(1);
      expect(r.stderr, sink).toBe('');
      expect(JSON.parse(readFileSync(seen, 'utf8')), sink).toEqual([]);
      if (sink === 'pipe') expect(r.stdout).toBe(readFileSync(file, 'utf8'));
    }
    expect(readFileSync(file, 'utf8')).toMatch(/^fixtures\/manifests\/backup\.yaml:\d+:\d+: deny /);
  });

  it('a warm --policy lint of settled, unchanged files reads them from the cache without loading node:crypto (src/checksum.ts)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'offgate-startup-'));
    mkdirSync(join(cwd, 'policy'));
    const rego = (label: string) => `package k8s${label}\nviolation[{"msg": msg}] {\n  not input.review.object.metadata.labels.${label}\n  msg := "${label} label missing"\n}`;
    writeFileSync(join(cwd, 'policy/owner.yaml'), constraintTemplate('K8sOwner', rego('owner')));
    writeFileSync(join(cwd, 'policy/team.yaml'), constraintTemplate('K8sTeam', rego('team')));
    const constraint = (kind: string) => `apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: ${kind}\nmetadata: {name: ${kind.toLowerCase()}}\nspec:\n  match: {kinds: [{apiGroups: [""], kinds: [Pod]}]}\n`;
    writeFileSync(join(cwd, 'policy/constraints.yaml'), `${constraint('K8sOwner')}---\n${constraint('K8sTeam')}`);
    writeFileSync(join(cwd, 'pod.yaml'), POD);
    // Files last changed over 3 s ago are settled: their stats can be trusted (parse-cache.ts).
    await new Promise((done) => setTimeout(done, 3200));
    const env = { OFFGATE_CACHE_DIR: join(cwd, 'cache') };
    const cold = lintLoading(['lint', '-o', 'json', '--policy', 'policy', 'pod.yaml'], cwd, env);
    expect(cold.loaded.some((l) => isLazy(l, 'node:crypto'))).toBe(true); // texts and members hashed
    const warm = lintLoading(['lint', '-o', 'json', '--policy', 'policy', 'pod.yaml'], cwd, env);
    expect(warm.stdout).toBe(cold.stdout);
    expect((JSON.parse(warm.stdout) as { results: { message: string }[] }).results.map((r) => r.message).sort()).toEqual(['owner label missing', 'team label missing']);
    expect(warm.loaded.filter((l) => isLazy(l, 'node:crypto'))).toEqual([]);
    // Changed since: read, parsed and compiled again, and the report follows.
    writeFileSync(join(cwd, 'policy/team.yaml'), constraintTemplate('K8sTeam', rego('team').replace('label missing', 'label is missing')));
    const changed = lintLoading(['lint', '-o', 'json', '--policy', 'policy', 'pod.yaml'], cwd, env);
    expect((JSON.parse(changed.stdout) as { results: { message: string }[] }).results.map((r) => r.message).sort()).toEqual(['owner label missing', 'team label is missing']);
  }, 20_000);

  it('a policy calling graphql, json.match_schema and crypto builtins loads them then, from the package\'s dist/vendor', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'offgate-startup-'));
    mkdirSync(join(cwd, 'policy'));
    writeFileSync(join(cwd, 'policy/template.yaml'), HOST_CALLS_TEMPLATE);
    writeFileSync(join(cwd, 'policy/constraint.yaml'), HOST_CALLS_CONSTRAINT);
    writeFileSync(join(cwd, 'pod.yaml'), POD);
    const r = lintLoading(['lint', '-o', 'json', '--policy', 'policy', 'pod.yaml'], cwd);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { results: { message: string }[]; errors: unknown[] };
    expect(report.errors).toEqual([]);
    // sha256("blue") begins 16477688.
    expect(report.results.map((x) => x.message)).toEqual(['pod true 16477688']);
    expect(r.code).toBe(1);
    for (const m of ['dist/vendor/graphql.cjs', 'dist/vendor/json-schema.cjs', 'node:crypto']) expect(r.loaded.some((l) => isLazy(l, m)), m).toBe(true);
  });

  it('yaml.marshal, whose library the bundle loads on first use, works in a policy run through the CLI', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'offgate-startup-'));
    mkdirSync(join(cwd, 'policy'));
    writeFileSync(join(cwd, 'policy/template.yaml'), HOST_CALLS_TEMPLATE.replace(/k8shostcalls/g, 'k8syamlcalls').replace('K8sHostCalls', 'K8sYamlCalls').replace(/ {10}query :=[^]*?msg := [^\n]*\n/, '          text := yaml.marshal({"name": input.review.object.metadata.name})\n          back := yaml.unmarshal(text)\n          msg := sprintf("%v|%v", [trim_space(text), back.name])\n'));
    writeFileSync(join(cwd, 'policy/constraint.yaml'), HOST_CALLS_CONSTRAINT.replace('K8sHostCalls', 'K8sYamlCalls'));
    writeFileSync(join(cwd, 'pod.yaml'), POD);
    const r = lintLoading(['lint', '-o', 'json', '--policy', 'policy', 'pod.yaml'], cwd);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { results: { message: string }[]; errors: unknown[] };
    expect(report.errors).toEqual([]);
    expect(report.results.map((x) => x.message)).toEqual(['name: blue|blue']);
  });

  it('the bundle carries no copy of graphql-js or Ajv (a bundled copy is evaluated at start-up)', () => {
    const bundle = readFileSync(BUNDLE, 'utf8');
    // The path esbuild names each bundled CommonJS module by; undefined when there is none.
    expect(/node_modules\/(graphql|ajv|ajv-formats)\/[^"]*/.exec(bundle)?.[0]).toBeUndefined();
  });
});
