// The offgate command line. Each command is a small module, imported when it runs
// (a lint does not load what verify or export need); this file wires them to
// commander and turns errors into one-line messages with exit code 2. No path ends in
// a stack trace: an unexpected error is one line too (OFFGATE_DEBUG=1 shows the stack).
import { Command, Option } from 'commander';
import { RegoError, RegoErrors } from '../compiler/errors';
import { oneLine } from '../report/formats/escape';
import { UsageError } from './errors';
import { LINT_DEFAULTS } from './lint-defaults';
import { removeStaleReport, standardOutput, stderrIsTTY, writeStderr, WriteError } from './output';
import { reportFiles } from './output-plan';
import { mark } from '../timings';

mark('start');

const stdout = standardOutput(fail);
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const program = new Command();
// `offgate --version` and `-V` are `offgate version`.
const argv = process.argv.slice();
if (argv[2] === '--version' || argv[2] === '-V') argv[2] = 'version';

program
  .name('offgate')
  .description('Gatekeeper admission, offline: would the cluster accept this?')
  // Handled as `offgate version` (below): the versions are read from files, only when asked for.
  .option('-V, --version', "offgate's, the bundled templates', the OPA wasm ABI's and Node's versions, and the module cache");
// commander's own messages quote the command line: on one line too.
program.configureOutput({ writeOut: stdout.write, writeErr: writeStderr, outputError: (text, write) => write(`${oneLine(text.replace(/\n+$/, '').replace(/\n+/g, ' '))}\n`) });
// Usage errors (unknown command or option, missing argument) exit 2; help 0.
program.exitOverride((err) => {
  if (err.exitCode === 0) process.exit(0);
  // A report file an earlier lint left must not pass for this run's.
  for (const file of reportFiles(lintCommand()?.opts<{ output?: string[]; outputFile?: string }>() ?? {})) removeStaleReport(file);
  process.exit(2);
});

// When a command is named, only that one is defined in full, the others by name (enough for
// commander to suggest one for a mistyped name): defining every command's options is
// milliseconds of every run. `offgate`, `--help`, `help` and `completion` see them all.
const named = argv[2];
const invoked = named === undefined || named.startsWith('-') || named === 'help' || named === 'completion' ? undefined : named;

function command(name: string, define: (c: Command) => Command): void {
  const c = program.command(name);
  if (invoked === undefined || invoked === name) define(c);
}

command('lint', (c) =>
  c
    .description('would the cluster accept these manifests? Lints them against Gatekeeper constraints')
    .argument('[paths...]', 'files, folders, globs, or - for standard input')
    .option('-o, --output <format[=file]>', 'text (default), json, sarif, junit, github or markdown; =FILE writes it to FILE; repeatable', collect, [])
    .option('--output-file <file>', "write the one -o format's report to this file; the text summary still goes to standard output")
    .option('--env <name>', 'environment of offgate.yaml, or a preset: baseline, restricted')
    .option('--config <file>', 'offgate.yaml to use (default: found upward from the working directory)')
    .option('--policy <dir>', 'ConstraintTemplates and Constraints of your own (e.g. a GitOps repository); repeatable', collect, [])
    .option('--namespace <ns>', 'namespace of objects that name none (default: default)')
    .option('--fail-on <action>', 'deny (default), warn or none: which findings make the exit code 1 (none: report only)', 'deny')
    .option('--timeout <seconds>', 'evaluation deadline per template and object', LINT_DEFAULTS.timeout)
    .option('--max-file-size <size>', 'larger input files are refused, not read (e.g. 10MB, 64MiB, bytes)', LINT_DEFAULTS.maxFileSize)
    .option('--gatekeeper-namespace <ns>', "namespace of Gatekeeper's Config (named config)", LINT_DEFAULTS.gatekeeperNamespace)
    .option('--exclude <glob>', 'paths not to read (gitignore-style, relative to the working directory); repeatable', collect, [])
    .option('--strict', 'a file that holds no Kubernetes object is an input error instead of skipped')
    .option('--kustomize <mode>', 'build kustomizations with kustomize or kubectl: auto (when on PATH), always, never', 'auto')
    .option('--helm-values <file>', 'values file for charts rendered with helm template; repeatable', collect, [])
    .option('--baseline <file>', 'findings recorded in this file (--write-baseline) are baselined: reported, not failing the run')
    .option('--write-baseline <file>', "record this run's findings in a baseline file (exit 0 unless input errors)")
    .option('--shard <i/n>', 'lint only shard I of N of the files (by path hash; join the reports with offgate merge)')
    .option('--jobs <n>', 'threads to evaluate 500 objects or more on (default 1)')
    .option('--no-color', 'no colour even on a terminal')
    .option('-v, --verbose', 'field paths, generated Pods and details, and the skipped files, in text output')
    .option('-q, --quiet', 'text output: the summary only (counts by restriction, the verdict, the sources)')
    .action((paths: string[], opts) =>
      run(async () => {
        const { runLint } = await import('./lint-command');
        process.exitCode = await runLint(paths, opts, {
          stdout: stdout.write,
          stderr: writeStderr,
          // No stdin: the reader takes process.stdin when `-` is an input. Touching it here would
          // load Node's stream modules on every run (as process.stdout would: output.ts).
          isTTY: stdout.isTTY(),
          env: process.env,
          stderrIsTTY: stderrIsTTY(),
          columns: stdout.columns(),
        });
      }),
    ),
);

