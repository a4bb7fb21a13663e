// Native builtins, part A (operators, numbers, aggregates, sets, types, strings,
// sprintf), called directly on the runtime: operands and results as Rego text,
// errors as the exact messages OPA gives. Cases marked "conformance" are OPA's YAML
// test cases (strings/, aggregates/, arithmetic/, …) translated to direct calls.
import { describe, it, expect, beforeAll } from 'vitest';
import { loadBuiltins, type BuiltinsHarness, type Outcome } from './helpers/builtins-harness';
import { builtins as stringBuiltins } from '../src/compiler/builtins/strings';
import { builtins as numberBuiltins } from '../src/compiler/builtins/numbers';
import { builtins as aggregateBuiltins } from '../src/compiler/builtins/aggregates';
import { builtins as setBuiltins } from '../src/compiler/builtins/sets';
import { builtins as typeBuiltins } from '../src/compiler/builtins/typenames';

let h: BuiltinsHarness;
beforeAll(() => { h = loadBuiltins(); });

type Expected = string | { error: string } | 'undefined';
type Case = [name: string, operands: string[], expected: Expected];

const err = (error: string) => ({ error });
const q = (s: string) => JSON.stringify(s); // a Rego string literal

function check(cases: Case[]) {
  for (const [name, operands, expected] of cases) {
    const got: Outcome = h.call(name, ...operands);
    const label = `${name}(${operands.join(', ')})`;
    if (expected === 'undefined') expect(got, label).toEqual({ undefined: true });
    else if (typeof expected === 'string') expect(got, label).toEqual({ value: expected });
    else expect(got, label).toEqual(expected);
  }
}

/** sprintf(format, args) → the resulting Go string (unquoted). */
function sprintf(format: string, args: string): string {
  return JSON.parse(h.value('sprintf', q(format), args));
}

/**
 * A builtin's result as sprintf("%v") prints it: exact digits for numbers (the
 * value dump is not the subject here), integers beyond i64 included.
 */
function goV(name: string, ...operands: string[]): string {
  const result = h.addr(name, ...operands);
  const out = h.rt.exports.b_sprintf(h.rt.str('%v'), h.array(result));
  return JSON.parse(h.rt.dumpValue(out));
}

describe('builtin tables', () => {
  const defs = [...stringBuiltins, ...numberBuiltins, ...aggregateBuiltins, ...setBuiltins, ...typeBuiltins];

  it('name each builtin once, with a runtime export of its arity', () => {
    const names = defs.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    // (strings.render_template is the host's: host-builtins.test.ts checks those)
    for (const def of defs.filter((d) => !d.host)) {
      expect(def.native, def.name).toBe('b_' + def.name.replace(/\./g, '_'));
      const fn = h.rt.exports[def.native!];
      expect(typeof fn, def.native).toBe('function');
      expect(fn.length, def.native).toBe(def.arity);
    }
  });
});

// ---- operators ---------------------------------------------------------------------------

describe('arithmetic operators', () => {
  it('plus, minus, mul on ints and floats', () => check([
    ['plus', ['1', '2'], '3'],
    ['plus', ['1', '2.5'], '3.5'],
    ['plus', ['1.5', '2.5'], '4'], // integral results print as ints (conformance: float_add)
    ['plus', ['2147483647', '1'], '2147483648'],
    ['plus', ['-2147483648', '-1'], '-2147483649'],
    ['plus', ['10.00', '5'], '15'],
    ['minus', ['5', '7'], '-2'],
    ['minus', ['0.5', '0.25'], '0.25'],
    ['mul', ['2147483647', '2147483647'], '4611686014132420609'],
    ['mul', ['-2147483648', '-2147483648'], '4611686018427387904'],
    ['mul', ['2.5', '2'], '5'],
    ['mul', ['-3', '0'], '0'],
  ]));

  it('float results', () => {
    expect(goV('mul', '0.1', '3')).toBe('0.30000000000000004');
    expect(goV('plus', '0.1', '0.2')).toBe('0.30000000000000004');
    expect(goV('div', '1', '3')).toBe('0.3333333333333333');
  });

  it('goes on exactly past i64, as OPA\'s big.Int', () => {
    check([
      ['plus', ['9223372036854775807', '0'], '9223372036854775807'],
      ['minus', ['-9223372036854775808', '0'], '-9223372036854775808'],
    ]);
    // exactly 2^63 (conformance int64_edge), printed by sprintf as the integer
    expect(goV('plus', '9223372036854775807', '1')).toBe('9223372036854775808');
    expect(goV('minus', '-9223372036854775808', '1')).toBe('-9223372036854775809');
    expect(goV('mul', '4611686018427387904', '4')).toBe('18446744073709551616');
    expect(goV('mul', '-1', '-9223372036854775808')).toBe('9223372036854775808');
    expect(goV('div', '-9223372036854775808', '-1')).toBe('9223372036854775808');
  });

  it('div: exact int quotients stay ints, others are floats', () => check([
    ['div', ['6', '3'], '2'],
    ['div', ['-6', '3'], '-2'],
    ['div', ['1', '4'], '0.25'],
    ['div', ['0', '5'], '0'],
    ['div', ['1', '2'], '0.5'],
    ['div', ['7.5', '2.5'], '3'],
    ['div', ['1', '0'], err('div: divide by zero')],
    ['div', ['1', '0.0'], err('div: divide by zero')],
    ['div', ['0', '0'], err('div: divide by zero')],
  ]));

  it('rem: integers only, sign of the dividend', () => check([
    ['rem', ['7', '3'], '1'],
    ['rem', ['-17', '5'], '-2'],
    ['rem', ['17', '-5'], '2'],
    ['rem', ['4.0', '3'], '1'],
    ['rem', ['-9223372036854775808', '-1'], '0'],
    ['rem', ['1e20', '7'], '2'], // 100000000000000000000 mod 7
    ['rem', ['1.1', '1'], err('rem: modulo on floating-point number')],
    ['rem', ['5', '1.5'], err('rem: modulo on floating-point number')],
    ['rem', ['5', '0'], err('rem: modulo by zero')],
  ]));

  it('type errors name the operator and operand', () => check([
    ['plus', ['"a"', '1'], err('plus: operand 1 must be number but got string')],
    ['plus', ['1', 'null'], err('plus: operand 2 must be number but got null')],
    ['mul', ['[1]', '1'], err('mul: operand 1 must be number but got array')],
    ['div', ['1', '{"a": 1}'], err('div: operand 2 must be number but got object')],
    ['rem', ['true', '1'], err('rem: operand 1 must be number but got boolean')],
    ['minus', ['"a"', '1'], err('minus: operand 1 must be one of {number, set} but got string')],
    // conformance arithmetic/minus/type error
    ['minus', ['{1}', '1'], err('minus: operand 2 must be set but got number')],
    ['minus', ['1', '{1}'], err('minus: operand 2 must be number but got set')],
  ]));

  it('minus on sets is the difference (conformance sets/set_diff)', () => check([
    ['minus', ['{1, 2, "c"}', '{"c", 1}'], '{2}'],
    ['minus', ['{1, 2}', 'set()'], '{1, 2}'],
    ['minus', ['set()', '{1}'], 'set()'],
    ['minus', ['{[1], {"a": 1}, 3}', '{{"a": 1}}'], '{3, [1]}'],
  ]));
});

