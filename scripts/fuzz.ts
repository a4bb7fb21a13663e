// `npm run fuzz [-- --seconds N --seed S]`: a bounded-time fuzz run of everything offgate
// reads (manifests, offgate.yaml, suites, Rego and ConstraintTemplates) through the built
// CLI in child processes, and of the readers and the compiler in-process, with the oracle
// of scripts/fuzz/oracle.ts. Failures are saved as reproducers under the OS temp dir;
// exit 1 when anything was found. Deterministic given a seed: case N of seed S is always
// the same input (see scripts/fuzz/cases.ts), whichever worker runs it.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { findConfigFile } from '../src/config/load';
import { KINDS, makeCase, type FuzzCase, type Kind } from './fuzz/cases';
import { loadCorpus, SENTINEL, type Corpus } from './fuzz/corpus';
import { minimizeLines, splitLines } from './fuzz/minimize';
import { checkRun, compareVerdicts, findingKeys, inertKeys, parseReport, restoreKeys, type Expectation, type Failure } from './fuzz/oracle';
import { saveReproducer, writeFiles } from './fuzz/reproducer';
import { cpuSecondsOf, runCommand, type RunResult } from './fuzz/run';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/offgate.js');
/** The child's heap cap: an alias bomb ends in V8's fatal error instead of eating the machine. */
const NODE_FLAGS = ['--max-old-space-size=2048'];
/** The in-process worker also makes its cases (up to ~32 MB of text each, many times that as trees). */
const WORKER_FLAGS = ['--max-old-space-size=4096'];

interface Options {
  seconds: number;
  seed: number;
  jobs: number;
  /** offgate's own `--timeout` (seconds), passed when the CLI has the option. */
  timeout: number;
  hangSeconds: number;
  kinds: Kind[];
  inProcess: boolean;
  out: string;
  perSignature: number;
  /** Runs spent shrinking each distinct failure's first reproducer, and seconds in all. */
  minimizeRuns: number;
  minimizeSeconds: number;
  replay?: { stream: string; id: number };
}

