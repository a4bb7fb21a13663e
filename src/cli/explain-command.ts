// `offgate explain --message TEXT|- [paths]`: from what the cluster said back to the
// manifest. Exit 0 when every denial was matched, 1 otherwise, 2 for unreadable text,
// usage or input errors.
// `offgate explain RESTRICTION|KIND|CONSTRAINT-NAME`: what the rule checks, its parameters
// in force and where each was set, a failing and a passing example, the fix. Exit 0.
import { explainMessage, explainName, type ExplainLintOptions } from '../explain/explain';
import { messageJson, messageText, nameJson, nameText } from '../explain/render';
import { UsageError } from './errors';
import { parseLimits } from './lint-command';

export interface ExplainCommandOptions {
  message?: string;
  env?: string;
  config?: string;
  policy?: string[];
  output?: string;
}

export interface ExplainIo {
  stdout: (s: string) => void;
  stdin: NodeJS.ReadableStream;
  cwd: string;
}

export async function runExplain(args: string[], opts: ExplainCommandOptions, io: ExplainIo): Promise<number> {
  const format = (opts.output ?? 'text').toLowerCase();
  if (format !== 'text' && format !== 'json') throw new UsageError(`-o ${opts.output}: unknown format (one of text, json)`);
  const lintOpts: ExplainLintOptions = { cwd: io.cwd, env: opts.env, configPath: opts.config, policyDirs: opts.policy, ...parseLimits({}) };

  if (opts.message !== undefined) {
    if (opts.message === '-' && args.includes('-')) throw new UsageError('explain: --message - reads standard input, so the manifests cannot come from it too');
    const text = opts.message === '-' ? await readAll(io.stdin) : opts.message;
    // With no paths: the manifests of the working directory, as `offgate lint .` reads them.
    const e = await explainMessage(text, args.length > 0 ? args : ['.'], lintOpts);
    if ('fatal' in e) throw new UsageError(e.fatal, e.fatalErrors);
    io.stdout(format === 'json' ? messageJson(e) : messageText(e));
    if (e.report.errors.length > 0) return 2;
    return e.unmatched.length > 0 ? 1 : 0;
  }

  if (args.length !== 1) {
    throw new UsageError(
      args.length === 0
        ? 'explain: name a restriction, template kind or constraint (offgate explain privileged-containers), or pass --message TEXT with what the cluster said'
        : `explain: one name at a time (got ${args.length}); to look for denials in manifests, pass --message TEXT`,
    );
  }
  const e = await explainName(args[0]!, lintOpts);
  if ('fatal' in e) throw new UsageError(e.fatal, e.fatalErrors);
  io.stdout(format === 'json' ? nameJson(e) : nameText(e));
  return 0;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
