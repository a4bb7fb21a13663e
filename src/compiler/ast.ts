// The Rego abstract syntax tree. Every node carries the position it was parsed
// from so that every later stage can report `file:line:col: message`.
//
// The shapes follow OPA's own AST closely (terms, refs whose first element is
// the head, expressions whose operators are calls) because the compiler stages
// are modelled on OPA's and keeping the same vocabulary makes them easy to
// compare.

export interface Pos {
  file: string;
  line: number; // 1-based
  col: number; // 1-based, in UTF-16 code units of the source line
}

export type Term =
  | NullTerm
  | BooleanTerm
  | NumberTerm
  | StringTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | ObjectTerm
  | SetTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension
  | CallTerm;

export interface NullTerm { type: 'null'; pos: Pos }
export interface BooleanTerm { type: 'boolean'; value: boolean; pos: Pos }
/** `value` is the literal's source text (e.g. "1", "1.0", "1e3") so precision is never lost before the back end. */
export interface NumberTerm { type: 'number'; value: string; pos: Pos }
/** `value` is the decoded string (escapes resolved; raw strings verbatim). */
export interface StringTerm { type: 'string'; value: string; pos: Pos }
/** Variables; `_` is the wildcard (the parser renames each `_` to a fresh `$wildcardN`). */
export interface VarTerm { type: 'var'; name: string; pos: Pos }
/**
 * A reference: `terms[0]` is the head (a var such as `input`, `data` or a local;
 * or a composite, call or comprehension as in `f(x).y`, `[1,2][i]`), followed by
 * the path: `a.b` gives the string term "b", `a[x]` the term x.
 */
export interface RefTerm { type: 'ref'; terms: Term[]; pos: Pos }
export interface ArrayTerm { type: 'array'; items: Term[]; pos: Pos }
export interface ObjectTerm { type: 'object'; entries: [Term, Term][]; pos: Pos }
export interface SetTerm { type: 'set'; items: Term[]; pos: Pos }
export interface ArrayComprehension { type: 'arraycompr'; head: Term; body: Body; pos: Pos }
export interface SetComprehension { type: 'setcompr'; head: Term; body: Body; pos: Pos }
export interface ObjectComprehension { type: 'objectcompr'; key: Term; value: Term; body: Body; pos: Pos }
/**
 * A call. `fn` is the name as written: a var (`count`) or a ref (`strings.replace_n`,
 * `data.lib.f`, `lib.f`). Operators are calls too, by their OPA builtin names:
 *   `=` eq, `:=` assign, `==` equal, `!=` neq, `<` lt, `<=` lte, `>` gt, `>=` gte,
 *   `+` plus, `-` minus, `*` mul, `/` div, `%` rem, `&` and, `|` or,
 *   unary `-x` on a non-literal is minus(0, x),
 *   `x in xs` internal.member_2(x, xs), `k, v in xs` internal.member_3(k, v, xs).
 */
export interface CallTerm { type: 'call'; fn: VarTerm | RefTerm; args: Term[]; pos: Pos }

export type Body = Expr[];

export interface Expr {
  pos: Pos;
  negated: boolean; // `not ...`
  body: ExprBody;
  with: With[];
}

export type ExprBody =
  | { kind: 'term'; term: Term } // a bare term or a call (operators included)
  | { kind: 'some'; vars: VarTerm[] } // some x, y
  | { kind: 'somein'; key: Term | null; value: Term; domain: Term } // some v in xs / some k, v in xs
  | { kind: 'every'; key: Term | null; value: Term; domain: Term; body: Body };

export interface With { target: Term; value: Term; pos: Pos }

export type RuleKind =
  /** `p`, `p := v`, `p.q[x] := v`, `p[x] = v` (ref heads: an object built key by key). */
  | 'complete'
  /** `p contains x`, and in v0 syntax `p[x] { ... }` without a value. */
  | 'set'
  /** `f(x) := v`. */
  | 'function';

export interface RuleHead {
  /** The rule's reference: `p` is [var p]; `p.q[x]` is [var p, string q, var x]. */
  ref: Term[];
  kind: RuleKind;
  /** Function parameters. */
  args?: Term[];
  /** The element for `contains` rules (and v0 `p[x] {}`). */
  key?: Term;
  /** The value; absent means `true`. */
  value?: Term;
  /** Declared with `:=` (affects only checks: assignment may not be redefined). */
  assign: boolean;
  pos: Pos;
}

export interface Rule {
  pos: Pos;
  default: boolean;
  head: RuleHead;
  body: Body; // empty for `p := 1` (treated as `true`)
  /** `else [= value] [if] { body }` chain; each link has a value (default true) and a body. */
  else?: ElseClause;
}

export interface ElseClause {
  pos: Pos;
  value?: Term;
  body: Body;
  else?: ElseClause;
}

export interface Import {
  /** `data.lib.x` / `input.foo` / `future.keywords.in` / `rego.v1` as a ref term. */
  path: RefTerm | VarTerm;
  alias?: string;
  pos: Pos;
}

export type RegoVersion = 'v0' | 'v1';

export interface Module {
  file: string;
  /** Package path without the `data` prefix: `package a.b` gives ["a", "b"]. */
  package: string[];
  packagePos: Pos;
  imports: Import[];
  rules: Rule[];
  /** Syntax the module was parsed with: v1 if asked for, or if the module imports rego.v1. */
  regoVersion: RegoVersion;
  /** The module's `# METADATA` blocks, in source order (absent when it has none). */
  annotations?: Annotation[];
}

export type AnnotationScope = 'rule' | 'document' | 'package' | 'subpackages' | 'import';

/** One `# METADATA` block, attached to the statement that follows it (annotations.ts). */
export interface Annotation {
  scope: AnnotationScope;
  /** The rule it annotates (scopes rule and document); absent for package and import scopes. */
  rule?: Rule;
  /** As OPA's rego.metadata.* builtins return it: scope, title, authors… as JSON. */
  value: Record<string, unknown>;
  /** Keys offgate does not support in rego.metadata.* results (schemas, compile, labels). */
  unsupported?: string[];
  pos: Pos;
}
