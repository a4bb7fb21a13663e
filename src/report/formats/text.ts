// The human format, after eslint's "stylish": a header per file, then one row per
// finding (`line:col  action  Object: message  Constraint/name`) with its explanations
// and fix hint on dim lines below, then input errors, warnings and a summary.
import {
  baselinedLine,
  byPosition,
  constraintLabel,
  groupByFile,
  notesOf,
  positionSuffix,
  refLabel,
  sourcesLine,
  subjectLabel,
  summaryLine,
} from '../describe';
import { isFailing, type Finding, type Report } from '../model';
import { effectiveAction } from '../summary';
import { oneLine } from './escape';
import type { RenderOptions } from './types';

type Paint = (text: string) => string;

interface Palette {
  bold: Paint;
  dim: Paint;
  underline: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
}

function palette(color: boolean): Palette {
  const sgr = (open: number, close: number): Paint => (color ? (t) => `\x1b[${open}m${t}\x1b[${close}m` : (t) => t);
  return { bold: sgr(1, 22), dim: sgr(2, 22), underline: sgr(4, 24), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}

function actionPaint(p: Palette, action: string): Paint {
  return action === 'deny' ? p.red : action === 'warn' ? p.yellow : p.cyan;
}

export function render(report: Report, opts: RenderOptions): string {
  const p = palette(opts.color);
  const sections: string[][] = [];

  // Baselined findings are accepted ones: counted on one line below, not listed.
  for (const [file, findings] of groupByFile(report.findings.filter((f) => !f.baselined))) {
    sections.push([p.underline(oneLine(file)), ...fileRows([...findings].sort(byPosition), p, opts)]);
  }

  if (report.errors.length > 0) {
    sections.push([
      p.bold(p.red('input errors')),
      ...report.errors.map((e) => `  ${oneLine(e.file)}${positionSuffix(e.line, e.column)}  ${oneLine(e.message)}`),
    ]);
  }

  if (report.warnings.length > 0) {
    sections.push(report.warnings.map((w) => `${p.yellow('warning:')} ${oneLine(w)}`));
  }

  // The summary line counts them; which ones, and why, only when asked (a repository's root has many).
  const skipped = report.skipped ?? [];
  if (opts.verbose && skipped.length > 0) {
    sections.push([p.bold('skipped'), ...skipped.map((s) => `  ${oneLine(s.file)}  ${p.dim(oneLine(s.reason))}`)]);
  }

  const failing = report.errors.length > 0 || report.findings.some((f) => isFailing(f, opts.failOn));
  const verdict = failing ? p.red : report.findings.some((f) => !f.baselined) ? p.yellow : p.green;
  const baselined = baselinedLine(report);
  sections.push([p.bold(verdict(oneLine(summaryLine(report.summary)))), ...(baselined ? [oneLine(baselined)] : []), p.dim(oneLine(sourcesLine(report.sources)))]);

  return sections.map((lines) => lines.join('\n')).join('\n\n') + '\n';
}

/** The rows of one file's findings, `line:col` and action columns aligned. */
function fileRows(findings: Finding[], p: Palette, opts: RenderOptions): string[] {
  const position = (f: Finding) => `${f.line}:${f.column}`;
  // A loop, not Math.max(...): spreading tens of thousands of arguments overflows the stack.
  let posWidth = 0;
  let actionWidth = 0;
  for (const f of findings) {
    posWidth = Math.max(posWidth, position(f).length);
    actionWidth = Math.max(actionWidth, oneLine(effectiveAction(f)).length);
  }
  const indent = ' '.repeat(2 + posWidth + 2 + actionWidth + 2);

  // Constraint labels, notes and fix hints repeat from finding to finding: each distinct
  // one is made printable once (a large lint has tens of thousands of rows).
  const printable = new Map<string, string>();
  const once = (text: string): string => {
    let done = printable.get(text);
    if (done === undefined) {
      done = oneLine(text);
      printable.set(text, done);
    }
    return done;
  };
  const rows: string[] = [];
  for (const f of findings) {
    const action = oneLine(effectiveAction(f));
    const message = oneLine(`${subjectLabel(f)}: ${f.message}`);
    rows.push(`  ${p.dim(position(f).padEnd(posWidth))}  ${actionPaint(p, action)(action.padEnd(actionWidth))}  ${message}  ${p.dim(once(constraintLabel(f)))}`);
    for (const note of notesOf(f)) rows.push(indent + p.dim(once(note)));
    if (opts.verbose) for (const line of verboseLines(f)) rows.push(indent + p.dim(oneLine(line)));
    if (f.fix) rows.push(indent + p.dim(once(`fix: ${f.fix}`)));
  }
  return rows;
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
