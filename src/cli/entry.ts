// The bundled CLI's entry point: the command line (main.ts) or, in a worker thread that
// src/gatekeeper/parallel.ts started with WORKER_FLAG, one part of a large evaluation. The
// check reads process.argv only: loading node:worker_threads costs milliseconds of every run.
import { WORKER_FLAG } from '../gatekeeper/threads';

if (process.argv[2] === WORKER_FLAG) void import('../gatekeeper/evaluation-worker').then((w) => w.serveEvaluation());
else void import('./main');
