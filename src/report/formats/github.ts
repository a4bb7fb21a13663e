// GitHub Actions workflow commands: an annotation on the offending line (`::error` when
// a finding's action fails the run per --fail-on, else `::warning` for warn and `::notice`
// for the rest), input errors and warnings as annotations, then the summary. GitHub shows
// at most 10 annotations of each severity per step and silently drops the rest, so each
// severity gets 9, and its 10th says how many more there are and where they are: listed
// in the log below the annotations, and in the job summary.
import { baselinedLine, constraintLabel, notesOf, portablePath, positionSuffix, sourcesLine, subjectLabel } from '../describe';
import { isFailing, type Finding, type ObjectRef, type Report } from '../model';
import { effectiveAction } from '../summary';
import { checkedLine, verdictLines } from '../verdict';
import { oneLine } from './escape';
import { Lines } from './lines';
import type { RenderOptions } from './types';

type Command = 'error' | 'warning' | 'notice';

/** Annotations of one severity GitHub shows per step. */
export const ANNOTATIONS_PER_SEVERITY = 10;

interface Annotation {
  command: Command;
  /**
   * The workflow command: written out here for the few input errors, warnings and notices;
   * for a finding, made from it only when it is shown (at most 10 of each severity), as
   * escaping the message of every one of 18k findings would be wasted work.
   */
  line: string | Finding;
  /** What the log says of it when it is not annotated: `path:line:col: message`, escaped (oneLine). */
  plain: string;
  /** A finding (not an input error, warning or skipped-files notice): counted as such. */
  finding: boolean;
}

export function render(report: Report, opts: RenderOptions): string {
  const cwd = opts.cwd ?? process.cwd();
  const names = new Names(cwd);
  const all: Annotation[] = [];

  // Input errors first: a file that could not be checked matters more than any one finding.
  for (const e of report.errors) {
    const where = `${e.file === '-' ? '-' : portablePath(e.file, cwd)}${positionSuffix(e.line, e.column)}`;
    all.push({ command: 'error', line: command('error', { ...place(e.file, e.line, e.column, cwd), title: 'offgate: input error' }, e.message), plain: oneLine(`${where}: error: ${e.message}`), finding: false });
  }
  for (const f of report.findings) {
    if (f.baselined) continue; // accepted in the baseline: counted in one notice below
    const c = commandFor(f, opts.failOn);
    // oneLine escapes character by character: each part escaped apart (and the recurring ones once) is the whole escaped.
    const plain = `${names.where(f.file)}:${f.line}:${f.column}: ${oneLine(effectiveAction(f))} ${names.subject(f)}: ${oneLine(f.message)} [${names.constraint(f)}]`;
    all.push({ command: c, line: f, plain, finding: true });
  }
  for (const w of report.warnings) all.push({ command: 'warning', line: command('warning', { title: 'offgate' }, w), plain: oneLine(`warning: ${w}`), finding: false });
  // One notice per skipped file would bury the findings.
  const skipped = report.skipped ?? [];
  if (skipped.length > 0) {
    const list = skipped.map((s) => `${portablePath(s.file, cwd)}: ${s.reason}`).join('\n');
    const title = `offgate: ${skipped.length === 1 ? '1 file' : `${skipped.length} files`} skipped (not Kubernetes objects)`;
    all.push({ command: 'notice', line: command('notice', { title }, list), plain: oneLine(title), finding: false });
  }

  const { shown, held } = withinLimit(all);
  const lines = new Lines();
  for (const a of shown) lines.push(typeof a.line === 'string' ? a.line : findingCommand(a.line, a.command, cwd));
  for (const [c, rest] of held) lines.push(command(c, { title: `offgate: ${rest.length} more (GitHub shows ${ANNOTATIONS_PER_SEVERITY} per step)` }, moreMessage(rest, opts.jobSummary === true)));
  const heldAll = [...held.values()].flat();
  if (heldAll.length > 0) {
    // In the log, as plain lines (each led by two spaces and a dash: never a workflow command).
    lines.push(`not annotated (GitHub shows ${ANNOTATIONS_PER_SEVERITY} annotations of each severity per step):`);
    for (const a of heldAll) lines.push(`  - ${a.plain}`);
  }

  const current = report.findings.filter((f) => !f.baselined);
  const baselined = baselinedLine(report);
  for (const l of [...verdictLines(current, report.summary), ...(baselined ? [baselined] : []), checkedLine(report.summary), sourcesLine(report.sources)]) lines.push(oneLine(l));
  return `${lines.join()}\n`;
}

