// The summary people read at the end of a run, in words shared by the text format, the
// GitHub annotations and the Markdown job summary: what the cluster would do to how many
// objects and workloads, which restrictions found what, and what was checked.
import { actionCount, plural } from './describe';
import type { Finding, Summary } from './model';
import { countByKind, outcomes, type Outcome } from './summary';

/** What an action does to the objects it meets, as the end of a sentence. */
function consequence(action: string): string {
  switch (action) {
    case 'deny':
      return 'would be rejected';
    case 'warn':
      return 'would be admitted with a warning';
    case 'dryrun':
      return 'would be admitted (dryrun: the violations are only recorded)';
    default:
      return `would meet enforcementAction "${action}"`;
  }
}

/** `1 workload and 2 objects would be rejected (4 findings)`. */
export function outcomeLine(o: Outcome): string {
  const subjects = [o.workloads > 0 ? plural(o.workloads, 'workload') : '', o.objects > 0 ? plural(o.objects, 'object') : ''].filter(Boolean).join(' and ');
  return `${subjects} ${consequence(o.action)} (${plural(o.findings, 'finding')})`;
}

/** One line per action met, most severe first; `no violations` when none; then the input errors. */
export function verdictLines(findings: readonly Finding[], s: Summary): string[] {
  const lines = outcomes(findings).map(outcomeLine);
  if (lines.length === 0) lines.push('no violations');
  if (s.errors > 0) lines.push(`${plural(s.errors, 'input error')}: not everything could be checked`);
  return lines;
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
