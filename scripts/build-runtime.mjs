#!/usr/bin/env node
// Compiles the AssemblyScript runtime (src/runtime/index.ts) to src/runtime/runtime.wasm.
//
//   node scripts/build-runtime.mjs           build
//   node scripts/build-runtime.mjs --out F   build into F instead
//   node scripts/build-runtime.mjs --wat     also write /tmp/offgate-runtime.wat (final) and
//                                            /tmp/offgate-runtime.names.wat (asc's, with names)
//   node scripts/build-runtime.mjs --names F also write F: the runtime's function names by
//                                            index, as JSON, for OFFGATE_WASM_NAMES=F (profiling:
//                                            src/compiler/backend/names.ts); runtime.wasm is unchanged
//
// The output is deterministic: same sources and asc version, same bytes.
import asc from 'assemblyscript/asc';
import binaryen from 'binaryen';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// `--out FILE` writes elsewhere (the freshness check builds into a temporary file).
const outAt = process.argv.indexOf('--out');
const outFile = outAt >= 0 ? process.argv[outAt + 1] : join(root, 'src/runtime/runtime.wasm');
const watFile = '/tmp/offgate-runtime.wat';
const wantWat = process.argv.includes('--wat');
const namesAt = process.argv.indexOf('--names');
const namesFile = namesAt >= 0 ? process.argv[namesAt + 1] : undefined;
const START_EXPORT = '__rt_start';

const args = [
  'src/runtime/index.ts',
  '--runtime', './src/runtime/rt-heap',
  '--importMemory',
  '--noExportMemory',
  '--initialMemory', '2',
  '-O3',
  '--noAssert',
  // A custom runtime counts as a GC runtime to asc, which then keeps managed
  // references (error-message strings) on a shadow stack after the static data.
  // reserveShadowStack() below turns that region into static data.
  '--stackSize', '16384',
  // AssemblyScript's own `abort` formats its message and calls the host's opa_abort.
  '--use', 'abort=src/runtime/abi/runtimeAbort',
  // Top-level initialisers (globals asc cannot constant-fold) would make a start
  // function, which the linker does not allow: export it instead and call it from
  // rt_init (runStartFromInit below), after the heap exists.
  '--exportStart', START_EXPORT,
  '--outFile', 'runtime.wasm',
  ...(wantWat ? ['--textFile', 'runtime.wat'] : []),
  // Names come from asc's debug information (a name section); the code stays the same.
  ...(namesFile ? ['--debug'] : []),
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
const wasm = stripCustomSections(reserveShadowStack(fixImports(built)));
assertNoStart(wasm);
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
  runStartFromInit(mod);
  if (!mod.validate()) throw new Error('runtime module does not validate after reordering imports');
  const out = mod.emitBinary();
  if (namesFile) writeNames(mod, namesFile);
  mod.dispose();
  return out;
}

/**
 * asc's start function (exported as START_EXPORT by --exportStart) runs the
 * module's top-level initialisers. Make rt_init call it last (the heap is set up
 * by then, so anything it allocates sits below the heap base the host records)
 * and drop the export.
 */
function runStartFromInit(mod) {
  const exportNames = [];
  for (let i = 0; i < mod.getNumExports(); i++) {
    exportNames.push(binaryen.getExportInfo(mod.getExportByIndex(i)));
  }
  const start = exportNames.find((e) => e.name === START_EXPORT);
  if (start === undefined) return;
  const init = exportNames.find((e) => e.name === 'rt_init');
  if (init === undefined) throw new Error('runtime does not export rt_init');
  const fn = mod.getFunction(init.value);
  const body = binaryen.Function.getBody(fn);
  binaryen.Function.setBody(fn, mod.block(null, [body, mod.call(start.value, [], binaryen.none)], binaryen.none));
  mod.removeExport(START_EXPORT);
}

/**
 * Writes the function names by index, read from the name section binaryen writes with
 * debug info on: the indices are those of the binary without it (same functions, same order).
 */