/**
 * The parts of the log's plain lines that recur under thousands of findings, escaped
 * (oneLine) once: files, the objects (a lint's findings of one object share its
 * ObjectRef) and the constraints.
 */
class Names {
  private readonly files = new Map<string, string>();
  private readonly subjects = new Map<ObjectRef, string>();
  private readonly constraints = new Map<string, Map<string, string>>();

  constructor(private readonly cwd: string) {}

  where(file: string): string {
    let text = this.files.get(file);
    if (text === undefined) this.files.set(file, (text = oneLine(file === '-' ? '-' : portablePath(file, this.cwd))));
    return text;
  }

  subject(f: Finding): string {
    const ref = f.workload ?? f.object;
    let text = this.subjects.get(ref);
    if (text === undefined) this.subjects.set(ref, (text = oneLine(subjectLabel(f))));
    return text;
  }

  constraint(f: Finding): string {
    let byName = this.constraints.get(f.constraint.kind);
    if (!byName) this.constraints.set(f.constraint.kind, (byName = new Map()));
    let text = byName.get(f.constraint.name);
    if (text === undefined) byName.set(f.constraint.name, (text = oneLine(constraintLabel(f))));
    return text;
  }
}

/** The first 9 annotations of each severity, and the rest of each severity that has more than 10. */
function withinLimit(all: readonly Annotation[]): { shown: Annotation[]; held: Map<Command, Annotation[]> } {
  const bySeverity = new Map<Command, Annotation[]>();
  for (const a of all) {
    const list = bySeverity.get(a.command);
    if (list) list.push(a);
    else bySeverity.set(a.command, [a]);
  }
  const held = new Map<Command, Annotation[]>();
  const shownSet = new Set<Annotation>();
  for (const [c, list] of bySeverity) {
    // Exactly 10 fit; more than 10 leave room for the one that counts the rest.
    const keep = list.length <= ANNOTATIONS_PER_SEVERITY ? list.length : ANNOTATIONS_PER_SEVERITY - 1;
    for (const a of list.slice(0, keep)) shownSet.add(a);
    if (list.length > keep) held.set(c, list.slice(keep));
  }
  return { shown: all.filter((a) => shownSet.has(a)), held };
}

/** `and 23 more findings: see the job summary` (or the log, when no job summary is written). */
function moreMessage(rest: readonly Annotation[], summaryWritten: boolean): string {
  const findings = rest.filter((a) => a.finding).length;
  const others = rest.length - findings;
  const what = [findings > 0 ? `${findings} more ${findings === 1 ? 'finding' : 'findings'}` : '', others > 0 ? `${others} more ${others === 1 ? 'message' : 'messages'}` : '']
    .filter(Boolean)
    .join(' and ');
  return `and ${what}: see ${summaryWritten ? 'the job summary, or ' : ''}the log of this step`;
}

/** A finding's annotation: on its line, titled by its constraint, its notes and fix below the message. */
function findingCommand(f: Finding, c: Command, cwd: string): string {
  const message = [`${subjectLabel(f)}: ${f.message}`, ...notesOf(f), ...(f.fix !== undefined ? [`fix: ${f.fix}`] : [])].join('\n');
  return command(c, { ...place(f.file, f.line, f.column, cwd), title: constraintLabel(f) }, message);
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
