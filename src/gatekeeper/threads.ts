// How many threads a large evaluation runs on (src/gatekeeper/parallel.ts), decided without
// loading it: node:worker_threads costs milliseconds of every run, and most runs (a pre-commit
// hook's few files) use one thread.

/** The argument with which offgate's CLI script, started as a worker, serves one evaluation (src/cli/entry.ts). */
export const WORKER_FLAG = '--offgate-evaluation-worker';

/**
 * Below this many objects a part is not worth a worker: starting one (a thread, the bundle,
 * the templates) costs about as much as reviewing this many objects.
 */
export const MIN_OBJECTS_PER_THREAD = 250;

/** Threads for reviewing `objects` objects when `jobs` are allowed: at least one, and none idle for want of objects. */
export function threadsFor(objects: number, jobs: number): number {
  return Math.max(1, Math.min(Math.floor(jobs), Math.floor(objects / MIN_OBJECTS_PER_THREAD)));
}
