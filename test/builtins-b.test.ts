// Native builtins, part B (regex, glob, units, encoding, objects, arrays, walk), called
// directly on the runtime: operands and results as Rego text, errors as the exact
// messages OPA gives. Cases marked "conformance" are OPA's YAML test cases
// (regexmatch/, globmatch/, units/, jsonbuiltins/, objectget/, objectunion/,
// objectremove/, objectfilter/, array/) translated to direct calls.
import { describe, it, expect, beforeAll } from 'vitest';
import { loadBuiltins, type BuiltinsHarness, type Outcome } from './helpers/builtins-harness';

let h: BuiltinsHarness;
beforeAll(() => { h = loadBuiltins(); });

type Expected = string | { error: string } | 'undefined';
type Case = [name: string, operands: string[], expected: Expected];

const err = (error: string) => ({ error });
const q = (s: string) => JSON.stringify(s); // a Rego string literal

function check(cases: Case[]) {
  for (const [name, operands, expected] of cases) {
    const mark = h.rt.exports.opa_heap_ptr_get();
    const got: Outcome = h.call(name, ...operands);
    h.rt.exports.opa_heap_ptr_set(mark);
    const label = `${name}(${operands.join(', ')})`;
    if (expected === 'undefined') expect(got, label).toEqual({ undefined: true });
    else if (typeof expected === 'string') expect(got, label).toEqual({ value: expected });
    else expect(got, label).toEqual(expected);
  }
}

const match = (pattern: string, value: string, want: boolean | string): Case =>
  ['regex.match', [q(pattern), q(value)], typeof want === 'boolean' ? String(want) : err(want)];

// ---- regex -------------------------------------------------------------------------------