command('explain', (c) =>
  c
    .description('from what the cluster said back to the manifest (--message), or what a restriction, template kind or constraint checks')
    .argument('[args...]', 'with --message: the manifests to look in (default .); without: a restriction, template kind or constraint name')
    .option('--message <text>', "what the cluster said (kubectl's output, an event, kubectl describe or get events), or - for standard input")
    .option('--env <name>', 'environment of offgate.yaml, or a preset: baseline, restricted')
    .option('--config <file>', 'offgate.yaml to use (default: found upward from the working directory)')
    .option('--policy <dir>', 'ConstraintTemplates and Constraints of your own (e.g. a GitOps repository); repeatable', collect, [])
    .option('-o, --output <format>', 'text or json', 'text')
    .action((args: string[], opts) =>
      run(async () => {
        const { runExplain } = await import('./explain-command');
        process.exitCode = await runExplain(args, opts, { stdout: stdout.write, stdin: process.stdin, cwd: process.cwd() });
      }),
    ),
);

command('diff', (c) =>
  c
    .description('what a change adds and removes: findings of two environments, presets or git revisions compared')
    .argument('[paths...]', 'files, folders or globs (default: .)')
    .option('--from <side>', 'an environment, a preset, FILE.yaml#ENV, or git:REV (config and manifests of a revision)')
    .option('--to <side>', 'the same (default: the working tree with the current offgate.yaml and --env)')
    .option('-o, --output <format>', 'text or json', 'text')
    .option('--env <name>', "environment of the working tree and git:REV sides (default: offgate.yaml's)")
    .option('--config <file>', 'offgate.yaml to use (default: found upward from the working directory)')
    .option('--policy <dir>', 'ConstraintTemplates and Constraints of your own; repeatable', collect, [])
    .option('--namespace <ns>', 'namespace of objects that name none (default: default)')
    .option('--fail-on <action>', 'deny (default), warn or none: which added findings make the exit code 1', 'deny')
    .option('--exclude <glob>', 'paths not to read (gitignore-style); repeatable', collect, [])
    .option('--kustomize <mode>', 'build kustomizations: auto, always, never', 'auto')
    .option('--helm-values <file>', 'values file for charts rendered with helm template; repeatable', collect, [])
    .option('--timeout <seconds>', 'evaluation deadline per template and object', LINT_DEFAULTS.timeout)
    .option('--max-file-size <size>', 'larger input files are refused, not read', LINT_DEFAULTS.maxFileSize)
    .action((paths: string[], opts) =>
      run(async () => {
        const { runDiff } = await import('./diff-command');
        process.exitCode = await runDiff(paths, opts, process.cwd(), stdout.write);
      }),
    ),
);

command('merge', (c) =>
  c
    .description("join the JSON (or SARIF, or JUnit) reports of a lint's shards (--shard I/N) into one report")
    .argument('<reports...>', 'report files written by offgate lint --shard I/N -o json (or -o sarif, or -o junit)')
    .option('-o, --output <format>', 'text (default), json, sarif, junit, github or markdown; SARIF and JUnit reports merge into their own format (the default for them)')
    .option('--output-file <file>', 'write the report to a file instead of standard output')
    .option('--fail-on <action>', 'deny (default), warn or none: which findings make the exit code 1 (none: report only)', 'deny')
    .option('--no-color', 'no colour even on a terminal')
    .option('-v, --verbose', 'field paths, generated Pods and details, and the skipped files, in text output')
    .action((reports: string[], opts) =>
      run(async () => {
        const { runMerge } = await import('./merge-command');
        process.exitCode = runMerge(reports, opts, { stdout: stdout.write, stderr: writeStderr, isTTY: stdout.isTTY(), env: process.env });
      }),
    ),
);

command('init', (c) =>
  c
    .description('write a commented starter offgate.yaml with every restriction listed')
    .option('--force', 'overwrite an existing offgate.yaml')
    .action((opts) =>
      run(async () => {
        const { runInit } = await import('./init-command');
        runInit(opts, process.cwd(), stdout.write);
      }),
    ),
);

command('config', (c) =>
  c
    .description('what offgate.yaml puts in force: config show')
    .command('show')
    .description("an environment's constraints, each parameter and match key with where it was set (offgate.yaml line, preset, default)")
    .option('--env <name>', 'environment of offgate.yaml, or a preset (default: the default environment)')
    .option('--config <file>', 'offgate.yaml to use (default: found upward from the working directory)')
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .action((opts) =>
      run(async () => {
        const { runConfigShow } = await import('./config-command');
        runConfigShow(opts, process.cwd(), stdout.write);
      }),
    ),
);

