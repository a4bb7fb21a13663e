// Inputs to texts: files, folders, globs and stdin, in the order given.
//
// Files are read with node:fs's synchronous calls, one after the other: a lint waits for
// them anyway, and for thousands of small manifests four thread-pool round trips per file
// (open, stat, read, close) cost more than the reads. `glob` is imported when a pattern is
// met: loading it costs milliseconds a pre-commit run of a few named files would pay for
// nothing.
import { append, compareText } from '../arrays';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fsMessage, readInputFile, type FileStat } from './file';
import { skipReason, type SkippedFile } from './classify';
import { GitIgnores, PatternSet } from './exclude';
import { DEFAULT_MAX_FILE_SIZE, formatSize } from './limits';
import { parseManifestText, type ManifestObject, type ParseOptions, type ReadError } from './parse';
import type { NamedText, Parser } from './parse-cache';

export interface ReadOptions extends ParseOptions {
  /** Relative inputs are resolved here. Default: process.cwd(). */
  cwd?: string;
  /** What `-` reads. Default: process.stdin. */
  stdin?: NodeJS.ReadableStream | string;
  /** Largest file (or standard input) read, in bytes; larger ones are errors. Default 64 MiB. */
  maxFileSize?: number;
  /**
   * Set aside files that hold no Kubernetes object (see classify.ts) in `skipped` instead of
   * returning their documents. Standard input is never set aside: what is piped in is meant
   * as manifests, and a failed pipeline must not pass.
   */
  skipNonKubernetes?: boolean;
  /**
   * Inputs left out, named, walked or matched by a glob: gitignore-style patterns relative to
   * `base` (default `cwd`). Folder walks also leave out what the repository's .gitignore
   * files ignore; a file named by itself is read even so (it was asked for by name).
   */
  exclude?: { base?: string; patterns: readonly string[] }[];
  /** How the files' texts become objects, all at once. Default parseManifestText on each; a --policy folder is read through the parse cache (parse-cache.ts). */
  parse?: Parser;
}

export interface ReadResult {
  objects: ManifestObject[];
  errors: ReadError[];
  /** What was skipped but is worth a line (a dangling or looping symbolic link in a folder). */
  warnings: ReadError[];
  /** Files read, in order, as named in origins; '-' for stdin. Skipped files are not among them. */
  files: string[];
  /** Files read but set aside as no Kubernetes manifests (`skipNonKubernetes`), in order. */
  skipped: SkippedFile[];
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
 * missing path, a glob matching nothing, bad YAML, a file that is no regular file or is larger
 * than `maxFileSize`, an empty standard input) come back as errors alongside whatever could
 * be read, in input order; a link in a folder that leads nowhere is a warning.
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
  const warnings: ReadError[] = [];
  const maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  /** Files named one by one: a `/dev/fd/N` pipe among them is read (see file.ts). */
  const named = new Set<string>();
  const excludes = (opts.exclude ?? []).filter((e) => e.patterns.length > 0).map((e) => new PatternSet(resolve(cwd, e.base ?? '.'), e.patterns));
  const excluded = (path: string, isDirectory: boolean) => excludes.some((set) => set.matches(path, isDirectory));
  const gitignores = new GitIgnores();

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
        for (const match of matches.sort(compareText)) if (!excluded(resolve(cwd, match), false)) addFile(match);
      } else {
        addError({ file: input, message: fsMessage(e) });
      }
      continue;
    }
    if (excluded(resolve(cwd, input), isDirectory)) continue;
    if (isDirectory) {
      const skip = (path: string, parent: string, isDir: boolean) => excluded(path, isDir) || gitignores.ignored(path, parent, isDir);
      walk(resolve(cwd, input), input, { addFile, addError, addWarning: (w) => warnings.push(w), skip });
    } else {
      named.add(input);
      addFile(input);
    }
  }

  const files = plan.flatMap((step) => ('file' in step ? [step.file] : []));
  // Files the parse cache knows unchanged (a --policy folder between runs) are not read: every
  // one of them, when the plan is all files (then each was read before, and once).
  const refs = files.map((file) => ({ file, path: resolve(cwd, file) }));
  const known = opts.parse?.unchanged && files.length === plan.length && !files.includes('-') ? opts.parse.unchanged(refs, { ...opts, maxFileSize }) : undefined;
  const texts: Map<string, Read> = known ? new Map(refs.map((r) => [r.file, { text: '', real: r.path }])) : await readAll(files, { cwd, stdin: opts.stdin, maxFileSize, named });
  // The same file reached through a symbolic link would report everything twice: parsed once.
  const read = new Set<string>();
  const toParse: NamedText[] = [];
  for (const { file, path } of refs) {
    const got = texts.get(file)!;
    if ('error' in got || read.has(got.real)) continue;
    read.add(got.real);
    toParse.push({ text: got.text, file, path, stat: got.stat });
  }
  // Stats go with the texts only when every planned file was read, once: the case `unchanged` answers.
  if (toParse.length !== plan.length) for (const t of toParse) t.stat = undefined;
  const parsed = known ?? (opts.parse ? opts.parse(toParse, opts) : toParse.map((t) => parseManifestText(t.text, t.file, opts)));
  const result: ReadResult = { objects: [], errors: [], warnings, files: [], skipped: [] };
  let next = 0;
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
    if (toParse[next]?.file !== step.file) continue; // read through another name
    const { objects, errors } = parsed[next++];
    const skipped = opts.skipNonKubernetes && step.file !== '-' ? skipReason(step.file, objects.map((m) => m.object), errors) : undefined;
    if (skipped) {
      result.skipped.push({ file: step.file, reason: skipped });
      continue;
    }
    result.files.push(step.file);
    // A failed `helm template | offgate lint -` leaves standard input empty: that is no clean run.
    if (step.file === '-' && objects.length === 0 && errors.length === 0) errors.push({ file: 'standard input', message: 'no documents' });
    append(result.objects, objects);
    append(result.errors, errors);
  }
  return result;
}

