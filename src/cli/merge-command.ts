// `offgate merge REPORT...`: the JSON reports of a lint's shards (`offgate lint --shard I/N
// -o json`, one per CI job) joined into one report, rendered in any format, with the exit
// code the single run would have had: 0 clean, 1 a failing finding (per --fail-on), 2 input
// errors (a shard's, or a shard missing). SARIF logs and JUnit reports of the shards can be
// merged too, each into its own format (the default output then). Bad input (a file that is
// no report) is one line and exit code 2.
import { readFileSync } from 'node:fs';
import { mergeReports, type NamedReport } from '../merge/merge';
import { isJsonReport, reportFromJson } from '../merge/json-report';
import { isSarifLog, mergeSarifLogs, sarifExitCode } from '../merge/sarif';
import { junitExitCode, looksLikeXml, mergeJunitReports } from '../merge/junit';
import { formats, isFormatName, FORMAT_NAMES } from '../report/formats/index';
import { useColor } from './color';
import { UsageError } from './errors';
import { exitCodeOf, parseFailOn, renderedFailOn } from './fail-on';
import type { Io } from './lint-command';
import { errnoText, writeOutputFile } from './output';

export interface MergeCommandOptions {
  output?: string;
  outputFile?: string;
  failOn?: string;
  color?: boolean;
  verbose?: boolean;
}

/** Merges and renders; returns the exit code. */
export function runMerge(files: string[], opts: MergeCommandOptions, io: Io): number {
  // Without -o: text for JSON reports; SARIF logs and JUnit reports merge into their own format.
  const asked = opts.output?.toLowerCase();
  if (asked !== undefined && !isFormatName(asked)) throw new UsageError(`-o ${opts.output}: unknown format (one of ${FORMAT_NAMES.join(', ')})`);
  const failOn = parseFailOn(opts.failOn);
  if (files.length === 0) throw new UsageError('merge: name the report files to merge (offgate lint --shard I/N -o json writes them)');

  const texts = files.map((file) => ({ file, text: readText(file) }));
  if (texts.some((t) => looksLikeXml(t.text))) {
    const first = looksLikeXml(texts[0]!.text);
    const odd = texts.find((t) => looksLikeXml(t.text) !== first);
    if (odd) throw new UsageError(`merge: ${odd.file}: ${first ? 'not a JUnit report, merged with JUnit reports' : 'a JUnit report (XML), merged with JSON reports'} (merge reports of one format)`);
    if ((asked ?? 'junit') !== 'junit') throw new UsageError(`merge: JUnit reports merge into -o junit only (for -o ${asked}, have the shards write -o json)`);
    const merged = mergeJunitReports(texts);
    if ('error' in merged) throw new UsageError(merged.error);
    emit(merged.xml, opts, io);
    return junitExitCode(merged.summary, failOn);
  }

  const docs = texts.map(({ file, text }) => ({ file, doc: parseJson(file, text) }));
  const sarif = docs.filter((d) => isSarifLog(d.doc));
  if (sarif.length > 0) {
    const format = asked ?? 'sarif';
    if (sarif.length !== docs.length) throw new UsageError(`merge: ${docs.find((d) => !isSarifLog(d.doc))!.file}: not a SARIF log, merged with SARIF logs (merge reports of one format)`);
    if (format !== 'sarif') throw new UsageError(`merge: SARIF logs merge into -o sarif only (for -o ${format}, have the shards write -o json)`);
    const log = mergeSarifLogs(sarif.map((d) => ({ file: d.file, log: d.doc })));
    if ('error' in log && typeof log.error === 'string') throw new UsageError(log.error);
    emit(`${JSON.stringify(log, null, 2)}\n`, opts, io);
    return sarifExitCode(log, failOn);
  }

  const reports: NamedReport[] = docs.map(({ file, doc }) => {
    if (!isJsonReport(doc)) throw new UsageError(`${file}: not an offgate JSON report (write the shards' reports with offgate lint -o json)`);
    const report = reportFromJson(doc, file);
    if ('error' in report) throw new UsageError(report.error);
    return { file, report };
  });
  const report = mergeReports(reports);
  const format = asked ?? 'text';
  const color = format === 'text' && !opts.outputFile && useColor({ flag: opts.color, isTTY: io.isTTY, env: io.env });
  emit(formats[format](report, { color, verbose: opts.verbose, failOn: renderedFailOn(failOn) }), opts, io);
  return exitCodeOf(report, failOn);
}

function emit(text: string, opts: MergeCommandOptions, io: Io): void {
  if (opts.outputFile) writeOutputFile(opts.outputFile, text);
  else io.stdout(text);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read: ${errnoText(e)}`);
  }
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not a JSON report: ${(e as Error).message}`);
  }
}
