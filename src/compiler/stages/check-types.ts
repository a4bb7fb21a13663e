// Stage: check builtin argument types that are known at compile time, as OPA's
// type checker does: a literal, composite or comprehension passed where the
// builtin's declaration wants something else is a rego_type_error
// (`count(1)`, `startswith(1, "a")`, `1 + "a"`). Variables and refs have no
// static type here and are left to evaluation. The declarations are OPA's own,
// from the capabilities file the SDK package ships.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Term } from '../ast';
import { RegoError } from '../errors';
import { walkBody, walkTerm } from '../visit';
import type { Program } from './resolve';

interface TypeDecl {
  type: string;
  of?: TypeDecl | TypeDecl[];
  dynamic?: TypeDecl;
  static?: unknown;
}

/** Defined by scripts/build.mjs in the bundles: OPA's builtin declarations, as JSON text. */
declare const __OFFGATE_OPA_BUILTINS: string | undefined;

interface Capabilities {
  builtins: { name: string; decl: { args?: TypeDecl[] } }[];
}

/**
 * Where the capabilities file (from an older OPA) declares less than today's
 * OPA accepts: glob.match takes null delimiters (no delimiters) too.
 */
const OVERRIDES: Record<string, TypeDecl[]> = {
  'glob.match': [{ type: 'string' }, { type: 'any', of: [{ type: 'null' }, { type: 'array' }] }, { type: 'string' }],
};

/** Unifications and membership check nothing by type. */
const SKIP = new Set(['eq', 'assign', 'internal.member_2', 'internal.member_3', 'print']);

let declarations: Map<string, TypeDecl[]> | undefined;

function builtinDeclarations(): Map<string, TypeDecl[]> {
  if (!declarations) {
    declarations = new Map();
    for (const b of opaBuiltins()) if (!SKIP.has(b.name)) declarations.set(b.name, OVERRIDES[b.name] ?? b.args);
  }
  return declarations;
}

/**
 * OPA's builtins and their argument types, from the capabilities file opa-wasm ships: written
 * into the bundles by scripts/build.mjs (an installed package has no node_modules), read from
 * the dependency when running from the sources.
 */
function opaBuiltins(): { name: string; args: TypeDecl[] }[] {
  if (typeof __OFFGATE_OPA_BUILTINS === 'string') return JSON.parse(__OFFGATE_OPA_BUILTINS) as { name: string; args: TypeDecl[] }[];
  // The package exports no path to the file: find it beside the package's entry point.
  const require = createRequire(import.meta.url);
  const root = dirname(dirname(require.resolve('@open-policy-agent/opa-wasm')));
  const caps = JSON.parse(readFileSync(join(root, 'capabilities.json'), 'utf8')) as Capabilities;
  return caps.builtins.filter((b) => b.decl.args).map((b) => ({ name: b.name, args: b.decl.args! }));
}

/** The type a term has before evaluation, when it has one. */
function staticType(t: Term): string | undefined {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
    case 'array':
    case 'object':
    case 'set':
      return t.type;
    case 'arraycompr':
      return 'array';
    case 'setcompr':
      return 'set';
    case 'objectcompr':
      return 'object';
    default:
      return undefined;
  }
}

function accepts(decl: TypeDecl, actual: string): boolean {
  if (decl.type === 'any') {
    if (Array.isArray(decl.of)) return decl.of.some((d) => accepts(d, actual));
    return true;
  }
  return decl.type === actual;
}

function describe(decl: TypeDecl): string {
  if (decl.type === 'any' && Array.isArray(decl.of)) return `any<${decl.of.map(describe).join(', ')}>`;
  return decl.type;
}

export function checkTypes(program: Program): void {
  const decls = builtinDeclarations();
  const check = (t: Term) => {
    if (t.type !== 'call' || t.fn.type !== 'var') return;
    const want = decls.get(t.fn.name);
    if (!want || (t.args.length !== want.length && t.args.length !== want.length + 1)) return;
    const have = t.args.slice(0, want.length).map(staticType);
    if (have.every((h, i) => h === undefined || accepts(want[i], h))) return;
    throw new RegoError(
      'rego_type_error',
      `${t.fn.name}: invalid argument(s): have (${have.map((h) => h ?? '???').join(', ')}), want (${want.map(describe).join(', ')})`,
      t.pos,
    );
  };
  for (const r of program.rules) {
    for (const x of [...r.path, ...(r.args ?? []), r.value, ...(r.key ? [r.key] : [])]) walkTerm(x, check);
    walkBody(r.body, check);
    for (let e = r.else; e; e = e.else) {
      walkBody(e.body, check);
      if (e.value) walkTerm(e.value, check);
    }
  }
}
