#!/usr/bin/env node
// Compiles the AssemblyScript runtime (src/runtime/index.ts) to src/runtime/runtime.wasm.
//
//   node scripts/build-runtime.mjs           build
//   node scripts/build-runtime.mjs --wat     also write /tmp/offgate-runtime.wat (final) and
//                                            /tmp/offgate-runtime.names.wat (asc's, with names)
//
// The output is deterministic: same sources and asc version, same bytes.
import asc from 'assemblyscript/asc';
import binaryen from 'binaryen';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(root, 'src/runtime/runtime.wasm');
const watFile = '/tmp/offgate-runtime.wat';
const wantWat = process.argv.includes('--wat');

const args = [
  'src/runtime/index.ts',
  '--runtime', './src/runtime/rt-heap',
  '--importMemory',
  '--noExportMemory',
  '--initialMemory', '2',
  '-O3',
  '--noAssert',
  // AssemblyScript's own `abort` formats its message and calls the host's opa_abort.
  '--use', 'abort=src/runtime/abi/runtimeAbort',
  '--outFile', 'runtime.wasm',
  ...(wantWat ? ['--textFile', 'runtime.wat'] : []),
];

const outputs = new Map();
const { error, stderr } = await asc.main(args, {
  readFile: (name, baseDir) => {
    try {
      return readFileSync(join(baseDir, name), 'utf8');
    } catch {
      return null;
    }
  },
  writeFile: (name, contents) => {
    outputs.set(name, contents);
  },
  listFiles: () => [],
  reportDiagnostic: undefined,
  stdout: process.stdout,
  stderr: process.stderr,
  baseDir: root,
});

if (error) {
  console.error(`build-runtime: ${error.message}`);
  const text = stderr.toString();
  if (text) console.error(text);
  process.exit(1);
}

const built = outputs.get('runtime.wasm');
if (!built) {
  console.error('build-runtime: asc produced no runtime.wasm');
  process.exit(1);
}
const wasm = fixImports(built);
/**
 * The contract fixes the function imports and their order (RUNTIME_IMPORTS: indices
 * 0..6). asc keeps every import we declare (the rt_* wrappers use them all) but
 * binaryen's -O3 reorders functions by use count, imports included; put them back.
 */
function fixImports(bytes) {
  const order = ['opa_abort', 'opa_println', 'opa_builtin0', 'opa_builtin1', 'opa_builtin2',
    'opa_builtin3', 'opa_builtin4'];
  const mod = binaryen.readBinary(bytes);
  mod.setFeatures(binaryen.Features.MVP | binaryen.Features.MutableGlobals |
    binaryen.Features.SignExt | binaryen.Features.NontrappingFPToInt |
    binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt);
  const imports = new Map();
  const n = mod.getNumFunctions();
  for (let i = 0; i < n; i++) {
    const info = binaryen.getFunctionInfo(mod.getFunctionByIndex(i));
    if (!info.module) continue;
    if (info.module !== 'env' || !order.includes(info.base)) {
      throw new Error(`unexpected import ${info.module}.${info.base}`);
    }
    imports.set(info.base, info);
  }
  for (const base of order) {
    if (!imports.has(base)) throw new Error(`missing import env.${base}`);
  }
  for (const base of order) mod.removeFunction(imports.get(base).name);
  for (const base of order) {
    const info = imports.get(base);
    mod.addFunctionImport(info.name, 'env', base, info.params, info.results);
  }
  if (!mod.validate()) throw new Error('runtime module does not validate after reordering imports');
  const out = mod.emitBinary();
  mod.dispose();
  return out;
}

mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, wasm);
if (wantWat) {
  const mod = binaryen.readBinary(wasm);
  writeFileSync(watFile, mod.emitText());
  mod.dispose();
  // asc's own text, before the import fix-up, keeps function names
  writeFileSync(watFile.replace(/\.wat$/, '.names.wat'), outputs.get('runtime.wat'));
  console.log(`wrote ${watFile}`);
}
console.log(`wrote ${relative(root, outFile)} (${wasm.length} bytes)`);
