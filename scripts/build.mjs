// Bundles the CLI into one CommonJS file, dist/offgate.cjs, then records a V8 code
// cache for it (dist/offgate.cjs.cache) by running a lint of the fixtures once.
// bin/offgate.js loads the bundle with that cache: V8 then reads compiled code
// instead of parsing 1 MB of JavaScript and compiling each function on first
// call, which is most of what a one-file lint in a pre-commit hook waits for.
// The runtime module, templates and compiled wasm are read from the package at
// run time.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const BUNDLE = 'dist/offgate.cjs';
const CODE_CACHE = 'dist/offgate.cjs.cache';

// commander requires node:child_process on start-up, for executable subcommands offgate
// does not have; loading it is a few milliseconds of every run. Defer it to a first use.
const EAGER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const deferChildProcess = {
  name: 'defer-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(EAGER_CHILD_PROCESS)) throw new Error(`${args.path}: no "${EAGER_CHILD_PROCESS}" to defer (commander changed: update scripts/build.mjs)`);
      const lazy = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: text.replace(EAGER_CHILD_PROCESS, lazy), loader: 'js' };
    });
  },
};

// The module cache keys compiled templates by the compiler's own code too (src/compiler/identity.ts
// computes the same hash when run from the sources): two builds that share a version never share modules.
function compilerSourcesHash(srcDir) {
  const list = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(join(dir, e.name)) : [join(dir, e.name)]));
  const files = ['compiler', 'runtime'].flatMap((d) => list(join(srcDir, d))).sort();
  return createHash('sha256').update(Buffer.concat(files.flatMap((f) => [Buffer.from(`${f.slice(srcDir.length + 1)}\n`), readFileSync(f), Buffer.from('\0')]))).digest('hex');
}

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
  // Without comments and spaces the bundle is smaller and pure ASCII, which Node reads
  // several times faster than text it must decode from UTF-8 into two-byte strings.
  // Names are kept, so profiles of the bundle stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  logLevel: 'warning',
  plugins: [deferChildProcess],
  // The sources find the package's files from import.meta.url.
  define: { 'import.meta.url': '__offgateModuleUrl', __OFFGATE_COMPILER_ID: JSON.stringify(compilerSourcesHash('src')) },
  banner: { js: "const __offgateModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The training run: what a lint executes is compiled then, and kept in the cache. It lints
// the sample manifests (exit code 1: they have violations) as a pre-commit hook would, with
// an offgate.yaml and text output; the cache is written at exit.
const TRAINING_INPUT = 'fixtures/manifests';
const TRAINING_CONFIG = 'fixtures/config/chain.yaml';
const TRAINING_ARGS = ['lint', '--config', TRAINING_CONFIG, '--env', 'production', TRAINING_INPUT];
const training = !existsSync(TRAINING_INPUT) || !existsSync(TRAINING_CONFIG) ? { status: 0 } : spawnSync(process.execPath, ['bin/offgate.js', ...TRAINING_ARGS], {
  env: { ...process.env, OFFGATE_WRITE_CODE_CACHE: CODE_CACHE },
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (training.status !== 0 && training.status !== 1) {
  // The CLI works without the cache, only starts slower: say so, do not fail the build.
  console.warn(`build: no code cache (the training lint exited with ${training.status}): ${training.stderr.trim()}`);
}
