// `offgate cache dir` and `offgate cache clean`: where the compiled modules of users'
// templates are kept, and emptying it (the next run compiles them again).
import { cacheDir, cacheUsage, cleanCache } from '../gatekeeper/module-cache';
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
      write(`removed ${plural(removed.entries, 'module')} (${formatSize(removed.bytes)}) from ${dir}\n`);
      return;
    }
    case 'info': {
      const usage = cacheUsage(dir);
      write(`${dir}: ${plural(usage.entries, 'module')}, ${formatSize(usage.bytes)}\n`);
      return;
    }
    default:
      throw new UsageError(`cache: unknown action "${action}" (expected: dir, info or clean)`);
  }
}
