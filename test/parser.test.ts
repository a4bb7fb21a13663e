import { describe, it, expect } from 'vitest';
import type { Body, Expr, Module, Rule, Term } from '../src/compiler/ast';
import { RegoError } from '../src/compiler/errors';
import { tokenize } from '../src/compiler/lexer';
import { parseModule, parseQuery, parseTerm, type ParseOptions } from '../src/compiler/parser';
import { printBody, printModule, printTerm } from '../src/compiler/printer';

const FILE = 'policy.rego';

/** Deep copy without positions, for comparing trees. */
function strip<T>(x: T): T {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === 'pos' || k === 'packagePos' ? undefined : v)));
}

const mod = (src: string, opts?: ParseOptions): Module => parseModule(src, FILE, opts);
const v1 = (src: string): Module => mod(src, { regoVersion: 'v1' });
const rule = (src: string, opts?: ParseOptions): Rule => mod(`package p\n${src}`, opts).rules[0];
const term = (src: string): Term => strip(parseTerm(src, FILE));
const expr = (src: string): Expr => strip(parseQuery(src, FILE))[0];

// Tiny tree builders for expected shapes.
const v = (name: string) => ({ type: 'var', name });
const s = (value: string) => ({ type: 'string', value });
const n = (value: string) => ({ type: 'number', value });
const ref = (...terms: object[]) => ({ type: 'ref', terms });
const call = (fn: string, ...args: object[]) => {
  const [head, ...path] = fn.split('.');
  return { type: 'call', fn: path.length ? ref(v(head), ...path.map(s)) : v(fn), args };
};
const termExpr = (t: object, negated = false) => ({ negated, body: { kind: 'term', term: t }, with: [] });

/** The message of the RegoError thrown by f. */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RegoError);
    return (e as RegoError).message;
  }
  throw new Error('expected a parse error');
}

describe('lexer', () => {
  it('records positions and whether whitespace or a newline precede each token', () => {
    const toks = tokenize('a.b  # c\n  x[0]', FILE);
    expect(toks.map((t) => [t.kind, t.text, t.pos.line, t.pos.col, t.spaceBefore, t.nlBefore])).toEqual([
      ['ident', 'a', 1, 1, true, false],
      ['punct', '.', 1, 2, false, false],
      ['ident', 'b', 1, 3, false, false],
      ['ident', 'x', 2, 3, true, true],
      ['punct', '[', 2, 4, false, false],
      ['number', '0', 2, 5, false, false],
      ['punct', ']', 2, 6, false, false],
      ['eof', '', 2, 7, false, false],
    ]);
  });

  it('decodes strings and keeps raw strings verbatim', () => {
    const [a, b] = tokenize('"a\\n\\"\\u00e9\\ud83d\\ude00\\/" `x\\n\ny`', FILE);
    expect(a.text).toBe('a\n"é😀/');
    expect(b.text).toBe('x\\n\ny');
  });

  it('emits an error token instead of throwing', () => {
    const toks = tokenize('x := "abc', FILE);
    expect(toks.map((t) => t.kind)).toEqual(['ident', 'punct', 'error', 'eof']);
    expect(toks[2].text).toBe('non-terminated string');
  });
});

