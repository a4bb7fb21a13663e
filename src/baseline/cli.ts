// `offgate lint --baseline FILE` and `--write-baseline FILE`, for the lint command: the
// file read (a bad one is a usage error: one line, exit code 2) before anything is linted,
// the report marked, and the run's findings recorded.
import { UsageError } from '../cli/errors';
import { writeOutputFile } from '../cli/output';
import type { Report } from '../report/model';
import { applyBaseline, baselineEntries } from './apply';
import { formatBaseline, readBaseline, type Baseline } from './file';

export interface BaselineFlags {
  baseline?: string;
  writeBaseline?: string;
}

/** `--baseline FILE`, read and checked before the lint. */
export function loadBaselineFlag(flags: BaselineFlags): Baseline | undefined {
  if (flags.baseline === undefined) return undefined;
  const read = readBaseline(flags.baseline);
  if ('error' in read) throw new UsageError(read.error);
  return read;
}

/**
 * The report compared with the baseline, then recorded when asked. Recording is the run's
 * purpose, so it succeeds (exit 0) whatever the findings; with input errors the file is not
 * written (the files that could not be read would lose their entries) and the run fails (2).
 * Returns the exit code when recording decides it.
 */
export function finishBaseline(report: Report, flags: BaselineFlags, baseline: Baseline | undefined, cwd: string): { report: Report; exitCode?: number } {
  const marked = baseline && flags.baseline !== undefined ? applyBaseline(report, baseline, { file: flags.baseline, cwd }) : report;
  if (flags.writeBaseline === undefined) return { report: marked };
  if (marked.errors.length > 0) {
    const n = marked.errors.length;
    const warning = `baseline ${flags.writeBaseline} not written: ${n === 1 ? '1 input error' : `${n} input errors`} (the files that could not be linted would lose their entries)`;
    return { report: { ...marked, warnings: [...marked.warnings, warning] }, exitCode: 2 };
  }
  writeOutputFile(flags.writeBaseline, formatBaseline(baselineEntries(marked, { file: flags.writeBaseline, cwd })));
  return { report: marked, exitCode: 0 };
}
