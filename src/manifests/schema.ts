// How plain (unquoted) YAML scalars become values.
//
// The cluster never sees YAML: kubectl, Helm, Flux and the API server's own YAML endpoint turn
// it into JSON with sigs.k8s.io/yaml, which decodes with its fork of go-yaml v2, a YAML 1.1
// library. So in a real cluster `privileged: yes` is the boolean true, `defaultMode: 0644` is
// the integer 420 and `ports: 8080:80` is a string. Gatekeeper's `gator` reads manifests the same
// way. '1.1' (the default) reproduces go-yaml v2's resolver, not the letter of the YAML 1.1 spec:
//
//   null    ~ null Null NULL and the empty scalar
//   bool    y Y yes Yes YES true True TRUE on On ON, and n N no No NO false False FALSE off Off OFF
//   int     Go's strconv.ParseInt with base prefix after dropping every '_':
//           0x1F, 0o17, 0b101, 0644 (octal: 420), -12, 1_000
//   float   [-+]?(.d+|d+(.d*)?)([eE][-+]?d+)? after dropping '_' (so 1e3, 08 and 1_0.5 are
//           numbers), .5, and .inf/.Inf/.INF/.nan/... ; out of range (1e999) stays a string
//   string  everything else, timestamps included (go-yaml v2 keeps them as strings when
//           decoding into interface{}), and sexagesimal 1:20 (YAML 1.1 says int 80; go-yaml
//           never implemented it)
//
// '1.2' is the YAML 1.2 core schema (true/false only, 0644 is 644, 0o644 is octal), for tools
// that read manifests with a YAML 1.2 library.
//
// Both resolve merge keys (`<<: *defaults`), as go-yaml v2 does, and accept any unknown tag
// (`!foo`, `!!binary`) by keeping the node as it would be untagged, a scalar as its text:
// go-yaml v2 does not reject them either, and a linter should not stop on them.
import { CORE_SCHEMA, FAILSAFE_SCHEMA, Type, types, type Schema } from 'js-yaml';

export type YamlVersion = '1.1' | '1.2';

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSES = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

const INT_GO = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/;
const FLOAT_GO = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const FLOAT_LEADING_DOT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOATS = new Map<string, number>([
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s): [string, number] => [s, Infinity]),
  ...['-.inf', '-.Inf', '-.INF'].map((s): [string, number] => [s, -Infinity]),
  ...['.nan', '.NaN', '.NAN'].map((s): [string, number] => [s, NaN]),
]);

/** go-yaml v2's resolve() for a scalar starting with a digit, a sign or a dot; undefined: a string. */
export function resolveGoYamlNumber(source: string): number | undefined {
  const special = SPECIAL_FLOATS.get(source);
  if (special !== undefined) return special;
  if (source.charCodeAt(0) === 0x2e /* . */) {
    // go-yaml tries strconv.ParseFloat on the text as it is: no '_' here.
    return FLOAT_LEADING_DOT.test(source) ? Number(source) : undefined;
  }
  const plain = source.includes('_') ? source.replaceAll('_', '') : source;
  if (INT_GO.test(plain)) {
    const sign = plain[0] === '-' ? -1 : 1;
    const digits = plain[0] === '-' || plain[0] === '+' ? plain.slice(1) : plain;
    const prefix = digits.slice(0, 2).toLowerCase();
    const value =
      prefix === '0x' ? parseInt(digits.slice(2), 16)
      : prefix === '0b' ? parseInt(digits.slice(2), 2)
      : prefix === '0o' ? parseInt(digits.slice(2), 8)
      : digits.length > 1 && digits[0] === '0' ? parseInt(digits, 8)
      : parseInt(digits, 10);
    return sign * value || 0; // `|| 0`: Go has no negative integer zero
  }
  if (FLOAT_GO.test(plain)) {
    const value = Number(plain);
    // strconv.ParseFloat fails with ErrRange past float64, and go-yaml then keeps the string.
    return Number.isFinite(value) ? value : undefined;
  }
  return undefined;
}

const NUMBER_START = /^[-+.0-9]/;

const null11 = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null) => data === null || NULLS.has(data),
  construct: () => null,
});
const bool11 = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && (TRUES.has(data) || FALSES.has(data)),
  construct: (data: string) => TRUES.has(data),
});
const numberType = (tag: string) =>
  new Type(tag, {
    kind: 'scalar',
    resolve: (data: string | null) => data !== null && NUMBER_START.test(data) && resolveGoYamlNumber(data) !== undefined,
    construct: (data: string) => resolveGoYamlNumber(data),
  });

