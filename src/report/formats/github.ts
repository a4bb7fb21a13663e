// GitHub Actions workflow commands: an annotation per finding on the offending line
// (`::error` when its action fails the run per --fail-on, else `::warning` for warn and
// `::notice` for the rest), input errors and warnings as annotations, then the summary.
import { baselinedLine, constraintLabel, notesOf, portablePath, sourcesLine, subjectLabel, summaryLine } from '../describe';
import { isFailing, type Finding, type Report } from '../model';
import { effectiveAction } from '../summary';
import { oneLine } from './escape';
import type { RenderOptions } from './types';

type Command = 'error' | 'warning' | 'notice';

export function render(report: Report, opts: RenderOptions): string {
  const cwd = opts.cwd ?? process.cwd();
  const lines: string[] = [];

  for (const f of report.findings) {
    if (f.baselined) continue; // accepted in the baseline: counted in one notice below
    const message = [`${subjectLabel(f)}: ${f.message}`, ...notesOf(f), ...(f.fix !== undefined ? [`fix: ${f.fix}`] : [])].join('\n');
    lines.push(command(commandFor(f, opts.failOn), { ...place(f.file, f.line, f.column, cwd), title: constraintLabel(f) }, message));
  }
  for (const e of report.errors) {
    lines.push(command('error', { ...place(e.file, e.line, e.column, cwd), title: 'offgate: input error' }, e.message));
  }
  for (const w of report.warnings) lines.push(command('warning', { title: 'offgate' }, w));
  // One notice per skipped file would bury the findings (GitHub shows few annotations per step).
  const skipped = report.skipped ?? [];
  if (skipped.length > 0) {
    const list = skipped.map((s) => `${portablePath(s.file, cwd)}: ${s.reason}`).join('\n');
    lines.push(command('notice', { title: `offgate: ${skipped.length === 1 ? '1 file' : `${skipped.length} files`} skipped (not Kubernetes objects)` }, list));
  }

  const baselined = baselinedLine(report);
  if (baselined) lines.push(command('notice', { title: 'offgate: baseline' }, baselined));
  lines.push(oneLine(summaryLine(report.summary)), oneLine(sourcesLine(report.sources)));
  return `${lines.join('\n')}\n`;
}

function commandFor(f: Finding, failOn: 'deny' | 'warn'): Command {
  if (isFailing(f, failOn)) return 'error';
  return effectiveAction(f) === 'warn' ? 'warning' : 'notice';
}

function place(file: string, line: number | undefined, column: number | undefined, cwd: string): Record<string, string | number | undefined> {
  if (file === '-') return {}; // stdin: nothing in the repository to annotate
  return { file: portablePath(file, cwd), line, col: line === undefined ? undefined : column };
}

/** `::name key=value,…::message`, escaped as @actions/core escapes them. */
export function command(name: Command, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/** The message part of a command; what the runner does not unescape (other control characters, line separators) is made visible. */
function escapeData(s: string): string {
  return oneLine(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
