// Reading YAML and placing findings fast (issue 18) without reading anything differently:
// every shortcut here is held to the slower reading it replaces, which stays the reference.
//   - tabs in a block scalar's text (ConstraintTemplates' Rego) read by the block reader, as js-yaml reads them;
//   - the Placements table, against js-yaml's positions;
//   - YAML 1.1 scalars resolved in one step, mayResolve, against js-yaml and MAY_RESOLVE;
//   - the alias check's plain walk, against the exact count it stands in for;
//   - LineIndex found line by line as asked, against the whole text's lines;
//   - `offgate lint --policy` on templates indented with tabs, as a user runs it.
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../bench/random';
import { placeIn, readBlockYaml } from '../src/manifests/block-yaml';
import { LineIndex, positionTrees, walk } from '../src/manifests/locate';
import { checkAliases, parseManifestText } from '../src/manifests/parse';
import type { PathSegment } from '../src/manifests/path';
import { MAY_RESOLVE, mayResolve, plainScalarResolver, schemaFor, type YamlVersion } from '../src/manifests/schema';
import { offgate } from './helpers/cli';
import { workspace } from './helpers/workspace';

const RESOLVE = plainScalarResolver('1.1');

/** The block reader's values and document starts are js-yaml's. */
function expectReadAsJsYaml(text: string, version: YamlVersion = '1.1'): void {
  const block = readBlockYaml(text, plainScalarResolver(version));
  expect(block, 'the block reader should read this').toBeDefined();
  const all = loadAll(text, null, { schema: schemaFor(version) });
  expect(JSON.stringify(block!.values)).toBe(JSON.stringify(all.filter((d) => d !== null && d !== undefined)));
  const starts = positionTrees(text, 0, schemaFor(version)).filter((_, k) => all[k] !== null && all[k] !== undefined).map((n) => n.start);
  expect(block!.starts).toEqual(starts);
}

/** Every path in a value, and a missing child of each mapping. */
function pathsOf(v: unknown, prefix: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...prefix, i], out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) pathsOf(x, [...prefix, k], out);
    out.push([...prefix, 'missing']);
  }
  return out;
}

/** `a.b[0].c`, as templates name fields; keys that are not plain names in brackets and quotes. */
function pathText(path: PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_][\w-]*$/.test(s) ? `${i === 0 ? '' : '.'}${s}` : `[${JSON.stringify(s)}]`)).join('');
}

const TEMPLATE = (rego: string) => `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sxowner
spec:
  crd:
    spec:
      names:
        kind: K8sXOwner
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
${rego
  .split('\n')
  .map((l) => (l === '' ? '' : `        ${l}`))
  .join('\n')}
`;

describe('tabs in block scalars', () => {
  const cases: [string, string][] = [
    ['Rego indented with tabs', TEMPLATE('package x\n\nviolation[{"msg": m}] {\n\tc := input.review.object\n\t\tm := "x"\n}')],
    ['a tab inside a line', 'a: |\n  one\ttwo\n  three\t\n'],
    ['folded, a line starting with a tab (more indented: kept apart)', 'a: >\n  one\n  \ttwo\n  three\n\n  four\n'],
    ['folded, kept and stripped', 'a: >+\n  \tx\n  y\n\nb: >-\n  y\n  \tz\n'],
    ['a tab-only line inside', 'a: |\n  x\n  \t\n  y\n'],
    ['in a sequence item, then more keys', 'cmd:\n  - |\n    \techo a\n  - x\nafter: 1\n'],
  ];
  it.each(cases)('%s: read by the block reader, as js-yaml reads it', (_, text) => {
    expectReadAsJsYaml(text);
    expectReadAsJsYaml(text, '1.2');
  });

  const outside: [string, string][] = [
    ['a tab after a key', 'a:\tb\n'],
    ['a tab in a plain value', 'a: b\tc\n'],
    ['a tab indenting a key', 'a:\n\tb: 1\n'],
    ['a tab in a comment', 'a: 1 # x\ty\n'],
    ['a tab where a block scalar ends', 'a: |\n  x\n\tb: 1\n'],
    ['a tab before the first line of a block scalar', 'a: |\n\tx\n'],
    ['a tab in a block scalar\'s indentation', 'a: |\n    x\n  \ty\n'],
    ['a tab in a quoted value', 'a: "b\tc"\n'],
  ];
  it.each(outside)('%s: left to js-yaml, which reads the file as before', (_, text) => {
    expect(readBlockYaml(text, RESOLVE)).toBeUndefined();
    // The file still reads (or fails) exactly as js-yaml has it.
    let expected: unknown[] | undefined;
    try {
      expected = loadAll(text, null, { schema: schemaFor('1.1') }).filter((d) => d !== null && d !== undefined);
    } catch {
      expected = undefined;
    }
    const { objects, errors } = parseManifestText(text, 't.yaml');
    if (expected) expect(objects.map((o) => o.object)).toEqual(expected);
    else expect(errors.length).toBeGreaterThan(0);
  });

  it('a template indented with tabs is placed, field by field, where js-yaml places it', () => {
    const text = cases[0]![1];
    const block = readBlockYaml(text, RESOLVE)!;
    const [tree] = positionTrees(text, 0, schemaFor('1.1'));
    for (const path of pathsOf(block.values[0])) {
      expect(placeIn(block.placements, block.roots[0]!, tree!.start, path), JSON.stringify(path)).toEqual((({ offset, complete }) => ({ offset, complete }))(walk(tree!, path)));
    }
    const { objects } = parseManifestText(text, 'template.yaml');
    expect(objects[0]!.locate('spec.targets[0].rego')).toEqual({ file: 'template.yaml', line: 12, column: 7 });
  });
});