// Tag '' with `multi` matches every tag name without an exact type: unknown tags read as untagged.
const anyTag = [
  new Type('', { kind: 'scalar', multi: true, construct: (data: string | null) => data ?? '' }),
  new Type('', { kind: 'sequence', multi: true, construct: (data: unknown[] | null) => data ?? [] }),
  new Type('', { kind: 'mapping', multi: true, construct: (data: object | null) => data ?? {} }),
];

/** How plain scalars resolve, in js-yaml's order: the first type whose `resolve` accepts the text. */
const IMPLICIT: Record<YamlVersion, Type[]> = {
  // go-yaml's number resolution is one step: ints and floats share a type here, with the
  // int tag; `!!float 1` still has its own.
  '1.1': [null11, bool11, numberType('tag:yaml.org,2002:int'), types.merge],
  // CORE_SCHEMA's own implicit types, then merge keys.
  '1.2': [types.null, types.bool, types.int, types.float, types.merge],
};

const SCHEMAS: Record<YamlVersion, Schema> = {
  '1.1': FAILSAFE_SCHEMA.extend({ implicit: IMPLICIT['1.1'], explicit: [numberType('tag:yaml.org,2002:float'), ...anyTag] }),
  '1.2': CORE_SCHEMA.extend({ implicit: [types.merge], explicit: anyTag }),
};

/**
 * What every plain scalar the implicit types above can resolve (null, bool, number, merge)
 * looks like, in either version: it starts with one of these characters, or is a word of at
 * most five letters (`false`); any other text is a string without asking them. (A test holds
 * this to the types themselves.)
 */
export const MAY_RESOLVE = /^(?:$|[~+\-.0-9<]|[nNyYtTfFoO][a-zA-Z]{0,4}$)/;

/**
 * MAY_RESOLVE's test, by character codes: the block reader asks it of every key and plain
 * value, and a regular expression run that often was a tenth of reading a file.
 */
export function mayResolve(text: string): boolean {
  if (text.length === 0) return true;
  const c = text.charCodeAt(0);
  if (c === 0x7e /* ~ */ || c === 0x2b /* + */ || c === 0x2d /* - */ || c === 0x2e /* . */ || c === 0x3c /* < */ || (c >= 0x30 && c <= 0x39)) return true;
  if (text.length > 5 || !WORD_START.has(c)) return false;
  for (let i = 1; i < text.length; i++) {
    const letter = text.charCodeAt(i) | 0x20; // A-Z to a-z; nothing else lands in a-z
    if (letter < 0x61 || letter > 0x7a) return false;
  }
  return true;
}

/** n N y Y t T f F o O: the first letters of the words the schemas resolve. */
const WORD_START = new Set([0x6e, 0x4e, 0x79, 0x59, 0x74, 0x54, 0x66, 0x46, 0x6f, 0x4f]);

/** A plain scalar's value under a version's schema, as js-yaml resolves it (see block-yaml.ts). */
export function plainScalarResolver(version: YamlVersion = '1.1'): (text: string) => unknown {
  const implicit = IMPLICIT[version];
  if (!implicit) throw new Error(`unsupported yamlVersion ${JSON.stringify(version)}: use '1.1' or '1.2'`);
  if (version === '1.1') return resolve11;
  return (text) => {
    if (!mayResolve(text)) return text;
    for (const type of implicit) if (type.resolve(text)) return type.construct(text);
    return text;
  };
}

/**
 * IMPLICIT['1.1'] in one step: its types take disjoint texts (null and bool words, numbers
 * starting with [-+.0-9], and `<<`, which a merge type gives back as it is), so the first that
 * accepts a text is known from its first character, and go-yaml's number is resolved once
 * instead of once to accept it and once to construct it.
 */
function resolve11(text: string): unknown {
  if (!mayResolve(text)) return text;
  if (text === '' || text === '~') return null;
  const c = text.charCodeAt(0);
  if (c === 0x2b || c === 0x2d || c === 0x2e || (c >= 0x30 && c <= 0x39)) return resolveGoYamlNumber(text) ?? text;
  if (NULLS.has(text)) return null;
  if (TRUES.has(text)) return true;
  if (FALSES.has(text)) return false;
  return text;
}

export function schemaFor(version: YamlVersion = '1.1'): Schema {
  const schema = SCHEMAS[version];
  if (!schema) throw new Error(`unsupported yamlVersion ${JSON.stringify(version)}: use '1.1' or '1.2'`);
  return schema;
}
