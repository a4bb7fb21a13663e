// The host builtins' dependencies, loaded on first use. Almost no policy calls
// a host builtin, but every lint loads this code: importing graphql-js, Ajv or
// node:crypto / node:net at the top of a module would initialise them on every
// start-up (the bundle evaluates all its modules then). createRequire keeps
// them out of the bundle as run-time requires, resolved from the package's
// node_modules (they are dependencies), as src/hash.ts does for node:crypto.
// Modules on the lint path import only types from them (`import type`).
import { createRequire } from 'node:module';

type Crypto = typeof import('node:crypto');
type Net = typeof import('node:net');
type Graphql = typeof import('graphql');
type AjvClass = typeof import('ajv').default;
type AddFormats = typeof import('ajv-formats').default;

let crypto: Crypto | undefined;
let net: Net | undefined;
let graphql: Graphql | undefined;
let ajv: AjvClass | undefined;
let addFormats: AddFormats | undefined;

function load<T>(id: string): T {
  return createRequire(import.meta.url)(id) as T;
}

export function nodeCrypto(): Crypto {
  return (crypto ??= load<Crypto>('node:crypto'));
}

export function nodeNet(): Net {
  return (net ??= load<Net>('node:net'));
}

/** graphql-js (its CommonJS build). */
export function graphqlJs(): Graphql {
  return (graphql ??= load<Graphql>('graphql'));
}

/** Ajv's class and ajv-formats' plugin: both CommonJS modules that export themselves as `default` too. */
export function ajvLib(): { Ajv: AjvClass; addFormats: AddFormats } {
  ajv ??= load<{ default: AjvClass }>('ajv').default;
  addFormats ??= load<{ default: AddFormats }>('ajv-formats').default;
  return { Ajv: ajv, addFormats };
}
