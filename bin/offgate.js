#!/usr/bin/env node
// The offgate command: the bundled CLI (dist/offgate.cjs, committed and shipped: no build at
// install), loaded with the V8 code cache `npm run bundle` records when there is one, so that
// start-up reads compiled code instead of parsing the bundle. A cache V8 rejects (another
// Node version, other V8 flags) is simply not used.
//
// Written for any Node that can load an ES module (bare `fs`, not `node:fs`; nothing newer
// than ES2017 before the version check), so that an old Node says which version it needs
// instead of failing on syntax.
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { createRequire, Module } from 'module';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';
import { Script } from 'vm';

const MINIMUM_NODE = 20;
const major = Number(process.versions.node.split('.')[0]);
if (!(major >= MINIMUM_NODE)) {
  console.error(`offgate: needs Node.js ${MINIMUM_NODE} or newer; this is Node.js ${process.versions.node}`);
  process.exit(2);
}

const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist');
const bundle = join(dist, 'offgate.cjs');
const cacheFile = join(dist, 'offgate.cjs.cache');

if (!existsSync(bundle)) {
  console.error('offgate: dist/offgate.cjs is missing: run `npm run bundle`');
  process.exit(2);
}
// The bundle turns its own errors into one line; this catches what happens before it runs
// (an unreadable or broken bundle), also one line and exit code 2, unless OFFGATE_DEBUG.
try {
  const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  // Set by scripts/build.mjs for its training run only.
  const writeCache = process.env.OFFGATE_WRITE_CODE_CACHE;
  if (writeCache) process.on('exit', () => writeFileSync(writeCache, script.createCachedData()));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dist);
} catch (e) {
  if (process.env.OFFGATE_DEBUG) throw e;
  console.error(`offgate: internal error: ${e instanceof Error ? e.message : String(e)} (OFFGATE_DEBUG=1 shows where)`);
  process.exit(2);
}
