// Where `offgate lint`'s reports go: `-o FORMAT[=FILE]`, repeatable (`-o text -o
// sarif=offgate.sarif -o junit=offgate.xml`), and `--output-file FILE` for a single format.
// Every format is rendered from the one report; at most one goes to standard output. When
// none does, standard output still gets the text summary: a CI log shows the verdict.
import { resolve } from 'node:path';
import { FORMAT_NAMES, isFormatName, type FormatName } from '../report/formats/index';
import { UsageError } from './errors';

export interface OutputTarget {
  format: FormatName;
  /** The file it is written to; standard output when absent. */
  file?: string;
  /** As the user wrote it (`sarif=offgate.sarif`), for messages. */
  spec: string;
}

export interface OutputOptions {
  /** `-o`, each `FORMAT` or `FORMAT=FILE`. */
  output?: string[];
  /** `--output-file FILE`: the file of the one format given without `=FILE`. */
  outputFile?: string;
}

/** The targets the options name, checked: a bad format, file or combination is a UsageError. */
export function outputTargets(opts: OutputOptions): OutputTarget[] {
  const specs = opts.output?.length ? opts.output : ['text'];
  const targets = specs.map(parseTarget);
  if (opts.outputFile !== undefined) {
    if (specs.length > 1) throw new UsageError(`--output-file goes with one -o FORMAT; with several, name each one's file: -o FORMAT=FILE`);
    if (targets[0]!.file !== undefined) throw new UsageError(`-o ${targets[0]!.spec} names its file already: leave out --output-file`);
    if (opts.outputFile === '') throw new UsageError('--output-file: name a file');
    targets[0] = { ...targets[0]!, file: opts.outputFile };
  }
  const toStdout = targets.filter((t) => t.file === undefined);
  if (toStdout.length > 1) {
    throw new UsageError(`-o ${toStdout[0]!.spec} and -o ${toStdout[1]!.spec} both write to standard output: give all but one a file (-o ${toStdout[1]!.format}=FILE)`);
  }
  const byPath = new Map<string, OutputTarget>();
  for (const t of targets) {
    if (t.file === undefined) continue;
    const earlier = byPath.get(resolve(t.file));
    if (earlier) throw new UsageError(`-o ${earlier.spec} and -o ${t.spec} write the same file ${t.file}: give each report a file of its own`);
    byPath.set(resolve(t.file), t);
  }
  return targets;
}

/** `sarif` or `sarif=offgate.sarif` (split at the first `=`; a format name is never a path). */
function parseTarget(spec: string): OutputTarget {
  const eq = spec.indexOf('=');
  const name = (eq < 0 ? spec : spec.slice(0, eq)).toLowerCase();
  const file = eq < 0 ? undefined : spec.slice(eq + 1);
  if (!isFormatName(name)) {
    // `-o report.sarif`: the old meaning of -o in compile, or a file meant for --output-file.
    const hint = eq < 0 && /[./\\]/.test(spec) ? `; to write a file: -o FORMAT=${spec}` : '';
    throw new UsageError(`-o ${spec}: unknown format (one of ${FORMAT_NAMES.join(', ')})${hint}`);
  }
  if (file === '') throw new UsageError(`-o ${spec}: name a file after = (or leave out =FILE for standard output)`);
  return { format: name, file, spec };
}

/**
 * Every report file the options name, without checking them: the files a run that fails
 * (even on a bad option) must not leave an earlier run's report in.
 */
export function reportFiles(opts: OutputOptions): string[] {
  const named = (opts.output ?? []).flatMap((spec) => {
    const eq = spec.indexOf('=');
    return eq >= 0 && eq < spec.length - 1 ? [spec.slice(eq + 1)] : [];
  });
  return opts.outputFile ? [...named, opts.outputFile] : named;
}

/** Whether standard output gets the text summary: no report goes there. */
export function summaryOnStdout(targets: OutputTarget[]): boolean {
  return targets.every((t) => t.file !== undefined);
}
