// Builds what the package runs, into dist/ (committed: a git install, a packed tarball and the
// GitHub Action run it as it is, with no build step and no dependency to install):
//   dist/offgate.cjs        the CLI, one CommonJS file holding every dependency it loads on start-up
//   dist/action.cjs         the GitHub Action (action.yml)
//   dist/vendor/*.cjs       dependencies a few host builtins load on first use (graphql-js, Ajv)
//   dist/index.mjs,         the library API (`import "offgate"`, `import "offgate/compiler"`), ESM,
//   dist/compiler.mjs       with their declarations under dist/types/
//   dist/THIRD_PARTY_LICENSES.txt   the licences of the code bundled into the files above
// and then, outside the committed files, a V8 code cache for the CLI (dist/offgate.cjs.cache)
// recorded by running a lint of the fixtures once: bin/offgate.js then reads compiled code
// instead of parsing 1 MB of JavaScript, which is most of what a one-file lint in a
// pre-commit hook waits for. Templates, compiled wasm and the runtime module are read from
// the package at run time.
//
//   node scripts/build.mjs              build into dist/ (and record the code cache)
//   node scripts/build.mjs --out DIR    build the committed files into DIR only (freshness check)
//   node scripts/build.mjs --no-types   skip the declarations (the tests' build: they take seconds)
//
// The output is deterministic: same sources and dependency versions, same bytes.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const outAt = process.argv.indexOf('--out');
const OUT = outAt >= 0 ? process.argv[outAt + 1] : 'dist';
const BUNDLE = join(OUT, 'offgate.cjs');
const CODE_CACHE = join(OUT, 'offgate.cjs.cache');
const TYPES = !process.argv.includes('--no-types');

// Dependencies that require a module on start-up for something a run seldom does; loading it
// is milliseconds of every run. Each require is deferred to a first use:
//   - commander requires node:child_process for executable subcommands offgate does not have;
//   - the OPA SDK requires its own copy of `yaml` (v1) for the yaml.* builtins, which few
//     policies call (offgate's own yaml.unmarshal and yaml.is_valid replace two of them).
// Each entry: the file, the eager require, and a stand-in bound to the same name that
// requires the module on first use; `members` are what the stand-in provides, and the build
// fails if the file uses the binding for anything else (the dependency changed).
const DEFERRED = [
  {
    file: /[\\/]commander[\\/]lib[\\/]command\.js$/,
    eager: "const childProcess = require('node:child_process');",
    binding: 'childProcess',
    members: ['spawn'],
    lazy: "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };",
  },
  {
    file: /[\\/]@open-policy-agent[\\/]opa-wasm[\\/]src[\\/]builtins[\\/]yaml\.js$/,
    eager: 'const yaml = require("yaml");',
    binding: 'yaml',
    members: ['parse', 'stringify'],
    lazy: 'let yamlModule; const yaml = { parse: (s) => (yamlModule ??= require("yaml")).parse(s), stringify: (d) => (yamlModule ??= require("yaml")).stringify(d) };',
  },
];
const deferRequires = {
  name: 'defer-requires',
  setup(b) {
    for (const { file, eager, binding, members, lazy } of DEFERRED) {
      b.onLoad({ filter: file }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes(eager)) throw new Error(`${args.path}: no "${eager}" to defer (the dependency changed: update scripts/build.mjs)`);
        // Uses of the binding in code (not inside a string such as "yaml.marshal").
        const used = [...text.matchAll(new RegExp(`(?<![\\w."'])${binding}\\.(\\w+)`, 'g'))].map((m) => m[1]);
        const other = used.find((u) => !members.includes(u));
        if (other) throw new Error(`${args.path}: uses ${binding}.${other}, which the deferred stand-in lacks (update scripts/build.mjs)`);
        return { contents: text.replace(eager, lazy), loader: 'js' };
      });
    }
  },
};

// Caches key their entries by offgate's own code too (src/identity.ts computes the same
// hashes when run from the sources): the module cache by the compiler's, the parse cache by the
// reader's, a template set's verdicts by the checks'. Two builds that share a version never share entries.
function sourcesHash(srcDir, dirs, files = []) {
  const list = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(join(dir, e.name)) : [join(dir, e.name)]));
  const sources = dirs.flatMap((d) => list(join(srcDir, d))).sort();
  const parts = sources.flatMap((f) => [Buffer.from(`${f.slice(srcDir.length + 1)}\n`), readFileSync(f), Buffer.from('\0')]);
  for (const f of files) {
    const path = join(srcDir, '..', f);
    if (existsSync(path)) parts.push(Buffer.from(`${f}\n`), readFileSync(path), Buffer.from('\0'));
  }
  return createHash('sha256').update(Buffer.concat(parts)).digest('hex');
}

// The builtins' argument types from OPA's capabilities (shipped inside opa-wasm, which exports no
// path to the file): read here and written into the bundles, so the compiler's type check does
// not depend on node_modules at run time. A string literal, parsed on first use.
function opaBuiltinDeclarations() {
  const require = createRequire(import.meta.url);
  const root = dirname(dirname(require.resolve('@open-policy-agent/opa-wasm')));
  const caps = JSON.parse(readFileSync(join(root, 'capabilities.json'), 'utf8'));
  return caps.builtins.filter((b) => b.decl?.args).map((b) => ({ name: b.name, args: b.decl.args }));
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  // Without comments and spaces the bundles are smaller and pure ASCII, which Node reads
  // several times faster than text it must decode from UTF-8 into two-byte strings.
  // Names are kept, so profiles stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  legalComments: 'none', // collected into THIRD_PARTY_LICENSES.txt instead
  logLevel: 'warning',
  metafile: true,
  plugins: [deferRequires],
};
const defines = {
  __OFFGATE_COMPILER_ID: JSON.stringify(sourcesHash('src', ['compiler', 'runtime'])),
  __OFFGATE_CHECKS_ID: JSON.stringify(sourcesHash('src', ['gatekeeper'])),
  __OFFGATE_READER_ID: JSON.stringify(sourcesHash('src', ['manifests'], ['package-lock.json'])),
  __OFFGATE_OPA_BUILTINS: JSON.stringify(JSON.stringify(opaBuiltinDeclarations())),
};

