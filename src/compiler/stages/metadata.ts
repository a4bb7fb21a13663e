// Stage: rego.metadata.rule() and rego.metadata.chain() become constants.
//
// Both depend only on the rule they are called in and on the modules' METADATA
// annotations (annotations.ts), all known at compile time, so each call is
// replaced by its value where it stands (`rego.metadata.chain(x)` by `x = value`).
// As OPA documents them:
//   - rule(): the annotations of scope rule declared on the active rule, or {};
//   - chain(): from the active rule outward, one entry {path, annotations} per
//     annotated node: the rule (always present, without `annotations` when it has
//     none), the document (scope document on any rule of the same path), the
//     package, then the subpackages scopes of the package and its ancestors, the
//     nearest first. Paths leave out `data`.
// Runs before name resolution, on the parsed modules: a rule is still the object
// its annotations point to.
import type { Annotation, Body, ElseClause, Expr, ExprBody, Module, Pos, Rule, Term, With } from '../ast';
import { RegoError } from '../errors';
import { walkBody, walkTerm } from '../visit';

const RULE = 'rego.metadata.rule';
const CHAIN = 'rego.metadata.chain';

interface Index {
  byRule: Map<Rule, Annotation[]>;
  /** Keyed by the path joined with NUL: documents (package + rule path) and packages. */
  document: Map<string, Annotation>;
  pkg: Map<string, Annotation>;
  subpackages: Map<string, Annotation>;
}

export function fillMetadataCalls(modules: Module[]): Module[] {
  if (!modules.some(usesMetadata)) return modules;
  const index = indexAnnotations(modules);
  return modules.map((m) => ({
    ...m,
    rules: m.rules.map((r) => rewriteRule(r, (call) => metadataValue(call, r, m, index))),
  }));
}

/** A walk, so that modules without such calls are passed through untouched. */
function usesMetadata(m: Module): boolean {
  let found = false;
  const look = (t: Term): boolean => {
    if (t.type === 'call' && metadataName(t.fn) !== undefined) found = true;
    return !found;
  };
  for (const r of m.rules) {
    for (const t of [...r.head.ref, ...(r.head.args ?? []), ...(r.head.key ? [r.head.key] : []), ...(r.head.value ? [r.head.value] : [])]) walkTerm(t, look);
    walkBody(r.body, look);
    for (let e = r.else; e; e = e.else) {
      walkBody(e.body, look);
      if (e.value) walkTerm(e.value, look);
    }
  }
  return found;
}

function indexAnnotations(modules: Module[]): Index {
  const index: Index = { byRule: new Map(), document: new Map(), pkg: new Map(), subpackages: new Map() };
  for (const m of modules) {
    for (const a of m.annotations ?? []) {
      if (a.scope === 'rule' && a.rule) {
        index.byRule.set(a.rule, [...(index.byRule.get(a.rule) ?? []), a]);
      } else if (a.scope === 'document' && a.rule) {
        const key = documentPath(a.rule, m).join('\u0000');
        if (!index.document.has(key)) index.document.set(key, a);
      } else if (a.scope === 'package' || a.scope === 'subpackages') {
        const map = a.scope === 'package' ? index.pkg : index.subpackages;
        const key = m.package.join('\u0000');
        if (!map.has(key)) map.set(key, a);
      }
    }
  }
  return index;
}

/** The package path and the rule's ref up to its first non-string term. */
function documentPath(rule: Rule, m: Module): string[] {
  const path = [...m.package];
  const [first, ...rest] = rule.head.ref;
  if (first.type === 'var') path.push(first.name);
  for (const t of rest) {
    if (t.type !== 'string') break;
    path.push(t.value);
  }
  return path;
}

/** `rule` or `chain` for a call of rego.metadata.*, else undefined. */
function metadataName(fn: Term): string | undefined {
  if (fn.type === 'var') return fn.name === RULE || fn.name === CHAIN ? fn.name : undefined;
  if (fn.type !== 'ref' || fn.terms.length !== 3) return undefined;
  const [head, a, b] = fn.terms;
  if (head.type !== 'var' || head.name !== 'rego' || a.type !== 'string' || a.value !== 'metadata' || b.type !== 'string') return undefined;
  const name = `rego.metadata.${b.value}`;
  return name === RULE || name === CHAIN ? name : undefined;
}

function metadataValue(call: Term & { type: 'call' }, rule: Rule, m: Module, index: Index): Term {
  const name = metadataName(call.fn)!;
  if (call.args.length > 1) {
    throw new RegoError('rego_type_error', `${name}: arity mismatch: expected 0 arguments, got ${call.args.length}`, call.pos);
  }
  const own = index.byRule.get(rule) ?? [];
  let value: unknown;
  if (name === RULE) {
    value = own.length > 0 ? checked(own[0], name, call.pos).value : {};
  } else {
    const path = documentPath(rule, m);
    const chain: Record<string, unknown>[] = own.length > 0
      ? own.map((a) => ({ path, annotations: checked(a, name, call.pos).value }))
      : [{ path }];
    const doc = index.document.get(path.join('\u0000'));
    if (doc) chain.push({ path, annotations: checked(doc, name, call.pos).value });
    const pkg = index.pkg.get(m.package.join('\u0000'));
    if (pkg) chain.push({ path: m.package, annotations: checked(pkg, name, call.pos).value });
    for (let n = m.package.length; n >= 1; n--) {
      const sub = index.subpackages.get(m.package.slice(0, n).join('\u0000'));
      if (sub) chain.push({ path: m.package.slice(0, n), annotations: checked(sub, name, call.pos).value });
    }
    value = chain;
  }
  const constant = jsonTerm(value, call.pos);
  // With an output argument the call is a unification with its value.
  if (call.args.length === 1) {
    return { type: 'call', fn: { type: 'var', name: 'eq', pos: call.pos }, args: [call.args[0], constant], pos: call.pos };
  }
  return constant;
}

