// The host builtins' dependencies, loaded on first use. Almost no policy calls
// a host builtin, but every lint loads this code: importing graphql-js, Ajv or
// node:crypto / node:net at the top of a module would initialise them on every
// start-up (the bundle evaluates all its modules then). createRequire keeps
// them out of the bundle as run-time requires, resolved from the package's
// node_modules (they are dependencies), as src/hash.ts does for node:crypto.
// Modules on the lint path import only types from them (`import type`).
//
// graphql-js and Ajv come from dist/vendor/, where scripts/build.mjs bundles them: an installed
// package or the GitHub Action has no node_modules of its own. From the sources (tests, before
// a build) they are the dependencies in node_modules.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { packagePath } from '../../paths';

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

/** A dependency bundled into dist/vendor/NAME.cjs, or `fallback()` when there is no such bundle. */
function vendored<T>(name: string, fallback: () => T): T {
  const bundle = packagePath('dist', 'vendor', `${name}.cjs`);
  return existsSync(bundle) ? load<T>(bundle) : fallback();
}

export function nodeCrypto(): Crypto {
  return (crypto ??= load<Crypto>('node:crypto'));
}

export function nodeNet(): Net {
  return (net ??= load<Net>('node:net'));
}

/** graphql-js (its CommonJS build). */
export function graphqlJs(): Graphql {
  return (graphql ??= vendored('graphql', () => load<Graphql>('graphql')));
}

/** Ajv's class and ajv-formats' plugin: both CommonJS modules that export themselves as `default` too. */
export function ajvLib(): { Ajv: AjvClass; addFormats: AddFormats } {
  if (!ajv || !addFormats) {
    ({ Ajv: ajv, addFormats } = vendored('json-schema', () => ({
      Ajv: load<{ default: AjvClass }>('ajv').default,
      addFormats: load<{ default: AddFormats }>('ajv-formats').default,
    })));
  }
  return { Ajv: ajv, addFormats };
}
