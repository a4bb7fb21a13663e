// `offgate verify PATH...`: Gatekeeper test Suites, run and reported as `gator verify`
// does (semantics §10.4), plus offgate's closing `N passed, M failed` line. Suites are
// all read before any runs, so a bad target or filter stops the run with nothing done.
import {
  parseFilter,
  readSuites,
  runSuite,
  suiteFailed,
  tally,
  testFailed,
  VerifyError,
  type CaseResult,
  type Filter,
  type Suite,
  type SuiteResult,
  type TestResult,
} from '../gatekeeper/suite';
import { oneLine } from '../report/formats/escape';
import { UsageError } from './errors';

export interface VerifyOptions {
  /** `--run`: which Tests and Cases to run (`REGEX`, or `TESTS//CASES`). */
  run?: string;
  /** `-v`: list every Test and Case, not only failures. */
  verbose?: boolean;
}

export interface VerifyIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/**
 * Runs the Suites the paths name; returns the exit code (1 on any failure or error). Paths
 * that hold no Suite are a UsageError (exit 2): gator passes them, but a CI step pointed at
 * the wrong folder must not pass having tested nothing.
 */
export function runVerify(paths: string[], opts: VerifyOptions, io: VerifyIO): number {
  let suites: Suite[];
  let filter: Filter;
  try {
    if (paths.length === 0) throw new VerifyError('requires at least 1 path to a Suite file or directory');
    filter = parseFilter(opts.run);
    suites = paths.flatMap((p) => readSuites(p));
  } catch (e) {
    if (!(e instanceof VerifyError)) throw e;
    io.stderr(`Error: ${oneLine(e.message)}\n`);
    return 1;
  }
  if (suites.length === 0) throw new UsageError(`no test suites (kind: Suite) found under ${paths.join(' ')}`);

  const results: SuiteResult[] = [];
  for (const suite of suites) {
    const result = runSuite(suite, filter);
    results.push(result);
    io.stdout(formatSuite(result, opts.verbose ?? false));
  }
  const failed = results.some(suiteFailed);
  const counts = tally(results);
  io.stdout(`${failed ? 'FAIL' : 'PASS'}\n\n`);
  io.stdout(`${counts.passed} passed, ${counts.failed} failed\n`);
  if (failed) {
    io.stderr('Error: FAIL\n');
    return 1;
  }
  return 0;
}

/** One Suite as gator prints it: failures always, everything with `-v`, then the ok/FAIL line. Names and errors come from the suites: each on one line. */
export function formatSuite(suite: SuiteResult, verbose: boolean): string {
  const lines = suite.tests.flatMap((t) => formatTest(t, verbose));
  lines.push(`${suiteFailed(suite) ? 'FAIL' : 'ok'}\t${oneLine(suite.path)}\t${seconds(suite.seconds)}`);
  return lines.map((l) => `${l}\n`).join('');
}

function formatTest(test: TestResult, verbose: boolean): string[] {
  const name = oneLine(test.name);
  if (test.skipped) return verbose ? [`=== SKIP  ${name}`] : [];
  const lines = verbose ? [`=== RUN   ${name}`] : [];
  for (const c of test.cases) lines.push(...formatCase(c, verbose));
  if (testFailed(test)) {
    lines.push(`--- FAIL: ${name}\t(${seconds(test.seconds)})`);
    if (test.error !== undefined) lines.push(`  ${oneLine(test.error)}`);
  } else if (verbose) {
    lines.push(`--- PASS: ${name}\t(${seconds(test.seconds)})`);
  }
  return lines;
}

function formatCase(c: CaseResult, verbose: boolean): string[] {
  const name = oneLine(c.name);
  if (c.skipped) return verbose ? [`    === SKIP  ${name}`] : [];
  const lines = verbose ? [`    === RUN   ${name}`] : [];
  if (c.error !== undefined) lines.push(`    --- FAIL: ${name}\t(${seconds(c.seconds)})`, `        ${oneLine(c.error)}`);
  else if (verbose) lines.push(`    --- PASS: ${name}\t(${seconds(c.seconds)})`);
  return lines;
}

function seconds(s: number): string {
  return `${s.toFixed(3)}s`;
}
