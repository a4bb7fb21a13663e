// A hand-written recursive-descent parser for Rego (v0 and v1 syntax).
//
// The grammar follows OPA's own parser (ast/parser.go) closely, including its
// precedence ladder and its few deliberate ambiguities, so that policies OPA
// accepts parse here to the same tree and policies it rejects fail here too:
//
//   expr        := membership [ (':=' | '=') membership ]
//   membership  := relation { [',' relation] 'in' relation }   (lowest)
//   relation    := or { ('=='|'!='|'<'|'<='|'>'|'>=') or }
//   or          := and { '|' and }
//   and         := arith { '&' arith }
//   arith       := factor { ('+'|'-') factor }
//   factor      := primary { ('*'|'/'|'%') primary }           (highest)
//
// Everything is left-associative. Note that `in` binds *more loosely* than the
// comparisons, as in OPA: `x == y in s` is `(x == y) in s`.
//
// Newlines separate the expressions of a body. Within an expression they are
// insignificant (again as in OPA): an operator at the start of the next line
// continues the expression.
import type {
  Body,
  CallTerm,
  ElseClause,
  Expr,
  Import,
  Module,
  Pos,
  RefTerm,
  RegoVersion,
  Rule,
  RuleHead,
  RuleKind,
  Term,
  VarTerm,
  With,
} from './ast';
import { RegoError } from './errors';
import { tokenize, type Comment, type Token } from './lexer';
import { moduleAnnotations } from './annotations';
import { lowerTemplateString, templateExprError, type TemplatePiece } from './template-strings';

export interface ParseOptions {
  /** `v1` makes `if`/`contains`/`in`/`every` keywords and requires `if` before rule bodies. */
  regoVersion?: RegoVersion;
}

/** Parses a module. Modules default to v0 syntax unless asked for v1 or they `import rego.v1`. */
export function parseModule(source: string, file: string, opts: ParseOptions = {}): Module {
  return guarded(file, () => new Parser(source, file, opts.regoVersion ?? 'v0').module());
}

/** Parses a query: expressions separated by `;` or newlines. Defaults to v1 keywords. */
export function parseQuery(source: string, file: string, opts: ParseOptions = {}): Body {
  return guarded(file, () => new Parser(source, file, opts.regoVersion ?? 'v1').query());
}

/** Parses a single term such as `{"foo": {1}}`. Defaults to v1 keywords. */
export function parseTerm(source: string, file: string, opts: ParseOptions = {}): Term {
  return guarded(file, () => new Parser(source, file, opts.regoVersion ?? 'v1').term());
}

/** Words that are always keywords. */
const HARD_KEYWORDS = new Set(['package', 'import', 'as', 'default', 'else', 'not', 'some', 'with', 'null', 'true', 'false']);
/** Words that are keywords in v1, or in v0 once imported from `future.keywords`. */
export const FUTURE_KEYWORDS = ['in', 'if', 'contains', 'every'] as const;
/** `and` / `or`: only ever enabled by a `future.keywords` import (rego.v1 does not). */
const LOGIC_KEYWORDS = ['and', 'or'] as const;

// Binding strength of the binary operators handled by precedence climbing.
// `in` (membership) sits below all of them and is handled separately because of
// its `k, v in xs` form.
const REL = 1;
const BINARY: Record<string, { name: string; prec: number }> = {
  '==': { name: 'equal', prec: REL },
  '!=': { name: 'neq', prec: REL },
  '<': { name: 'lt', prec: REL },
  '<=': { name: 'lte', prec: REL },
  '>': { name: 'gt', prec: REL },
  '>=': { name: 'gte', prec: REL },
  '|': { name: 'or', prec: 2 },
  '&': { name: 'and', prec: 3 },
  '+': { name: 'plus', prec: 4 },
  '-': { name: 'minus', prec: 4 },
  '*': { name: 'mul', prec: 5 },
  '/': { name: 'div', prec: 5 },
  '%': { name: 'rem', prec: 5 },
};

export const MEMBER_2 = 'internal.member_2';
export const MEMBER_3 = 'internal.member_3';

/**
 * Deeper nesting than this is rejected rather than risking a stack overflow.
 * OPA's own guard (ErrMaxParsingRecursionDepthExceeded) counts about nine
 * parser frames per level of `[`, `(` or `{` against 100,000, so it gives up
 * near 11,000 levels; every stage after ours recurses over the tree (the
 * planner most deeply, for nested `every` and comprehensions), so ours stops
 * where all of them still fit in Node's default stack. Real policies nest a
 * few dozen levels at most.
 */
export const MAX_NESTING_DEPTH = 512;

/**
 * Left-associative operator chains are loops here, not recursion, but they
 * build a tree as deep as the chain is long (`1 + 1 + … + 1`), which every
 * later stage walks recursively. A chain this tall is cut: its left part is
 * bound to a generated variable by an expression placed before the one it
 * came from (`$chainN = 1 + … + 1`), exactly what the dynamic-terms stage
 * would do with it later (OPA's compiler does the same), so the value and the
 * undefined cases are unchanged and the tree stays shallow.
 */
const MAX_CHAIN_HEIGHT = 64;

/**
 * The name of a call's function: `count`, `strings.replace_n`, `internal.member_2`;
 * undefined for refs that are not a plain dotted path.
 */
export function callName(fn: VarTerm | RefTerm): string | undefined {
  if (fn.type === 'var') return fn.name;
  const [head, ...path] = fn.terms;
  if (head.type !== 'var' || !path.every((t) => t.type === 'string')) return undefined;
  return [head.name, ...path.map((t) => (t as { value: string }).value)].join('.');
}

// Errors are values thrown as RegoError; anything else escaping is a bug, except
// a stack overflow on absurd input, which becomes a parse error too.
function guarded<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) {
      throw new RegoError('rego_parse_error', 'input too deeply nested', { file, line: 1, col: 1 });
    }
    throw e;
  }
}

interface SavedState {
  i: number;
  wildcards: number;
  hoisted: number;
}

const NONE: Expr[] = [];

type MemoEntry = { term: Term; end: number; wildcards: number; hoisted: Expr[] } | { error: RegoError };

interface ParsedHead {
  ref: Term[];
  args?: Term[];
  key?: Term;
  value?: Term;
  assign: boolean;
  usesContains: boolean;
  pos: Pos;
}