describe('terms', () => {
  it('parses scalars, keeping number text', () => {
    expect(term('null')).toEqual({ type: 'null' });
    expect(term('true')).toEqual({ type: 'boolean', value: true });
    expect(term('1e10')).toEqual(n('1e10'));
    expect(term('-1.5')).toEqual(n('-1.5'));
    expect(term('- 2')).toEqual(n('-2'));
    expect(term('`a\\b`')).toEqual(s('a\\b'));
  });

  it('parses unary minus on non-literals as minus(0, x)', () => {
    expect(term('-x.y')).toEqual(call('minus', n('0'), ref(v('x'), s('y'))));
  });

  it('parses composites', () => {
    expect(term('{"foo": {1}}')).toEqual({ type: 'object', entries: [[s('foo'), { type: 'set', items: [n('1')] }]] });
    expect(term('[1, [], {}, set()]')).toEqual({
      type: 'array',
      items: [n('1'), { type: 'array', items: [] }, { type: 'object', entries: [] }, { type: 'set', items: [] }],
    });
    expect(term('{[1]: 2, x: y,}')).toEqual({
      type: 'object',
      entries: [
        [{ type: 'array', items: [n('1')] }, n('2')],
        [v('x'), v('y')],
      ],
    });
  });

  it('parses comprehensions, preferring them over `|`', () => {
    expect(term('[x | x := y[_]]')).toEqual({
      type: 'arraycompr',
      head: v('x'),
      body: [termExpr(call('assign', v('x'), ref(v('y'), v('$wildcard0'))))],
    });
    expect(term('{k: v | v := o[k]}')).toMatchObject({ type: 'objectcompr', key: v('k'), value: v('v') });
    expect(term('{a | b}')).toMatchObject({ type: 'setcompr', head: v('a'), body: [termExpr(v('b'))] });
    expect(term('{(a | b)}')).toEqual({ type: 'set', items: [call('or', v('a'), v('b'))] });
    expect(term('[a + b | c]')).toEqual({ type: 'array', items: [call('or', call('plus', v('a'), v('b')), v('c'))] });
  });

  it('parses refs: dots, brackets, keywords after dots, input/data alone', () => {
    expect(term('a.b[c]["d"][0]')).toEqual(ref(v('a'), s('b'), v('c'), s('d'), n('0')));
    expect(term('input.spec.default')).toEqual(ref(v('input'), s('spec'), s('default')));
    expect(term('input')).toEqual(ref(v('input')));
    expect(term('data')).toEqual(ref(v('data')));
    expect(term('x')).toEqual(v('x'));
  });

  it('parses refs on calls and composites, and calls on refs', () => {
    expect(term('f(x).y')).toEqual(ref(call('f', v('x')), s('y')));
    expect(term('[1,2][0]')).toEqual(ref({ type: 'array', items: [n('1'), n('2')] }, n('0')));
    expect(term('a.b.c(x)')).toEqual({ type: 'call', fn: ref(v('a'), s('b'), s('c')), args: [v('x')] });
    expect(term('data.x.f(1)')).toEqual({ type: 'call', fn: ref(v('data'), s('x'), s('f')), args: [n('1')] });
    expect(term('count([])')).toEqual(call('count', { type: 'array', items: [] }));
  });

  it('requires refs and calls to be adjacent', () => {
    expect(errorOf(() => parseTerm('a [0]', FILE))).toBe('policy.rego:1:3: rego_parse_error: unexpected [ token: expected end of term');
    expect(errorOf(() => parseTerm('a. b', FILE))).toBe('policy.rego:1:4: rego_parse_error: unexpected ident token: expected ident');
  });

  it('renames each _ to a fresh wildcard var', () => {
    expect(term('[_, x[_], {_: _}]')).toEqual({
      type: 'array',
      items: [
        v('$wildcard0'),
        ref(v('x'), v('$wildcard1')),
        { type: 'object', entries: [[v('$wildcard2'), v('$wildcard3')]] },
      ],
    });
  });
});

describe('operators', () => {
  it('follows arithmetic precedence, left to right', () => {
    expect(expr('1 + 2 * 3 - 4').body).toEqual({
      kind: 'term',
      term: call('minus', call('plus', n('1'), call('mul', n('2'), n('3'))), n('4')),
    });
    expect(expr('(1 + 2) % 3').body).toEqual({ kind: 'term', term: call('rem', call('plus', n('1'), n('2')), n('3')) });
    expect(expr('a | b & c == d').body).toEqual({
      kind: 'term',
      term: call('equal', call('or', v('a'), call('and', v('b'), v('c'))), v('d')),
    });
  });

  it('maps every operator to its builtin', () => {
    const ops: [string, string][] = [
      ['==', 'equal'], ['!=', 'neq'], ['<', 'lt'], ['<=', 'lte'], ['>', 'gt'], ['>=', 'gte'],
      ['+', 'plus'], ['-', 'minus'], ['*', 'mul'], ['/', 'div'], ['%', 'rem'], ['&', 'and'], ['|', 'or'],
      ['=', 'eq'], [':=', 'assign'],
    ];
    for (const [op, name] of ops) expect(expr(`x ${op} y`).body).toEqual({ kind: 'term', term: call(name, v('x'), v('y')) });
  });

  it('gives `in` the lowest precedence, as OPA does', () => {
    expect(expr('x == y in s').body).toEqual({ kind: 'term', term: call('internal.member_2', call('equal', v('x'), v('y')), v('s')) });
    expect(expr('x + 1 in s').body).toEqual({ kind: 'term', term: call('internal.member_2', call('plus', v('x'), n('1')), v('s')) });
    expect(expr('k, v in s').body).toEqual({ kind: 'term', term: call('internal.member_3', v('k'), v('v'), v('s')) });
    expect(expr('b := x in s').body).toEqual({ kind: 'term', term: call('assign', v('b'), call('internal.member_2', v('x'), v('s'))) });
    expect(expr('f(x in s, 1)').body).toEqual({ kind: 'term', term: call('f', call('internal.member_2', v('x'), v('s')), n('1')) });
  });

  it('continues an expression across a newline before an operator, like OPA', () => {
    expect(parseQuery('x := 1\n  + 2', FILE)).toHaveLength(1);
  });
});

