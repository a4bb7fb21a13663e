// Reading one input file safely: only regular files, at most `maxFileSize` bytes, decided
// before anything is read. The files come from a pull request: a FIFO would block the open
// until a writer comes (forever, in CI), a link to /dev/zero would never end, a 3 GB file
// would be read whole before anything could refuse it.
//
// The rule: a path is opened with O_NONBLOCK (opening a FIFO then returns at once instead of
// waiting for a writer), and the open descriptor's fstat decides: a regular file no larger
// than the limit is read, anything else is refused with the reason. The one exception is a
// path naming an already-open descriptor of this process, `/dev/fd/N` or `/proc/self/fd/N`
// (or `/dev/stdin`), as bash's process substitution `<(helm template …)` passes: that pipe has its writer, like
// standard input, and is read from the descriptor (never opened again), up to the limit.
// `allowPipe` says whether the caller takes that exception (files named as arguments do;
// folder walks, globs and suites do not).
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, type BigIntStats } from 'node:fs';
import { formatSize } from './limits';

export type FileText = { text: string; real: string; stat?: FileStat } | { error: string };

/**
 * What the file system says of a regular file, as read: its identity and change times, to
 * tell later whether it is still the same file with the same bytes (parse-cache.ts).
 */
export interface FileStat {
  /** Device, inode, size, and modification and change times in nanoseconds. */
  key: string;
  size: number;
  /** The later of its modification and change times, in nanoseconds since the epoch. */
  changedNs: bigint;
}

/**
 * FileStat of the file at `path` (links followed, as a read follows them), when it is a
 * regular file on a file system that numbers its files (one that says inode 0 for all could
 * not tell a file from its replacement).
 */
export function statOfPath(path: string): FileStat | undefined {
  try {
    const s = statSync(path, { bigint: true, throwIfNoEntry: false });
    return s?.isFile() && s.ino !== 0n ? fileStat(s) : undefined;
  } catch {
    return undefined;
  }
}

function fileStat(s: BigIntStats): FileStat {
  return { key: `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`, size: Number(s.size), changedNs: s.mtimeNs > s.ctimeNs ? s.mtimeNs : s.ctimeNs };
}

/** The text of the regular file at `path` (and its real path, to read a file once); or why it was not read. */
export function readInputFile(path: string, maxFileSize: number, { allowPipe = false } = {}): FileText {
  const inherited = allowPipe ? inheritedDescriptor(path) : undefined;
  if (inherited !== undefined) return readDescriptor(inherited, path, maxFileSize, false);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    return { error: fsMessage(e) };
  }
  try {
    return readDescriptor(fd, path, maxFileSize, true);
  } finally {
    closeSync(fd);
  }
}

function readDescriptor(fd: number, path: string, maxFileSize: number, mustBeFile: boolean): FileText {
  let stats: BigIntStats;
  try {
    stats = fstatSync(fd, { bigint: true });
  } catch (e) {
    return { error: fsMessage(e) };
  }
  if (stats.isFile()) {
    const size = Number(stats.size);
    if (size > maxFileSize) return { error: tooLarge(formatSize(size), maxFileSize) };
    const read = readUpTo(fd, size, maxFileSize, path);
    // The stat of the descriptor read, taken before reading: a change while reading changes its times.
    return 'text' in read && stats.ino !== 0n ? { ...read, stat: fileStat(stats) } : read;
  }
  if (!mustBeFile && (stats.isFIFO() || stats.isSocket())) return readUpTo(fd, 64 * 1024, maxFileSize, path);
  return { error: `not a regular file (${kindOf(stats)}): not read` };
}

/** Reads until end of file, `expected` bytes to start with, refusing past `max`. */
function readUpTo(fd: number, expected: number, max: number, path: string): FileText {
  let buffer = Buffer.allocUnsafe(Math.min(Math.max(expected, 1), max) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > max) return { error: tooLarge(`more than ${formatSize(max)}`, max) };
      const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, max + 1));
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    let n: number;
    try {
      n = readSync(fd, buffer, length, buffer.length - length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        // A pipe opened non-blocking, its writer not done yet: wait a little, as a blocking read would.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      return { error: fsMessage(e) };
    }
    if (n === 0) break;
    length += n;
    if (length > max) return { error: tooLarge(`more than ${formatSize(max)}`, max) };
  }
  return { text: buffer.toString('utf8', 0, length), real: realPath(path) };
}

/** The descriptor `/dev/fd/N`, `/proc/self/fd/N` or `/dev/stdin` names, when it is open in this process. */
function inheritedDescriptor(path: string): number | undefined {
  const m = /^\/(?:dev|proc\/self)\/fd\/(\d+)$|^\/dev\/stdin$/.exec(path);
  if (!m) return undefined;
  const fd = m[1] === undefined ? 0 : Number(m[1]);
  try {
    fstatSync(fd);
    return fd;
  } catch {
    return undefined;
  }
}

function tooLarge(size: string, max: number): string {
  return `file is ${size}, larger than the ${formatSize(max)} limit (maxFileSize, --max-file-size): not read`;
}

function kindOf(stats: BigIntStats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe, which would block until something writes to it';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

/** The path with links resolved, to read a file once; as given when it has none (a pipe). */
function realPath(path: string): string {
  try {
    // realpath(3) in one call; the JavaScript realpath stats every component of the path.
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

/** A file system error in a few words, without the path (the caller names the file). */
export function fsMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links (a link loop)';
    case 'ENXIO':
      return 'not a regular file (a socket): not read';
    default:
      return err instanceof Error ? err.message : String(e);
  }
}