/** Fails by name when an annotation holds keys offgate does not return. */
function checked(a: Annotation, name: string, pos: Pos): Annotation {
  if (a.unsupported) {
    throw new RegoError('rego_compile_error', `${name}: the annotation key${a.unsupported.length > 1 ? 's' : ''} ${a.unsupported.map((k) => `'${k}'`).join(', ')} (${a.pos.file}:${a.pos.line}) ${a.unsupported.length > 1 ? 'are' : 'is'} not supported by offgate`, pos);
  }
  return a;
}

function jsonTerm(v: unknown, pos: Pos): Term {
  if (v === null || v === undefined) return { type: 'null', pos };
  if (typeof v === 'boolean') return { type: 'boolean', value: v, pos };
  if (typeof v === 'number') return { type: 'number', value: String(v), pos };
  if (typeof v === 'string') return { type: 'string', value: v, pos };
  if (Array.isArray(v)) return { type: 'array', items: v.map((x) => jsonTerm(x, pos)), pos };
  if (v instanceof Date) return { type: 'string', value: v.toISOString(), pos };
  return {
    type: 'object',
    entries: Object.entries(v as Record<string, unknown>).map(([k, x]) => [{ type: 'string', value: k, pos }, jsonTerm(x, pos)] as [Term, Term]),
    pos,
  };
}

// ---- rewriting every term of a rule ------------------------------------------------------

type CallRewrite = (call: Term & { type: 'call' }) => Term;

/** The rule with every rego.metadata.* call rewritten by `f`. */
function rewriteRule(r: Rule, f: CallRewrite): Rule {
  const term = (t: Term): Term => mapTerm(t, (x) => (x.type === 'call' && metadataName(x.fn) !== undefined ? f(x) : x));
  const head = { ...r.head, ref: r.head.ref.map(term) };
  if (r.head.args) head.args = r.head.args.map(term);
  if (r.head.key) head.key = term(r.head.key);
  if (r.head.value) head.value = term(r.head.value);
  const out: Rule = { ...r, head, body: mapBody(r.body, term) };
  if (r.else) out.else = mapElse(r.else, term);
  return out;
}

/** A loop over the chain: chains of thousands of clauses are valid. */
function mapElse(first: ElseClause, term: (t: Term) => Term): ElseClause {
  const clauses: ElseClause[] = [];
  for (let e: ElseClause | undefined = first; e; e = e.else) {
    clauses.push({ ...e, value: e.value ? term(e.value) : undefined, body: mapBody(e.body, term), else: undefined });
  }
  for (let i = 0; i + 1 < clauses.length; i++) clauses[i].else = clauses[i + 1];
  return clauses[0];
}

function mapBody(b: Body, term: (t: Term) => Term): Body {
  return b.map((e): Expr => ({ ...e, body: mapExprBody(e.body, term), with: e.with.map((w): With => ({ ...w, target: term(w.target), value: term(w.value) })) }));
}

function mapExprBody(b: ExprBody, term: (t: Term) => Term): ExprBody {
  switch (b.kind) {
    case 'term': return { kind: 'term', term: term(b.term) };
    case 'some': return b;
    case 'somein': return { ...b, key: b.key ? term(b.key) : null, value: term(b.value), domain: term(b.domain) };
    case 'every': return { ...b, key: b.key ? term(b.key) : null, value: term(b.value), domain: term(b.domain), body: mapBody(b.body, term) };
  }
}

/** Children first, then `f` on the rebuilt term. */
function mapTerm(t: Term, f: (t: Term) => Term): Term {
  const m = (x: Term): Term => mapTerm(x, f);
  switch (t.type) {
    case 'ref': return f({ ...t, terms: t.terms.map(m) });
    case 'array': return f({ ...t, items: t.items.map(m) });
    case 'set': return f({ ...t, items: t.items.map(m) });
    case 'object': return f({ ...t, entries: t.entries.map(([k, v]) => [m(k), m(v)] as [Term, Term]) });
    case 'call': return f({ ...t, args: t.args.map(m) });
    case 'arraycompr': return f({ ...t, head: m(t.head), body: mapBody(t.body, m) });
    case 'setcompr': return f({ ...t, head: m(t.head), body: mapBody(t.body, m) });
    case 'objectcompr': return f({ ...t, key: m(t.key), value: m(t.value), body: mapBody(t.body, m) });
    default: return f(t);
  }
}
