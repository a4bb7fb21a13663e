// The evaluation deadline, checked from inside the module.
//
// A host cannot interrupt WebAssembly running on its own thread, so the module has
// to ask. Work is counted in ticks (every allocation, every step of an iteration in
// generated code); every `ticksPerCheck` ticks the module calls the host, which
// throws out of the evaluation when its deadline has passed.
//
// The call goes through a builtin: the only host call in OPA's ABI that returns
// (opa_abort only ends an evaluation; the module has no clock of its own). The
// builtin has a reserved name (DEADLINE_BUILTIN in src/compiler/backend/module.ts)
// listed in the module's `builtins()` table, and the start function tells the
// runtime its id. Checking is off until the host turns it on with the extra export
// `offgate_deadline_ticks`: a host that knows nothing of it (the stock SDK, OPA's
// own SDKs) never sees the builtin called, and the module runs exactly as before.
import { rt_builtin0 } from './abi';

const OFF: i32 = 0x7fff_ffff;

let ticksLeft: i32 = OFF;
let ticksPerCheck: i32 = 0;
let checkBuiltin: i32 = -1;

/** One unit of work. Cheap: a decrement and a branch; the host is asked every `ticksPerCheck`. */
// @ts-ignore: decorator
@inline export function tick(): void {
  if (--ticksLeft < 0) check();
}

/** `n` units of work at once (the allocator counts bytes, in 16-byte units). */
export function tickBy(n: i32): void {
  ticksLeft -= n;
  if (ticksLeft < 0) check();
}

function check(): void {
  if (ticksPerCheck <= 0 || checkBuiltin < 0) {
    ticksLeft = OFF;
    return;
  }
  ticksLeft = ticksPerCheck;
  // The host throws when the deadline has passed; otherwise it returns 0.
  rt_builtin0(checkBuiltin, 0);
}

/**
 * A tick from generated code, at the entry of every Rego function: calls that
 * neither allocate nor iterate (f0 calls f1 twice, f1 calls f2 twice…) still do
 * work exponential in the size of the policy text.
 */
export function rt_tick(): void {
  tick();
}

/** Called by the start function: the id of the deadline builtin in this module's builtins() table. */
export function rt_deadline_builtin(id: i32): void {
  checkBuiltin = id;
}

/** Exported to the host: ask it every `n` ticks (0 turns checking off). */
export function offgate_deadline_ticks(n: i32): void {
  ticksPerCheck = n > 0 ? n : 0;
  ticksLeft = n > 0 ? n : OFF;
}
