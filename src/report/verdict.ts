// The summary people read at the end of a run, in words shared by the text format, the
// GitHub annotations and the Markdown job summary: what the cluster would do to how many
// objects and workloads, which restrictions found what, and what was checked.
import { actionCount, plural } from './describe';
import type { Finding, Summary } from './model';
import { countByKind, outcomes, type Outcome } from './summary';

/** `1 workload and 2 objects would be rejected (4 findings)`. */
export function outcomeLine(o: Outcome): string {
  const subjects = [o.workloads > 0 ? plural(o.workloads, 'workload') : '', o.objects > 0 ? plural(o.objects, 'object') : ''].filter(Boolean).join(' and ');
  const findings = plural(o.findings, 'finding');
  switch (o.action) {
    case 'deny':
      return `${subjects} would be rejected (${findings})`;
    case 'warn':
      return `${subjects} would be admitted with warnings (${findings})`;
    case 'dryrun':
      return `${subjects} would be admitted, the violations only recorded (dryrun: ${findings})`;
    default:
      return `${subjects} would meet enforcementAction "${o.action}" (${findings})`;
  }
}

/** What the cluster would do, one line per action met, most severe first (`no violations` when none), then the input errors; each with the action it stands for (`error` for input errors). */
export function verdicts(findings: readonly Finding[], s: Summary): { action: string; text: string }[] {
  const lines = outcomes(findings).map((o) => ({ action: o.action, text: outcomeLine(o) }));
  if (lines.length === 0) lines.push({ action: '', text: 'no violations' });
  if (s.errors > 0) lines.push({ action: 'error', text: `${plural(s.errors, 'input error')}: not everything could be checked` });
  return lines;
}

/** The verdict lines, as text. */
export function verdictLines(findings: readonly Finding[], s: Summary): string[] {
  return verdicts(findings, s).map((v) => v.text);
}

/** `checked 12 objects in 4 files · 3 files skipped: not Kubernetes objects`. */
export function checkedLine(s: Summary): string {
  const parts = [`checked ${plural(s.objects, 'object')} in ${plural(s.files, 'file')}`];
  if (s.skipped) parts.push(`${plural(s.skipped, 'file')} skipped: not Kubernetes objects`);
  return parts.join(' · ');
}

/** Rows of the findings-by-restriction table: the constraint kind, and its findings per action (`1 denied, 2 warnings`). */
export function kindRows(findings: readonly Finding[]): { kind: string; count: string }[] {
  return countByKind(findings).map((k) => ({
    kind: k.kind,
    count: Object.entries(k.byAction)
      .map(([a, n]) => actionCount(a, n))
      .join(', '),
  }));
}
