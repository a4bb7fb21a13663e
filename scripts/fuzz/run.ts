// Running a command in a child process with a hang limit: output kept up to a cap, the
// whole process group killed when the limit passes.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Killed at the hang limit. */
  timedOut: boolean;
  ms: number;
  /** CPU seconds the process had used when killed (Linux), else undefined. */
  cpuSeconds?: number;
  /** Standard output was longer than the cap: `stdout` is its beginning only. */
  stdoutTruncated?: boolean;
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
  const max = opts.maxOutput ?? 64 << 20;
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
    let cpuSeconds: number | undefined;
    // Past the limit, a process that was starved of CPU (a loaded machine) gets more time,
    // up to three times the limit: a hang is the limit's worth of work, not of waiting.
    const timer = setInterval(() => {
      const wall = Date.now() - start;
      if (wall < opts.timeoutMs) return;
      cpuSeconds = child.pid ? cpuSecondsOf(child.pid) : undefined;
      if (cpuSeconds !== undefined && cpuSeconds * 1000 < opts.timeoutMs && wall < 3 * opts.timeoutMs) return;
      timedOut = true;
      clearInterval(timer);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, 250);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut, ms: Date.now() - start, cpuSeconds, stdoutTruncated: outBytes > max });
    });
    child.on('error', (e) => {
      clearInterval(timer);
      resolve({ code: null, signal: null, stdout: '', stderr: `spawn failed: ${e.message}`, timedOut: false, ms: Date.now() - start });
    });
  });
}

/** User + system CPU seconds of a process, from /proc (Linux; undefined elsewhere). */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux Node supports. */
const CLOCK_TICKS = 100;