function parseArgs(argv: string[]): Options {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, dflt: number) => {
    const v = get(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} ${v}: not a number`);
    return n;
  };
  const seedText = get('--seed');
  const seed = seedText === undefined ? Date.now() % 1_000_000 : /^\d+$/.test(seedText) ? Number(seedText) : [...seedText].reduce((h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0, 7);
  const timeout = num('--timeout', 5);
  const kinds = (get('--kinds')?.split(',') ?? [...KINDS]) as Kind[];
  for (const k of kinds) if (!KINDS.includes(k)) throw new Error(`--kinds: ${k} is not one of ${KINDS.join(', ')}`);
  const replay = get('--replay');
  const m = replay ? /^(cli|in-process):(\d+)$/.exec(replay) : null;
  if (replay && !m) throw new Error('--replay cli:N or in-process:N');
  return {
    seconds: num('--seconds', 300),
    seed,
    jobs: Math.max(1, Math.floor(num('--jobs', Math.max(1, Math.floor(availableParallelism() / 2))))),
    timeout,
    hangSeconds: num('--hang-seconds', timeout * 2 + 5),
    kinds,
    inProcess: !argv.includes('--no-in-process'),
    out: get('--out') ?? join(tmpdir(), `offgate-fuzz-${seed}`),
    perSignature: num('--per-signature', 3),
    minimizeRuns: num('--minimize-runs', 24),
    minimizeSeconds: num('--minimize-seconds', 120),
    replay: m ? { stream: m[1]!, id: Number(m[2]) } : undefined,
  };
}

interface Found {
  cls: Failure['cls'];
  kind: string;
  signature: string;
  count: number;
  reproducers: string[];
  /** The first case that showed it. */
  first: { stream: string; id: number };
}

class Findings {
  readonly byKey = new Map<string, Found>();
  constructor(
    private readonly out: string,
    private readonly perSignature: number,
  ) {}

  /** Records a failure; returns the folder to save its reproducer in, if this one is kept. */
  add(f: Failure, kind: string, stream: string, id: number): string | undefined {
    const key = `${f.cls}|${kind}|${f.signature}`;
    let found = this.byKey.get(key);
    if (!found) this.byKey.set(key, (found = { cls: f.cls, kind, signature: f.signature, count: 0, reproducers: [], first: { stream, id } }));
    found.count++;
    if (found.reproducers.length >= this.perSignature) return undefined;
    const dir = join(this.out, `${f.cls}-${kind}-${stream}-${id}`);
    found.reproducers.push(dir);
    return dir;
  }

  count(cls: Failure['cls'] | Failure['cls'][]): number {
    const set = Array.isArray(cls) ? cls : [cls];
    return [...this.byKey.values()].filter((f) => set.includes(f.cls)).reduce((s, f) => s + f.count, 0);
  }
}

interface Context {
  opts: Options;
  corpus: Corpus;
  work: string;
  env: NodeJS.ProcessEnv;
  /** `--timeout N`, or nothing when this build of the CLI has no such option. */
  timeoutArgs: string[];
  sentinelKeys: string[];
  findings: Findings;
  ran: Record<string, number>;
  /** In-process cases skipped because the worker ran out of memory making them. */
  tooBig: number;
}

function commandOf(ctx: Context, c: FuzzCase): string[] {
  const args = c.args.flatMap((a) => (a === 'TIMEOUT' ? ctx.timeoutArgs : [a]));
  return [process.execPath, ...NODE_FLAGS, BIN, ...args];
}

async function runIn(ctx: Context, dir: string, files: FuzzCase['files'], command: string[]): Promise<RunResult> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFiles(dir, files);
  return runCommand(command[0]!, command.slice(1), { cwd: dir, timeoutMs: ctx.opts.hangSeconds * 1000, env: ctx.env });
}

function expectationOf(ctx: Context, c: FuzzCase): Expectation {
  const format = c.args.includes('-o') ? c.args[c.args.indexOf('-o') + 1] : undefined;
  return {
    exits: c.exits,
    verdict: c.verdict,
    mustHave: c.sentinel ? ctx.sentinelKeys : undefined,
    textOutput: c.args[0] === 'lint' && format === 'text',
    primary: c.primary,
    stopLosesSentinel: c.kind === 'manifest',
  };
}

/** Runs one CLI case (and its base without prototype keys); records what fails. */
async function runCliCase(ctx: Context, c: FuzzCase, slot: number): Promise<void> {
  const command = commandOf(ctx, c);
  const dir = join(ctx.work, `job-${slot}`);
  const result = await runIn(ctx, dir, c.files, command);
  ctx.ran[c.kind] = (ctx.ran[c.kind] ?? 0) + 1;
  const expectation = expectationOf(ctx, c);
  let failure = checkRun(result, expectation);
  let base: { files: FuzzCase['files']; result: RunResult } | undefined;
  if (c.base) {
    const baseResult = sameFolder(await runIn(ctx, `${dir}-base`, c.base, command), `${dir}-base`, dir);
    base = { files: c.base, result: baseResult };
    const baseFailure = checkRun(baseResult, expectation);
    if (baseFailure) record(ctx, baseFailure, c, c.base, command, baseResult, undefined);
    else if (!failure) {
      failure = compareVerdicts(baseResult, result, c.verdict);
      // The keys are data too: added to one of two list items that were equal (two volumes,
      // two containers of one name), they make the items differ, and the policy sees that, as
      // Gatekeeper would. What prototypes could change, the same keys under inert names cannot:
      // a change those make as well is the data's, not JavaScript's.
      if (failure) {
        const control = await runIn(ctx, `${dir}-control`, inertKeys(c.files), command);
        if (!compareVerdicts(restoreKeys(sameFolder(control, `${dir}-control`, dir)), result, c.verdict)) failure = undefined;
      }
    }
  }
  if (failure) record(ctx, failure, c, c.files, command, result, base);
}

/** A run in another folder, as if it had run in `dir` (verify names a suite's root in its errors). */
function sameFolder(r: RunResult, from: string, dir: string): RunResult {
  return { ...r, stdout: r.stdout.split(from).join(dir), stderr: r.stderr.split(from).join(dir) };
}

function record(ctx: Context, failure: Failure, c: FuzzCase, files: FuzzCase['files'], command: string[], result: RunResult, base: { files: FuzzCase['files']; result: RunResult } | undefined): void {
  const dir = ctx.findings.add(failure, c.kind, 'cli', c.id);
  if (dir) saveReproducer({ dir, failure, files, command: command.map((a) => (a === process.execPath ? 'node' : a)), result, notes: c.notes, base, seed: ctx.opts.seed, caseId: c.id, stream: 'cli' });
}

/** The in-process fuzzer as a child: restarted after a case that hangs or kills it. */
async function runInProcessLoop(ctx: Context, until: number, first = 0, count = Infinity): Promise<void> {
  let from = first;
  while (Date.now() < until && from < first + count) {
    let current: { id: number; kind: string; cpu?: number } | undefined;
    let generating: number | undefined;
    let lastLine = Date.now();
    let stderr = '';
    const child = spawn(process.execPath, [...WORKER_FLAGS, '--import', 'tsx', join(ROOT, 'scripts/fuzz/in-process.ts'), '--seed', String(ctx.opts.seed), '--from', String(from), '--until', String(until), '--count', String(first + count - from), '--kinds', ctx.opts.kinds.join(',')], {
      cwd: ROOT, // where tsx resolves
      env: ctx.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-20_000)));
    let hung = false;
    // As for CLI runs (run.ts): past the limit, a case starved of CPU gets up to three times it.
    const limit = ctx.opts.hangSeconds * 1000;
    const watchdog = setInterval(() => {
      const wall = Date.now() - lastLine;
      if (!current || wall < limit) return;
      const cpu = child.pid ? cpuSecondsOf(child.pid) : undefined;
      if (cpu !== undefined && current.cpu !== undefined && (cpu - current.cpu) * 1000 < limit && wall < 3 * limit) return;
      hung = true;
      child.kill('SIGKILL');
    }, 250);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      lastLine = Date.now();
      const [word, id, ...rest] = line.split(' ');
      if (word === 'gen') generating = Number(id);
      else if (word === 'start') current = { id: Number(id), kind: rest[0]!, cpu: child.pid ? cpuSecondsOf(child.pid) : undefined };
      else if (word === 'ok' || word === 'fail') {
        ctx.ran[`in-process ${current?.kind}`] = (ctx.ran[`in-process ${current?.kind}`] ?? 0) + 1;
        if (word === 'fail') {
          const f = JSON.parse(rest.join(' ')) as { signature: string; detail: string };
          recordInProcess(ctx, { cls: 'crash', signature: f.signature, detail: f.detail }, Number(id), { code: 0, signal: null, stdout: '', stderr: f.detail, timedOut: false, ms: 0 });
        }
        current = undefined;
        from = Number(id) + 1;
      }
    });
    const exit = await new Promise<{ code: number | null; signal: string | null }>((res) => child.on('close', (code, signal) => res({ code, signal })));
    clearInterval(watchdog);
    if (current) {
      const result: RunResult = { code: exit.code, signal: exit.signal, stdout: '', stderr, timedOut: hung, ms: Date.now() - lastLine };
      const failure = checkRun(result, { exits: [0], verdict: 'none' }) ?? { cls: 'crash', signature: `in-process worker died: exit ${exit.code}`, detail: stderr };
      ctx.ran[`in-process ${current.kind}`] = (ctx.ran[`in-process ${current.kind}`] ?? 0) + 1;
      recordInProcess(ctx, failure, current.id, result);
      from = current.id + 1;
    } else if (generating !== undefined && generating >= from && exit.code !== 0) {
      // Died making the case (the fuzzer's own limit, not offgate's): skip it.
      ctx.tooBig++;
      from = generating + 1;
    } else if (exit.code !== 0 && Date.now() < until) {
      // The worker failed before any case (cannot start): no point in restarting it.
      console.error(`in-process fuzzer failed to run: ${stderr.slice(0, 500)}`);
      return;
    }
  }
}

function recordInProcess(ctx: Context, failure: Failure, id: number, result: RunResult): void {
  const c = makeCase(ctx.corpus, ctx.opts.seed, id, { kinds: ctx.opts.kinds }, 'in-process');
  const dir = ctx.findings.add(failure, c.kind, 'in-process', id);
  if (!dir) return;
  const as = c.kind;
  const extra = c.kind === 'rego' && c.primary.endsWith('.rego') ? ['-e', c.args[c.args.indexOf('-e') + 1]!, '--rego-version', c.args[c.args.indexOf('--rego-version') + 1]!] : [];
  const file = c.kind === 'suite' ? c.args[1]! : c.primary;
  const command = ['npx', '--prefix', ROOT, 'tsx', join(ROOT, 'scripts/fuzz/in-process.ts'), '--file', file, '--as', as, ...extra];
  saveReproducer({ dir, failure, files: c.files, command, result, notes: c.notes, seed: ctx.opts.seed, caseId: id, stream: 'in-process' });
}

/**
 * Shrinks the first reproducer of each distinct CLI failure (not hangs: each try would
 * take the hang limit) to the fewest lines of its mutated file that fail the same way,
 * saved beside it as minimal/ and command-minimal.sh.
 */
async function minimizeAll(ctx: Context): Promise<void> {
  const until = Date.now() + ctx.opts.minimizeSeconds * 1000;
  for (const found of ctx.findings.byKey.values()) {
    if (Date.now() >= until) return;
    if (found.first.stream !== 'cli' || found.cls === 'hang' || found.cls === 'verdict') continue;
    const c = makeCase(ctx.corpus, ctx.opts.seed, found.first.id, { kinds: ctx.opts.kinds });
    const original = c.files.get(c.primary)!;
    const data = typeof original === 'string' ? Buffer.from(original) : original;
    const command = commandOf(ctx, c);
    const dir = join(ctx.work, 'minimize');
    const expectation = expectationOf(ctx, c);
    const same = async (candidate: Buffer) => {
      if (Date.now() >= until) return false;
      const r = await runIn(ctx, dir, new Map([...c.files, [c.primary, candidate]]), command);
      const f = checkRun(r, expectation);
      return f !== undefined && f.cls === found.cls && f.signature === found.signature;
    };
    const { data: reduced, tries } = await minimizeLines(splitLines(data), same, ctx.opts.minimizeRuns);
    if (reduced.length >= data.length) continue;
    const target = found.reproducers[0]!;
    writeFiles(join(target, 'minimal'), new Map([...c.files, [c.primary, reduced]]));
    const script = readFileSync(join(target, 'command.sh'), 'utf8').replace('/files"', '/minimal"');
    writeFileSync(join(target, 'command-minimal.sh'), script, { mode: 0o755 });
    appendFileSync(join(target, 'result.txt'), `\nminimal/: ${c.primary} shrunk from ${data.length} to ${reduced.length} bytes in ${tries} runs (same class and signature)\n`);
  }
}

/** The sentinel's findings when linted alone: what every run with it must still report. */
async function sentinelBaseline(ctx: Context): Promise<string[]> {
  const r = await runIn(ctx, join(ctx.work, 'sentinel'), new Map([['sentinel.yaml', SENTINEL]]), [process.execPath, ...NODE_FLAGS, BIN, 'lint', '--env', 'restricted', '-o', 'json', ...ctx.timeoutArgs, 'sentinel.yaml']);
  const report = parseReport(r.stdout);
  const keys = report ? findingKeys(report, 'sentinel.yaml') : [];
  if (r.code !== 1 || keys.length === 0) throw new Error(`the sentinel Pod should be denied: exit ${r.code}, ${keys.length} findings; stderr: ${r.stderr.slice(0, 500)}`);
  return keys;
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(join(ROOT, 'dist/offgate.cjs'))) throw new Error('dist/offgate.cjs is missing: run `npm run bundle` first (npm run fuzz does)');
  const help = spawnSync(process.execPath, [BIN, 'lint', '--help'], { encoding: 'utf8' }).stdout;
  const timeoutArgs = /--timeout\b/.test(help) ? ['--timeout', String(opts.timeout)] : [];
  rmSync(opts.out, { recursive: true, force: true });
  mkdirSync(opts.out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'offgate-fuzz-work-'));
  const env = { ...process.env, NO_COLOR: '1', CI: '1', OFFGATE_CACHE_DIR: join(work, 'cache') };
  // offgate finds offgate.yaml upward from the working directory: one above the temp dir would change every verdict.
  const stray = findConfigFile(work);
  if (typeof stray === 'string') console.warn(`warning: ${stray} applies to every run here (offgate finds it upward from ${work}); move it away for a clean run`);
  const corpus = loadCorpus(ROOT);
  const ctx: Context = { opts, corpus, work, env, timeoutArgs, sentinelKeys: [], findings: new Findings(opts.out, opts.perSignature), ran: {}, tooBig: 0 };
  try {
    ctx.sentinelKeys = await sentinelBaseline(ctx);
    console.log(
      `offgate fuzz: seed ${opts.seed}, ${opts.seconds} s, ${opts.jobs} CLI job(s)${opts.inProcess ? ' + in-process' : ''}, kinds ${opts.kinds.join(',')}, ` +
        `hang limit ${opts.hangSeconds} s, ${timeoutArgs.length ? `offgate --timeout ${opts.timeout}` : 'this offgate has no --timeout'}; ` +
        `corpus: ${corpus.manifests.length} manifests, ${corpus.configs.length} configs, ${corpus.suites.length} suites, ${corpus.rego.length} rego files, ${corpus.templates.length} templates`,
    );
    const start = Date.now();
    if (opts.replay) {
      if (opts.replay.stream === 'cli') await runCliCase(ctx, makeCase(corpus, opts.seed, opts.replay.id, { kinds: opts.kinds }), 0);
      else await runInProcessLoop(ctx, Date.now() + opts.hangSeconds * 1000, opts.replay.id, 1);
    } else {
      const until = start + opts.seconds * 1000;
      let next = 0;
      let done = 0;
      const progress = setInterval(() => console.log(`  ${Math.round((Date.now() - start) / 1000)} s: ${done} CLI cases, ${ctx.findings.count(['crash', 'exit', 'hang', 'bad-output', 'lost-findings', 'verdict'])} failures`), 30_000);
      const worker = async (slot: number) => {
        while (Date.now() < until) {
          const c = makeCase(corpus, opts.seed, next++, { kinds: opts.kinds });
          await runCliCase(ctx, c, slot);
          done++;
        }
      };
      await Promise.all([...Array.from({ length: opts.jobs }, (_, i) => worker(i)), ...(opts.inProcess ? [runInProcessLoop(ctx, until)] : [])]);
      clearInterval(progress);
      await minimizeAll(ctx);
    }
    return summary(ctx, Date.now() - start);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function summary(ctx: Context, ms: number): number {
  const f = ctx.findings;
  const total = Object.values(ctx.ran).reduce((s, n) => s + n, 0);
  const lines = [
    '',
    `cases run: ${total} in ${(ms / 1000).toFixed(0)} s (seed ${ctx.opts.seed})`,
    ...Object.entries(ctx.ran)
      .sort()
      .map(([k, n]) => `  ${k}: ${n}`),
    ...(ctx.tooBig > 0 ? [`  (in-process cases skipped, too big to make: ${ctx.tooBig})`] : []),
    `crashes (stack trace or fatal error): ${f.count('crash')}`,
    `bad exit codes or signals: ${f.count('exit')}`,
    `hangs past ${ctx.opts.hangSeconds} s: ${f.count('hang')}`,
    `verdict changes by prototype keys: ${f.count('verdict')}`,
    `sentinel findings lost: ${f.count('lost-findings')}`,
    `unreadable reports: ${f.count('bad-output')}`,
  ];
  const found = [...f.byKey.values()].sort((a, b) => (a.cls + a.kind + a.signature < b.cls + b.kind + b.signature ? -1 : 1));
  if (found.length > 0) {
    lines.push('', `distinct failures (${found.length}):`);
    for (const x of found) lines.push(`  ${x.cls} [${x.kind}] ${x.signature} — ${x.count}× — ${x.reproducers[0]}`);
  }
  lines.push('', `reproducers: ${found.length > 0 ? ctx.opts.out : 'none'}`);
  console.log(lines.join('\n'));
  return found.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`fuzz: ${e instanceof Error ? (process.env.FUZZ_DEBUG ? e.stack : e.message) : String(e)}`);
    process.exit(2);
  },
);
