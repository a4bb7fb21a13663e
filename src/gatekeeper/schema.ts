// The OpenAPI v3 subset Kubernetes CRDs use ("structural schemas"), as pure
// functions: validating a value, structural defaulting, and the checks the API
// server runs on a schema before accepting a CRD. A Constraint is validated
// against the schema Gatekeeper generates from its ConstraintTemplate, so this
// is what decides whether the cluster accepts a Constraint's shape.
//
// Errors are worded as Kubernetes words them (`<path>: Invalid value: ...`,
// `Unsupported value`, `Required value`, `unknown field "..."`), each on one
// line, and carry a short summary for offgate's own messages.
//
// Schemas come from users' YAML, so every keyword is read defensively: a
// malformed keyword is ignored here and reported by `checkSchema`.
import { createRequire } from 'node:module';

/** A schema node as written in a CRD (JSON keys, extensions included). */
export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  default?: unknown;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  not?: Schema;
  description?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  [keyword: string]: unknown;
}

export interface SchemaIssue {
  /** Where the offending value (or schema keyword) is: `spec.parameters.labels[0].key`. */
  path: string;
  /** The whole error, one line, in Kubernetes' wording. */
  message: string;
  /** The same for people, without the path: what was expected, what was found. */
  summary: string;
}

export interface ValidateOptions {
  /**
   * Fields no schema declares: `reject` reports them as Kubernetes' strict field
   * validation does (`unknown field "..."`); `allow` ignores them, as pruning would.
   */
  pruneUnknown: 'reject' | 'allow';
}

/** The JSON type of a value, named as Kubernetes names it in errors. */
export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

export const SCHEMA_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'] as const;

const PRESERVE = 'x-kubernetes-preserve-unknown-fields';
const INT_OR_STRING = 'x-kubernetes-int-or-string';

// ---------------------------------------------------------------------------
// Validation

/** Every way `value` breaks `schema`; `path` names `value` in the messages. */
export function validate(schema: Schema, value: unknown, path: string, opts: ValidateOptions): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  validateNode(schema, value, path, opts, out);
  return out;
}

function validateNode(s: Schema, v: unknown, path: string, opts: ValidateOptions, out: SchemaIssue[]): void {
  if (v === null && s.nullable === true) return;
  const expected = typeMismatch(s, v);
  if (expected !== undefined) {
    // Kubernetes stops at a node of the wrong type: its other keywords mean nothing.
    out.push(typeIssue(path, expected, v));
    return;
  }
  checkEnum(s, v, path, out);
  if (typeof v === 'string') checkString(s, v, path, out);
  else if (typeof v === 'number') checkNumber(s, v, path, out);
  else if (Array.isArray(v)) checkArray(s, v, path, opts, out);
  else if (isPlainObject(v)) checkObject(s, v, path, opts, out);
  checkComposition(s, v, path, out);
}

/** The expected type when `v` does not have it, else undefined. */
function typeMismatch(s: Schema, v: unknown): string | undefined {
  if (s[INT_OR_STRING] === true) {
    const t = jsonTypeOf(v);
    return t === 'integer' || t === 'string' ? undefined : 'integer,string';
  }
  const type = s.type;
  if (typeof type !== 'string' || type === '') return undefined;
  return hasType(type, v) ? undefined : type;
}

function hasType(type: string, v: unknown): boolean {
  const actual = jsonTypeOf(v);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  // A type this validator does not know is a schema error (checkSchema); don't reject values for it.
  if (!(SCHEMA_TYPES as readonly string[]).includes(type)) return true;
  return actual === type;
}

export function jsonTypeOf(v: unknown): JsonType {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
    case 'bigint':
      return Number.isInteger(Number(v)) ? 'integer' : 'number';
    default:
      return 'object';
  }
}

function typeIssue(path: string, expected: string, v: unknown): SchemaIssue {
  const actual = jsonTypeOf(v);
  const wanted = expected === 'integer,string' ? 'an integer or a string' : `of type ${expected}`;
  return {
    path,
    message: invalid(path, actual, `must be of type ${expected}: ${goValue(actual)}`),
    summary: `must be ${wanted}, got ${actual}`,
  };
}