describe('placing a field through the Placements table', () => {
  const manifests = [
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: &l\n    app: web\n  annotations:\n    a.b/c: x\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext:\n      privileged: true\n      capabilities:\n        drop: [ALL]\n  - name: side\n    ports:\n    -\n    - containerPort: 80\n  selector: *l\n  "0": zero\n  80: http\n  on: yes\n  empty: {}\n  none: []\n',
  ];

  it('places every field, and the missing ones, where js-yaml\'s positions do', () => {
    const text = manifests[0]!;
    const block = readBlockYaml(text, RESOLVE)!;
    const [tree] = positionTrees(text, 0, schemaFor('1.1'));
    for (const path of pathsOf(block.values[0])) {
      const { offset, complete } = walk(tree!, path);
      expect(placeIn(block.placements, block.roots[0]!, tree!.start, path), JSON.stringify(path)).toEqual({ offset, complete });
    }
  });

  it('Manifest.locate gives the same places whichever way a path is given', () => {
    const { objects } = parseManifestText(manifests[0]!, 'pod.yaml');
    const m = objects[0]!;
    for (const path of pathsOf(m.object)) expect(m.locate(pathText(path)), pathText(path)).toEqual(m.locate(path));
    expect(m.locate('spec.containers[0].securityContext.privileged')).toEqual({ file: 'pod.yaml', line: 14, column: 7 });
    // An empty item has no text of its own: its sequence's key.
    expect(m.locate('spec.containers[1].ports[0]')).toEqual({ file: 'pod.yaml', line: 18, column: 5 });
  });
});