function writeNames(mod, file) {
  binaryen.setDebugInfo(true);
  const bytes = mod.emitBinary();
  binaryen.setDebugInfo(false);
  const names = [];
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const [size, n] = uleb(bytes, pos);
    const start = pos + n;
    pos = start + size;
    if (id !== 0) continue;
    let p = start;
    const [nameLen, m] = uleb(bytes, p);
    p += m;
    if (new TextDecoder().decode(bytes.subarray(p, p + nameLen)) !== 'name') continue;
    p += nameLen;
    while (p < pos) {
      const sub = bytes[p++];
      const [subSize, k] = uleb(bytes, p);
      p += k;
      const subEnd = p + subSize;
      if (sub === 1) {
        let [count, c] = uleb(bytes, p);
        let q = p + c;
        for (; count > 0; count--) {
          const [index, a] = uleb(bytes, q);
          q += a;
          const [len, b] = uleb(bytes, q);
          q += b;
          names.push([index, new TextDecoder().decode(bytes.subarray(q, q + len))]);
          q += len;
        }
      }
      p = subEnd;
    }
  }
  if (names.length === 0) throw new Error('binaryen wrote no function names');
  writeFileSync(file, JSON.stringify(names));
  console.log(`wrote ${file} (${names.length} function names)`);
}

/** The module without custom sections (asc's names, with --names): the shipped runtime never has them. */
function stripCustomSections(bytes) {
  const out = [bytes.subarray(0, 8)];
  let pos = 8;
  while (pos < bytes.length) {
    const at = pos;
    const id = bytes[pos++];
    const [size, n] = uleb(bytes, pos);
    pos += n + size;
    if (id !== 0) out.push(bytes.subarray(at, pos));
  }
  return Buffer.concat(out);
}

/** The linker refuses a runtime with a start section. */
function assertNoStart(bytes) {
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const [size, n] = uleb(bytes, pos);
    if (id === 8) throw new Error('runtime.wasm has a start section');
    pos += n + size;
  }
}

/**
 * Appends a one-byte data segment ending at rt_static_end() (asc's __heap_base: the
 * end of static data plus the shadow stack), so that everything which finds the
 * end of static data from the data segments (the linker, the test harness) places
 * its data and the heap above the shadow stack.
 */
function reserveShadowStack(bytes) {
  const memory = new WebAssembly.Memory({ initial: 16 });
  const stub = () => 0;
  const env = { memory, opa_abort: stub, opa_println: stub };
  for (let i = 0; i <= 4; i++) env[`opa_builtin${i}`] = stub;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env });
  const end = instance.exports.rt_static_end();
  if (!(end > 0)) throw new Error('rt_static_end() returned no address');

  const segment = [0x00, 0x41, ...sleb(end - 1), 0x0b, 0x01, 0x00];
  const out = [];
  let pos = 8;
  out.push(...bytes.subarray(0, 8));
  let sawData = false;
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const [size, sizeLen] = uleb(bytes, pos);
    const start = pos + sizeLen;
    let body = bytes.subarray(start, start + size);
    if (id === 11) {
      const [count, countLen] = uleb(body, 0);
      body = new Uint8Array([...leb(count + 1), ...body.subarray(countLen), ...segment]);
      sawData = true;
    } else if (id === 12) {
      const [count] = uleb(body, 0);
      body = new Uint8Array(leb(count + 1));
    }
    out.push(id, ...leb(body.length), ...body);
    pos = start + size;
  }
  if (!sawData) throw new Error('runtime has no data section');
  return new Uint8Array(out);
}

function uleb(buf, pos) {
  let result = 0, shift = 0, n = 0, b;
  do {
    b = buf[pos + n++];
    result |= (b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  return [result >>> 0, n];
}

function leb(x) {
  const out = [];
  do {
    let b = x & 0x7f;
    x >>>= 7;
    if (x !== 0) b |= 0x80;
    out.push(b);
  } while (x !== 0);
  return out;
}

function sleb(x) {
  const out = [];
  for (;;) {
    const b = x & 0x7f;
    x >>= 7;
    if ((x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
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