describe('comparison operators', () => {
  it('compare any types by the total order', () => check([
    ['equal', ['1', '1.0'], 'true'],
    ['equal', ['[1, {"a": {2}}]', '[1, {"a": {2}}]'], 'true'],
    ['equal', ['"a"', '"b"'], 'false'],
    ['neq', ['1', '"1"'], 'true'],
    ['lt', ['3', '3.5'], 'true'],
    ['lt', ['null', 'false'], 'true'],
    ['lt', ['true', '0'], 'true'],
    ['lt', ['1000', '"1"'], 'true'],
    ['lt', ['"b"', '[]'], 'true'],
    ['lt', ['[1, 2]', '[1, 2, 0]'], 'true'],
    ['lt', ['{}', 'set()'], 'true'],
    ['lte', ['3.50', '3.5'], 'true'],
    ['gt', ['0.1', '0.10000000000001'], 'false'],
    ['gt', ['1e299', '1e-299'], 'true'],
    ['gte', ['-0', '-2.5'], 'true'],
    ['gte', ['1', '2'], 'false'],
  ]));
});

// ---- numbers --------------------------------------------------------------------------

describe('numbers', () => {
  it('abs, round, ceil, floor', () => check([
    ['abs', ['-5'], '5'],
    ['abs', ['-2.5'], '2.5'],
    ['abs', ['-2147483648'], '2147483648'],
    ['abs', ['-4'], '4'],
    ['round', ['2.5'], '3'],
    ['round', ['-2.5'], '-3'],
    ['round', ['2.4'], '2'],
    ['round', ['-5'], '-5'],
    ['round', ['10.00'], '10'],
    ['round', ['0.49999999999999994'], '0'],
    ['ceil', ['1.01'], '2'],
    ['ceil', ['-1.5'], '-1'],
    ['floor', ['1.01'], '1'],
    ['floor', ['1.5'], '1'],
    ['floor', ['99.99999'], '99'],
    ['floor', ['1'], '1'],
    ['floor', ['-1.001'], '-2'],
    ['abs', ['"x"'], err('abs: operand 1 must be number but got string')],
    ['round', ['null'], err('round: operand 1 must be number but got null')],
    ['ceil', ['[]'], err('ceil: operand 1 must be number but got array')],
    ['floor', ['{}'], err('floor: operand 1 must be number but got object')],
  ]));

  it('abs of i64.MIN is 2^63', () => {
    expect(sprintf('%v', `[${h.value('abs', '-9223372036854775808')}]`)).toBe('9223372036854775808');
  });

  it('divide then round (conformance arithmetic/divide+round)', () => {
    expect(['0/1', '1/2', '2/3', '3/4'].map((d) => {
      const [a, b] = d.split('/');
      return h.value('round', h.value('div', a!, b!));
    })).toEqual(['0', '1', '1', '1']);
  });

  it('numbers.range and numbers.range_step', () => check([
    ['numbers.range', ['0', '0'], '[0]'],
    ['numbers.range', ['-2', '3'], '[-2, -1, 0, 1, 2, 3]'],
    ['numbers.range', ['2', '-3'], '[2, 1, 0, -1, -2, -3]'],
    ['numbers.range', ['5', '2'], '[5, 4, 3, 2]'],
    ['numbers.range', ['0', '1'], '[0, 1]'],
    ['numbers.range', ['1.0', '3'], '[1, 2, 3]'],
    ['numbers.range', ['1.5', '3'], err('numbers.range: operand 1 must be integer number but got floating-point number')],
    ['numbers.range', ['1', '3.5'], err('numbers.range: operand 2 must be integer number but got floating-point number')],
    ['numbers.range', ['"1"', '3'], err('numbers.range: operand 1 must be integer but got string')],
    ['numbers.range_step', ['0', '10', '3'], '[0, 3, 6, 9]'],
    ['numbers.range_step', ['10', '0', '3'], '[10, 7, 4, 1]'],
    ['numbers.range_step', ['0', '10', '5'], '[0, 5, 10]'],
    ['numbers.range_step', ['2', '2', '7'], '[2]'],
    ['numbers.range_step', ['0', '10', '0'], err('numbers.range_step: step must be a positive integer')],
    ['numbers.range_step', ['0', '10', '-1'], err('numbers.range_step: step must be a positive integer')],
    ['numbers.range_step', ['0', '10', '0.5'], err('numbers.range_step: operand 3 must be integer number but got floating-point number')],
  ]));

  it('to_number', () => check([
    ['to_number', ['null'], '0'],
    ['to_number', ['true'], '1'],
    ['to_number', ['false'], '0'],
    ['to_number', ['-3.5'], '-3.5'],
    ['to_number', ['"3"'], '3'], // conformance casts/to_number ref dest
    ['to_number', ['"-17"'], '-17'],
    ['to_number', ['"+5"'], '5'],
    ['to_number', ['"0.1"'], '0.1'],
    ['to_number', ['"1e3"'], '1000'],
    ['to_number', ['"1E-2"'], '0.01'],
    ['to_number', ['".5"'], '0.5'],
    ['to_number', ['"5."'], '5'],
    ['to_number', ['"1_000.5"'], '1000.5'],
    ['to_number', ['"0x1p4"'], '16'],
    ['to_number', ['"2.2250738585072011e-308"'], '2.225073858507201e-308'],
    ['to_number', ['"broken"'], err('to_number: strconv.ParseFloat: parsing "broken": invalid syntax')],
    ['to_number', ['" 1"'], err('to_number: strconv.ParseFloat: parsing " 1": invalid syntax')],
    ['to_number', ['""'], err('to_number: strconv.ParseFloat: parsing "": invalid syntax')],
    ['to_number', ['"0x10"'], err('to_number: strconv.ParseFloat: parsing "0x10": invalid syntax')],
    ['to_number', ['"1__0"'], err('to_number: strconv.ParseFloat: parsing "1__0": invalid syntax')],
    ['to_number', ['"1e"'], err('to_number: strconv.ParseFloat: parsing "1e": invalid syntax')],
    ['to_number', ['"tab\\there"'], err('to_number: strconv.ParseFloat: parsing "tab\\there": invalid syntax')],
    ['to_number', ['"1e400"'], err('to_number: strconv.ParseFloat: parsing "1e400": value out of range')],
    ['to_number', ['"1e-400"'], '0'],
    // conformance casts/to_number: nan/inf inputs are type errors
    ['to_number', ['"nan"'], err('to_number: operand 1 must be valid number string but got string')],
    ['to_number', ['"inf"'], err('to_number: operand 1 must be valid number string but got string')],
    ['to_number', ['"-inf"'], err('to_number: operand 1 must be valid number string but got string')],
    ['to_number', ['"Infinity"'], err('to_number: operand 1 must be valid number string but got string')],
    ['to_number', ['"-Infinity"'], err('to_number: operand 1 must be valid number string but got string')],
    ['to_number', ['"-nan"'], err('to_number: operand 1 must be valid number string but got string')],
    ['to_number', ['"-NaN"'], err('to_number: operand 1 must be valid number string but got string')],
    ['to_number', ['"iNf"'], err('to_number: operand 1 must be valid number string but got string')],
    ['to_number', ['[]'], err('to_number: operand 1 must be one of {null, boolean, number, string} but got array')],
  ]));

  it('to_number beyond i64', () => {
    expect(goV('to_number', '"9223372036854775808"')).toBe('9223372036854775808');
    expect(goV('to_number', '"123456789012345678901234567890"')).toBe('123456789012345678901234567890');
    expect(goV('to_number', '"-123456789012345678901234567890"')).toBe('-123456789012345678901234567890');
  });

  it('to_number rounds decimal text correctly', () => {
    // halfway and near-halfway cases where a naive scaling goes wrong
    const cases: [string, number][] = [
      ['9007199254740993', 9007199254740992],
      ['9007199254740993.0000000001', 9007199254740994],
      ['0.1e-5', 1e-6],
      ['2.4703282292062327e-324', 0],
      ['2.4703282292062328e-324', 5e-324],
      ['1.7976931348623157e308', 1.7976931348623157e308],
      ['7.038531e-26', 7.038531e-26],
      ['1448997445238699', 1448997445238699],
      ['0.000000000000000000000000000000000000000000001', 1e-45],
    ];
    for (const [text, want] of cases) {
      const v = h.rt.exports.b_to_number(h.rt.str(text));
      const view = new DataView(h.rt.memory.buffer);
      const got = view.getUint8(v) === 3 ? Number(view.getBigInt64(v + 8, true)) : view.getFloat64(v + 8, true);
      expect(got, text).toBe(want);
    }
  });

  it('format_int (conformance strings/format_int)', () => check([
    ['format_int', ['15.5', '16'], q('f')],
    ['format_int', ['3.1', '10'], q('3')],
    ['format_int', ['4.1', '10'], q('4')],
    ['format_int', ['-15.9', '16'], q('-f')],
    ['format_int', ['255', '2'], q('11111111')],
    ['format_int', ['8', '8'], q('10')],
    ['format_int', ['0', '2'], q('0')],
    ['format_int', ['-9223372036854775808', '16'], q('-8000000000000000')],
    ['format_int', ['1e20', '10'], q('100000000000000000000')],
    ['format_int', ['1e20', '16'], q('56bc75e2d63100000')],
    ['format_int', ['1e20', '8'], q('12657072742654304000000')],
    ['format_int', ['-1e20', '2'], q('-1010110101111000111010111100010110101100011000100000000000000000000')],
    ['format_int', ['15', '3'], err('format_int: operand 2 must be one of {2, 8, 10, 16}')],
    ['format_int', ['15', '16.0'], err('format_int: operand 2 must be one of {2, 8, 10, 16}')],
    ['format_int', ['"15"', '16'], err('format_int: operand 1 must be number but got string')],
    ['format_int', ['15', '"16"'], err('format_int: operand 2 must be number but got string')],
  ]));
});

