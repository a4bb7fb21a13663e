// The builtins offgate's evaluator provides to modules from JavaScript (the
// ones the runtime cannot; declared in src/compiler/builtins/). One table per
// namespace under ./host, merged here by Rego name (regorus-style).
//
// OPA's builtin errors make a call undefined, or abort evaluation when the
// policy asks for strict builtin errors; a JavaScript exception always aborts
// the SDK's evaluation, so each builtin runs behind a wrapper that turns its
// BuiltinError into undefined unless strict. Network builtins always fail.
import type { CustomBuiltins } from './sdk';
import { BuiltinError, type HostTable } from './host/common';
import { builtins as crypto } from './host/crypto';
import { builtins as graphql } from './host/graphql';
import { builtins as jsonSchema } from './host/json-schema';
import { builtins as jwt } from './host/jwt';
import { builtins as time } from './host/time';
import { builtins as providers } from './host/providers';
import { builtins as rand } from './host/rand';
import { builtins as uuid } from './host/uuid';
import { builtins as net } from './host/net';
import { builtins as opa } from './host/opa';
import { builtins as yaml } from './host/yaml';
import { builtins as strings } from './host/strings';
import { builtins as rego } from './host/rego';

const TABLES: HostTable[] = [crypto, graphql, jsonSchema, jwt, providers, time, rand, uuid, net, opa, yaml, strings, rego];

function merged(): HostTable {
  const all: HostTable = {};
  for (const table of TABLES) {
    for (const [name, fn] of Object.entries(table)) {
      if (name in all) throw new Error(`host builtin ${name} registered twice`);
      all[name] = fn;
    }
  }
  return all;
}

const ALL = merged();

/** The host builtins for modules compiled with (strict) or without strict builtin errors. */
export function hostBuiltins(options: { strict: boolean }): CustomBuiltins {
  return asCustomBuiltins(ALL, options);
}

/** A table's builtins as the SDK calls them, their BuiltinErrors handled as OPA's mode says. */
export function asCustomBuiltins(table: HostTable, options: { strict: boolean }): CustomBuiltins {
  const out: CustomBuiltins = {};
  for (const [name, fn] of Object.entries(table)) {
    out[name] = (...args: unknown[]) => {
      try {
        return fn(...args);
      } catch (e) {
        if (!(e instanceof BuiltinError)) throw e;
        if (!options.strict) return undefined;
        // Strict: evaluation stops with the error as OPA words it, its code first (OPA's
        // operand errors, "NAME: operand N …", are type errors).
        throw new BuiltinError(`${/^[\w.]+: operand \d/.test(e.message) ? 'eval_type_error' : 'eval_builtin_error'}: ${e.message}`);
      }
    };
  }
  return out;
}

/** Host builtins as Gatekeeper evaluates: builtin errors are undefined. */
export const HOST_BUILTINS: CustomBuiltins = hostBuiltins({ strict: false });

/** Every host builtin's Rego name (the compiler's declarations must match). */
export const HOST_BUILTIN_NAMES: string[] = Object.keys(ALL);
