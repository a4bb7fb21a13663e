// The runtime core on its own: src/runtime/runtime.wasm loaded directly (no
// generated code), driven through its exports.
import { describe, it, expect, beforeEach } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  loadRuntime, moduleSignatures, readValue, staticDataEnd, RUNTIME_WASM, type Runtime,
} from './helpers/runtime-harness';
import { RUNTIME_FUNCTIONS, RUNTIME_IMPORTS } from '../src/compiler/backend/runtime-abi';

let rt: Runtime;
beforeEach(() => { rt = loadRuntime(); });

/** parse → dump */
const roundTrip = (text: string): string => {
  const v = rt.parse(text);
  if (v === 0) throw new Error(`did not parse: ${text}`);
  return rt.dump(v);
};

/** A float value built directly, dumped. */
const floatText = (f: number): string => rt.dump(rt.exports.rt_float(f));

describe('module contract', () => {
  const bytes = readFileSync(RUNTIME_WASM);
  const { imports, exports } = moduleSignatures(bytes);

  it('exports every runtime function with the contract signature', () => {
    for (const [name, sig] of Object.entries(RUNTIME_FUNCTIONS)) {
      expect(exports.get(name), name).toEqual({ params: sig.params, results: sig.results });
    }
  });

  it('imports env.memory and exactly the contract functions, in order', () => {
    const mem = imports.filter((i) => i.kind === 2);
    expect(mem).toEqual([{ module: 'env', name: 'memory', kind: 2 }]);
    const funcs = imports.filter((i) => i.kind === 0);
    expect(funcs.map((i) => ({ module: i.module, name: i.name, sig: i.sig }))).toEqual(
      RUNTIME_IMPORTS.map((i) => ({
        module: 'env', name: i.name, sig: { params: [...i.params], results: [...i.results] },
      })),
    );
    // function imports come before memory or after: indices 0..6 are the functions
    expect(imports.filter((i) => i.kind === 0).length).toBe(7);
  });

  it('has no start function', () => {
    // section id 8 is the start section
    let pos = 8;
    const leb = () => {
      let r = 0, s = 0, b: number;
      do { b = bytes[pos++]!; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80);
      return r >>> 0;
    };
    const ids: number[] = [];
    while (pos < bytes.length) {
      ids.push(bytes[pos++]!);
      const size = leb();
      pos += size;
    }
    expect(ids).not.toContain(8);
  });

  it('reserves the shadow stack as static data', () => {
    expect(staticDataEnd(bytes)).toBe(loadRuntime().exports.rt_static_end());
  });

  it('exports the host-call wrappers', () => {
    for (const n of ['rt_abort', 'rt_println', 'rt_builtin0', 'rt_builtin1', 'rt_builtin2', 'rt_builtin3', 'rt_builtin4']) {
      expect(exports.has(n), n).toBe(true);
    }
  });
});