function checkEnum(s: Schema, v: unknown, path: string, out: SchemaIssue[]): void {
  if (!Array.isArray(s.enum) || s.enum.some((allowed) => deepEqual(allowed, v))) return;
  // Kubernetes quotes every allowed value, JSON-encoding the ones that aren't strings.
  const allowed = s.enum.map((a) => JSON.stringify(typeof a === 'string' ? a : JSON.stringify(a))).join(', ');
  out.push({
    path,
    message: `${nameOf(path)}: Unsupported value: ${goValue(v)}: supported values: ${allowed}`,
    summary: `must be one of ${s.enum.map(show).join(', ')}, got ${show(v)}`,
  });
}

function checkString(s: Schema, v: string, path: string, out: SchemaIssue[]): void {
  // Lengths count characters (code points), not UTF-16 units.
  const length = [...v].length;
  const maxLength = numberKeyword(s, 'maxLength');
  if (maxLength !== undefined && length > maxLength) {
    out.push({
      path,
      message: `${nameOf(path)}: Too long: may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}`,
      summary: `must be a string of at most ${maxLength} characters, got ${length}`,
    });
  }
  const minLength = numberKeyword(s, 'minLength');
  if (minLength !== undefined && length < minLength) {
    out.push({
      path,
      message: invalid(path, v, `should be at least ${minLength} chars long`),
      summary: `must be a string of at least ${minLength} characters, got ${show(v)}`,
    });
  }
  if (typeof s.pattern === 'string') {
    const re = compilePattern(s.pattern);
    // An uncompilable pattern is the schema's fault (checkSchema), not the value's.
    if (re instanceof RegExp && !re.test(v)) {
      out.push({
        path,
        message: invalid(path, v, `should match '${s.pattern}'`),
        summary: `must match '${s.pattern}', got ${show(v)}`,
      });
    }
  }
  if (typeof s.format === 'string') {
    const check = FORMATS[s.format];
    if (check && !check(v)) {
      out.push({
        path,
        message: invalid(path, v, `must be of type ${s.format}: ${goValue(v)}`),
        summary: `must be a valid ${s.format}, got ${show(v)}`,
      });
    }
  }
}

function checkNumber(s: Schema, v: number, path: string, out: SchemaIssue[]): void {
  const minimum = numberKeyword(s, 'minimum');
  if (minimum !== undefined) {
    const exclusive = s.exclusiveMinimum === true;
    if (exclusive ? v <= minimum : v < minimum) {
      out.push({
        path,
        message: invalid(path, v, `should be greater than ${exclusive ? '' : 'or equal to '}${minimum}`),
        summary: `must be ${exclusive ? '>' : '>='} ${minimum}, got ${v}`,
      });
    }
  }
  const maximum = numberKeyword(s, 'maximum');
  if (maximum !== undefined) {
    const exclusive = s.exclusiveMaximum === true;
    if (exclusive ? v >= maximum : v > maximum) {
      out.push({
        path,
        message: invalid(path, v, `should be less than ${exclusive ? '' : 'or equal to '}${maximum}`),
        summary: `must be ${exclusive ? '<' : '<='} ${maximum}, got ${v}`,
      });
    }
  }
  const multipleOf = numberKeyword(s, 'multipleOf');
  if (multipleOf !== undefined && multipleOf > 0 && !isMultiple(v, multipleOf)) {
    out.push({
      path,
      message: invalid(path, v, `should be a multiple of ${multipleOf}`),
      summary: `must be a multiple of ${multipleOf}, got ${v}`,
    });
  }
}

function isMultiple(v: number, factor: number): boolean {
  const q = v / factor;
  // Tolerate binary rounding (0.3 / 0.1 is 2.9999999999999996).
  return Math.abs(q - Math.round(q)) < 1e-9;
}

