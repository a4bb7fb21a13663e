// Mutations, structure-aware (on a YNode tree) and raw (on the text or its bytes). Each
// takes the case's Rng and returns a short name of what it did, for the reproducer's notes.
import type { Rng } from './rng';
import { clone, fromJs, get, keyName, quote, scalar, size, slots, str, type Slot, type YNode } from './tree';

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Object.prototype's own names: values that, used as keys somewhere, reach the prototype. */
const PROTO_VALUES = ['__proto__', 'constructor', 'prototype', 'source', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', 'isPrototypeOf'];

const ODD_NUMBERS = [
  '1e309', '-1e309', '1e-400', '9007199254740993', '-0', '0x7fffffffffffffff', '0o777', '0777', '1_000_000', '.inf', '-.Inf', '.NaN',
  `1${'0'.repeat(400)}`, `0.${'0'.repeat(1000)}1`, '2147483648', '-2147483649', '4294967296', '18446744073709551616', '1e100000', '0x', '1e', '+1', '0b101',
];

const ODD_STRINGS = [
  'a\nb', 'x\r\ny', '::error file=x.yaml,line=1::forged', '\n::error::forged', '\u0000', 'nul\u0000in', '\u001b[31mred\u001b[0m', '\u2028sep', '\ud800',
  '\ufeffbom', 'tab\there', '', ' ', '*', '&a', '!tag', '%YAML', '---', '...', '{', '[', '"', "'", '\\', '#comment', 'a: b', '- x', '${HOME}', '../../etc/passwd',
  '日本語', 'e\u0301', '\uffff', '🙂', 'true', 'null', '0x10', 'kube-system', 'default', '*-system',
];

const POLICY_KINDS: [string, string][] = [
  ['templates.gatekeeper.sh/v1', 'ConstraintTemplate'],
  ['config.gatekeeper.sh/v1alpha1', 'Config'],
  ['expansion.gatekeeper.sh/v1alpha1', 'ExpansionTemplate'],
  ['constraints.gatekeeper.sh/v1beta1', 'K8sPSPPrivilegedContainer'],
  ['mutations.gatekeeper.sh/v1', 'Assign'],
  ['v1', 'List'],
  ['v1', 'PodList'],
  ['v1', 'Namespace'],
  ['admission.k8s.io/v1', 'AdmissionReview'],
  ['apps/v1', 'Deployment'],
  ['batch/v1', 'CronJob'],
  ['v1', 'Pod'],
];

/** What a mutation may grow an input to (about), so that every case can be written and read. */
export const MAX_BYTES = 32 << 20;

export interface Mutated {
  root: YNode;
  notes: string[];
}

type TreeMutation = (rng: Rng, m: Mutated) => void;

function randomSlot(rng: Rng, m: Mutated, filter?: (s: Slot) => boolean): Slot | undefined {
  const all = slots(m.root, 20_000, (n) => (m.root = n)).filter((s) => !filter || filter(s));
  return all.length > 0 ? rng.pick(all) : undefined;
}

/** Nesting `depth` levels deep around `inner`, in one of the styles readers recurse on. */
export function nest(rng: Rng, inner: YNode, depth: number): YNode {
  const style = rng.pick(['seq', 'map', 'flow-seq', 'flow-map', 'list'] as const);
  // Block styles indent the inner lines two spaces a level: keep the text under MAX_BYTES.
  const innerLines = size(inner, MAX_BYTES) / 16;
  const block = style === 'map' || style === 'list' || style === 'seq';
  // `- - - x` stays on one line however deep; `a:` takes a line a level, indented as deep (depth² bytes).
  const cap = style === 'seq' ? depth : 4_000;
  const levels = block ? Math.max(1, Math.min(depth, cap, Math.floor(MAX_BYTES / (2 * innerLines + 2)))) : depth;
  let n = inner;
  for (let i = 0; i < levels; i++) {
    switch (style) {
      case 'seq':
        n = { t: 'seq', items: [n] };
        break;
      case 'map':
        n = { t: 'map', entries: [['a', n]] };
        break;
      case 'flow-seq':
        n = { t: 'seq', items: [n], flow: true };
        break;
      case 'flow-map':
        n = { t: 'map', entries: [['a', n]], flow: true };
        break;
      case 'list':
        n = { t: 'map', entries: [['apiVersion', str('v1')], ['kind', str('List')], ['items', { t: 'seq', items: [n] }]] };
        break;
    }
  }
  return n;
}

function depthFor(rng: Rng): number {
  return rng.pick([64, 500, 1_100, 4_000, 12_000]);
}

export const treeMutations: Record<string, TreeMutation> = {
  deepNesting(rng, m) {
    const s = randomSlot(rng, m);
    if (!s) return;
    const depth = depthFor(rng);
    const inner = nest(rng, clone(s.node), depth);
    s.replace(inner);
    m.notes.push(`deep nesting ${depth}`);
  },
  oddNumber(rng, m) {
    const s = randomSlot(rng, m, (x) => x.node.t === 'scalar') ?? randomSlot(rng, m);
    if (!s) return;
    const text = rng.pick(ODD_NUMBERS);
    s.replace(scalar(text));
    m.notes.push(`number ${text.slice(0, 20)}`);
  },
  protoValue(rng, m) {
    const v = rng.pick(PROTO_VALUES);
    const meta = get(m.root, 'metadata');
    const targets = [
      () => m.root.t === 'map' && setKey(m.root, 'apiVersion', str(v)),
      () => m.root.t === 'map' && setKey(m.root, 'kind', str(v)),
      () => meta && setKey(meta, 'namespace', str(v)),
      () => meta && setKey(meta, 'name', str(v)),
      () => randomSlot(rng, m, (x) => x.node.t === 'scalar')?.replace(str(v)),
    ];
    rng.pick(targets)();
    m.notes.push(`value ${v}`);
  },
  oddString(rng, m) {
    const s = rng.chance(0.5) ? randomSlot(rng, m, (x) => x.key === 'name' || x.key === 'namespace' || x.key === 'image') : undefined;
    const slot = s ?? randomSlot(rng, m, (x) => x.node.t === 'scalar');
    if (!slot) return;
    const v = rng.pick(ODD_STRINGS);
    slot.replace(str(v));
    m.notes.push(`string ${JSON.stringify(v).slice(0, 30)}`);
  },
  longString(rng, m) {
    const slot = randomSlot(rng, m, (x) => x.node.t === 'scalar');
    if (!slot) return;
    const n = rng.pick([70_000, 1_000_000, 4_000_000]);
    slot.replace(str(rng.pick(['a', 'é', '\n', 'ab ']).repeat(Math.ceil(n / 2))));
    m.notes.push(`long string ${n}`);
  },
  swapType(rng, m) {
    const s = randomSlot(rng, m, (x) => x.depth > 0);
    if (!s) return;
    const replacement = rng.pick<() => YNode>([
      () => scalar('null'),
      () => scalar('7'),
      () => str('text'),
      () => scalar('true'),
      () => ({ t: 'seq', items: [clone(s.node)] }),
      () => ({ t: 'map', entries: [['x', clone(s.node)]] }),
      () => ({ t: 'seq', items: [] }),
      () => ({ t: 'map', entries: [] }),
    ])();
    s.replace(replacement);
    m.notes.push(`type swap at ${s.key ?? 'item'}`);
  },
  duplicateKey(rng, m) {
    const s = randomSlot(rng, m, (x) => x.node.t === 'map' && x.node.entries.length > 0);
    if (!s || s.node.t !== 'map') return;
    const [k, v] = rng.pick(s.node.entries);
    const other = rng.chance(0.5) ? scalar('null') : clone(v);
    s.node.entries.splice(rng.int(s.node.entries.length + 1), 0, [k, other]);
    m.notes.push(`duplicate key ${k}`);
  },
  aliasBomb(rng, m) {
    const s = randomSlot(rng, m);
    if (!s) return;
    const levels = rng.range(6, 12);
    const width = rng.range(6, 10);
    const entries: [string, YNode][] = [['l0', { t: 'seq', items: Array.from({ length: width }, () => str('lol')), anchor: 'l0', flow: true }]];
    for (let i = 1; i < levels; i++) {
      entries.push([`l${i}`, { t: 'seq', items: Array.from({ length: width }, () => ({ t: 'alias', name: `l${i - 1}` }) as YNode), anchor: `l${i}`, flow: true }]);
    }
    s.replace({ t: 'map', entries });
    m.notes.push(`alias bomb ${width}^${levels}`);
  },
  aliasReuse(rng, m) {
    const from = randomSlot(rng, m, (x) => x.node.t !== 'alias');
    const to = randomSlot(rng, m);
    if (!from || !to || from.node.t === 'alias') return;
    const name = `a${rng.int(1000)}`;
    from.node.anchor = name;
    const kind = rng.pick(['alias', 'self', 'undefined', 'merge'] as const);
    if (kind === 'alias') to.replace({ t: 'alias', name });
    else if (kind === 'undefined') to.replace({ t: 'alias', name: 'nowhere' });
    else if (kind === 'self' && from.node.t === 'map') from.node.entries.push(['self', { t: 'alias', name }]);
    else if (kind === 'self' && from.node.t === 'seq') from.node.items.push({ t: 'alias', name });
    else if (to.node.t === 'map') to.node.entries.push(['<<', { t: 'alias', name }]);
    m.notes.push(`alias ${kind}`);
  },
  manyItems(rng, m) {
    const s =
      randomSlot(rng, m, (x) => x.key === 'containers' && x.node.t === 'seq' && x.node.items.length > 0) ??
      randomSlot(rng, m, (x) => x.node.t === 'seq' && x.node.items.length > 0);
    if (!s || s.node.t !== 'seq') return;
    const items = s.node.items;
    // At most ~32 MB written: a list of deep or huge items stays writable.
    const per = Math.max(1, size({ t: 'seq', items }, MAX_BYTES) / items.length);
    const n = Math.min(rng.pick([1_000, 10_000, 40_000, 70_000]), Math.max(items.length, Math.floor(MAX_BYTES / per)));
    const out: YNode[] = [];
    for (let i = 0; i < n; i++) out.push(renamed(items[i % items.length]!, i));
    s.node.items = out;
    m.notes.push(`${n} items at ${s.key ?? 'a list'}`);
  },
  flowStyle(rng, m) {
    for (const s of slots(m.root, 5_000)) if ((s.node.t === 'map' || s.node.t === 'seq') && rng.chance(0.3)) s.node.flow = !s.node.flow;
    m.notes.push('flow style');
  },
  dropEntry(rng, m) {
    const s = randomSlot(rng, m, (x) => x.node.t === 'map' && x.node.entries.length > 0);
    if (!s || s.node.t !== 'map') return;
    const [k] = s.node.entries.splice(rng.int(s.node.entries.length), 1)[0]!;
    m.notes.push(`drop ${k}`);
  },
  copySubtree(rng, m) {
    const from = randomSlot(rng, m);
    const to = randomSlot(rng, m, (x) => x.node.t === 'map' || x.node.t === 'seq');
    if (!from || !to) return;
    if (to.node.t === 'map') to.node.entries.push([from.key ? quote(from.key) : 'copy', clone(from.node)]);
    else if (to.node.t === 'seq') to.node.items.push(clone(from.node));
    m.notes.push('copy subtree');
  },
  policyKind(rng, m) {
    if (m.root.t !== 'map') return;
    const [apiVersion, kind] = rng.pick(POLICY_KINDS);
    setKey(m.root, 'apiVersion', str(apiVersion));
    setKey(m.root, 'kind', str(kind));
    if (kind === 'Config' && rng.chance(0.7)) {
      setKey(m.root, 'metadata', fromJs({ name: 'config', namespace: rng.pick(['gatekeeper-system', 'default', 'elsewhere']) }));
      setKey(m.root, 'spec', fromJs({ match: [{ excludedNamespaces: ['*'], processes: ['*'] }] }));
    }
    if (kind.endsWith('List') && rng.chance(0.7)) setKey(m.root, 'items', { t: 'seq', items: [clone(m.root)] });
    m.notes.push(`kind ${kind}`);
  },
};

function setKey(n: YNode, key: string, value: YNode): boolean {
  if (n.t !== 'map') return false;
  const e = n.entries.find(([k]) => k === key || k === JSON.stringify(key));
  if (e) e[1] = value;
  else n.entries.push([key, value]);
  return true;
}

/** A copy of a list item, its `name` made unique (so 10,000 containers are 10,000 containers). */
function renamed(item: YNode, i: number): YNode {
  const c = clone(item);
  const name = get(c, 'name');
  if (name && name.t === 'scalar' && i > 0) setKey(c, 'name', str(`c${i}`));
  return c;
}

/**
 * Prototype keys: `__proto__`, `constructor` or `prototype` added to mappings, at every
 * level or at a few, with values that would matter if they became a prototype (labels that
 * satisfy an exemption, a namespace, fields that turn a violation off). Returns false when
 * the document has no mapping.
 */
export function addProtoKeys(rng: Rng, m: Mutated): boolean {
  const maps = slots(m.root, 20_000).filter((s) => s.node.t === 'map').slice(0, 2_000);
  if (maps.length === 0) return false;
  const everywhere = rng.chance(0.4);
  // Small pieces of the document itself, as values (a copy of a big one everywhere would not fit).
  const small = slots(m.root, 2_000).filter((s) => size(s.node, 4_000) < 4_000).map((s) => s.node);
  const chosen = everywhere ? maps : Array.from({ length: rng.range(1, 3) }, () => rng.pick(maps));
  for (const s of chosen) {
    if (s.node.t !== 'map') continue;
    // A key the mapping already has would be a duplicate key: an error of its own, not this test.
    const free = PROTO_KEYS.filter((k) => !(s.node as { entries: [string, YNode][] }).entries.some(([e]) => keyName(e) === k));
    if (free.length === 0) continue;
    const key = rng.pick(free);
    const written = rng.pick([key, JSON.stringify(key), `'${key}'`]);
    s.node.entries.splice(rng.int(s.node.entries.length + 1), 0, [written, protoValue(rng, small)]);
  }
  m.notes.push(everywhere ? `prototype keys in all ${maps.length} mappings` : `prototype keys in ${chosen.length} mappings`);
  return true;
}

function protoValue(rng: Rng, small: YNode[]): YNode {
  return rng.pick<() => YNode>([
    () => fromJs({ metadata: { labels: { exempt: 'true', owner: 'fuzz' }, namespace: 'kube-system', name: 'shadow' }, namespace: 'kube-system', labels: { exempt: 'true', owner: 'fuzz' } }),
    () => fromJs({ securityContext: { privileged: false, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }, hostNetwork: false, hostPID: false }),
    () => fromJs({ kind: 'ConfigMap', apiVersion: 'v1', spec: {} }),
    () => fromJs({ excludedNamespaces: ['*'], match: [{ excludedNamespaces: ['*'], processes: ['*'] }] }),
    () => str('source'),
    () => scalar('null'),
    () => fromJs({}),
    () => fromJs([]),
    () => (small.length > 0 ? clone(rng.pick(small)) : fromJs({})),
  ])();
}

/** How often each is chosen: the costly ones (huge inputs) less, so a run covers more cases. */
const WEIGHTS: Record<keyof typeof treeMutations, number> = {
  deepNesting: 2, oddNumber: 3, protoValue: 2, oddString: 3, longString: 1, swapType: 3, duplicateKey: 2,
  aliasBomb: 1, aliasReuse: 2, manyItems: 1, flowStyle: 2, dropEntry: 3, copySubtree: 2, policyKind: 2,
};

/** 1-3 tree mutations chosen at random (never the prototype-key one: that is a case kind). */
export function mutateTree(rng: Rng, m: Mutated, count = rng.range(1, 3)): void {
  const weighted = Object.entries(WEIGHTS).map(([name, w]) => [w, name] as const);
  for (let i = 0; i < count; i++) treeMutations[rng.weighted(weighted)]!(rng, m);
}

// ---------------------------------------------------------------------------
// Raw mutations: on the text, then on its bytes.

type TextMutation = (rng: Rng, text: string) => string;

export const textMutations: Record<string, TextMutation> = {
  crlf: (_rng, t) => t.replace(/\n/g, '\r\n'),
  bom: (_rng, t) => `\ufeff${t}`,
  tabs: (rng, t) => t.replace(/^( +)/gm, (sp) => (rng.chance(0.3) ? '\t'.repeat(Math.max(1, sp.length >> 1)) : sp)),
  truncate: (rng, t) => t.slice(0, rng.int(t.length + 1)),
  // (a big text is left alone: five of it would not be a different test, only a slower one)
  documents: (rng, t) => (t.length > 4 << 20 ? t : Array.from({ length: rng.range(2, 5) }, () => t).join(rng.pick(['---\n', '...\n---\n', '--- \n', '---\r\n']))),
  directive: (rng, t) => `${rng.pick(['%YAML 1.1\n---\n', '%YAML 1.2\n---\n', '%TAG ! tag:x,2000:\n---\n', '%YAML 9.9\n---\n'])}${t}`,
  tag: (rng, t) => t.replace(/: (\S)/, `: ${rng.pick(['!!binary', '!!str', '!!int', '!!map', '!x', '!!timestamp', '!!set'])} $1`),
  dropLine: (rng, t) => spliceLines(rng, t, (lines, i) => lines.splice(i, 1)),
  repeatLine: (rng, t) => spliceLines(rng, t, (lines, i) => lines.splice(i, 0, lines[i]!)),
  swapLines: (rng, t) =>
    spliceLines(rng, t, (lines, i) => {
      const j = rng.int(lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }),
  indent: (rng, t) => spliceLines(rng, t, (lines, i) => (lines[i] = rng.chance(0.5) ? ` ${lines[i]}` : lines[i]!.replace(/^ /, ''))),
  noFinalNewline: (_rng, t) => t.replace(/\n+$/, ''),
  controlChars: (rng, t) => insertAt(rng, t, rng.pick(['\u0000', '\u0007', '\u001b', '\u0085', '\u2028', '\r', '\t', '\ufffe', '\ud800'])),
};

function spliceLines(rng: Rng, t: string, f: (lines: string[], i: number) => void): string {
  const lines = t.split('\n');
  f(lines, rng.int(lines.length));
  return lines.join('\n');
}

function insertAt(rng: Rng, t: string, s: string): string {
  const i = rng.int(t.length + 1);
  return t.slice(0, i) + s + t.slice(i);
}

export function mutateText(rng: Rng, text: string, notes: string[], count = rng.range(1, 2)): string {
  const names = Object.keys(textMutations);
  let t = text;
  for (let i = 0; i < count; i++) {
    const name = rng.pick(names);
    t = textMutations[name]!(rng, t);
    notes.push(name);
  }
  return t;
}

const INTERESTING_BYTES = [0x00, 0xff, 0xfe, 0xef, 0xbb, 0xbf, 0xc0, 0x80, 0x0a, 0x0d, 0x09, 0x20, 0x22, 0x27, 0x23, 0x26, 0x2a, 0x21, 0x25, 0x3a, 0x2d, 0x7b, 0x5b, 0x7d, 0x5d, 0x7c, 0x3e];

/** Raw byte mutations: flips, interesting bytes, deletions, duplicated runs, invalid UTF-8. */
export function mutateBytes(rng: Rng, data: Buffer, notes: string[], count = rng.range(1, 8)): Buffer {
  let b = Buffer.from(data);
  for (let i = 0; i < count; i++) {
    const at = rng.int(b.length + 1);
    const op = rng.pick(['flip', 'set', 'insert', 'delete', 'dup', 'utf8'] as const);
    if (op === 'flip' && at < b.length) b[at] = b[at]! ^ (1 << rng.int(8));
    else if (op === 'set' && at < b.length) b[at] = rng.pick(INTERESTING_BYTES);
    else if (op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from([rng.pick(INTERESTING_BYTES)]), b.subarray(at)]);
    else if (op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + rng.range(1, 16))]);
    else if (op === 'dup') b = Buffer.concat([b.subarray(0, at + rng.range(1, 64)), b.subarray(at)]);
    else if (op === 'utf8') b = Buffer.concat([b.subarray(0, at), Buffer.from(rng.pick([[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x80], [0xff, 0xfe]])), b.subarray(at)]);
    notes.push(`bytes ${op}@${at}`);
  }
  return b;
}
