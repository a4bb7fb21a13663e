// A worker thread's side of parallel.ts: the task given as workerData is evaluated and the
// answer posted back; the thread then ends. Anything thrown ends it without an answer, and
// the main thread reviews the part itself.
import { parentPort, workerData } from 'node:worker_threads';
import { answerTask, type WorkerTask } from './parallel';

export function serveEvaluation(): void {
  parentPort?.postMessage(answerTask(workerData as WorkerTask));
}
