// The module cache under damage and load (issue 11, "Cache"): truncated, garbage and
// empty entries are compiled again and replaced, never loaded; the cache stays within its
// bound by evicting the least recently used entries; concurrent runs never see half an
// entry; `offgate cache` and `offgate version` show and empty it. The CLI cases assert
// the verdict and the exit code, and that the other file's finding survives.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintTemplate } from '../helpers/templates';
import { cacheKey, cacheUsage, cleanCache, compileCached, type CompileRequest } from '../../src/gatekeeper/module-cache';
import { compilerSourcesHash } from '../../src/identity';
import { checksum } from '../../src/checksum';

const BIN = join(__dirname, '../../bin/offgate.js');

/** A template of kind `kind` that denies Pods without an owner label, and its constraint. */
function ownerPolicy(kind: string): string {
  const pkg = kind.toLowerCase();
  const rego = `package ${pkg}
violation[{"msg": msg}] {
  not input.review.object.metadata.labels.owner
  msg := sprintf("%v has no owner", [input.review.object.metadata.name])
}`;
  return `${constraintTemplate(kind, rego, pkg)}---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: ${kind}
metadata:
  name: owner
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
`;
}

const pod = (name: string, labels: Record<string, string> = {}) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });

interface Setup {
  dir: string;
  cache: string;
}

/** A policy folder with templates of `kinds`, two Pods (one without owner), and an empty cache. */
function setup(kinds: string[] = ['K8sOwner']): Setup {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-cache-'));
  mkdirSync(join(dir, 'policy'));
  for (const kind of kinds) writeFileSync(join(dir, 'policy', `${kind}.yaml`), ownerPolicy(kind));
  mkdirSync(join(dir, 'pods'));
  writeFileSync(join(dir, 'pods/orphan.json'), pod('orphan'));
  writeFileSync(join(dir, 'pods/owned.json'), pod('owned', { owner: 'shop' }));
  writeFileSync(join(dir, 'pods/other.json'), pod('other'));
  return { dir, cache: join(dir, 'cache') };
}

function lint(s: Setup, policy = 'policy', env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, 'lint', '-o', 'json', '--policy', join(s.dir, policy), join(s.dir, 'pods')], {
    encoding: 'utf8',
    env: { ...process.env, OFFGATE_CACHE_DIR: s.cache, ...env },
  });
  return { code: r.status, stderr: r.stderr, report: r.stdout ? (JSON.parse(r.stdout) as { results: { message: string }[]; errors: unknown[] }) : undefined };
}

const entries = (cache: string) => readdirSync(cache).filter((n) => n.endsWith('.wasm'));

/** The one entry's bytes: the module, then the module's checksum (src/checksum.ts). */
function isWhole(bytes: Buffer): boolean {
  return bytes.length > 8 && checksum(bytes.subarray(0, bytes.length - 8)) === bytes.subarray(bytes.length - 8).toString('hex');
}

const EXPECTED = ['orphan has no owner', 'other has no owner'];

describe('damaged entries', () => {
  const damages: [string, (file: string) => void][] = [
    ['truncated', (f) => truncateSync(f, Math.floor(statSync(f).size / 2))],
    ['garbage of the same length', (f) => writeFileSync(f, Buffer.alloc(statSync(f).size, 0x5a))],
    ['a bare module (no digest: an earlier offgate)', (f) => writeFileSync(f, readFileSync(f).subarray(0, statSync(f).size - 32))],
    ['one flipped byte in the module', (f) => {
      const b = readFileSync(f);
      b[Math.floor(b.length / 2)]! ^= 1;
      writeFileSync(f, b);
    }],
    ['empty', (f) => writeFileSync(f, '')],
  ];

  it.each(damages)('%s: the template still lints (exit 1, both findings) and the entry is replaced', (_name, damage) => {
    const s = setup();
    const first = lint(s);
    expect(first.code).toBe(1);
    expect(first.report!.results.map((r) => r.message).sort()).toEqual(EXPECTED);
    const [entry] = entries(s.cache);
    const file = join(s.cache, entry!);
    const good = readFileSync(file);
    expect(isWhole(good)).toBe(true);

    damage(file);
    const second = lint(s);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(1);
    expect(second.report!.errors).toEqual([]);
    expect(second.report!.results.map((r) => r.message).sort()).toEqual(EXPECTED);
    // Replaced by the same module, so the third run reads it from the cache.
    expect(readFileSync(file).equals(good)).toBe(true);
    expect(entries(s.cache)).toEqual([entry]);
  }, 30_000);
});