function checkArray(s: Schema, v: unknown[], path: string, opts: ValidateOptions, out: SchemaIssue[]): void {
  const maxItems = numberKeyword(s, 'maxItems');
  if (maxItems !== undefined && v.length > maxItems) {
    out.push({
      path,
      message: `${nameOf(path)}: Too many: ${v.length}: must have at most ${maxItems} items`,
      summary: `must be an array of at most ${maxItems} items, got ${v.length}`,
    });
  }
  const minItems = numberKeyword(s, 'minItems');
  if (minItems !== undefined && v.length < minItems) {
    out.push({
      path,
      message: invalid(path, v.length, `should have at least ${minItems} items`),
      summary: `must be an array of at least ${minItems} items, got ${v.length}`,
    });
  }
  if (s.uniqueItems === true) {
    const dup = v.find((x, i) => v.findIndex((y) => deepEqual(x, y)) !== i);
    if (dup !== undefined) {
      out.push({
        path,
        message: invalid(path, '', `shouldn't contain duplicates`),
        summary: `must not contain duplicates, got ${show(dup)} more than once`,
      });
    }
  }
  const items = schemaOrUndefined(s.items);
  if (items) v.forEach((item, i) => validateNode(items, item, indexPath(path, i), opts, out));
}

function checkObject(
  s: Schema,
  v: Record<string, unknown>,
  path: string,
  opts: ValidateOptions,
  out: SchemaIssue[],
): void {
  const properties = propertiesOf(s);
  for (const key of requiredOf(s)) {
    if (Object.hasOwn(v, key)) continue;
    const type = properties[key]?.type;
    const p = childPath(path, key);
    out.push({
      path: p,
      message: `${nameOf(p)}: Required value`,
      summary: typeof type === 'string' ? `missing required field (expected ${type})` : 'missing required field',
    });
  }
  const count = Object.keys(v).length;
  const maxProperties = numberKeyword(s, 'maxProperties');
  if (maxProperties !== undefined && count > maxProperties) {
    out.push({
      path,
      message: `${nameOf(path)}: Too many: ${count}: must have at most ${maxProperties} items`,
      summary: `must be an object with at most ${maxProperties} fields, got ${count}`,
    });
  }
  const minProperties = numberKeyword(s, 'minProperties');
  if (minProperties !== undefined && count < minProperties) {
    out.push({
      path,
      message: invalid(path, count, `should have at least ${minProperties} properties`),
      summary: `must be an object with at least ${minProperties} fields, got ${count}`,
    });
  }
  const extra = s.additionalProperties;
  const extraSchema = schemaOrUndefined(extra);
  for (const [key, child] of Object.entries(v)) {
    const p = childPath(path, key);
    if (Object.hasOwn(properties, key)) validateNode(properties[key]!, child, p, opts, out);
    else if (extraSchema) validateNode(extraSchema, child, p, opts, out);
    else if (extra === false) out.push(forbiddenProperty(path, key, properties));
    else if (extra !== true && s[PRESERVE] !== true && opts.pruneUnknown === 'reject') {
      out.push(unknownField(p, properties));
    }
  }
}

function unknownField(path: string, declared: Record<string, Schema>): SchemaIssue {
  const names = Object.keys(declared);
  return {
    path,
    message: `unknown field ${JSON.stringify(path)}`,
    summary: names.length ? `unknown field (declared here: ${names.join(', ')})` : 'unknown field (nothing is declared here)',
  };
}

function forbiddenProperty(path: string, key: string, declared: Record<string, Schema>): SchemaIssue {
  const p = childPath(path, key);
  const names = Object.keys(declared);
  return {
    path: p,
    message: `${nameOf(path)}: Invalid value: ${goValue(key)}: ${p} in body is a forbidden property`,
    summary: `field not allowed (additionalProperties is false${names.length ? `; declared here: ${names.join(', ')}` : ''})`,
  };
}

/**
 * allOf / anyOf / oneOf / not: value validations only. They cannot declare
 * fields (pruning follows the main schema), so unknown fields are not judged here.
 */