describe('body expressions', () => {
  it('parses not, some, some-in, every and with', () => {
    expect(expr('not f(x)')).toEqual(termExpr(call('f', v('x')), true));
    expect(expr('some x, y')).toEqual({ negated: false, body: { kind: 'some', vars: [v('x'), v('y')] }, with: [] });
    expect(expr('some x in xs').body).toEqual({ kind: 'somein', key: null, value: v('x'), domain: v('xs') });
    expect(expr('some k, [a, _] in {"a": [1, 2]}').body).toMatchObject({ kind: 'somein', key: v('k'), value: { type: 'array' } });
    expect(expr('some numbers.range(1, 1) in [[1]]').body).toMatchObject({ kind: 'somein', value: { type: 'call' } });
    expect(expr('some k, v in input with input.foo as "bar"')).toMatchObject({ body: { kind: 'somein' }, with: [{ value: s('bar') }] });
    expect(expr('every k, v in xs { v > k }').body).toEqual({
      kind: 'every',
      key: v('k'),
      value: v('v'),
      domain: v('xs'),
      body: [termExpr(call('gt', v('v'), v('k')))],
    });
    expect(expr('allow with input.a as 1 with data.b as {"c": 2}').with).toEqual([
      { target: ref(v('input'), s('a')), value: n('1') },
      { target: ref(v('data'), s('b')), value: { type: 'object', entries: [[s('c'), n('2')]] } },
    ]);
  });

  it('separates expressions by newlines or semicolons', () => {
    expect(parseQuery('a; b\n  c\n\n# comment\nd', FILE)).toHaveLength(4);
    expect(parseQuery('[1,\n 2] = x\nf(\n  y,\n)', FILE)).toHaveLength(2);
  });

  it('allows builtins named like keywords to be called', () => {
    expect(expr('contains("abc", "b")').body).toEqual({ kind: 'term', term: call('contains', s('abc'), s('b')) });
  });

  it('positions every node where it starts', () => {
    const [e] = parseQuery('  not x.y == [1,\n 2]', FILE);
    expect(e.pos).toEqual({ file: FILE, line: 1, col: 3 });
    const t = e.body.kind === 'term' ? e.body.term : undefined;
    expect(t?.type === 'call' && [t.pos, t.fn.pos, t.args[1].pos]).toEqual([
      { file: FILE, line: 1, col: 7 },
      { file: FILE, line: 1, col: 11 },
      { file: FILE, line: 1, col: 14 },
    ]);
    expect(t?.type === 'call' && t.args[1].type === 'array' && t.args[1].items[1].pos).toEqual({ file: FILE, line: 2, col: 2 });
  });
});

describe('modules', () => {
  it('parses package paths and imports', () => {
    const m = mod('package a["b-c"].d\nimport data.lib.x\nimport data.lib.y as z\nimport input.foo\nimport future.keywords.in');
    expect(m.package).toEqual(['a', 'b-c', 'd']);
    expect(m.packagePos).toEqual({ file: FILE, line: 1, col: 1 });
    expect(strip(m.imports)).toEqual([
      { path: ref(v('data'), s('lib'), s('x')) },
      { path: ref(v('data'), s('lib'), s('y')), alias: 'z' },
      { path: ref(v('input'), s('foo')) },
      { path: ref(v('future'), s('keywords'), s('in')) },
    ]);
    expect(m.regoVersion).toBe('v0');
  });

  it('switches to v1 with the option or with import rego.v1', () => {
    expect(v1('package p').regoVersion).toBe('v1');
    expect(mod('package p\nimport rego.v1').regoVersion).toBe('v1');
  });

  it('treats future keywords as identifiers in v0 unless imported', () => {
    const m = mod('package p\nif := 1\ncontains[x] { x := in }');
    expect(strip(m.rules.map((r) => r.head.ref))).toEqual([[v('if')], [v('contains')]]);
    expect(mod('package p\nimport future.keywords.if\np if true').rules[0].body).toHaveLength(1);
    expect(errorOf(() => mod('package p\np if true'))).toBe(
      'policy.rego:2:3: rego_parse_error: unexpected ident token: expected rule value or body (hint: `import future.keywords.if` or `import rego.v1` makes it a keyword)',
    );
  });

  it('parses the Gatekeeper-style template', () => {
    const m = mod(GATEKEEPER);
    expect(m.package).toEqual(['k8spspprivileged']);
    expect(m.rules).toHaveLength(2);
    const [violation, containers] = strip(m.rules);
    expect(violation.head).toEqual({
      ref: [v('violation')],
      kind: 'set',
      key: { type: 'object', entries: [[s('msg'), v('msg')], [s('details'), { type: 'object', entries: [] }]] },
      assign: false,
    });
    expect(violation.body).toHaveLength(4);
    expect(violation.body[0]).toEqual(termExpr(call('is_update', ref(v('input'), s('review'))), true));
    expect(violation.body[1]).toEqual(termExpr(call('assign', v('c'), ref(v('input_containers'), v('$wildcard0')))));
    expect(containers.head).toEqual({ ref: [v('input_containers')], kind: 'set', key: v('c'), assign: false });
    expect(containers.body[0]).toEqual(
      termExpr(call('assign', v('c'), ref(v('input'), s('review'), s('object'), s('spec'), s('containers'), v('$wildcard1')))),
    );
  });
});

