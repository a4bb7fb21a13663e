// A Pod with thousands of containers gets exactly the findings its containers get one by
// one: the same messages, constraints and paths (renumbered), each placed inside its own
// container's lines, and nothing lost from other files. The one-by-one verdicts come from
// linting every container alone in its own Pod, a different path through the library (one
// container per review), so a fault in how a large Pod's results are grouped, ordered or
// placed shows up as a difference. Linear time is the benchmark's business
// (`npm run bench:containers`), not a test's.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offgate } from './helpers/cli';

const CONTAINERS = 5000;
const INIT_CONTAINERS = 40;
const WORDS = ['web', 'api', 'cache', 'worker', 'proxy', 'log', 'db'];

interface Entry {
  list: 'containers' | 'initContainers';
  index: number;
  lines: string[];
}

/** Container `i` of a list: its name does not sort in index order; four shapes by `i % 4`. */
function entry(list: Entry['list'], index: number): Entry {
  const name = `${WORDS[(index * 5) % WORDS.length]}-${list === 'containers' ? 'c' : 'i'}${index}`;
  const lines = [`- name: ${name}`, `  image: registry.example.com/app:${index % 3}`];
  const compliant = ['    allowPrivilegeEscalation: false', '    runAsNonRoot: true', '    seccompProfile:', '      type: RuntimeDefault', '    capabilities:', '      drop: [ALL]'];
  switch (index % 4) {
    case 0: // nothing set: four restricted findings
      break;
    case 1:
      lines.push('  securityContext:', ...compliant);
      break;
    case 2:
      lines.push('  securityContext:', '    privileged: true', ...compliant);
      break;
    case 3: // two capabilities it may not add: one finding with two paths
      lines.push('  securityContext:', ...compliant, '      add: [NET_ADMIN, SYS_ADMIN]');
      break;
  }
  return { list, index, lines };
}

const entries: Entry[] = [
  ...Array.from({ length: CONTAINERS }, (_, i) => entry('containers', i)),
  ...Array.from({ length: INIT_CONTAINERS }, (_, i) => entry('initContainers', i)),
];

/** The big Pod, and where (1-based, inclusive) each entry's lines are, by `list[index]`. */
function bigPod(): { text: string; spans: Map<string, [number, number]> } {
  const lines = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: many', '  namespace: shop', 'spec:'];
  const spans = new Map<string, [number, number]>();
  for (const list of ['containers', 'initContainers'] as const) {
    lines.push(`  ${list}:`);
    for (const e of entries.filter((x) => x.list === list)) {
      spans.set(`${list}[${e.index}]`, [lines.length + 1, lines.length + e.lines.length]);
      lines.push(...e.lines.map((l) => `  ${l}`));
    }
  }
  return { text: `${lines.join('\n')}\n`, spans };
}

/** Every entry alone in its own Pod, named after it. */
function onePodEach(): string {
  return entries
    .map((e) => [`apiVersion: v1`, 'kind: Pod', 'metadata:', `  name: ${e.list}-${e.index}`, '  namespace: shop', 'spec:', `  ${e.list}:`, ...e.lines.map((l) => `  ${l}`)].join('\n'))
    .join('\n---\n');
}

interface JsonResult {
  file: string;
  line: number;
  object: { name: string | null };
  constraint: { kind: string };
  message: string;
  details: { path: string; paths: string[] };
}

/** The report goes to a file: it is megabytes long, past what the helper reads from stdout. */
function lintJson(cwd: string, files: string[]): { code: number; results: JsonResult[]; errors: unknown[] } {
  const out = join(cwd, 'report.json');
  const r = offgate(['lint', '--env', 'restricted', '-o', 'json', '--output-file', out, ...files], { cwd });
  const report = JSON.parse(readFileSync(out, 'utf8')) as { results: JsonResult[]; errors: unknown[] };
  return { code: r.code, results: report.results, errors: report.errors };
}

/** A finding as comparable text: constraint, message and details, paths as given. */
const key = (r: JsonResult, details = r.details) => JSON.stringify([r.constraint.kind, r.message, details]);