describe('JSON round trips', () => {
  const cases: [string, string][] = [
    ['null', 'null'],
    ['true', 'true'],
    ['false', 'false'],
    ['0', '0'],
    ['-0', '0'],
    ['42', '42'],
    ['-17', '-17'],
    ['9223372036854775807', '9223372036854775807'],
    ['-9223372036854775808', '-9223372036854775808'],
    // integers past i64 stay exact (OPA's big.Int); numbers past f64 stay as written
    ['9223372036854775808', '9223372036854775808'],
    ['-9223372036854775809', '-9223372036854775809'],
    ['12345678901234567890123', '12345678901234567890123'],
    ['-340282366920938463463374607431768211456', '-340282366920938463463374607431768211456'],
    ['1e400', '1e400'],
    ['-2.5E+999', '-2.5E+999'],
    ['1.5', '1.5'],
    ['-2.25', '-2.25'],
    ['3.0', '3'],
    ['1e2', '100'],
    ['1E2', '100'],
    ['1e+2', '100'],
    ['0.1', '0.1'],
    ['1e21', '1e+21'],
    ['1e20', '100000000000000000000'],
    ['1e-7', '1e-07'],
    ['0.000001', '0.000001'],
    ['1.5e-10', '1.5e-10'],
    ['1.7976931348623157e308', '1.7976931348623157e+308'],
    ['5e-324', '5e-324'],
    ['2.2250738585072014e-308', '2.2250738585072014e-308'],
    ['123456789.125', '123456789.125'],
    ['-0.0', '-0'],
    ['""', '""'],
    ['"hello"', '"hello"'],
    ['"a\\"b\\\\c\\/d"', '"a\\"b\\\\c/d"'],
    ['"\\b\\f\\n\\r\\t"', '"\\b\\f\\n\\r\\t"'],
    ['"\\u0000\\u001f\\u007f"', '"\\u0000\\u001f\u007f"'],
    ['"\\u00e9\\u4e2d"', '"é中"'],
    ['"\\ud83d\\ude00"', '"😀"'],
    ['"😀 é 中"', '"😀 é 中"'],
    ['"\\ud800"', '"\ufffd"'],
    ['"\\udc00x"', '"\ufffdx"'],
    ['"\\ud83dx"', '"\ufffdx"'],
    ['"<>&"', '"<>&"'],
    ['"a long string with no escapes at all, longer than thirty-two bytes"', '"a long string with no escapes at all, longer than thirty-two bytes"'],
    ['[]', '[]'],
    ['{}', '{}'],
    ['[1,"a",null,true,[],{}]', '[1,"a",null,true,[],{}]'],
    [' \n\t\r[ 1 , 2 ]\n ', '[1,2]'],
    ['{"b":1,"a":2,"c":{"z":[1,{"y":null,"x":false}]}}', '{"a":2,"b":1,"c":{"z":[1,{"x":false,"y":null}]}}'],
    ['{"a":1,"a":2}', '{"a":2}'],
    ['{"b":1,"a":1,"b":3,"a":4}', '{"a":4,"b":3}'],
    ['{"ab":1,"a":2,"":3,"b":4,"aa":5}', '{"":3,"a":2,"aa":5,"ab":1,"b":4}'],
    ['{"é":1,"z":2}', '{"z":2,"é":1}'],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => {
      expect(roundTrip(input)).toBe(expected);
    });
  }

  it('round-trips documents JSON.parse agrees with', () => {
    const docs = [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] } },
      { deep: [[[[[[[[[[1]]]]]]]]]] },
      { unicode: 'Grüße, 世界! 🎉 \u2028\u2029', ctrl: '\u0001\u0002\u001b' },
      { nums: [0, -1, 1.25, 1e100, -1e-100, 123456789012, 0.30000000000000004] },
      [null, true, false, '', {}, []],
    ];
    for (const doc of docs) {
      const out = roundTrip(JSON.stringify(doc));
      expect(JSON.parse(out)).toEqual(doc);
    }
  });

  it('sorts keys of large objects (merge sort path) and keeps the last duplicate', () => {
    const keys: string[] = [];
    let seed = 12345;
    const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
    for (let i = 0; i < 500; i++) keys.push(`k${rnd() % 300}-${rnd() % 7}`);
    const text = '{' + keys.map((k, i) => `"${k}":${i}`).join(',') + '}';
    const expected = new Map<string, number>();
    keys.forEach((k, i) => expected.set(k, i));
    const sorted = [...expected.keys()].sort();
    const out = roundTrip(text);
    expect(out).toBe('{' + sorted.map((k) => `"${k}":${expected.get(k)}`).join(',') + '}');
  });

  it('handles arrays larger than the scratch stack', () => {
    const arr = Array.from({ length: 20000 }, (_, i) => i);
    const doc = { a: arr, b: [arr.slice(0, 100)] };
    expect(JSON.parse(roundTrip(JSON.stringify(doc)))).toEqual(doc);
  });

  it('grows memory for large documents', () => {
    const doc = Array.from({ length: 3000 }, (_, i) => ({ name: `item-${i}`, value: 'x'.repeat(100), n: i }));
    const before = rt.memory.buffer.byteLength;
    expect(JSON.parse(roundTrip(JSON.stringify(doc)))).toEqual(doc);
    expect(rt.memory.buffer.byteLength).toBeGreaterThan(before);
  });

  it('parses deep nesting', () => {
    const depth = 1000;
    const text = '['.repeat(depth) + ']'.repeat(depth);
    expect(roundTrip(text)).toBe(text);
  });

  it('reads ints and floats as the right kinds', () => {
    expect(readValue(rt, rt.parse('[1, 1.0, -5, 1e2, 9223372036854775808, -18446744073709551617, 9223372036854775808.0, 1e309]'))).toEqual([
      { int: 1n }, { float: 1 }, { int: -5n }, { float: 100 }, { big: 9223372036854775808n }, { big: -18446744073709551617n },
      { float: 9223372036854775808 }, { numtext: '1e309' },
    ]);
  });

  it('parses floats to the exact double', () => {
    let seed = 987654321;
    const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    const samples: number[] = [0.1, 0.2, 0.3, 1 / 3, 2 / 3, Math.PI, Math.E, 1e23, 8.41e21, 5e-324, 1.7976931348623157e308,
      2.2250738585072011e-308, 4.9406564584124654e-324, 9007199254740993, 123456.789e-300];
    for (let i = 0; i < 3000; i++) {
      const mag = Math.floor(rnd() * 40) - 20;
      samples.push((rnd() - 0.5) * 10 ** mag);
    }
    for (let i = 0; i < 500; i++) {
      const mag = Math.floor(rnd() * 600) - 300;
      samples.push(rnd() * 10 ** mag);
    }
    let wrong = 0;
    const bad: string[] = [];
    for (const x of samples) {
      const text = String(x);
      const v = rt.parse(text);
      const got = readValue(rt, v);
      const f = typeof got === 'object' && got !== null && 'float' in got ? got.float
        : typeof got === 'object' && got !== null && 'int' in got ? Number(got.int)
        : typeof got === 'object' && got !== null && 'big' in got ? Number(got.big) : NaN;
      if (!Object.is(f, x)) { wrong++; if (bad.length < 5) bad.push(`${text} → ${f}`); }
    }
    // Clinger's fast path is exact; the fallback may be one ulp off in rare cases.
    expect(wrong, bad.join('; ')).toBeLessThanOrEqual(samples.length / 200);
  });

  it('parses the common fast-path floats exactly', () => {
    for (const text of ['0.1', '0.5', '2.5e-3', '123.456', '1e22', '9007199254740992.0', '1.5e300', '3.14159']) {
      const got = readValue(rt, rt.parse(text)) as { float: number };
      expect(got.float, text).toBe(Number(text));
    }
  });

  it('dumps floats as Go prints them', () => {
    const cases: [number, string][] = [
      [0.1, '0.1'], [1.5, '1.5'], [3, '3'], [-3, '-3'], [1e21, '1e+21'], [1e-7, '1e-07'],
      [1.5e-7, '1.5e-07'], [1e100, '1e+100'], [1.25e-100, '1.25e-100'], [0, '0'], [-0, '-0'],
      [0.000001, '0.000001'], [123456789.5, '123456789.5'], [1e20, '100000000000000000000'],
      [NaN, 'null'], [Infinity, 'null'], [2 ** 53, '9007199254740992'],
    ];
    for (const [f, s] of cases) expect(floatText(f), String(f)).toBe(s);
  });

  it('dumps ints at the extremes', () => {
    expect(rt.dump(rt.exports.rt_int(-9223372036854775808n))).toBe('-9223372036854775808');
    expect(rt.dump(rt.exports.rt_int(9223372036854775807n))).toBe('9223372036854775807');
    expect(rt.dump(rt.exports.rt_int(0n))).toBe('0');
    expect(rt.dump(rt.exports.rt_int(-7n))).toBe('-7');
  });

  it('rejects malformed JSON with 0', () => {
    const bad = [
      '', ' ', 'x', 'nul', 'tru', 'fals', 'truee', '[1,]', '[,1]', '[1 2]', '{"a" 1}', '{"a":}', '{a:1}',
      '{"a":1,}', '{,}', '{"a":1', '[1', '"abc', '"a\\x"', '"\\u12"', '"\\u12g4"', '01', '1.', '.5', '-', '+1',
      '1e', '1e+', '--1', '{"a":1}x', '[1]]', '"a\nb"', '"\t"', 'set()', '{1,2}', "'a'", 'NaN', 'Infinity',
      '{"a":1 "b":2}', '[1,2,3', '[[]', '{"a":{"b":1}',
    ];
    for (const text of bad) expect(rt.parse(text), JSON.stringify(text)).toBe(0);
  });

  it('drops what a failed parse allocated', () => {
    const [addr, n] = rt.write('[1,2,3,"abc",{"a":[1,2,x]}]');
    const top = rt.exports.opa_heap_ptr_get();
    expect(rt.exports.opa_json_parse(addr, n)).toBe(0);
    expect(rt.exports.opa_heap_ptr_get()).toBe(top);
  });

  it('parses input written at the host heap pointer (the SDK fast path layout)', () => {
    const text = '{"b":"x\\ny","a":[1.5,2]}';
    const bytes = new TextEncoder().encode(text);
    const addr = rt.exports.opa_heap_ptr_get();
    new Uint8Array(rt.memory.buffer).set(bytes, addr);
    rt.exports.opa_heap_ptr_set(addr + bytes.length);
    const v = rt.exports.opa_json_parse(addr, bytes.length);
    expect(rt.dump(v)).toBe('{"a":[1.5,2],"b":"x\\ny"}');
  });
});

