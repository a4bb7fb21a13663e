// Bundles the CLI into one ESM file (fast start-up: one file to load). The
// runtime module, templates and compiled wasm are read from the package at run time.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';

mkdirSync('dist', { recursive: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/offgate.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
  // Some dependencies are CommonJS and call require(); give the bundle one.
  banner: { js: "import { createRequire as __offgateCreateRequire } from 'node:module'; const require = __offgateCreateRequire(import.meta.url);" },
});
