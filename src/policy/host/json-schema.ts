// json.verify_schema and json.match_schema with Ajv. OPA validates with
// gojsonschema, so schema problems and validation errors are reported in
// gojsonschema's words and shape ({error, type, field, desc}), converted here
// from Ajv's error objects.
import type { default as Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { fail, typeName, type HostTable } from './common';
import { ajvLib } from './lazy';

/** A schema gojsonschema would not load (the caller words it for its builtin). */
class SchemaError extends Error {}

let ajv: Ajv | undefined;

/** The validator, made for the first schema: a lint whose policies check no JSON schema never loads Ajv. */
function validator(): Ajv {
  if (!ajv) {
    const lib = ajvLib();
    // gojsonschema ignores keywords it does not know and checks formats it knows.
    // verbose: errors carry the data they reject, whose type gojsonschema names.
    ajv = new lib.Ajv({ allErrors: true, strict: false, validateFormats: true, verbose: true });
    lib.addFormats(ajv);
  }
  return ajv;
}

const PRIMITIVE_TYPES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];

/** gojsonschema's own check of "type" values, which Ajv words differently. */
function checkTypes(schema: unknown): void {
  if (Array.isArray(schema)) {
    schema.forEach(checkTypes);
    return;
  }
  if (schema === null || typeof schema !== 'object') return;
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    if (k === 'type') {
      for (const t of Array.isArray(v) ? v : [v]) {
        if (typeof t === 'string' && !PRIMITIVE_TYPES.includes(t)) {
          throw new SchemaError(`has a primitive type that is NOT VALID -- given: /${t}/ Expected valid values are:[${PRIMITIVE_TYPES.join(' ')}]`);
        }
      }
    } else if (k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples') {
      checkTypes(v);
    }
  }
}

/** A schema or document given as JSON text or as a value. */
function jsonOperand(name: string, v: unknown, pos: number): unknown {
  if (typeof v !== 'string') {
    if (v === null || typeof v !== 'object') fail(name, `operand ${pos} must be one of {object, string} but got ${typeName(v)}`);
    return v;
  }
  try {
    return JSON.parse(v);
  } catch (e) {
    throw new SchemaError(`invalid JSON: ${(e as Error).message}`);
  }
}

const compiled = new Map<string, ValidateFunction>();

function compileSchema(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    checkTypes(schema);
    if (typeof schema === 'boolean') schema = schema ? {} : { not: {} };
    try {
      validate = validator().compile(schema as object);
    } catch (e) {
      throw new SchemaError((e as Error).message);
    }
    compiled.set(key, validate);
  }
  return validate;
}

/** gojsonschema's field: "(root)", or the path with dots ("a.b.0"). */
function field(e: ErrorObject): string {
  const parts = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.length ? parts.join('.') : '(root)';
}

function quoteList(values: unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/** One Ajv error as gojsonschema's result error. */
function resultError(e: ErrorObject): Record<string, string> {
  const p = e.params as Record<string, unknown>;
  let type = e.keyword;
  let desc = e.message ?? e.keyword;
  const at = field(e);
  switch (e.keyword) {
    case 'type': type = 'invalid_type'; desc = `Invalid type. Expected: ${String(p.type).replace(/,/g, '/')}, given: ${jsonType(e.data)}`; break;
    case 'required': desc = `${p.missingProperty} is required`; break;
    case 'enum': desc = `${at} must be one of the following: ${quoteList(p.allowedValues as unknown[])}`; break;
    case 'const': desc = `${at} does not match: ${JSON.stringify(p.allowedValue)}`; break;
    case 'minimum': type = 'number_gte'; desc = `Must be greater than or equal to ${p.limit}`; break;
    case 'maximum': type = 'number_lte'; desc = `Must be less than or equal to ${p.limit}`; break;
    case 'exclusiveMinimum': type = 'number_gt'; desc = `Must be greater than ${p.limit}`; break;
    case 'exclusiveMaximum': type = 'number_lt'; desc = `Must be less than ${p.limit}`; break;
    case 'multipleOf': type = 'multiple_of'; desc = `Must be a multiple of ${p.multipleOf}`; break;
    case 'minLength': type = 'string_gte'; desc = `String length must be greater than or equal to ${p.limit}`; break;
    case 'maxLength': type = 'string_lte'; desc = `String length must be less than or equal to ${p.limit}`; break;
    case 'pattern': desc = `Does not match pattern '${p.pattern}'`; break;
    case 'format': desc = `Does not match format '${p.format}'`; break;
    case 'minItems': type = 'array_min_items'; desc = `Array must have at least ${p.limit} items`; break;
    case 'maxItems': type = 'array_max_items'; desc = `Array must have at most ${p.limit} items`; break;
    case 'uniqueItems': type = 'unique'; desc = `array items[${p.j},${p.i}] must be unique`; break;
    case 'minProperties': type = 'array_min_properties'; desc = `Must have at least ${p.limit} properties`; break;
    case 'maxProperties': type = 'array_max_properties'; desc = `Must have at most ${p.limit} properties`; break;
    case 'additionalProperties': type = 'additional_property_not_allowed'; desc = `Additional property ${p.additionalProperty} is not allowed`; break;
    case 'anyOf': type = 'number_any_of'; desc = 'Must validate at least one schema (anyOf)'; break;
    case 'oneOf': type = 'number_one_of'; desc = 'Must validate one and only one schema (oneOf)'; break;
    case 'not': type = 'number_not'; desc = 'Must not validate the schema (not)'; break;
    case 'if': type = 'condition_then'; desc = `Must validate "${p.failingKeyword}" as "if" was valid`; break;
    case 'dependencies': type = 'missing_dependency'; desc = `Has a dependency on ${p.deps}`; break;
    case 'false schema': type = 'false'; desc = 'False always fails validation'; break;
  }
  return { error: `${at}: ${desc}`, type, field: at, desc };
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function verifySchema(s: unknown): unknown[] {
  try {
    compileSchema(jsonOperand('json.verify_schema', s, 1));
    return [true, null];
  } catch (e) {
    if (e instanceof SchemaError) return [false, `jsonschema: ${e.message}`];
    throw e;
  }
}

function matchSchema(d: unknown, s: unknown): unknown[] {
  const name = 'json.match_schema';
  try {
    const doc = jsonOperand(name, d, 1);
    const validate = compileSchema(jsonOperand(name, s, 2));
    if (validate(doc)) return [true, []];
    // Ajv reports the branches of anyOf/oneOf as errors too; gojsonschema reports the combinator only.
    const errors = (validate.errors ?? []).filter((e) => !/\/(anyOf|oneOf)\/\d+\//.test(e.schemaPath));
    return [false, errors.map(resultError)];
  } catch (e) {
    if (e instanceof SchemaError) fail(name, e.message);
    throw e;
  }
}

export const builtins: HostTable = {
  'json.verify_schema': verifySchema,
  'json.match_schema': matchSchema,
};