// ---- aggregates ------------------------------------------------------------------------

describe('aggregates', () => {
  it('count', () => check([
    ['count', ['[1, 2, 3, 4]'], '4'],
    ['count', ['{"v1": "hello", "v2": "goodbye"}'], '2'],
    ['count', ['{1, 2}'], '2'],
    ['count', ['set()'], '0'],
    ['count', ['""'], '0'],
    ['count', [q('åäö')], '3'],
    ['count', [q('\u{1F607}x')], '2'],
    ['count', ['1'], err('count: operand 1 must be one of {array, object, set, string} but got number')],
    ['count', ['null'], err('count: operand 1 must be one of {array, object, set, string} but got null')],
  ]));

  it('count of invalid UTF-8 counts each bad byte', () => {
    // "a", a lone continuation byte, a truncated 3-byte sequence (two bad bytes), "b"
    expect(h.callAddrs('count', h.bytes([0x61, 0x80, 0xe2, 0x82, 0x62]))).toEqual({ value: '5' });
  });

  it('sum and product', () => check([
    ['sum', ['{1, 2, 3, 4}'], '10'],
    ['sum', ['[1, 2, 3, 4]'], '10'],
    ['sum', ['[]'], '0'],
    ['sum', ['[1.5, 2.5]'], '4'],
    ['sum', ['[1, 2.5]'], '3.5'],
    ['sum', ['[9223372036854775806, 1]'], '9223372036854775807'],
    ['product', ['{1, 2, 3, 4}'], '24'],
    ['product', ['[2, 3, 4]'], '24'],
    ['product', ['[]'], '1'],
    ['product', ['[1.5, 2]'], '3'],
    ['sum', ['[1, "a"]'], err('sum: operand 1 must be array of numbers but got array containing string')],
    ['sum', ['{1, null}'], err('sum: operand 1 must be set of numbers but got set containing null')],
    ['product', ['[[]]'], err('product: operand 1 must be array of numbers but got array containing array')],
    ['sum', ['"abc"'], err('sum: operand 1 must be one of {set, array} but got string')],
    ['product', ['{"a": 1}'], err('product: operand 1 must be one of {set, array} but got object')],
  ]));

  it('sum overflows into floats as plus does (conformance sum integer fast-path overflow)', () => {
    const v = (s: string) => sprintf('%v', `[${s}]`);
    expect(v(h.value('sum', '[9223372036854775807, 1]'))).toBe('9223372036854775808');
    expect(v(h.value('sum', '{9223372036854775807, 1, 2}'))).toBe(v(h.value('plus', h.value('plus', '9223372036854775807', '1'), '2')));
  });

  it('max and min by the total order; undefined when empty', () => check([
    ['max', ['{1, 2, 3, 4}'], '4'],
    ['max', ['[1, 2, 3, 4]'], '4'],
    ['max', ['[3, 3.5, 3.25, 3.4999]'], '3.5'],
    ['max', ['[1, "a", null, [0]]'], '[0]'],
    ['min', ['[3, 2, 1, 4, 6, -7, 10]'], '-7'],
    ['min', ['{1, 2, 3, 4}'], '1'],
    ['min', ['[3, 3.5, 2.75, 2.7499]'], '2.7499'],
    ['min', ['[1, "a", null, false]'], 'null'],
    ['max', ['[]'], 'undefined'],
    ['min', ['set()'], 'undefined'],
    ['max', ['1'], err('max: operand 1 must be one of {set, array} but got number')],
    ['min', ['"ab"'], err('min: operand 1 must be one of {set, array} but got string')],
  ]));

  it('sort', () => check([
    ['sort', ['[4, 3, 2, 1]'], '[1, 2, 3, 4]'],
    ['sort', ['[3.5, 3, 3.25, -2.5, 3.50, 1e0, 0.5]'], '[-2.5, 0.5, 1, 3, 3.25, 3.5, 3.5]'],
    ['sort', ['{"b", "a", 1}'], '[1, "a", "b"]'],
    ['sort', ['[[2], [1, 5], {"a": 1}, "x", null, true, false, 0]'],
      '[null, false, true, 0, "x", [1, 5], [2], {"a": 1}]'],
    ['sort', ['[]'], '[]'],
    ['sort', ['set()'], '[]'],
    ['sort', ['"abc"'], err('sort: operand 1 must be one of {set, array} but got string')],
  ]));

  it('sort is a stable merge sort over many elements', () => {
    const xs = Array.from({ length: 200 }, (_, i) => (i * 7919) % 211);
    expect(h.value('sort', `[${xs.join(', ')}]`)).toBe(`[${[...xs].sort((a, b) => a - b).join(', ')}]`);
  });
});