function checkComposition(s: Schema, v: unknown, path: string, out: SchemaIssue[]): void {
  const inner: ValidateOptions = { pruneUnknown: 'allow' };
  const allOf = schemaList(s.allOf);
  if (allOf.length) {
    const issues = allOf.flatMap((sub) => validate(sub, v, path, inner));
    if (issues.length) {
      out.push(...issues);
      out.push({ path, message: invalid(path, v, 'must validate all the schemas (allOf)'), summary: 'must match all of the allOf schemas' });
    }
  }
  const anyOf = schemaList(s.anyOf);
  if (anyOf.length) {
    const results = anyOf.map((sub) => validate(sub, v, path, inner));
    if (results.every((r) => r.length > 0)) {
      out.push({
        path,
        message: invalid(path, v, 'must validate at least one schema (anyOf)'),
        summary: `must match at least one of the anyOf schemas (the first says: ${results[0]![0]!.summary})`,
      });
    }
  }
  const oneOf = schemaList(s.oneOf);
  if (oneOf.length) {
    const matched = oneOf.filter((sub) => validate(sub, v, path, inner).length === 0).length;
    if (matched !== 1) {
      out.push({
        path,
        message: invalid(path, v, 'must validate one and only one schema (oneOf)'),
        summary: `must match exactly one of the oneOf schemas, matched ${matched}`,
      });
    }
  }
  const not = schemaOrUndefined(s.not);
  if (not && validate(not, v, path, inner).length === 0) {
    out.push({ path, message: invalid(path, v, 'must not validate the schema (not)'), summary: "must not match the 'not' schema" });
  }
}

// ---------------------------------------------------------------------------
// Formats: the common ones Kubernetes checks; any other format is ignored, as
// Kubernetes ignores formats it does not know.

// node:net, for its address parsers, loaded when a schema first checks an address: it costs
// milliseconds, and most templates' schemas have no such format.
let net: typeof import('node:net') | undefined;
const isIPv4 = (s: string) => (net ??= createRequire(import.meta.url)('node:net') as typeof import('node:net')).isIPv4(s);
const isIPv6 = (s: string) => (net ??= createRequire(import.meta.url)('node:net') as typeof import('node:net')).isIPv6(s);

const FORMATS: Record<string, (s: string) => boolean> = {
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && isCalendarDate(s),
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/.test(s),
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  ipv4: (s) => isIPv4(s),
  ipv6: (s) => isIPv6(s),
  cidr: (s) => {
    const m = /^(.+)\/(\d{1,3})$/.exec(s);
    if (!m) return false;
    const bits = Number(m[2]);
    return (isIPv4(m[1]!) && bits <= 32) || (isIPv6(m[1]!) && bits <= 128);
  },
  mac: (s) => /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(s) || /^([0-9a-f]{4}\.){2}[0-9a-f]{4}$/i.test(s),
  hostname: (s) =>
    s.length <= 255 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i.test(s),
  email: (s) => /^[^@\s]+@[^@\s]+$/.test(s),
  byte: (s) => /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s),
};

/** `2024-02-30` is shaped like a date but is not one. */
function isCalendarDate(s: string): boolean {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

// ---------------------------------------------------------------------------
// Patterns. Kubernetes uses Go's RE2; JavaScript's RegExp agrees on the common
// subset. RE2's leading inline flags (`(?i)`) are turned into RegExp flags.

const patternCache = new Map<string, RegExp | Error>();

/** The pattern as a RegExp (unanchored, as in Kubernetes), or why it does not compile. */
export function compilePattern(pattern: string): RegExp | Error {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    const m = /^\(\?([ims]+)\)/.exec(pattern);
    try {
      re = m ? new RegExp(pattern.slice(m[0].length), m[1]) : new RegExp(pattern);
    } catch (e) {
      re = e instanceof Error ? e : new Error(String(e));
    }
    patternCache.set(pattern, re);
  }
  return re;
}

