// Benchmark (not a test): the time spent inside compiled modules when `offgate lint`
// evaluates the 2,000-object workload, through src/policy/review-evaluator.ts as the
// engine calls it. One lint run records every call the engine makes (review loaded,
// batch or single evaluation, end); the calls are then replayed, best of several rounds,
// so the figure is evaluation alone: no YAML, matching or report.
//
//   npm run bench:eval-library                    the bundled library, compiled now from rego/
//   npm run bench:eval-library -- --wasm F        ... or a given library module (wasm/library.wasm)
//   npm run bench:eval-library -- --policy        the 19 templates as a user's --policy folder
//   npm run bench:eval-library -- --against F    also F (the library before a change), rounds
//                                                 alternating, for a before/after in the same minute
//   options: --objects N (2000), --rounds N (5)
// Figures are CPU time of this process (user + system), the best round: steadier than
// wall time on a shared machine; and, of that, the time inside the module's exports
// (wall time summed over every call into it: JSON parse of the review, evaluation, dump).
//
// Every replayed result is compared with the one recorded, so a compiler change that
// alters results fails here. OFFGATE_WASM_NAMES (src/compiler/backend/names.ts) makes
// the library compiled here carry function names, for `node --cpu-prof`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATCH_ENTRYPOINT, compileLibrary } from '../src/gatekeeper/bundled-wasm';
import { loadLibrary } from '../src/gatekeeper/library';
import { lint } from '../src/lint/lint';
import { loadLimitedPolicy } from '../src/policy/limits';
import { ReviewEvaluator } from '../src/policy/review-evaluator';
import { packagePath } from '../src/paths';
import { OFFGATE_YAML, objectsYaml, writePolicyFolder } from '../scripts/bench-workload';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const count = Number(arg('objects')) || 2000;
const rounds = Number(arg('rounds')) || 5;
const policyMode = process.argv.includes('--policy');

type Call =
  | { ev: ReviewEvaluator; op: 'begin'; review: string | Uint8Array }
  | { ev: ReviewEvaluator; op: 'evaluate'; entrypoint: string; parameters: Uint8Array; result: string }
  | { ev: ReviewEvaluator; op: 'pin'; json: Uint8Array }
  | { ev: ReviewEvaluator; op: 'batch'; entrypoint: string; constraints: Uint8Array; pinned: boolean; result: string }
  | { ev: ReviewEvaluator; op: 'end' };

/** Runs lint over the workload with ReviewEvaluator's methods wrapped to record each call. */
async function record(): Promise<Call[]> {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-bench-eval-'));
  const cache = process.env.OFFGATE_CACHE_DIR;
  process.env.OFFGATE_CACHE_DIR = join(dir, 'cache'); // --policy templates compiled by this compiler
  const calls: Call[] = [];
  const proto = ReviewEvaluator.prototype;
  const { begin, evaluate, evaluateBatch, end, pin } = proto;
  // Pinned values by address, per evaluator: a batch call given one is recorded with its JSON.
  const pinnedJson = new Map<ReviewEvaluator, Map<number, Uint8Array>>();
  proto.pin = function (json) {
    calls.push({ ev: this, op: 'pin', json });
    const addr = pin.call(this, json);
    if (!pinnedJson.has(this)) pinnedJson.set(this, new Map());
    pinnedJson.get(this)!.set(addr, json);
    return addr;
  };
  proto.begin = function (review) {
    calls.push({ ev: this, op: 'begin', review });
    return begin.call(this, review);
  };
  proto.evaluate = function (entrypoint, parameters) {
    const rs = evaluate.call(this, entrypoint, parameters);
    calls.push({ ev: this, op: 'evaluate', entrypoint, parameters, result: JSON.stringify(rs) });
    return rs;
  };
  proto.evaluateBatch = function (entrypoint, constraints) {
    const rs = evaluateBatch.call(this, entrypoint, constraints);
    const json = typeof constraints === 'number' ? pinnedJson.get(this)!.get(constraints)! : constraints;
    calls.push({ ev: this, op: 'batch', entrypoint, constraints: json, pinned: typeof constraints === 'number', result: JSON.stringify(rs) });
    return rs;
  };
  proto.end = function () {
    calls.push({ ev: this, op: 'end' });
    return end.call(this);
  };
  try {
    writeFileSync(join(dir, 'objects.yaml'), objectsYaml(count).join('---\n'));
    // --policy: the 19 templates and the `all` environment's constraints as a user's folder, no offgate.yaml.
    if (policyMode) writePolicyFolder(join(dir, 'policy'), undefined);
    else writeFileSync(join(dir, 'offgate.yaml'), OFFGATE_YAML);
    const { fatal } = await lint({ paths: [join(dir, 'objects.yaml')], cwd: dir, ...(policyMode ? { policyDirs: [join(dir, 'policy')] } : { env: 'all' }) });
    if (fatal) throw new Error(fatal);
  } finally {
    Object.assign(proto, { begin, evaluate, evaluateBatch, end, pin });
    if (cache === undefined) delete process.env.OFFGATE_CACHE_DIR;
    else process.env.OFFGATE_CACHE_DIR = cache;
    rmSync(dir, { recursive: true, force: true });
  }
  return calls;
}

