// How plain (unquoted) YAML scalars become values.
//
// The cluster never sees YAML: kubectl, Helm, Flux and the API server's own YAML endpoint turn
// it into JSON with sigs.k8s.io/yaml, which decodes with its fork of go-yaml v2, a YAML 1.1
// library. So in a real cluster `privileged: yes` is the boolean true, `defaultMode: 0644` is
// the integer 420 and `ports: 8080:80` is a string. Gatekeeper's `gator` reads manifests the same
// way. '1.1' (the default) reproduces go-yaml v2's resolver exactly, not the YAML 1.1 spec:
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
// Both schemas resolve merge keys (`<<: *defaults`), as go-yaml v2 does, and accept any unknown
// tag (`!foo`, `!!binary`) by keeping the node as it would be untagged (a scalar as its text):
// go-yaml v2 does not reject them either, and a linter should not stop on them.
import {
  CORE_SCHEMA,
  FAILSAFE_SCHEMA,
  NOT_RESOLVED,
  Schema,
  boolYaml11Tag,
  defineMappingTag,
  defineScalarTag,
  defineSequenceTag,
  mapTag,
  mergeTag,
  nullYaml11Tag,
} from 'js-yaml';

export type YamlVersion = '1.1' | '1.2';

const INT_GO = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/;
const FLOAT_GO = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const FLOAT_LEADING_DOT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOATS: Record<string, number> = {
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity,
  '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
  '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
};

/** go-yaml v2's resolve() for scalars starting with a digit, a sign or a dot. */
export function resolveGoYamlNumber(source: string): number | typeof NOT_RESOLVED {
  if (Object.hasOwn(SPECIAL_FLOATS, source)) return SPECIAL_FLOATS[source];
  if (source.charCodeAt(0) === 0x2e /* . */) {
    // go-yaml tries strconv.ParseFloat on the text as it is: no '_' here.
    return FLOAT_LEADING_DOT.test(source) ? Number(source) : NOT_RESOLVED;
  }
  const plain = source.includes('_') ? source.replaceAll('_', '') : source;
  if (INT_GO.test(plain)) {
    const negative = plain[0] === '-';
    const digits = plain[0] === '-' || plain[0] === '+' ? plain.slice(1) : plain;
    const prefix = digits.slice(0, 2).toLowerCase();
    const value =
      prefix === '0x' ? parseInt(digits.slice(2), 16)
      : prefix === '0b' ? parseInt(digits.slice(2), 2)
      : prefix === '0o' ? parseInt(digits.slice(2), 8)
      : digits.length > 1 && digits[0] === '0' ? parseInt(digits, 8)
      : parseInt(digits, 10);
    // `|| 0` turns -0 into 0: Go has no negative integer zero.
    return (negative ? -value : value) || 0;
  }
  if (FLOAT_GO.test(plain)) {
    const value = Number(plain);
    // strconv.ParseFloat fails with ErrRange past float64, and go-yaml then keeps the string.
    return Number.isFinite(value) ? value : NOT_RESOLVED;
  }
  return NOT_RESOLVED;
}

const intGoYamlTag = defineScalarTag('tag:yaml.org,2002:int', {
  implicit: true,
  implicitFirstChars: ['-', '+', '.', ...'0123456789'],
  resolve: (source) => resolveGoYamlNumber(source),
  identify: () => false,
});

const floatGoYamlTag = defineScalarTag('tag:yaml.org,2002:float', {
  resolve: (source) => resolveGoYamlNumber(source),
  identify: () => false,
});

// Prefix '' matches every tag name that has no exact definition: unknown tags read as untagged.
const anyScalarTag = defineScalarTag('', {
  matchByTagPrefix: true,
  resolve: (source) => source,
  identify: () => false,
});
const anySequenceTag = defineSequenceTag('', {
  matchByTagPrefix: true,
  create: () => [] as unknown[],
  addItem: (list, item) => void list.push(item),
  identify: () => false,
});
const anyMappingTag = defineMappingTag('', {
  matchByTagPrefix: true,
  create: mapTag.create,
  addPair: mapTag.addPair,
  has: mapTag.has,
  keys: mapTag.keys,
  get: mapTag.get,
  identify: () => false,
});

const lenient = [anyScalarTag, anySequenceTag, anyMappingTag];

const SCHEMAS: Record<YamlVersion, Schema> = {
  '1.1': new Schema([
    ...FAILSAFE_SCHEMA.tags,
    nullYaml11Tag,
    boolYaml11Tag, // exactly go-yaml v2's list, y/Y/n/N included
    intGoYamlTag,
    floatGoYamlTag,
    mergeTag,
    ...lenient,
  ]),
  '1.2': CORE_SCHEMA.withTags(mergeTag, ...lenient),
};

export function schemaFor(version: YamlVersion = '1.1'): Schema {
  const schema = SCHEMAS[version];
  if (!schema) throw new Error(`unsupported yamlVersion ${JSON.stringify(version)}: use '1.1' or '1.2'`);
  return schema;
}
