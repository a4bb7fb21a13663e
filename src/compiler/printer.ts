// Prints the AST back to Rego text.
//
// The output is canonical rather than faithful (comments and layout are not
// kept), with one guarantee: parsing the printed text gives the same tree as
// the original, positions aside. That guides every choice below:
//   - parentheses are added wherever precedence or one of the grammar's
//     ambiguities (`{a | b}` is a comprehension, not a set) would otherwise
//     change the parse;
//   - a module is printed in the syntax it was parsed with: v1 modules use
//     `if`/`contains`; v0 modules use only the future keywords they import, so
//     the printed text parses again without extra imports (printed v1 text of a
//     module parsed with `regoVersion: 'v1'` must be parsed the same way);
//   - each `_` is printed as `_`, and terms are printed in the order the
//     parser visits them, so the fresh `$wildcardN` names come out the same;
//   - a template string, which the parser lowers at once, is printed back as
//     the template it was (as `$"…"`), so its `$tmplN` names come out the same.
import type { Body, ElseClause, Expr, Module, RefTerm, Rule, Term, VarTerm } from './ast';
import { callName, FUTURE_KEYWORDS, MEMBER_2, MEMBER_3 } from './parser';
import { TEMPLATE_STRING } from './template-strings';

/** Prints a module; the text parses back (with the same `regoVersion` option) to an equal module. */
export function printModule(m: Module): string {
  const p = new Printer(moduleKeywords(m));
  const out = [`package ${printPackage(m.package)}`, ''];
  if (m.imports.length > 0) {
    for (const imp of m.imports) out.push(`import ${p.importPath(imp.path)}${imp.alias ? ` as ${imp.alias}` : ''}`);
    out.push('');
  }
  const rules = m.rules;
  for (let i = 0; i < rules.length; i++) {
    let text = p.rule(rules[i]);
    // v0 `p { a } { b }` parses to two rules sharing one head; printing them
    // chained keeps any wildcard in the head from being renumbered.
    while (m.regoVersion === 'v0' && i + 1 < rules.length && chainable(rules[i], rules[i + 1])) {
      text += ' ' + p.braces(rules[++i].body, 0);
    }
    out.push(text, '');
  }
  return out.join('\n');
}

/** Prints a term (v1 keywords available). */
export function printTerm(t: Term): string {
  return new Printer(new Set(FUTURE_KEYWORDS)).term(t, Prec.Member);
}

/** Prints a body, one expression per line (v1 keywords available). */
export function printBody(b: Body): string {
  const p = new Printer(new Set(FUTURE_KEYWORDS));
  return b.map((e) => p.expr(e, 0, Guard.Line)).join('\n');
}

/**
 * What the start of a printed term must avoid, because of what precedes it:
 * - Pipe: after `[` or `{`, `x | ...` reads as a comprehension (and right
 *   after `if {`, a set comprehension would even be taken as the condition);
 * - Minus: at the start of a line, `-1` would continue the previous line's
 *   expression as a subtraction.
 */
enum Guard {
  None = 0,
  Pipe = 1,
  Minus = 2,
  Line = Pipe | Minus,
}

/**
 * Binding strength of printed forms; a term printed where a stronger one is
 * required gets parentheses. `k, v in xs` is weakest: it can stand alone only as
 * a whole expression.
 */
enum Prec {
  MemberKeyVal = 0,
  Member = 1,
  Relation = 2,
  Or = 3,
  And = 4,
  Arith = 5,
  Factor = 6,
  Primary = 7,
}

const INFIX: Record<string, { symbol: string; prec: Prec }> = {
  equal: { symbol: '==', prec: Prec.Relation },
  neq: { symbol: '!=', prec: Prec.Relation },
  lt: { symbol: '<', prec: Prec.Relation },
  lte: { symbol: '<=', prec: Prec.Relation },
  gt: { symbol: '>', prec: Prec.Relation },
  gte: { symbol: '>=', prec: Prec.Relation },
  or: { symbol: '|', prec: Prec.Or },
  and: { symbol: '&', prec: Prec.And },
  plus: { symbol: '+', prec: Prec.Arith },
  minus: { symbol: '-', prec: Prec.Arith },
  mul: { symbol: '*', prec: Prec.Factor },
  div: { symbol: '/', prec: Prec.Factor },
  rem: { symbol: '%', prec: Prec.Factor },
};

