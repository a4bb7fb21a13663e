// Markdown for people reading a CI page (a GitHub job summary, a merge-request note): the
// verdict and summary first, then the findings by restriction and by workload, then one
// table row per finding and per input error, each place linked to its line when the
// repository's address is known. The longest lists are cut so the page stays readable,
// and the whole within GitHub's cap on a step summary (1 MiB).
import { isAbsolute, relative, resolve } from 'node:path';
import { actionCount, baselinedLine, constraintLabel, portablePath, sourcesLine, subjectLabel } from '../describe';
import { isFailing, type Finding, type ObjectRef, type Report } from '../model';
import { compareActions, effectiveAction } from '../summary';
import { checkedLine, kindRows, verdictLines } from '../verdict';
import { oneLine } from './escape';
import type { RenderOptions } from './types';

/** Rows shown per table; the rest are counted. */
export const MAX_ROWS = 200;
/** GitHub refuses a step summary over 1 MiB (1024k); a little is left for what others append. */
export const SUMMARY_BUDGET = 1000 * 1024;
/** Characters of a table cell; a longer message is cut (the annotations and the log have it whole). */
const MAX_CELL = 1000;

export function render(report: Report, opts: RenderOptions): string {
  // What the page says of every finding, counted once however many times the page is cut.
  const facts = factsOf(report, opts);
  // Fewer rows until the page fits GitHub's cap: a summary over it is dropped whole.
  let rows = MAX_ROWS;
  let out = renderRows(report, opts, rows, facts);
  while (Buffer.byteLength(out, 'utf8') > SUMMARY_BUDGET && rows > 0) {
    rows = Math.floor(rows / 2);
    out = renderRows(report, opts, rows, facts);
  }
  return out;
}

interface Facts {
  /** Findings that fail the run per --fail-on. */
  failing: number;
  /** The findings listed: baselined ones are accepted, counted on one line, not listed. */
  current: Finding[];
  verdicts: string[];
  kinds: { kind: string; count: string }[];
  subjects: { label: string; file: string; line: number; count: string }[];
}

function factsOf(report: Report, opts: RenderOptions): Facts {
  let failing = 0;
  for (const f of report.findings) if (isFailing(f, opts.failOn)) failing++;
  const current = report.findings.filter((f) => !f.baselined);
  return { failing, current, verdicts: verdictLines(current, report.summary), kinds: kindRows(current), subjects: bySubject(current) };
}

function renderRows(report: Report, opts: RenderOptions, maxRows: number, facts: Facts): string {
  const cwd = opts.cwd ?? process.cwd();
  const at = (file: string, line?: number) => where(file, line, cwd, opts.links);
  const { failing, current } = facts;
  const verdict = report.errors.length > 0 ? '⚠️ some inputs could not be checked' : failing > 0 ? '❌ the cluster would reject some of these' : '✅ the cluster would accept these';
  const out = [`### offgate: ${verdict}`, ''];
  for (const line of facts.verdicts) out.push(`**${cell(line)}**<br>`);
  const baselined = baselinedLine(report);
  if (baselined) out.push(`${cell(baselined)}<br>`);
  out.push(cell(checkedLine(report.summary)), '', cell(sourcesLine(report.sources)), '');

  if (current.length > 0) {
    out.push('#### Findings by restriction', '', '| constraint kind | findings |', '|---|---|');
    for (const r of facts.kinds) out.push(`| ${cell(r.kind)} | ${cell(r.count)} |`);
    out.push('');

    const subjects = facts.subjects;
    out.push('#### Findings by workload', '', '| object | where | findings |', '|---|---|---|');
    for (const s of subjects.slice(0, maxRows)) out.push(`| ${cell(s.label)} | ${at(s.file, s.line)} | ${cell(s.count)} |`);
    out.push(...more(subjects.length, maxRows, 'object'), '');

    out.push('#### Findings', '', '| where | action | object | message | constraint |', '|---|---|---|---|---|');
    for (const f of current.slice(0, maxRows)) {
      out.push(`| ${at(f.file, f.line)} | ${effectiveAction(f)} | ${cell(subjectLabel(f))} | ${cell(f.message)} | ${cell(constraintLabel(f))} |`);
    }
    out.push(...more(current.length, maxRows, 'finding'), '');
  }
  if (report.errors.length > 0) {
    out.push('| input error | message |', '|---|---|');
    for (const e of report.errors.slice(0, maxRows)) out.push(`| ${at(e.file, e.line)} | ${cell(e.message)} |`);
    out.push(...more(report.errors.length, maxRows, 'input error'), '');
  }
  for (const w of report.warnings.slice(0, maxRows)) out.push(`> ${cell(w)}`, '');
  const skipped = report.skipped ?? [];
  if (skipped.length > 0) {
    out.push('<details><summary>skipped: not Kubernetes objects</summary>', '', '| skipped file | reason |', '|---|---|');
    for (const s of skipped.slice(0, maxRows)) out.push(`| ${at(s.file)} | ${cell(s.reason)} |`);
    out.push(...more(skipped.length, maxRows, 'skipped file'), '', '</details>', '');
  }
  return `${out.join('\n')}\n`;
}

