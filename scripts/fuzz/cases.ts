// One fuzz case: the files to write, the offgate command to run on them, and what its
// result must satisfy. A case is a pure function of (seed, number): regenerated alone, it is
// the same bytes, so a reproducer or a rerun needs nothing but those two numbers.
import yaml from 'js-yaml';
import { generatedWorkload, type Corpus } from './corpus';
import { addProtoKeys, mutateBytes, mutateText, mutateTree, type Mutated } from './mutate';
import { mutateRego, regoVersionOf } from './rego-mutate';
import { Rng, hashString } from './rng';
import { emitJson, emitYaml, fromJs, get, keyName, set, str, type YNode } from './tree';

export const KINDS = ['manifest', 'config', 'suite', 'rego'] as const;
export type Kind = (typeof KINDS)[number];

export type Files = Map<string, string | Buffer>;

export interface FuzzCase {
  id: number;
  kind: Kind;
  /** What was done, for the reproducer. */
  notes: string[];
  files: Files;
  /** The mutated file (for in-process runs and minimising). */
  primary: string;
  /** offgate's arguments; `TIMEOUT` is replaced by `--timeout N` when the CLI has it, else dropped. */
  args: string[];
  /** Exit codes offgate may end with on this command. */
  exits: number[];
  /** How to read the verdict from standard output. */
  verdict: 'lint-json' | 'verify' | 'none';
  /** The sentinel Pod is among the inputs: its findings must all be in the report. */
  sentinel: boolean;
  /** A prototype-key case: the same input without those keys, whose verdict must be the same. */
  base?: Files;
}

export interface CaseOptions {
  /** Only these kinds (default all). */
  kinds?: readonly Kind[];
}

export function caseRng(seed: number, id: number, stream = 'cli'): Rng {
  return new Rng(seed, hashString(stream), id);
}

export function makeCase(corpus: Corpus, seed: number, id: number, opts: CaseOptions = {}, stream = 'cli'): FuzzCase {
  const rng = caseRng(seed, id, stream);
  const kinds = opts.kinds ?? KINDS;
  const weights: [number, Kind][] = [[45, 'manifest'], [15, 'config'], [15, 'suite'], [25, 'rego']];
  const kind = rng.weighted(weights.filter(([, k]) => kinds.includes(k)));
  const c: FuzzCase = { id, kind, notes: [], files: new Map(), primary: '', args: [], exits: [0, 1, 2], verdict: 'none', sentinel: false };
  switch (kind) {
    case 'manifest':
      manifestCase(rng, corpus, c);
      break;
    case 'config':
      configCase(rng, corpus, c);
      break;
    case 'suite':
      suiteCase(rng, corpus, c);
      break;
    case 'rego':
      regoCase(rng, corpus, c);
      break;
  }
  return c;
}

/** Emits a tree as YAML or JSON and applies raw mutations unless `clean`. */
function render(rng: Rng, roots: YNode[], json: boolean, notes: string[], clean: boolean): string | Buffer {
  let text: string;
  try {
    text = json ? roots.map(emitJson).join('') : roots.map(emitYaml).join('---\n');
  } catch (e) {
    // Past V8's longest string: mutations are bounded (MAX_BYTES), this is the last resort.
    if (!(e instanceof RangeError)) throw e;
    notes.push('too large to write: replaced by a one-line document');
    text = 'kind: TooLarge\n';
  }
  if (clean) return text;
  if (rng.chance(0.35)) text = mutateText(rng, text, notes);
  if (rng.chance(0.2)) return mutateBytes(rng, Buffer.from(text, 'utf8'), notes);
  return text;
}

/**
 * Trees from `seeds`, mutated; for a prototype-key case, the files with and without the keys
 * (only tree mutations that keep the input readable come before, and no raw ones after).
 */
function mutatedFiles(rng: Rng, seeds: unknown[], notes: string[], proto: boolean, json: boolean): { files: (string | Buffer)[]; base?: (string | Buffer)[] } {
  const trees: Mutated[] = seeds.map((d) => ({ root: fromJs(d), notes }));
  if (!proto) {
    for (const m of trees) if (rng.chance(0.85)) mutateTree(rng, m);
    return { files: [render(rng, trees.map((m) => m.root), json, notes, false)] };
  }
  for (const m of trees) if (rng.chance(0.3)) mutateTree(rng, m, 1);
  const base = render(rng, trees.map((m) => m.root), json, notes, true);
  let added = false;
  for (const m of trees) added = addProtoKeys(rng, m) || added;
  const files = render(rng, trees.map((m) => m.root), json, notes, true);
  return added ? { files: [files], base: [base] } : { files: [files] };
}

