// The block YAML reader reads exactly what js-yaml reads with the same schema, or leaves the
// text to js-yaml: every case here is compared with js-yaml itself.
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../bench/random';
import { placeIn, readBlockYaml } from '../src/manifests/block-yaml';
import { positionTrees, walk } from '../src/manifests/locate';
import type { PathSegment } from '../src/manifests/path';
import { parseManifestText } from '../src/manifests/parse';
import { MAY_RESOLVE, plainScalarResolver, schemaFor, type YamlVersion } from '../src/manifests/schema';

function both(text: string, version: YamlVersion = '1.1') {
  const block = readBlockYaml(text, plainScalarResolver(version));
  const values = loadAll(text, null, { schema: schemaFor(version) }).filter((d) => d !== null && d !== undefined);
  return { block, values };
}

/** Read by the block reader, with js-yaml's values and document starts. */
function expectSame(text: string, version: YamlVersion = '1.1'): void {
  const { block, values } = both(text, version);
  expect(block, 'the block reader should read this').toBeDefined();
  expect(block!.values).toEqual(values);
  // Key order too, which toEqual does not look at.
  expect(JSON.stringify(block!.values)).toBe(JSON.stringify(values));
  // js-yaml's document starts, for the documents that are not empty.
  const all = loadAll(text, null, { schema: schemaFor(version) });
  const starts = positionTrees(text, 0, schemaFor(version)).filter((_, k) => all[k] !== null && all[k] !== undefined).map((n) => n.start);
  expect(block!.starts).toEqual(starts);
}

describe('block YAML reader: what it reads, as js-yaml does', () => {
  const cases: [string, string][] = [
    ['a Pod', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - containerPort: 80\n'],
    ['sequences at their key\'s indentation', 'spec:\n  containers:\n  - name: a\n    args:\n    - -c\n    - echo hi\n  - name: b\n'],
    ['documents, markers and comments', '# head\n---\na: 1 # one\n--- # second\n\nb: [x, "y", 3]\n...\n---\nc: d\n'],
    ['an empty document between others', 'a: 1\n---\n---\n# only a comment\n---\nb: 2\n'],
    ['scalars of YAML 1.1', 'a: yes\nb: off\nc: 0644\nd: 0x1F\ne: 1_000\nf: .5\ng: 1e3\nh: ~\ni: null\nj:\nk: .inf\nl: 08\nm: 1:20\nn: -0\no: +12\np: y\nq: 2024-01-01\n'],
    ['keys that resolve', 'on: 1\n1: a\n0x10: b\n~: d\n'],
    ['quoted scalars', `a: "x \\"y\\" \\\\ \\t \\n \\u00e9 \\x41 \\U0001F600 \\/ \\0"\nb: 'it''s'\nc: ''\nd: ""\n"e f": 1\n'g': 2\n`],
    ['plain scalars with indicators inside', 'a: http://x:80/y?z#f\nb: a#b\nc: -1\nd: -x\ne: ?x\nf: :x\ng: a[0]\nh: x, y\ni: key: value\n'.replace('i: key: value\n', 'i: "key: value"\n')],
    ['empty and one-line flow collections', 'a: []\nb: {}\nc: [ ]\nd: { }\ne: [a, "b c", \'d\', 1, true, ~]\nf: ["--port=80", "-v"]\n'],
    ['literal block scalars', 'a: |\n  line 1\n    more\n\n  line 3\nb: |-\n  x\nc: |+\n  y\n\n\nd: |\n\ne: end\n'],
    ['folded block scalars', 'a: >\n  one\n  two\n\n  three\n    indented\n  four\nb: >-\n  x\n  y\nc: >+\n  z\n\n'],
    ['a block scalar in a sequence item', 'cmd:\n  - |\n    echo a\n    echo b\n  - x\n'],
    ['a block scalar at the end of the text, no newline', 'a: |\n  x'],
    ['a block scalar with a space-only line inside', 'a: |\n  x\n   \n  y\n'],
    ['anchors and aliases', 'metadata:\n  labels: &l\n    app: a\nspec:\n  selector:\n    matchLabels: *l\n  x: &s text\n  y: *s\n  z:\n  - &i 1\n  - *i\n'],
    ['nested sequences of mappings', 'a:\n- b:\n  - c: 1\n    d: 2\n  - e: 3\n  f: 4\n'],
    ['null items and values', 'a:\n-\n- x\n-\nb:\nc: 1\n'],
    ['a root sequence', '- a\n- b\n'],
    ['an indented document', '  a: 1\n  b: 2\n'],
    ['text beyond ASCII', 'a: café ✓\nb: "日本"\n'],
  ];
  it.each(cases)('%s', (_, text) => {
    expectSame(text);
    expectSame(text, '1.2');
  });

  it('records where every key and item is, as js-yaml\'s positions place them', () => {
    const text = cases.map(([, t]) => t).filter((t) => !t.startsWith('- ') && !t.startsWith('  ')).join('\n---\n') + '\n---\nm:\n  80: http\n  name: x\n';
    const block = readBlockYaml(text, plainScalarResolver('1.1'))!;
    const trees = positionTrees(text, 0, schemaFor('1.1'));
    const all = loadAll(text, null, { schema: schemaFor('1.1') });
    const roots = trees.filter((_, k) => all[k] !== null && all[k] !== undefined);
    let placed = 0;
    block.values.forEach((doc, k) => {
      const visit = (v: unknown, path: PathSegment[]) => {
        const got = placeIn(block.placements, block.roots[k]!, roots[k]!.start, path);
        if (got) {
          placed++;
          const { offset, complete } = walk(roots[k]!, path);
          expect(got, JSON.stringify(path)).toEqual({ offset, complete });
        }
        if (path.length > 8 || typeof v !== 'object' || v === null) return;
        if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, i]));
        else {
          for (const [key, x] of Object.entries(v)) visit(x, [...path, key]);
          visit(undefined, [...path, 'missing']);
        }
      };
      visit(doc, []);
    });
    expect(placed).toBeGreaterThan(150);
    // Keys are found by name, whatever order Object.keys lists them in (array indexes first).
    const last = block.values[block.values.length - 1] as { m: object };
    expect(Object.keys(last.m)).toEqual(['80', 'name']);
    expect(placeIn(block.placements, block.roots[block.values.length - 1]!, 0, ['m', 'name']).offset).toBe(text.lastIndexOf('name: x'));
  });

  it('keeps the last occurrence of nothing: aliases are the anchored value itself', () => {
    const { block } = both('a: &x\n  k: v\nb: *x\n');
    const [doc] = block!.values as [{ a: object; b: object }];
    expect(doc.b).toBe(doc.a);
  });
});

