// The offgate command line. Each command is a small module, imported when it runs
// (a lint does not load what verify or export need); this file wires them to
// commander and turns errors into one-line messages with exit code 2.
import { Command } from 'commander';
import { RegoError, RegoErrors } from '../compiler/errors';
import { UsageError } from './errors';

const program = new Command();
program.name('offgate').description('Gatekeeper admission, offline: would the cluster accept this?').version('0.1.0');
// Usage errors (unknown command or option, missing argument) exit 2; help and version 0.
program.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

program
  .command('lint', { isDefault: false })
  .description('would the cluster accept these manifests? Lints them against Gatekeeper constraints')
  .argument('[paths...]', 'files, folders, globs, or - for standard input')
  .option('-o, --output <format>', 'text, json, sarif, junit or github', 'text')
  .option('--output-file <file>', 'write the report to a file instead of standard output')
  .option('--env <name>', 'environment of offgate.yaml, or a preset: baseline, restricted')
  .option('--config <file>', 'offgate.yaml to use (default: found upward from the working directory)')
  .option('--policy <dir>', 'ConstraintTemplates and Constraints of your own (e.g. a GitOps repository); repeatable', collect, [])
  .option('--namespace <ns>', 'namespace of objects that name none (default: default)')
  .option('--fail-on <action>', 'deny (default) or warn: which findings make the exit code 1', 'deny')
  .option('--no-color', 'no colour even on a terminal')
  .option('-v, --verbose', 'field paths, generated Pods and details in text output')
  .action((paths: string[], opts) =>
    run(async () => {
      const { runLint } = await import('./lint-command');
      process.exitCode = await runLint(paths, opts, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
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
  .description('export the bundled constraint templates as Gatekeeper ConstraintTemplates')
  .argument('<what>', 'what to export: templates')
  .option('--out <dir>', 'write one file per template into this directory (default: a YAML stream on stdout)')
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
      process.exitCode = runVerify(paths, opts, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
    }),
  );

/** Repeatable options (`--policy a --policy b`), which do not swallow the paths after them. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Runs a command; a usage or Rego error becomes one line on stderr and exit code 2. */
async function run(f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (e) {
    if (e instanceof RegoError || e instanceof RegoErrors || e instanceof UsageError) {
      console.error(`offgate: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
}

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`offgate: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
