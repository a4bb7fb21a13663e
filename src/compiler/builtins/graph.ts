// graph.* builtins implemented natively by the runtime (src/runtime/builtins/graph.ts).
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('graph.reachable', 2),
  native('graph.reachable_paths', 2),
];
