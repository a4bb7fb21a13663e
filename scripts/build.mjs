// Bundles the CLI into one CommonJS file, dist/offgate.cjs, then records a V8 code
// cache for it (dist/offgate.cjs.cache) by running a lint of the fixtures once.
// bin/offgate.js loads the bundle with that cache: V8 then reads compiled code
// instead of parsing 1.3 MB of JavaScript and compiling each function on first
// call, which is most of what a one-file lint in a pre-commit hook waits for.
// The runtime module, templates and compiled wasm are read from the package at
// run time.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';

const BUNDLE = 'dist/offgate.cjs';
const CODE_CACHE = 'dist/offgate.cjs.cache';

mkdirSync('dist', { recursive: true });
rmSync(CODE_CACHE, { force: true });
rmSync('dist/offgate.js', { force: true }); // the ESM bundle of earlier versions
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: BUNDLE,
  bundle: true,
  platform: 'node',
  // CommonJS, because Node 20 can load a script with a code cache (vm.Script) but not a module.
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
  // The sources find the package's files from import.meta.url.
  define: { 'import.meta.url': '__offgateModuleUrl' },
  banner: { js: "const __offgateModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The training run: what a lint executes is compiled then, and kept in the cache. It lints
// the sample manifests (exit code 1: they have violations); the cache is written at exit.
const TRAINING_INPUT = 'fixtures/manifests';
const training = !existsSync(TRAINING_INPUT) ? { status: 0 } : spawnSync(process.execPath, ['bin/offgate.js', 'lint', '-o', 'json', TRAINING_INPUT], {
  env: { ...process.env, OFFGATE_WRITE_CODE_CACHE: CODE_CACHE },
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (training.status !== 0 && training.status !== 1) {
  // The CLI works without the cache, only starts slower: say so, do not fail the build.
  console.warn(`build: no code cache (the training lint exited with ${training.status}): ${training.stderr.trim()}`);
}
