// The human format, after ruff, rustc and eslint's unix format: every finding opens with
// `path:line:col` (which terminals and editors open), then its action, the object and the
// message, wrapped to the terminal with a hanging indent; its explanations and fix hint
// below. Then input errors (`path:line:col: error: …`), warnings, and the summary: a
// table of findings by constraint kind, what the cluster would do, what was checked.
import { baselinedLine, byPosition, constraintLabel, groupByFile, Notes, portablePath, positionSuffix, refLabel, sourcesLine, subjectLabel } from '../describe';
import type { Finding, ObjectRef, Report } from '../model';
import { effectiveAction } from '../summary';
import { checkedLine, kindRows, verdicts } from '../verdict';
import { DEFAULT_WIDTH, columns, startsWorkflowCommand, words, wrap, type Paint, type Word } from '../wrap';
import { oneLine } from './escape';
import { Lines } from './lines';
import type { RenderOptions } from './types';

interface Palette {
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
}

function palette(color: boolean): Palette {
  const sgr = (open: number, close: number): Paint => (color ? (t) => `\x1b[${open}m${t}\x1b[${close}m` : (t) => t);
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}

/** Built once: a palette per render would be thousands of closures over a large report. */
const COLOURED = palette(true);
const PLAIN = palette(false);

function actionPaint(p: Palette, action: string): Paint {
  return action === 'deny' ? p.red : action === 'warn' ? p.yellow : p.cyan;
}

/** Continuation lines of a finding's first line, and of its notes. */
const HANGING = '    ';
/** Notes and fix hints under a finding. */
const NOTE = '  ';

/**
 * What one render lays findings out with, and what it has already worked out: the same few
 * files, constraints and notes recur under thousands of findings, so each is escaped,
 * placed or wrapped once per render, not once per finding.
 */
interface Layout {
  p: Palette;
  /** Whether the palette paints: plain words are wrapped faster (wrap.ts). */
  color: boolean;
  width: number;
  cwd: string;
  verbose: boolean;
  /** File as given → its place (`deploy/web.yaml`), escaped. */
  places: Map<string, string>;
  /** Constraint kind → name → `[Kind/name]`, escaped. */
  labels: Map<string, Map<string, string>>;
  /** A note → its wrapped lines, as one string. */
  notes: Map<string, string>;
  /** A fix hint (the same string for every finding of a restriction) → its wrapped lines, as one string. */
  fixes: Map<string, string>;
  /** The object a finding is about (a lint's findings of one object share its ObjectRef) → its label, escaped. */
  subjects: Map<ObjectRef, string>;
  explanations: Notes;
}

function layout(opts: { color?: boolean; width?: number; cwd?: string; verbose?: boolean }): Layout {
  return {
    p: opts.color ? COLOURED : PLAIN,
    color: Boolean(opts.color),
    width: opts.width ?? DEFAULT_WIDTH,
    cwd: opts.cwd ?? process.cwd(),
    verbose: opts.verbose === true,
    places: new Map(),
    labels: new Map(),
    notes: new Map(),
    fixes: new Map(),
    subjects: new Map(),
    explanations: new Notes(),
  };
}

export function render(report: Report, opts: RenderOptions): string {
  const l = layout(opts);
  const p = l.p;
  const width = l.width;
  // Baselined findings are accepted ones: counted on one line in the summary, not listed.
  const current = report.findings.filter((f) => !f.baselined);
  // Every line of the report, a blank line between sections (a finding, the notices, the table, the verdict), joined once.
  const out = new Lines();

  if (!opts.quiet) {
    // Files in path order (findings arrive in the order templates are evaluated), each file's findings by position.
    for (const [, findings] of [...groupByFile(current)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const f of findings.sort(byPosition)) {
        if (!out.empty) out.push('');
        out.push(findingBlock(f, l));
      }
    }
    const notices: string[] = [];
    for (const e of report.errors) {
      const where = `${place(e.file, l)}${positionSuffix(e.line, e.column)}:`;
      notices.push(...wrap([{ text: where, paint: p.bold }, { text: 'error:', paint: (t) => p.bold(p.red(t)) }, { text: oneLine(e.message), split: true }], width, '', HANGING));
    }
    for (const w of report.warnings) notices.push(...wrap([{ text: 'warning:', paint: p.yellow }, { text: oneLine(w), split: true }], width, '', HANGING));
    // The summary counts them; which ones, and why, only when asked (a repository's root has many).
    if (opts.verbose) {
      for (const s of report.skipped ?? []) notices.push(...wrap([{ text: `${place(s.file, l)}:`, paint: p.bold }, { text: oneLine(`skipped: ${s.reason}`), paint: p.dim, split: true }], width, '', HANGING));
    }
    if (notices.length > 0) {
      if (!out.empty) out.push('');
      for (const line of notices) out.push(line);
    }
  }

  for (const section of summaryLines(report, current, p, width)) {
    if (!out.empty) out.push('');
    for (const line of section) out.push(line);
  }
  return out.join() + '\n';
}

/** One finding as this format shows it, for the reports of other commands (`offgate diff`): the same lines, so the two cannot drift apart. */
export function renderFinding(f: Finding, opts: { color?: boolean; width?: number; cwd?: string; fix?: boolean } = {}): string[] {
  const shown = opts.fix === false ? { ...f, fix: undefined } : f;
  // Every line is escaped (oneLine): the block's newlines are the ones between its lines.
  return findingBlock(shown, layout({ color: opts.color ?? false, width: opts.width, cwd: opts.cwd })).split('\n');
}