/** The objects of the files with findings (a workload for its Pods), in order of first finding, each placed at its first finding. */
function bySubject(findings: readonly Finding[]): { label: string; file: string; line: number; count: string }[] {
  const groups = new Map<string, { label: string; file: string; line: number; counts: Map<string, number> }>();
  // A lint's findings of one object share its ObjectRef: its key is made once per ref and file.
  const keys = new Map<ObjectRef, { file: string; key: string }>();
  for (const f of findings) {
    const o = f.workload ?? f.object;
    let known = keys.get(o);
    if (!known || known.file !== f.file) {
      known = { file: f.file, key: JSON.stringify([f.file, o.apiVersion, o.kind, o.namespace ?? '', o.name ?? '']) };
      if (!keys.has(o)) keys.set(o, known);
    }
    let g = groups.get(known.key);
    if (!g) groups.set(known.key, (g = { label: subjectLabel(f), file: f.file, line: f.line, counts: new Map() }));
    else g.line = Math.min(g.line, f.line);
    const action = effectiveAction(f);
    g.counts.set(action, (g.counts.get(action) ?? 0) + 1);
  }
  return [...groups.values()].map((g) => ({
    label: g.label,
    file: g.file,
    line: g.line,
    count: [...g.counts]
      .sort(([a], [b]) => compareActions(a, b))
      .map(([a, n]) => actionCount(a, n))
      .join(', '),
  }));
}

/**
 * `PATH:LINE` in code, linked to the line on GitHub when the repository's address is
 * known (`…/blob/SHA/PATH#L12`) and the file is inside its root. Standard input is `-`.
 */
function where(file: string, line: number | undefined, cwd: string, links: RenderOptions['links']): string {
  if (file === '-') return code(`-${line !== undefined ? `:${line}` : ''}`);
  const path = portablePath(file, cwd);
  const text = code(`${path}${line !== undefined ? `:${line}` : ''}`);
  const url = links && blobUrl(file, line, cwd, links);
  return url ? `[${text}](${url})` : text;
}

function blobUrl(file: string, line: number | undefined, cwd: string, links: NonNullable<RenderOptions['links']>): string | undefined {
  const rel = relative(links.root, resolve(cwd, file));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  const path = rel.split(/[\\/]/).map(encodeURIComponent).join('/');
  return `${links.base}${path}${line !== undefined ? `#L${line}` : ''}`;
}

function more(total: number, shown: number, what: string): string[] {
  return total > shown ? ['', `…and ${total - shown} more ${what}s (the full list: \`offgate lint\` locally, or the log).`] : [];
}

/** Text in a table cell: one line, not too long, with what Markdown would read as markup escaped. */
function cell(text: string): string {
  const line = oneLine(text);
  const cut = line.length > MAX_CELL ? `${line.slice(0, MAX_CELL)}…` : line;
  return cut.replace(/[\\`*_{}[\]<>|#]/g, '\\$&');
}

function code(text: string): string {
  return `\`${oneLine(text).replace(/`/g, "'")}\``;
}
