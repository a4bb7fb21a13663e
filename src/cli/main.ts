// The offgate command line. Each command is a small module, imported when it runs
// (a lint does not load what verify or export need); this file wires them to
// commander and turns errors into one-line messages with exit code 2. No path ends in
// a stack trace: an unexpected error is one line too (OFFGATE_DEBUG=1 shows the stack).
import { Command } from 'commander';
import { RegoError, RegoErrors } from '../compiler/errors';
import { oneLine } from '../report/formats/escape';
import { UsageError } from './errors';
import { LINT_DEFAULTS } from './lint-defaults';
import { guardStandardOutput, removeStaleReport, writeStderr, WriteError } from './output';
import { mark } from '../timings';

mark('start');

guardStandardOutput(fail);
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const program = new Command();
program
  .name('offgate')
  .description('Gatekeeper admission, offline: would the cluster accept this?')
  // Handled as `offgate version` (below): the versions are read from files, only when asked for.
  .option('-V, --version', "offgate's, the bundled templates', the OPA wasm ABI's and Node's versions, and the module cache");
// commander's own messages quote the command line: on one line too.
program.configureOutput({ writeErr: writeStderr, outputError: (text, write) => write(`${oneLine(text.replace(/\n+$/, ''))}\n`) });
// Usage errors (unknown command or option, missing argument) exit 2; help 0.
program.exitOverride((err) => {
  if (err.exitCode === 0) process.exit(0);
  // A report file an earlier lint left must not pass for this run's.
  const outputFile = lintCommand().opts<{ outputFile?: string }>().outputFile;
  if (outputFile) removeStaleReport(outputFile);
  process.exit(2);
});

program
  .command('lint', { isDefault: false })
  .description('would the cluster accept these manifests? Lints them against Gatekeeper constraints')
  .argument('[paths...]', 'files, folders, globs, or - for standard input')
  .option('-o, --output <format>', 'text, json, sarif, junit, github or markdown', 'text')
  .option('--output-file <file>', 'write the report to a file instead of standard output')
  .option('--env <name>', 'environment of offgate.yaml, or a preset: baseline, restricted')
  .option('--config <file>', 'offgate.yaml to use (default: found upward from the working directory)')
  .option('--policy <dir>', 'ConstraintTemplates and Constraints of your own (e.g. a GitOps repository); repeatable', collect, [])
  .option('--namespace <ns>', 'namespace of objects that name none (default: default)')
  .option('--fail-on <action>', 'deny (default) or warn: which findings make the exit code 1', 'deny')
  .option('--timeout <seconds>', 'evaluation deadline per template and object', LINT_DEFAULTS.timeout)
  .option('--max-file-size <size>', 'larger input files are refused, not read (e.g. 10MB, 64MiB, bytes)', LINT_DEFAULTS.maxFileSize)
  .option('--gatekeeper-namespace <ns>', "namespace of Gatekeeper's Config (named config)", LINT_DEFAULTS.gatekeeperNamespace)
  .option('--exclude <glob>', 'paths not to read (gitignore-style, relative to the working directory); repeatable', collect, [])
  .option('--strict', 'a file that holds no Kubernetes object is an input error instead of skipped')
  .option('--kustomize <mode>', 'build kustomizations with kustomize or kubectl: auto (when on PATH), always, never', 'auto')
  .option('--helm-values <file>', 'values file for charts rendered with helm template; repeatable', collect, [])
  .option('--no-color', 'no colour even on a terminal')
  .option('-v, --verbose', 'field paths, generated Pods and details, and the skipped files, in text output')
  .action((paths: string[], opts) =>
    run(async () => {
      const { runLint } = await import('./lint-command');
      process.exitCode = await runLint(paths, opts, {
        stdout: (t) => process.stdout.write(t),
        stderr: writeStderr,
        stdin: process.stdin,
        isTTY: Boolean(process.stdout.isTTY),
        env: process.env,
      });
    }),
  );

program
  .command('init')
  .description('write a commented starter offgate.yaml with every restriction listed')
  .option('--force', 'overwrite an existing offgate.yaml')
  .action((opts) =>
    run(async () => {
      const { runInit } = await import('./init-command');
      runInit(opts, process.cwd(), (t) => process.stdout.write(t));
    }),
  );

