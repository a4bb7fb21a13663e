#!/usr/bin/env node
// The offgate command: the bundled CLI built by `npm run build` (run by `npm ci` via `prepare`).
import('../dist/offgate.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('offgate: dist/offgate.js is missing: run `npm run build`');
    process.exit(2);
  }
  throw err;
});
