// `offgate init`: a commented starter offgate.yaml listing every restriction.
//
// The file is never written through a symbolic link: in a repository someone else wrote, an
// `offgate.yaml` link (even a dangling one) would otherwise create or overwrite its target,
// anywhere the user may write. O_NOFOLLOW refuses a link at open time, O_EXCL a file that
// appeared since the check.
import { closeSync, constants, lstatSync, openSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { starterConfig } from '../config/init';
import { SCHEMA_FILE } from '../config/reference';
import { packagePath } from '../paths';
import { UsageError } from './errors';

export function runInit(opts: { force?: boolean; file?: string }, cwd: string, write: (s: string) => void): void {
  const file = opts.file ?? join(cwd, 'offgate.yaml');
  const existing = lstatSync(file, { throwIfNoEntry: false });
  if (existing?.isSymbolicLink()) throw new UsageError(`${file} is a symbolic link: offgate init does not write through links (remove it first)`);
  if (existing && !existing.isFile()) throw new UsageError(`${file} exists and is not a regular file`);
  if (existing && !opts.force) throw new UsageError(`${file} exists (use --force to overwrite it)`);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | (existing ? constants.O_TRUNC : constants.O_EXCL);
  let fd: number;
  try {
    fd = openSync(file, flags, 0o666);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new UsageError(`${file} is a symbolic link: offgate init does not write through links (remove it first)`);
    if (code === 'EEXIST') throw new UsageError(`${file} exists (use --force to overwrite it)`);
    throw new UsageError(`${file}: cannot write: ${(e as Error).message}`);
  }
  try {
    writeSync(fd, starterConfig(schemaReference(file)));
  } finally {
    closeSync(fd);
  }
  write(`wrote ${file}: every restriction is listed; uncomment a setting to turn it on\n`);
}

/**
 * The schema shipped with this offgate, as the starter file should name it: relative when
 * it is a project's dependency (under node_modules) or inside the file's folder, which holds
 * on every clone; otherwise this machine's absolute path (a global install).
 */
export function schemaReference(file: string, schema: string = packagePath(...SCHEMA_FILE.split('/'))): string {
  const rel = relative(dirname(resolve(file)), schema).split(sep).join('/');
  if (isAbsolute(rel)) return schema; // another drive
  if (!rel.startsWith('..')) return `./${rel}`;
  // A dependency of the project the file is in: node_modules sits in the file's folder or above it.
  const parts = schema.split(sep);
  const project = parts.slice(0, parts.lastIndexOf('node_modules')).join(sep);
  const folder = dirname(resolve(file));
  const inProject = parts.includes('node_modules') && (folder === project || folder.startsWith(project + sep));
  return inProject ? rel : schema;
}