describe('Rego values', () => {
  const cases: [string, string, string][] = [
    // input, opa_value_dump, opa_json_dump
    ['{1, 2, 3}', '{1, 2, 3}', '[1,2,3]'],
    ['{3, 1, 2, 1}', '{1, 2, 3}', '[1,2,3]'],
    ['set()', 'set()', '[]'],
    ['{}', '{}', '{}'],
    ['{"b": 1, "a": [1, 2]}', '{"a": [1, 2], "b": 1}', '{"a":[1,2],"b":1}'],
    ['{1: "x", "a": 2}', '{1: "x", "a": 2}', '{"1":"x","a":2}'],
    ['{[1, 2]: {3}}', '{[1, 2]: {3}}', '{"[1,2]":[3]}'],
    ['{{1}: 1}', '{{1}: 1}', '{"[1]":1}'],
    ['[set(), {"a"}, {"a": set()}]', '[set(), {"a"}, {"a": set()}]', '[[],["a"],{"a":[]}]'],
    ['{"x", 1, null, true, [1], {"k": 1}}', '{null, true, 1, "x", [1], {"k": 1}}', '[null,true,1,"x",[1],{"k":1}]'],
    ['"a\\nb\\u0001"', '"a\\nb\\x01"', '"a\\nb\\u0001"'],
    ['1.5', '1.5', '1.5'],
  ];
  for (const [input, rego, json] of cases) {
    it(`${input}`, () => {
      const v = rt.parseValue(input);
      expect(v, input).not.toBe(0);
      expect(rt.dumpValue(v)).toBe(rego);
      expect(rt.dump(v)).toBe(json);
    });
  }

  it('rejects malformed Rego values', () => {
    for (const text of ['{1,}', '{1 2}', 'set(', 'set(1)', '{1:}', '{,1}', '{1: 2, 3}']) {
      expect(rt.parseValue(text), text).toBe(0);
    }
  });
});