// Everything but the declarations, which --no-types keeps as they are.
for (const entry of existsSync(OUT) ? readdirSync(OUT) : []) if (TYPES || !entry.endsWith('.d.ts')) rmSync(join(OUT, entry), { recursive: true, force: true });
mkdirSync(join(OUT, 'vendor'), { recursive: true });
const metafiles = [];

// The CLI: CommonJS, because Node 20 can load a script with a code cache (vm.Script) but not a module.
metafiles.push((await build({
  ...common,
  // The command line, or in a worker thread one part of a large evaluation (src/gatekeeper/parallel.ts).
  entryPoints: ['src/cli/entry.ts'],
  outfile: BUNDLE,
  format: 'cjs',
  // The sources find the package's files from import.meta.url.
  define: { ...defines, 'import.meta.url': '__offgateModuleUrl' },
  banner: { js: "const __offgateModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // bin/offgate.js runs the bundle as a vm.Script, where import() has no loader: the sources'
  // `await import('node:…')` (Node modules loaded on first use) become require() calls.
  supported: { 'dynamic-import': false },
})).metafile);

// bin/offgate.js reads the bundle as latin1 (no UTF-8 decoding on start-up), which is only
// the same text when it is pure ASCII: esbuild escapes strings, but not regular expression
// literals (write `\u2026` in those, not the character).
{
  const text = readFileSync(BUNDLE, 'latin1');
  const at = text.search(/[^\x00-\x7f]/);
  if (at >= 0) throw new Error(`build: ${BUNDLE} is not pure ASCII at offset ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 10))}`);
}

// The GitHub Action (action.yml): node20 runs it from a checkout of the repository, as it is.
metafiles.push((await build({
  ...common,
  entryPoints: ['src/action/entry.ts'],
  outfile: join(OUT, 'action.cjs'),
  format: 'cjs',
  define: { ...defines, 'import.meta.url': '__offgateModuleUrl' },
  banner: { js: "const __offgateModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
})).metafile);

// Loaded by src/policy/host/lazy.ts on a host builtin's first call, never on start-up.
for (const [name, contents] of [
  ['graphql', "module.exports = require('graphql');"],
  ['json-schema', "module.exports = { Ajv: require('ajv').default, addFormats: require('ajv-formats').default };"],
]) {
  metafiles.push((await build({
    ...common,
    stdin: { contents, resolveDir: '.', sourcefile: `vendor-${name}.cjs`, loader: 'js' },
    outfile: join(OUT, 'vendor', `${name}.cjs`),
    format: 'cjs',
  })).metafile);
}

// The library API: ESM; `import.meta.url` is the bundle's own, inside the package.
metafiles.push((await build({
    ...common,
    entryPoints: { index: 'src/api/index.ts', compiler: 'src/api/compiler.ts' },
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  define: defines,
  // Bundled CommonJS dependencies call require(): give ESM output one.
  banner: { js: "import { createRequire as __offgateCreateRequire } from 'node:module'; const require = __offgateCreateRequire(import.meta.url);" },
})).metafile);
// One declaration file per entry point, holding every type it names (no imports of our sources).
if (TYPES) {
  const { generateDtsBundle } = createRequire(import.meta.url)('dts-bundle-generator');
  const entries = ['index', 'compiler'];
  const texts = generateDtsBundle(entries.map((e) => ({ filePath: `src/api/${e}.ts`, output: { noBanner: true } })), { preferredConfigPath: 'tsconfig.api.json' });
  entries.forEach((e, i) => writeFileSync(join(OUT, `${e}.d.ts`), texts[i]));
}

writeFileSync(join(OUT, 'THIRD_PARTY_LICENSES.txt'), thirdPartyLicenses(metafiles));

/** Every npm package whose code went into a bundle, with its licence text. */
function thirdPartyLicenses(metas) {
  const packages = new Map();
  for (const input of metas.flatMap((meta) => Object.keys(meta.inputs))) {
    const at = input.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const parts = input.slice(at + 'node_modules/'.length).split('/');
    const name = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    packages.set(name, input.slice(0, at + 'node_modules/'.length + name.length));
  }
  const sections = [...packages].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, dir]) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `(no licence file; package.json says ${pkg.license})`;
    return `${name}@${pkg.version} (${pkg.license ?? 'see below'})\n\n${text}\n`;
  });
  return `offgate's bundles in this folder include code from these packages:\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`;
}

if (outAt < 0) recordCodeCache();

// The training run: what a lint executes is compiled then, and kept in the cache. It lints
// the sample manifests (exit code 1: they have violations) as a pre-commit hook would, with
// an offgate.yaml and text output; the cache is written at exit.
function recordCodeCache() {
  const input = 'fixtures/manifests';
  const config = 'fixtures/config/chain.yaml';
  if (!existsSync(input) || !existsSync(config)) return;
  const training = spawnSync(process.execPath, ['bin/offgate.js', 'lint', '--config', config, '--env', 'production', input], {
    env: { ...process.env, OFFGATE_WRITE_CODE_CACHE: CODE_CACHE },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (training.status !== 0 && training.status !== 1) {
    // The CLI works without the cache, only starts slower: say so, do not fail the build.
    console.warn(`build: no code cache (the training lint exited with ${training.status}): ${training.stderr.trim()}`);
  }
}
