#!/usr/bin/env node
// The offgate command: the bundled CLI (dist/offgate.cjs, committed and shipped: no build at
// install), loaded with the V8 code cache `npm run bundle` records when there is one, so that
// start-up reads compiled code instead of parsing the bundle. A cache V8 rejects (another
// Node version, other V8 flags) is simply not used.
//
// A CommonJS script (bin/package.json says so; the package itself is ESM), because Node
// starts a CommonJS entry point several milliseconds sooner than an ES module, and written
// for any Node (bare `fs`, not `node:fs`; nothing newer than ES2017 before the version
// check), so that an old Node says which version it needs instead of failing on syntax.
'use strict';
const { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('fs');
const { homedir } = require('os');
const { dirname, join } = require('path');
const { Script } = require('vm');

const MINIMUM_NODE = 20;
const major = Number(process.versions.node.split('.')[0]);
if (!(major >= MINIMUM_NODE)) {
  console.error(`offgate: needs Node.js ${MINIMUM_NODE} or newer; this is Node.js ${process.versions.node}`);
  process.exit(2);
}

const dist = join(__dirname, '../dist');
const bundle = join(dist, 'offgate.cjs');
const cacheFile = join(dist, 'offgate.cjs.cache');

if (!existsSync(bundle)) {
  console.error('offgate: dist/offgate.cjs is missing: run `npm run bundle`');
  process.exit(2);
}
// When the run started reading the bundle: OFFGATE_TIMINGS=1 tells node's start-up from the
// bundle's load. Only then: the first use of `performance` loads node:perf_hooks.
if (process.env.OFFGATE_TIMINGS) globalThis.__offgateBinStart = performance.now();

// The bundle turns its own errors into one line; this catches what happens before it runs
// (an unreadable or broken bundle), also one line and exit code 2, unless OFFGATE_DEBUG.
try {
  const shipped = existsSync(cacheFile);
  // An install without the build's code cache (a git checkout, a tarball packed without it)
  // records one on its first run, in the user's cache folder: every later run starts as fast.
  const userCache = shipped ? undefined : userCodeCache();
  const cachedData = shipped ? readFileSync(cacheFile) : readQuietly(userCache);
  // Wrapped as Node wraps a CommonJS module (Module.wrap: requiring node:module for it would
  // load a few more of Node's own modules on every run).
  // Read as latin1: the build writes pure ASCII (esbuild's charset: 'ascii'), the same text,
  // without UTF-8 decoding a megabyte on every run.
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(bundle, 'latin1')}\n});`;
  const script = new Script(source, { filename: bundle, cachedData });
  // Set by scripts/build.mjs for its training run only.
  const writeCache = process.env.OFFGATE_WRITE_CODE_CACHE;
  if (writeCache) process.on('exit', () => writeFileSync(writeCache, script.createCachedData()));
  else if (userCache && (!cachedData || script.cachedDataRejected)) process.on('exit', () => writeQuietly(userCache, script));
  const module = { exports: {} };
  // This script's own require: the bundle requires only Node's modules by name (the files of
  // the package it finds from its own path).
  script.runInThisContext()(module.exports, require, module, bundle, dist);
} catch (e) {
  if (process.env.OFFGATE_DEBUG) throw e;
  console.error(`offgate: internal error: ${e instanceof Error ? e.message : String(e)} (OFFGATE_DEBUG=1 shows where)`);
  process.exit(2);
}

/**
 * Where this bundle's code cache is kept when the package has none: beside the module cache
 * (the same folder src/gatekeeper/module-cache.ts uses), named by the Node version and the
 * bundle's size and time, so that an upgrade of either records a new one. V8 checks the rest
 * (it rejects a cache of other code or flags).
 */
function userCodeCache() {
  try {
    const env = process.env;
    const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
    const dir = env.OFFGATE_CACHE_DIR || join(base, 'offgate', 'modules');
    const st = statSync(bundle);
    return join(dir, `code-cache-node${process.versions.node}-${st.size}-${Math.floor(st.mtimeMs)}.v8`);
  } catch {
    return undefined;
  }
}

function readQuietly(file) {
  try {
    return file ? readFileSync(file) : undefined;
  } catch {
    return undefined;
  }
}

/** Written at exit (so it holds what the run compiled), beside its name then renamed onto it; a cache that cannot be written is not used. */
function writeQuietly(file, script) {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, file);
  } catch {
    // a read-only home: start-up stays as it was
  }
}
