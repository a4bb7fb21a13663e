// Fails when a generated, committed file is stale: the runtime module must be
// exactly what `npm run build:runtime` makes from the sources today.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'offgate-fresh-'));
try {
  const fresh = join(dir, 'runtime.wasm');
  execFileSync(process.execPath, ['scripts/build-runtime.mjs', '--out', fresh], { stdio: 'inherit' });
  const committed = readFileSync('src/runtime/runtime.wasm');
  if (!committed.equals(readFileSync(fresh))) {
    console.error('src/runtime/runtime.wasm is stale: run `npm run build:runtime` and commit the result');
    process.exit(1);
  }
  console.log('check:fresh: src/runtime/runtime.wasm is up to date');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