/** The files a glob pattern matches; undefined when `input` is no pattern. */
async function globMatches(input: string, cwd: string): Promise<string[] | undefined> {
  const { glob, hasMagic } = await import('glob');
  if (!hasMagic(input)) return undefined;
  return glob(input, { cwd, nodir: true, ignore: input.includes('node_modules') ? undefined : '**/node_modules/**' });
}

interface WalkSink {
  addFile(file: string): void;
  addError(e: ReadError): void;
  addWarning(w: ReadError): void;
  /** Whether to leave out `path`, met in the folder `parent` (excluded, or ignored by git). */
  skip(path: string, parent: string, isDirectory: boolean): boolean;
}

/**
 * The manifests under `dir`. Links to files are read, links to folders are not followed (no
 * loops); a manifest-named link that leads nowhere (dangling, or a loop of links) is a
 * warning. A manifest-named entry that is no regular file (a FIFO, a device, or a link to
 * one) is planned like a file, and refused when read (file.ts): an error, as it was not checked.
 */
function walk(dir: string, name: string, sink: WalkSink): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    sink.addError({ file: name, message: fsMessage(e) });
    return;
  }
  entries.sort((a, b) => compareText(a.name, b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const shown = join(name, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !sink.skip(path, dir, true)) walk(path, shown, sink);
      continue;
    }
    if (!MANIFEST_FILE.test(entry.name) || sink.skip(path, dir, false)) continue;
    if (entry.isFile()) {
      sink.addFile(shown);
      continue;
    }
    if (entry.isSymbolicLink()) {
      const target = statAt(path);
      if ('error' in target) sink.addWarning({ file: shown, message: `symbolic link ${target.error}: skipped` });
      else if (!target.isDirectory) sink.addFile(shown); // a link to a device or a FIFO: refused when read, with the reason
      continue;
    }
    sink.addFile(shown); // a FIFO, a socket, a device: refused when read, with the reason
  }
}

/**
 * What a link leads to: a folder (not followed), nothing (a warning), or something to read;
 * a link that cannot be followed for another reason (permission) is read, and fails, as an error.
 */
function statAt(path: string): { isDirectory: boolean } | { error: string } {
  try {
    return { isDirectory: statSync(path).isDirectory() };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { error: 'in a loop' };
    if (code === 'ENOENT' || code === 'ENOTDIR') return { error: 'to nothing (dangling)' };
    return { isDirectory: false };
  }
}


type Read = { text: string; real: string; stat?: FileStat } | { error: string };

interface ReadAllOptions {
  cwd: string;
  stdin: ReadOptions['stdin'];
  maxFileSize: number;
  /** Files named as arguments, the only ones read when they are an inherited pipe. */
  named: Set<string>;
}

async function readAll(files: string[], opts: ReadAllOptions): Promise<Map<string, Read>> {
  const texts = new Map<string, Read>();
  for (const file of files) {
    if (file === '-') {
      const got = await readStdin(opts.stdin ?? process.stdin, opts.maxFileSize).catch((e: unknown) => ({ error: fsMessage(e) }));
      texts.set(file, typeof got === 'string' ? { text: got, real: '-' } : got);
    } else {
      texts.set(file, readInputFile(resolve(opts.cwd, file), opts.maxFileSize, { allowPipe: opts.named.has(file) }));
    }
  }
  return texts;
}

/** Standard input, refused past `max` bytes (a stream is then left unread). */
async function readStdin(stdin: NodeJS.ReadableStream | string, max: number): Promise<string | { error: string }> {
  const tooLarge = { error: `more than ${formatSize(max)}, the limit (maxFileSize, --max-file-size): not read` };
  if (typeof stdin === 'string') return Buffer.byteLength(stdin) > max ? tooLarge : stdin;
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    length += buffer.length;
    if (length > max) return tooLarge;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT' || (e as NodeJS.ErrnoException)?.code === 'ENOTDIR';
}
