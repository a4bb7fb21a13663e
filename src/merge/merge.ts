// `offgate merge`: the reports of the shards of one lint (`offgate lint --shard I/N -o json`)
// joined into the report one run over every file would have given. Findings, input errors
// and skipped files are each a shard's own (a file is on one shard only), so joining them is
// concatenating (what every shard reports alike, a --policy template's error, is kept once);
// counts are added; the sources line is every shard's, less the shard lines.
// A shard missing or given twice is an input error of the merged report: a CI job that lost
// a shard must not pass for a clean run.
import { compareText } from '../arrays';
import type { Finding, InputError, Report, SkippedFile } from '../report/model';
import { countByAction } from '../report/summary';
import { parseShardSource } from '../shard/shard';
import { joinSources } from './sources';

export interface NamedReport {
  /** The report file, as named on the command line (for errors). */
  file: string;
  report: Report;
}

/** One report of many; with no report, nothing to merge (the caller's usage error). */
export function mergeReports(inputs: readonly NamedReport[]): Report {
  const errors: InputError[] = [];
  const versions = [...new Set(inputs.map((i) => i.report.version))];
  if (versions.length > 1) {
    errors.push({ file: inputs.map((i) => i.file).join(', '), message: `reports of different offgate versions (${versions.join(', ')}): lint every shard with the same offgate` });
  }
  const baselines = [...new Set(inputs.map((i) => i.report.baseline))];
  if (baselines.length > 1) {
    errors.push({ file: inputs.map((i) => i.file).join(', '), message: `reports compared with different baselines (${baselines.map((b) => b ?? 'none').join(', ')})` });
  }
  errors.push(...shardProblems(inputs.map((i) => ({ file: i.file, sources: i.report.sources }))));

  const sources = joinSources(inputs.map((i) => ({ sources: i.report.sources.filter((s) => !parseShardSource(s)), objects: i.report.summary.objects })));
  const findings = inputs.flatMap((i) => i.report.findings).sort(compareFindings);
  const inputErrors = joinShared(inputs.map((i) => i.report.errors), (e) => JSON.stringify([e.file, e.line, e.column, e.message])).sort(compareInputErrors);
  const skipped = inputs.flatMap((i) => i.report.skipped ?? []).sort(compareSkipped);
  const allErrors = [...errors, ...inputErrors];
  const anyBaselined = inputs.some((i) => i.report.summary.baselined !== undefined);
  const merged: Report = {
    version: versions[0] ?? '',
    sources,
    findings,
    errors: allErrors,
    warnings: joinShared(inputs.map((i) => i.report.warnings), (w) => w),
    skipped,
    summary: {
      files: sum(inputs, (r) => r.summary.files),
      objects: sum(inputs, (r) => r.summary.objects),
      skipped: sum(inputs, (r) => r.summary.skipped ?? 0),
      byAction: countByAction(findings.filter((f) => !f.baselined)),
      errors: allErrors.length,
      ...(anyBaselined ? { baselined: sum(inputs, (r) => r.summary.baselined ?? 0) } : {}),
    },
  };
  if (baselines[0] !== undefined) merged.baseline = baselines[0];
  return merged;
}

/**
 * Shards 1..N each exactly once, all of the same N and the same files: otherwise the merged
 * report would pass for a run it is not. Reports of unsharded runs merge too (any mix but
 * shards with unsharded reports).
 */
export function shardProblems(inputs: readonly { file: string; sources: readonly string[] }[]): InputError[] {
  const shards = inputs.map((i) => ({ file: i.file, shard: i.sources.map(parseShardSource).find((s) => s !== undefined) }));
  const sharded = shards.filter((s) => s.shard !== undefined);
  if (sharded.length === 0) return [];
  const problems: InputError[] = [];
  for (const s of shards) if (!s.shard) problems.push({ file: s.file, message: 'not the report of a shard (offgate lint --shard I/N), merged with shards' });
  const counts = [...new Set(sharded.map((s) => s.shard!.count))];
  if (counts.length > 1) problems.push({ file: sharded.map((s) => s.file).join(', '), message: `shards of different splits (${counts.map((n) => `/${n}`).join(', ')})` });
  const totals = [...new Set(sharded.map((s) => s.shard!.total))];
  if (totals.length > 1) problems.push({ file: sharded.map((s) => s.file).join(', '), message: `shards that read different inputs (${totals.join(', ')} files): lint the same paths in every shard` });
  const count = counts[0]!;
  for (let index = 1; index <= count; index++) {
    const these = sharded.filter((s) => s.shard!.index === index && s.shard!.count === count);
    if (these.length === 0) problems.push({ file: `shard ${index}/${count}`, message: 'missing: its files are not in the merged report' });
    if (these.length > 1) problems.push({ file: these.map((s) => s.file).join(', '), message: `shard ${index}/${count} given ${these.length} times` });
  }
  return problems;
}

/** The merged report's order: by file, position, constraint and message (a shard's own order is its files'). */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareText(a.constraint.kind, b.constraint.kind) ||
    compareText(a.constraint.name, b.constraint.name) ||
    compareText(a.message, b.message) ||
    compareText(refText(a.workload ?? a.object), refText(b.workload ?? b.object)) ||
    compareText(refText(a.object), refText(b.object))
  );
}

export function compareInputErrors(a: InputError, b: InputError): number {
  return compareText(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || compareText(a.message, b.message);
}

export function compareSkipped(a: SkippedFile, b: SkippedFile): number {
  return compareText(a.file, b.file) || compareText(a.reason, b.reason);
}

function refText(r: { apiVersion: string; kind: string; namespace?: string; name?: string }): string {
  return `${r.apiVersion}\0${r.kind}\0${r.namespace ?? ''}\0${r.name ?? ''}`;
}

/**
 * Lists of the shards joined, each item as many times as the report that has it most often.
 * A file's errors are on one shard only, so they are all kept; what every shard reports
 * alike (a --policy template that does not compile, a warning about offgate.yaml) is the
 * run's, not each shard's, and is kept once.
 */
export function joinShared<T>(lists: readonly (readonly T[])[], keyOf: (item: T) => string): T[] {
  const most = new Map<string, number>();
  for (const list of lists) {
    const here = new Map<string, number>();
    for (const item of list) here.set(keyOf(item), (here.get(keyOf(item)) ?? 0) + 1);
    for (const [k, n] of here) most.set(k, Math.max(most.get(k) ?? 0, n));
  }
  const out: T[] = [];
  for (const list of lists) {
    for (const item of list) {
      const left = most.get(keyOf(item)) ?? 0;
      if (left === 0) continue;
      most.set(keyOf(item), left - 1);
      out.push(item);
    }
  }
  return out;
}

export function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function sum(inputs: readonly NamedReport[], of: (r: Report) => number): number {
  return inputs.reduce((t, i) => t + of(i.report), 0);
}
