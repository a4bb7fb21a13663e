// The runtime's entry point, compiled by asc (scripts/build-runtime.mjs). Every
// export here is a function the compiler's back end may link against; see
// src/compiler/backend/runtime-abi.ts for the contract.
export {
  // set-up
  rt_init, rt_static_end,
  // scalars and collections
  rt_null, rt_bool, rt_int, rt_float, rt_string,
  rt_array, rt_array_push, rt_object, rt_object_insert, rt_set, rt_set_add, rt_set_from_array,
  // access
  rt_get, rt_get_at, rt_len, rt_iter_key, rt_iter_value, rt_tag, rt_equal, rt_compare,
  rt_upsert_path,
  // print()
  rt_print,
  // builtin errors
  rt_error_message, rt_clear_error,
  // evaluation context
  rt_ctx_input, rt_ctx_data, rt_ctx_entrypoint, rt_ctx_set_result,
  // host calls (keep the env imports in the module)
  rt_abort, rt_println, rt_builtin0, rt_builtin1, rt_builtin2, rt_builtin3, rt_builtin4,
  // OPA ABI
  opa_malloc, opa_free, opa_json_parse, opa_value_parse, opa_json_dump, opa_value_dump,
  opa_heap_ptr_get, opa_heap_ptr_set, opa_eval_ctx_new, opa_eval_ctx_set_input,
  opa_eval_ctx_set_data, opa_eval_ctx_set_entrypoint, opa_eval_ctx_get_result,
  opa_value_add_path, opa_value_remove_path,
} from './abi';
// the evaluation deadline: the builtin's id (start function), the host's switch
export { rt_tick, rt_deadline_builtin, offgate_deadline_ticks } from './deadline';
// strict mode: the positioned abort message of a builtin error
export { rt_builtin_error } from './strict';

// Builtins, exported as b_<name>.
export * from './builtins/strings';
export * from './builtins/sprintf';
export * from './builtins/numbers';
export * from './builtins/aggregates';
export * from './builtins/sets';
export * from './builtins/types';
export * from './builtins/regex';
export * from './builtins/glob';
export * from './builtins/units';
export * from './builtins/encoding';
export * from './builtins/objects';
export * from './builtins/arrays';
export * from './builtins/walk';
export * from './builtins/deprecated';
export * from './builtins/template';
export * from './builtins/net';
export * from './builtins/json_paths';
export * from './builtins/graph';
export * from './builtins/bits';
export * from './builtins/semver';
export * from './builtins/re_globs';
export * from './builtins/uri';