describe('regex.match', () => {
  it('conformance: regexmatch', () => check([
    match('^[a-z]+\\[[0-9]+\\]$', 'foo[1]', true),
    match('^$', '', true),
    match('', '', true),
    match('', 'x', true),
    match('^$', 'something', false),
    match('$^[[[', 'something', 'regex.match: error parsing regexp: missing closing ]: `[[[`'),
  ]));

  it('operand types', () => check([
    ['regex.match', ['1', q('a')], err('regex.match: operand 1 must be string but got number')],
    ['regex.match', [q('a'), '["a"]'], err('regex.match: operand 2 must be string but got array')],
  ]));

  it('RE2 syntax', () => check([
    match('a.c', 'abc', true),
    match('a.c', 'a\nc', false),
    match('(?s)a.c', 'a\nc', true),
    match('^[^a]$', '\n', true), // negated classes match \n, as Go
    match('^\\d+$', '123', true),
    match('^\\d+$', '١٢٣', false), // \d is ASCII
    match('^\\w+$', 'abc_1', true),
    match('^\\w+$', 'héllo', false),
    match('^\\s+$', ' \t\n\r\f', true),
    match('^\\s$', '\v', false), // Go's \s has no \v
    match('^\\D\\S\\W$', 'a-?', true),
    match('\\bfoo\\b', 'a foo b', true),
    match('\\bfoo\\b', 'afoo', false),
    match('\\Bfoo', 'afoo', true),
    match('^[[:alpha:]]+$', 'abcXYZ', true),
    match('^[[:^digit:]]+$', 'abc', true),
    match('^[[:xdigit:][:space:]]+$', 'af 09', true),
    match('^\\pL+$', 'héllo', true),
    match('^\\p{L}+$', 'héllo1', false),
    match('^\\p{Lu}\\p{Ll}+$', 'Émile', true),
    match('^\\PL+$', '123', true),
    match('^\\p{^L}+$', '123', true),
    match('^\\pN+$', '٣3', true),
    match('^\\p{Greek}+$', 'αβγ', true),
    match('^\\p{Han}+$', '漢字', true),
    match('^\\p{Any}$', '\u{1F600}', true),
    match('^\\x41\\x{42}\\103\\t$', 'ABC\t', true),
    match('^\\Q.*\\E$', '.*', true),
    match('^\\.\\*\\_$', '.*_', true),
    match('\\Aab\\z', 'ab', true),
    match('ab$', 'ab\n', false), // $ is the end of text without (?m)
    match('(?m)ab$', 'ab\ncd', true),
    match('(?m)^cd', 'ab\ncd', true),
    match('^cd', 'ab\ncd', false),
    match('(?i)hello', 'HeLLo', true),
    match('(?i)k', '\u212a', true), // Kelvin sign folds to k
    match('(?i)[a-c]+', 'ABC', true),
    match('(?i)\\W', 'k', false),
    match('(?i:a)b', 'Ab', true),
    match('(?i:a)b', 'AB', false),
    match('a(?i)b|c', 'aB', true),
    match('a(?i)b|c', 'C', true), // flags last to the end of the group, across |
    match('(?i)a(?-i)b', 'Ab', true),
    match('(?i)a(?-i)b', 'AB', false),
    match('^(?:ab)+$', 'ababab', true),
    match('^(ab|cd){2}$', 'abcd', true),
    match('^a{2,3}$', 'aaaa', false),
    match('^a{2,}$', 'aaaa', true),
    match('^a{,2}$', 'a{,2}', true), // not a repetition: literal text
    match('^x{0}$', '', true),
    match('^(?P<year>\\d{4})-(?<month>\\d{2})$', '2024-01', true),
    match('^[]a]+$', ']a', true),
    match('^[^]a]+$', 'bc', true),
    match('^[a-]+$', 'a-', true),
    match('^[\\d-z]+$', '1-z', true),
    match('^[日本]+$', '本日', true),
  ]));

  it('is linear on pathological patterns', () => {
    const long = 'a'.repeat(20000);
    const t = performance.now();
    check([match('(a*)*b', long, false), match('(a|aa)+$', long + 'b', false), match('(x+x+)+y', 'x'.repeat(5000), false)]);
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it("Go's syntax errors", () => {
    const bad = (pattern: string, msg: string): Case =>
      match(pattern, '', 'regex.match: error parsing regexp: ' + msg);
    check([
      bad('[a', 'missing closing ]: `[a`'),
      bad('a[b-', 'missing closing ]: `[b-`'),
      bad('(abc', 'missing closing ): `(abc`'),
      bad('a(b|c', 'missing closing ): `a(b|c`'),
      bad('abc)', 'unexpected ): `abc)`'),
      bad('(a))', 'unexpected ): `(a))`'),
      bad('*', 'missing argument to repetition operator: `*`'),
      bad('a|+', 'missing argument to repetition operator: `+`'),
      bad('(?i)*', 'missing argument to repetition operator: `*`'),
      bad('{2}', 'missing argument to repetition operator: `{2}`'),
      bad('a**', 'invalid nested repetition operator: `**`'),
      bad('a*??', 'invalid nested repetition operator: `*??`'),
      bad('a{2}{3}', 'invalid nested repetition operator: `{2}{3}`'),
      bad('a{1001}', 'invalid repeat count: `{1001}`'),
      bad('a{2,1}', 'invalid repeat count: `{2,1}`'),
      bad('a{9876543210}', 'invalid repeat count: `{9876543210}`'),
      bad('(a{100}){20}', 'invalid repeat count: `{20}`'),
      bad('\\q', 'invalid escape sequence: `\\q`'),
      bad('\\8', 'invalid escape sequence: `\\8`'),
      bad('\\xZ1', 'invalid escape sequence: `\\xZ1`'), // Go reads both digits first
      bad('\\x{110000}', 'invalid escape sequence: `\\x{110000`'),
      bad('\\C', 'invalid escape sequence: `\\C`'),
      bad('[\\b]', 'invalid escape sequence: `\\b`'),
      bad('a\\', 'trailing backslash at end of expression: ``'),
      bad('[z-a]', 'invalid character class range: `z-a`'),
      bad('[[:foo:]]', 'invalid character class range: `[:foo:]`'),
      bad('\\pX', 'invalid character class range: `\\pX`'),
      bad('\\p{Foo}', 'invalid character class range: `\\p{Foo}`'),
      bad('\\p{L', 'invalid character class range: `\\p{L`'),
      bad('(?x)', 'invalid or unsupported Perl syntax: `(?x`'),
      bad('(?i', 'invalid or unsupported Perl syntax: `(?i`'),
      bad('(?=a)', 'invalid or unsupported Perl syntax: `(?=`'),
      bad('(?-)', 'invalid or unsupported Perl syntax: `(?-)`'),
      bad('(?P<>a)', 'invalid named capture: `(?P<>`'),
      bad('(?P<a-b>x)', 'invalid named capture: `(?P<a-b>`'),
      bad('(?P<name', 'invalid named capture: `(?P<name`'),
    ]);
  });
});

describe('regex.is_valid', () => {
  it('checks the syntax, false for non-strings', () => check([
    ['regex.is_valid', [q('^[a-z]+$')], 'true'],
    ['regex.is_valid', [q('[a')], 'false'],
    ['regex.is_valid', [q('(?P<x>a)\\1')], 'false'], // no backreferences in RE2
    ['regex.is_valid', ['1'], 'false'],
  ]));
});

describe('regex.find_n and find_all_string_submatch_n', () => {
  it('iterate matches as Go', () => check([
    ['regex.find_n', [q('a.'), q('abacad'), '-1'], '["ab", "ac", "ad"]'],
    ['regex.find_n', [q('a.'), q('abacad'), '2'], '["ab", "ac"]'],
    ['regex.find_n', [q('a.'), q('abacad'), '0'], '[]'],
    ['regex.find_n', [q('a*'), q('baaac'), '-1'], '["", "aaa", ""]'], // no empty match right after a match
    ['regex.find_n', [q(''), q('日本'), '-1'], '["", "", ""]'],
    ['regex.find_n', [q('x'), q('abc'), '-1'], '[]'],
    ['regex.find_n', [q('a'), q('a'), '1.5'], err('regex.find_n: operand 3 must be integer number but got floating-point number')],
    ['regex.find_all_string_submatch_n', [q('(a)(x)?(.)'), q('abacad'), '-1'],
      '[["ab", "a", "", "b"], ["ac", "a", "", "c"], ["ad", "a", "", "d"]]'],
    ['regex.find_all_string_submatch_n', [q('(\\w+)@(\\w+)\\.com'), q('x a@b.com, c@d.com'), '1'],
      '[["a@b.com", "a", "b"]]'],
    ['regex.find_all_string_submatch_n', [q('a(b)?'), q('aab'), '-1'], '[["a", ""], ["ab", "b"]]'],
  ]));

  it('prefer the leftmost, then the first alternative (leftmost-first)', () => check([
    ['regex.find_n', [q('a|ab'), q('ab'), '-1'], '["a"]'],
    ['regex.find_n', [q('ab|a'), q('ab'), '-1'], '["ab"]'],
    ['regex.find_n', [q('a+?'), q('aaa'), '1'], '["a"]'],
    ['regex.find_n', [q('a*?b'), q('aab'), '1'], '["aab"]'],
    ['regex.find_all_string_submatch_n', [q('(a*)(a*)'), q('aa'), '1'], '[["aa", "aa", ""]]'],
    ['regex.find_all_string_submatch_n', [q('(a*?)(a*)'), q('aa'), '1'], '[["aa", "", "aa"]]'],
    ['regex.find_all_string_submatch_n', [q('(a|ab)(c|bcd)(d*)'), q('abcd'), '1'], '[["abcd", "a", "bcd", ""]]'],
  ]));
});

describe('regex.split and regex.replace', () => {
  it('split as Regexp.Split(s, -1)', () => check([
    ['regex.split', [q('a'), q('banana')], '["b", "n", "n", ""]'],
    ['regex.split', [q(','), q('a,b,,c')], '["a", "b", "", "c"]'],
    ['regex.split', [q(''), q('abc')], '["a", "b", "c"]'],
    ['regex.split', [q('x*'), q('axbc')], '["a", "b", "c"]'],
    ['regex.split', [q('a'), q('')], '[""]'],
    ['regex.split', [q(''), q('')], '[]'],
    ['regex.split', [q('z'), q('abc')], '["abc"]'],
    ['regex.split', [q('\\s*,\\s*'), q('a , b,c')], '["a", "b", "c"]'],
  ]));

  it('replace as ReplaceAllString, with $ expansion', () => check([
    ['regex.replace', [q('banana'), q('a(n)?'), q('<$1>')], q('b<n><n><>')],
    ['regex.replace', [q('abc'), q('x*'), q('-')], q('-a-b-c-')],
    ['regex.replace', [q('hello world'), q('(?P<first>\\w+) (?P<second>\\w+)'), q('${second} $first')], q('world hello')],
    ['regex.replace', [q('abc'), q('b'), q('$1x')], q('ac')], // "$1x" names group "1x"
    ['regex.replace', [q('abc'), q('(b)'), q('${1}x')], q('abxc')],
    ['regex.replace', [q('abc'), q('b'), q('$$')], q('a$c')],
    ['regex.replace', [q('abc'), q('b'), q('$')], q('a$c')],
    ['regex.replace', [q('aaa'), q('a'), q('b')], q('bbb')],
    ['regex.replace', [q('abc'), q('['), q('b')], err('regex.replace: error parsing regexp: missing closing ]: `[`')],
    ['regex.replace', ['1', q('a'), q('b')], err('regex.replace: operand 1 must be string but got number')],
  ]));
});

describe('regex.template_match', () => {
  it('matches gorilla/mux-style templates', () => check([
    ['regex.template_match', [q('urn:foo:{.*}'), q('urn:foo:bar:baz'), q('{'), q('}')], 'true'],
    ['regex.template_match', [q('urn:foo.bar.com:{.*}'), q('urn:foo.bar.com:bar:baz'), q('{'), q('}')], 'true'],
    ['regex.template_match', [q('urn:foo.bar.com:{.*}'), q('urn:fooXbar.com:bar:baz'), q('{'), q('}')], 'false'],
    ['regex.template_match', [q('urn:<[a-z]+>:x'), q('urn:abc:x'), q('<'), q('>')], 'true'],
    ['regex.template_match', [q('urn:foo:{.*'), q('urn:foo:bar'), q('{'), q('}')],
      err('regex.template_match: unbalanced braces in "urn:foo:{.*"')],
  ]));
});

// A differential test against JavaScript's RegExp on the syntax both share, where
// both are leftmost-first backtracking semantics: same first match, same groups.
describe('regex engine vs JavaScript RegExp', () => {
  it('agrees on random patterns', () => {
    let seed = 42;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const atoms = ['a', 'b', 'k', '.', '[ab]', '[^a]', '\\w', '\\W', '\\d', '(?:ab)', '^', '$', '\\b', '[a-c]', '\\n'];
    const quants = ['*', '+', '?', '*?', '+?', '??', '{2}', '{1,2}', '{0,}', '{1,3}?'];
    const gen = (depth: number): string => {
      const k = rnd(depth > 2 ? 3 : 7);
      if (k <= 2) return atoms[rnd(atoms.length)]!;
      if (k === 3) return gen(depth + 1) + gen(depth + 1);
      if (k === 4) return gen(depth + 1) + '|' + gen(depth + 1);
      if (k === 5) return '(' + gen(depth + 1) + ')';
      const a = gen(depth + 1);
      return (a.length === 1 ? a : '(?:' + a + ')') + quants[rnd(quants.length)];
    };
    const alphabet = [...'abkK1 \n'];
    for (const [prefix, flags] of [['', 'u'], ['(?i)', 'iu'], ['(?ms)', 'msu']] as const) {
      for (let i = 0; i < 400; i++) {
        const p = gen(0);
        let js: RegExp;
        try {
          js = new RegExp(p, flags);
        } catch {
          continue; // JS rejects a few things RE2 takes, like ^*
        }
        for (let j = 0; j < 3; j++) {
          const s = Array.from({ length: rnd(8) }, () => alphabet[rnd(alphabet.length)]).join('');
          const m = js.exec(s);
          const want = m ? `[[${[...m].map((x) => JSON.stringify(x ?? '')).join(', ')}]]` : '[]';
          check([['regex.find_all_string_submatch_n', [q(prefix + p), q(s), '1'], want]]);
        }
      }
    }
  });
});

// ---- glob --------------------------------------------------------------------------------

const glob = (pattern: string, delimiters: string, value: string, want: boolean | string): Case =>
  ['glob.match', [q(pattern), delimiters, q(value)], typeof want === 'boolean' ? String(want) : err(want)];

describe('glob.match', () => {
  it('conformance: globmatch', () => check([
    glob('*:github:com', '[":"]', 'api:github:com', true),
    glob('*.github.com', '["."]', 'api.not-github.com', false),
    glob('[abc]at', '[]', 'fat', false),
    glob('[!abc]at', '[]', 'fat', true),
    glob('[!abc]at', '[]', 'cat', false),
    glob('[a-c]at', '[]', 'bat', true),
    glob('[!a-c]at', '[]', 'bat', false),
    glob('?at', '["f"]', 'fat', false),
    glob('{cat,bat,[fr]at}', '[]', 'cat', true),
    glob('{cat,bat,[fr]at}', '[]', 'bat', true),
    glob('{cat,bat,[fr]at}', '[]', 'fat', true),
    glob('{cat,bat,[fr]at}', '[]', 'rat', true),
    glob('{cat,bat,[fr]at}', '[]', 'at', false),
    glob('*', '[]', 'foo.bar', false), // [] means the default delimiter "."
    glob('*', 'null', 'foo.bar', true), // null means none
    glob('foo*', 'null', 'foo.bar', true),
    glob('?', 'null', '', false),
    glob('[!0-9]', 'null', '', false),
    glob('a/*/b', 'null', 'a/b', false),
    glob('a/*/b', 'null', 'a/x/b', true),
    glob('a/**/b', 'null', 'a/b', false),
    glob('a/**/b', 'null', 'a//b', true),
    glob('**/x', 'null', 'x', false),
    glob('{**/,}x', 'null', 'x', true),
    glob('***', '["."]', '', true),
    glob('*?*', '[".", "/"]', 'api.github.com', false),
    glob('*?*', '[".", "/"]', 'abc', true),
    glob('*', '[".", "/"]', 'a/b', false),
    glob('\\*', 'null', '*', true),
    glob('\\*', 'null', 'a', false),
  ]));

  it('more patterns', () => check([
    glob('*.example.com', '["."]', 'foo.example.com', true),
    glob('*.example.com', '["."]', 'a.b.example.com', false),
    glob('**.example.com', '["."]', 'a.b.example.com', true),
    glob('gcr.io/*/*', '["/"]', 'gcr.io/proj/image:tag', true),
    glob('gcr.io/*', '["/"]', 'gcr.io/proj/image', false),
    glob('[!.]x', '["."]', '.x', false),
    glob('[!a]x', '["."]', '.x', true), // a negated list may match a delimiter
    glob('{a,b{c,d}}', 'null', 'bd', true),
    glob('a,b}', 'null', 'a,b}', true), // , and } are literal outside {}
    glob('[abc-e]', 'null', '-', true), // one range per bracket, else a list
    glob('日?', 'null', '日本', true),
  ]));

  it('errors', () => check([
    glob('[a', 'null', 'a', 'glob.match: unexpected end of input'),
    glob('[]', 'null', 'a', 'glob.match: could not parse range'),
    glob('[a-z0]', 'null', 'a', 'glob.match: expected close range character'),
    glob('[z-a]', 'null', 'a', "glob.match: hi character 'a' should be greater than lo 'z'"),
    glob('[z-a', 'null', 'a', 'glob.match: unexpected end of input'), // lexing errors come first
    ['glob.match', ['1', 'null', q('a')], err('glob.match: operand 1 must be string but got number')],
    ['glob.match', [q('a'), q('.'), q('a')], err('glob.match: operand 2 must be one of {array, null} but got string')],
    ['glob.match', [q('a'), '[1]', q('a')], err('glob.match: operand 2 must be array of strings but got array containing number')],
    ['glob.match', [q('a'), '["ab"]', q('a')], err('glob.match: operand 2 must be array of runes but got array containing string')],
    ['glob.match', [q('a'), 'null', '1'], err('glob.match: operand 3 must be string but got number')],
  ]));
});

describe('glob.quote_meta', () => {
  it('escapes the metacharacters', () => check([
    ['glob.quote_meta', [q('*.github.com')], q('\\*.github.com')],
    ['glob.quote_meta', [q('[a]{b,c}?\\')], q('\\[a\\]\\{b,c\\}\\?\\\\')],
  ]));
  it('round-trips through glob.match', () => check([
    glob('\\[a\\]\\{b,c\\}\\?\\\\', 'null', '[a]{b,c}?\\', true),
  ]));
});

// ---- units -------------------------------------------------------------------------------

describe('units.parse_bytes', () => {
  const bytes = (s: string, want: Expected): Case => ['units.parse_bytes', [q(s)], want];
  it('conformance: parse-bytes', () => check([
    bytes('"100TIB"', '109951162777600'),
    bytes('0', '0'), bytes('0.0', '0'), bytes('.0', '0'), bytes('12345', '12345'),
    bytes('10KB', '10000'), bytes('10KIB', '10240'), bytes('10kb', '10000'), bytes('10Kib', '10240'),
    bytes('200mb', '200000000'), bytes('300GiB', '322122547200'),
    bytes('1.1KB', '1100'), bytes('1.1KiB', '1126'), bytes('.5KB', '500'),
    bytes('100k', '100000'), bytes('100kb', '100000'), bytes('100ki', '102400'), bytes('100kib', '102400'),
    bytes('100m', '100000000'), bytes('100mb', '100000000'), bytes('100mi', '104857600'), bytes('100mib', '104857600'),
    bytes('100g', '100000000000'), bytes('100gi', '107374182400'),
    bytes('100t', '100000000000000'), bytes('100ti', '109951162777600'),
    bytes('100p', '100000000000000000'), bytes('100pb', '100000000000000000'),
    bytes('100pi', '112589990684262400'), bytes('100pib', '112589990684262400'),
    bytes('10e', '10000000000000000000'), bytes('10eb', '10000000000000000000'),
    // beyond i64: a float, exactly 11529215046068469760 (printed shortest)
    bytes('10ei', '11529215046068470000'), bytes('10eib', '11529215046068470000'),
    bytes('1e3KB', '1000000'), bytes('3.2E2MiB', '335544320'), bytes('4.5e1GiB', '48318382080'),
    bytes('5e6', '5000000'), bytes('1e-2KB', '10'), bytes('6.4E1GB', '64000000000'),
    bytes('7.5e1TiB', '82463372083200'), bytes('5e2MiB', '524288000'), bytes('2e2GiB', '214748364800'),
    bytes('5E', '5000000000000000000'), // five exabytes, not 5
    bytes('-5KB', '-5000'),
  ]));
  it('conformance: parse-bytes errors', () => check([
    bytes('', err('units.parse_bytes: no byte amount provided')),
    bytes('GB', err('units.parse_bytes: no byte amount provided')),
    bytes('foo', err('units.parse_bytes: no byte amount provided')),
    bytes('0.0.0', err('units.parse_bytes: could not parse byte amount to a number')),
    bytes('.5.2', err('units.parse_bytes: could not parse byte amount to a number')),
    bytes('100 kb', err('units.parse_bytes: spaces not allowed in resource strings')),
    bytes(' 327MiB ', err('units.parse_bytes: spaces not allowed in resource strings')),
    bytes('10e10000000EiB', err('units.parse_bytes: exponent too large')),
    bytes('10xb', err('units.parse_bytes: byte unit xb not recognized')),
    ['units.parse_bytes', ['10'], err('units.parse_bytes: operand 1 must be string but got number')],
  ]));
});

describe('units.parse', () => {
  const units = (s: string, want: Expected): Case => ['units.parse', [q(s)], want];
  it('conformance: parse-units and issue 4856', () => check([
    units('500m', '0.5'), units('0.0005K', '0.5'), units('0.0000005M', '0.5'),
    units('"100TI"', '109951162777600'),
    units('0', '0'), units('0.0', '0'), units('.0', '0'), units('12345', '12345'),
    units('10K', '10000'), units('10KI', '10240'), units('10k', '10000'), units('10Ki', '10240'),
    units('200M', '200000000'), units('300Gi', '322122547200'),
    units('1.1K', '1100'), units('1.1Ki', '1126.4'), units('.5K', '500'),
    units('100k', '100000'), units('100K', '100000'), units('100ki', '102400'), units('100Ki', '102400'),
    units('100m', '0.1'), units('100M', '100000000'), units('100mi', '104857600'), units('100Mi', '104857600'),
    units('100g', '100000000000'), units('100gi', '107374182400'),
    units('100t', '100000000000000'), units('100T', '100000000000000'),
    units('100ti', '109951162777600'), units('100Ti', '109951162777600'),
    units('100p', '100000000000000000'), units('100P', '100000000000000000'),
    units('100pi', '112589990684262400'), units('100Pi', '112589990684262400'),
    units('10e', '10000000000000000000'), units('10E', '10000000000000000000'),
    units('10ei', '11529215046068470000'), units('10Ei', '11529215046068470000'), // exact floats
    units('1e10', '10000000000'), units('3.2E4', '32000'), units('2.5e3K', '2500000'),
    units('1e3M', '1000000000'), units('4E2G', '400000000000'), units('5e1Gi', '53687091200'),
    units('1e-2', '0.01'), units('7.8E-1', '0.78'), units('6e3Mi', '6291456000'),
    units('5E', '5000000000000000000'), units('42', '42'), units('-3.5E2m', '-0.35'),
    units('1G', '1000000000'), // an int: json.marshal gives "1000000000" (units-precision)
    units('0.123456789012345', '0.123456789'), // rounded to 10 decimals
    units('1.99999999999', '2'),
  ]));
  it('conformance: comparisons', () => {
    const n = (s: string) => Number(h.value('units.parse', q(s)));
    expect(n('8k')).toBeGreaterThan(n('7k'));
    expect(n('8g')).toBeGreaterThan(n('8m'));
    expect(n('1234k')).toBeLessThan(n('1g'));
    expect(n('1024')).toBe(n('1Ki'));
    expect(n('2Mi')).toBe(n('2097152'));
    expect(n('3Mi')).toBeGreaterThan(n('3M'));
    expect(n('4.1Mi')).toBeGreaterThan(n('4Mi'));
    expect(n('128Gi')).toBe(n('137438953472'));
  });
  it('conformance: errors', () => check([
    ['units.parse', [q('')], err('units.parse: no amount provided')],
    ['units.parse', [q('G')], err('units.parse: no amount provided')],
    ['units.parse', [q('foo')], err('units.parse: no amount provided')],
    ['units.parse', [q('0.0.0')], err('units.parse: could not parse amount to a number')],
    ['units.parse', [q('.5.2')], err('units.parse: could not parse amount to a number')],
    ['units.parse', [q('100 k')], err('units.parse: spaces not allowed in resource strings')],
    ['units.parse', [q(' 327Mi ')], err('units.parse: spaces not allowed in resource strings')],
    ['units.parse', [q('10e10000000Ei')], err('units.parse: exponent too large')],
    ['units.parse', [q('5mb')], err('units.parse: unit mb not recognized')],
  ]));
});

// ---- encoding ----------------------------------------------------------------------------

describe('json', () => {
  it('marshal: compact, sorted keys, sets as arrays, Go escaping', () => check([
    ['json.marshal', ['[{"foo": {1, 2, 3}}]'], q('[{"foo":[1,2,3]}]')], // conformance
    ['json.marshal', ['{"b": 1, "a": [true, null, 1.5]}'], q('{"a":[true,null,1.5],"b":1}')],
    ['json.marshal', [q('<a href="x">&</a>\u2028\n\t\u0001')],
      q('"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e\\u2028\\n\\t\\u0001"')],
    ['json.marshal', ['{1: "a", "b": 2, [1]: 3}'], q('{"1":"a","[1]":3,"b":2}')],
    ['json.marshal', ['set()'], q('[]')],
    ['json.marshal', ['1000000000'], q('1000000000')], // units-precision
  ]));

  it('marshal_with_options', () => check([
    ['json.marshal_with_options', ['{"a": [1, {}], "b": {"c": []}}', '{"pretty": true}'],
      q('{\n\t"a": [\n\t\t1,\n\t\t{}\n\t],\n\t"b": {\n\t\t"c": []\n\t}\n}')],
    ['json.marshal_with_options', ['{"a": [1, 2]}', '{"prefix": ">", "indent": "  "}'],
      q('>{\n>  "a": [\n>    1,\n>    2\n>  ]\n>}')], // the first line prefixed too
    ['json.marshal_with_options', ['{"a": 1}', '{"pretty": false, "indent": "  "}'], q('{"a":1}')],
    ['json.marshal_with_options', ['{"a": 1}', '{"foo": 1}'],
      err('json.marshal_with_options: operand 2 object contained unknown key "foo"')],
  ]));

  it('unmarshal, with the errors of Go\'s decoder', () => check([
    ['json.unmarshal', [q('{"a": [1, 2.5, "x", null, true]}')], '{"a": [1, 2.5, "x", null, true]}'],
    ['json.unmarshal', [q(' 12 ')], '12'],
    ['json.unmarshal', [q('')], err('json.unmarshal: EOF')],
    ['json.unmarshal', [q('{')], err('json.unmarshal: unexpected EOF')],
    ['json.unmarshal', [q('tru')], err('json.unmarshal: unexpected EOF')],
    ['json.unmarshal', [q('x')], err("json.unmarshal: invalid character 'x' looking for beginning of value")],
    ['json.unmarshal', [q('[1,]')], err("json.unmarshal: invalid character ']' looking for beginning of value")],
    ['json.unmarshal', [q('{"a" 1}')], err("json.unmarshal: invalid character '1' after object key")],
    ['json.unmarshal', [q('{"a": 1 "b"}')], err('json.unmarshal: invalid character \'"\' after object key:value pair')],
    ['json.unmarshal', [q('{1: 2}')], err("json.unmarshal: invalid character '1' looking for beginning of object key string")],
    ['json.unmarshal', [q('[1 2]')], err("json.unmarshal: invalid character '2' after array element")],
    ['json.unmarshal', [q('"a\tb"')], err("json.unmarshal: invalid character '\\t' in string literal")],
    ['json.unmarshal', [q('"\\x"')], err("json.unmarshal: invalid character 'x' in string escape code")],
    ['json.unmarshal', [q('-x')], err("json.unmarshal: invalid character 'x' in numeric literal")],
    ['json.unmarshal', [q('1.x')], err("json.unmarshal: invalid character 'x' after decimal point in numeric literal")],
    ['json.unmarshal', [q('trux')], err("json.unmarshal: invalid character 'x' in literal true (expecting 'e')")],
    ['json.unmarshal', [q("'a'")], err("json.unmarshal: invalid character '\\'' looking for beginning of value")],
    ['json.unmarshal', [q('1 2')], err("json.unmarshal: error: invalid character '2' after top-level value")],
    ['json.unmarshal', [q('1x')], err("json.unmarshal: invalid character 'x' looking for beginning of value")],
    ['json.unmarshal', ['1'], err('json.unmarshal: operand 1 must be string but got number')],
  ]));

  it('conformance: is_valid', () => check([
    ['json.is_valid', [q('plainstring')], 'false'],
    ['json.is_valid', [q('{')], 'false'],
    ['json.is_valid', [q('{"json": "ok"}')], 'true'],
    ['json.is_valid', ['1'], 'false'],
    ['json.is_valid', [q(' [1, 2] ')], 'true'],
    ['json.is_valid', [q('1 2')], 'false'],
  ]));
});

describe('base64, base64url, hex', () => {
  it('encode and decode as Go', () => check([
    ['base64.encode', [q('hello')], q('aGVsbG8=')],
    ['base64.encode', [q('hi')], q('aGk=')],
    ['base64.encode', [q('')], q('')],
    ['base64.decode', [q('aGVsbG8=')], q('hello')],
    ['base64.decode', [q('aGVs\nbG8=')], q('hello')], // CR and LF are skipped
    ['base64.decode', [q('aGVsbG8')], err('base64.decode: illegal base64 data at input byte 4')],
    ['base64.decode', [q('aGV$bG8=')], err('base64.decode: illegal base64 data at input byte 3')],
    ['base64.decode', [q('aA==x')], err('base64.decode: illegal base64 data at input byte 4')],
    ['base64.decode', [q('a===')], err('base64.decode: illegal base64 data at input byte 1')],
    ['base64.is_valid', [q('aGVsbG8=')], 'true'],
    ['base64.is_valid', [q('aGVsbG8')], 'false'],
    ['base64url.encode', [q('\u00ff\u00fe?>')], q('w7_Dvj8-')],
    ['base64url.encode_no_pad', [q('hi')], q('aGk')],
    ['base64url.decode', [q('aGk')], q('hi')], // padding added as OPA does
    ['base64url.decode', [q('aGk=')], q('hi')],
    ['base64url.decode', [q('a')], err('base64url.decode: illegal base64url string: a')],
    ['hex.encode', [q('hello')], q('68656c6c6f')],
    ['hex.decode', [q('68656C6c6f')], q('hello')],
    ['hex.decode', [q('6g')], err("hex.decode: encoding/hex: invalid byte: U+0067 'g'")],
    ['hex.decode', [q('686')], err('hex.decode: encoding/hex: odd length hex string')],
    ['hex.decode', [q('68\n0')], err('hex.decode: encoding/hex: invalid byte: U+000A')],
  ]));
});

describe('urlquery', () => {
  it('encode and decode as net/url', () => check([
    ['urlquery.encode', [q('a b&c=d/é~')], q('a+b%26c%3Dd%2F%C3%A9~')],
    ['urlquery.decode', [q('a+b%26c')], q('a b&c')],
    ['urlquery.decode', [q('a%zzb')], err('urlquery.decode: invalid URL escape "%zz"')],
    ['urlquery.decode', [q('a%4')], err('urlquery.decode: invalid URL escape "%4"')],
    ['urlquery.encode_object', ['{"b": "2 3", "a": ["x", "y"], "c": {"z", "w"}}'], q('a=x&a=y&b=2+3&c=w&c=z')],
    ['urlquery.decode_object', [q('a=1&b=2&a=3&c&=4')], '{"": ["4"], "a": ["1", "3"], "b": ["2"], "c": [""]}'],
    ['urlquery.decode_object', [q('a=1;b=2')], err('urlquery.decode_object: invalid semicolon separator in query')],
  ]));
});

// ---- objects -----------------------------------------------------------------------------

describe('object builtins', () => {
  it('conformance: objectget', () => check([
    ['object.get', ['{"a": {"b": "c"}}', q('a'), 'true'], '{"b": "c"}'],
    ['object.get', ['{"a": {"b": "c"}}', q('b'), 'true'], 'true'],
  ]));

  it('object.get with paths', () => check([
    ['object.get', ['{"a": {"b": [1, {"c": 2}]}}', '["a", "b", 1, "c"]', '0'], '2'],
    ['object.get', ['{"a": {"b": [1, {"c": 2}]}}', '["a", "b", 5]', '0'], '0'],
    ['object.get', ['{"a": {"b": {1, 2}}}', '["a", "b", 2]', '0'], '2'],
    ['object.get', ['{"a": "s"}', '["a", "x"]', '0'], '0'],
    ['object.get', ['{"a": 1}', '[]', '0'], '{"a": 1}'],
    ['object.get', ['{["a"]: 1}', '["a"]', '0'], '0'], // an array key is a path, not a key
    ['object.get', [q('x'), q('a'), '0'], err('object.get: operand 1 must be object but got string')],
  ]));

  it('object.keys', () => check([
    ['object.keys', ['{"b": 1, "a": 2}'], '{"a", "b"}'],
    ['object.keys', ['{}'], 'set()'],
    ['object.keys', ['[1]'], err('object.keys: operand 1 must be object but got array')],
  ]));

  it('conformance: objectunion', () => check([
    ['object.union', ['{}', '{}'], '{}'],
    ['object.union', ['{}', '{"a": 1}'], '{"a": 1}'],
    ['object.union', ['{"a": 1}', '{"b": 2}'], '{"a": 1, "b": 2}'],
    ['object.union', ['{"b": 2}', '{"a": {"b": {"c": 1}}}'], '{"a": {"b": {"c": 1}}, "b": 2}'],
    ['object.union', ['{"a": 1}', '{"a": 2}'], '{"a": 2}'],
    ['object.union', ['{"a": 1}', '{"a": {"b": {"c": 1}}, "d": 7}'], '{"a": {"b": {"c": 1}}, "d": 7}'],
    ['object.union', ['{"a": 1}', '[1, 2, 3]'], err('object.union: operand 2 must be object but got array')],
    ['object.union', ['{"a": {"x": 1}}', '{"a": {"y": 2}}'], '{"a": {"x": 1, "y": 2}}'],
  ]));

  it('object.union_n', () => check([
    ['object.union_n', ['[]'], '{}'],
    ['object.union_n', ['[{"a": {"b": 2}}, {"a": 4}, {"a": {"c": 3}}]'], '{"a": {"c": 3}}'],
    ['object.union_n', ['[{"a": {"b": 2}}, {"a": {"c": 3}}]'], '{"a": {"b": 2, "c": 3}}'],
    ['object.union_n', ['[{"a": 1}, 2, {"a": 3}, "x"]'],
      err('object.union_n: operand 1 must be array of objects but got array containing string')],
  ]));

  it('conformance: objectremove', () => check([
    ['object.remove', ['{"a": 1, "b": {"c": 3}}', '{"a"}'], '{"b": {"c": 3}}'],
    ['object.remove', ['{"a": 1, "b": {"c": 3}, "d": 4}', '{"b", "d"}'], '{"a": 1}'],
    ['object.remove', ['{"a": 1, "b": {"c": 3}, "d": 4}', '["b", "d"]'], '{"a": 1}'],
    ['object.remove', ['{"a": 1, "b": {"c": 3}, "d": 4}', '{"b": 1, "d": ""}'], '{"a": 1}'],
    ['object.remove', ['{}', '{"a", "b"}'], '{}'],
    ['object.remove', ['{"a": 1, "b": {"c": 3}}', '{"z"}'], '{"a": 1, "b": {"c": 3}}'],
    ['object.remove', ['123', '{"a"}'], err('object.remove: operand 1 must be object but got number')],
    ['object.remove', [q('foo'), '{"a"}'], err('object.remove: operand 1 must be object but got string')],
    ['object.remove', ['null', '{"a"}'], err('object.remove: operand 1 must be object but got null')],
    ['object.remove', ['{"a": 1}', q('foo')], err('object.remove: operand 2 must be one of {object, set, array} but got string')],
    ['object.remove', ['{"a": 1}', 'null'], err('object.remove: operand 2 must be one of {object, set, array} but got null')],
  ]));

  it('conformance: objectfilter', () => check([
    ['object.filter', ['{"a": {"b": {"c": 7, "d": 8}}, "e": 9}', '{"a"}'], '{"a": {"b": {"c": 7, "d": 8}}}'],
    ['object.filter', ['{"a": 1, "b": 2, "c": 3, "e": 9}', '{"a", "e"}'], '{"a": 1, "e": 9}'],
    ['object.filter', ['{"a": 1, "b": 2, "c": 3, "e": 9}', '["a", "e", "z"]'], '{"a": 1, "e": 9}'],
    ['object.filter', ['{"a": 7}', '[]'], '{}'],
    ['object.filter', ['{"a": 7}', '{}'], '{}'],
    ['object.filter', ['["a"]', '{"a"}'], err('object.filter: operand 1 must be object but got array')],
    ['object.filter', [q('foo'), '{"a"}'], err('object.filter: operand 1 must be object but got string')],
    ['object.filter', ['null', '{"a"}'], err('object.filter: operand 1 must be object but got null')],
    ['object.filter', ['{"a": 1}', q('foo')], err('object.filter: operand 2 must be one of {object, set, array} but got string')],
    ['object.filter', ['{"a": 1}', 'true'], err('object.filter: operand 2 must be one of {object, set, array} but got boolean')],
    ['object.filter', ['{"a": 1}', 'null'], err('object.filter: operand 2 must be one of {object, set, array} but got null')],
  ]));

  it('object.subset', () => check([
    ['object.subset', ['{"a": {"b": 1, "c": 2}, "d": 3}', '{"a": {"b": 1}}'], 'true'],
    ['object.subset', ['{"a": 1}', '{"a": 2}'], 'false'],
    // nested collections of one kind compare the subset way: arrays as a contiguous run
    ['object.subset', ['{"a": [1, 2]}', '{"a": [1]}'], 'true'],
    ['object.subset', ['{"a": [1, 2]}', '{"a": [2, 1]}'], 'false'],
    ['object.subset', ['{"a": {1, 2}}', '{"a": {2}}'], 'true'],
    ['object.subset', ['{"a": [1, 2]}', '{"a": {1}}'], 'false'], // different kinds: equality
    ['object.subset', ['{1, 2, 3}', '{1, 3}'], 'true'],
    ['object.subset', ['{1, 2}', '{1, 3}'], 'false'],
    ['object.subset', ['[1, 2, 3, 4]', '[2, 3]'], 'true'],
    ['object.subset', ['[1, 2, 3, 4]', '[2, 4]'], 'false'],
    ['object.subset', ['[1, 2, 3]', '{1, 3}'], 'true'],
    ['object.subset', ['{"a": 1}', '[1]'],
      err('object.subset: both arguments to object.subset must be of the same type or array and set')],
    ['object.subset', [q('a'), '[1]'], err('object.subset: operand 1 must be one of {object, set, array} but got string')],
  ]));
});

// ---- arrays ------------------------------------------------------------------------------

describe('array builtins', () => {
  it('conformance: array', () => check([
    ['array.concat', ['[1, 2]', '[3, 4]'], '[1, 2, 3, 4]'],
    ['array.concat', ['{"v1": "hello", "v2": "goodbye"}', '[3, 4]'], err('array.concat: operand 1 must be array but got object')],
    ['array.concat', ['[1, 2]', '{"v1": "hello", "v2": "goodbye"}'], err('array.concat: operand 2 must be array but got object')],
    ['array.slice', ['[1, 2, 3, 4, 5]', '1', '3'], '[2, 3]'],
    ['array.slice', ['[1, 2, 3]', '0', '0'], '[]'],
    ['array.slice', ['[1, 2, 3, 4, 5]', '-4', '-1'], '[]'],
    ['array.flatten', ['[]'], '[]'],
    ['array.flatten', ['[[1, 2], [3, 4], [5]]'], '[1, 2, 3, 4, 5]'],
    ['array.flatten', ['[[[1], [2, 3, []]], [[4, 5]]]'], '[[1], [2, 3, []], [4, 5]]'],
    ['array.flatten', ['[[1, 2], "string", [3, {"a": "b"}], 4.5, [6, [7, 8]]]'], '[1, 2, "string", 3, {"a": "b"}, 4.5, 6, [7, 8]]'],
    ['array.flatten', ['42'], err('array.flatten: operand 1 must be array but got number')],
  ]));

  it('array.slice clamps as OPA', () => check([
    ['array.slice', ['[1, 2, 3, 4, 5]', '3', '1'], '[]'],
    ['array.slice', ['[1, 2, 3, 4, 5]', '-10', '100'], '[1, 2, 3, 4, 5]'],
    ['array.slice', ['[1, 2, 3, 4, 5]', '2', '100'], '[3, 4, 5]'],
    ['array.slice', ['[1, 2, 3]', '1.5', '3'], err('array.slice: operand 2 must be integer number but got floating-point number')],
    ['array.slice', ['[1, 2, 3]', q('a'), '3'], err('array.slice: operand 2 must be number but got string')],
  ]));

  it('array.reverse', () => check([
    ['array.reverse', ['[1, 2, 3]'], '[3, 2, 1]'],
    ['array.reverse', ['[]'], '[]'],
    ['array.reverse', ['{1}'], err('array.reverse: operand 1 must be array but got set')],
  ]));
});

// ---- walk --------------------------------------------------------------------------------

describe('walk', () => {
  it('lists [path, value] in pre-order, children in Rego order', () => check([
    ['walk', ['1'], '[[[], 1]]'],
    ['walk', ['{"c": {3, 4}, "a": [1, {"b": 2}]}'],
      '[[[], {"a": [1, {"b": 2}], "c": {3, 4}}], [["a"], [1, {"b": 2}]], [["a", 0], 1], ' +
      '[["a", 1], {"b": 2}], [["a", 1, "b"], 2], [["c"], {3, 4}], [["c", 3], 3], [["c", 4], 4]]'],
  ]));
});
