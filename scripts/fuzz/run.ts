// Running a command in a child process with a hang limit: output kept up to a cap, the
// whole process group killed when the limit passes.
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Killed at the hang limit. */
  timedOut: boolean;
  ms: number;
}

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Bytes of each stream kept (the rest is counted, not stored). */
  maxOutput?: number;
}

export function runCommand(command: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const start = Date.now();
  const max = opts.maxOutput ?? 8 << 20;
  return new Promise((resolve) => {
    // Its own process group, so that a hang is ended with everything it started.
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    child.stdout.on('data', (b: Buffer) => {
      if (outBytes < max) out.push(b);
      outBytes += b.length;
    });
    child.stderr.on('data', (b: Buffer) => {
      if (errBytes < max) err.push(b);
      errBytes += b.length;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, opts.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut, ms: Date.now() - start });
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout: '', stderr: `spawn failed: ${e.message}`, timedOut: false, ms: Date.now() - start });
    });
  });
}
