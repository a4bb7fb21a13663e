// Markdown for people reading a CI page (a GitHub job summary, a merge-request note): the
// verdict and summary first, then one table row per finding and per input error, the
// longest lists cut so the page stays readable (GitHub caps a step summary at 1 MiB).
import { baselinedLine, constraintLabel, portablePath, positionSuffix, sourcesLine, subjectLabel, summaryLine } from '../describe';
import { isFailing, type Report } from '../model';
import { effectiveAction } from '../summary';
import { oneLine } from './escape';
import type { RenderOptions } from './types';

/** Rows shown per table; the rest are counted. */
export const MAX_ROWS = 200;

export function render(report: Report, opts: RenderOptions): string {
  const cwd = opts.cwd ?? process.cwd();
  const failing = report.findings.filter((f) => isFailing(f, opts.failOn)).length;
  const verdict = report.errors.length > 0 ? '⚠️ some inputs could not be checked' : failing > 0 ? '❌ the cluster would reject some of these' : '✅ the cluster would accept these';
  const baselined = baselinedLine(report);
  const out = [`### offgate: ${verdict}`, '', cell(summaryLine(report.summary)), '', ...(baselined ? [cell(baselined), ''] : []), cell(sourcesLine(report.sources)), ''];
  const shown = report.findings.filter((f) => !f.baselined);

  if (shown.length > 0) {
    out.push('| where | action | object | message | constraint |', '|---|---|---|---|---|');
    for (const f of shown.slice(0, MAX_ROWS)) {
      out.push(`| ${code(where(f.file, f.line, f.column, cwd))} | ${effectiveAction(f)} | ${cell(subjectLabel(f))} | ${cell(f.message)} | ${cell(constraintLabel(f))} |`);
    }
    out.push(...more(shown.length, 'finding'), '');
  }
  if (report.errors.length > 0) {
    out.push('| input error | message |', '|---|---|');
    for (const e of report.errors.slice(0, MAX_ROWS)) out.push(`| ${code(where(e.file, e.line, e.column, cwd))} | ${cell(e.message)} |`);
    out.push(...more(report.errors.length, 'input error'), '');
  }
  for (const w of report.warnings) out.push(`> ${cell(w)}`, '');
  const skipped = report.skipped ?? [];
  if (skipped.length > 0) {
    out.push('<details><summary>skipped: not Kubernetes objects</summary>', '', '| skipped file | reason |', '|---|---|');
    for (const s of skipped.slice(0, MAX_ROWS)) out.push(`| ${code(where(s.file, undefined, undefined, cwd))} | ${cell(s.reason)} |`);
    out.push(...more(skipped.length, 'skipped file'), '', '</details>', '');
  }
  return `${out.join('\n')}\n`;
}

function where(file: string, line: number | undefined, column: number | undefined, cwd: string): string {
  return `${file === '-' ? '-' : portablePath(file, cwd)}${positionSuffix(line, column)}`;
}

function more(total: number, what: string): string[] {
  return total > MAX_ROWS ? ['', `…and ${total - MAX_ROWS} more ${what}s (the full list: \`offgate lint\` locally, or the annotations).`] : [];
}

/** Text in a table cell: one line, with what Markdown would read as markup escaped. */
function cell(text: string): string {
  return oneLine(text).replace(/[\\`*_{}[\]<>|#]/g, '\\$&');
}

function code(text: string): string {
  return `\`${oneLine(text).replace(/`/g, "'")}\``;
}