class Parser {
  private readonly toks: Token[];
  private i = 0;
  /** Counter for renaming `_`; unique within one parse (one module). */
  private wildcards = 0;
  private depth = 0;
  private readonly memo = new Map<string, MemoEntry>();
  /**
   * Where cut operator chains go (see MAX_CHAIN_HEIGHT): the expressions to
   * place before the body expression being parsed; null outside any body
   * (a lone term, a package path), where chains are left whole.
   */
  private hoisted: Expr[] | null = null;
  private chains = 0;
  /** Height of the operator chains built so far, by the term at their top (parentheses keep the same object). */
  private readonly chainHeights = new WeakMap<Term, number>();
  /** Counter for the variables collecting template expressions' values (`$tmplN`). */
  private templateVars = 0;
  private readonly keywords = new Set<string>();
  private v1 = false;
  /** `not { ... }` allowed (rego.v2, or `import future.keywords.not`). */
  private notBody = false;
  /** Every comment of the source, for METADATA annotations. */
  private readonly comments: Comment[] = [];

  constructor(source: string, private readonly file: string, version: RegoVersion) {
    this.toks = tokenize(source, file, this.comments);
    if (version === 'v1') this.enableV1();
    this.raiseLexError();
  }

  // ---------------------------------------------------------------- entry points

  module(): Module {
    const pkgTok = this.tok;
    if (!this.isKeyword('package')) this.unexpected('expected package');
    this.advance();
    const pkg = this.packagePath();
    const imports: Import[] = [];
    const rules: Rule[] = [];
    while (this.tok.kind !== 'eof') {
      if (this.isKeyword('import')) imports.push(this.importDecl());
      else if (this.isKeyword('package')) this.unexpected('a module has only one package declaration');
      else rules.push(...this.rules());
    }
    const mod: Module = {
      file: this.file,
      package: pkg,
      packagePos: { ...pkgTok.pos },
      imports,
      rules,
      regoVersion: this.v1 ? 'v1' : 'v0',
    };
    const annotations = moduleAnnotations(mod, this.comments);
    if (annotations.length > 0) mod.annotations = annotations;
    return mod;
  }

  query(): Body {
    return this.body(null);
  }

  term(): Term {
    const t = this.membership(false);
    if (this.tok.kind !== 'eof') this.unexpected('expected end of term');
    return t;
  }

  // ---------------------------------------------------------------- token access

  private get tok(): Token {
    return this.toks[this.i];
  }