program
  .command('compile')
  .description('compile Rego files or ConstraintTemplates to an OPA wasm module')
  .argument('<files...>', '.rego files or ConstraintTemplate YAML')
  .option('-e, --entrypoint <path...>', 'entrypoints such as k8spsp/violation (default for templates: <package>/violation)')
  .requiredOption('-o, --output <file>', 'where to write the wasm module')
  .option('--rego-version <v>', 'syntax of .rego files: v0 or v1 (default v1; templates default to v0)')
  .option('--strict', 'builtin errors abort evaluation')
  .action((files: string[], opts) =>
    run(async () => {
      const { runCompile } = await import('./compile-command');
      runCompile(files, opts);
    }),
  );

program
  .command('export')
  .description('export the bundled constraint templates (ConstraintTemplates) or the default expansions (ExpansionTemplates)')
  .argument('<what>', 'what to export: templates or expansions')
  .option('--out <dir>', 'write one file per template (or file of expansions) into this directory (default: a YAML stream on stdout)')
  .action((what: string, opts) =>
    run(async () => {
      const { runExport } = await import('./export-command');
      runExport(what, opts, (t) => process.stdout.write(t));
    }),
  );

program
  .command('verify')
  .description('run Gatekeeper test suites (gator verify compatible)')
  .argument('<paths...>', 'suite files, folders, or folder/... for recursion')
  .option('--run <filter>', 'only tests/cases whose names match (regex; TEST//CASE)')
  .option('-v, --verbose', 'print every test and case')
  .action((paths: string[], opts) =>
    run(async () => {
      const { runVerify } = await import('./verify-command');
      process.exitCode = runVerify(paths, opts, { stdout: (t) => process.stdout.write(t), stderr: writeStderr });
    }),
  );

program
  .command('version')
  .description("offgate's, the bundled templates', the OPA wasm ABI's and Node's versions, and the module cache")
  .action(() =>
    run(async () => {
      const { formatVersion, versionInfo } = await import('./version-command');
      process.stdout.write(formatVersion(versionInfo(process.env)));
    }),
  );

program
  .command('cache')
  .description('the cache of compiled user templates: dir (where), info (how much), clean (empty it)')
  .argument('<action>', 'dir, info or clean')
  .action((action: string) =>
    run(async () => {
      const { runCache } = await import('./cache-command');
      runCache(action, process.env, (t) => process.stdout.write(t));
    }),
  );

program
  .command('completion')
  .description('print a shell completion script: bash, zsh or fish')
  .argument('<shell>', 'bash, zsh or fish')
  .action((shell: string) =>
    run(async () => {
      const { completionScript, COMMAND_WORDS } = await import('./completion');
      const commands = program.commands.map((c) => ({
        name: c.name(),
        description: c.description(),
        options: c.options.map((o) => ({ short: o.short, long: o.long, description: o.description, takesValue: o.required || o.optional })),
        arguments: COMMAND_WORDS[c.name()],
      }));
      process.stdout.write(completionScript(shell, program.name(), commands));
    }),
  );

function lintCommand(): Command {
  return program.commands.find((c) => c.name() === 'lint')!;
}

/** Repeatable options (`--policy a --policy b`), which do not swallow the paths after them. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Runs a command; a usage, Rego or write error becomes one line on stderr and exit code 2. */
async function run(f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (e) {
    if (e instanceof RegoErrors) fail(...e.errors.map((r) => r.message));
    if (e instanceof UsageError) fail(...e.messages);
    if (e instanceof RegoError || e instanceof WriteError) fail(e.message);
    crash(e);
  }
}

/** `offgate: MESSAGE`, each message on one line (they quote the inputs), and exit code 2. */
function fail(...messages: string[]): never {
  writeStderr(messages.map((m) => `offgate: ${oneLine(m)}\n`).join(''));
  process.exit(2);
}

/** An error offgate did not expect: one line and exit code 2; its stack with OFFGATE_DEBUG=1. */
function crash(e: unknown): never {
  if (process.env.OFFGATE_DEBUG && e instanceof Error && e.stack) {
    writeStderr(`offgate: internal error: ${e.stack}\n`);
    process.exit(2);
  }
  const message = (e instanceof Error ? e.message : String(e)).replace(/^offgate: /, '');
  fail(`internal error: ${message} (OFFGATE_DEBUG=1 shows where)`);
}

// `offgate --version` and `-V` are `offgate version`.
const argv = process.argv.slice();
if (argv[2] === '--version' || argv[2] === '-V') argv[2] = 'version';
program.parseAsync(argv).catch(crash);