function manifestCase(rng: Rng, corpus: Corpus, c: FuzzCase): void {
  const count = rng.range(1, 3);
  const seeds = Array.from({ length: count }, () => {
    if (rng.chance(0.3)) {
      c.notes.push('generated workload');
      return generatedWorkload(rng);
    }
    const s = rng.pick(corpus.manifests);
    c.notes.push(`seed ${s.name}`);
    return s.doc;
  });
  const proto = rng.chance(0.3);
  const json = rng.chance(0.15);
  const file = json ? 'input.json' : 'input.yaml';
  const { files, base } = mutatedFiles(rng, seeds, c.notes, proto, json);
  c.files.set('sentinel.yaml', corpus.sentinel);
  c.files.set(file, files[0]!);
  c.primary = file;
  // The sentinel first and last alternately: order must not matter either.
  const inputs = rng.chance(0.5) ? ['sentinel.yaml', file] : [file, 'sentinel.yaml'];
  const format = proto || rng.chance(0.85) ? 'json' : rng.pick(['text', 'github', 'sarif', 'junit']);
  c.args = ['lint', '--env', 'restricted', '-o', format, 'TIMEOUT', ...inputs];
  c.verdict = format === 'json' ? 'lint-json' : 'none';
  c.sentinel = format === 'json';
  if (base) c.base = new Map([['sentinel.yaml', corpus.sentinel], [file, base[0]!]]);
}

function configCase(rng: Rng, corpus: Corpus, c: FuzzCase): void {
  const seed = rng.pick(corpus.configs);
  c.notes.push(`seed ${seed.name}`);
  const proto = rng.chance(0.3);
  let doc: unknown;
  try {
    doc = yaml.load(seed.text);
  } catch {
    doc = {};
  }
  const { files, base } = mutatedFiles(rng, [doc], c.notes, proto, false);
  const env = seed.environments.length > 0 && rng.chance(0.7) ? rng.pick(seed.environments) : undefined;
  const manifests = new Map<string, string>();
  for (const s of corpus.manifests.filter((m) => m.name.startsWith('fixtures/manifests/'))) {
    const name = `manifests/${s.name.split('/').pop()}`;
    manifests.set(name, `${manifests.get(name) ?? ''}---\n${yaml.dump(s.doc)}`);
  }
  for (const [k, v] of manifests) c.files.set(k, v);
  c.files.set('offgate.yaml', files[0]!);
  c.primary = 'offgate.yaml';
  c.args = ['lint', '--config', 'offgate.yaml', ...(env ? ['--env', env] : []), '-o', 'json', 'TIMEOUT', 'manifests'];
  c.verdict = 'lint-json';
  if (base) c.base = new Map([...manifests, ['offgate.yaml', base[0]!]]);
}

function suiteCase(rng: Rng, corpus: Corpus, c: FuzzCase): void {
  const seed = rng.pick(corpus.suites);
  c.notes.push(`seed ${seed.name}`);
  const target = rng.chance(0.4) ? seed.suite : rng.pick([...seed.files.keys()]);
  c.notes.push(`mutating ${target}`);
  let docs: unknown[];
  try {
    docs = yaml.loadAll(seed.files.get(target)!).filter((d) => d !== null && typeof d === 'object');
  } catch {
    docs = [];
  }
  const proto = rng.chance(0.3);
  let mutated: { files: (string | Buffer)[]; base?: (string | Buffer)[] };
  if (docs.length > 0 && docs.every((d) => (d as { kind?: unknown }).kind === 'ConstraintTemplate') && !proto && rng.chance(0.5)) {
    mutated = { files: [docs.map((d) => emitYaml(templateWithMutatedRego(rng, fromJs(d), c.notes))).join('---\n')] };
  } else {
    mutated = docs.length > 0 ? mutatedFiles(rng, docs, c.notes, proto, false) : { files: [mutateBytes(rng, Buffer.from(seed.files.get(target)!), c.notes)] };
  }
  for (const [k, v] of seed.files) c.files.set(k, v);
  c.files.set(target, mutated.files[0]!);
  c.primary = target;
  c.args = ['verify', seed.suite];
  c.exits = [0, 1, 2];
  c.verdict = 'verify';
  if (mutated.base) c.base = new Map([...seed.files, [target, mutated.base[0]!]]);
}