// ---------------------------------------------------------------------------
// Structural defaulting

/**
 * `value` with the schema's defaults filled in, as the API server does before
 * storing a custom resource: an object's missing property gets a copy of the
 * property's `default` (and defaults inside that copy apply too); a null for a
 * non-nullable property is replaced by its default, or dropped when it has none
 * (Kubernetes prunes those nulls before defaulting). Nothing inside
 * allOf/anyOf/oneOf/not applies. `value` itself is not modified.
 */
export function applyDefaults(schema: Schema, value: unknown): unknown {
  const copy = cloneJson(value);
  defaultInPlace(schema, copy);
  return copy;
}

function defaultInPlace(s: Schema, v: unknown): void {
  if (Array.isArray(v)) {
    const items = schemaOrUndefined(s.items);
    if (!items) return;
    v.forEach((item, i) => {
      if (item === null && items.nullable !== true && items.default !== undefined) v[i] = cloneJson(items.default);
      defaultInPlace(items, v[i]);
    });
    return;
  }
  if (!isPlainObject(v)) return;
  const properties = propertiesOf(s);
  for (const [key, prop] of Object.entries(properties)) {
    const missing = !Object.hasOwn(v, key);
    const nonNullableNull = v[key] === null && prop.nullable !== true;
    if (prop.default !== undefined && (missing || nonNullableNull)) v[key] = cloneJson(prop.default);
    else if (nonNullableNull) delete v[key];
  }
  const extra = schemaOrUndefined(s.additionalProperties);
  for (const [key, child] of Object.entries(v)) {
    const sub = Object.hasOwn(properties, key) ? properties[key] : extra;
    if (sub) defaultInPlace(sub, child);
  }
}

// ---------------------------------------------------------------------------
// Checks on a schema itself (what the API server checks before accepting a CRD).
// Paths name schema nodes as Kubernetes does: `...properties[labels].items.type`.

/**
 * The structural-schema rule: every node that a value can reach through
 * `properties`, `items` or `additionalProperties` names its `type`, unless it
 * says `x-kubernetes-preserve-unknown-fields` or `x-kubernetes-int-or-string`;
 * and an array says what its `items` are. (allOf/anyOf/oneOf/not only add value
 * validations, so their nodes need no type.)
 */
export function checkStructural(schema: Schema, path: string): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  structuralNode(schema, path, 'at the root', out);
  return out;
}

function structuralNode(s: Schema, path: string, where: string, out: SchemaIssue[]): void {
  const typed = typeof s.type === 'string' && s.type !== '';
  if (!typed && s[PRESERVE] !== true && s[INT_OR_STRING] !== true) {
    out.push(schemaIssue(`${path}.type`, `Required value: must not be empty ${where}`,
      'type is required here (or x-kubernetes-preserve-unknown-fields: true)'));
  }
  if (s.type === 'array' && s.items === undefined) {
    out.push(schemaIssue(`${path}.items`, 'Required value: must be specified', 'an array schema must say what its items are'));
  }
  for (const [key, prop] of Object.entries(propertiesOf(s))) {
    structuralNode(prop, `${path}.properties[${key}]`, 'for specified object fields', out);
  }
  const items = schemaOrUndefined(s.items);
  if (items) structuralNode(items, `${path}.items`, 'for specified array items', out);
  const extra = schemaOrUndefined(s.additionalProperties);
  if (extra) structuralNode(extra, `${path}.additionalProperties`, 'for specified additionalProperties', out);
}

const NUMBER_KEYWORDS = ['minimum', 'maximum', 'multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'];
const BOOLEAN_KEYWORDS = ['exclusiveMinimum', 'exclusiveMaximum', 'uniqueItems', 'nullable', PRESERVE, INT_OR_STRING];
/** JSON-Schema keywords a CRD schema may not use at all. */
const FORBIDDEN_KEYWORDS = ['$ref', 'definitions', 'dependencies', 'additionalItems', 'patternProperties'];

