// Where the CLI's output goes, and what happens when it cannot go there. A reader that
// stops early (`| head -1`) is no failure: the run ends quietly with its own exit code.
// A write that fails (a full disk) is one line and exit code 2. Report files are
// written beside their target and renamed onto it, so that a reader never sees half a
// report and a failed write never leaves a truncated one.
import { closeSync, fstatSync, fsyncSync, lstatSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A report or standard output could not be written: the CLI says so in one line and exits 2. */
export class WriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteError';
  }
}

/** `no space left on device` from `ENOSPC: no space left on device, write`; the code when there is no text. */
export function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const described = /^E[A-Z0-9]+: ([^,]+)/.exec(err?.message ?? '');
  if (described) return described[1]!;
  if (err?.code === 'EPIPE') return 'broken pipe';
  return err?.code ?? (e instanceof Error ? e.message : String(e));
}

export function isClosedPipe(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * Writes a report (or any output file) to `path` as one whole: a temporary file beside it, flushed, then
 * renamed onto it. A path that exists and is no regular file (a device such as
 * /dev/stdout or /dev/full, a FIFO) is written in place: renaming over it would replace
 * the device. Throws WriteError, after removing the temporary file and any previous
 * report at `path` (an old report must not pass for this run's).
 */
export function writeOutputFile(path: string, data: string | Uint8Array): void {
  if (!isRegularOrAbsent(path)) {
    writeWhole(path, path, data, 'w');
    return;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  try {
    writeWhole(tmp, path, data, 'wx');
    renameSync(tmp, path);
  } catch (e) {
    removeQuietly(tmp);
    removeStaleReport(path);
    throw e instanceof WriteError ? e : new WriteError(`cannot write ${path}: ${errnoText(e)}`);
  }
}

/** A previous run's report at `path`, removed: this run failed before it could write its own. */
export function removeStaleReport(path: string): void {
  let st;
  try {
    st = lstatSync(path);
    if (st.isSymbolicLink()) st = statSync(path);
  } catch {
    return; // nothing there, or nothing reachable
  }
  // Only a report-like file: never a device, FIFO or folder given as --output-file.
  if (st.isFile()) removeQuietly(path);
}

function isRegularOrAbsent(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return true;
  }
}

/** Writes `data` to `path`; errors name `target`, the file the user asked for. */
function writeWhole(path: string, target: string, data: string | Uint8Array, flags: 'w' | 'wx'): void {
  let fd: number;
  try {
    fd = openSync(path, flags, 0o644);
  } catch (e) {
    throw new WriteError(`cannot write ${target}: ${errnoText(e)}`);
  }
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    if (flags === 'wx') fsyncSync(fd); // the rename must not publish data still in the page cache only
  } catch (e) {
    throw new WriteError(`cannot write ${target}: ${errnoText(e)}`);
  } finally {
    closeSync(fd);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Standard output as the commands use it. */
export interface StandardOutput {
  write(text: string): void;
  /** Whether it is a terminal (colour, progress). */
  isTTY(): boolean;
  /** The terminal's width, when it is one. */
  columns(): number | undefined;
}

/**
 * Standard output. A file, a pipe, a socket or the null device is written (on POSIX systems)
 * with writeSync on descriptor 1, as process.stdout writes them on Linux, but without
 * creating process.stdout: that loads Node's stream modules, 3-5 ms of a pre-commit run that
 * writes a few lines. A terminal (or anything else, or anything on Windows) is written
 * through process.stdout. A closed pipe makes further writes no-ops (the exit code stays the
 * run's own); any other write error calls `fail` with one line.
 */
export function standardOutput(fail: (message: string) => void): StandardOutput {
  let sink: boolean | undefined;
  let guarded = false;
  let gone = false;
  const failed = (e: unknown) => {
    if (gone) return;
    gone = true;
    if (!isClosedPipe(e)) fail(`cannot write standard output: ${errnoText(e)}`);
  };
  const isSinkNow = () => (sink ??= isSink(1));
  return {
    write(text) {
      if (gone) return;
      if (isSinkNow()) {
        try {
          writeAllSync(1, text);
        } catch (e) {
          failed(e);
        }
        return;
      }
      if (!guarded) {
        guarded = true;
        process.stdout.on('error', failed);
      }
      process.stdout.write(text);
    },
    isTTY: () => !isSinkNow() && Boolean(process.stdout.isTTY),
    columns: () => (isSinkNow() ? undefined : process.stdout.columns),
  };
}

/** Whether standard error is a terminal, asked without creating process.stderr unless it may be one. */
export function stderrIsTTY(): boolean {
  return !isSink(2) && Boolean(process.stderr.isTTY);
}

/**
 * A standard stream that is a regular file, a pipe, a socket (what Node gives a child for a
 * pipe) or the null device: surely no terminal.
 */
function isSink(fd: 1 | 2): boolean {
  // On Windows a pipe may be opened for overlapped I/O, which a plain synchronous write must not use.
  if (process.platform === 'win32') return false;
  try {
    const st = fstatSync(fd);
    if (st.isFile() || st.isFIFO() || st.isSocket()) return true;
    // A terminal is a character device too: only the null device itself is taken.
    return st.isCharacterDevice() && st.rdev === statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

/** All of `text` to `fd`; a pipe its other end made non-blocking is waited on, as a blocking write would. */
function writeAllSync(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length; ) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

let stderrGuarded = false;

/**
 * Writes to standard error; its errors are dropped (there is nowhere left to say anything).
 * Guarded on first use, not at start-up: a run that writes nothing there does not pay for
 * creating the stream.
 */
export function writeStderr(text: string): void {
  if (!stderrGuarded) {
    stderrGuarded = true;
    process.stderr.on('error', () => undefined);
  }
  process.stderr.write(text);
}