describe('rules', () => {
  it('parses complete rules', () => {
    expect(strip(rule('p { true }'))).toEqual({
      default: false,
      head: { ref: [v('p')], kind: 'complete', assign: false },
      body: [termExpr({ type: 'boolean', value: true })],
    });
    expect(strip(rule('p := 1'))).toEqual({
      default: false,
      head: { ref: [v('p')], kind: 'complete', value: n('1'), assign: true },
      body: [],
    });
    expect(strip(rule('p = 1 { x }')).head).toEqual({ ref: [v('p')], kind: 'complete', value: n('1'), assign: false });
    expect(strip(rule('p := v if { v := 2 }', { regoVersion: 'v1' })).head).toMatchObject({ value: v('v'), assign: true });
  });

  it('parses if with a single expression or a block', () => {
    expect(strip(rule('p if x > 1', { regoVersion: 'v1' })).body).toEqual([termExpr(call('gt', v('x'), n('1')))]);
    expect(strip(rule('p if { x\n y }', { regoVersion: 'v1' })).body).toEqual([termExpr(v('x')), termExpr(v('y'))]);
    // As in OPA, `if {}` is an empty-object expression, always true.
    expect(strip(rule('p if {}', { regoVersion: 'v1' })).body).toEqual([termExpr({ type: 'object', entries: [] })]);
  });

  it('parses default rules', () => {
    expect(strip(rule('default allow := false'))).toEqual({
      default: true,
      head: { ref: [v('allow')], kind: 'complete', value: { type: 'boolean', value: false }, assign: true },
      body: [],
    });
    expect(strip(rule('default allow = false')).head.assign).toBe(false);
    expect(strip(rule('default f(_) := 1')).head).toMatchObject({ kind: 'function', args: [v('$wildcard0')] });
  });

  it('parses multi-value rules', () => {
    expect(strip(rule('p contains x if { x := 1 }', { regoVersion: 'v1' })).head).toEqual({
      ref: [v('p')],
      kind: 'set',
      key: v('x'),
      assign: false,
    });
    expect(strip(rule('a.b contains "x"', { regoVersion: 'v1' }))).toEqual({
      default: false,
      head: { ref: [v('a'), s('b')], kind: 'set', key: s('x'), assign: false },
      body: [],
    });
    expect(strip(rule('p[x] { x := 1 }')).head).toEqual({ ref: [v('p')], kind: 'set', key: v('x'), assign: false });
    // OPA's v0 quirk: `p.q { }` is the partial set p containing "q".
    expect(strip(rule('p.q { true }')).head).toEqual({ ref: [v('p')], kind: 'set', key: s('q'), assign: false });
  });

  it('parses ref heads and partial objects', () => {
    expect(strip(rule('p[x] if { x := 1 }', { regoVersion: 'v1' })).head).toEqual({
      ref: [v('p'), v('x')],
      kind: 'complete',
      assign: false,
    });
    expect(strip(rule('p[k] = v { k := "a"; v := 1 }')).head).toEqual({
      ref: [v('p'), v('k')],
      kind: 'complete',
      value: v('v'),
      assign: false,
    });
    expect(strip(rule('a.b.c[x] := y if { x := 1; y := 2 }', { regoVersion: 'v1' })).head).toEqual({
      ref: [v('a'), s('b'), s('c'), v('x')],
      kind: 'complete',
      value: v('y'),
      assign: true,
    });
  });

  it('parses functions', () => {
    expect(strip(rule('f(x, y) := z if { z := x + y }', { regoVersion: 'v1' })).head).toEqual({
      ref: [v('f')],
      kind: 'function',
      args: [v('x'), v('y')],
      value: v('z'),
      assign: true,
    });
    expect(strip(rule('f(x) = y { y := x }')).head).toMatchObject({ kind: 'function', value: v('y') });
    expect(strip(rule('f(x) { x }')).head).toEqual({ ref: [v('f')], kind: 'function', args: [v('x')], assign: false });
    expect(strip(rule('f(x) if x > 1', { regoVersion: 'v1' })).body).toHaveLength(1);
    expect(strip(rule('lib.f([a, b]) := a', { regoVersion: 'v1' })).head).toMatchObject({
      ref: [v('lib'), s('f')],
      args: [{ type: 'array', items: [v('a'), v('b')] }],
    });
  });

  it('parses else chains', () => {
    const r = strip(rule('p := 1 if { a } else := 2 if { b } else := 3', { regoVersion: 'v1' }));
    expect(r.else).toEqual({
      value: n('2'),
      body: [termExpr(v('b'))],
      else: { value: n('3'), body: [] },
    });
    const r0 = strip(rule('p = 1 { a } else = 2 { b } else { c }'));
    expect(r0.else).toEqual({ value: n('2'), body: [termExpr(v('b'))], else: { body: [termExpr(v('c'))] } });
  });

  it('parses v0 multiple bodies as several rules with the same head', () => {
    const m = mod('package p\np[x] { x := 1 } { x := 2 }\nq { a }');
    expect(m.rules).toHaveLength(3);
    expect(strip(m.rules[1].head)).toEqual(strip(m.rules[0].head));
    expect(m.rules[1].head).not.toBe(m.rules[0].head);
    expect(m.rules[1].pos).toEqual({ file: FILE, line: 2, col: 17 });
  });
});

