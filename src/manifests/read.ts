// Inputs to texts: files, folders, globs and stdin, in the order given.
//
// Files are read with node:fs's synchronous calls, one after the other: a lint waits for
// them anyway, and for thousands of small manifests four thread-pool round trips per file
// (open, stat, read, close) cost more than the reads. `glob` is imported when a pattern is
// met: loading it costs milliseconds a pre-commit run of a few named files would pay for
// nothing.
import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseManifestText, type ManifestObject, type ParseOptions, type ReadError } from './parse';

export interface ReadOptions extends ParseOptions {
  /** Relative inputs are resolved here. Default: process.cwd(). */
  cwd?: string;
  /** What `-` reads. Default: process.stdin. */
  stdin?: NodeJS.ReadableStream | string;
}

export interface ReadResult {
  objects: ManifestObject[];
  errors: ReadError[];
  /** Files read, in order, as named in origins; '-' for stdin. */
  files: string[];
}

/** Extensions read when walking a folder. Files named one by one, or by a glob, are read whatever theirs. */
const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/**
 * Reads every manifest named by `inputs`:
 * - a file, read whatever its extension;
 * - a folder, walked recursively in lexical order (as `kubectl apply -R` does), reading
 *   `.yaml`, `.yml` and `.json` files, skipping `node_modules` and names starting with a dot;
 *   symbolic links to files are read, links to folders are not followed (no loops);
 * - a glob (`manifests/**\/*.yaml`), when no file has that name: its matching files in lexical
 *   order, not looking into `node_modules` (unless the pattern names it) nor dot-directories;
 * - `-`, standard input.
 * A file named twice, or reached again through a symbolic link, is read once. Problems (a
 * missing path, a glob matching nothing, bad YAML) come back as errors alongside whatever could
 * be read, in input order.
 */
export async function readManifests(inputs: string[], opts: ReadOptions = {}): Promise<ReadResult> {
  const cwd = opts.cwd ?? process.cwd();
  const plan: ({ file: string } | { error: ReadError })[] = [];
  const seen = new Set<string>();
  const addFile = (file: string) => {
    const key = file === '-' ? '-' : resolve(cwd, file);
    if (seen.has(key)) return;
    seen.add(key);
    plan.push({ file });
  };
  const addError = (error: ReadError) => plan.push({ error });

  for (const input of inputs) {
    if (input === '-') {
      addFile('-');
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = statSync(resolve(cwd, input)).isDirectory();
    } catch (e) {
      const matches = isNotFound(e) ? await globMatches(input, cwd) : undefined;
      if (matches) {
        if (matches.length === 0) addError({ file: input, message: 'no file matches this pattern' });
        for (const match of matches.sort(compareNames)) addFile(match);
      } else {
        addError({ file: input, message: fsMessage(e) });
      }
      continue;
    }
    if (isDirectory) walk(resolve(cwd, input), input, addFile, addError);
    else addFile(input);
  }

  const texts = await readAll(plan.flatMap((step) => ('file' in step ? [step.file] : [])), cwd, opts.stdin);
  const result: ReadResult = { objects: [], errors: [], files: [] };
  const read = new Set<string>();
  for (const step of plan) {
    if ('error' in step) {
      result.errors.push(step.error);
      continue;
    }
    const got = texts.get(step.file)!;
    if ('error' in got) {
      result.errors.push({ file: step.file, message: got.error });
      continue;
    }
    // The same file reached through a symbolic link would report everything twice.
    if (read.has(got.real)) continue;
    read.add(got.real);
    result.files.push(step.file);
    const { objects, errors } = parseManifestText(got.text, step.file, opts);
    result.objects.push(...objects);
    result.errors.push(...errors);
  }
  return result;
}

/** The files a glob pattern matches; undefined when `input` is no pattern. */
async function globMatches(input: string, cwd: string): Promise<string[] | undefined> {
  const { glob, hasMagic } = await import('glob');
  if (!hasMagic(input)) return undefined;
  return glob(input, { cwd, nodir: true, ignore: input.includes('node_modules') ? undefined : '**/node_modules/**' });
}

function walk(dir: string, name: string, addFile: (file: string) => void, addError: (e: ReadError) => void): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    addError({ file: name, message: fsMessage(e) });
    return;
  }
  entries.sort((a, b) => compareNames(a.name, b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      isFile = isFileAt(path);
    } else if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') walk(path, join(name, entry.name), addFile, addError);
      continue;
    }
    if (isFile && MANIFEST_FILE.test(entry.name)) addFile(join(name, entry.name));
  }
}

/** Plain code-unit order, the same on every machine (localeCompare is not). */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Read = { text: string; real: string } | { error: string };

async function readAll(files: string[], cwd: string, stdin: ReadOptions['stdin']): Promise<Map<string, Read>> {
  const texts = new Map<string, Read>();
  for (const file of files) {
    try {
      if (file === '-') {
        texts.set(file, { text: await readStdin(stdin ?? process.stdin), real: '-' });
      } else {
        const path = resolve(cwd, file);
        texts.set(file, { text: readFileSync(path, 'utf8'), real: realPath(path) });
      }
    } catch (e) {
      texts.set(file, { error: fsMessage(e) });
    }
  }
  return texts;
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

function isFileAt(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

async function readStdin(stdin: NodeJS.ReadableStream | string): Promise<string> {
  if (typeof stdin === 'string') return stdin;
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT' || (e as NodeJS.ErrnoException)?.code === 'ENOTDIR';
}

function fsMessage(e: unknown): string {
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
    default:
      return err instanceof Error ? err.message : String(e);
  }
}
