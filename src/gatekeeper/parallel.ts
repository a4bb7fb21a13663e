// Evaluation on several threads: a large lint's objects are reviewed in consecutive parts,
// the first on this thread and each of the others by a worker that loads the same templates
// and constraints (engine.ts prepareEvaluation) and reviews its part (reviewObjects). The
// parts' results, concatenated in order and sorted once, are exactly those of one evaluate():
// review order decides ties, and it is kept.
//
// A worker runs offgate's own CLI script (the bundle with its code cache) with WORKER_FLAG,
// which serves one evaluation (evaluation-worker.ts) instead of the command line. A worker that
// fails in any way (cannot start, crashes, runs out of memory) leaves its part to this
// thread: the result is the same, only later.
//
// Only when asked (`lint --jobs N`): evaluation is memory-bound, and on a 2-core machine two
// threads review no more objects per second than one (measured with npm run bench).
import { Worker } from 'node:worker_threads';
import { joinReviews, prepareEvaluation, reviewedObjects, reviewObjects, type EngineInput, type EngineOutput, type Located, type PreparedEvaluation } from './engine';
import { isNamespaceObject } from './types';
import { mark } from '../timings';
import { MIN_OBJECTS_PER_THREAD, threadsFor, WORKER_FLAG } from './threads';

export interface ParallelOptions {
  /** Threads in all, this one included. */
  jobs: number;
  /** The script a worker runs: offgate's CLI (bin/offgate.js). */
  script: string;
}

/** What a worker is given: the engine input without the objects to review, and its part. */
export interface WorkerTask {
  input: EngineInput;
  items: Located[];
}

/** What a worker sends back: its part's output, each result and error naming its item by index (origins are this thread's objects). */
export interface WorkerAnswer {
  output: EngineOutput;
  resultItems: number[];
  errorItems: number[];
}

export async function evaluateInParallel(input: EngineInput, opts: ParallelOptions): Promise<EngineOutput> {
  const prepared = prepareEvaluation(input);
  const items = reviewedObjects(prepared);
  const parts = split(items, threadsFor(items.length, opts.jobs));
  // Workers first, so that they start while this thread reviews the first part.
  const workers = parts.slice(1).map((part) => ({ part, answer: startWorker(opts.script, workerTask(prepared, part)) }));
  const outputs = [reviewObjects(prepared, parts[0] ?? [])];
  mark(`evaluation of part 1 of ${parts.length} (${parts[0]?.length ?? 0} objects, this thread)`);
  let answered = 0;
  for (const { part, answer } of workers) {
    const got = await answer;
    if (got) answered++;
    outputs.push(got ? rejoin(got, part) : reviewObjects(prepared, part));
  }
  mark(`waiting for the other parts (${answered} of ${workers.length} workers answered)`);
  const out = joinReviews(prepared, outputs);
  // A warning said once per review (an undescribed namespace) is said once per part.
  out.warnings = [...new Set(out.warnings)];
  return out;
}

/**
 * `n` consecutive parts (at least one). The first, reviewed here while the workers start,
 * is a little larger: a worker begins its part some 60 ms late.
 */
export function split<T>(items: T[], n: number): T[][] {
  if (n <= 1) return [items];
  const head = Math.min(items.length, Math.ceil(items.length / n) + Math.floor(MIN_OBJECTS_PER_THREAD / 2));
  const rest = items.length - head;
  const parts = [items.slice(0, head)];
  for (let i = 0; i < n - 1; i++) parts.push(items.slice(head + Math.floor((rest * i) / (n - 1)), head + Math.floor((rest * (i + 1)) / (n - 1))));
  return parts.filter((p) => p.length > 0);
}

/**
 * The engine input a worker needs: the policy objects without their file text (the load
 * errors it would find are this thread's already), and of the cluster state only the
 * Namespaces, unless a template reads data.inventory.
 */
function workerTask(p: PreparedEvaluation, items: Located[]): WorkerTask {
  const input = p.engineInput;
  const strip = (l: Located): Located => ({ object: l.object, origin: l.origin });
  const inventory = input.options?.inventory;
  return {
    input: {
      templates: input.templates?.map(strip),
      constraints: input.constraints?.map(strip),
      objects: input.objects.map(strip),
      precompiled: input.precompiled,
      options: { ...input.options, inventory: inventory && !p.readsInventory ? inventory.filter(isNamespaceObject) : inventory },
    },
    items: items.map(strip),
  };
}

function startWorker(script: string, task: WorkerTask): Promise<WorkerAnswer | undefined> {
  return new Promise((done) => {
    let worker: Worker;
    try {
      worker = new Worker(script, { argv: [WORKER_FLAG], workerData: task, stdout: true, stderr: true });
    } catch {
      done(undefined);
      return;
    }
    worker.once('message', (answer: WorkerAnswer) => done(answer));
    worker.once('error', () => done(undefined));
    worker.once('exit', () => done(undefined)); // without an answer: this thread reviews the part
  });
}

/** A worker's output with this thread's origins put back (results and errors point at the objects read here). */
function rejoin(answer: WorkerAnswer, part: Located[]): EngineOutput {
  const { output } = answer;
  output.results.forEach((r, i) => {
    const k = answer.resultItems[i];
    r.origin = k >= 0 ? part[k].origin : undefined;
  });
  output.errors.forEach((e, i) => {
    const k = answer.errorItems[i];
    e.origin = k >= 0 ? part[k].origin : undefined;
  });
  return output;
}

/** Worker side: the task's part reviewed, results and errors tied to their item by index. */
export function answerTask(task: WorkerTask): WorkerAnswer {
  const prepared = prepareEvaluation(task.input);
  const output = reviewObjects(prepared, task.items);
  const index = new Map<unknown, number>(task.items.map((item, i) => [item.origin, i]));
  const at = (origin: unknown) => (origin === undefined ? -1 : (index.get(origin) ?? -1));
  const resultItems = output.results.map((r) => at(r.origin));
  const errorItems = output.errors.map((e) => at(e.origin));
  for (const r of output.results) delete r.origin;
  for (const e of output.errors) delete e.origin;
  return { output, resultItems, errorItems };
}
