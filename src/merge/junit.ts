// JUnit reports of a lint's shards (`offgate lint --shard I/N -o junit`) joined into the one
// report a single run would have written, for CI views that want JUnit (GitLab's
// `artifacts: reports: junit:`). A file is on one shard only, so its test suite is taken as its
// shard wrote it, test cases verbatim; a suite every shard has alike (a --policy template that
// does not compile) is kept once. Suites are listed as `offgate merge` lists findings: by
// file (files with findings, then files with input errors only), so the result is the same
// whatever the shards. The summary test case is rebuilt: the shards' counts added, their
// sources less the shard lines. A shard missing or given twice is an input error, an <error>
// test case, as in a merged JSON report.
//
// lint's JUnit has no time or timestamp attributes (nothing run-dependent), no offgate version
// and no baseline: shards of different versions cannot be told apart, so have every shard lint
// with the same offgate and options. Which findings are <failure>s was decided by the shards'
// --fail-on, and is kept; merge's --fail-on decides its exit code, from the summary's counts.
import { compareText } from '../arrays';
import { summaryLine } from '../report/describe';
import { xmlAttr, xmlText } from '../report/formats/junit';
import type { InputError, Summary } from '../report/model';
import { parseShardSource } from '../shard/shard';
import { joinShared, shardProblems } from './merge';
import { joinSources } from './sources';
import { isElement, parseXml, positionOf, type XmlElement } from './xml';

export interface NamedJunit {
  /** The report file, as named on the command line (for errors). */
  file: string;
  text: string;
}

export interface MergedJunit {
  xml: string;
  /** The merged run's counts: what the exit code is decided on. */
  summary: Summary;
}

/** A test case as its shard wrote it, and what the merge needs to know of it. */
interface Case {
  xml: string;
  kind: 'error' | 'failure' | 'passed';
  line: number;
}

interface Suite {
  name: string;
  cases: Case[];
}

interface Skipped {
  file: string;
  reason: string;
  xml: string;
}

/** One shard's report, read. */
interface JunitShard {
  file: string;
  suites: Suite[];
  summary: Summary;
  /** Its sources line's sources (labels as the report shows them), less the shard line. */
  sources: string[];
  /** The shard line (`shard 2/4: 13 of 50 files (by path hash)`), if it is a shard's report. */
  shard?: string;
  skipped: Skipped[];
}

/** Whether a report file's text is XML (rather than JSON): its first character is `<`. */
export function looksLikeXml(text: string): boolean {
  return /^\uFEFF?[ \t\r\n]*</.test(text);
}

