// The human format, after ruff, rustc and eslint's unix format: every finding opens with
// `path:line:col` (which terminals and editors open), then its action, the object and the
// message, wrapped to the terminal with a hanging indent; its explanations and fix hint
// below. Then input errors (`path:line:col: error: …`), warnings, and the summary: a
// table of findings by constraint kind, what the cluster would do, what was checked.
import { baselinedLine, byPosition, constraintLabel, groupByFile, notesOf, portablePath, positionSuffix, refLabel, sourcesLine, subjectLabel } from '../describe';
import type { Finding, Report } from '../model';
import { effectiveAction } from '../summary';
import { checkedLine, kindRows, verdicts } from '../verdict';
import { DEFAULT_WIDTH, columns, words, wrap, type Word } from '../wrap';
import { oneLine } from './escape';
import type { RenderOptions } from './types';

type Paint = (text: string) => string;

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

function actionPaint(p: Palette, action: string): Paint {
  return action === 'deny' ? p.red : action === 'warn' ? p.yellow : p.cyan;
}

/** Continuation lines of a finding's first line, and of its notes. */
const HANGING = '    ';
/** Notes and fix hints under a finding. */
const NOTE = '  ';

export function render(report: Report, opts: RenderOptions): string {
  const p = palette(opts.color);
  const width = opts.width ?? DEFAULT_WIDTH;
  const cwd = opts.cwd ?? process.cwd();
  const sections: string[][] = [];

  if (!opts.quiet) {
    // Files in path order (findings arrive in the order templates are evaluated), each file's findings by position.
    // Baselined findings are accepted ones: counted on one line in the summary, not listed.
    for (const [, findings] of [...groupByFile(report.findings.filter((f) => !f.baselined))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const f of [...findings].sort(byPosition)) sections.push(findingLines(f, p, width, cwd, opts.verbose === true));
    }
    const notices: string[] = [];
    for (const e of report.errors) {
      const where = `${place(e.file, cwd)}${positionSuffix(e.line, e.column)}:`;
      notices.push(...wrap([{ text: where, paint: p.bold }, { text: 'error:', paint: (t) => p.bold(p.red(t)) }, ...words(oneLine(e.message))], width, '', HANGING));
    }
    for (const w of report.warnings) notices.push(...wrap([{ text: 'warning:', paint: p.yellow }, ...words(oneLine(w))], width, '', HANGING));
    // The summary counts them; which ones, and why, only when asked (a repository's root has many).
    if (opts.verbose) {
      for (const s of report.skipped ?? []) notices.push(...wrap([{ text: `${place(s.file, cwd)}:`, paint: p.bold }, ...words(oneLine(`skipped: ${s.reason}`), p.dim)], width, '', HANGING));
    }
    if (notices.length > 0) sections.push(notices);
  }

  sections.push(...summaryLines(report, p, width));
  return sections.map((lines) => lines.join('\n')).join('\n\n') + '\n';
}

/** One finding as this format shows it, for the reports of other commands (`offgate diff`): the same lines, so the two cannot drift apart. */
export function renderFinding(f: Finding, opts: { color?: boolean; width?: number; cwd?: string; fix?: boolean } = {}): string[] {
  const shown = opts.fix === false ? { ...f, fix: undefined } : f;
  return findingLines(shown, palette(opts.color ?? false), opts.width ?? DEFAULT_WIDTH, opts.cwd ?? process.cwd(), false);
}

/** `path:line:col: deny Deployment shop/web: message [Kind/name]`, wrapped, then its notes and fix. */
function findingLines(f: Finding, p: Palette, width: number, cwd: string, verbose: boolean): string[] {
  const action = oneLine(effectiveAction(f));
  const head: Word[] = [
    { text: `${place(f.file, cwd)}:${f.line}:${f.column}:`, paint: p.bold },
    { text: action, paint: actionPaint(p, action) },
    ...words(oneLine(`${subjectLabel(f)}: ${f.message}`)),
    { text: `[${oneLine(constraintLabel(f))}]`, paint: p.dim },
  ];
  const lines = wrap(head, width, '', HANGING);
  const below = [...notesOf(f), ...(verbose ? verboseLines(f) : []), ...(f.fix ? [`fix: ${f.fix}`] : [])];
  for (const note of below) lines.push(...noteLines(note, p, width));
  return lines;
}

/**
 * A note or fix hint, wrapped: the same few texts recur under thousands of findings (a
 * restriction's fix), so each is wrapped once per palette and width, not once per finding.
 */
const wrappedNotes = new WeakMap<Palette, Map<string, string[]>>();
function noteLines(note: string, p: Palette, width: number): string[] {
  let byText = wrappedNotes.get(p);
  if (!byText) wrappedNotes.set(p, (byText = new Map()));
  const key = `${width}\0${note}`;
  let lines = byText.get(key);
  if (!lines) byText.set(key, (lines = wrap(words(oneLine(note), p.dim), width, NOTE, HANGING)));
  return lines;
}

/** The file as given, or relative to the working directory when given absolute inside it. */
function place(file: string, cwd: string): string {
  const path = oneLine(portablePath(file, cwd));
  // A file named `::error …` must not start a line a CI runner reads as a command.
  return /^(::|##\[)/.test(path) ? `./${path}` : path;
}

/** The findings-by-restriction table (when there are findings), then the verdict, what was checked and the constraints' sources. */
function summaryLines(report: Report, p: Palette, width: number): string[][] {
  const sections: string[][] = [];
  const current = report.findings.filter((f) => !f.baselined);
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
