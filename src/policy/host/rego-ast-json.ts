// A parsed module as OPA's AST JSON (what encoding/json makes of an ast.Module with
// the default options: no locations), for rego.parse_module.
//
// offgate's AST is not OPA's: the parser renames wildcards and cuts long operator
// chains into generated variables, and keeps `some`, `every` and comments in its own
// shapes. Only the forms whose JSON is known to be OPA's exactly are converted:
// package, imports, rule heads (name, ref, key, value, args, assign, default),
// bodies of term and call expressions (negated, with), and the terms null,
// boolean, number, string, var, ref, array, object with string keys, call and
// comprehensions. Anything else fails with an error naming it rather than
// returning a document that differs from OPA's.
import type { Body, Expr, Module, Rule, Term } from '../../compiler/ast';

export class UnsupportedAst extends Error {}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function unsupported(what: string): never {
  throw new UnsupportedAst(`${what} cannot be returned as OPA's AST by offgate`);
}

export function moduleJson(m: Module): { [k: string]: Json } {
  if (m.annotations) unsupported('a module with METADATA annotations');
  const out: { [k: string]: Json } = {
    package: { path: [termOf('var', 'data'), ...m.package.map((p) => termOf('string', p))] },
  };
  if (m.imports.length > 0) {
    out.imports = m.imports.map((imp) => {
      const i: { [k: string]: Json } = { path: term(imp.path) };
      if (imp.alias) i.alias = imp.alias;
      return i;
    });
  }
  if (m.rules.length > 0) out.rules = m.rules.map(rule);
  return out;
}

function termOf(type: string, value: Json): Json {
  return { type, value };
}

function rule(r: Rule): Json {
  if (r.else) unsupported('a rule with else');
  const h = r.head;
  const head: { [k: string]: Json } = { ref: h.ref.map(term) };
  if (h.ref.length === 1 && h.ref[0].type === 'var') head.name = h.ref[0].name;
  if (h.args) head.args = h.args.map(term);
  if (h.key) head.key = term(h.key);
  // OPA gives a rule without a value (`p if …`, not `p contains x`) the value true.
  if (h.value) head.value = term(h.value);
  else if (h.kind !== 'set') head.value = termOf('boolean', true);
  if (h.assign) head.assign = true;
  const out: { [k: string]: Json } = { head, body: body(r.body, true) };
  if (r.default) out.default = true;
  return out;
}

/** A body; OPA gives a rule without one (`p := 1`, default rules) the single expression `true`. */
function body(b: Body, ofRule = false): Json {
  if (b.length === 0 && ofRule) return [{ index: 0, terms: termOf('boolean', true) }];
  return b.map((e, index) => expr(e, index));
}

function expr(e: Expr, index: number): Json {
  if (e.body.kind !== 'term') unsupported(`a ${e.body.kind === 'somein' ? 'some … in' : e.body.kind} expression`);
  const t = e.body.term;
  const out: { [k: string]: Json } = {
    index,
    terms: t.type === 'call' ? [operator(t.fn), ...t.args.map(term)] : term(t),
  };
  if (e.with.length > 0) out.with = e.with.map((w) => ({ target: term(w.target), value: term(w.value) }));
  if (e.negated) out.negated = true;
  return out;
}

/** A call's operator: a ref, `eq` as [var eq], `strings.replace_n` as [var strings, "replace_n"]. */
function operator(fn: Term): Json {
  if (fn.type === 'var') {
    const [head, ...rest] = fn.name.split('.');
    return termOf('ref', [termOf('var', head), ...rest.map((s) => termOf('string', s))]);
  }
  return term(fn);
}

function term(t: Term): Json {
  switch (t.type) {
    case 'null': return termOf('null', null);
    case 'boolean': return termOf('boolean', t.value);
    case 'number': {
      const n = Number(t.value);
      // A number beyond a JS number's precision cannot be written back as OPA would.
      if (!Number.isFinite(n) || (/^-?\d+$/.test(t.value) && !Number.isSafeInteger(n))) unsupported(`the number ${t.value}`);
      return termOf('number', n);
    }
    case 'string': return termOf('string', t.value);
    case 'var':
      if (t.name.startsWith('$')) unsupported('a wildcard `_` (or a generated variable)');
      return termOf('var', t.name);
    case 'ref': return termOf('ref', t.terms.map(term));
    case 'array': return termOf('array', t.items.map(term));
    case 'set': return unsupported('a set');
    case 'object': {
      const entries = t.entries.map(([k, v]) => {
        if (k.type !== 'string') unsupported('an object with a key that is not a string');
        return [k.value, [term(k), term(v)]] as [string, Json];
      });
      entries.sort(([a], [b]) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
      return termOf('object', entries.map(([, pair]) => pair));
    }
    case 'call': return termOf('call', [operator(t.fn), ...t.args.map(term)]);
    case 'arraycompr': return termOf('arraycomprehension', { term: term(t.head), body: body(t.body) });
    case 'setcompr': return termOf('setcomprehension', { term: term(t.head), body: body(t.body) });
    case 'objectcompr': return termOf('objectcomprehension', { key: term(t.key), value: term(t.value), body: body(t.body) });
  }
}