const GATEKEEPER = `package k8spspprivileged
import data.lib.exclude_update.is_update
violation[{"msg": msg, "details": {}}] {
    not is_update(input.review)
    c := input_containers[_]
    c.securityContext.privileged
    msg := sprintf("Privileged container is not allowed: %v, securityContext: %v", [c.name, c.securityContext])
}
input_containers[c] { c := input.review.object.spec.containers[_] }
`;

/** [name, source, options]: every snippet must survive parse → print → parse. */
const CORPUS: [string, string, ParseOptions?][] = [
  ['gatekeeper privileged', GATEKEEPER],
  [
    'gatekeeper required labels',
    `package k8srequiredlabels
get_message(parameters, _default) = msg {
  not parameters.message
  msg := _default
}
get_message(parameters, _default) = msg {
  msg := parameters.message
}
violation[{"msg": msg, "details": {"missing_labels": missing}}] {
  provided := {label | input.review.object.metadata.labels[label]}
  required := {label | label := input.parameters.labels[_].key}
  missing := required - provided
  count(missing) > 0
  def_msg := sprintf("you must provide labels: %v", [missing])
  msg := get_message(input.parameters, def_msg)
}
violation[{"msg": msg}] {
  value := input.review.object.metadata.labels[key]
  expected := input.parameters.labels[_]
  expected.key == key
  expected.allowedRegex != ""
  not re_match(expected.allowedRegex, value)
  msg := sprintf("Label <%v: %v> does not satisfy allowed regex: %v", [key, value, expected.allowedRegex])
}`,
  ],
  ['v1 basics', 'package a.b.c\nimport rego.v1\n\np if { input.x == 1 }\nq := 1\nr contains x if { some x in input.xs }'],
  ['v1 by option', 'package p\np if input.x\nq contains y if { y := 1 }', { regoVersion: 'v1' }],
  ['quoted package', 'package a["b-c"].d\np := 1'],
  ['imports', 'package p\nimport data.lib.x\nimport data.lib.y as z\nimport input.foo\nimport data.a["b-c"]\np { x; z; foo }'],
  ['future keywords', 'package p\nimport future.keywords\np contains x if { some x in [1, 2] }\nq if { every x in [1] { x > 0 } }'],
  ['future.keywords.in only', 'package p\nimport future.keywords.in\np { 1 in [1] }\nq[x] { some x in input }'],
  ['future.keywords.if only', 'package p\nimport future.keywords.if\np[x] if { x := 1 }\nq[y] { y := 2 }'],
  ['future.keywords.contains only', 'package p\nimport future.keywords.contains\np contains x { x := 1 }'],
  ['defaults', 'package p\ndefault allow := false\ndefault deny = true\ndefault obj := {"a": [1, {2}], "b": set()}\ndefault f(_, x) := 0'],
  ['functions', 'package p\nf(x, y) = z { z := x + y }\ng(x) { x > 1 }\nh([a, b], {"k": c}) := a + b + c\nlib.i(x) := x'],
  ['function else', 'package p\nimport rego.v1\nf(x) := 1 if x > 1 else := 2 if x < 0 else := 3\ng(_) := 1 if { false } else := 2'],
  ['v0 else', 'package p\np = 1 { input.a } else = 2 { input.b } else { true }\nq := "x" { false } else := "y"'],
  ['multiple bodies', 'package p\np { input.a } { input.b }\nq[_] { true } { false }\nr[x] { x := 1 } { x := 2 }'],
  ['partial objects', 'package p\np[k] = v { v := input[k] }\nq[k] := 1 { k := "a" }\nr["x"] = 2'],
  ['ref heads', 'package p\nimport rego.v1\na.b.c[x] := y if { x := "k"; y := 1 }\na.b contains x if { x := 1 }\nd.e.f if true\ng[x][y] := 1 if { x := 1; y := 2 }'],
  ['v1 set-like ref head', 'package p\np[x] if { x := 1 }', { regoVersion: 'v1' }],
  ['v0 quirk p.q', 'package p\np.q { true }'],
  ['comprehensions', 'package p\nimport future.keywords.in\na := [x | x := input[_]]\ns := {x | some x in input}\no := {k: v | v := input[k]}\nn := [[y | y := x[_]] | x := input[_]]'],
  ['every', 'package p\nimport rego.v1\np if {\n  every x in input.xs {\n    x > 1\n    every y in x { y }\n  }\n  every k, v in {"a": 1} { k != v }\n}'],
  ['with', 'package p\np { q with input.a as 1 with data.b.c as {"d": 2} }\nq { not r with input as {} }\nr { count(input) with count as 3 }'],
  ['arithmetic', 'package p\np := 1 + 2 * 3 - 4 / 5 % 6\nq := (1 + 2) * (3 - (4 - 5))\nr := 1 - (2 - 3)\ns := {1} | {2} & {3}\nt := ({1} | {2}) & {3}'],
  ['comparisons', 'package p\np { 1 < 2; 2 <= 2; 3 > 2; 3 >= 3; 1 != 2; 1 == 1; (1 == 1) == true }'],
  ['unary minus', 'package p\np := -1\nq := -x\nx := 2\nr := [-1, -2.5e-3, 0 - 1, 1 - -1]\ns { -1 == q }\nt { y := -x.y; -1 < y }'],
  ['strings', 'package p\np := "a\\"b\\\\c\\n\\t\\u00e9 😀"\nq := `raw \\n string`\nr := "\\u2028"\ns := "\\ud83d\\ude00"'],
  ['numbers', 'package p\np := [0, 1, -1, 1.5, 1e10, 1E-3, 123456789012345678901234567890]'],
  ['empty composites', 'package p\np := [[], {}, set(), [{}], {set()}]'],
  ['refs on calls and composites', 'package p\np := f(1).y\nq := [1, 2][0]\nr := {"a": 1}.a\nf(x) := {"y": x}\ns := data.x.f(1)\nt := a.b.c(1)'],
  ['some declarations', 'package p\np { some x, y; x := 1; y := 2 }\nq { some i; input[i] }'],
  ['some in', 'package p\nimport future.keywords.in\np { some x in input; some k, v in input; some [a, b] in input; some f(x).y in z with input as 1 }'],
  ['membership', 'package p\nimport rego.v1\np if 1 in [1]\nq if { x == y in s; k, v in obj; f(x in s); b := k, v in obj }\nr := (k, v in obj)'],
  ['keywords in refs', 'package p\np := input.spec.default\nq := input["in"].if.contains\nr := input.else[_]'],
  ['keyword-named builtins', 'package p\nimport rego.v1\np if contains("abc", "b")'],
  ['if block quirk', 'package p\nimport rego.v1\np if {}\nq if { {1} }\nr if { {} }'],
  ['pipe guards', 'package p\np { a | b }\nq { (a | b) == c }\nr := [(a | b), c | d]\ns := {(a | b): 1}\nt := [(x + 1) | x := input[_]]'],
  ['minus guards', 'package p\np {\n  x := 1\n  -1 < x\n  -x < 0\n}'],
  ['object keys', 'package p\np := {1: "a", [1]: "b", {"x": 1}: "c", x: "d", -1: "e", null: "f"}\nx := "k"'],
  ['wildcards', 'package p\np[_] { _ = input[_] }\nf(_, _) := 1\nq := [_ | _ := input]'],
  ['comments', '# leading\npackage p # trailing\n\n# rule\np { # open\n  true # body\n} # close\n'],
  ['query-like bodies', 'package p\np { x := 1; y := [x, x]; z := {"x": x}; count(z) == 1 }'],
  ['nested calls', 'package p\np := concat(",", [sprintf("%v", [x]) | x := input[_]])\nq := object.get(input, ["a", "b"], null)\nr := strings.replace_n({"a": "b"}, "xax")'],
  ['internal.member written out', 'package p\np { internal.member_2(1, [1]) }'],
  ['eq as a call', 'package p\np { x := [eq(1, 1)]; y := assign(z, 1) }'],
];