/** The merged report; a file that is no offgate JUnit report is one error line naming its place. */
export function mergeJunitReports(inputs: readonly NamedJunit[]): MergedJunit | { error: string } {
  const read: JunitShard[] = [];
  for (const input of inputs) {
    const shard = readJunit(input);
    if ('error' in shard) return shard;
    read.push(shard);
  }
  const problems = shardProblems(read.map((s) => ({ file: s.file, sources: s.shard ? [s.shard] : [] })));
  // A report given twice (an error above) is counted once: the summary must count the test cases it lists.
  const texts = new Set<string>();
  const shards = read.filter((_, i) => !texts.has(inputs[i]!.text) && Boolean(texts.add(inputs[i]!.text)));

  // Suites by file: a file's suite is on one shard, a suite every shard has alike is the run's.
  const byName = new Map<string, Suite[]>();
  for (const shard of shards) for (const suite of shard.suites) byName.set(suite.name, [...(byName.get(suite.name) ?? []), suite]);
  const suites = new Map<string, Case[]>();
  for (const problem of problems) suites.set(problem.file, [...(suites.get(problem.file) ?? []), problemCase(problem)]);
  for (const [name, copies] of byName) {
    const joined = joinShared(
      copies.map((s) => s.cases),
      (c) => c.xml,
    );
    // Copies that differ (a rare shared file with findings too) are put back in lint's order: errors first, then by line.
    const cases = copies.length > 1 ? joined.sort((a, b) => Number(a.kind !== 'error') - Number(b.kind !== 'error') || a.line - b.line) : joined;
    suites.set(name, [...(suites.get(name) ?? []), ...cases]);
  }
  const problemFiles = new Set(problems.map((p) => p.file));
  const hasFindings = (cases: Case[]) => cases.some((c) => c.kind !== 'error');
  const names = [...suites.keys()];
  const order = [
    ...names.filter((n) => hasFindings(suites.get(n)!)).sort(compareText),
    ...names.filter((n) => !hasFindings(suites.get(n)!) && problemFiles.has(n)),
    ...names.filter((n) => !hasFindings(suites.get(n)!) && !problemFiles.has(n)).sort(compareText),
  ];

  const all = order.flatMap((n) => suites.get(n)!);
  const byAction: Record<string, number> = {};
  for (const s of shards) for (const [action, n] of Object.entries(s.summary.byAction)) byAction[action] = (byAction[action] ?? 0) + n;
  const summary: Summary = {
    files: shards.reduce((t, s) => t + s.summary.files, 0),
    objects: shards.reduce((t, s) => t + s.summary.objects, 0),
    skipped: shards.reduce((t, s) => t + (s.summary.skipped ?? 0), 0),
    byAction,
    errors: all.filter((c) => c.kind === 'error').length,
  };
  const sources = joinSources(shards.map((s) => ({ sources: s.sources, objects: s.summary.objects })));
  const skipped = shards.flatMap((s) => s.skipped).sort((a, b) => compareText(a.file, b.file) || compareText(a.reason, b.reason));

  const lines: string[] = [];
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suite = (name: string, cases: string[], counts: typeof total) => {
    lines.push(`  <testsuite name="${xmlAttr(name)}" ${countAttrs(counts)}>`);
    for (const c of cases) lines.push(`    ${c}`);
    lines.push('  </testsuite>');
    for (const k of ['tests', 'failures', 'errors', 'skipped'] as const) total[k] += counts[k];
  };
  for (const name of order) {
    const cases = suites.get(name)!;
    const count = (kind: Case['kind']) => cases.filter((c) => c.kind === kind).length;
    suite(
      name,
      cases.map((c) => c.xml),
      { tests: cases.length, failures: count('failure'), errors: count('error'), skipped: 0 },
    );
  }
  const summaryText = `${summaryLine(summary)}\nconstraints: ${sources.length === 0 ? 'none' : sources.join(', ')}`;
  suite(
    'offgate',
    [`<testcase name="lint" classname="offgate">\n      <system-out>${xmlText(summaryText)}</system-out>\n    </testcase>`, ...skipped.map((s) => s.xml)],
    { tests: 1 + skipped.length, failures: 0, errors: 0, skipped: skipped.length },
  );
  const xml = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="offgate" ${countAttrs(total)}>`, ...lines, '</testsuites>', ''].join('\n');
  return { xml, summary };
}

/** 2 with input errors (a shard's, a shard missing), 1 when a finding fails the run per `--fail-on`, else 0. */
export function junitExitCode(summary: Summary, failOn: 'deny' | 'warn' | 'none'): number {
  if (summary.errors > 0) return 2;
  if (failOn === 'none') return 0;
  // The counts are of findings not baselined, by effective action: deny fails, warn with --fail-on warn.
  const failing = (summary.byAction.deny ?? 0) + (failOn === 'warn' ? (summary.byAction.warn ?? 0) : 0);
  return failing > 0 ? 1 : 0;
}

function countAttrs(c: { tests: number; failures: number; errors: number; skipped: number }): string {
  return `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}"`;
}

/** A merge problem (a shard missing) as lint writes an input error without a position. */
function problemCase(e: InputError): Case {
  const inner = `<error message="${xmlAttr(e.message)}" type="InputError">${xmlText(`${e.file}: ${e.message}`)}</error>`;
  return { xml: `<testcase name="input error" classname="${xmlAttr(e.file)}" file="${xmlAttr(e.file)}">\n      ${inner}\n    </testcase>`, kind: 'error', line: 0 };
}

class ShapeFault extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const LINT = 'offgate lint -o junit';

