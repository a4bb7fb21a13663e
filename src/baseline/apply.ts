// Adopting offgate without a flag day: a run with `--baseline FILE` marks the findings the
// file records as baselined (kept in the report, never failing the run) and leaves every
// other finding as new. Matching is a multiset's: two identical findings need two entries,
// so a second copy of a baselined violation is new.
import type { Finding, Report } from '../report/model';
import { countByAction } from '../report/summary';
import { baselineDirOf, entryKey, entryOf, type BaselineEntry } from './entry';
import type { Baseline } from './file';

export interface BaselineOptions {
  /** The baseline file as the user named it (for the report's line) . */
  file: string;
  /** The folder the report's file names are relative to. */
  cwd: string;
}

/**
 * The report with each finding the baseline holds marked `baselined`, as many as it holds
 * of each; the summary counts them apart (`summary.baselined`) and `byAction` counts the
 * others only, the findings a reader still has to act on.
 */
export function applyBaseline(report: Report, baseline: Baseline, opts: BaselineOptions): Report {
  const dir = baselineDirOf(opts.file, opts.cwd);
  const remaining = new Map<string, number>();
  for (const e of baseline.entries) remaining.set(entryKey(e), (remaining.get(entryKey(e)) ?? 0) + 1);
  let baselined = 0;
  const findings = report.findings.map((f): Finding => {
    const key = entryKey(entryOf(f, dir, opts.cwd));
    const left = remaining.get(key) ?? 0;
    if (left === 0) return f;
    remaining.set(key, left - 1);
    baselined++;
    return { ...f, baselined: true };
  });
  const fresh = findings.filter((f) => !f.baselined);
  return { ...report, findings, baseline: opts.file, summary: { ...report.summary, byAction: countByAction(fresh), baselined } };
}

/** The entries a baseline file written now would hold: every finding of the run, baselined or new. */
export function baselineEntries(report: Report, opts: BaselineOptions): BaselineEntry[] {
  const dir = baselineDirOf(opts.file, opts.cwd);
  return report.findings.map((f) => entryOf(f, dir, opts.cwd));
}