describe('a Pod with 5,000 containers', () => {
  it('gets exactly the findings of its containers linted one by one, each placed in its container, other files kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-many-'));
    const { text, spans } = bigPod();
    writeFileSync(join(dir, 'many.yaml'), text);
    writeFileSync(join(dir, 'each.yaml'), onePodEach());
    writeFileSync(join(dir, 'other.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: other\nspec:\n  containers:\n  - name: x\n    image: x\n    securityContext:\n      privileged: true\n');

    const big = lintJson(dir, ['many.yaml', 'other.yaml']);
    const each = lintJson(dir, ['each.yaml']);
    expect(big.code).toBe(1);
    expect(big.errors).toEqual([]);
    expect(each.code).toBe(1);
    expect(each.errors).toEqual([]);

    // One by one: each Pod's paths say [0]; in the big Pod the entry's own index.
    const renumber = (p: string, list: string, index: string) => p.replace(`spec.${list}[0]`, `spec.${list}[${index}]`);
    const expected = each.results.map((r) => {
      const [, list, index] = /^(containers|initContainers)-(\d+)$/.exec(r.object.name ?? '') ?? [];
      return key(r, { ...r.details, path: renumber(r.details.path, list, index), paths: r.details.paths.map((p) => renumber(p, list, index)) });
    });
    const mine = big.results.filter((r) => r.file.endsWith('many.yaml'));
    expect(mine.map((r) => key(r)).sort()).toEqual(expected.sort());

    // Counted from the shapes, not from a lint: the comparison above is not between two empties.
    const count = (kind: string) => mine.filter((r) => r.constraint.kind === kind).length;
    const shape = (s: number) => entries.filter((e) => e.index % 4 === s).length;
    expect(count('K8sPSPPrivilegedContainer')).toBe(shape(2));
    expect(count('K8sPSPCapabilities')).toBe(shape(0) + shape(3));
    expect(count('K8sPSPAllowPrivilegeEscalationContainer')).toBe(shape(0));
    expect(mine.filter((r) => r.details.paths.length === 2)).toHaveLength(shape(3));

    // Each finding is on a line of the container its path names.
    for (const r of mine) {
      const [, entryPath] = /^spec\.((?:containers|initContainers)\[\d+\])/.exec(r.details.path) ?? [];
      const span = spans.get(entryPath);
      expect(span, r.details.path).toBeDefined();
      expect(r.line, r.details.path).toBeGreaterThanOrEqual(span![0]);
      expect(r.line, r.details.path).toBeLessThanOrEqual(span![1]);
    }

    // The other file's finding survives.
    expect(big.results.filter((r) => r.file.endsWith('other.yaml')).map((r) => r.constraint.kind)).toContain('K8sPSPPrivilegedContainer');
  }, 300_000);
});

// The seccomp templates index containers by name only when a name repeats (the index can
// conflict only then); these pin the outcome of every kind of repeat, and of no repeat.
describe('containers sharing a name, for the seccomp templates', () => {
  it('two different containers with one name are an evaluation error; identical ones, nameless ones and other Pods are linted', () => {
    const pod = (name: string, spec: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: x}\nspec:\n${spec}`;
    const dir = mkdtempSync(join(tmpdir(), 'offgate-names-'));
    writeFileSync(join(dir, 'offgate.yaml'), 'environments:\n  sec:\n    extends: restricted\n    restrictions:\n      seccomp: true\n      seccompv2: true\n');
    writeFileSync(
      join(dir, 'pods.yaml'),
      [
        pod('differ', '  containers:\n  - {name: a, image: x}\n  - {name: a, image: y}\n  - {name: b, image: z}\n'),
        pod('across-lists', '  containers:\n  - {name: a, image: x}\n  initContainers:\n  - {name: a, image: y}\n'),
        pod('identical', '  containers:\n  - {name: a, image: x}\n  - {name: a, image: x}\n  - {image: nameless}\n  initContainers:\n  - {name: b, image: x}\n'),
        pod('unique', '  containers:\n  - {name: a, image: x}\n  - {name: b, image: x}\n'),
      ].join('---\n'),
    );
    const r = offgate(['lint', '--env', 'sec', '-o', 'json', 'pods.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    const results = (JSON.parse(r.stdout) as { results: JsonResult[] }).results.filter((x) => x.constraint.kind.startsWith('K8sPSPSeccomp'));
    const of = (name: string) => results.filter((x) => x.object.name === name).map((x) => `${x.constraint.kind}: ${x.message.replace(/ \((no|none) .*$/, '')}`).sort();
    for (const name of ['differ', 'across-lists']) {
      expect(of(name)).toEqual([
        'K8sPSPSeccomp: eval_conflict_error: object keys must be unique (rule data.k8spspseccomp.containers_by_name produced conflicting values)',
        'K8sPSPSeccompV2: eval_conflict_error: object keys must be unique (rule data.k8spspseccompv2.containers_by_name produced conflicting values)',
      ]);
    }
    // Identical duplicates are one entry of the index: one result each; the nameless container is not indexed.
    expect(of('identical')).toEqual([
      'K8sPSPSeccomp: container a has no seccomp profile',
      'K8sPSPSeccomp: container b has no seccomp profile',
      'K8sPSPSeccompV2: container a has no seccomp profile',
      'K8sPSPSeccompV2: container b has no seccomp profile',
    ]);
    expect(of('unique')).toHaveLength(4);
  }, 120_000);
});