// ---- sets ------------------------------------------------------------------------------

describe('sets', () => {
  it('and, or', () => check([
    ['and', ['{1, 2, 3}', '{2, 3, 4}'], '{2, 3}'],
    ['and', ['{1}', 'set()'], 'set()'],
    ['or', ['{3, 2, 3}', '{3, 4, 4}'], '{2, 3, 4}'], // conformance sets/union
    ['or', ['set()', '{"a"}'], '{"a"}'],
    ['or', ['{[1], "b"}', '{"a", [1]}'], '{"a", "b", [1]}'],
    ['and', ['[1]', '{1}'], err('and: operand 1 must be set but got array')],
    ['or', ['{1}', '1'], err('or: operand 2 must be set but got number')],
  ]));

  it('union and intersection of a set of sets', () => check([
    ['union', ['{{1, 2}, {2, 3}, set()}'], '{1, 2, 3}'],
    ['union', ['set()'], 'set()'],
    ['intersection', ['{set(), {1, 2}}'], 'set()'], // conformance intersection_2_sets
    ['intersection', ['{{1, 2, 3}, {2, 3, 4}, {4, 5, 6}}'], 'set()'],
    ['intersection', ['{{"a", "b", "c", "d"}, {"b", "c", "d"}, {"c", "d"}, {"d"}}'], '{"d"}'],
    ['intersection', ['{{1, 2, 3}, {2, 3, 4}}'], '{2, 3}'],
    ['intersection', ['set()'], 'set()'],
    ['union', ['[{1}]'], err('union: operand 1 must be set but got array')],
    ['union', ['{{1}, 2}'], err('union: operand 1 must be set but got number')],
    ['intersection', ['{"a", {1}}'], err('intersection: operand 1 must be set but got string')],
  ]));
});

// ---- types --------------------------------------------------------------------------------

describe('types', () => {
  it('is_<type>', () => check([
    ['is_string', ['"Hello"'], 'true'],
    ['is_string', ['false'], 'false'],
    ['is_number', ['1.5'], 'true'],
    ['is_number', ['"1"'], 'false'],
    ['is_boolean', ['false'], 'true'],
    ['is_boolean', ['1'], 'false'],
    ['is_array', ['[1, 2, 3]'], 'true'],
    ['is_array', ['{1}'], 'false'],
    ['is_set', ['{1, 2, 3}'], 'true'],
    ['is_set', ['[1, 2, 3]'], 'false'],
    ['is_object', ['{"a": 1}'], 'true'],
    ['is_object', ['"foo"'], 'false'],
    ['is_null', ['null'], 'true'],
    ['is_null', ['true'], 'false'],
  ]));

  it('type_name', () => check([
    ['type_name', ['null'], q('null')],
    ['type_name', ['true'], q('boolean')],
    ['type_name', ['1'], q('number')],
    ['type_name', ['1.5'], q('number')],
    ['type_name', ['"Hello"'], q('string')],
    ['type_name', ['[]'], q('array')],
    ['type_name', ['{"foo": 1}'], q('object')],
    ['type_name', ['{1, 2, 3}'], q('set')],
  ]));
});

// ---- strings ---------------------------------------------------------------------------

