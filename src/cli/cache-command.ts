// `offgate cache dir` and `offgate cache clean`: where the compiled modules of users'
// templates (and their parsed --policy folders) are kept, and emptying it (the next run
// compiles them again).
import { cacheDir, cacheUsage, cleanCache, type CacheUsage } from '../gatekeeper/module-cache';
import { plural } from '../report/describe';
import { formatSize } from '../size';
import { UsageError } from './errors';

export function runCache(action: string, env: NodeJS.ProcessEnv, write: (text: string) => void): void {
  const dir = cacheDir(env);
  switch (action) {
    case 'dir':
      write(`${dir}\n`);
      return;
    case 'clean': {
      const removed = cleanCache(dir);
      write(`removed ${cacheContents(removed)} (${formatSize(removed.bytes)}) from ${dir}\n`);
      return;
    }
    case 'info': {
      const usage = cacheUsage(dir);
      write(`${dir}: ${cacheContents(usage)}, ${formatSize(usage.bytes)}\n`);
      return;
    }
    default:
      throw new UsageError(`cache: unknown action "${action}" (expected: dir, info or clean)`);
  }
}

/** `3 modules`, `3 modules, 1 parsed policy folder`: what the entries are. */
export function cacheContents(u: CacheUsage): string {
  const modules = plural(u.modules, 'module');
  return u.parsed > 0 ? `${modules}, ${plural(u.parsed, 'parsed policy folder')}` : modules;
}
