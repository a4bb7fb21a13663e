// Fails when a generated, committed file is stale: the runtime module must be exactly what
// `npm run build:runtime` makes from the sources today, and dist/ (the CLI bundle, the library
// API with its declarations, the vendored dependencies: what installs run without building)
// exactly what `npm run bundle` makes. (wasm/, the compiled templates, is checked by
// test/wasm-fresh.test.ts.)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'offgate-fresh-'));
const stale = [];
try {
  const fresh = join(dir, 'runtime.wasm');
  execFileSync(process.execPath, ['scripts/build-runtime.mjs', '--out', fresh], { stdio: 'inherit' });
  if (!readFileSync('src/runtime/runtime.wasm').equals(readFileSync(fresh))) stale.push(['src/runtime/runtime.wasm', 'npm run build:runtime']);

  const dist = join(dir, 'dist');
  execFileSync(process.execPath, ['scripts/build.mjs', '--out', dist], { stdio: 'inherit' });
  const tracked = new Set(execFileSync('git', ['ls-files', 'dist'], { encoding: 'utf8' }).split('\n').filter(Boolean));
  for (const file of files(dist).map((f) => join('dist', f))) {
    if (!tracked.has(file) || !existsSync(file) || !readFileSync(file).equals(readFileSync(join(dir, file)))) stale.push([file, 'npm run bundle']);
  }
  for (const file of tracked) if (!existsSync(join(dir, file))) stale.push([file, 'npm run bundle (no longer built: remove it)']);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (stale.length > 0) {
  for (const [file, fix] of stale) console.error(`${file} is stale: run \`${fix}\` and commit the result`);
  process.exit(1);
}
console.log('check:fresh: src/runtime/runtime.wasm and dist/ are up to date');

function files(root, from = root) {
  return readdirSync(from, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(root, join(from, e.name)) : [relative(root, join(from, e.name))]));
}