command('export', (c) =>
  c
    .description("export the bundled constraint templates (ConstraintTemplates), the default expansions (ExpansionTemplates), or an environment's constraints")
    .argument('<what>', "what to export: templates, expansions, or constraints (an environment's ConstraintTemplates and Constraints)")
    .option('--output-dir <dir>', 'write one file per object into this directory (default: a YAML stream on stdout)')
    // Its name before --output-dir (folders are --output-dir, files --output-file, formats -o).
    .addOption(new Option('--out <dir>').hideHelp())
    .option('--env <name>', 'export constraints: environment of offgate.yaml, or a preset: baseline, restricted')
    .option('--config <file>', 'export constraints: offgate.yaml to use (default: found upward from the working directory)')
    .option('--format <format>', 'export constraints: yaml (default), or kustomize (adds kustomization.yaml; needs --output-dir)')
    .action((what: string, opts) =>
      run(async () => {
        const { runExport } = await import('./export-command');
        runExport(what, opts, stdout.write);
      }),
    ),
);

command('compile', (c) =>
  c
    .description('compile Rego files or ConstraintTemplates to an OPA wasm module')
    .argument('<files...>', '.rego files or ConstraintTemplate YAML')
    .option('-e, --entrypoint <path...>', 'entrypoints such as k8spsp/violation (default for templates: <package>/violation)')
    .option('--output-file <file>', 'where to write the wasm module (required)')
    // -o is an output format everywhere else: here it only says so (compile-command.ts).
    .addOption(new Option('-o, --output <file>').hideHelp())
    .option('--rego-version <v>', 'syntax of .rego files: v0 or v1 (default v1; templates default to v0)')
    .option('--strict', 'builtin errors abort evaluation')
    .action((files: string[], opts) =>
      run(async () => {
        const { runCompile } = await import('./compile-command');
        runCompile(files, opts);
      }),
    ),
);

command('verify', (c) =>
  c
    .description('run Gatekeeper test suites (gator verify compatible)')
    .argument('<paths...>', 'suite files, folders, or folder/... for recursion')
    .option('--run <filter>', 'only tests/cases whose names match (regex; TEST//CASE)')
    .option('-v, --verbose', 'print every test and case')
    .action((paths: string[], opts) =>
      run(async () => {
        const { runVerify } = await import('./verify-command');
        process.exitCode = runVerify(paths, opts, { stdout: stdout.write, stderr: writeStderr });
      }),
    ),
);

command('version', (c) =>
  c
    .description("offgate's, the bundled templates', the OPA wasm ABI's and Node's versions, and the module cache")
    .action(() =>
      run(async () => {
        const { formatVersion, versionInfo } = await import('./version-command');
        stdout.write(formatVersion(versionInfo(process.env)));
      }),
    ),
);

command('cache', (c) =>
  c
    .description('the cache of compiled user templates: dir (where), info (how much), clean (empty it)')
    .argument('<action>', 'dir, info or clean')
    .action((action: string) =>
      run(async () => {
        const { runCache } = await import('./cache-command');
        runCache(action, process.env, stdout.write);
      }),
    ),
);

command('completion', (c) =>
  c
    .description('print a shell completion script: bash, zsh or fish')
    .argument('<shell>', 'bash, zsh or fish')
    .action((shell: string) =>
      run(async () => {
        const { completionScript, COMMAND_WORDS } = await import('./completion');
        const commands = program.commands.map((c) => ({
          name: c.name(),
          description: c.description(),
          options: c.options.filter((o) => !o.hidden).map((o) => ({ short: o.short, long: o.long, description: o.description, takesValue: o.required || o.optional })),
          arguments: COMMAND_WORDS[c.name()],
        }));
        stdout.write(completionScript(shell, program.name(), commands));
      }),
    ),
);

// Every option that takes one value says so when given twice (commander keeps the last);
// the repeatable ones are those that collect their values. Nested commands (config show) too.
const allCommands = (c: Command): Command[] => [c, ...c.commands.flatMap(allCommands)];
for (const command of allCommands(program)) rejectRepeats(command);

function lintCommand(): Command | undefined {
  return program.commands.find((c) => c.name() === 'lint');
}

/** Repeatable options (`--policy a --policy b`), which do not swallow the paths after them. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * A single-valued option given twice (`--env a --env b`) is a usage error naming it, exit 2:
 * keeping the last silently would lint against constraints the user may not have meant.
 * Counted from commander's own events, so defaults (which fire none) never count.
 */
function rejectRepeats(command: Command): void {
  const given = new Map<string, string>();
  for (const option of command.options) {
    if (!(option.required || option.optional) || option.variadic || option.parseArg === collect) continue;
    const flag = option.long ?? option.short ?? option.name();
    command.on(`option:${option.name()}`, (value: string) => {
      const first = given.get(flag);
      if (first !== undefined) command.error(`offgate: ${flag} given twice (${first}, then ${value}): give it once`, { exitCode: 2, code: 'offgate.repeatedOption' });
      given.set(flag, value);
    });
  }
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

program.parseAsync(argv).catch(crash);