describe('concurrent runs', () => {
  it('eight runs on an empty cache: same verdict, whole entries, no temporary files left', async () => {
    const s = setup();
    const runs = Array.from({ length: 8 }, () =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'lint', '-o', 'json', '--policy', join(s.dir, 'policy'), join(s.dir, 'pods')], { env: { ...process.env, OFFGATE_CACHE_DIR: s.cache } });
        let stdout = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.on('close', (code) => resolve({ code, stdout }));
      }),
    );
    const results = await Promise.all(runs);
    for (const r of results) {
      expect(r.code).toBe(1);
      expect((JSON.parse(r.stdout) as { results: { message: string }[] }).results.map((x) => x.message).sort()).toEqual(EXPECTED);
    }
    // One module, one parsed policy folder (src/manifests/parse-cache.ts), both whole; nothing else.
    const names = readdirSync(s.cache);
    expect(names.filter((n) => n.endsWith('.parsed'))).toHaveLength(1);
    expect(entries(s.cache)).toHaveLength(1);
    expect(names).toHaveLength(2);
    for (const n of names) expect(isWhole(readFileSync(join(s.cache, n))), n).toBe(true);
  }, 60_000);
});

describe('the size bound', () => {
  // Small Rego modules compiled in-process: what the bound does, not how the CLI gets there.
  const request = (n: number): CompileRequest => ({
    modules: [{ file: `t${n}.rego`, source: `package t${n}\nviolation[{"msg": "n${n}"}] { input.x == ${n} }\n` }],
    entrypoint: `t${n}/violation`,
    regoVersion: 'v0',
  });
  const fileOf = (cache: string, n: number) => join(cache, `${cacheKey(request(n))}.wasm`);
  const hours = (h: number) => new Date(Date.now() - h * 3600_000);

  it('evicts the least recently used entries, where reading an entry counts as use', () => {
    const cache = mkdtempSync(join(tmpdir(), 'offgate-lru-'));
    for (const n of [1, 2, 3]) expect(compileCached(request(n), cache).fromCache).toBe(false);
    const size = statSync(fileOf(cache, 1)).size;
    // 1 is the oldest, then 2, then 3.
    for (const [n, h] of [[1, 3], [2, 2], [3, 1]] as const) utimesSync(fileOf(cache, n), hours(h), hours(h));
    // Reading 1 makes it the most recently used: 2 is now the oldest.
    expect(compileCached(request(1), cache).fromCache).toBe(true);
    // Room for three entries of about this size (a 4th is written, so one must go).
    const bound = Math.floor(size * 3.5);
    expect(compileCached(request(4), cache, bound).fromCache).toBe(false);
    expect(entries(cache).sort()).toEqual([1, 3, 4].map((n) => `${cacheKey(request(n))}.wasm`).sort());
    expect(cacheUsage(cache).bytes).toBeLessThanOrEqual(bound);
  });

  it('keeps the entry just written even when it alone is over the bound, and removes stale temporary files', () => {
    const cache = mkdtempSync(join(tmpdir(), 'offgate-lru-'));
    compileCached(request(1), cache);
    const stale = join(cache, `${cacheKey(request(9))}.wasm.123.abc.tmp`);
    writeFileSync(stale, 'half an entry of a run that died');
    utimesSync(stale, hours(2), hours(2));
    const fresh = join(cache, `${cacheKey(request(8))}.wasm.456.def.tmp`);
    writeFileSync(fresh, 'an entry another run is writing now');
    compileCached(request(2), cache, 1);
    expect(readdirSync(cache).sort()).toEqual([`${cacheKey(request(2))}.wasm`, `${cacheKey(request(8))}.wasm.456.def.tmp`].sort());
  });

  it('OFFGATE_CACHE_MAX_SIZE bounds the CLI', () => {
    // Two policy folders: each folder's templates are compiled into one module, one entry.
    const s = setup(['K8sOwnerA', 'K8sOwnerB']);
    mkdirSync(join(s.dir, 'policy-cd'));
    for (const kind of ['K8sOwnerC', 'K8sOwnerD']) writeFileSync(join(s.dir, 'policy-cd', `${kind}.yaml`), ownerPolicy(kind));
    expect(lint(s, 'policy-cd').code).toBe(1);
    expect(entries(s.cache)).toHaveLength(1);
    const r = lint(s, 'policy', { OFFGATE_CACHE_MAX_SIZE: '1' });
    expect(r.code).toBe(1);
    expect(r.report!.results).toHaveLength(4);
    // Each write evicts all but itself: one entry remains.
    expect(entries(s.cache)).toHaveLength(1);
    // The evicted folder's module is compiled again, and stays.
    const unbounded = lint(s, 'policy-cd', { OFFGATE_CACHE_MAX_SIZE: '' });
    expect(unbounded.code).toBe(1);
    expect(entries(s.cache)).toHaveLength(2);
  }, 30_000);
});