describe('comparison and equality', () => {
  const ordered = [
    'null', 'false', 'true', '-1e300', '-5', '-4.5', '0', '0.5', '1', '1.5', '2', '9223372036854775807',
    '9223372036854775808.0', '1e300',
    '""', '"A"', '"a"', '"aa"', '"ab"', '"b"', '"é"',
    '[]', '[null]', '[1]', '[1, 2]', '[1, 3]', '[2]', '["a"]',
    // as OPA: sorted keys compared pairwise, each key's value right after its key
    '{}', '{"a": 1}', '{"a": 1, "b": 1}', '{"a": 2}', '{"b": 0}',
    'set()', '{1}', '{1, 2}', '{2}',
  ];

  it('orders values of all types totally', () => {
    const vals = ordered.map((t) => {
      const v = rt.parseValue(t);
      expect(v, t).not.toBe(0);
      return v;
    });
    for (let i = 0; i < vals.length; i++) {
      for (let j = 0; j < vals.length; j++) {
        const c = rt.exports.rt_compare(vals[i], vals[j]);
        const want = Math.sign(i - j);
        expect(Math.sign(c), `${ordered[i]} vs ${ordered[j]}`).toBe(want);
        expect(rt.exports.rt_equal(vals[i], vals[j]), `${ordered[i]} == ${ordered[j]}`).toBe(i === j ? 1 : 0);
      }
    }
  });

  it('treats 1 and 1.0 as equal', () => {
    const a = rt.parse('1'), b = rt.parse('1.0');
    expect(rt.exports.rt_tag(a)).toBe(3);
    expect(rt.exports.rt_tag(b)).toBe(4);
    expect(rt.exports.rt_equal(a, b)).toBe(1);
    expect(rt.exports.rt_compare(a, b)).toBe(0);
    expect(rt.exports.rt_equal(rt.parse('[1, {"a": 2}]'), rt.parse('[1.0, {"a": 2.0}]'))).toBe(1);
    expect(rt.exports.rt_equal(rt.parseValue('{1, 2}'), rt.parseValue('{2.0, 1.0}'))).toBe(1);
  });

  it('compares large ints with floats exactly', () => {
    const big = rt.parse('9007199254740993');
    const f = rt.parse('9007199254740992.0');
    expect(rt.exports.rt_compare(big, f)).toBe(1);
    expect(rt.exports.rt_compare(f, big)).toBe(-1);
  });

  it('compares long strings bytewise', () => {
    const a = rt.str('abcdefghijklmnopqrstuvwxyz-1'), b = rt.str('abcdefghijklmnopqrstuvwxyz-2');
    const c = rt.str('abcdefghijklmnopqrstuvwxyz');
    expect(rt.exports.rt_compare(a, b)).toBe(-1);
    expect(rt.exports.rt_compare(b, a)).toBe(1);
    expect(rt.exports.rt_compare(c, a)).toBe(-1);
    expect(rt.exports.rt_compare(rt.str('abcdefgh\u00ff'), rt.str('abcdefgh\u0100'))).toBe(-1);
    expect(rt.exports.rt_compare(rt.str('abcdefgz'), rt.str('abcdefha'))).toBe(-1);
  });
});