describe('strings', () => {
  it('concat', () => check([
    ['concat', ['"/"', '["", "foo", "bar", "0", "baz"]'], q('/foo/bar/0/baz')],
    ['concat', ['","', '{"1", "2", "3"}'], q('1,2,3')],
    ['concat', ['""', '["f", "o", "o"]'], q('foo')],
    ['concat', ['", "', '[]'], q('')],
    ['concat', ['1', '[]'], err('concat: operand 1 must be string but got number')],
    ['concat', ['","', '"abc"'], err('concat: operand 2 must be one of {set, array} but got string')],
    ['concat', ['","', '["a", 1]'], err('concat: operand 2 must be array of strings but got array containing number')],
    ['concat', ['","', '{"a", null}'], err('concat: operand 2 must be set of strings but got set containing null')],
  ]));

  it('contains, startswith, endswith', () => check([
    ['contains', ['"abcdefgh"', '"defg"'], 'true'],
    ['contains', ['"abc"', '""'], 'true'],
    ['contains', ['"abc"', '"abcd"'], 'false'],
    ['startswith', ['"abcdefgh"', '"abcd"'], 'true'],
    ['startswith', ['"abc"', '"b"'], 'false'],
    ['endswith', ['"abcdefgh"', '"fgh"'], 'true'],
    ['endswith', ['"abc"', '"abcd"'], 'false'],
    ['contains', ['1', '"a"'], err('contains: operand 1 must be string but got number')],
    ['startswith', ['"a"', '["a"]'], err('startswith: operand 2 must be string but got array')],
    ['endswith', ['{}', '"a"'], err('endswith: operand 1 must be string but got object')],
  ]));

  it('indexof and indexof_n count code points (conformance)', () => check([
    ['indexof', ['"abcdefgh"', '"cde"'], '2'],
    ['indexof', ['"abc"', '"x"'], '-1'],
    ['indexof', [q('μx'), '"x"'], '1'],
    ['indexof', [q('μ'), q('μμ')], '-1'],
    ['indexof', [q('skön var våren'), q('vår')], '9'],
    ['indexof', [q('\u{1F367}\u{1F368}\u{1F9C1}\u{1F370}\u{1F36E}'), q('\u{1F36E}')], '4'],
    ['indexof', [q('\u{1F367}\u{1F368}\u{1F9C1}\u{1F370}\u{1F36E}'), q('\u{1F367}\u{1F368}\u{1F9C1}\u{1F370}\u{1F36E}')], '0'],
    ['indexof', ['"abc"', '""'], err('indexof: empty search character')],
    ['indexof', ['"abc"', '1'], err('indexof: operand 2 must be string but got number')],
    ['indexof_n', ['"dogcat"', '"cat"'], '[3]'],
    ['indexof_n', ['"dogcatdogcat"', '"cat"'], '[3, 9]'],
    ['indexof_n', ['"dogcat"', '"rabbit"'], '[]'],
    ['indexof_n', ['"aaa"', '"aa"'], '[0, 1]'],
    ['indexof_n', [q('\u{1F607}\u{1F600}\u{1F607}\u{1F600}\u{1F607}\u{1F600}'), q('\u{1F600}')], '[1, 3, 5]'],
    ['indexof_n', [q('\u{1F607}\u{1F600}\u{1F607}\u{1F600}\u{1F607}\u{1F600}'), q('\u{1F602}')], '[]'],
    ['indexof_n', ['"abc"', '""'], err('indexof_n: empty search character')],
  ]));

  it('lower and upper, Unicode aware', () => check([
    ['lower', ['"AbCdEf"'], q('abcdef')],
    ['upper', ['"AbCdEf"'], q('ABCDEF')],
    ['upper', [q('héllo wörld ÿ')], q('HÉLLO WÖRLD Ÿ')],
    ['lower', [q('ÀÉÎÕÜ ĀĞŁŒŽ')], q('àéîõü āğłœž')],
    ['upper', [q('αβγ ώ ϊ')], q('ΑΒΓ Ώ Ϊ')],
    ['lower', [q('ΣΟΦΟΣ')], q('σοφοσ')], // Go has no final-sigma rule
    ['upper', [q('привет ёж')], q('ПРИВЕТ ЁЖ')],
    ['upper', [q('ß ŉ ı ſ')], q('ß ŉ I S')],
    ['lower', [q('İ K Å')], q('i k å')], // U+0130, Kelvin sign, Angstrom sign
    ['upper', [q('ǆ ǅ')], q('Ǆ Ǆ')],
    ['lower', [q('ǅ Ⓐ')], q('ǆ ⓐ')],
    ['upper', [q('ȿ ɐ')], q('Ȿ Ɐ')], // 2-byte runes whose capitals take 3 bytes
    ['lower', [q('\u{10400}\u{1E900}')], q('\u{10428}\u{1E922}')],
    ['lower', [q('\u{10570}')], q('\u{10597}')], // Unicode 14 Vithkuqi
    ['upper', ['1'], err('upper: operand 1 must be string but got number')],
    ['lower', ['null'], err('lower: operand 1 must be string but got null')],
  ]));

  it('lower replaces invalid UTF-8 with U+FFFD as Go does', () => {
    expect(h.callAddrs('lower', h.bytes([0x41, 0xff, 0x42]))).toEqual({ value: q('a\uFFFDb') });
  });

  it('replace (Go strings.Replace, all occurrences)', () => check([
    ['replace', ['"foo.bar"', '"."', '","'], q('foo,bar')],
    ['replace', ['"foo.bar.baz"', '"."', '","'], q('foo,bar,baz')],
    ['replace', ['"foo...bar"', '".."', '",,"'], q('foo,,.bar')],
    ['replace', ['"abc"', '"x"', '"y"'], q('abc')],
    ['replace', ['"ab"', '""', '"-"'], q('-a-b-')],
    ['replace', [q('åb'), '""', '"-"'], q('-å-b-')],
    ['replace', ['"aaaa"', '"aa"', '"a"'], q('aa')],
    ['replace', ['1', '"a"', '"b"'], err('replace: operand 1 must be string but got number')],
    ['replace', ['"a"', '1', '"b"'], err('replace: operand 2 must be string but got number')],
    ['replace', ['"a"', '"a"', 'false'], err('replace: operand 3 must be string but got boolean')],
  ]));

  it('strings.replace_n (Go strings.NewReplacer over the sorted patterns)', () => check([
    ['strings.replace_n', ['{"<": "&lt;", ">": "&gt;"}', '"<a>"'], q('&lt;a&gt;')],
    ['strings.replace_n', ['{"a": "1", "ab": "2"}', '"abab"'], q('1b1b')],
    ['strings.replace_n', ['{"ab": "2", "b": "3"}', '"abb"'], q('23')],
    ['strings.replace_n', ['{"a": "b", "b": "a"}', '"abba"'], q('baab')],
    ['strings.replace_n', ['{"": "-"}', '"ab"'], q('-a-b-')],
    ['strings.replace_n', ['{"": "-", "b": "B"}', '"abc"'], q('-a-B-c-')],
    ['strings.replace_n', ['{}', '"abc"'], q('abc')],
    ['strings.replace_n', ['{"foo": "bar"}', '"foofoo"'], q('barbar')],
    ['strings.replace_n', ['[]', '"a"'], err('strings.replace_n: operand 1 must be object but got array')],
    ['strings.replace_n', ['{"a": "b"}', '1'], err('strings.replace_n: operand 2 must be string but got number')],
    ['strings.replace_n', ['{1: "b"}', '"a"'], err('strings.replace_n: operand 1 non-string key found in pattern object')],
    ['strings.replace_n', ['{"a": 1}', '"a"'], err('strings.replace_n: operand 1 non-string value found in pattern object')],
  ]));

  it('split (conformance)', () => check([
    ['split', ['""', '"."'], '[""]'],
    ['split', ['"test"', '""'], '["t", "e", "s", "t"]'],
    ['split', ['""', '""'], '[]'],
    ['split', ['"foo"', '"."'], '["foo"]'],
    ['split', ['"foo.bar.baz"', '"."'], '["foo", "bar", "baz"]'],
    ['split', ['"a..b"', '"."'], '["a", "", "b"]'],
    ['split', ['".a."', '"."'], '["", "a", ""]'],
    ['split', [q('åä'), '""'], '["å", "ä"]'],
    ['split', ['1', '"."'], err('split: operand 1 must be string but got number')],
    ['split', ['"a"', 'null'], err('split: operand 2 must be string but got null')],
  ]));

  it('strings.split_n (conformance strings/split_n)', () => check([
    ['strings.split_n', ['"a.b.c.d"', '"."', '2'], '["a", "b"]'],
    ['strings.split_n', ['"a.b.c.d"', '"."', '1'], '["a"]'],
    ['strings.split_n', ['"a.b.c.d"', '"."', '4'], '["a", "b", "c", "d"]'],
    ['strings.split_n', ['"a.b.c.d"', '"."', '10'], '["a", "b", "c", "d"]'],
    ['strings.split_n', ['"a.b.c.d"', '"."', '0'], '[]'],
    ['strings.split_n', ['"a.b.c.d"', '"."', '-2'], '["c", "d"]'],
    ['strings.split_n', ['"a.b.c.d"', '"."', '-1'], '["d"]'],
    ['strings.split_n', ['"a.b.c.d"', '"."', '-4'], '["a", "b", "c", "d"]'],
    ['strings.split_n', ['"a.b.c.d"', '"."', '-10'], '["a", "b", "c", "d"]'],
    ['strings.split_n', ['"abc"', '"."', '2'], '["abc"]'],
    ['strings.split_n', ['"abc"', '"."', '-2'], '["abc"]'],
    ['strings.split_n', ['""', '"."', '2'], '[""]'],
    ['strings.split_n', ['"abc"', '""', '2'], '["a", "b"]'],
    ['strings.split_n', ['"abc"', '""', '-2'], '["b", "c"]'],
    ['strings.split_n', ['"alice;alice@example.com;admin;active"', '";"', '2'], '["alice", "alice@example.com"]'],
    ['strings.split_n', ['"admin;active;alice;alice@example.com"', '";"', '-2'], '["alice", "alice@example.com"]'],
    ['strings.split_n', ['"a.b.c"', '"."', '1.5'], err('strings.split_n: operand 3 must be integer number but got floating-point number')],
    ['strings.split_n', ['"a.b.c"', '"."', '"1"'], err('strings.split_n: operand 3 must be number but got string')],
  ]));

  it('substring counts code points (conformance)', () => check([
    ['substring', ['"abcdefgh"', '2', '-1'], q('cdefgh')],
    ['substring', [q('aåäö'), '2', '-1'], q('äö')],
    ['substring', ['"abcdefgh"', '2', '10000'], q('cdefgh')],
    ['substring', [q('abcdefghåäö'), '2', '10000'], q('cdefghåäö')],
    ['substring', ['"aaa"', '4', '-1'], q('')],
    ['substring', [q('åäö'), '4', '-1'], q('')],
    ['substring', ['"abcdef"', '1', '3'], q('bcd')],
    ['substring', [q('åäöü'), '1', '2'], q('äö')],
    ['substring', ['"abc"', '0', '0'], q('')],
    ['substring', ['""', '0', '5'], q('')],
    ['substring', ['"abc"', '-1', '1'], err('substring: negative offset')],
    ['substring', ['"abc"', '1.5', '1'], err('substring: operand 2 must be integer number but got floating-point number')],
    ['substring', ['"abc"', '1', '1.0'], err('substring: operand 3 must be integer number but got floating-point number')],
    ['substring', ['"abc"', '"1"', '1'], err('substring: operand 2 must be number but got string')],
    ['substring', ['1', '1', '1'], err('substring: operand 1 must be string but got number')],
  ]));

  it('trim and friends (conformance)', () => check([
    ['trim', ['""', '"."'], q('')],
    ['trim', ['"...foo.bar"', '"."'], q('foo.bar')],
    ['trim', ['"...foo.bar..."', '"."'], q('foo.bar')],
    ['trim', ['"...foo.bar..."', '".o"'], q('foo.bar')],
    ['trim', ['"..."', '"."'], q('')],
    ['trim', ['"abc"', '""'], q('abc')],
    ['trim', [q('¡¡hola!!'), q('!¡')], q('hola')],
    ['trim_left', ['"...foo..."', '"."'], q('foo...')],
    ['trim_right', ['"...foo..."', '"."'], q('...foo')],
    ['trim_right', [q('xåå'), q('å')], q('x')],
    ['trim_prefix', ['"foo.bar"', '"foo."'], q('bar')],
    ['trim_prefix', ['"foo.bar"', '"bar"'], q('foo.bar')],
    ['trim_suffix', ['"foo.bar"', '".bar"'], q('foo')],
    ['trim_suffix', ['"foo.bar"', '"foo"'], q('foo.bar')],
    ['trim_space', [q(' \t\n foo bar \r\n')], q('foo bar')],
    ['trim_space', [q('\u00a0\u3000x\u2028\u0085')], q('x')],
    ['trim_space', [q('\u200bx')], q('\u200bx')], // zero-width space is not white space
    ['trim_space', ['"   "'], q('')],
    ['trim', ['1', '"."'], err('trim: operand 1 must be string but got number')],
    ['trim_left', ['"a"', '1'], err('trim_left: operand 2 must be string but got number')],
    ['trim_right', ['[]', '"a"'], err('trim_right: operand 1 must be string but got array')],
    ['trim_prefix', ['"a"', 'null'], err('trim_prefix: operand 2 must be string but got null')],
    ['trim_suffix', ['true', '"a"'], err('trim_suffix: operand 1 must be string but got boolean')],
    ['trim_space', ['1'], err('trim_space: operand 1 must be string but got number')],
  ]));

  it('trim cuts invalid UTF-8 only when the cutset has U+FFFD', () => {
    const s = h.bytes([0xff, 0x61, 0xff]);
    expect(h.callAddrs('trim', s, h.rt.str('\uFFFD'))).toEqual({ value: q('a') });
    const untouched = h.rt.exports.b_trim(s, h.rt.str('x'));
    expect(h.callAddrs('equal', untouched, s)).toEqual({ value: 'true' });
  });

  it('strings.reverse and strings.count (conformance)', () => check([
    ['strings.reverse', ['"abc"'], q('cba')],
    ['strings.reverse', [q('åäö!')], q('!öäå')],
    ['strings.reverse', ['""'], q('')],
    ['strings.reverse', [q('a\u{1F600}b')], q('b\u{1F600}a')],
    ['strings.reverse', ['1'], err('strings.reverse: operand 1 must be string but got number')],
    ['strings.count', ['"cheese"', '"e"'], '3'],
    ['strings.count', ['"hello hello hello world"', '"hello"'], '3'],
    ['strings.count', ['"dummy"', '"x"'], '0'],
    ['strings.count', ['"dummy"', '""'], '6'],
    ['strings.count', ['""', '""'], '1'],
    ['strings.count', ['""', '"x"'], '0'],
    ['strings.count', ['"11111"', '"11"'], '2'],
    ['strings.count', ['"11111"', '"11111"'], '1'],
    ['strings.count', [q('åäö'), '""'], '4'],
    ['strings.count', ['1', '"a"'], err('strings.count: operand 1 must be string but got number')],
  ]));

  it('strings.any_prefix_match and strings.any_suffix_match (conformance)', () => check([
    ['strings.any_prefix_match', ['["a/b/c", "a/b/d", "e/f/g"]', '["a/", "d/"]'], 'true'],
    ['strings.any_prefix_match', ['["a/b/c", "a/b/d", "e/f/g"]', '["f/", "d/"]'], 'false'],
    ['strings.any_prefix_match', ['["a/b/c", "a/b/d", "e/f/g"]', '["a/b/", "a/"]'], 'true'],
    ['strings.any_prefix_match', ['["aa/bb/cc", "aa/bb/dd", "ee/ff/gg"]', '["aa/b", "e/f"]'], 'true'],
    ['strings.any_prefix_match', ['["aa/bb/cc", "aa/bb/dd", "ee/ff/gg"]', '["a/b", "e/f"]'], 'false'],
    ['strings.any_prefix_match', ['[]', '["a/b"]'], 'false'],
    ['strings.any_prefix_match', ['["a/b/c"]', '[]'], 'false'],
    ['strings.any_prefix_match', ['["a/b/c", "a/b/d"]', '"a/"'], 'true'],
    ['strings.any_prefix_match', ['"a/b/c"', '["g/", "d/"]'], 'false'],
    ['strings.any_prefix_match', ['{"a/b/c", "e/f/g"}', '{"a/", "d/"}'], 'true'],
    ['strings.any_prefix_match', ['["a/b/c", "", "e/f/g"]', '["z/"]'], 'false'],
    ['strings.any_prefix_match', ['["a/b/c", "", "e/f/g"]', '[""]'], 'true'],
    ['strings.any_prefix_match', ['["1", "2", "3"]', '["f/", "d/"]'], 'false'],
    ['strings.any_prefix_match', ['[1, 2, 3]', '["f/", "d/"]'],
      err('strings.any_prefix_match: operand 1 must be array of strings but got array containing number')],
    ['strings.any_prefix_match', ['1', '["f/", "d/"]'],
      err('strings.any_prefix_match: operand 1 must be one of {string, set, array} but got number')],
    ['strings.any_prefix_match', ['["a/b/c"]', '[1, 2]'],
      err('strings.any_prefix_match: operand 2 must be array of strings but got array containing number')],
    ['strings.any_prefix_match', ['["a/b/c"]', '1'],
      err('strings.any_prefix_match: operand 2 must be one of {string, set, array} but got number')],
    ['strings.any_prefix_match', ['{"a", 1}', '"a"'],
      err('strings.any_prefix_match: operand 1 must be set of strings but got set containing number')],
    ['strings.any_suffix_match', ['["a/b/c", "e/f/g"]', '["/c", "/x"]'], 'true'],
    ['strings.any_suffix_match', ['["a/b/c", "e/f/g"]', '["/x"]'], 'false'],
    ['strings.any_suffix_match', ['"a/b/c"', '"b/c"'], 'true'],
    ['strings.any_suffix_match', ['{"x.y"}', '{"y", "z"}'], 'true'],
    ['strings.any_suffix_match', ['[1]', '["x"]'],
      err('strings.any_suffix_match: operand 1 must be array of strings but got array containing number')],
    ['strings.any_suffix_match', ['1', '"x"'],
      err('strings.any_suffix_match: operand 1 must be one of {string, set, array} but got number')],
    ['strings.any_suffix_match', ['"x"', '[1, 2]'],
      err('strings.any_suffix_match: operand 2 must be array of strings but got array containing number')],
    ['strings.any_suffix_match', ['"x"', '1'],
      err('strings.any_suffix_match: operand 2 must be one of {string, set, array} but got number')],
  ]));
});