describe('printer round trips', () => {
  it('has a corpus of about 40 snippets', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
  });

  for (const [name, src, opts] of CORPUS) {
    it(name, () => {
      const m1 = mod(src, opts);
      const text = printModule(m1);
      const m2 = mod(text, opts);
      expect(strip(m2)).toEqual(strip(m1));
      // The printed form is a fixed point.
      expect(printModule(m2)).toBe(text);
    });
  }

  it('prints the canonical form', () => {
    expect(printModule(mod(GATEKEEPER))).toBe(`package k8spspprivileged

import data.lib.exclude_update.is_update

violation[{"msg": msg, "details": {}}] {
\tnot is_update(input.review)
\tc := input_containers[_]
\tc.securityContext.privileged
\tmsg := sprintf("Privileged container is not allowed: %v, securityContext: %v", [c.name, c.securityContext])
}

input_containers[c] {
\tc := input.review.object.spec.containers[_]
}
`);
    expect(printModule(v1('package p\nr contains x if { some x in [1, 2] }\nf(x) := y if { y := x * (2 + 1) } else := 0'))).toBe(
      `package p

r contains x if {
\tsome x in [1, 2]
}

f(x) := y if {
\ty := x * (2 + 1)
} else := 0
`,
    );
  });

  it('round trips terms and queries', () => {
    for (const src of ['{"foo": {1}}', '[1, -2, {"a": [x | x := y[_]]}]', '-x', 'x in xs', '(k, v in o)', 'a.b["c-d"][0]']) {
      const t = parseTerm(src, FILE);
      expect(strip(parseTerm(printTerm(t), FILE))).toEqual(strip(t));
    }
    const q: Body = parseQuery('x := 1; not y with input as 2\nsome z in [1]\n-1 < x', FILE);
    expect(strip(parseQuery(printBody(q), FILE))).toEqual(strip(q));
  });
});