/**
 * `path:line:col: deny Deployment shop/web: message [Kind/name]`, wrapped, then its notes
 * and fix: the finding's lines as one string. Joined here, per finding, so that the many
 * small strings of its lines are garbage at once rather than kept to the end of the report.
 */
function findingBlock(f: Finding, l: Layout): string {
  const p = l.p;
  const action = oneLine(effectiveAction(f));
  const head: Word[] = [
    { text: `${place(f.file, l)}:${f.line}:${f.column}:`, paint: l.color ? p.bold : undefined },
    { text: action, paint: l.color ? actionPaint(p, action) : undefined },
    // Escaped apart: oneLine escapes character by character, so this is oneLine of the whole.
    { text: `${subject(f, l)}: ${oneLine(f.message)}`, split: true },
    { text: label(f, l), paint: l.color ? p.dim : undefined },
  ];
  const lines = wrap(head, l.width, '', HANGING);
  for (const note of l.explanations.of(f)) lines.push(noteLines(note, l));
  if (l.verbose) for (const note of verboseLines(f)) lines.push(noteLines(note, l));
  if (f.fix) lines.push(fixLines(f.fix, l));
  return lines.join('\n');
}

/** `fix: …`, wrapped, once per fix hint (looked up by the hint itself: no string made per finding). */
function fixLines(fix: string, l: Layout): string {
  let lines = l.fixes.get(fix);
  if (lines === undefined) l.fixes.set(fix, (lines = noteLines(`fix: ${fix}`, l)));
  return lines;
}

/** The object of the file a finding is about, escaped, once per ObjectRef. */
function subject(f: Finding, l: Layout): string {
  const ref = f.workload ?? f.object;
  let text = l.subjects.get(ref);
  if (text === undefined) l.subjects.set(ref, (text = oneLine(subjectLabel(f))));
  return text;
}

/**
 * A note or fix hint, wrapped, its lines as one string: the same few texts recur under
 * thousands of findings (a restriction's fix), so each is wrapped once per render.
 */
function noteLines(note: string, l: Layout): string {
  let lines = l.notes.get(note);
  if (lines === undefined) l.notes.set(note, (lines = wrap([{ text: oneLine(note), paint: l.color ? l.p.dim : undefined, split: true }], l.width, NOTE, HANGING).join('\n')));
  return lines;
}

/** `[Kind/name]`, escaped, once per constraint. */
function label(f: Finding, l: Layout): string {
  let byName = l.labels.get(f.constraint.kind);
  if (!byName) l.labels.set(f.constraint.kind, (byName = new Map()));
  let text = byName.get(f.constraint.name);
  if (text === undefined) byName.set(f.constraint.name, (text = `[${oneLine(constraintLabel(f))}]`));
  return text;
}

/** The file as given, or relative to the working directory when given absolute inside it; once per file. */
function place(file: string, l: Layout): string {
  let text = l.places.get(file);
  if (text === undefined) {
    const path = oneLine(portablePath(file, l.cwd));
    // A file named `::error …` must not start a line a CI runner reads as a command.
    l.places.set(file, (text = startsWorkflowCommand(path) ? `./${path}` : path));
  }
  return text;
}

/** The findings-by-restriction table (when there are findings), then the verdict, what was checked and the constraints' sources. */
function summaryLines(report: Report, current: readonly Finding[], p: Palette, width: number): string[][] {
  const sections: string[][] = [];
  const rows = kindRows(current);
  if (rows.length > 0) {
    const header = { kind: 'constraint kind', count: 'findings' };
    const kindWidth = Math.max(...[header, ...rows].map((r) => columns(r.kind)));
    const row = (r: { kind: string; count: string }) => `${NOTE}${oneLine(r.kind).padEnd(kindWidth)}  ${r.count}`;
    sections.push([p.dim(row(header)), ...rows.map(row)]);
  }
  const lines: string[] = [];
  for (const v of verdicts(current, report.summary)) {
    const paint = v.action === '' ? p.green : v.action === 'error' ? p.red : actionPaint(p, v.action);
    lines.push(...wrap(words(v.text, (t) => p.bold(paint(t))), width, '', HANGING));
  }
  const baselined = baselinedLine(report);
  if (baselined) lines.push(...wrap(words(baselined), width, '', HANGING));
  lines.push(...wrap(words(checkedLine(report.summary)), width, '', HANGING));
  lines.push(...wrap(words(oneLine(sourcesLine(report.sources)), p.dim), width, '', HANGING));
  sections.push(lines);
  return sections;
}

function verboseLines(f: Finding): string[] {
  const lines: string[] = [];
  if (f.path) lines.push(`at ${f.path}`);
  if (f.workload) {
    const how = f.workload.builtIn ? `built-in expansion ${f.workload.expansion}` : `ExpansionTemplate ${f.workload.expansion}`;
    lines.push(`reviewed as ${refLabel(f.object)} (${how})`);
  }
  if (f.enforcementAction === 'scoped') lines.push(`enforcementAction scoped: ${(f.scopedActions ?? []).join(', ') || 'none'}`);
  if (f.details !== undefined && f.details !== null && !isEmptyObject(f.details)) lines.push(`details: ${JSON.stringify(f.details)}`);
  return lines;
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}