/**
 * Whether each keyword is well-formed and allowed in a CRD schema, for every
 * version of a template (unlike checkStructural): known `type`, patterns that
 * compile, `items` a single schema, `properties` and `additionalProperties` not
 * both, no `uniqueItems: true`, no `$ref` and friends.
 */
export function checkSchema(schema: unknown, path: string): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  schemaNode(schema, path, out);
  return out;
}

function schemaNode(s: unknown, path: string, out: SchemaIssue[]): void {
  if (!isPlainObject(s)) {
    out.push(schemaIssue(path, `Invalid value: ${goValue(s)}: must be a schema object`, `must be a schema object, got ${jsonTypeOf(s)}`));
    return;
  }
  const node = s as Schema;
  if (node.type !== undefined && !(typeof node.type === 'string' && (node.type === '' || (SCHEMA_TYPES as readonly string[]).includes(node.type)))) {
    out.push(schemaIssue(`${path}.type`,
      `Unsupported value: ${goValue(node.type)}: supported values: ${SCHEMA_TYPES.map((t) => JSON.stringify(t)).join(', ')}`,
      `must be one of ${SCHEMA_TYPES.join(', ')}, got ${show(node.type)}`));
  }
  for (const key of NUMBER_KEYWORDS) {
    if (node[key] !== undefined && typeof node[key] !== 'number') out.push(wrongKeyword(path, key, 'number', node[key]));
  }
  for (const key of BOOLEAN_KEYWORDS) {
    if (node[key] !== undefined && typeof node[key] !== 'boolean') out.push(wrongKeyword(path, key, 'boolean', node[key]));
  }
  for (const key of FORBIDDEN_KEYWORDS) {
    if (node[key] !== undefined) out.push(schemaIssue(`${path}.${key}`, `Forbidden: ${key} is not supported`, `${key} is not allowed in a CRD schema`));
  }
  if (node.uniqueItems === true) {
    out.push(schemaIssue(`${path}.uniqueItems`,
      'Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
      'uniqueItems: true is not allowed in a CRD schema'));
  }
  if (node.pattern !== undefined) {
    const re = typeof node.pattern === 'string' ? compilePattern(node.pattern) : undefined;
    if (re === undefined) out.push(wrongKeyword(path, 'pattern', 'string', node.pattern));
    else if (re instanceof Error) {
      out.push(schemaIssue(`${path}.pattern`,
        `Invalid value: ${goValue(node.pattern)}: must be a valid regular expression, but isn't: ${re.message}`,
        `not a valid regular expression: ${re.message}`));
    }
  }
  if (node.format !== undefined && typeof node.format !== 'string') out.push(wrongKeyword(path, 'format', 'string', node.format));
  if (node.required !== undefined && !(Array.isArray(node.required) && node.required.every((r) => typeof r === 'string'))) {
    out.push(wrongKeyword(path, 'required', 'array of strings', node.required));
  }
  if (node.enum !== undefined && !Array.isArray(node.enum)) out.push(wrongKeyword(path, 'enum', 'array', node.enum));
  if (node.properties !== undefined) {
    if (!isPlainObject(node.properties)) out.push(wrongKeyword(path, 'properties', 'object', node.properties));
    else for (const [key, prop] of Object.entries(node.properties)) schemaNode(prop, `${path}.properties[${key}]`, out);
  }
  if (Array.isArray(node.items)) {
    out.push(schemaIssue(`${path}.items`, 'Forbidden: items must be a schema object and not an array', 'items must be a single schema, not a list'));
  } else if (node.items !== undefined) schemaNode(node.items, `${path}.items`, out);
  const extra = node.additionalProperties;
  if (extra !== undefined) {
    if (typeof extra !== 'boolean') schemaNode(extra, `${path}.additionalProperties`, out);
    // Both would contradict each other; Kubernetes refuses the pair.
    if (isPlainObject(node.properties) && Object.keys(node.properties).length && extra !== true) {
      out.push(schemaIssue(`${path}.additionalProperties`, 'Forbidden: additionalProperties and properties are mutual exclusive',
        'properties and additionalProperties cannot both be set'));
    }
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = node[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) out.push(wrongKeyword(path, key, 'array', list));
    else list.forEach((sub, i) => schemaNode(sub, `${path}.${key}[${i}]`, out));
  }
  if (node.not !== undefined) schemaNode(node.not, `${path}.not`, out);
}