/** Milliseconds spent inside the exports of the modules wrapped by timeExports. */
let inWasm = 0;

/** Wraps the module's exports the evaluator calls so that the time inside them adds up in inWasm. */
function timeExports(ev: ReviewEvaluator): void {
  const holder = ev as unknown as { x: Record<string, unknown> };
  if (Object.prototype.hasOwnProperty.call(holder.x, '__timed')) return;
  const timed: Record<string, unknown> = { __timed: true };
  for (const [name, f] of Object.entries(holder.x)) {
    timed[name] = typeof f !== 'function' ? f : (...args: number[]) => {
      const t0 = performance.now();
      try {
        return (f as (...a: number[]) => number)(...args);
      } finally {
        inWasm += performance.now() - t0;
      }
    };
  }
  holder.x = timed;
}

/** Replays the calls, each on `target(ev)`, checking every result when `verify`; CPU milliseconds. */
function replay(calls: Call[], target: (ev: ReviewEvaluator) => ReviewEvaluator, verify: boolean): number {
  const t0 = process.cpuUsage();
  for (const call of calls) {
    const ev = target(call.ev);
    switch (call.op) {
      case 'begin': ev.begin(call.review); break;
      case 'end': ev.end(); break;
      case 'evaluate': {
        const rs = ev.evaluate(call.entrypoint, call.parameters);
        if (verify) check(call, JSON.stringify(rs));
        break;
      }
      case 'pin': ev.pin(call.json); break;
      case 'batch': {
        // Pinned before this review's begin(), as recorded: pin() now only looks it up.
        const rs = ev.evaluateBatch(call.entrypoint, call.pinned ? pinnedAt(ev, call.constraints) : call.constraints);
        if (verify) check(call, JSON.stringify(rs));
        break;
      }
    }
  }
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
}

/** The address of a value the replay pinned already (pin() before begin(), so nothing is dropped). */
function pinnedAt(ev: ReviewEvaluator, json: Uint8Array): number {
  const known = (ev as unknown as { pinned: Map<Uint8Array, number> }).pinned.get(json);
  if (known === undefined) throw new Error('replay: a batch call on a value not pinned before its review');
  return known;
}

function check(call: { result: string; entrypoint: string }, got: string): void {
  if (got !== call.result) throw new Error(`${call.entrypoint}: result differs from the recorded one\nrecorded: ${call.result.slice(0, 400)}\nreplayed: ${got.slice(0, 400)}`);
}

const calls = await record();
const evaluations = calls.filter((c) => c.op === 'evaluate' || c.op === 'batch').length;
const reviews = calls.filter((c) => c.op === 'begin').length;

/** A library module's evaluator: the one compiled now from rego/, or the one in `file`. */
function libraryEvaluator(file: string | undefined): { ev: ReviewEvaluator; label: string } {
  const t0 = performance.now();
  const wasm = file ? new Uint8Array(readFileSync(file)) : compileLibrary(loadLibrary(packagePath('rego')));
  const compileMs = performance.now() - t0;
  const ev = new ReviewEvaluator(loadLimitedPolicy(wasm));
  if (!ev.has(BATCH_ENTRYPOINT)) throw new Error(`${file ?? 'the library'}: no batch entrypoint`);
  return { ev, label: `bundled library ${file ? `(${file})` : `(compiled now from rego/ in ${compileMs.toFixed(0)} ms, ${wasm.length} bytes)`}` };
}

const targets: { label: string; target: (ev: ReviewEvaluator) => ReviewEvaluator; best: number; bestWasm: number }[] = [];
if (policyMode) {
  for (const c of calls) timeExports(c.ev);
  targets.push({ label: '19 templates under --policy (modules compiled now)', target: (ev) => ev, best: Infinity, bestWasm: Infinity });
} else {
  for (const file of [arg('wasm'), ...(arg('against') ? [arg('against')] : [])]) {
    const { ev, label } = libraryEvaluator(file);
    timeExports(ev);
    targets.push({ label, target: () => ev, best: Infinity, bestWasm: Infinity });
  }
}
for (const t of targets) replay(calls, t.target, true); // a first round checks every result (and warms up)
for (let r = 0; r < rounds; r++) {
  for (const t of targets) {
    inWasm = 0;
    t.best = Math.min(t.best, replay(calls, t.target, false));
    t.bestWasm = Math.min(t.bestWasm, inWasm);
  }
}
console.log(`${reviews} reviews loaded, ${evaluations} evaluation calls; best of ${rounds} rounds:`);
for (const t of targets) {
  console.log(`${t.best.toFixed(1).padStart(8)} ms CPU, ${t.bestWasm.toFixed(1).padStart(6)} ms inside the module (${((t.bestWasm / reviews) * 1000).toFixed(1)} µs per review)  ${t.label}`);
}
