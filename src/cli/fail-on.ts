// `--fail-on deny|warn|none`, as lint, merge and diff read it: which findings make the exit
// code 1. With `none` the reports still say what the cluster would do; only the exit code
// ignores the findings (input errors still make it 2).
import { isFailing, type Finding, type Report } from '../report/model';
import { UsageError } from './errors';

export const FAIL_ON = ['deny', 'warn', 'none'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** `--fail-on` checked (default deny); anything else is a usage error. */
export function parseFailOn(value: string | undefined): FailOn {
  const failOn = value ?? 'deny';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new UsageError(`--fail-on ${failOn}: must be ${FAIL_ON.join(', ').replace(/, (\w+)$/, ' or $1')}`);
  return failOn as FailOn;
}

/**
 * What the reports call failing: with `--fail-on none` the findings still say what the
 * cluster would do (a denied object is an error annotation, a JUnit failure).
 */
export function renderedFailOn(failOn: FailOn): 'deny' | 'warn' {
  return failOn === 'none' ? 'deny' : failOn;
}

/** Whether these findings fail the run. */
export function failsRun(findings: readonly Finding[], failOn: FailOn): boolean {
  return failOn !== 'none' && findings.some((f) => isFailing(f, failOn));
}

/** A report's exit code: 2 input errors, 1 a finding that fails the run, else 0. */
export function exitCodeOf(report: Report, failOn: FailOn): number {
  return report.errors.length > 0 ? 2 : failsRun(report.findings, failOn) ? 1 : 0;
}
