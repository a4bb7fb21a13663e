// The runtime functions generated code calls, by their export names in
// src/runtime/runtime.wasm, with their wasm signatures. The linker checks each
// against the runtime module so a mismatch fails the build, not a user's eval.
export type WasmType = 'i32' | 'i64' | 'f64';

export interface RuntimeFn { params: WasmType[]; results: WasmType[] }

const v = 'i32' as const;

export const RUNTIME_FUNCTIONS = {
  // set-up, called from the start function with the first free byte after static data
  rt_init: { params: [v], results: [] },
  // scalars
  rt_null: { params: [], results: [v] },
  rt_bool: { params: [v], results: [v] },
  rt_int: { params: ['i64'], results: [v] },
  rt_float: { params: ['f64'], results: [v] },
  rt_string: { params: [v, v], results: [v] }, // (bytes, len): copies
  // collections being built by the caller
  rt_array: { params: [v], results: [v] }, // (capacity)
  rt_array_push: { params: [v, v], results: [] },
  rt_object: { params: [v], results: [v] },
  rt_object_insert: { params: [v, v, v], results: [] },
  rt_set: { params: [v], results: [v] },
  rt_set_add: { params: [v, v], results: [] },
  rt_set_from_array: { params: [v], results: [v] }, // a set of the array's elements, built by the caller in one go
  // access
  rt_get: { params: [v, v], results: [v] }, // coll[key] or 0
  rt_get_at: { params: [v, v, v], results: [v] }, // (coll, constant string key, the site's hint slot): coll[key] or 0
  rt_len: { params: [v], results: [v] }, // elements of a collection, 0 for scalars
  rt_iter_key: { params: [v, v], results: [v] }, // (coll, i)
  rt_iter_value: { params: [v, v], results: [v] },
  rt_tag: { params: [v], results: [v] },
  rt_equal: { params: [v, v], results: [v] },
  rt_compare: { params: [v, v], results: [v] },
  // `with data.a.b as x` over base documents: a copy of obj with the path set
  rt_upsert_path: { params: [v, v, v], results: [v] }, // (obj, path array, value) → new obj
  // print(): an array holding, per argument, the set of its values
  rt_print: { params: [v], results: [] },
  // builtin errors (strict mode aborts with the message)
  rt_error_message: { params: [], results: [v] }, // NUL-terminated string or 0
  rt_builtin_error: { params: [v], results: [v] }, // (where "file:line: ") → full abort message or 0
  rt_clear_error: { params: [], results: [] },
  // the evaluation deadline (start function: the reserved builtin's id; host: ask every n ticks)
  rt_deadline_builtin: { params: [v], results: [] },
  rt_tick: { params: [], results: [] }, // at the entry of every Rego function
  offgate_deadline_ticks: { params: [v], results: [] },
  // the evaluation context of the non-fast-path ABI
  rt_ctx_input: { params: [v], results: [v] },
  rt_ctx_data: { params: [v], results: [v] },
  rt_ctx_entrypoint: { params: [v], results: [v] },
  rt_ctx_set_result: { params: [v, v], results: [] },
  // OPA ABI, re-exported under the same names
  opa_malloc: { params: [v], results: [v] },
  opa_free: { params: [v], results: [] },
  opa_json_parse: { params: [v, v], results: [v] },
  opa_value_parse: { params: [v, v], results: [v] },
  opa_json_dump: { params: [v], results: [v] },
  opa_value_dump: { params: [v], results: [v] },
  opa_heap_ptr_get: { params: [], results: [v] },
  opa_heap_ptr_set: { params: [v], results: [] },
  opa_eval_ctx_new: { params: [], results: [v] },
  opa_eval_ctx_set_input: { params: [v, v], results: [] },
  opa_eval_ctx_set_data: { params: [v, v], results: [] },
  opa_eval_ctx_set_entrypoint: { params: [v, v], results: [] },
  opa_eval_ctx_get_result: { params: [v], results: [v] },
  opa_value_add_path: { params: [v, v, v], results: [v] },
  opa_value_remove_path: { params: [v, v], results: [v] },
} satisfies Record<string, RuntimeFn>;

export type RuntimeFnName = keyof typeof RUNTIME_FUNCTIONS;

/**
 * The reserved builtin through which a module asks its host whether the evaluation
 * deadline has passed (src/runtime/deadline.ts). Every module lists it in its
 * builtins() table; only a host that enables the check (the `offgate_deadline_ticks`
 * export) ever sees it called, and must then provide it.
 */
export const DEADLINE_BUILTIN = 'offgate.deadline';

/** The module's export that turns the deadline check on: ask the host every n ticks. */
export const DEADLINE_EXPORT = 'offgate_deadline_ticks';

/** ABI exports taken as they are from the runtime. */
export const ABI_EXPORTS: RuntimeFnName[] = [
  'opa_malloc', 'opa_free', 'opa_json_parse', 'opa_value_parse', 'opa_json_dump',
  'opa_value_dump', 'opa_heap_ptr_get', 'opa_heap_ptr_set', 'opa_eval_ctx_new',
  'opa_eval_ctx_set_input', 'opa_eval_ctx_set_data', 'opa_eval_ctx_set_entrypoint',
  'opa_eval_ctx_get_result', 'opa_value_add_path', 'opa_value_remove_path',
];

/** The `env` function imports every module has (looked up by name; asc decides their order). */
export const RUNTIME_IMPORTS = [
  { name: 'opa_abort', params: [v], results: [] },
  { name: 'opa_println', params: [v], results: [] },
  { name: 'opa_builtin0', params: [v, v], results: [v] },
  { name: 'opa_builtin1', params: [v, v, v], results: [v] },
  { name: 'opa_builtin2', params: [v, v, v, v], results: [v] },
  { name: 'opa_builtin3', params: [v, v, v, v, v], results: [v] },
  { name: 'opa_builtin4', params: [v, v, v, v, v, v], results: [v] },
] as const;
