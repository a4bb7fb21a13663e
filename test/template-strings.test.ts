// Template strings: the lexer's tokens, the parser's lowering to
// internal.template_string (src/compiler/template-strings.ts), its errors and
// positions, and the printer's inverse. Evaluation is covered by
// test/cases/template-strings.yaml.
import { describe, expect, it } from 'vitest';
import type { Term } from '../src/compiler/ast';
import { RegoError } from '../src/compiler/errors';
import { tokenize } from '../src/compiler/lexer';
import { parseModule, parseQuery, parseTerm } from '../src/compiler/parser';
import { printModule, printTerm } from '../src/compiler/printer';
import { TEMPLATE_STRING } from '../src/compiler/template-strings';

const FILE = 'policy.rego';

function strip<T>(x: T): T {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === 'pos' || k === 'packagePos' ? undefined : v)));
}

const tokens = (src: string) =>
  tokenize(src, FILE).map((t) => (t.template ? [t.kind, t.text, t.template.cont ? 'cont' : 'start', t.template.open ? 'open' : 'end'] : [t.kind, t.text]));

function parseError(src: string): RegoError {
  try {
    parseModule(src, FILE, { regoVersion: 'v1' });
  } catch (e) {
    if (e instanceof RegoError) return e;
    throw e;
  }
  throw new Error(`no error parsing ${src}`);
}

describe('lexing template strings', () => {
  it('splits the text at each expression, whose tokens come in between', () => {
    expect(tokens('$"a {x} b {y}"')).toEqual([
      ['template', 'a ', 'start', 'open'],
      ['ident', 'x'],
      ['template', ' b ', 'cont', 'open'],
      ['ident', 'y'],
      ['template', '', 'cont', 'end'],
      ['eof', ''],
    ]);
    expect(tokens('$`plain`')).toEqual([['template', 'plain', 'start', 'end'], ['eof', '']]);
  });

  it('counts braces inside an expression, and nests templates', () => {
    expect(tokens('$"{ {1} }"').map((t) => t[1])).toEqual(['', '{', '1', '}', '', '']);
    expect(tokens('$"<{$"{x}"}>"').map((t) => t.join(' '))).toEqual([
      'template < start open',
      'template  start open',
      'ident x',
      'template  cont end',
      'template > cont end',
      'eof ',
    ]);
  });

  it('decodes escapes: \\{ and \\} in both forms, JSON escapes only in double quotes', () => {
    expect(tokenize('$"\\{\\}\\n\\u00e9"', FILE)[0].text).toBe('{}\n\u00e9');
    expect(tokenize('$`\\{\\}\\n`', FILE)[0].text).toBe('{}\\n');
    expect(tokenize('$"\\q"', FILE)[0]).toMatchObject({ kind: 'error', text: 'illegal escape sequence' });
  });

  it('keeps positions right after multi-line text', () => {
    const toks = tokenize('$`one\ntwo {x}\nthree` y', FILE);
    expect(toks.find((t) => t.text === 'x')?.pos).toMatchObject({ line: 2, col: 6 });
    expect(toks.find((t) => t.text === 'y')?.pos).toMatchObject({ line: 3, col: 8 });
  });

  it('refuses a $ not directly followed by a quote, and unterminated text', () => {
    expect(tokenize('$ "a"', FILE)[0]).toMatchObject({ kind: 'error', text: 'illegal $ character' });
    expect(tokenize('$"a\n"', FILE)[0]).toMatchObject({ kind: 'error', text: 'non-terminated string' });
    expect(tokenize('$`a {1}', FILE).find((t) => t.kind === 'error')).toMatchObject({ text: 'non-terminated raw string', pos: { col: 7 } });
  });
});

describe('lowering template strings', () => {
  const v = (name: string) => ({ type: 'var', name });
  const template = (...items: object[]) => ({ type: 'call', fn: v(TEMPLATE_STRING), args: [{ type: 'array', items }] });
  const collect = (name: string, value: object, withs: object[] = []) => ({
    type: 'setcompr',
    head: v(name),
    body: [{ negated: false, body: { kind: 'term', term: { type: 'call', fn: v('eq'), args: [value, v(name)] } }, with: withs }],
  });

  it('keeps text and literal scalars, and collects every other expression in a set comprehension', () => {
    expect(strip(parseTerm('$"a{1}{"s"}{null}{x}b{[y]}"', FILE))).toEqual(
      template(
        { type: 'string', value: 'a' },
        { type: 'number', value: '1' },
        { type: 'string', value: 's' },
        { type: 'null' },
        collect('$tmpl0', v('x')),
        { type: 'string', value: 'b' },
        collect('$tmpl1', { type: 'array', items: [v('y')] }),
      ),
    );
    expect(strip(parseTerm('$""', FILE))).toEqual(template());
  });

  it('keeps with modifiers on the expression, inside its comprehension', () => {
    const t = strip(parseTerm('$"{a with input as 1}"', FILE));
    expect(t).toEqual(template(collect('$tmpl0', v('a'), [{ target: { type: 'ref', terms: [v('input')] }, value: { type: 'number', value: '1' } }])));
  });

  it('works in v0 modules and in queries alike', () => {
    const m = parseModule('package p\nq = $"{input.x}" { true }', FILE);
    expect((m.rules[0].head.value as Term).type).toBe('call');
    const [e] = parseQuery('x = $`{1}`', FILE);
    expect(e.body.kind === 'term' && e.body.term.type === 'call' && e.body.term.args[1].type).toBe('call');
  });

  it('refuses what is not a single value, naming it where it is written', () => {
    const cases: [string, string, number][] = [
      ['p := $"ab {x = 1}"', "unexpected unification ('=') in template-string expression", 12],
      ['p := $"{x := 1}"', "unexpected assignment (':=') in template-string expression", 9],
      ['p := $"{not x}"', "unexpected negation ('not') in template-string expression", 9],
      ['p := $"{some x in xs}"', "unexpected 'some' in template-string expression", 9],
      ['p := $"{every x in xs { x }}"', "unexpected 'every' in template-string expression", 9],
      ['p := $"{x y}"', 'expected } to end template string expression', 11],
      ['p := $"{}"', 'unexpected } token', 9],
    ];
    for (const [src, message, col] of cases) {
      const e = parseError(`package p\n${src}`);
      expect(e.message).toContain(message);
      expect(e.pos).toMatchObject({ line: 2, col });
    }
  });

  it('takes no ref suffix: a template string is not a ref head', () => {
    expect(parseError('package p\np := $"ab"[0]').pos).toMatchObject({ line: 2, col: 11 });
  });
});

describe('printing template strings', () => {
  it('prints the template back, so that it parses to the same tree', () => {
    const src = [
      'package p',
      'q := $"a \\{b\\} \\"c\\" {x} {1 + 2} {"s"}{"t"} {[y | y := input.z[_]]} {input.a with input as 1} {$`{x}`}" if x := 1',
    ].join('\n');
    const m = parseModule(src, FILE, { regoVersion: 'v1' });
    const printed = printModule(m);
    expect(printed).toContain('q := $"a \\{b\\} \\"c\\" {x} {1 + 2} {"s"}');
    expect(strip(parseModule(printed, FILE, { regoVersion: 'v1' }))).toEqual(strip(m));
  });

  it('prints a call of the builtin that no template gives as a call', () => {
    expect(printTerm(parseTerm('internal.template_string(["a", {1}])', FILE))).toBe('internal.template_string(["a", {1}])');
  });
});