  private peek(n = 1): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)];
  }

  private advance(): Token {
    const t = this.tok;
    if (t.kind !== 'eof') this.i++;
    this.raiseLexError();
    return t;
  }

  /** A lexical error is reported when the parser reaches it, not before. */
  private raiseLexError(): void {
    const t = this.tok;
    if (t.kind === 'error') throw new RegoError('rego_parse_error', t.text, { ...t.pos });
  }

  private save(): SavedState {
    return { i: this.i, wildcards: this.wildcards, hoisted: this.hoisted?.length ?? 0 };
  }

  private restore(s: SavedState): void {
    this.i = s.i;
    this.wildcards = s.wildcards;
    if (this.hoisted && this.hoisted.length !== s.hoisted) this.hoisted.length = s.hoisted;
  }

  /** Runs `f` with its own list of cut chains, returned with its result. */
  private collectHoisted<T>(f: () => T): [T, Expr[]] {
    const outer = this.hoisted;
    const mine: Expr[] = [];
    this.hoisted = mine;
    try {
      return [f(), mine];
    } finally {
      this.hoisted = outer;
    }
  }

  /**
   * Records the height of an operator call built from `lhs` and `rhs`; once
   * it reaches MAX_CHAIN_HEIGHT the call is bound to a fresh `$chainN` that
   * takes its place.
   */
  private chainLink(call: CallTerm, lhs: Term, rhs: Term): Term {
    const l = lhs.type === 'call' ? (this.chainHeights.get(lhs) ?? 0) : 0;
    const r = rhs.type === 'call' ? (this.chainHeights.get(rhs) ?? 0) : 0;
    const height = (l > r ? l : r) + 1;
    if (height < MAX_CHAIN_HEIGHT || !this.hoisted) {
      this.chainHeights.set(call, height);
      return call;
    }
    const pos = { ...call.pos };
    const v: VarTerm = { type: 'var', name: `$chain${++this.chains}`, pos };
    const eq: CallTerm = { type: 'call', fn: { type: 'var', name: 'eq', pos: { ...pos } }, args: [v, call], pos: { ...pos } };
    this.hoisted.push({ pos: { ...pos }, negated: false, body: { kind: 'term', term: eq }, with: [] });
    return { ...v, pos: { ...pos } };
  }

  /**
   * Runs `f` speculatively: if it throws a parse error or returns undefined, the
   * parser is rewound as if nothing happened. Used where OPA's grammar is
   * ambiguous and resolved by trying one reading first (comprehensions vs.
   * literals, `k, v in xs` vs. a stray comma, `if {` literal vs. block).
   */
  private attempt<T>(f: () => T | undefined): T | undefined {
    const s = this.save();
    try {
      const r = f();
      if (r === undefined) this.restore(s);
      return r;
    } catch (e) {
      if (!(e instanceof RegoError)) throw e;
      this.restore(s);
      return undefined;
    }
  }

  private nested<T>(f: () => T): T {
    if (this.depth >= MAX_NESTING_DEPTH) this.fail(`maximum nesting depth exceeded (limit ${MAX_NESTING_DEPTH})`);
    this.depth++;
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private isPunct(p: string, t: Token = this.tok): boolean {
    return t.kind === 'punct' && t.text === p;
  }

  private isKeyword(k: string, t: Token = this.tok): boolean {
    return t.kind === 'ident' && t.text === k && (HARD_KEYWORDS.has(k) || this.keywords.has(k)) && !this.isRefHead(t);
  }

  /** An identifier usable as a name: not a keyword in the current mode (or the head of a ref, see isRefHead). */
  private isName(t: Token = this.tok): boolean {
    return t.kind === 'ident' && ((!HARD_KEYWORDS.has(t.text) && !this.keywords.has(t.text)) || this.isRefHead(t));
  }

  /**
   * As in OPA, any word directly followed by `.name` is the head of a ref, not
   * a keyword: `if.foo := 1`, `default.x`, `true.y` name rules and documents.
   */
  private isRefHead(t: Token): boolean {
    const at = this.toks.indexOf(t, t === this.tok ? this.i : 0);
    const dot = this.toks[at + 1];
    const name = this.toks[at + 2];
    return (
      dot !== undefined && dot.kind === 'punct' && dot.text === '.' && !dot.spaceBefore &&
      name !== undefined && name.kind === 'ident' && !name.spaceBefore
    );
  }

  private expectPunct(p: string): Token {
    if (!this.isPunct(p)) this.unexpected(`expected ${p}`);
    return this.advance();
  }

  private fail(message: string, pos: Pos = this.tok.pos): never {
    throw new RegoError('rego_parse_error', message, { ...pos });
  }

  private unexpected(note?: string, t: Token = this.tok): never {
    let msg = `unexpected ${this.describe(t)}`;
    if (note) msg += `: ${note}`;
    // A future keyword used without importing it is the classic v0 mistake.
    if (t.kind === 'ident' && (FUTURE_KEYWORDS as readonly string[]).includes(t.text) && !this.keywords.has(t.text)) {
      msg += ` (hint: \`import future.keywords.${t.text}\` or \`import rego.v1\` makes it a keyword)`;
    }
    return this.fail(msg, t.pos);
  }

  private describe(t: Token): string {
    switch (t.kind) {
      case 'punct':
        return `${t.text} token`;
      case 'ident':
        return this.isName(t) ? 'ident token' : `${t.text} keyword`;
      case 'template':
        // A continuation starts at the `}` closing an expression.
        return t.template?.cont ? '} token' : 'template string token';
      default:
        return `${t.kind} token`;
    }
  }

  private enableV1(): void {
    this.v1 = true;
    for (const k of FUTURE_KEYWORDS) this.keywords.add(k);
  }

  // ---------------------------------------------------------------- package and imports

  private packagePath(): string[] {
    const t = this.tok;
    if (t.kind !== 'ident' || HARD_KEYWORDS.has(t.text)) this.unexpected('expected package path');
    const term = this.primary();
    const path = this.dottedPath(term);
    if (!path) this.fail('invalid package path: elements must be strings', term.pos);
    return path;
  }

  /** [head, "a", "b"] for a var or a ref with string-only path; undefined otherwise. */
  private dottedPath(term: Term): string[] | undefined {
    if (term.type === 'var') return [term.name];
    if (term.type !== 'ref' || term.terms[0].type !== 'var') return undefined;
    const out = [term.terms[0].name];
    for (const p of term.terms.slice(1)) {
      if (p.type !== 'string') return undefined;
      out.push(p.value);
    }
    return out;
  }

  private importDecl(): Import {
    const kw = this.advance();
    if (this.tok.kind !== 'ident') this.unexpected('expected import path');
    const term = this.primary();
    const path = this.dottedPath(term);
    if (!path || (term.type !== 'ref' && term.type !== 'var')) {
      this.fail('invalid import path: must be a ref such as data.lib.x or input.foo', term.pos);
    }
    const root = path[0];
    if (!['data', 'input', 'future', 'rego'].includes(root)) {
      this.fail(`invalid path ${path.join('.')}: path must begin with input or data`, term.pos);
    }
    let alias: string | undefined;
    if (this.isKeyword('as')) {
      this.advance();
      if (!this.isName() || this.tok.text === '_') this.unexpected('expected import alias');
      alias = this.advance().text;
    }
    if (root === 'future') this.futureImport(path, alias, term.pos);
    if (root === 'rego') this.regoImport(path, alias, term.pos);
    const imp: Import = { path: term, pos: { ...kw.pos } };
    if (alias !== undefined) imp.alias = alias;
    return imp;
  }

  private futureImport(path: string[], alias: string | undefined, pos: Pos): void {
    if (path.length < 2 || path[1] !== 'keywords' || path.length > 3) {
      this.fail('invalid import, must be `future.keywords` or `future.keywords.x`', pos);
    }
    if (alias !== undefined) this.fail('`future` imports cannot be aliased', pos);
    if (path.length === 2) {
      for (const k of [...FUTURE_KEYWORDS, ...LOGIC_KEYWORDS]) this.keywords.add(k);
      return;
    }
    if ((LOGIC_KEYWORDS as readonly string[]).includes(path[2])) {
      this.keywords.add(path[2]);
      return;
    }
    if (path[2] === 'not') {
      // `not { ... }`: negation of a whole body.
      this.notBody = true;
      return;
    }
    if (!(FUTURE_KEYWORDS as readonly string[]).includes(path[2])) {
      this.fail(`unexpected keyword, must be one of [${[...FUTURE_KEYWORDS].sort().join(' ')}]`, pos);
    }
    this.keywords.add(path[2]);
  }

  private regoImport(path: string[], alias: string | undefined, pos: Pos): void {
    if (path.length !== 2 || (path[1] !== 'v1' && path[1] !== 'v2')) this.fail('invalid import, must be `rego.v1` or `rego.v2`', pos);
    if (alias !== undefined) this.fail('`rego` imports cannot be aliased', pos);
    this.enableV1();
    // rego.v2 adds `not { ... }`.
    if (path[1] === 'v2') this.notBody = true;
  }

  // ---------------------------------------------------------------- rules

  /** One rule statement: several Rule objects for v0's `p { a } { b }`. */
  private rules(): Rule[] {
    const start = this.tok;
    const isDefault = this.isKeyword('default');
    if (isDefault) this.advance();
    // Chains cut from the head are computed by the body, as OPA does with calls in heads.
    const [h, headHoisted] = this.collectHoisted(() => this.head(isDefault));
    if (isDefault) {
      if (headHoisted.length > 0) this.fail('default rule value cannot contain call', start.pos);
      return [this.defaultRule(start, h)];
    }

    const hasIf = this.isKeyword('if');
    let kind: RuleKind = h.usesContains ? 'set' : h.args ? 'function' : 'complete';
    let ref = h.ref;
    let key = h.key;
    // v0's `p[x] { ... }` (and, quirkily, `p.q { ... }`) is a partial set p
    // containing x. With `if` the same head is a ref-head complete rule instead.
    if (kind === 'complete' && !hasIf && ref.length === 2 && h.value === undefined) {
      kind = 'set';
      key = ref[1];
      ref = [ref[0]];
    }

    let body: Body = [];
    if (hasIf) {
      this.advance();
      body = this.ifBody();
    } else if (this.isPunct('{')) {
      this.requireIfInV1();
      body = this.braces();
    } else if (!h.usesContains && h.value === undefined) {
      this.bodilessHead(h, kind);
    }

    const head: RuleHead = { ref, kind, assign: h.assign, pos: h.pos };
    if (h.args) head.args = h.args;
    if (key !== undefined) head.key = key;
    if (h.value !== undefined) head.value = h.value;
    const rule: Rule = { pos: { ...start.pos }, default: false, head, body: [...headHoisted, ...body] };

    if (this.isKeyword('else')) {
      if (kind === 'set') this.unexpected('else keyword cannot be used on multi-value rules');
      if (ref.slice(1).some((t) => t.type !== 'string')) {
        this.unexpected('else keyword cannot be used on rules with variables in head');
      }
      rule.else = this.elseClause();
    }

    const rules = [rule];
    // v0: `p { a } { b }` is two rules with the same head.
    while (this.isPunct('{')) {
      if (rule.else) this.unexpected('expected else keyword');
      if (this.v1) this.unexpected('multiple rule bodies are not supported in Rego v1');
      const pos = { ...this.tok.pos };
      rules.push({ pos, default: false, head: structuredClone(head), body: [...structuredClone(headHoisted), ...this.braces()] });
    }
    return rules;
  }

  /**
   * A head standing alone, as OPA reads it (a statement turned into a rule): `f(a, b)`
   * is a function that is true for those arguments and `a.b.c` a rule that is true
   * (both syntaxes); v0's `p[x]` adds x to the set p, which v1 spells `p contains x`.
   */
  private bodilessHead(h: ParsedHead, kind: RuleKind): void {
    if (h.args || (kind === 'complete' && h.ref.length > 2)) return;
    if (kind === 'set') {
      if (this.v1) this.fail('`contains` keyword is required for partial set rules', h.pos);
      return;
    }
    this.unexpected('expected rule value or body');
  }

  /** The rule's ref (with function args) and its `contains x` / `= v` / `:= v` part. */
  private head(isDefault: boolean): ParsedHead {
    const nameTok = this.tok;
    if (!this.isName() || nameTok.text === '_') this.unexpected(isDefault ? 'expected rule name' : 'expected rule');
    this.advance();
    const ref: Term[] = [{ type: 'var', name: nameTok.text, pos: { ...nameTok.pos } }];
    let args: Term[] | undefined;
    // As in OPA, whitespace may precede the first `.`, `[` or `(` of a head.
    for (let first = true; this.tok.kind === 'punct' && (first || !this.tok.spaceBefore); first = false) {
      if (this.isPunct('.')) {
        ref.push(this.dotElement());
      } else if (this.isPunct('[')) {
        this.advance();
        ref.push(this.membership(false));
        this.expectPunct(']');
      } else if (this.isPunct('(')) {
        this.advance();
        args = this.termList(')');
        break;
      } else {
        break;
      }
    }

    const h: ParsedHead = { ref, assign: false, usesContains: false, pos: { ...nameTok.pos } };
    // `f()` declares no function: OPA makes it a plain rule, referred to as `f` (as
    // Gatekeeper's seccomp template does: `canonicalize_runtime_default_profile() = out {`).
    if (args && args.length > 0) h.args = args;
    if (this.isKeyword('contains')) {
      if (args) this.unexpected('the contains keyword can only be used with multi-value rule definitions');
      this.advance();
      h.key = this.membership(true);
      h.usesContains = true;
    } else if (this.isPunct('=') || this.isPunct(':=')) {
      h.assign = this.advance().text === ':=';
      h.value = this.membership(true);
    }
    return h;
  }

  private defaultRule(start: Token, h: ParsedHead): Rule {
    if (h.value === undefined) this.fail('illegal default rule (must have a value)', start.pos);
    const bad = findNonConstant(h.value);
    if (bad) this.fail(`default rule value cannot contain ${bad}`, start.pos);
    for (const a of h.args ?? []) {
      if (a.type !== 'var') this.fail('illegal default function: arguments must be variables', a.pos);
    }
    const head: RuleHead = {
      ref: h.ref,
      kind: h.args ? 'function' : 'complete',
      value: h.value,
      assign: h.assign,
      pos: h.pos,
    };
    if (h.args) head.args = h.args;
    return { pos: { ...start.pos }, default: true, head, body: [] };
  }

  /**
   * The body after `if`: either one expression or a `{ ... }` block. A `{` is
   * first tried as an expression (OPA does the same), but a set literal is never
   * a useful condition, so `if { x }` is the block containing `x`.
   */
  private ifBody(): Body {
    if (!this.isPunct('{')) return this.literals();
    const exprs = this.attempt(() => {
      const es = this.literals();
      const e = es[es.length - 1];
      const isSet = e.body.kind === 'term' && e.body.term.type === 'set';
      return isSet ? undefined : es;
    });
    return exprs ?? this.braces();
  }

  private requireIfInV1(): void {
    if (this.v1) this.fail('`if` keyword is required before rule body');
  }

  /** The `else` chain: a loop, as a chain of thousands of clauses is valid Rego (OPA accepts it). */
  private elseClause(): ElseClause {
    const first = this.oneElseClause();
    let last = first;
    while (this.isKeyword('else')) {
      const next = this.oneElseClause();
      last.else = next;
      last = next;
    }
    return first;
  }

  private oneElseClause(): ElseClause {
    const kw = this.advance();
    const clause: ElseClause = { pos: { ...kw.pos }, body: [] };
    let hoisted: Expr[] = [];
    if (this.isPunct('=') || this.isPunct(':=')) {
      this.advance();
      [clause.value, hoisted] = this.collectHoisted(() => this.membership(true));
    } else if (!this.isKeyword('if') && !this.isPunct('{')) {
      this.unexpected('expected else value term or rule body');
    }
    if (this.isKeyword('if')) {
      this.advance();
      clause.body = this.isPunct('{') ? this.braces() : this.literals();
    } else if (this.isPunct('{')) {
      this.requireIfInV1();
      clause.body = this.braces();
    }
    if (hoisted.length > 0) clause.body = [...hoisted, ...clause.body];
    return clause;
  }

  // ---------------------------------------------------------------- bodies and expressions

  private braces(): Body {
    this.expectPunct('{');
    const b = this.body('}');
    this.expectPunct('}');
    return b;
  }

  /** Expressions up to (not including) `close`, or to the end of input if null. */
  private body(close: '}' | ']' | null): Body {
    return this.nested(() => {
      const atEnd = (): boolean => (close ? this.isPunct(close) : this.tok.kind === 'eof');
      if (atEnd()) this.fail('found empty body');
      const body: Body = [];
      for (;;) {
        body.push(...this.literals());
        if (this.isPunct(';')) {
          this.advance();
          continue;
        }
        if (atEnd()) return body;
        if (this.tok.nlBefore) continue;
        this.unexpected(`expected \\n or ; or ${close ?? 'eof'}`);
      }
    });
  }

  /**
   * One body expression, preceded by the operator chains cut from it. With the
   * `and`/`or` keywords (`import future.keywords.and` / `.or`) it may be a
   * logical expression, which becomes several expressions (see logicOr).
   */
  private literals(): Expr[] {
    if (!this.keywords.has('and') && !this.keywords.has('or')) return this.plainLiteral(true);
    // Operands keep the chains cut from them; those cut from `with` values come first.
    const [body, hoisted] = this.collectHoisted(() => {
      const { body, plain } = this.logicOr();
      if (plain) return body;
      const withs: With[] = [];
      while (this.isKeyword('with')) withs.push(this.withModifier());
      if (withs.length > 0) for (const e of body) e.with = withs;
      return body;
    });
    return hoisted.length > 0 ? [...hoisted, ...body] : body;
  }

  /** `[not] expr` with the chains cut from it; `with` modifiers only when `withs`. */
  private plainLiteral(withs: boolean): Expr[] {
    const [e, hoisted] = this.collectHoisted(() => this.literal(withs));
    return hoisted.length > 0 ? [...hoisted, e] : [e];
  }

  // ---------------------------------------------------------------- and / or
  //
  // OPA's `and` / `or` keywords (enabled only by `import future.keywords.and`,
  // `.or`, or `future.keywords`; not by rego.v1) join operands that each
  // either succeed or fail, producing no value and binding nothing outside:
  //
  //   logicOr  := logicAnd { 'or' logicAnd }          (`and` binds tighter)
  //   logicAnd := operand { 'and' operand }
  //   operand  := '{' body '}' | [not] '(' logicOr [with...] ')' | [not] expr
  //
  // `with` modifiers after the whole expression apply to all of it. Each
  // operand is its own scope and contributes at most one success, so an
  // operand B is rewritten to `[true | B] != []` (it succeeds) or
  // `[true | B] == []` (it fails), closures over the enclosing variables:
  //   A and B  ->  `[true | A] != []; [true | B] != []`
  //   A or B   ->  `[true | [true | A] == []; [true | B] == []] == []`
  // which keeps the short-circuits (B is evaluated only when needed) and needs
  // nothing new from the later stages.

  /** A logical expression as a body; `plain` when it was a single ordinary literal. */
  private logicOr(): { body: Expr[]; plain: boolean } {
    const first = this.logicAnd(false);
    if (!this.isKeyword('or')) return first;
    const operands = [first.body];
    const pos = { ...first.body[0].pos };
    while (this.isKeyword('or')) {
      this.advance();
      operands.push(this.logicAnd(true).body);
    }
    const failing = operands.map((b) => this.solutionsExpr(b, 'equal'));
    return { body: [this.solutionsExpr(failing, 'equal', pos)], plain: false };
  }

  private logicAnd(afterOp: boolean): { body: Expr[]; plain: boolean } {
    const first = this.logicOperand(afterOp);
    if (!this.isKeyword('and')) return first;
    const out = [this.solutionsExpr(first.body, 'neq')];
    while (this.isKeyword('and')) {
      this.advance();
      out.push(this.solutionsExpr(this.logicOperand(true).body, 'neq'));
    }
    return { body: out, plain: false };
  }

  private atLogicOp(): boolean {
    return this.isKeyword('and') || this.isKeyword('or');
  }

  /** One operand; `afterOp` when it follows `and`/`or`, where `{` always opens a body. */
  private logicOperand(afterOp: boolean): { body: Expr[]; plain: boolean } {
    if (this.isPunct('{')) {
      const b = afterOp ? this.braces() : this.attempt(() => {
        const body = this.braces();
        return this.atLogicOp() ? body : undefined;
      });
      if (b) return { body: b, plain: false };
    }
    const start = this.tok;
    const negated = this.isKeyword('not') && this.isPunct('(', this.peek());
    const group = (negated || this.isPunct('(')) && this.attempt(() => {
      if (negated) this.advance();
      this.advance();
      const inner = this.logicOr();
      const withs: With[] = [];
      while (this.isKeyword('with')) withs.push(this.withModifier());
      if (!this.isPunct(')')) return undefined;
      this.advance();
      // A parenthesized plain literal is a group only when an operator follows: `(x with y) and z`.
      if (inner.plain && withs.length === 0 && !this.atLogicOp()) return undefined;
      if (!this.atLogicOp() && !this.isKeyword('with') && !this.isPunct(')') && !this.atLiteralEnd()) return undefined;
      if (withs.length > 0) for (const e of inner.body) e.with = withs;
      return inner.body;
    });
    if (group) return { body: negated ? [this.solutionsExpr(group, 'equal', start.pos)] : group, plain: false };
    return { body: this.plainLiteral(!afterOp && !this.logicFollows()), plain: true };
  }

  /**
   * Whether an `and`/`or` follows the literal starting here, so that `with`
   * modifiers after the last operand belong to the whole expression (checked
   * by a throwaway parse).
   */
  private logicFollows(): boolean {
    const s = this.save();
    try {
      this.literal(false);
      return this.atLogicOp();
    } catch (e) {
      if (!(e instanceof RegoError)) throw e;
      return false;
    } finally {
      this.restore(s);
    }
  }

  /** `[true | body] == []` (no solution) or `[true | body] != []` (some solution). */
  private solutionsExpr(body: Expr[], op: 'equal' | 'neq', at?: Pos): Expr {
    const pos = { ...(at ?? body[0].pos) };
    const solutions: Term = { type: 'arraycompr', head: { type: 'boolean', value: true, pos }, body, pos };
    const none: Term = { type: 'array', items: [], pos };
    const term: Term = { type: 'call', fn: { type: 'var', name: op, pos }, args: [solutions, none], pos };
    return { pos, negated: false, body: { kind: 'term', term }, with: [] };
  }

  /** One body expression: `[not] expr`, `some ...` or `every ...`, then any `with` modifiers. */
  private literal(withModifiers = true): Expr {
    const start = this.tok;
    const negated = this.isKeyword('not');
    if (negated) this.advance();
    // With `not` as a future keyword (or rego.v2), `not expr` negates the whole
    // expression, operand evaluation included: it is `not { expr }`.
    if (negated && this.notBody) return this.negatedBody(start);
    let body: Expr['body'];
    if (this.isKeyword('some')) {
      if (negated) this.unexpected("illegal negation of 'some'");
      body = this.someDecl();
    } else if (this.isKeyword('every')) {
      if (negated) this.unexpected("illegal negation of 'every'");
      body = this.every();
    } else {
      body = { kind: 'term', term: this.exprTerm() };
    }
    // Chains cut from the expression are evaluated under its `with` modifiers
    // (as the dynamic-terms stage does); those cut from a `with` value are not.
    const fromBody = this.hoisted ? this.hoisted.length : 0;
    const withs: With[] = [];
    while (withModifiers && this.isKeyword('with')) withs.push(this.withModifier());
    if (withs.length > 0 && this.hoisted) for (const h of this.hoisted.slice(0, fromBody)) h.with = withs;
    return { pos: { ...start.pos }, negated, body, with: withs };
  }

  /**
   * `not { a; b }` is true when the body has no solution. It is written as the
   * equivalent `[true | a; b] == []`, so later stages need nothing new: the
   * body is a closure over the variables bound outside it.
   */
  private negatedBody(start: Token): Expr {
    const pos = { ...start.pos };
    // With `and`/`or`, `not x or y` is `(not x) or y`: the negation takes one operand.
    const logic = this.keywords.has('and') || this.keywords.has('or');
    const body = this.isPunct('{') ? this.braces() : logic ? this.plainLiteral(false) : this.literals();
    const withs: With[] = [];
    while (this.isKeyword('with')) withs.push(this.withModifier());
    const solutions: Term = { type: 'arraycompr', head: { type: 'boolean', value: true, pos }, body, pos };
    const none: Term = { type: 'array', items: [], pos };
    const term: Term = { type: 'call', fn: { type: 'var', name: 'equal', pos }, args: [solutions, none], pos };
    return { pos, negated: false, body: { kind: 'term', term }, with: withs };
  }

  /** Whether the current token ends a body expression. */
  private atLiteralEnd(): boolean {
    const t = this.tok;
    return (
      t.kind === 'eof' || t.nlBefore || ['}', ']', ';'].some((p) => this.isPunct(p)) || this.isKeyword('with') || this.isTemplateCont(t)
    );
  }

  /** `a := b`, `a = b`, or a lone term; `=` and `:=` do not chain. */
  private exprTerm(): Term {
    const lhs = this.membership(true);
    if (this.isPunct(':=') || this.isPunct('=')) {
      const op = this.advance();
      const rhs = this.membership(true);
      return this.operatorCall(op.text === ':=' ? 'assign' : 'eq', [lhs, rhs], op);
    }
    return lhs;
  }

  private withModifier(): With {
    const kw = this.advance();
    if (this.tok.kind !== 'ident') this.unexpected('expected with target path');
    const target = this.primary();
    if (target.type !== 'var' && target.type !== 'ref') this.fail('expected with target path', target.pos);
    if (!this.isKeyword('as')) this.unexpected('expected as keyword');
    this.advance();
    return { target, value: this.membership(true), pos: { ...kw.pos } };
  }

  /** `some x, y` declares vars; `some x in xs` / `some k, v in xs` iterates. */
  private someDecl(): Expr['body'] {
    this.advance();
    // A plain list of names ending the expression is a declaration. (Without
    // the `in` keyword it is the only possibility; errors then surface at the
    // separator check, pointing at whatever follows the names.)
    const vars = this.attempt(() => {
      const vs: VarTerm[] = [];
      for (;;) {
        if (!this.isName()) return undefined;
        vs.push(this.variable(this.advance()));
        if (!this.isPunct(',')) break;
        this.advance();
      }
      return this.keywords.has('in') && !this.atLiteralEnd() ? undefined : vs;
    });
    if (vars) return { kind: 'some', vars };
    if (!this.keywords.has('in')) this.unexpected('expected var');
    const t = this.tok;
    const m = this.memberParts(this.membership(true));
    if (!m) this.fail('expected `x in xs` or `x, y in xs` expression', t.pos);
    return { kind: 'somein', ...m };
  }

  private every(): Expr['body'] {
    return this.nested(() => {
      this.advance();
      const t = this.tok;
      const m = this.memberParts(this.membership(true));
      if (!m) this.fail('expected `x[, y] in xs { ... }` expression', t.pos);
      if (m.key && m.key.type !== 'var') this.fail('expected key to be a variable', m.key.pos);
      if (m.value.type !== 'var') this.fail('expected value to be a variable', m.value.pos);
      if (!this.isPunct('{')) this.unexpected('missing body');
      return { kind: 'every', ...m, body: this.braces() };
    });
  }

  /** Splits `x in xs` / `k, v in xs` calls into their parts. */
  private memberParts(t: Term): { key: Term | null; value: Term; domain: Term } | undefined {
    if (t.type !== 'call') return undefined;
    const name = callName(t.fn);
    if (name === MEMBER_2 && t.args.length === 2) return { key: null, value: t.args[0], domain: t.args[1] };
    if (name === MEMBER_3 && t.args.length === 3) return { key: t.args[0], value: t.args[1], domain: t.args[2] };
    return undefined;
  }

  // ---------------------------------------------------------------- terms

  /**
   * The membership level. `keyVal` allows `k, v in xs`; it is off inside lists,
   * where the comma separates elements.
   */
  private membership(keyVal: boolean): Term {
    let lhs = this.binary(REL);
    for (;;) {
      if (keyVal && this.keywords.has('in') && this.isPunct(',')) {
        const mhs = this.attempt(() => {
          this.advance();
          const m = this.binary(REL);
          return this.isKeyword('in') ? m : undefined;
        });
        if (mhs) {
          const op = this.advance();
          const rhs = this.binary(REL);
          lhs = this.chainLink(this.operatorCall(MEMBER_3, [lhs, mhs, rhs], op), lhs, rhs);
          continue;
        }
      }
      if (this.isKeyword('in')) {
        const op = this.advance();
        const rhs = this.binary(REL);
        lhs = this.chainLink(this.operatorCall(MEMBER_2, [lhs, rhs], op), lhs, rhs);
        continue;
      }
      return lhs;
    }
  }

  /** Precedence climbing over the binary operators binding at least as tightly as `minPrec`. */
  private binary(minPrec: number): Term {
    let lhs = this.primary();
    for (;;) {
      const op = this.tok.kind === 'punct' ? BINARY[this.tok.text] : undefined;
      if (!op || op.prec < minPrec) return lhs;
      const opTok = this.advance();
      const rhs = this.binary(op.prec + 1);
      lhs = this.chainLink(this.operatorCall(op.name, [lhs, rhs], opTok), lhs, rhs);
    }
  }

  private operatorCall(name: string, args: Term[], op: Token): CallTerm {
    const pos = { ...op.pos };
    const [head, ...path] = name.split('.');
    const fn: VarTerm | RefTerm =
      path.length === 0
        ? { type: 'var', name, pos }
        : {
            type: 'ref',
            terms: [{ type: 'var', name: head, pos }, ...path.map((p) => ({ type: 'string' as const, value: p, pos: { ...pos } }))],
            pos: { ...pos },
          };
    return { type: 'call', fn, args, pos: { ...args[0].pos } };
  }

  /**
   * A term with its ref/call suffixes, or a unary minus applied to one.
   *
   * Memoized by position: the speculative parses in array() and setOrObject()
   * parse a primary and may then re-parse it as a list element, which without
   * the memo would take time exponential in the nesting depth (`[[[[...`). A
   * failure is memoized too, for the same reason.
   */
  private primary(): Term {
    const key = `${this.i}:${this.wildcards}`;
    const hit = this.memo.get(key);
    if (hit) {
      if ('error' in hit) throw hit.error;
      this.i = hit.end;
      this.wildcards = hit.wildcards;
      // The chains cut while parsing it were rolled back with the attempt that did it.
      if (hit.hoisted.length > 0) this.hoisted?.push(...hit.hoisted);
      return hit.term;
    }
    const sink = this.hoisted;
    const before = sink?.length ?? 0;
    try {
      const term = this.primaryUncached();
      this.memo.set(key, { term, end: this.i, wildcards: this.wildcards, hoisted: sink && sink.length > before ? sink.slice(before) : NONE });
      return term;
    } catch (e) {
      if (e instanceof RegoError) this.memo.set(key, { error: e });
      throw e;
    }
  }

  private primaryUncached(): Term {
    return this.nested(() => {
      const t = this.tok;
      if (this.isPunct('-')) {
        this.advance();
        if (this.tok.kind === 'number') {
          const n = this.advance();
          return this.suffixes({ type: 'number', value: '-' + n.text, pos: { ...t.pos } });
        }
        const operand = this.primary();
        return this.operatorCall('minus', [{ type: 'number', value: '0', pos: { ...t.pos } }, operand], t);
      }
      // A template string takes no ref or call suffixes (OPA's refs cannot start with one).
      if (t.kind === 'template' && !this.isTemplateCont(t)) return this.templateString();
      return this.suffixes(this.operand());
    });
  }

  /** A `template` token resuming a template's text after the `}` closing an expression. */
  private isTemplateCont(t: Token): boolean {
    return t.kind === 'template' && t.template?.cont === true;
  }

  /**
   * `$"…{expr}…"` or `$`…{expr}…``, read whole and lowered at once (see
   * template-strings.ts): the tokens alternate between text (`template`
   * tokens) and each expression's own tokens.
   */
  private templateString(): Term {
    const start = this.tok;
    const pieces: TemplatePiece[] = [];
    for (let t = start; ; t = this.tok) {
      this.advance();
      pieces.push({ kind: 'text', value: t.text, pos: { ...t.pos } });
      if (!t.template?.open) break;
      pieces.push({ kind: 'expr', exprs: this.templateExpr() });
      if (!this.isTemplateCont(this.tok)) this.fail('expected } to end template string expression');
    }
    return lowerTemplateString(pieces, start.pos, () => `$tmpl${this.templateVars++}`);
  }

  /** One template expression: a single value, `with` modifiers allowed; chains cut from it come first. */
  private templateExpr(): Expr[] {
    if (this.isKeyword('not')) this.fail("unexpected negation ('not') in template-string expression");
    const exprs = this.plainLiteral(true);
    const e = exprs[exprs.length - 1];
    const error = templateExprError(e);
    if (error) this.fail(error, e.pos);
    return exprs;
  }

  private operand(): Term {
    const t = this.tok;
    const pos = { ...t.pos };
    switch (t.kind) {
      case 'number':
        this.advance();
        return { type: 'number', value: t.text, pos };
      case 'string':
        this.advance();
        return { type: 'string', value: t.text, pos };
      case 'ident':
        return this.identTerm();
      case 'punct':
        if (t.text === '[') return this.array();
        if (t.text === '{') return this.setOrObject();
        if (t.text === '(') return this.parenthesized();
        break;
    }
    return this.unexpected('expected term');
  }

  private identTerm(): Term {
    const t = this.tok;
    const pos = { ...t.pos };
    if (this.isRefHead(t)) return this.variable(this.advance());
    switch (t.text) {
      case 'null':
        this.advance();
        return { type: 'null', pos };
      case 'true':
      case 'false':
        this.advance();
        return { type: 'boolean', value: t.text === 'true', pos };
    }
    // Builtins share names with future keywords (`contains(s, "x")`), so a
    // keyword directly followed by `(` is still a function name.
    const next = this.peek();
    const isCall = this.isPunct('(', next) && !next.spaceBefore && !HARD_KEYWORDS.has(t.text);
    if (!this.isName() && !isCall) this.unexpected('expected term');
    return this.variable(this.advance());
  }

  /** A var; each `_` becomes a fresh `$wildcardN`. */
  private variable(t: Token): VarTerm {
    const name = t.text === '_' ? `$wildcard${this.wildcards++}` : t.text;
    return { type: 'var', name, pos: { ...t.pos } };
  }

  private parenthesized(): Term {
    this.advance();
    const inner = this.membership(true);
    // `(a or b)` parses only as a whole body expression or an operand.
    if (this.atLogicOp()) this.fail(`\`${this.tok.text}\` expressions produce no value and cannot be used as a term`);
    this.expectPunct(')');
    return inner;
  }

  /**
   * Ref and call suffixes: `.name`, `[term]`, `(args)`, each directly adjacent to
   * what precedes it. `input` and `data` alone are refs too (as in OPA).
   */
  private suffixes(start: Term): Term {
    let head = start;
    let path: Term[] = [];
    // A parenthesized ref may be continued: `(a.b)[c]` is `a.b[c]`.
    if (head.type === 'ref') {
      path = head.terms.slice(1);
      head = head.terms[0];
    }
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'punct' || t.spaceBefore) break;
      if (t.text === '.') {
        this.checkRefHead(head);
        path.push(this.dotElement());
      } else if (t.text === '[') {
        this.checkRefHead(head);
        this.advance();
        path.push(this.membership(false));
        this.expectPunct(']');
      } else if (t.text === '(') {
        head = this.call(head, path, t);
        path = [];
      } else {
        break;
      }
    }
    if (path.length > 0) return { type: 'ref', terms: [head, ...path], pos: { ...head.pos } };
    if (head.type === 'var' && (head.name === 'input' || head.name === 'data')) {
      return { type: 'ref', terms: [head], pos: { ...head.pos } };
    }
    return head;
  }

  /** `.name` in a ref: any word is allowed after the dot, keywords included. */
  private dotElement(): Term {
    this.advance();
    const name = this.tok;
    if (name.kind !== 'ident' || name.spaceBefore) this.unexpected('expected ident');
    this.advance();
    return { type: 'string', value: name.text, pos: { ...name.pos } };
  }

  private checkRefHead(head: Term): void {
    const ok = ['var', 'ref', 'array', 'object', 'set', 'arraycompr', 'setcompr', 'objectcompr', 'call'];
    if (!ok.includes(head.type)) this.fail(`illegal ref (head cannot be ${head.type})`, head.pos);
  }

  /** `f(args)` where f is `head` plus `path`; `set()` is the empty set. */
  private call(head: Term, path: Term[], open: Token): Term {
    if (head.type !== 'var') this.unexpected(`cannot call a ${head.type}`, open);
    const fn: VarTerm | RefTerm = path.length === 0 ? head : { type: 'ref', terms: [head, ...path], pos: { ...head.pos } };
    this.advance();
    const args = this.termList(')');
    if (fn.type === 'var' && fn.name === 'set' && args.length === 0) return { type: 'set', items: [], pos: { ...fn.pos } };
    return { type: 'call', fn, args, pos: { ...fn.pos } };
  }

  /** Comma-separated terms up to `close`, which is consumed; a trailing comma is allowed. */
  private termList(close: string): Term[] {
    const items: Term[] = [];
    for (;;) {
      if (this.isPunct(close)) {
        this.advance();
        return items;
      }
      items.push(this.membership(false));
      if (this.isPunct(',')) {
        this.advance();
        continue;
      }
      if (!this.isPunct(close)) this.unexpected(`expected , or ${close}`);
    }
  }

  /**
   * `[...]`: an array or an array comprehension. Like OPA we try the
   * comprehension first, with a plain term as its head, so `[a | b]` is a
   * comprehension rather than an array holding `a | b`.
   */
  private array(): Term {
    const pos = { ...this.advance().pos };
    // Chains cut from a comprehension's head are computed by its body.
    const compr = this.attempt(() => {
      const [h, hoisted] = this.collectHoisted(() => this.primary());
      return this.isPunct('|') ? { head: h, hoisted } : undefined;
    });
    if (compr) {
      this.advance();
      const body = [...compr.hoisted, ...this.body(']')];
      this.expectPunct(']');
      return { type: 'arraycompr', head: compr.head, body, pos };
    }
    return { type: 'array', items: this.termList(']'), pos };
  }

  /** `{...}`: an object, a set, or a set/object comprehension; `{}` is the empty object. */
  private setOrObject(): Term {
    const pos = { ...this.advance().pos };
    if (this.isPunct('}')) {
      this.advance();
      return { type: 'object', entries: [], pos };
    }
    const compr = this.attempt(() => {
      const [parts, hoisted] = this.collectHoisted(() => {
        const key = this.primary();
        if (this.isPunct('|')) return { key, value: undefined };
        if (!this.isPunct(':')) return undefined;
        this.advance();
        const value = this.primary();
        return this.isPunct('|') ? { key, value } : undefined;
      });
      return parts && { ...parts, hoisted };
    });
    if (compr) {
      this.advance();
      const body = [...compr.hoisted, ...this.body('}')];
      this.expectPunct('}');
      return compr.value
        ? { type: 'objectcompr', key: compr.key, value: compr.value, body, pos }
        : { type: 'setcompr', head: compr.key, body, pos };
    }
    const first = this.membership(false);
    if (this.isPunct(':')) return { type: 'object', entries: this.objectEntries(first), pos };
    if (this.isPunct(',')) {
      this.advance();
      return { type: 'set', items: [first, ...this.termList('}')], pos };
    }
    this.expectPunct('}');
    return { type: 'set', items: [first], pos };
  }

  /** The rest of an object literal whose first key has been parsed; consumes `}`. */
  private objectEntries(firstKey: Term): [Term, Term][] {
    const entries: [Term, Term][] = [];
    let key = firstKey;
    for (;;) {
      this.expectPunct(':');
      entries.push([key, this.membership(false)]);
      if (this.isPunct(',')) {
        this.advance();
        if (this.isPunct('}')) break;
        key = this.membership(false);
        continue;
      }
      if (this.isPunct('}')) break;
      this.unexpected('expected , or }');
    }
    this.advance();
    return entries;
  }
}

/** The first var/ref/call found outside comprehensions, by OPA's type name; for default values. */
function findNonConstant(t: Term): string | undefined {
  switch (t.type) {
    case 'var':
      return 'var';
    case 'ref':
      return 'ref';
    case 'call':
      return 'call';
    case 'array':
    case 'set':
      return t.items.map(findNonConstant).find((x) => x);
    case 'object':
      return t.entries.flat().map(findNonConstant).find((x) => x);
    default:
      return undefined;
  }
}
