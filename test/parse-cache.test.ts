// The parse cache (src/manifests/parse-cache.ts) answers exactly as parsing does: the same
// values, origins and errors, fields placed at the same positions; it is keyed by every
// file's name and text, stores nothing JSON cannot carry, and survives a damaged entry.
// Through the CLI, a --policy folder read from the cache gives the same report as a cold run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedParser, parseManifestText, readManifests, type ByteStore, type Parser, type ParseResult } from '../src/manifests';
import { constraintTemplate } from './helpers/templates';

/** Entries by key, the parsed files' ones apart from the stats that name them. */
function memoryStore(): ByteStore & { entries: Map<string, Uint8Array>; stats: Map<string, Uint8Array>; loads: number } {
  const entries = new Map<string, Uint8Array>();
  const stats = new Map<string, Uint8Array>();
  const store = {
    entries,
    stats,
    loads: 0,
    load: (key: string, kind: 'parsed' | 'stats' = 'parsed') => {
      store.loads++;
      return (kind === 'stats' ? stats : entries).get(key);
    },
    store: (key: string, bytes: Uint8Array, kind: 'parsed' | 'stats' = 'parsed') => void (kind === 'stats' ? stats : entries).set(key, bytes),
  };
  return store;
}

/** What a reader's result says, positions of `paths` included. */
function observed(r: ParseResult, paths: string[]) {
  return { errors: r.errors, objects: r.objects.map((m) => ({ object: m.object, origin: m.origin, at: paths.map((p) => m.locate(p)) })) };
}

const FILES = [
  {
    file: 'policy/template.yaml',
    text: constraintTemplate('K8sOwner', 'package k8sowner\nviolation[{"msg": "no owner"}] {\n\tnot input.review.object.metadata.labels.owner\n}', 'k8sowner'),
  },
  {
    file: 'policy/constraints.yaml',
    text: `# two documents, flow and block
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sOwner
metadata: { name: owner }
spec:
  match:
    kinds: [{ apiGroups: [""], kinds: ["Pod"] }]
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sOwner
metadata:
  name: "owner-2"
spec:
  parameters:
    note: >-
      folded
      text
    n: 0x1F
`,
  },
  { file: 'policy/list.json', text: '{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}}]}' },
  { file: 'policy/broken.yaml', text: 'apiVersion: v1\nkind: ConfigMap\ndata: {a: [\n' },
];
const PATHS = ['spec.match.kinds[0]', 'metadata.name', 'spec.parameters.note', 'items[0].metadata.name', 'spec.targets[0].rego', 'no.such.field'];