describe('errors', () => {
  const cases: [string, string, ParseOptions?][] = [
    ['package p\n\np { x := }', 'policy.rego:3:10: rego_parse_error: unexpected } token: expected term'],
    ['package p\np := "abc', 'policy.rego:2:6: rego_parse_error: non-terminated string'],
    ['package p\np := `abc\n\n', 'policy.rego:2:6: rego_parse_error: non-terminated raw string'],
    ['package p\np := "a\\qb"', 'policy.rego:2:8: rego_parse_error: illegal escape sequence'],
    ['p := 1', 'policy.rego:1:1: rego_parse_error: unexpected ident token: expected package'],
    ['', 'policy.rego:1:1: rego_parse_error: unexpected eof token: expected package'],
    ['package p\nimport rego.v1\np { true }', 'policy.rego:3:3: rego_parse_error: `if` keyword is required before rule body'],
    ['package p\np[x] { x }', 'policy.rego:2:6: rego_parse_error: `if` keyword is required before rule body', { regoVersion: 'v1' }],
    ['package p\np { a b }', 'policy.rego:2:7: rego_parse_error: unexpected ident token: expected \\n or ; or }'],
    ['package p\np := 1 @', 'policy.rego:2:8: rego_parse_error: illegal token \'@\''],
    ['package p\np := "é" + ü', "policy.rego:2:12: rego_parse_error: illegal token 'ü'"],
    ['package p\np if { "😀" x }', 'policy.rego:2:13: rego_parse_error: unexpected ident token: expected \\n or ; or }', { regoVersion: 'v1' }],
    ['package p\np { }', 'policy.rego:2:5: rego_parse_error: found empty body'],
    ['package p\np {\n  x\n', 'policy.rego:4:1: rego_parse_error: unexpected eof token: expected term'],
    ['package p\np := [1, 2', 'policy.rego:2:11: rego_parse_error: unexpected eof token: expected , or ]'],
    ['package p\np := {"a" 1}', 'policy.rego:2:11: rego_parse_error: unexpected number token: expected }'],
    ['package p\nimport foo.bar', 'policy.rego:2:8: rego_parse_error: invalid path foo.bar: path must begin with input or data'],
    ['package p\nimport future.keywords.foo', 'policy.rego:2:8: rego_parse_error: unexpected keyword, must be one of [contains every if in]'],
    ['package p\nimport rego.v3', 'policy.rego:2:8: rego_parse_error: invalid import, must be `rego.v1` or `rego.v2`'],
    ['package p\ndefault p := x', 'policy.rego:2:1: rego_parse_error: default rule value cannot contain var'],
    ['package p\ndefault p', 'policy.rego:2:1: rego_parse_error: illegal default rule (must have a value)'],
    ['package p\np { not some x }', "policy.rego:2:9: rego_parse_error: unexpected some keyword: illegal negation of 'some'"],
    ['package p\np[x] { x := 1 } else { true }', 'policy.rego:2:17: rego_parse_error: unexpected else keyword: else keyword cannot be used on multi-value rules'],
    ['package p\np := 1 if { a } { b }', 'policy.rego:2:17: rego_parse_error: unexpected { token: multiple rule bodies are not supported in Rego v1', { regoVersion: 'v1' }],
    ['package p\np := 1x', 'policy.rego:2:6: rego_parse_error: illegal number format'],
    ['package p\np := x.1', 'policy.rego:2:8: rego_parse_error: unexpected number token: expected ident'],
    ['package p\np := 1.', 'policy.rego:2:8: rego_parse_error: expected fraction'],
    ['package p\np := "x"[0]', 'policy.rego:2:6: rego_parse_error: illegal ref (head cannot be string)'],
    ['package p\np := (1 + 2', 'policy.rego:2:12: rego_parse_error: unexpected eof token: expected )'],
    ['package p\np if { every x in xs }', 'policy.rego:2:22: rego_parse_error: unexpected } token: missing body', { regoVersion: 'v1' }],
    ['package p\np { x = y = z }', 'policy.rego:2:11: rego_parse_error: unexpected = token: expected \\n or ; or }'],
    ['package p\np { some x in xs }', 'policy.rego:2:12: rego_parse_error: unexpected ident token: expected \\n or ; or } (hint: `import future.keywords.in` or `import rego.v1` makes it a keyword)'],
    ['package p\npackage q', 'policy.rego:2:1: rego_parse_error: unexpected package keyword: a module has only one package declaration'],
    ['package p\n} p := 1', 'policy.rego:2:1: rego_parse_error: unexpected } token: expected rule'],
  ];
  for (const [src, message, opts] of cases) {
    it(message, () => {
      expect(errorOf(() => mod(src, opts))).toBe(message);
    });
  }

  it('reports errors in queries and terms', () => {
    expect(errorOf(() => parseQuery('', FILE))).toBe('policy.rego:1:1: rego_parse_error: found empty body');
    expect(errorOf(() => parseTerm('{1: }', FILE))).toBe('policy.rego:1:5: rego_parse_error: unexpected } token: expected term');
  });

  it('rejects absurd nesting without overflowing the stack', () => {
    const deep = 'package p\np := ' + '['.repeat(5000) + ']'.repeat(5000);
    expect(errorOf(() => mod(deep))).toMatch(/^policy\.rego:2:\d+: rego_parse_error: maximum nesting depth exceeded \(limit 512\)$/);
    const ok = 'package p\np := ' + '['.repeat(200) + ']'.repeat(200);
    expect(mod(ok).rules).toHaveLength(1);
  });
});

