// `offgate init`: a commented starter offgate.yaml listing every restriction.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { starterConfig } from '../config/init';
import { UsageError } from './errors';

export function runInit(opts: { force?: boolean; file?: string }, cwd: string, write: (s: string) => void): void {
  const file = opts.file ?? join(cwd, 'offgate.yaml');
  if (existsSync(file) && !opts.force) throw new UsageError(`${file} exists (use --force to overwrite it)`);
  writeFileSync(file, starterConfig());
  write(`wrote ${file}: every restriction is listed; uncomment a setting to turn it on\n`);
}