/** A template whose first Rego source is mutated (`spec.targets[0].rego` or `code[].source.rego`). */
function templateWithMutatedRego(rng: Rng, t: YNode, notes: string[]): YNode {
  const target = get(get(t, 'spec'), 'targets');
  const first = target?.t === 'seq' ? target.items[0] : undefined;
  const direct = get(first, 'rego');
  const code = get(first, 'code');
  const source = code?.t === 'seq' ? get(code.items[0], 'source') : undefined;
  const holder = direct ? first : source;
  const rego = get(holder, 'rego');
  if (!holder || rego?.t !== 'scalar') return t;
  const text = keyName(rego.text);
  set(holder, 'rego', str(mutateRego(rng, text, regoVersionOf(text), notes)));
  return t;
}

function regoCase(rng: Rng, corpus: Corpus, c: FuzzCase): void {
  if (rng.chance(0.4)) {
    const seed = rng.pick(corpus.rego);
    c.notes.push(`seed ${seed.name}`);
    const v = regoVersionOf(seed.source);
    let text: string | Buffer = mutateRego(rng, seed.source, v, c.notes);
    if (rng.chance(0.15)) text = mutateBytes(rng, Buffer.from(text), c.notes);
    c.files.set('policy.rego', text);
    for (const lib of corpus.libs) c.files.set(`lib/${lib.name.split('/').pop()}`, lib.source);
    const pkg = /^package\s+([\w.]+)/m.exec(seed.source)?.[1] ?? 'x';
    c.primary = 'policy.rego';
    c.args = ['compile', 'policy.rego', ...corpus.libs.map((l) => `lib/${l.name.split('/').pop()}`), '-e', `${pkg.replace(/\./g, '/')}/violation`, '--rego-version', v, '--output-file', 'out.wasm'];
    c.exits = [0, 2];
    return;
  }
  const seed = rng.pick(corpus.templates);
  c.notes.push(`seed ${seed.name}`);
  // A kind of its own, so that the template adds to the bundled policy and replaces none of it.
  const t = fromJs(seed.doc);
  const names = get(get(get(get(t, 'spec'), 'crd'), 'spec'), 'names');
  const kind = `Fuzz${rng.int(1_000_000)}`;
  if (names) set(names, 'kind', str(kind));
  const meta = get(t, 'metadata');
  if (meta) set(meta, 'name', str(kind.toLowerCase()));
  if (rng.chance(0.75)) templateWithMutatedRego(rng, t, c.notes);
  const m: Mutated = { root: t, notes: c.notes };
  if (rng.chance(0.3)) mutateTree(rng, m, 1);
  const text = render(rng, [m.root], false, c.notes, rng.chance(0.7));
  c.primary = 'policy/template.yaml';
  c.files.set('policy/template.yaml', text);
  if (rng.chance(0.4)) {
    c.args = ['compile', 'policy/template.yaml', '--output-file', 'out.wasm'];
    c.exits = [0, 2];
    return;
  }
  const constraint = { apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind, metadata: { name: 'fuzz' }, spec: { match: { kinds: [{ apiGroups: ['*'], kinds: ['*'] }] } } };
  c.files.set('policy/constraint.yaml', yaml.dump(constraint));
  c.files.set('sentinel.yaml', corpus.sentinel);
  const pods = Array.from({ length: rng.range(1, 2) }, () => generatedWorkload(rng));
  c.files.set('pods.yaml', pods.map((p) => yaml.dump(p)).join('---\n'));
  c.args = ['lint', '--env', 'restricted', '--policy', 'policy', '-o', 'json', 'TIMEOUT', 'sentinel.yaml', 'pods.yaml'];
  c.verdict = 'lint-json';
  c.sentinel = true;
}

/** For tests: a tree mutation result, deterministic per seed. */
export function emitted(files: Files): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of files) out[k] = typeof v === 'string' ? v : `base64:${v.toString('base64')}`;
  return out;
}