// ---- sprintf ---------------------------------------------------------------------------

describe('sprintf', () => {
  const cases: [format: string, args: string, want: string][] = [
    // conformance strings/sprintf
    ['hi %s', '["there"]', 'hi there'],
    ['hi %02X.%02X', '[127, 1]', 'hi 7F.01'],
    ['hi %.2f', '[3.1415]', 'hi 3.14'],
    ['hi %s', '[true]', 'hi true'],
    ['hi %v', '[["there", 5, 3.14]]', 'hi ["there", 5, 3.14]'],
    // %v and %s
    ['%v', '["str"]', 'str'],
    ['%v %v %v', '[1, -2.5, null]', '1 -2.5 null'],
    ['%v', '[{"a": [1, {"b": set()}]}]', '{"a": [1, {"b": set()}]}'],
    ['%v', '[{3, 1, "x"}]', '{1, 3, "x"}'],
    ['%s', '[{"k": "v"}]', '{"k": "v"}'],
    ['%s', '[["a\\nb"]]', '["a\\nb"]'],
    ['%v', '[3.0]', '3'],
    ['%v', '[0.1]', '0.1'],
    ['%v', '[123456.0]', '123456'],
    ['%v', '[1000000.0]', '1e+06'],
    ['%v', '[1.5e-7]', '1.5e-07'],
    ['%v', '[0.0001]', '0.0001'],
    ['%v', '[1e15]', '1e+15'],
    ['%v', '[-2.5e-10]', '-2.5e-10'],
    ['%v', '[9223372036854775807]', '9223372036854775807'],
    ['%v', '[-9223372036854775808]', '-9223372036854775808'],
    // integral floats of 2^63 and more stand for OPA's big integers
    ['%v', '[1e20]', '100000000000000000000'],
    ['%v', '[-1e30]', '-1000000000000000019884624838656'],
    ['%s', '[18446744073709551616]', '18446744073709551616'],
    ['%d', '[18446744073709551616]', '18446744073709551616'],
    ['%x', '[18446744073709551616]', '10000000000000000'],
    ['%+d', '[18446744073709551616]', '+18446744073709551616'],
    ['%25d|', '[18446744073709551616]', '     18446744073709551616|'],
    ['%q', '[18446744073709551616]', '%!q(big.Int=18446744073709551616)'],
    // %d and friends on ints
    ['%d', '[42]', '42'],
    ['%d', '[-42]', '-42'],
    ['%5d|%-5d|%05d', '[42, 42, 42]', '   42|42   |00042'],
    ['%+d %+d', '[5, -5]', '+5 -5'],
    ['% d|% d', '[5, -5]', ' 5|-5'],
    ['%05d', '[-42]', '-0042'],
    ['%+05d', '[42]', '+0042'],
    ['%.3d|%6.3d|%-6.3d|', '[7, 7, 7]', '007|   007|007   |'],
    ['%.0d|%5.0d|', '[0, 0]', '|     |'],
    ['%x %X %o %b', '[255, 255, 8, 5]', 'ff FF 10 101'],
    ['%#x %#X %#o %#b %O', '[255, 255, 8, 5, 8]', '0xff 0XFF 010 0b101 0o10'],
    ['%#08x', '[255]', '0x000000ff'], // Go's zero padding does not count the 0x
    ['%x', '[-255]', '-ff'],
    ['%c%c%c', '[72, 233, 128512]', 'Hé😀'],
    ['%q', '[65]', "'A'"],
    ['%q', '[10]', "'\\n'"],
    ['%U', '[128512]', 'U+1F600'],
    ['%#U', '[65]', "U+0041 'A'"],
    ['%U', '[10]', 'U+000A'],
    ['%+v', '[5]', '5'],
    // floats
    ['%f', '[3.14159]', '3.141590'],
    ['%.2f', '[2.675]', '2.67'], // exact binary value is below the halfway point
    ['%.1f', '[0.25]', '0.2'], // ties round to even on the exact value
    ['%.0f', '[2.5]', '2'],
    ['%.0f', '[3.5]', '4'],
    ['%.3f', '[1e-10]', '0.000'],
    ['%8.3f|%-8.3f|%08.3f', '[3.14159, 3.14159, -3.14159]', '   3.142|3.142   |-003.142'],
    ['%+.1f', '[2.0]', '+2.0'],
    ['%e', '[123456.789]', '1.234568e+05'],
    ['%E', '[0.000123]', '1.230000E-04'],
    ['%.2e', '[1e100]', '1.00e+100'],
    ['%g|%.1f', '[1e21, 1e21]', '1e+21|1000000000000000000000.0'],
    ['%g', '[100000.0]', '100000'],
    ['%g', '[1e6]', '1e+06'],
    ['%g', '[0.00001234]', '1.234e-05'],
    ['%.3g', '[3.14159]', '3.14'],
    ['%.3g', '[1234.5]', '1.23e+03'],
    ['%G', '[1e-10]', '1E-10'],
    ['%#g', '[1.0]', '1.00000'],
    ['%#.0f', '[3.0]', '3.'],
    ['%f', '[5]', '%!f(int=5)'],
    ['%d', '[3.5]', '%!d(float64=3.5)'],
    ['%s', '[3.5]', '%!s(float64=3.5)'],
    ['%x', '[1.5]', '0x1.8p+00'],
    ['%.3v', '[3.14159]', '3.14'],
    ['%b', '[1.0]', '4503599627370496p-52'],
    // strings
    ['%q', '["hi \\"there\\"\\n"]', '"hi \\"there\\"\\n"'],
    ['%q', `[${q('é\u00a0\u200b\u{1F600}\u0007')}]`, '"é\\u00a0\\u200b😀\\a"'],
    ['%+q', `[${q('é😀')}]`, '"\\u00e9\\U0001f600"'],
    ['%#q', '["back`q"]', '"back`q"'],
    ['%#q', '["plain"]', '`plain`'],
    ['%q', '[["a", 1]]', '"[\\"a\\", 1]"'],
    ['%x', '["hi"]', '6869'],
    ['% X', '["hi"]', '68 69'],
    ['%#x', '["hi"]', '0x6869'],
    ['%.1s|%.5s', '["héllo", "hé"]', 'h|hé'],
    ['%5s|%-5s|%05s', '["é", "é", "é"]', '    é|é    |    é'],
    ['%5.1s|', '["abc"]', '    a|'],
    ['%d', '["x"]', '%!d(string=x)'],
    ['%d', '[true]', '%!d(string=true)'],
    ['%t', '[true]', '%!t(string=true)'],
    ['%#v', '["x"]', '"x"'],
    // argument handling
    ['%v %v', '[1]', '1 %!v(MISSING)'],
    ['%d', '[]', '%!d(MISSING)'],
    ['%v', '[1, "a", 2.5]', '1%!(EXTRA string=a, float64=2.5)'],
    ['plain', '[[1]]', 'plain%!(EXTRA string=[1])'],
    ['100%%', '[]', '100%'],
    ['%5%|', '[]', '%|'],
    ['abc%', '[]', 'abc%!(NOVERB)'],
    ['%z', '[1]', '%!z(int=1)'],
    ['%[2]v %[1]v', '["a", "b"]', 'b a'],
    ['%[3]v', '[1]', '%!v(BADINDEX)'],
    ['%[1]v %v', '[1, 2]', '1 2'],
    ['%*d|%-*d|', '[5, 1, 3, 2]', '    1|2  |'],
    ['%.*f', '[2, 3.14159]', '3.14'],
    ['%*d', '["x", 1]', '%!(BADWIDTH)1'],
    ['%T %T %T %T %T', '[1, 1.5, "s", [1], 18446744073709551616]', 'int float64 string string *big.Int'],
    ['%d', '[5]', '5'],
    ['', '[]', ''],
    ['%v|%v', '["ü", "\u{1F600}"]', 'ü|😀'],
    ['%é', '[1]', '%!é(int=1)'],
  ];

  it('formats as Go fmt does for OPA\'s argument types', () => {
    for (const [format, args, want] of cases) {
      expect(sprintf(format, args), `sprintf(${JSON.stringify(format)}, ${args})`).toBe(want);
    }
  });

  it('type errors', () => check([
    ['sprintf', ['1', '[]'], err('sprintf: operand 1 must be string but got number')],
    ['sprintf', ['"%v"', '{1}'], err('sprintf: operand 2 must be array but got set')],
    ['sprintf', ['"%v"', '"x"'], err('sprintf: operand 2 must be array but got string')],
  ]));

  it('gatekeeper-style messages', () => {
    expect(sprintf('Container <%v> has no resource limits', '["nginx"]')).toBe('Container <nginx> has no resource limits');
    expect(sprintf('container <%v> cpu limit <%v> is higher than the maximum allowed of <%v>', '["app", "2", "1"]'))
      .toBe('container <app> cpu limit <2> is higher than the maximum allowed of <1>');
    expect(sprintf('you must provide labels: %v', '[{"owner", "team"}]')).toBe('you must provide labels: {"owner", "team"}');
    expect(sprintf('%v is not allowed, allowed: %v', '["x", ["a", "b"]]')).toBe('x is not allowed, allowed: ["a", "b"]');
    expect(sprintf('replicas %d < %d', '[1, 3]')).toBe('replicas 1 < 3');
  });
});