describe('collections API', () => {
  it('builds and reads arrays, objects and sets', () => {
    const e = rt.exports;
    const a = e.rt_array(0);
    for (let i = 0; i < 10; i++) e.rt_array_push(a, e.rt_int(BigInt(i)));
    expect(rt.dump(a)).toBe('[0,1,2,3,4,5,6,7,8,9]');
    expect(e.rt_len(a)).toBe(10);
    expect(rt.dump(e.rt_get(a, e.rt_int(3n)))).toBe('3');
    expect(rt.dump(e.rt_get(a, e.rt_float(3)))).toBe('3');
    expect(e.rt_get(a, e.rt_int(10n))).toBe(0);
    expect(e.rt_get(a, rt.str('0'))).toBe(0);
    expect(rt.dump(e.rt_iter_key(a, 2))).toBe('2');
    expect(rt.dump(e.rt_iter_value(a, 2))).toBe('2');

    const o = e.rt_object(0);
    for (const k of ['d', 'b', 'a', 'c', 'b']) e.rt_object_insert(o, rt.str(k), rt.str(k.toUpperCase()));
    expect(rt.dump(o)).toBe('{"a":"A","b":"B","c":"C","d":"D"}');
    expect(rt.dump(e.rt_get(o, rt.str('c')))).toBe('"C"');
    expect(e.rt_get(o, rt.str('e'))).toBe(0);
    expect(rt.dump(e.rt_iter_key(o, 0))).toBe('"a"');
    expect(rt.dump(e.rt_iter_value(o, 3))).toBe('"D"');

    const s = e.rt_set(0);
    for (const x of [3, 1, 2, 3, 1]) e.rt_set_add(s, e.rt_int(BigInt(x)));
    expect(rt.dumpValue(s)).toBe('{1, 2, 3}');
    expect(rt.dump(e.rt_get(s, e.rt_float(2)))).toBe('2');
    expect(e.rt_get(s, e.rt_int(4n))).toBe(0);
    expect(e.rt_len(e.rt_int(1n))).toBe(0);
    expect(e.rt_get(e.rt_int(1n), e.rt_int(0n))).toBe(0);
  });

  it('has singletons and scalars', () => {
    const e = rt.exports;
    expect(e.rt_bool(1)).toBe(e.rt_bool(5));
    expect(e.rt_bool(0)).not.toBe(e.rt_bool(1));
    expect(rt.dump(e.rt_bool(0))).toBe('false');
    expect(rt.dump(e.rt_null())).toBe('null');
    expect(e.rt_tag(e.rt_null())).toBe(1);
    expect(e.rt_tag(rt.parse('{}'))).toBe(7);
    expect(e.rt_tag(rt.parseValue('set()'))).toBe(8);
    expect(e.rt_error_message()).toBe(0);
    e.rt_clear_error();
    expect(e.rt_error_message()).toBe(0);
  });
});