describe('block YAML reader: what it leaves to js-yaml', () => {
  const cases: [string, string][] = [
    ['a tag', 'a: !!str 1\n'],
    ['a directive', '%YAML 1.1\n---\na: 1\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['a flow mapping with content', 'a: {b: 1}\n'],
    ['a nested flow list', 'a: [[1]]\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a merge key', 'base: &b\n  x: 1\nm:\n  <<: *b\n'],
    ['an alias of nothing anchored', 'a: *nope\n'],
    ['an anchor on a key', '&k a: 1\n'],
    ['a tab', 'a:\tb\n'],
    ['a carriage return', 'a: 1\r\nb: 2\r\n'],
    ['a control character', 'a: "\x07"\n'],
    ['a block scalar with an indentation indicator', 'a: |2\n   x\n'],
    ['a block scalar after spaces-only lines', 'a: |\n    \n  x\n'],
    ['a complex key', '? a\n: b\n'],
    ['a List', 'kind: List\nitems:\n- a: 1\n'],
    ['a mapping value in a plain scalar', 'a: b: c\n'],
    ['a bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['a document marker with content', '--- a: 1\n'],
    ['a scalar document', 'just text\n'],
    ['a compact nested sequence', '- - a\n'],
    ['__proto__', '__proto__: 1\n'],
  ];
  it.each(cases)('%s', (_, text) => {
    expect(readBlockYaml(text, plainScalarResolver('1.1'))).toBeUndefined();
  });

  it('leaves text js-yaml refuses to js-yaml, which then reports it', () => {
    const text = 'a: 1\nb: [1, 2\n';
    expect(readBlockYaml(text, plainScalarResolver('1.1'))).toBeUndefined();
    const { errors } = parseManifestText(text, 'bad.yaml');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/flow collection/);
  });
});

describe('plain scalar resolution', () => {
  it('asks the schema about every text that could resolve (MAY_RESOLVE covers the types)', () => {
    // Every text the implicit types resolve must pass MAY_RESOLVE, or the shortcut would read it as a string.
    const words = ['', '~', 'null', 'Null', 'NULL', 'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF', '<<', '.inf', '-.Inf', '.NaN', '0', '-1', '+1', '0x1F', '0o17', '0b101', '1_000', '.5', '1e3'];
    for (const version of ['1.1', '1.2'] as YamlVersion[]) {
      const schema = schemaFor(version);
      for (const w of words) {
        const resolved = loadAll(`v: ${w}\n`, null, { schema })[0] as { v: unknown };
        if (typeof resolved.v !== 'string' || resolved.v !== w) expect(MAY_RESOLVE.test(w), `${version}: ${JSON.stringify(w)}`).toBe(true);
      }
    }
    // And what it lets through is resolved as js-yaml does, word for word.
    for (const version of ['1.1', '1.2'] as YamlVersion[]) {
      const resolve = plainScalarResolver(version);
      for (const w of [...words.filter((x) => x !== ''), 'name', 'nginx', 'Yessir', 'tRUE', 'offset', 'n0', 'o', 'f1', '12ab', '-x', '+', '.', '1.2.3']) {
        const expected = (loadAll(`v: ${w}\n`, null, { schema: schemaFor(version) })[0] as { v: unknown }).v;
        expect(resolve(w), `${version}: ${JSON.stringify(w)}`).toEqual(expected);
      }
    }
  });
});

describe('block YAML reader: random documents', () => {
  const random = mulberry32(7);
  const pick = <T,>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const words = ['name', 'yes', 'No', 'on', '~', 'null', '0644', '0x1F', '1e3', '.5', '-1', '+3', '1_000', '08', '1:20', 'a: b', 'a #b', 'a#b', '- x', '[x]', '{}', "it's", 'say "hi"', '', ' lead', 'trail ', 'multi\nline', 'tab\there', 'café', '*star', '&amp', '!bang', '%pct', '@at', '`tick', '|pipe', '>gt', '?q', ':c', 'http://x:8/y', 'true', 'False', '.inf', '.NaN', '<<', '2024-01-01'];
  function value(depth: number): unknown {
    const r = random();
    if (depth > 3 || r < 0.45) return pick<unknown>([pick(words), Math.floor(random() * 2000) - 1000, random() < 0.5, null, 1.5, pick(words) + pick(words)]);
    if (r < 0.75) {
      const o: Record<string, unknown> = {};
      const n = Math.floor(random() * 5);
      for (let i = 0; i < n; i++) o[pick(words) || 'k'] = value(depth + 1);
      return o;
    }
    return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
  }

  it('reads what yaml and js-yaml write as js-yaml reads it, or leaves it', async () => {
    const { stringify } = await import('yaml');
    const { dump } = await import('js-yaml');
    let read = 0;
    for (let i = 0; i < 400; i++) {
      const doc = { kind: 'Pod', spec: value(0) };
      const texts = [stringify(doc), stringify(doc, { indentSeq: false }), dump(doc), dump(doc, { flowLevel: 3 }), stringify(doc, { defaultStringType: 'QUOTE_DOUBLE' })];
      for (const text of texts) {
        for (const version of ['1.1', '1.2'] as YamlVersion[]) {
          let values: unknown[];
          try {
            values = loadAll(text, null, { schema: schemaFor(version) }).filter((d) => d !== null && d !== undefined);
          } catch {
            expect(readBlockYaml(text, plainScalarResolver(version))).toBeUndefined();
            continue;
          }
          const block = readBlockYaml(text, plainScalarResolver(version));
          if (!block) continue;
          read++;
          expect(JSON.stringify(block.values), text).toBe(JSON.stringify(values));
        }
      }
    }
    // Most of them are plain block YAML.
    expect(read).toBeGreaterThan(2000);
  });
});

describe('reading a file document by document', () => {
  it('reads block documents with the block reader and the others with js-yaml, as one file would read', () => {
    const block = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext:\n      privileged: true\n`;
    const flow = 'apiVersion: v1\nkind: Pod\nmetadata: {name: flow}\nspec:\n  containers: [{name: app, image: nginx, securityContext: {privileged: true}}]\n';
    const text = [block('a'), flow, block('b'), 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: listed}\n', block('c')].join('---\n');
    expect(readBlockYaml(text, plainScalarResolver('1.1'))).toBeUndefined(); // not all plain block YAML
    const { objects, errors } = parseManifestText(text, 'mixed.yaml');
    expect(errors).toEqual([]);
    expect(objects.map((o) => (o.object.metadata as { name: string }).name)).toEqual(['a', 'flow', 'b', 'listed', 'c']);
    expect(objects.map((o) => o.object)).toEqual(
      (loadAll(text, null, { schema: schemaFor('1.1') }) as Record<string, unknown>[]).flatMap((d) => (d.kind === 'List' ? (d.items as unknown[]) : [d])),
    );
    // Every object placed in its own document, whichever reader read it.
    const lines = text.split('\n');
    for (const o of objects) {
      const at = o.locate('spec.containers[0].securityContext.privileged');
      if ((o.object.metadata as { name: string }).name === 'listed') continue;
      expect(lines[at.line - 1], (o.object.metadata as { name: string }).name).toMatch(/privileged: true/);
      expect(lines[o.origin.line - 1]).toBe('apiVersion: v1');
    }
  });
});