const KEYWORDS = new Set([
  'package', 'import', 'as', 'default', 'else', 'not', 'some', 'with', 'null', 'true', 'false',
  ...FUTURE_KEYWORDS,
]);

/** Strings printable as `.name` in a ref: identifiers that are not keywords in any mode. */
function isPlainName(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && s !== '_' && !KEYWORDS.has(s);
}

function printPackage(path: string[]): string {
  const [first, ...rest] = path;
  return first + rest.map((s) => (isPlainName(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('');
}

/** The future keywords a module may use when printed. */
function moduleKeywords(m: Module): Set<string> {
  if (m.regoVersion === 'v1') return new Set(FUTURE_KEYWORDS);
  const kws = new Set<string>();
  for (const imp of m.imports) {
    if (imp.path.type !== 'ref') continue;
    const name = callName(imp.path);
    if (name === 'future.keywords') FUTURE_KEYWORDS.forEach((k) => kws.add(k));
    else if (name?.startsWith('future.keywords.')) kws.add(name.slice('future.keywords.'.length));
  }
  return kws;
}

function chainable(a: Rule, b: Rule): boolean {
  return (
    !a.default && !b.default && !a.else && !b.else && a.body.length > 0 && b.body.length > 0 && sameIgnoringPos(a.head, b.head)
  );
}

function sameIgnoringPos(a: unknown, b: unknown): boolean {
  const noPos = (k: string, v: unknown): unknown => (k === 'pos' ? undefined : v);
  return JSON.stringify(a, noPos) === JSON.stringify(b, noPos);
}

const indentation = (n: number): string => '\t'.repeat(n);

class Printer {
  constructor(private readonly kw: Set<string>) {}

  // ---------------------------------------------------------------- rules

  rule(r: Rule): string {
    const h = r.head;
    let s = r.default ? 'default ' : '';
    // Without `contains`, v0 spells a partial set `p[x] { ... }`, and must not
    // use `if` there: `p[x] if { ... }` is a complete rule with a ref head.
    const v0Set = h.kind === 'set' && h.key !== undefined && !this.kw.has('contains') && h.ref.length === 1;
    if (h.kind === 'set' && h.key) {
      s += v0Set
        ? `${this.ruleRef(h.ref)}[${this.term(h.key, Prec.Member)}]`
        : `${this.ruleRef(h.ref)} contains ${this.term(h.key, Prec.Member)}`;
    } else {
      s += this.ruleRef(h.ref);
      if (h.kind === 'function') s += `(${(h.args ?? []).map((a) => this.term(a, Prec.Member)).join(', ')})`;
    }
    if (h.value) s += ` ${h.assign ? ':=' : '='} ${this.term(h.value, Prec.Member)}`;
    if (r.body.length > 0) s += ' ' + (v0Set ? this.braces(r.body, 0) : this.ruleBody(r.body));
    for (let e: ElseClause | undefined = r.else; e; e = e.else) s += this.elseClause(e, h.assign);
    return s;
  }

  private elseClause(e: ElseClause, assign: boolean): string {
    let s = ' else';
    if (e.value) s += ` ${assign ? ':=' : '='} ${this.term(e.value, Prec.Member)}`;
    if (e.body.length > 0) s += ' ' + this.ruleBody(e.body);
    return s;
  }

  private ruleBody(body: Body): string {
    return (this.kw.has('if') ? 'if ' : '') + this.braces(body, 0);
  }

  /** `p.q[x]`: the head var, then the path. */
  private ruleRef(ref: Term[]): string {
    const [head, ...path] = ref;
    return (head.type === 'var' ? head.name : this.term(head, Prec.Primary)) + this.path(path);
  }

  // ---------------------------------------------------------------- bodies

  /** A block, one expression per line, closing brace at `indent`. */
  braces(body: Body, indent: number): string {
    const lines = body.map((e) => indentation(indent + 1) + this.expr(e, indent + 1, Guard.Line));
    return `{\n${lines.join('\n')}\n${indentation(indent)}}`;
  }

  /** One expression; `guard` constrains how its text may start. */
  expr(e: Expr, indent: number, guard: Guard): string {
    let s = e.negated ? 'not ' : '';
    const b = e.body;
    switch (b.kind) {
      case 'term':
        // After `not `, nothing about the start of the term can be misread.
        s += this.exprTerm(b.term, e.negated ? Guard.None : guard);
        break;
      case 'some':
        s += `some ${b.vars.map((v) => this.variable(v)).join(', ')}`;
        break;
      case 'somein':
        s += `some ${this.memberOperands(b.key, b.value, b.domain)}`;
        break;
      case 'every':
        s += `every ${this.memberOperands(b.key, b.value, b.domain)} ${this.braces(b.body, indent)}`;
        break;
    }
    for (const w of e.with) s += ` with ${this.term(w.target, Prec.Primary)} as ${this.term(w.value, Prec.Member)}`;
    return s;
  }

  private memberOperands(key: Term | null, value: Term, domain: Term, guard = Guard.None): string {
    const k = key ? `${this.term(key, Prec.Relation, guard)}, ` : '';
    return `${k}${this.term(value, Prec.Relation, key ? Guard.None : guard)} in ${this.term(domain, Prec.Relation)}`;
  }

  /** A whole expression: `=` and `:=` are infix only here, where the parser accepts them. */
  private exprTerm(t: Term, guard: Guard): string {
    if (t.type === 'call' && t.args.length === 2) {
      const name = callName(t.fn);
      if (name === 'eq' || name === 'assign') {
        const op = name === 'eq' ? '=' : ':=';
        return `${this.term(t.args[0], Prec.Member, guard)} ${op} ${this.term(t.args[1], Prec.Member)}`;
      }
    }
    return this.term(t, Prec.MemberKeyVal, guard);
  }

  /** Comprehension bodies are printed inline. */
  private inlineBody(body: Body): string {
    return body.map((e) => this.expr(e, 0, Guard.None)).join('; ');
  }

  // ---------------------------------------------------------------- terms

  /** Prints `t` where at least `ctx` binding strength is needed, its start constrained by `guard`. */
  term(t: Term, ctx: Prec, guard: Guard = Guard.None): string {
    if (t.type === 'call') return this.call(t.fn, t.args, ctx, guard);
    const s = this.operand(t);
    return guard & Guard.Minus && s.startsWith('-') ? `(${s})` : s;
  }

  /** Any term but a call. */
  private operand(t: Exclude<Term, { type: 'call' }>): string {
    switch (t.type) {
      case 'null':
        return 'null';
      case 'boolean':
        return String(t.value);
      case 'number':
        return t.value;
      case 'string':
        return JSON.stringify(t.value);
      case 'var':
        return this.variable(t);
      case 'ref':
        return this.ref(t);
      case 'array':
        return `[${t.items.map((x) => this.item(x)).join(', ')}]`;
      case 'set':
        return t.items.length === 0 ? 'set()' : `{${t.items.map((x) => this.item(x)).join(', ')}}`;
      case 'object':
        return `{${t.entries.map(([k, v]) => `${this.item(k)}: ${this.item(v)}`).join(', ')}}`;
      // Comprehension heads must be plain terms: the parser reads the head
      // with no operators before looking for `|`.
      case 'arraycompr':
        return `[${this.term(t.head, Prec.Primary)} | ${this.inlineBody(t.body)}]`;
      case 'setcompr':
        return `{${this.term(t.head, Prec.Primary)} | ${this.inlineBody(t.body)}}`;
      case 'objectcompr':
        return `{${this.term(t.key, Prec.Primary)}: ${this.term(t.value, Prec.Primary)} | ${this.inlineBody(t.body)}}`;
    }
  }

  /** An element of a collection: guarded, since `[a | b]` and `{a | b}` are comprehensions. */
  private item(t: Term): string {
    return this.term(t, Prec.Member, Guard.Pipe);
  }

  private variable(v: VarTerm): string {
    return /^\$wildcard\d+$/.test(v.name) ? '_' : v.name;
  }

  /** Import paths are plain dotted names; `future.keywords.if` is how OPA expects keyword imports spelled. */
  importPath(r: RefTerm | VarTerm): string {
    const name = callName(r);
    return name !== undefined && /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(name) ? name : this.ref(r);
  }

  ref(r: RefTerm | VarTerm): string {
    if (r.type === 'var') return this.variable(r);
    const [head, ...path] = r.terms;
    return this.term(head, Prec.Primary) + this.path(path);
  }

  private path(path: Term[]): string {
    return path
      .map((p) => (p.type === 'string' && isPlainName(p.value) ? `.${p.value}` : `[${this.term(p, Prec.Member)}]`))
      .join('');
  }

  private call(fn: VarTerm | RefTerm, args: Term[], ctx: Prec, guard: Guard): string {
    const name = callName(fn);
    const membership = this.kw.has('in');
    if (name === MEMBER_3 && args.length === 3 && membership) {
      if (ctx > Prec.MemberKeyVal) return `(${this.memberOperands(args[0], args[1], args[2])})`;
      return this.memberOperands(args[0], args[1], args[2], guard);
    }
    if (name === MEMBER_2 && args.length === 2 && membership) {
      const s = `${this.term(args[0], Prec.Member, ctx <= Prec.Member ? guard : Guard.None)} in ${this.term(args[1], Prec.Relation)}`;
      return ctx > Prec.Member ? `(${s})` : s;
    }
    const op = name !== undefined ? INFIX[name] : undefined;
    if (op && args.length === 2) {
      // Left-associative: the right operand needs a strictly stronger binding.
      // Under a guard, an unparenthesized `|` could start the text, so it gets parentheses.
      const parens = op.prec < ctx || (op.prec === Prec.Or && (guard & Guard.Pipe) !== 0);
      const lhs = this.term(args[0], op.prec, parens ? Guard.None : guard);
      const s = `${lhs} ${op.symbol} ${this.term(args[1], op.prec + 1)}`;
      return parens ? `(${s})` : s;
    }
    if (name === TEMPLATE_STRING && args.length === 1 && args[0].type === 'array') {
      const s = this.template(args[0].items);
      if (s !== undefined) return s;
    }
    return `${this.ref(fn)}(${args.map((a) => this.term(a, Prec.Member)).join(', ')})`;
  }

  /**
   * The template string a lowered call came from (template-strings.ts), or
   * undefined if the call is not of that shape. Text follows text only when
   * the second was a literal string expression (`$"a{"b"}"`), kept as one.
   */
  private template(items: Term[]): string | undefined {
    let s = '';
    let afterText = false;
    for (const t of items) {
      if (t.type === 'string' && !afterText) {
        s += JSON.stringify(t.value).slice(1, -1).replace(/[{}]/g, (c) => `\\${c}`);
        afterText = true;
        continue;
      }
      afterText = false;
      if (t.type === 'string' || t.type === 'number' || t.type === 'boolean' || t.type === 'null') {
        s += `{${this.operand(t)}}`;
        continue;
      }
      const e = templateExpr(t);
      if (!e) return undefined;
      s += `{${this.expr(e, 0, Guard.None)}}`;
    }
    return `$"${s}"`;
  }
}

/** The expression a lowered template expression `{v | expr = v}` collects, with its `with` modifiers. */
function templateExpr(t: Term): Expr | undefined {
  if (t.type !== 'setcompr' || t.head.type !== 'var' || t.body.length !== 1) return undefined;
  const e = t.body[0];
  if (e.negated || e.body.kind !== 'term') return undefined;
  const eq = e.body.term;
  if (eq.type !== 'call' || callName(eq.fn) !== 'eq' || eq.args.length !== 2) return undefined;
  const [value, v] = eq.args;
  if (v.type !== 'var' || v.name !== t.head.name) return undefined;
  return { ...e, body: { kind: 'term', term: value } };
}