describe('offgate cache and version', () => {
  it('cache dir, info and clean; clean removes only offgate files; version shows the location', () => {
    const s = setup();
    const env = { ...process.env, OFFGATE_CACHE_DIR: s.cache };
    const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env });
    expect(lint(s).code).toBe(1);
    writeFileSync(join(s.cache, 'notes.txt'), 'not offgate’s');

    expect(cli('cache', 'dir')).toMatchObject({ status: 0, stdout: `${s.cache}\n` });
    // The policy folder's parsed files are an entry of their own (src/manifests/parse-cache.ts).
    expect(cli('cache', 'info').stdout).toMatch(new RegExp(`^${s.cache}: 1 module, 1 parsed policy folder, [\\d.]+ KiB\\n$`));
    const version = cli('version');
    expect(version.status).toBe(0);
    expect(version.stdout).toContain(`module cache: ${s.cache} (1 module, `);
    expect(version.stdout).toContain('bound 256 MiB');
    expect(version.stdout).toMatch(/^offgate \d+\.\d+\.\d+\ntemplates: sha256:[0-9a-f]{12} \(\d+ bundled templates\)\ncompiler: [0-9a-f]{12}\nOPA wasm ABI: 1\.2\nNode\.js: v\d+/);
    expect(cli('--version').stdout).toBe(version.stdout);

    const clean = cli('cache', 'clean');
    expect(clean.status).toBe(0);
    expect(clean.stdout).toMatch(new RegExp(`^removed 1 module, 1 parsed policy folder \\([\\d.]+ KiB\\) from ${s.cache}\\n$`));
    expect(readdirSync(s.cache)).toEqual(['notes.txt']);
    expect(cleanCache(s.cache)).toEqual({ entries: 0, bytes: 0, modules: 0, parsed: 0 });
    // And the next run compiles again.
    expect(lint(s).code).toBe(1);
    expect(entries(s.cache)).toHaveLength(1);

    expect(cli('cache', 'burn')).toMatchObject({ status: 2, stderr: 'offgate: cache: unknown action "burn" (expected: dir, info or clean)\n' });
  }, 30_000);
});

describe('cache keys follow the compiler', () => {
  it('the bundled CLI keys modules by the hash of the compiler sources it was built from', () => {
    // Two builds with one version number (two commits of a git install) must not share
    // modules: the key holds the compiler's own code, in the bundle as in the sources.
    const r = spawnSync(process.execPath, [BIN, 'version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const shown = /^compiler: ([0-9a-f]{12})$/m.exec(r.stdout)?.[1];
    expect(shown).toBe(compilerSourcesHash(join(__dirname, '../../src')).slice(0, 12));
  });

  it('a change in the compiler sources changes the key of the same template', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-compiler-id-'));
    for (const d of ['compiler', 'runtime']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'compiler', 'a.ts'), 'one');
    const before = compilerSourcesHash(dir);
    writeFileSync(join(dir, 'compiler', 'a.ts'), 'two');
    expect(compilerSourcesHash(dir)).not.toBe(before);
  });
});