/** One report read and checked against the shape lint writes; anything else is an error naming the place. */
function readJunit({ file, text }: NamedJunit): JunitShard | { error: string } {
  const parsed = parseXml(text);
  const where = (offset: number) => {
    const p = positionOf(text, offset);
    return `${file}:${p.line}:${p.column}`;
  };
  if ('error' in parsed) return { error: `${where(parsed.error.offset)}: not well-formed XML: ${parsed.error.message}` };
  const root = parsed.root;
  if (root.name !== 'testsuites' && root.name !== 'testsuite') return { error: `${where(root.start)}: not a JUnit report: its root element is <${root.name}>, not <testsuites> (merge reads the reports of ${LINT})` };
  if (root.name !== 'testsuites' || root.attributes.get('name') !== 'offgate') {
    const named = root.attributes.get('name');
    return { error: `${where(root.start)}: a JUnit report of another tool (<${root.name}${named !== undefined ? ` name="${named}"` : ''}>), not offgate's: merge reads the reports of ${LINT}` };
  }
  try {
    return readShape(file, root);
  } catch (e) {
    if (e instanceof ShapeFault) return { error: `${where(e.offset)}: not a JUnit report as ${LINT} writes it: ${e.message}` };
    throw e;
  }

  function readShape(file: string, root: XmlElement): JunitShard {
    const suites = elements(root, 'testsuite');
    const last = suites.pop();
    if (!last || last.attributes.get('name') !== 'offgate') fault(last ?? root, 'its last <testsuite> must be offgate\'s summary (name="offgate")');
    const read = suites.map(fileSuite);
    const { summary, sources, shard, skipped } = summarySuite(last);
    const totals = { tests: 1 + skipped.length, failures: 0, errors: 0, skipped: skipped.length };
    for (const s of read) {
      totals.tests += s.cases.length;
      totals.failures += s.cases.filter((c) => c.kind === 'failure').length;
      totals.errors += s.cases.filter((c) => c.kind === 'error').length;
    }
    checkCounts(root, totals);
    if (summary.errors !== totals.errors) fault(last, `the summary says ${summary.errors} input errors, the report holds ${totals.errors}`);
    return { file, suites: read, summary, sources, shard, skipped };
  }

  function fileSuite(el: XmlElement): Suite {
    const name = attr(el, 'name');
    const cases = elements(el, 'testcase').map((c): Case => {
      attr(c, 'name');
      const classname = attr(c, 'classname');
      if (classname !== name) fault(c, `classname="${classname}" in the suite of ${name}`);
      const line = c.attributes.get('line');
      if (line !== undefined && !/^[0-9]+$/.test(line)) fault(c, `line="${line}" is not a line number`);
      const [inner] = elements(c, ['failure', 'system-out', 'error'], 1);
      const kind = inner!.name === 'failure' ? 'failure' : inner!.name === 'error' ? 'error' : 'passed';
      if (kind !== 'passed') attr(inner!, 'message');
      return { xml: text.slice(c.start, c.end), kind, line: line === undefined ? 0 : Number(line) };
    });
    checkCounts(el, {
      tests: cases.length,
      failures: cases.filter((c) => c.kind === 'failure').length,
      errors: cases.filter((c) => c.kind === 'error').length,
      skipped: 0,
    });
    return { name, cases };
  }

  function summarySuite(el: XmlElement): Pick<JunitShard, 'summary' | 'sources' | 'shard' | 'skipped'> {
    const [lint, ...rest] = elements(el, 'testcase');
    if (!lint || lint.attributes.get('name') !== 'lint' || lint.attributes.get('classname') !== 'offgate') fault(lint ?? el, 'the summary suite must begin with the test case "lint"');
    const [out] = elements(lint, 'system-out', 1);
    const body = textOf(out!);
    const cut = body.indexOf('\nconstraints: ');
    const summary = cut === -1 ? undefined : parseSummaryLine(body.slice(0, cut));
    if (!summary) fault(out!, 'its first line is not the summary offgate writes (e.g. "3 denied · 12 objects in 4 files")');
    const listed = body.slice(cut + '\nconstraints: '.length);
    const sources = listed === 'none' ? [] : splitSources(listed);
    const shard = sources.find((s) => parseShardSource(s) !== undefined);
    const skipped = rest.map((c): Skipped => {
      const [inner] = elements(c, 'skipped', 1);
      const skippedFile = attr(c, 'file');
      if (c.attributes.get('name') !== `skipped ${skippedFile}`) fault(c, `a test case other than a skipped file in the summary suite`);
      return { file: skippedFile, reason: attr(inner!, 'message'), xml: text.slice(c.start, c.end) };
    });
    if ((summary.skipped ?? 0) !== skipped.length) fault(el, `the summary says ${summary.skipped ?? 0} files skipped, the suite lists ${skipped.length}`);
    checkCounts(el, { tests: 1 + skipped.length, failures: 0, errors: 0, skipped: skipped.length });
    return { summary, sources: sources.filter((s) => s !== shard), shard, skipped };
  }
}