describe('fuzzing', () => {
  /** Parsing must either succeed or throw a positioned, one-line RegoError. */
  function check(src: string, opts?: ParseOptions): void {
    try {
      mod(src, opts);
    } catch (e) {
      if (!(e instanceof RegoError)) throw new Error(`non-RegoError for ${JSON.stringify(src)}: ${String(e)}`);
      expect(e.pos?.line).toBeGreaterThanOrEqual(1);
      expect(e.pos?.col).toBeGreaterThanOrEqual(1);
      expect(e.message).not.toContain('\n');
    }
  }

  // A small deterministic PRNG keeps failures reproducible.
  function rng(seed: number): () => number {
    return () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
  }

  it('survives truncated modules', () => {
    for (const [, src, opts] of CORPUS) {
      for (let i = 0; i < src.length; i++) check(src.slice(0, i), opts);
    }
  }, 30_000); // thousands of parses: not a timing assertion, only room on a loaded machine

  it('survives stray tokens, deletions and unicode', () => {
    const junk = ['}', '{', '[', ']', '(', ')', ',', ';', ':=', '=', '|', '"', '`', '#', '\n', 'if', 'else', 'not', 'some', 'in', 'every', 'with', 'as', '-', '.', '_', 'é', '😀', '\u0000', '\\', 'default', 'import', 'package'];
    const rand = rng(42);
    for (const [, src, opts] of CORPUS) {
      for (let k = 0; k < 60; k++) {
        const i = Math.floor(rand() * src.length);
        const j = Math.min(src.length, i + Math.floor(rand() * 4));
        const piece = junk[Math.floor(rand() * junk.length)];
        check(src.slice(0, i) + piece + src.slice(i), opts);
        check(src.slice(0, i) + src.slice(j), opts);
      }
    }
  }, 30_000);
});

describe('and / or keywords', () => {
  const logic = (body: string): Module => v1(`package t\nimport future.keywords\np if {\n${body}\n}`);

  it('rewrites a and b to two success tests, a or b to one failure test of their failures', () => {
    const and = logic('input.a and input.b').rules[0].body;
    expect(printBody(and)).toBe(printBody(parseQuery('[true | input.a] != []; [true | input.b] != []', FILE)));
    const or = logic('input.a or input.b').rules[0].body;
    expect(printBody(or)).toBe(printBody(parseQuery('[true | [true | input.a] == []; [true | input.b] == []] == []', FILE)));
  });

  it('binds and tighter than or, and not to a single operand', () => {
    const expected = '[true | [true | [true | not input.a] != []; [true | input.b] != []] == []; [true | input.c] == []] == []';
    expect(printBody(logic('not input.a and input.b or input.c').rules[0].body)).toBe(printBody(parseQuery(expected, FILE)));
  });

  it('needs an import: rego.v1 alone leaves and/or ordinary names', () => {
    expect(errorOf(() => v1('package t\np if { input.a or input.b }'))).toMatch(/^policy\.rego:2:16: rego_parse_error: unexpected ident token/);
  });

  it('reports a missing operand at its position', () => {
    expect(errorOf(() => logic('input.a or'))).toMatch(/^policy\.rego:5:1: rego_parse_error: unexpected } token/);
    expect(errorOf(() => logic('input.a and (input.b or)'))).toMatch(/^policy\.rego:4:/);
    expect(errorOf(() => logic('(input.a or input.b) == true'))).toBe(
      'policy.rego:4:10: rego_parse_error: `or` expressions produce no value and cannot be used as a term',
    );
  });
});

describe('keywords at the head of a ref', () => {
  it('reads a keyword directly followed by .name as a var', () => {
    const m = v1('package t\nif.foo := 1\ndefault.x := 2\np if { true.y; data.x.contains }');
    expect(m.rules.map((r) => printTerm({ type: 'ref', terms: r.head.ref, pos: r.pos }))).toEqual(['if.foo', 'default.x', 'p']);
    expect(printBody(m.rules[2].body)).toBe('true.y\ndata.x["contains"]');
  });

  it('still treats a keyword followed by space or by a non-name as a keyword', () => {
    expect(errorOf(() => v1('package t\nif .foo := 1'))).toMatch(/^policy\.rego:2:1: rego_parse_error: unexpected if keyword/);
  });
});