describe('heap', () => {
  it('reuses memory after opa_heap_ptr_set', () => {
    const e = rt.exports;
    const base = e.opa_heap_ptr_get();
    const [addr, n] = rt.write('{"a":[1,2,3],"b":"hello"}');
    const v1 = e.opa_json_parse(addr, n);
    const top1 = e.opa_heap_ptr_get();
    e.opa_heap_ptr_set(addr + n);
    const v2 = e.opa_json_parse(addr, n);
    expect(v2).toBe(v1);
    expect(e.opa_heap_ptr_get()).toBe(top1);
    e.opa_heap_ptr_set(base);
    expect(e.opa_malloc(16)).toBe(base);
  });

  it('keeps singletons below the heap base', () => {
    const e = rt.exports;
    const base = e.opa_heap_ptr_get();
    expect(e.rt_null()).toBeLessThan(base);
    expect(e.rt_bool(1)).toBeLessThan(base);
    expect(e.rt_bool(0)).toBeLessThan(base);
  });

  it('allocates 8-byte aligned blocks', () => {
    const e = rt.exports;
    for (const n of [1, 3, 8, 13]) expect(e.opa_malloc(n) % 8).toBe(0);
  });

  it('returns stable results for repeated parse/dump cycles', () => {
    const e = rt.exports;
    const text = JSON.stringify({ review: { object: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } } } });
    const [addr, n] = rt.write(text);
    const mark = e.opa_heap_ptr_get();
    let first = '';
    for (let i = 0; i < 200; i++) {
      e.opa_heap_ptr_set(mark);
      const out = rt.dump(e.opa_json_parse(addr, n));
      if (i === 0) first = out;
      expect(out).toBe(first);
    }
    expect(JSON.parse(first)).toEqual(JSON.parse(text));
  });
});

describe('eval context', () => {
  it('stores input, data, entrypoint and result', () => {
    const e = rt.exports;
    const ctx = e.opa_eval_ctx_new();
    expect(e.rt_ctx_input(ctx)).toBe(0);
    expect(e.rt_ctx_data(ctx)).toBe(0);
    expect(e.rt_ctx_entrypoint(ctx)).toBe(0);
    expect(e.opa_eval_ctx_get_result(ctx)).toBe(0);
    const input = rt.parse('{"x":1}'), data = rt.parse('{"d":2}'), res = rt.parse('[{"result":true}]');
    e.opa_eval_ctx_set_input(ctx, input);
    e.opa_eval_ctx_set_data(ctx, data);
    e.opa_eval_ctx_set_entrypoint(ctx, 7);
    e.rt_ctx_set_result(ctx, res);
    expect(e.rt_ctx_input(ctx)).toBe(input);
    expect(e.rt_ctx_data(ctx)).toBe(data);
    expect(e.rt_ctx_entrypoint(ctx)).toBe(7);
    expect(e.opa_eval_ctx_get_result(ctx)).toBe(res);
    const ctx2 = e.opa_eval_ctx_new();
    expect(ctx2).not.toBe(ctx);
    expect(e.rt_ctx_input(ctx2)).toBe(0);
  });
});