describe('plain scalars: the one-step YAML 1.1 resolver and mayResolve', () => {
  const random = mulberry32(11);
  const alphabet = 'nNyYtTfFoOlrueasxX0123456789._-+~<:eE ';
  const texts = [
    ...['', '~', 'null', 'Null', 'NULL', 'nULL', 'y', 'Y', 'yes', 'Yes', 'YES', 'yES', 'n', 'N', 'no', 'NO', 'true', 'TRUE', 'tRUE', 'false', 'off', 'OFF', 'on', 'On', 'ON', 'oN'],
    ...['<<', '<', '.inf', '-.Inf', '+.INF', '.NaN', '.nan', '0', '-0', '+0', '0644', '08', '0x1F', '0o17', '0b101', '1_000', '1e3', '1E-3', '.5', '-.5', '1.', '1.2.3', '1:20', '2024-01-01', '1e999', '0x', '-', '+', '.'],
    ...['name', 'nginx', 'Yessir', 'offset', 'fals', 'nul', 'o', 'n0', 'f1', 'trueish', 'on-call', 'No.', 'NoSQL', 'yes!'],
    ...Array.from({ length: 3000 }, () => Array.from({ length: 1 + Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('').trim()),
  ];

  it('mayResolve is MAY_RESOLVE', () => {
    for (const t of texts) expect(mayResolve(t), JSON.stringify(t)).toBe(MAY_RESOLVE.test(t));
  });

  it.each(['1.1', '1.2'] as YamlVersion[])('YAML %s: resolves every plain text as js-yaml does', (version) => {
    const resolve = plainScalarResolver(version);
    for (const t of texts) {
      if (t === '' || /[:#]|^[-?] |^[-?]$/.test(t)) continue; // not a plain scalar on its own
      const expected = (loadAll(`v: ${t}\n`, null, { schema: schemaFor(version) })[0] as { v: unknown }).v;
      expect(Object.is(resolve(t), expected) || resolve(t) === expected, `${version}: ${JSON.stringify(t)} → ${String(resolve(t))}, js-yaml ${String(expected)}`).toBe(true);
    }
  });
});

describe('the alias check', () => {
  it('says what the exact count says, for documents it bounds and for those it leaves to the count', () => {
    // Ten aliases of ten aliases of…: 10^levels nodes once expanded.
    const chain = (levels: number) => {
      let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
      for (let i = 1; i < levels; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
      return text;
    };
    const read = (text: string) => parseManifestText(text, 'x.yaml').errors.map((e) => e.message);
    expect(read(chain(3))).toEqual([]); // 1,000 nodes: walked plainly
    expect(read(chain(5))).toEqual([]); // 100,000 nodes: past the plain walk's budget, the exact count says it is fine
    expect(read(chain(7))).toEqual(['document contains excessive aliasing (more than 1000000 nodes once aliases are expanded)']);
    // Labels shared as an anchor, as `yaml` writes a Deployment.
    expect(read('metadata:\n  labels: &a1\n    app: x\nspec:\n  selector:\n    matchLabels: *a1\n')).toEqual([]);
    // Depth through a shared value, at the limit (1,000 levels): the plain walk stops short of it and the count decides.
    const nested = (levels: number) => {
      let v: unknown = [];
      for (let i = 1; i < levels; i++) v = [v];
      return v;
    };
    expect(checkAliases({ a: nested(998), b: nested(998) })).toBeUndefined();
    const shared = nested(998);
    expect(checkAliases({ a: shared, b: shared })).toBeUndefined();
    const deeper = nested(999);
    expect(checkAliases({ a: deeper, b: deeper })).toBe('aliases nest values nested more than 1000 levels deep (limit 1000)');
    // A cycle (js-yaml builds one for an anchor used inside itself).
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(checkAliases({ root: cycle })).toBe('an anchor is used inside itself (recursive alias)');
  });
});

describe('LineIndex', () => {
  it('finds lines as far as asked, in any order, as the whole text\'s lines say', () => {
    const random = mulberry32(3);
    const text = Array.from({ length: 500 }, (_, i) => 'x'.repeat(Math.floor(random() * 5)) + (i % 7 === 0 ? '\n\n' : '\n')).join('') + 'end';
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
    const expected = (offset: number) => {
      let line = 0;
      while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
      return { line: line + 1, column: offset - starts[line]! + 1 };
    };
    const index = new LineIndex(text);
    const offsets = [0, text.length, text.length + 5, ...Array.from({ length: 400 }, () => Math.floor(random() * text.length))];
    for (const offset of offsets) expect(index.position(offset), String(offset)).toEqual(expected(offset));
    for (const offset of [...offsets].sort((a, b) => a - b)) expect(new LineIndex(text).position(offset)).toEqual(expected(offset));
  });
});

describe('offgate lint --policy on templates indented with tabs', () => {
  const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: web\n      image: nginx\n';
  const CONSTRAINT = 'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sXOwner\nmetadata:\n  name: owner\nspec:\n  match:\n    kinds: [{apiGroups: [""], kinds: [Pod]}]\n';

  it('applies them, and places a finding and a Rego error as before', () => {
    const rego = 'package k8sxowner\n\nviolation[{"msg": msg, "details": {"path": "metadata.name"}}] {\n\tnot input.review.object.metadata.labels.owner\n\tmsg := "no owner"\n}';
    const cwd = workspace({ 'k8s/pod.yaml': POD, 'policy/template.yaml': TEMPLATE(rego), 'policy/constraint.yaml': CONSTRAINT });
    const r = offgate(['lint', '--policy', 'policy', 'k8s/'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('k8s/pod.yaml:4:3: deny Pod shop/web: no owner [K8sXOwner/owner]');

    // A parse error on a tab-indented line: at its line in the file, the block's indentation and the line's tab counted.
    const broken = 'package k8sxowner\n\nviolation[{"msg": msg}] {\n\tmsg := sprintf("%v", [input.review.object.metadata.name)\n}';
    const bad = workspace({ 'k8s/pod.yaml': POD, 'policy/template.yaml': TEMPLATE(broken), 'policy/constraint.yaml': CONSTRAINT });
    const e = offgate(['lint', '-o', 'json', '--policy', 'policy', 'k8s/'], { cwd: bad });
    expect(e.code).toBe(2);
    const [error] = (JSON.parse(e.stdout) as { errors: { file: string; line: number; column: number; message: string }[] }).errors;
    const fileLine = TEMPLATE(broken).split('\n').findIndex((l) => l.includes('sprintf')) + 1;
    expect(error).toMatchObject({ file: 'policy/template.yaml', line: fileLine });
    expect(error!.message).toMatch(/^ConstraintTemplate k8sxowner: rego_parse_error: /);
    expect(error!.column).toBe(8 + '\tmsg := sprintf("%v", [input.review.object.metadata.name'.length + 1);
  });
});
