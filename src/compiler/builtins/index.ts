// Every builtin the compiler knows, by Rego name: one table per namespace file,
// merged here (regorus-style). A name missing from this table is a compile
// error naming the function.
import type { BuiltinDef } from './types';
import { builtins as aggregates } from './aggregates';
import { builtins as crypto } from './crypto';
import { builtins as graphql } from './graphql';
import { builtins as jsonSchema } from './json-schema';
import { builtins as jwt } from './jwt';
import { builtins as net } from './net';
import { builtins as opa } from './opa';
import { builtins as providers } from './providers';
import { builtins as rand } from './rand';
import { builtins as rego } from './rego';
import { builtins as time } from './time';
import { builtins as uuid } from './uuid';
import { builtins as arrays } from './arrays';
import { builtins as deprecated } from './deprecated';
import { builtins as encoding } from './encoding';
import { builtins as glob } from './glob';
import { builtins as numbers } from './numbers';
import { builtins as objects } from './objects';
import { builtins as regex } from './regex';
import { builtins as sets } from './sets';
import { builtins as strings } from './strings';
import { builtins as typenames } from './typenames';
import { builtins as units } from './units';
import { builtins as walk } from './walk';
import { builtins as jsonPaths } from './json-paths';
import { builtins as graph } from './graph';
import { builtins as bits } from './bits';
import { builtins as semver } from './semver';
import { builtins as uri } from './uri';

const NAMESPACES: BuiltinDef[][] = [
  aggregates, arrays, deprecated, encoding, glob, numbers, objects, regex, sets, strings, typenames, units, walk,
  jsonPaths, graph, bits, semver, uri,
  // provided by the host (src/policy/host/, one file per namespace there too)
  crypto, graphql, jsonSchema, jwt, net, opa, providers, rand, time, uuid,
  rego,
];

/**
 * Operators and calls the planner emits inline rather than through a runtime
 * export (comparisons, membership, print); listed so name checks know them.
 */
export const INLINE_BUILTINS: BuiltinDef[] = [
  { name: 'eq', arity: 2 },
  { name: 'assign', arity: 2 },
  { name: 'equal', arity: 2 },
  { name: 'neq', arity: 2 },
  { name: 'lt', arity: 2 },
  { name: 'lte', arity: 2 },
  { name: 'gt', arity: 2 },
  { name: 'gte', arity: 2 },
  { name: 'internal.member_2', arity: 2 },
  { name: 'internal.member_3', arity: 3 },
];

export function builtinTable(): Map<string, BuiltinDef> {
  const table = new Map<string, BuiltinDef>();
  for (const def of [...NAMESPACES.flat()]) {
    if (table.has(def.name)) throw new Error(`builtin ${def.name} registered twice`);
    table.set(def.name, def);
  }
  return table;
}
