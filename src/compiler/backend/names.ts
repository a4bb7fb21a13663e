// Function names for profiling, opt in: `OFFGATE_WASM_NAMES=1` makes every module
// compiled in that process carry a `name` section (generated functions by the rule or
// function they plan, runtime functions by their export names), so that `node
// --cpu-prof` shows `data.k8spspcapabilities.violation` instead of `wasm-function[812]`.
// `OFFGATE_WASM_NAMES=FILE` (a file written by `npm run build:runtime -- --names FILE`)
// names the runtime's internal functions too. Off by default: the shipped modules
// (wasm/, the module cache) never carry names, and names change no code.
import { readFileSync } from 'node:fs';
import { ByteWriter } from './wasm-encoding';

/** Whether modules compiled now carry names (read once per process). */
export function namesWanted(): boolean {
  const v = process.env.OFFGATE_WASM_NAMES;
  return v !== undefined && v !== '' && v !== '0';
}

let fromFile: Map<number, string> | undefined;

/** The runtime's function names by index from OFFGATE_WASM_NAMES=FILE, if it names a file. */
export function runtimeNamesFile(): Map<number, string> {
  const v = process.env.OFFGATE_WASM_NAMES ?? '';
  if (fromFile === undefined) {
    fromFile = new Map();
    if (v !== '1' && v !== '' && v !== '0') {
      const entries = JSON.parse(readFileSync(v, 'utf8')) as [number, string][];
      for (const [index, name] of entries) fromFile.set(index, name);
    }
  }
  return fromFile;
}

/** The `name` custom section's bytes (after its name): the function names subsection. */
export function nameSection(names: Map<number, string>): Uint8Array {
  const sorted = [...names].sort(([a], [b]) => a - b);
  const sub = new ByteWriter(64 + sorted.length * 24);
  sub.u32(sorted.length);
  for (const [index, name] of sorted) sub.u32(index).name(name);
  const body = sub.finish();
  return new ByteWriter(body.length + 8).byte(1).u32(body.length).raw(body).finish();
}
