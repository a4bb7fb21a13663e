// The output formats made fast (issue 18, "Evaluation": fewer allocations per finding)
// must say exactly what they said before. What the speed rests on is checked here against
// the plain way of doing the same thing: wrapping text as slices of it against wrapping
// word objects; the caches keyed by ObjectRef (a lint's findings of one object share it)
// against a report whose findings share nothing; the escapes' quick tests against the full
// replaces; reports joined a chunk at a time against one join. Then the built CLI on a
// repository large enough for several chunks: every finding in every format.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { visible } from '../src/report/describe';
import { formats, FORMAT_NAMES, type RenderOptions } from '../src/report/formats';
import { xmlAttr, xmlText } from '../src/report/formats/junit';
import { Lines } from '../src/report/formats/lines';
import type { Finding, ObjectRef, Report } from '../src/report/model';
import { summarize } from '../src/report/summary';
import { wrap, words, type Word } from '../src/report/wrap';

/** Seeded: the same cases every run. */
function random(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

const NASTY = ['web', 'a  b', ' lead', 'trail ', '::error x', '##[warning]', 'é😀', 'lone\ud800', 'tab\tx', 'esc\x1b[31m', 'nl\nx', '50%,a:b', '<&>"', 'x'.repeat(90), '', '   '];

describe('wrap: a text item laid out as slices of it', () => {
  const bold = (t: string) => `<b>${t}</b>`;
  const dim = (t: string) => `<d>${t}</d>`;

  it('gives the lines of the same text split into word objects, at any width', () => {
    const rnd = random(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    for (let n = 0; n < 400; n++) {
      const items: Word[] = [];
      for (let i = 0, count = 1 + Math.floor(rnd() * 5); i < count; i++) {
        const text = Array.from({ length: Math.floor(rnd() * 12) }, () => pick(NASTY)).join(pick([' ', '  ', ' ']));
        const paint = pick([undefined, bold, dim]);
        items.push(rnd() < 0.7 ? { text, paint, split: true } : { text, paint });
      }
      // The same items with every text item split into word objects, as words() does.
      const asWords = items.flatMap((w) => (w.split ? words(w.text, w.paint) : [{ text: w.text, paint: w.paint }]));
      const width = pick([1, 10, 40, 80, 200]);
      expect(wrap(items, width, '> ', '    ')).toEqual(reference(asWords, width, '> ', '    '));
    }
  });

  it('lays out plain text (words one space apart, commands among them) as it would word objects', () => {
    const rnd = random(5);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const plain = ['a', 'web', 'container', '::error', '##[group]', 'x'.repeat(45), 'é', 'is', 'not', 'allowed:', '(privileged)', '#', ':'];
    for (let n = 0; n < 400; n++) {
      const items: Word[] = [];
      for (let i = 0, count = 1 + Math.floor(rnd() * 4); i < count; i++) {
        const text = Array.from({ length: Math.floor(rnd() * 30) }, () => pick(plain)).join(' ');
        items.push({ text, paint: pick([undefined, bold]), split: rnd() < 0.8 });
      }
      const asWords = items.flatMap((w) => (w.split ? words(w.text, w.paint) : [{ text: w.text, paint: w.paint }]));
      const width = pick([1, 8, 20, 40, 80, 120]);
      const first = pick(['', '> ']);
      expect(wrap(items, width, first, '    ')).toEqual(reference(asWords, width, first, '    '));
    }
  });

  it('paints each run of one paint once, across items too', () => {
    expect(wrap([{ text: 'a b', paint: bold, split: true }, { text: 'c', paint: bold }, { text: 'd e', split: true }], 80)).toEqual(['<b>a b c</b> d e']);
    expect(wrap([{ text: 'aa  bb cc', paint: bold, split: true }], 5)).toEqual(['<b>aa bb</b>', '<b>cc</b>']);
  });

  it('never starts a line with a workflow command, even inside a text item', () => {
    expect(wrap([{ text: 'aaaa ::error bb', split: true }], 6)).toEqual(['aaaa ::error', 'bb']);
  });

  /** The layout as it was done before: an array of word objects per line, painted at the end. */
  function reference(items: readonly Word[], width: number, first: string, hanging: string): string[] {
    const cols = (t: string) => [...t].length;
    const lines: Word[][] = [[]];
    let used = cols(first);
    for (const w of items) {
      const line = lines[lines.length - 1]!;
      const len = cols(w.text);
      if (line.length > 0 && used + 1 + len > width && !/^(::|##\[)/.test(w.text)) {
        lines.push([w]);
        used = cols(hanging) + len;
      } else {
        line.push(w);
        used += (line.length > 1 ? 1 : 0) + len;
      }
    }
    return lines.map((line, i) => {
      let out = '';
      for (let k = 0; k < line.length; ) {
        let run = line[k]!.text;
        let j = k + 1;
        for (; j < line.length && line[j]!.paint === line[k]!.paint; j++) run += ' ' + line[j]!.text;
        out += (k > 0 ? ' ' : '') + (line[k]!.paint ? line[k]!.paint!(run) : run);
        k = j;
      }
      return (i === 0 ? first : hanging) + out;
    });
  }
});

describe('caches keyed by ObjectRef, file, constraint and fix', () => {
  /** Findings whose objects, workloads and constraints are shared, as a lint makes them; some refs even shared across files. */
  function sharedReport(): Report {
    const rnd = random(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const refs: ObjectRef[] = Array.from({ length: 12 }, (_, i) => ({ apiVersion: 'v1', kind: 'Pod', namespace: pick(NASTY), ...(i % 5 ? { name: `${pick(NASTY)}-${i}` } : {}) }));
    const workloads = Array.from({ length: 6 }, (_, i) => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: `${pick(NASTY)}-${i}`, expansion: 'offgate-expand-deployments', builtIn: true }));
    const constraints = Array.from({ length: 5 }, (_, i) => ({ kind: pick(['K8sA', 'K8sB', 'K8s\nC']), name: `${pick(NASTY)}${i}` }));
    const fixes = ['Set privileged: false.', 'Drop ALL capabilities and add back only what the container needs, one by one, as its logs show.'];
    const findings: Finding[] = Array.from({ length: 600 }, (_, i) => {
      const f: Finding = {
        file: pick(['deploy/a.yaml', 'deploy/b.yaml', '/repo/c.yaml', '::error.yaml']),
        line: 1 + Math.floor(rnd() * 200),
        column: 1 + Math.floor(rnd() * 9),
        object: pick(refs),
        constraint: pick(constraints),
        enforcementAction: pick(['deny', 'deny', 'warn', 'dryrun', 'scoped']),
        message: `${pick(NASTY)} is not allowed ${i % 7}`,
        details: rnd() < 0.5 ? { path: `spec.containers[${i % 3}]`, list: [pick(NASTY)] } : {},
      };
      if (f.enforcementAction === 'scoped') f.scopedActions = [pick(['warn', 'deny'])];
      if (rnd() < 0.5) f.workload = pick(workloads);
      if (rnd() < 0.5) f.path = `spec.template.spec.containers[${i % 3}].securityContext`;
      if (rnd() < 0.7) f.fix = pick(fixes);
      if (rnd() < 0.1) f.baselined = true;
      return f;
    });
    return { version: '0.1.0', sources: ['bundled:baseline'], findings, errors: [], warnings: [], summary: summarize({ findings, errors: [], files: 4, objects: 18 }), baseline: 'b.json' };
  }

  const options: RenderOptions[] = [
    { color: false, failOn: 'deny', cwd: '/repo' },
    { color: true, failOn: 'warn', cwd: '/repo', width: 60, verbose: true, jobSummary: true, links: { base: 'https://github.com/o/r/blob/s/', root: '/repo' } },
  ];

  it.each(FORMAT_NAMES)('%s: the same report whether its findings share their refs or not', (name) => {
    const shared = sharedReport();
    // Deep copies: no two findings share an object, as in a report read back from JSON.
    const apart: Report = { ...shared, findings: shared.findings.map((f) => structuredClone(f)) };
    for (const opts of options) expect(formats[name](shared, opts)).toBe(formats[name](apart, opts));
  });
});

describe('escapes: the quick test first, the replaces only when it finds something', () => {
  // The escapes as written before the quick test.
  const xmlChars = (t: string) => visible(t).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uFFFE\uFFFF]/g, '\uFFFD');
  const text = (t: string) => xmlChars(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '&#10;');
  const attr = (t: string) => text(t).replace(/"/g, '&quot;').replace(/\t/g, '&#9;');

  it('xmlText and xmlAttr change every code unit as the full replaces do', () => {
    const wrong: number[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const s = `a${String.fromCharCode(c)}b`;
      if (xmlText(s) !== text(s) || xmlAttr(s) !== attr(s)) wrong.push(c);
    }
    expect(wrong).toEqual([]);
    for (const s of ['😀', 'x\ud83d', '\ude00y', 'é&"\t\n\r']) {
      expect(xmlText(s)).toBe(text(s));
      expect(xmlAttr(s)).toBe(attr(s));
    }
  });
});

describe('Lines: a report joined a chunk at a time', () => {
  it('is the one join of its lines, across chunks', () => {
    const lines = Array.from({ length: 40_000 }, (_, i) => (i % 9 === 0 ? '' : `line ${i} ${'x'.repeat(i % 50)}`));
    const joined = new Lines();
    expect(joined.empty).toBe(true);
    for (const l of lines) joined.push(l);
    expect(joined.empty).toBe(false);
    const all = lines.join('\n');
    expect(all.length).toBeGreaterThan(4 * (1 << 18)); // several chunks
    expect(joined.join()).toBe(all);
  });
});

describe('offgate lint on a repository of many findings', () => {
  const BIN = join(__dirname, '../bin/offgate.js');

  /** A repository's deploy/ folder: `n` Deployments, each with a privileged container and a hostPath volume. */
  function repository(n: number): string {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-report-speed-'));
    mkdirSync(join(dir, 'deploy'));
    for (let i = 0; i < n; i++) {
      writeFileSync(
        join(dir, 'deploy', `svc-${String(i).padStart(3, '0')}.yaml`),
        `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  namespace: shop
spec:
  selector:
    matchLabels: {app: svc-${i}}
  template:
    metadata:
      labels: {app: svc-${i}}
    spec:
      containers:
        - name: app
          image: registry.example.com/shop/svc:1.${i}
          securityContext:
            privileged: true
      volumes:
        - name: data
          hostPath: {path: /var/lib/svc-${i}}
`,
      );
    }
    return dir;
  }

  function lint(cwd: string, args: string[]) {
    const r = spawnSync(process.execPath, [BIN, 'lint', '--env', 'baseline', ...args, 'deploy'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', COLUMNS: '' }, maxBuffer: 1 << 28 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('every finding is in every format, however many chunks the report takes', () => {
    const dir = repository(400);
    const json = lint(dir, ['-o', 'json']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout) as { results: { file: string; line: number; column: number }[]; summary: { byAction: Record<string, number> } };
    const n = doc.results.length;
    expect(n).toBeGreaterThanOrEqual(800); // privileged and hostPath in each of 400 files
    expect(doc.summary.byAction.deny).toBe(n);

    // text: one block per finding, each opening with its place; the verdict counts them all.
    const text = lint(dir, []);
    expect(text.code).toBe(1);
    const places = doc.results.map((r) => `${r.file}:${r.line}:${r.column}:`).sort();
    const opened = text.stdout.split('\n').filter((l) => /^deploy\/svc-\d+\.yaml:\d+:\d+:/.test(l)).map((l) => l.split(' ')[0]!).sort();
    expect(opened).toEqual(places);
    expect(text.stdout).toContain(`400 workloads would be rejected (${n} findings)`);

    // junit: a testcase per finding, in a suite per file.
    const junit = lint(dir, ['-o', 'junit']);
    const xml = new XMLParser({ ignoreAttributes: false }).parse(junit.stdout) as { testsuites: { '@_tests': string; '@_failures': string } };
    expect(Number(xml.testsuites['@_failures'])).toBe(n);
    expect(Number(xml.testsuites['@_tests'])).toBe(n + 1);

    // sarif: a result per finding, fingerprints all distinct.
    const sarif = JSON.parse(lint(dir, ['-o', 'sarif']).stdout) as { runs: { results: { partialFingerprints: Record<string, string> }[] }[] };
    const prints = sarif.runs[0]!.results.map((r) => Object.values(r.partialFingerprints)[0]);
    expect(new Set(prints).size).toBe(n);

    // github: 9 annotated, the other findings listed in the log, one line each.
    const github = lint(dir, ['-o', 'github']);
    expect(github.stdout.split('\n').filter((l) => l.startsWith('::error file=')).length).toBe(9);
    expect(github.stdout.split('\n').filter((l) => /^ {2}- deploy\/svc-\d+\.yaml:\d+:\d+: deny /.test(l)).length).toBe(n - 9);
  }, 120_000);
});