/** The child elements of `el`, all named `name` (one of `name`), `exactly` of them if given; only whitespace between them. */
function elements(el: XmlElement, name: string | string[], exactly?: number): XmlElement[] {
  const names = typeof name === 'string' ? [name] : name;
  const out: XmlElement[] = [];
  for (const child of el.children) {
    if (!isElement(child)) {
      if (/[^ \t\r\n]/.test(child.text)) throw new ShapeFault(`text in <${el.name}>`, child.start);
      continue;
    }
    if (!names.includes(child.name)) fault(child, `<${child.name}> in <${el.name}> (expected ${names.map((n) => `<${n}>`).join(' or ')})`);
    out.push(child);
  }
  if (exactly !== undefined && out.length !== exactly) fault(el, `<${el.name}> holds ${out.length} ${names.map((n) => `<${n}>`).join(' or ')}, not ${exactly}`);
  return out;
}

function attr(el: XmlElement, name: string): string {
  const v = el.attributes.get(name);
  if (v === undefined) fault(el, `<${el.name}> has no ${name} attribute`);
  return v;
}

function checkCounts(el: XmlElement, counts: { tests: number; failures: number; errors: number; skipped: number }): void {
  for (const [k, n] of Object.entries(counts)) {
    const said = attr(el, k);
    if (said !== String(n)) fault(el, `<${el.name}${el.attributes.has('name') ? ` name="${el.attributes.get('name')}"` : ''}> says ${k}="${said}", it holds ${n}`);
  }
}

function textOf(el: XmlElement): string {
  return el.children.map((c) => (isElement(c) ? fault(c, `<${c.name}> in <${el.name}>`) : c.text)).join('');
}

function fault(el: XmlElement, message: string): never {
  throw new ShapeFault(message, el.start);
}

const ACTION_OF: Record<string, string> = { denied: 'deny', warning: 'warn', warnings: 'warn', 'dry-run': 'dryrun' };

/**
 * The counts of a summary line (`3 denied, 1 warning · 1 input error · 12 objects in 4 files
 * · 2 files skipped: not Kubernetes objects`), read back: only a line that summaryLine writes
 * again as it is, so that no count is misread.
 */
export function parseSummaryLine(line: string): Summary | undefined {
  const parts = line.split(' · ');
  const byAction: Record<string, number> = {};
  const counts = parts.shift();
  if (counts !== 'no violations') {
    for (const c of (counts ?? '').split(', ')) {
      const m = /^([0-9]+) (.+)$/.exec(c);
      if (!m) return undefined;
      byAction[ACTION_OF[m[2]!] ?? m[2]!] = Number(m[1]);
    }
  }
  let errors = 0;
  const e = /^([0-9]+) input errors?$/.exec(parts[0] ?? '');
  if (e) {
    errors = Number(e[1]);
    parts.shift();
  }
  const o = /^([0-9]+) objects? in ([0-9]+) files?$/.exec(parts.shift() ?? '');
  if (!o) return undefined;
  let skipped = 0;
  const s = /^([0-9]+) files? skipped: not Kubernetes objects$/.exec(parts[0] ?? '');
  if (s) {
    skipped = Number(s[1]);
    parts.shift();
  }
  const summary: Summary = { files: Number(o[2]), objects: Number(o[1]), skipped, byAction, errors };
  return parts.length === 0 && summaryLine(summary) === line ? summary : undefined;
}

/**
 * A sources line's labels (`bundled baseline preset (no offgate.yaml), ./policy (2 templates,
 * 2 constraints), shard 1/4: …`): split at the commas outside parentheses.
 */
function splitSources(listed: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < listed.length; i++) {
    const c = listed[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0 && listed[i + 1] === ' ') {
      out.push(listed.slice(from, i));
      from = i + 2;
      i++;
    }
  }
  out.push(listed.slice(from));
  return out;
}