describe('the parse cache', () => {
  it('gives what parsing gives, from the second run on read from one entry', () => {
    const store = memoryStore();
    const parse = cachedParser(store);
    const fresh = FILES.map((f) => observed(parseManifestText(f.text, f.file), PATHS));
    expect(parse(FILES, {}).map((r) => observed(r, PATHS))).toEqual(fresh);
    expect(store.entries.size).toBe(1);
    const again = parse(FILES, {});
    expect(store.entries.size).toBe(1);
    expect(again.map((r) => observed(r, PATHS))).toEqual(fresh);
    expect(fresh[3].errors).not.toEqual([]); // a file with an error is cached with its error
    expect(fresh[0].objects[0].at[4].line).toBeGreaterThan(1); // positions are real ones
  });

  it('is keyed by every name and text, and the options', () => {
    const store = memoryStore();
    const parse = cachedParser(store);
    parse(FILES, {});
    parse([...FILES.slice(0, 3), { ...FILES[3], text: FILES[3].text + ']}' }], {});
    parse([FILES[0], { ...FILES[1], file: 'elsewhere/constraints.yaml' }, FILES[2], FILES[3]], {});
    parse(FILES, { yamlVersion: '1.2' });
    expect(store.entries.size).toBe(4);
    // n: 0x1F is 31 in YAML 1.1 and 1.2 alike, but `on` is not: the options are in the key.
    const yes = [{ file: 'a.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: on}\n' }];
    expect(parse(yes, {})[0].objects[0].object).toEqual(parseManifestText(yes[0].text, 'a.yaml').objects[0].object);
    expect(parse(yes, { yamlVersion: '1.2' })[0].objects[0].object).toEqual(parseManifestText(yes[0].text, 'a.yaml', { yamlVersion: '1.2' }).objects[0].object);
  });

  it('stores nothing JSON would change: -0, NaN, infinities, aliases shared between places', () => {
    for (const text of ['a: -0.0', 'a: .nan', 'a: -.inf', 'x: &x {k: v}\ny: *x']) {
      const store = memoryStore();
      const files = [{ file: 'odd.yaml', text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: odd}\ndata:\n  ${text.replace('\n', '\n  ')}\n` }];
      const first = cachedParser(store)(files, {});
      expect(store.entries.size, text).toBe(0);
      expect(first[0].objects[0].object).toEqual(parseManifestText(files[0].text, 'odd.yaml').objects[0].object);
    }
  });

  it('parses again when an entry is not its own (damaged, or of another shape)', () => {
    const store = memoryStore();
    const parse = cachedParser(store);
    parse(FILES, {});
    const [key] = store.entries.keys();
    for (const bad of ['{"objects": 1', '[]', '[1,2,3,4]', 'null']) {
      store.entries.set(key, Buffer.from(bad));
      expect(parse(FILES, {}).map((r) => observed(r, PATHS)), bad).toEqual(FILES.map((f) => observed(parseManifestText(f.text, f.file), PATHS)));
    }
  });
});

describe('files the file system says unchanged', () => {
  /** A folder holding FILES. */
  function folder(): string {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-unchanged-'));
    mkdirSync(join(dir, 'policy'));
    for (const f of FILES) writeFileSync(join(dir, f.file), f.text);
    return dir;
  }
  /** The parser, counting the files it was given to read (`unchanged` answers without them). */
  function counting(parse: Parser): Parser & { read: number } {
    const p = Object.assign((files: Parameters<Parser>[0], opts: Parameters<Parser>[1]) => {
      p.read += files.length;
      return parse(files, opts);
    }, { read: 0, unchanged: parse.unchanged });
    return p;
  }
  const observedRead = (r: { objects: ParseResult['objects']; errors: unknown[] }) => ({ errors: r.errors, objects: r.objects.map((m) => ({ object: m.object, origin: m.origin, at: PATHS.map((p) => m.locate(p)) })) });

  it('are not read again: the same objects, origins, errors and positions come from the entry their stats name', async () => {
    const dir = folder();
    const store = memoryStore();
    const parse = counting(cachedParser(store, { settledMs: 0 }));
    const cold = await readManifests(['policy'], { cwd: dir, parse });
    expect(parse.read).toBe(FILES.length);
    expect(store.stats.size).toBe(1);
    const warm = await readManifests(['policy'], { cwd: dir, parse });
    expect(parse.read).toBe(FILES.length); // none read
    expect(observedRead(warm)).toEqual(observedRead(cold));
    expect(warm.files).toEqual(cold.files);
    // As a fresh reader without any cache reads them.
    expect(observedRead(warm)).toEqual(observedRead(await readManifests(['policy'], { cwd: dir })));
  });

  it('are read again once anything changes: a text, a time, a file replaced, added or over the size limit', async () => {
    const dir = folder();
    const store = memoryStore();
    const parse = counting(cachedParser(store, { settledMs: 0 }));
    const read = async (opts: { maxFileSize?: number } = {}) => {
      const before = parse.read;
      const r = await readManifests(['policy'], { cwd: dir, parse, ...opts });
      return { r, read: parse.read - before };
    };
    await read();
    expect((await read()).read).toBe(0);
    // Same size, other bytes.
    writeFileSync(join(dir, FILES[0].file), FILES[0].text.replace('no owner', 'No owner'));
    const edited = await read();
    expect(edited.read).toBe(FILES.length);
    expect(JSON.stringify(edited.r.objects.map((m) => m.object))).toContain('No owner');
    expect((await read()).read).toBe(0);
    // Only its times.
    utimesSync(join(dir, FILES[1].file), new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect((await read()).read).toBe(FILES.length);
    // Replaced by a file with the same bytes.
    writeFileSync(join(dir, 'copy.tmp'), FILES[2].text);
    renameSync(join(dir, 'copy.tmp'), join(dir, FILES[2].file));
    expect((await read()).read).toBe(FILES.length);
    expect((await read()).read).toBe(0);
    // Over a smaller limit: refused as a read refuses it.
    const limited = await read({ maxFileSize: 100 });
    expect(limited.r.errors.map((e) => e.message)).toContainEqual(expect.stringContaining('limit'));
    // A file added to the folder.
    writeFileSync(join(dir, 'policy', 'more.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: more}\n');
    const added = await read();
    expect(added.read).toBe(FILES.length + 1);
    expect(added.r.objects.map((m) => m.object.metadata)).toContainEqual({ name: 'more' });
  });

  it('are recorded only once settled: a file changed within the last seconds might change again within its time stamp', async () => {
    const dir = folder();
    const store = memoryStore();
    const parse = counting(cachedParser(store));
    await readManifests(['policy'], { cwd: dir, parse });
    await readManifests(['policy'], { cwd: dir, parse });
    expect(store.stats.size).toBe(0);
    expect(parse.read).toBe(2 * FILES.length);
  });
});

describe('--policy through the cache', () => {
  const BIN = join(__dirname, '../bin/offgate.js');

  it('reports the same, positions included, cold and warm, and after a policy file changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-parse-cache-'));
    const cache = join(dir, 'cache');
    mkdirSync(join(dir, 'policy'));
    const rego = (kind: string, label: string) => `package ${kind.toLowerCase()}\nviolation[{"msg": msg}] {\n  not input.review.object.metadata.labels.${label}\n  msg := "${label} label missing"\n}`;
    writeFileSync(join(dir, 'policy', 'owner.yaml'), constraintTemplate('K8sOwner', rego('K8sOwner', 'owner'), 'k8sowner'));
    writeFileSync(join(dir, 'policy', 'team.yaml'), constraintTemplate('K8sTeam', rego('K8sTeam', 'team'), 'k8steam'));
    // A Rego error, placed by its line in the template's file (a located field of a cached object).
    writeFileSync(join(dir, 'policy', 'bad.yaml'), constraintTemplate('K8sBad', 'package k8sbad\nviolation[{"msg": msg}] {\n  msg := no_such_function(1)\n}', 'k8sbad'));
    // A constraint whose parameters break the template's schema: an error placed in its file.
    const constraints = (teamName: string) =>
      `apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sOwner\nmetadata: {name: owner}\nspec:\n  match: {kinds: [{apiGroups: [""], kinds: [Pod]}]}\n---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sTeam\nmetadata: {name: ${teamName}}\nspec:\n  match:\n    kinds: [{apiGroups: [""], kinds: [Pod]}]\n    namespaces: 7\n`;
    writeFileSync(join(dir, 'policy', 'constraints.yaml'), constraints('team'));
    writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n');
    const lint = () => spawnSync(process.execPath, [BIN, 'lint', '--policy', 'policy', '-o', 'json', 'pod.yaml'], { cwd: dir, encoding: 'utf8', env: { ...process.env, OFFGATE_CACHE_DIR: cache } });
    const cold = lint();
    expect(cold.status, cold.stderr).toBe(2); // input errors: not everything could be checked
    const report = JSON.parse(cold.stdout) as { results: unknown[]; errors: { file: string; line?: number; column?: number; message: string }[] };
    expect(report.results).toHaveLength(1);
    expect(report.errors).toEqual([
      expect.objectContaining({ file: 'policy/bad.yaml', line: 15, column: 18 }),
      expect.objectContaining({ file: 'policy/constraints.yaml', line: 7, column: 1 }),
    ]);
    expect(readdirSync(cache).filter((n) => n.endsWith('.parsed'))).toHaveLength(1);
    const entries = readdirSync(cache).length;
    const warm = lint();
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.stderr).toBe(cold.stderr);
    expect(readdirSync(cache)).toHaveLength(entries);
    // A changed file is read again: the report follows it.
    writeFileSync(join(dir, 'policy', 'constraints.yaml'), constraints('team-renamed'));
    const changed = lint();
    expect(changed.stdout).toContain('team-renamed');
    expect(changed.stdout.replaceAll('team-renamed', 'team')).toBe(cold.stdout);
  });
});
