// Issue 12 (compile speed): what the runtime is decoded and encoded into once per
// process must give exactly the modules a fresh decoding gives, and no compile may
// leave state behind that changes the next one.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ModuleLinker, writeModule } from '../src/compiler/backend/link';
import { loadRuntime } from '../src/compiler/backend/runtime-wasm';
import { ByteWriter } from '../src/compiler/backend/wasm-encoding';
import { readModule } from '../src/compiler/backend/wasm-reader';
import { compile } from '../src/compiler/compile';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const POLICY_A = `package a
import rego.v1
xs := {x | some x in input.items; x > 1}
allow if count(xs) > 0
`;
const POLICY_B = `package b
import rego.v1
names := [n | some c in input.containers; n := c.name]
deny contains msg if { some n in names; startswith(n, "bad"); msg := sprintf("bad %v", [n]) }
`;

function compileOne(source: string, entrypoint: string): Uint8Array {
  return compile({ modules: [{ file: 'p.rego', source }], entrypoints: [entrypoint] });
}

describe('compiling with the runtime decoded once', () => {
  it('gives the same module each time, whatever was compiled in between', () => {
    const first = sha(compileOne(POLICY_A, 'a/allow'));
    const other = sha(compileOne(POLICY_B, 'b/deny'));
    expect(other).not.toBe(first);
    expect(sha(compileOne(POLICY_A, 'a/allow'))).toBe(first);
  });

  it('emits a module whose runtime part is the runtime as decoded afresh', () => {
    const wasm = compileOne(POLICY_A, 'a/allow');
    const runtime = readModule(loadRuntime());
    const linked = readModule(wasm);
    expect(linked.code.slice(0, runtime.code.length)).toEqual(runtime.code);
    expect(linked.data.slice(0, runtime.data.length)).toEqual(runtime.data);
    expect(linked.code.length).toBeGreaterThan(runtime.code.length);
  });

  it('keeps each linker\'s added types to itself', () => {
    const runtime = loadRuntime();
    const types = readModule(runtime).types.length;
    const one = new ModuleLinker(runtime);
    const t = one.addType(['i64', 'i64', 'i64', 'f64', 'f64'], ['f64']);
    expect(t).toBe(types);
    expect(one.addType(['i64', 'i64', 'i64', 'f64', 'f64'], ['f64'])).toBe(t);
    const two = new ModuleLinker(runtime);
    expect(two.addType(['f64', 'i64', 'i64', 'i64', 'f64'], ['f64'])).toBe(types);
  });
});

describe('writeModule with pre-encoded entries', () => {
  it('writes the same bytes as with every entry in the model', () => {
    const mod = readModule(loadRuntime());
    const whole = writeModule(mod);
    const code = new ByteWriter();
    const k = Math.floor(mod.code.length / 2);
    for (const body of mod.code.slice(0, k)) code.byteVec(body);
    const data = new ByteWriter();
    const d = Math.floor(mod.data.length / 2);
    const bare = writeModule({ ...mod, code: [], data: mod.data.slice(0, d), types: [], imports: [], functions: [], exports: [], memories: [], globals: [], start: undefined, dataCount: undefined, tables: [], elements: [], tags: [], customs: [] });
    // The data section of a module holding only those segments: id, size, count, entries.
    const section = readSection(bare, 11);
    data.raw(section.subarray(leb128Length(section)));
    const split = writeModule(
      { ...mod, code: mod.code.slice(k), data: mod.data.slice(d) },
      { code: { count: k, bytes: code.finish() }, data: { count: d, bytes: data.finish() } },
    );
    expect(Buffer.from(split).equals(Buffer.from(whole))).toBe(true);
  });
});

/** The contents of the first section `id` of a module. */
function readSection(wasm: Uint8Array, id: number): Uint8Array {
  let at = 8;
  while (at < wasm.length) {
    const sid = wasm[at++];
    const size = readU32(wasm, at);
    at += leb128Length(wasm.subarray(at));
    if (sid === id) return wasm.subarray(at, at + size);
    at += size;
  }
  throw new Error(`no section ${id}`);
}

function readU32(b: Uint8Array, at: number): number {
  let n = 0;
  for (let shift = 0, i = at; ; shift += 7, i++) {
    n += (b[i] & 0x7f) * 2 ** shift;
    if ((b[i] & 0x80) === 0) return n;
  }
}

function leb128Length(b: Uint8Array): number {
  let i = 0;
  while (b[i] & 0x80) i++;
  return i + 1;
}
