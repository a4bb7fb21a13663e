// Template strings (string interpolation): `$"Hello, {input.name}!"` and the
// backquoted form `$`…{expr}…`` whose text may span lines.
//
// The parser lowers each one, as soon as it has read it, to what OPA's
// compiler lowers it to: a call of the builtin internal.template_string on an
// array of parts, so that no later stage needs to know about templates.
//
//   $"{x} is {1 + a}"   →   internal.template_string([{$tmpl0 | x = $tmpl0}, " is ", {$tmpl1 | 1 + a = $tmpl1}])
//
// Each expression is collected into a set comprehension, a closure over the
// variables around the template, so that an undefined expression does not make
// the template undefined: the builtin renders an empty set as `<undefined>`, a
// set of one value as that value (strings bare, anything else as Rego text, as
// print() does), and aborts when an expression has several values. `with`
// modifiers written inside an expression stay on it, inside the comprehension.
// A literal string, number, boolean or null needs no comprehension (OPA keeps
// those as they are too); empty text between expressions is left out.
import type { CallTerm, Expr, Pos, Term, VarTerm } from './ast';

/** The builtin a template string is lowered to (src/runtime/builtins/template.ts). */
export const TEMPLATE_STRING = 'internal.template_string';

/** One piece of a template: its literal text, or one `{…}` expression (chains cut from it first). */
export type TemplatePiece = { kind: 'text'; value: string; pos: Pos } | { kind: 'expr'; exprs: Expr[] };

/**
 * Why an expression cannot be a template expression (OPA's messages), or
 * undefined when it can: it must be a single value, not a unification, an
 * assignment, `some` or `every` (negation is refused by the parser, before the
 * expression is read).
 */
export function templateExprError(e: Expr): string | undefined {
  if (e.body.kind === 'some' || e.body.kind === 'somein') return "unexpected 'some' in template-string expression";
  if (e.body.kind === 'every') return "unexpected 'every' in template-string expression";
  const t = e.body.term;
  if (t.type === 'call' && t.fn.type === 'var' && t.fn.name === 'eq') return "unexpected unification ('=') in template-string expression";
  if (t.type === 'call' && t.fn.type === 'var' && t.fn.name === 'assign') return "unexpected assignment (':=') in template-string expression";
  return undefined;
}

/**
 * The call a template string becomes. `fresh` names the variable collecting
 * one expression's values (a name no user variable can have).
 */
export function lowerTemplateString(pieces: TemplatePiece[], pos: Pos, fresh: () => string): CallTerm {
  const items: Term[] = [];
  for (const piece of pieces) {
    if (piece.kind === 'text') {
      if (piece.value !== '') items.push({ type: 'string', value: piece.value, pos: { ...piece.pos } });
      continue;
    }
    const last = piece.exprs[piece.exprs.length - 1];
    const literal = piece.exprs.length === 1 && last.with.length === 0 ? scalarLiteral(last) : undefined;
    items.push(literal ?? collect(piece.exprs, fresh()));
  }
  // The name is a var holding the dotted name, as resolved builtin names are: a
  // rule or import named `internal` cannot capture it.
  const fn: VarTerm = { type: 'var', name: TEMPLATE_STRING, pos: { ...pos } };
  return { type: 'call', fn, args: [{ type: 'array', items, pos: { ...pos } }], pos: { ...pos } };
}

function scalarLiteral(e: Expr): Term | undefined {
  if (e.body.kind !== 'term') return undefined;
  const t = e.body.term;
  return t.type === 'string' || t.type === 'number' || t.type === 'boolean' || t.type === 'null' ? t : undefined;
}

/**
 * `{v | expr = v}`, keeping the expression's position, its `with` modifiers and
 * the chains cut before it. The expression comes first so that a variable it
 * leaves unbound is the one an unsafe-variable error names.
 */
function collect(exprs: Expr[], name: string): Term {
  const last = exprs[exprs.length - 1];
  if (last.body.kind !== 'term') throw new Error('template expression is not a term');
  const pos = last.pos;
  const v = (): VarTerm => ({ type: 'var', name, pos: { ...pos } });
  const eq: CallTerm = { type: 'call', fn: { type: 'var', name: 'eq', pos: { ...pos } }, args: [last.body.term, v()], pos: { ...pos } };
  const body: Expr[] = [...exprs.slice(0, -1), { ...last, body: { kind: 'term', term: eq } }];
  return { type: 'setcompr', head: v(), body, pos: { ...pos } };
}