describe('paths', () => {
  it('opa_value_add_path sets nested paths in place', () => {
    const e = rt.exports;
    const data = rt.parse('{"a":{"x":1},"z":0}');
    expect(e.opa_value_add_path(data, rt.parse('["a","b","c"]'), rt.parse('[1,2]'))).toBe(0);
    expect(rt.dump(data)).toBe('{"a":{"b":{"c":[1,2]},"x":1},"z":0}');
    expect(e.opa_value_add_path(data, rt.parse('["a","x"]'), rt.parse('"new"'))).toBe(0);
    expect(rt.dump(data)).toBe('{"a":{"b":{"c":[1,2]},"x":"new"},"z":0}');
    expect(e.opa_value_add_path(data, rt.parse('["0"]'), rt.parse('null'))).toBe(0);
    expect(rt.dump(data)).toBe('{"0":null,"a":{"b":{"c":[1,2]},"x":"new"},"z":0}');
    // errors
    expect(e.opa_value_add_path(data, rt.parse('[]'), rt.parse('1'))).toBe(3);
    expect(e.opa_value_add_path(data, rt.parse('"a"'), rt.parse('1'))).toBe(2);
    expect(e.opa_value_add_path(data, rt.parse('["z","q"]'), rt.parse('1'))).toBe(3);
    expect(e.opa_value_add_path(rt.parse('[1]'), rt.parse('["a"]'), rt.parse('1'))).toBe(2);
  });

  it('opa_value_add_path grows objects past their capacity', () => {
    const e = rt.exports;
    const data = rt.parse('{}');
    for (let i = 0; i < 50; i++) {
      expect(e.opa_value_add_path(data, rt.parse(`["k${i}"]`), e.rt_int(BigInt(i)))).toBe(0);
    }
    const obj = JSON.parse(rt.dump(data));
    expect(Object.keys(obj).length).toBe(50);
    expect(obj.k42).toBe(42);
  });

  it('opa_value_remove_path removes in place', () => {
    const e = rt.exports;
    const data = rt.parse('{"a":{"b":{"c":1,"d":2},"e":3},"f":4}');
    expect(e.opa_value_remove_path(data, rt.parse('["a","b","c"]'))).toBe(0);
    expect(rt.dump(data)).toBe('{"a":{"b":{"d":2},"e":3},"f":4}');
    expect(e.opa_value_remove_path(data, rt.parse('["a"]'))).toBe(0);
    expect(rt.dump(data)).toBe('{"f":4}');
    expect(e.opa_value_remove_path(data, rt.parse('["nope","x"]'))).toBe(0);
    expect(e.opa_value_remove_path(data, rt.parse('["nope"]'))).toBe(0);
    expect(rt.dump(data)).toBe('{"f":4}');
    expect(e.opa_value_remove_path(data, rt.parse('["f","x"]'))).toBe(3);
    expect(e.opa_value_remove_path(data, rt.parse('[]'))).toBe(3);
    expect(e.opa_value_remove_path(data, rt.parse('{}'))).toBe(2);
    expect(e.opa_value_remove_path(data, rt.parse('["f"]'))).toBe(0);
    expect(rt.dump(data)).toBe('{}');
  });

  it('rt_upsert_path returns a new object and leaves the original alone', () => {
    const e = rt.exports;
    const text = '{"a":{"b":{"c":1},"x":2},"y":3}';
    const obj = rt.parse(text);
    const r1 = e.rt_upsert_path(obj, rt.parse('["a","b","c"]'), rt.parse('"v"'));
    expect(rt.dump(r1)).toBe('{"a":{"b":{"c":"v"},"x":2},"y":3}');
    const r2 = e.rt_upsert_path(obj, rt.parse('["a","n","m"]'), rt.parse('[1]'));
    expect(rt.dump(r2)).toBe('{"a":{"b":{"c":1},"n":{"m":[1]},"x":2},"y":3}');
    const r3 = e.rt_upsert_path(obj, rt.parse('["y","z"]'), rt.parse('true'));
    expect(rt.dump(r3)).toBe('{"a":{"b":{"c":1},"x":2},"y":{"z":true}}');
    const r4 = e.rt_upsert_path(obj, rt.parse('["0"]'), rt.parse('0'));
    expect(rt.dump(r4)).toBe('{"0":0,"a":{"b":{"c":1},"x":2},"y":3}');
    expect(rt.dump(obj)).toBe(text);
    expect(rt.dump(e.rt_upsert_path(obj, rt.parse('[]'), rt.parse('5')))).toBe('5');
    expect(rt.dump(e.rt_upsert_path(rt.parse('7'), rt.parse('["k"]'), rt.parse('5')))).toBe('{"k":5}');
    // the result can be read with binary search
    expect(rt.dump(e.rt_get(r4, rt.str('y')))).toBe('3');
  });
});

describe('print', () => {
  it('prints the cross product of the arguments, one line each', () => {
    rt.exports.rt_print(rt.parseValue('[{"a", "b"}, set(), {1, 2.5}]'));
    expect(rt.printed).toEqual(['a <undefined> 1', 'a <undefined> 2.5', 'b <undefined> 1', 'b <undefined> 2.5']);
  });

  it('prints composites as Rego text and strings raw', () => {
    rt.exports.rt_print(rt.parseValue('[{"x y"}, {{"k": [1, "v"], "s": {true}}}, {null}]'));
    expect(rt.printed).toEqual(['x y {"k": [1, "v"], "s": {true}} null']);
    rt.printed.length = 0;
    rt.exports.rt_print(rt.parseValue('[]'));
    expect(rt.printed).toEqual(['']);
  });
});

describe('host calls', () => {
  it('rt_println and rt_abort reach the host', () => {
    const e = rt.exports;
    const [addr] = rt.write('hello\0');
    e.rt_println(addr);
    expect(rt.printed).toEqual(['hello']);
    expect(() => e.rt_abort(addr)).toThrow('opa_abort: hello');
  });
});