function wrongKeyword(path: string, key: string, expected: string, got: unknown): SchemaIssue {
  return schemaIssue(`${path}.${key}`, `Invalid value: ${goValue(got)}: must be ${article(expected)} ${expected}`,
    `must be ${article(expected)} ${expected}, got ${jsonTypeOf(got)}`);
}

/**
 * Every `default` must itself be valid for its node once defaulted, with no
 * fields the node would prune. Walks the nodes values can reach.
 */
export function checkDefaults(schema: Schema, path: string): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  defaultsNode(schema, path, out);
  return out;
}

function defaultsNode(s: Schema, path: string, out: SchemaIssue[]): void {
  if (s.default !== undefined) {
    out.push(...validate(s, applyDefaults(s, s.default), `${path}.default`, { pruneUnknown: 'reject' }));
  }
  for (const [key, prop] of Object.entries(propertiesOf(s))) defaultsNode(prop, `${path}.properties[${key}]`, out);
  const items = schemaOrUndefined(s.items);
  if (items) defaultsNode(items, `${path}.items`, out);
  const extra = schemaOrUndefined(s.additionalProperties);
  if (extra) defaultsNode(extra, `${path}.additionalProperties`, out);
}

function schemaIssue(path: string, body: string, summary: string): SchemaIssue {
  return { path, message: `${path}: ${body}`, summary };
}

// ---------------------------------------------------------------------------
// Paths and values in messages

/** `spec` + `parameters` → `spec.parameters`; the empty path is the value itself. */
export function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** `spec.parameters.labels` + 0 → `spec.parameters.labels[0]`. */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

function nameOf(path: string): string {
  return path === '' ? '<root>' : path;
}

/** Kubernetes' `<path>: Invalid value: <value>: <path> in body <detail>`. */
function invalid(path: string, value: unknown, detail: string): string {
  return `${nameOf(path)}: Invalid value: ${goValue(value)}: ${nameOf(path)} in body ${detail}`;
}

/** A value as Kubernetes prints it in an error: strings quoted, the rest as JSON. */
function goValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? String(v);
}

/** A value shown to people: JSON, cut short so messages stay one line. */
function show(v: unknown): string {
  const text = v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

// ---------------------------------------------------------------------------
// Reading keywords defensively, and JSON helpers

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function schemaOrUndefined(v: unknown): Schema | undefined {
  return isPlainObject(v) ? (v as Schema) : undefined;
}

function schemaList(v: unknown): Schema[] {
  return Array.isArray(v) ? v.filter(isPlainObject).map((s) => s as Schema) : [];
}

// Schemas are read, never changed, and the same few (a template's parameters, the match
// schema) judge every constraint: each one's properties are gathered once.
const propertiesCache = new WeakMap<object, Record<string, Schema>>();
const NO_PROPERTIES: Record<string, Schema> = Object.freeze({}) as Record<string, Schema>;

function propertiesOf(s: Schema): Record<string, Schema> {
  const props = s.properties;
  if (!isPlainObject(props)) return NO_PROPERTIES;
  let out = propertiesCache.get(props);
  if (!out) {
    // fromEntries defines own properties, so even a field named `__proto__` stays a field.
    out = Object.fromEntries(Object.entries(props).filter(([, prop]) => isPlainObject(prop))) as Record<string, Schema>;
    propertiesCache.set(props, out);
  }
  return out;
}

function requiredOf(s: Schema): string[] {
  return Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : [];
}

function numberKeyword(s: Schema, key: string): number | undefined {
  const v = s[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** A deep copy of a JSON value (objects and arrays copied, scalars shared). */
export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneJson(x)])) as T;
  return v;
}
