// The GitHub Action (action.yml at the repository root runs dist/action.cjs on node20, with
// no install step). Inputs arrive as INPUT_* variables; it lints as `offgate lint` does,
// prints the report in `format` (annotations by default), writes SARIF and the `output`
// reports (`-o FORMAT=FILE`, as the CLI) when asked, appends a Markdown summary to the job's
// page and sets outputs. The exit code is the CLI's.
import { appendFileSync } from 'node:fs';
import { UsageError } from '../cli/errors';
import { renderedFailOn } from '../cli/fail-on';
import { lintChecked, writeReports } from '../cli/lint-command';
import { removeStaleReport, WriteError } from '../cli/output';
import { outputTargets, reportFiles } from '../cli/output-plan';
import { appendStepSummary } from '../cli/step-summary';
import { oneLine } from '../report/formats/escape';
import { isFormatName, FORMAT_NAMES } from '../report/formats/index';
import { isFailing } from '../report/model';

export interface ActionInputs {
  paths: string[];
  env?: string;
  config?: string;
  policy: string[];
  format: string;
  failOn: string;
  sarif?: string;
  /** More reports, each `FORMAT=FILE` as the CLI's `-o`. */
  output: string[];
}

/** An input as the runner passes it: `INPUT_` and the name upper-cased, spaces as `_`. */
export function input(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** A list input: one item per line or separated by spaces (paths with spaces: one per line). */
function list(text: string): string[] {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.length > 1 ? lines : lines.flatMap((l) => l.split(/\s+/));
}

export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const optional = (name: string) => input(env, name) || undefined;
  return {
    paths: list(input(env, 'paths') || '.'),
    env: optional('env'),
    config: optional('config'),
    policy: list(input(env, 'policy')),
    format: input(env, 'format') || 'github',
    failOn: input(env, 'fail-on') || 'deny',
    sarif: optional('sarif'),
    output: list(input(env, 'output')),
  };
}

export interface ActionIo {
  env: NodeJS.ProcessEnv;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** Runs the Action; returns the exit code (the CLI's: 0 clean, 1 rejected, 2 input or usage errors). */
export async function runAction(io: ActionIo): Promise<number> {
  const inputs = readInputs(io.env);
  // The log's format, then the files: what `offgate lint -o FORMAT -o sarif=FILE -o …` writes.
  const output = [inputs.format, ...(inputs.sarif ? [`sarif=${inputs.sarif}`] : []), ...inputs.output];
  const opts = { env: inputs.env, config: inputs.config, policy: inputs.policy, failOn: inputs.failOn, output };
  const written = new Set<string>();
  let checked;
  try {
    // The log's format is a format only (no =FILE: reports go to files through sarif and output).
    if (!isFormatName(inputs.format)) throw new UsageError(`format ${inputs.format}: unknown format (one of ${FORMAT_NAMES.join(', ')})`);
    const targets = outputTargets(opts);
    checked = await lintChecked(inputs.paths, opts, { stdout: io.stdout, stderr: io.stderr, isTTY: false, env: io.env });
    writeReports(checked.report, targets, { failOn: checked.failOn, color: false, env: io.env }, io.stdout, written);
    appendStepSummary(checked.report, io.env, { failOn: renderedFailOn(checked.failOn) });
  } catch (e) {
    if (!(e instanceof UsageError || e instanceof WriteError)) throw e;
    // An earlier run's report must not pass for this one's.
    for (const file of reportFiles(opts)) if (!written.has(file)) removeStaleReport(file);
    const messages = e instanceof UsageError ? e.messages : [e.message];
    for (const m of messages) io.stdout(`::error title=offgate::${oneLine(m)}\n`);
    return 2;
  }
  if (io.env.GITHUB_OUTPUT) {
    const { findings, errors } = checked.report;
    const failOn = checked.failOn;
    const failing = failOn === 'none' ? 0 : findings.filter((f) => isFailing(f, failOn)).length;
    appendFileSync(io.env.GITHUB_OUTPUT, `findings=${findings.length}\nfailing=${failing}\nerrors=${errors.length}\nexit-code=${checked.exitCode}\n`);
  }
  return checked.exitCode;
}

/** The bundle's entry (dist/action.cjs): errors offgate did not expect are one annotation too. */
export function main(): void {
  runAction({ env: process.env, stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stdout.write(`::error title=offgate::internal error: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
      process.exitCode = 2;
    },
  );
}
