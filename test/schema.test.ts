// CRD schema validation (schema.ts) and the constraint CRD Gatekeeper generates
// from a ConstraintTemplate (constraint-schema.ts): every keyword with
// Kubernetes' wording, structural defaulting, the checks on schemas, and the
// template and constraint acceptance checks that concern shape and schema.
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  constraintSchema,
  isDns1035Label,
  isDns1123Subdomain,
  parametersSchema,
  readTemplate,
  validateConstraint,
  validateTemplate,
  withLegacyAdjustments,
  type ConstraintValidation,
} from '../src/gatekeeper/constraint-schema';
import {
  applyDefaults,
  checkDefaults,
  checkSchema,
  checkStructural,
  validate,
  type Schema,
  type SchemaIssue,
} from '../src/gatekeeper/schema';
import type { K8sObject } from '../src/gatekeeper/types';

const reject = { pruneUnknown: 'reject' } as const;
const allow = { pruneUnknown: 'allow' } as const;

const yaml = (text: string) => parseYaml(text) as K8sObject;
const messages = (issues: SchemaIssue[]) => issues.map((i) => i.message);
const summaries = (issues: SchemaIssue[]) => issues.map((i) => `${i.path}: ${i.summary}`);

function errorsOf(r: ConstraintValidation): string[] {
  return 'errors' in r ? r.errors : [];
}

function accepted(r: ConstraintValidation): K8sObject {
  if ('errors' in r) throw new Error(`rejected:\n${r.errors.join('\n')}`);
  return r.constraint;
}

// ---------------------------------------------------------------------------
// schema.ts: validate

describe('validate: type', () => {
  const cases: [string, unknown, string][] = [
    ['array', 'x', 'string'],
    ['object', [], 'array'],
    ['string', 1, 'integer'],
    ['integer', 1.5, 'number'],
    ['integer', '1', 'string'],
    ['number', true, 'boolean'],
    ['boolean', 'true', 'string'],
    ['object', 'x', 'string'],
  ];
  it.each(cases)('type %s refuses %j as %s, in Kubernetes wording', (type, value, actual) => {
    const issues = validate({ type }, value, 'spec.parameters.x', reject);
    expect(messages(issues)).toEqual([
      `spec.parameters.x: Invalid value: "${actual}": spec.parameters.x in body must be of type ${type}: "${actual}"`,
    ]);
    expect(issues[0]!.summary).toBe(`must be of type ${type}, got ${actual}`);
    expect(issues[0]!.path).toBe('spec.parameters.x');
  });

  it('accepts each type, and an integer where a number is asked for', () => {
    expect(validate({ type: 'object' }, {}, 'x', reject)).toEqual([]);
    expect(validate({ type: 'array' }, [], 'x', reject)).toEqual([]);
    expect(validate({ type: 'string' }, '', 'x', reject)).toEqual([]);
    expect(validate({ type: 'integer' }, -3, 'x', reject)).toEqual([]);
    expect(validate({ type: 'number' }, 3, 'x', reject)).toEqual([]);
    expect(validate({ type: 'number' }, 3.25, 'x', reject)).toEqual([]);
    expect(validate({ type: 'boolean' }, false, 'x', reject)).toEqual([]);
  });

  it('the brief example: labels given as a string', () => {
    const schema: Schema = { type: 'object', properties: { labels: { type: 'array', items: { type: 'string' } } } };
    expect(messages(validate(schema, { labels: 'owner' }, 'spec.parameters', reject))).toEqual([
      'spec.parameters.labels: Invalid value: "string": spec.parameters.labels in body must be of type array: "string"',
    ]);
  });

  it('null is refused unless nullable', () => {
    expect(messages(validate({ type: 'string' }, null, 'a', reject))).toEqual([
      'a: Invalid value: "null": a in body must be of type string: "null"',
    ]);
    expect(validate({ type: 'string', nullable: true }, null, 'a', reject)).toEqual([]);
    expect(validate({ 'x-kubernetes-preserve-unknown-fields': true }, null, 'a', reject)).toEqual([]);
  });

  it('stops at a node of the wrong type (no keyword errors below it)', () => {
    const schema: Schema = { type: 'array', minItems: 2, items: { type: 'string' } };
    expect(validate(schema, { a: 1 }, 'a', reject)).toHaveLength(1);
  });

  it('x-kubernetes-int-or-string takes integers and strings only', () => {
    const s: Schema = { 'x-kubernetes-int-or-string': true };
    expect(validate(s, 8080, 'port', reject)).toEqual([]);
    expect(validate(s, 'http', 'port', reject)).toEqual([]);
    const issues = validate(s, true, 'port', reject);
    expect(messages(issues)).toEqual(['port: Invalid value: "boolean": port in body must be of type integer,string: "boolean"']);
    expect(issues[0]!.summary).toBe('must be an integer or a string, got boolean');
    expect(validate(s, 1.5, 'port', reject)).toHaveLength(1);
  });

  it('an untyped node judges the keywords that fit the value', () => {
    const s: Schema = { maxLength: 2, minimum: 5 };
    expect(summaries(validate(s, 'abc', 'v', allow))).toEqual(['v: must be a string of at most 2 characters, got 3']);
    expect(summaries(validate(s, 4, 'v', allow))).toEqual(['v: must be >= 5, got 4']);
  });
});

describe('validate: objects', () => {
  const schema: Schema = {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string' },
      labels: {
        type: 'array',
        items: { type: 'object', required: ['key'], properties: { key: { type: 'string' }, allowedRegex: { type: 'string' } } },
      },
    },
  };

  it('paths name nested fields and array elements', () => {
    const value = { name: 'a', labels: [{ key: 'owner' }, { key: 7 }] };
    expect(summaries(validate(schema, value, 'spec.parameters', reject))).toEqual([
      'spec.parameters.labels[1].key: must be of type string, got integer',
    ]);
  });

  it('required: "Required value" at the missing field, naming the expected type', () => {
    const issues = validate(schema, { labels: [{}] }, 'spec.parameters', reject);
    expect(messages(issues)).toEqual(['spec.parameters.name: Required value', 'spec.parameters.labels[0].key: Required value']);
    expect(issues[0]!.summary).toBe('missing required field (expected string)');
  });

  it('unknown fields: rejected with `reject`, ignored with `allow`', () => {
    const value = { name: 'a', extra: 1, labels: [{ key: 'k', note: 'x' }] };
    const issues = validate(schema, value, 'spec.parameters', reject);
    expect(messages(issues)).toEqual(['unknown field "spec.parameters.extra"', 'unknown field "spec.parameters.labels[0].note"']);
    expect(issues[0]!.summary).toBe('unknown field (declared here: name, labels)');
    expect(validate(schema, value, 'spec.parameters', allow)).toEqual([]);
  });

  it('an object with no properties declares nothing', () => {
    expect(summaries(validate({ type: 'object' }, { a: 1 }, 'p', reject))).toEqual([
      'p.a: unknown field (nothing is declared here)',
    ]);
  });

  it('x-kubernetes-preserve-unknown-fields keeps unknown fields, still checks declared ones', () => {
    const s: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { n: { type: 'integer' } } };
    expect(validate(s, { anything: { deep: [1] } }, 'p', reject)).toEqual([]);
    expect(summaries(validate(s, { n: 'x' }, 'p', reject))).toEqual(['p.n: must be of type integer, got string']);
  });

  it('an unknown field is reported once, not its contents', () => {
    expect(validate({ type: 'object' }, { a: { b: { c: 1 } } }, 'p', reject)).toHaveLength(1);
  });

  it('additionalProperties as a schema validates every field (a map)', () => {
    const s: Schema = { type: 'object', additionalProperties: { type: 'string' } };
    expect(validate(s, { a: 'x', b: 'y' }, 'm', reject)).toEqual([]);
    expect(summaries(validate(s, { a: 'x', b: 2 }, 'm', reject))).toEqual(['m.b: must be of type string, got integer']);
  });

  it('additionalProperties true accepts anything, false forbids extra fields', () => {
    expect(validate({ type: 'object', additionalProperties: true }, { a: 1 }, 'm', reject)).toEqual([]);
    const issues = validate({ type: 'object', additionalProperties: false }, { a: 1 }, 'm', allow);
    expect(messages(issues)).toEqual(['m: Invalid value: "a": m.a in body is a forbidden property']);
    expect(issues[0]!.path).toBe('m.a');
  });

  it('minProperties / maxProperties', () => {
    const s: Schema = { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1, maxProperties: 2 };
    expect(messages(validate(s, {}, 'm', reject))).toEqual(['m: Invalid value: 0: m in body should have at least 1 properties']);
    expect(messages(validate(s, { a: '', b: '', c: '' }, 'm', reject))).toEqual(['m: Too many: 3: must have at most 2 items']);
  });
});

describe('validate: arrays', () => {
  it('items, with the index in the path', () => {
    const s: Schema = { type: 'array', items: { type: 'string' } };
    expect(summaries(validate(s, ['a', 1, 'b', false], 'caps', reject))).toEqual([
      'caps[1]: must be of type string, got integer',
      'caps[3]: must be of type string, got boolean',
    ]);
  });

  it('minItems / maxItems', () => {
    const s: Schema = { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 2 };
    expect(messages(validate(s, [], 'a', reject))).toEqual(['a: Invalid value: 0: a in body should have at least 1 items']);
    expect(messages(validate(s, [1, 2, 3], 'a', reject))).toEqual(['a: Too many: 3: must have at most 2 items']);
    expect(validate(s, [1, 2], 'a', reject)).toEqual([]);
  });

  it('uniqueItems compares deeply', () => {
    const s: Schema = { type: 'array', uniqueItems: true };
    expect(validate(s, [{ a: 1 }, { a: 2 }], 'a', allow)).toEqual([]);
    const issues = validate(s, [{ a: 1 }, { a: 1 }], 'a', allow);
    expect(messages(issues)).toEqual([`a: Invalid value: "": a in body shouldn't contain duplicates`]);
    expect(issues[0]!.summary).toBe('must not contain duplicates, got {"a":1} more than once');
  });
});

describe('validate: strings', () => {
  it('enum: Unsupported value, every allowed value quoted', () => {
    const issues = validate({ type: 'string', enum: ['a', 'b'] }, 'x', 'rule', reject);
    expect(messages(issues)).toEqual(['rule: Unsupported value: "x": supported values: "a", "b"']);
    expect(issues[0]!.summary).toBe('must be one of "a", "b", got "x"');
    expect(messages(validate({ type: 'integer', enum: [1, 2] }, 3, 'n', reject))).toEqual([
      'n: Unsupported value: 3: supported values: "1", "2"',
    ]);
    expect(validate({ enum: [{ a: 1 }] }, { a: 1 }, 'o', allow)).toEqual([]);
  });

  it('pattern (unanchored, as in Kubernetes)', () => {
    const issues = validate({ type: 'string', pattern: '^[a-z]+$' }, 'ABC', 'n', reject);
    expect(messages(issues)).toEqual([`n: Invalid value: "ABC": n in body should match '^[a-z]+$'`]);
    expect(issues[0]!.summary).toBe(`must match '^[a-z]+$', got "ABC"`);
    expect(validate({ type: 'string', pattern: '[0-9]' }, 'abc1', 'n', reject)).toEqual([]);
  });

  it("pattern with RE2's leading (?i)", () => {
    expect(validate({ type: 'string', pattern: '(?i)^abc$' }, 'ABC', 'n', reject)).toEqual([]);
  });

  it('an uncompilable pattern does not reject values (checkSchema reports it)', () => {
    expect(validate({ type: 'string', pattern: '(' }, 'x', 'n', reject)).toEqual([]);
  });

  it('minLength / maxLength count characters', () => {
    const s: Schema = { type: 'string', minLength: 2, maxLength: 3 };
    expect(messages(validate(s, 'a', 'n', reject))).toEqual(['n: Invalid value: "a": n in body should be at least 2 chars long']);
    expect(messages(validate(s, 'abcd', 'n', reject))).toEqual(['n: Too long: may not be more than 3 bytes']);
    expect(validate(s, 'ééé', 'n', reject)).toEqual([]);
    expect(validate(s, '😀😀', 'n', reject)).toEqual([]);
  });

  it('known formats are checked, unknown ones ignored', () => {
    const fmt = (format: string, v: string) => validate({ type: 'string', format }, v, 'f', reject).length;
    expect(messages(validate({ type: 'string', format: 'uuid' }, 'nope', 'f', reject))).toEqual([
      'f: Invalid value: "nope": f in body must be of type uuid: "nope"',
    ]);
    expect(fmt('uuid', '123e4567-e89b-12d3-a456-426614174000')).toBe(0);
    expect(fmt('ipv4', '10.0.0.1')).toBe(0);
    expect(fmt('ipv4', '10.0.0.256')).toBe(1);
    expect(fmt('ipv6', '::1')).toBe(0);
    expect(fmt('cidr', '10.0.0.0/8')).toBe(0);
    expect(fmt('cidr', '10.0.0.0/33')).toBe(1);
    expect(fmt('date', '2024-02-29')).toBe(0);
    expect(fmt('date', '2023-02-29')).toBe(1);
    expect(fmt('date-time', '2024-02-03T04:05:06Z')).toBe(0);
    expect(fmt('hostname', 'a.example.com')).toBe(0);
    expect(fmt('hostname', 'a_b')).toBe(1);
    expect(fmt('byte', 'aGk=')).toBe(0);
    expect(fmt('int-or-whatever', 'anything')).toBe(0);
    expect(fmt('password', 'x')).toBe(0);
  });
});

describe('validate: numbers', () => {
  it('minimum / maximum, inclusive and exclusive', () => {
    expect(messages(validate({ type: 'integer', minimum: 1 }, 0, 'n', reject))).toEqual([
      'n: Invalid value: 0: n in body should be greater than or equal to 1',
    ]);
    expect(messages(validate({ type: 'integer', minimum: 1, exclusiveMinimum: true }, 1, 'n', reject))).toEqual([
      'n: Invalid value: 1: n in body should be greater than 1',
    ]);
    expect(messages(validate({ type: 'number', maximum: 2 }, 2.5, 'n', reject))).toEqual([
      'n: Invalid value: 2.5: n in body should be less than or equal to 2',
    ]);
    expect(summaries(validate({ type: 'number', maximum: 2, exclusiveMaximum: true }, 2, 'n', reject))).toEqual([
      'n: must be < 2, got 2',
    ]);
    expect(validate({ type: 'integer', minimum: 1, maximum: 2 }, 2, 'n', reject)).toEqual([]);
  });

  it('multipleOf', () => {
    expect(summaries(validate({ type: 'integer', multipleOf: 5 }, 7, 'n', reject))).toEqual(['n: must be a multiple of 5, got 7']);
    expect(validate({ type: 'number', multipleOf: 0.1 }, 0.3, 'n', reject)).toEqual([]);
  });
});

describe('validate: allOf / anyOf / oneOf / not', () => {
  it('anyOf needs one match', () => {
    const s: Schema = { anyOf: [{ type: 'integer' }, { type: 'string' }] };
    expect(validate(s, 'x', 'v', reject)).toEqual([]);
    const issues = validate(s, true, 'v', reject);
    expect(messages(issues)).toEqual(['v: Invalid value: true: v in body must validate at least one schema (anyOf)']);
    expect(issues[0]!.summary).toContain('must be of type integer, got boolean');
  });

  it('oneOf needs exactly one match', () => {
    const s: Schema = { oneOf: [{ minimum: 0 }, { maximum: 10 }] };
    expect(validate(s, -5, 'v', reject)).toEqual([]);
    expect(summaries(validate(s, 5, 'v', reject))).toEqual(['v: must match exactly one of the oneOf schemas, matched 2']);
  });

  it('allOf reports what failed, then that allOf failed', () => {
    const s: Schema = { type: 'string', allOf: [{ minLength: 2 }, { pattern: '^a' }] };
    expect(summaries(validate(s, 'b', 'v', reject))).toEqual([
      'v: must be a string of at least 2 characters, got "b"',
      `v: must match '^a', got "b"`,
      'v: must match all of the allOf schemas',
    ]);
  });

  it('not', () => {
    expect(messages(validate({ type: 'string', not: { enum: ['root'] } }, 'root', 'v', reject))).toEqual([
      'v: Invalid value: "root": v in body must not validate the schema (not)',
    ]);
    expect(validate({ type: 'string', not: { enum: ['root'] } }, 'app', 'v', reject)).toEqual([]);
  });

  it('sub-schemas cannot declare fields: unknown fields follow the main schema only', () => {
    const s: Schema = { type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ required: ['a'] }] };
    expect(validate(s, { a: 'x' }, 'v', reject)).toEqual([]);
  });
});

it('every message is one line', () => {
  const issues = validate({ type: 'object', properties: { 'a\nb': { type: 'string', enum: ['x\ny'] } } }, { 'a\nb': 'z\nw' }, 'p', reject);
  expect(issues).toHaveLength(1);
  // The value and the allowed values are quoted; the key is part of the path.
  expect(issues[0]!.message.split('supported values: ')[1]).toBe('"x\\ny"');
});

// ---------------------------------------------------------------------------
// schema.ts: applyDefaults

describe('applyDefaults', () => {
  const schema: Schema = {
    type: 'object',
    properties: {
      action: { type: 'string', default: 'deny' },
      params: {
        type: 'object',
        default: {},
        properties: { retries: { type: 'integer', default: 3 }, mode: { type: 'string' } },
      },
      list: { type: 'array', items: { type: 'object', properties: { weight: { type: 'integer', default: 1 } } } },
      map: { type: 'object', additionalProperties: { type: 'object', properties: { on: { type: 'boolean', default: true } } } },
      keep: { type: 'string', nullable: true, default: 'x' },
    },
  };

  it('fills missing properties, including defaults inside a defaulted value', () => {
    expect(applyDefaults(schema, {})).toEqual({ action: 'deny', params: { retries: 3 }, keep: 'x' });
  });

  it('keeps what is set, defaults inside arrays and maps', () => {
    const value = { action: 'warn', params: { mode: 'm' }, list: [{}, { weight: 5 }], map: { a: {}, b: { on: false } }, keep: 'y' };
    expect(applyDefaults(schema, value)).toEqual({
      action: 'warn',
      params: { mode: 'm', retries: 3 },
      list: [{ weight: 1 }, { weight: 5 }],
      map: { a: { on: true }, b: { on: false } },
      keep: 'y',
    });
  });

  it('a null non-nullable field gets its default, or is dropped; a nullable null stays', () => {
    const s: Schema = { type: 'object', properties: { a: { type: 'string', default: 'd' }, b: { type: 'string' }, c: { type: 'string', nullable: true, default: 'd' } } };
    expect(applyDefaults(s, { a: null, b: null, c: null })).toEqual({ a: 'd', c: null });
  });

  it('null array items with a default get it', () => {
    expect(applyDefaults({ type: 'array', items: { type: 'string', default: 'z' } }, ['a', null])).toEqual(['a', 'z']);
  });

  it('does not touch its input, and defaults are copies', () => {
    const input = { params: {} };
    const out = applyDefaults(schema, input) as { params: Record<string, unknown> };
    expect(input).toEqual({ params: {} });
    out.params.retries = 9;
    expect((applyDefaults(schema, {}) as { params: { retries: number } }).params.retries).toBe(3);
    expect(schema.properties!.params!.default).toEqual({});
  });

  it('non-objects and undeclared fields are left alone', () => {
    expect(applyDefaults(schema, 'x')).toBe('x');
    expect(applyDefaults(schema, { other: { retries: null } })).toEqual({ other: { retries: null }, action: 'deny', params: { retries: 3 }, keep: 'x' });
  });
});

// ---------------------------------------------------------------------------
// schema.ts: checks on schemas

describe('checkStructural', () => {
  const at = 'spec.crd.spec.validation.openAPIV3Schema';

  it('a missing type at the root, in a field, in items, in additionalProperties', () => {
    const s: Schema = {
      properties: {
        a: {},
        b: { type: 'array', items: {} },
        c: { type: 'object', additionalProperties: {} },
      },
    };
    expect(messages(checkStructural(s, at))).toEqual([
      `${at}.type: Required value: must not be empty at the root`,
      `${at}.properties[a].type: Required value: must not be empty for specified object fields`,
      `${at}.properties[b].items.type: Required value: must not be empty for specified array items`,
      `${at}.properties[c].additionalProperties.type: Required value: must not be empty for specified additionalProperties`,
    ]);
  });

  it('preserve-unknown-fields and int-or-string need no type; allOf & co. are not levels', () => {
    const s: Schema = {
      type: 'object',
      properties: {
        any: { 'x-kubernetes-preserve-unknown-fields': true },
        port: { 'x-kubernetes-int-or-string': true },
        n: { type: 'integer', anyOf: [{ minimum: 1 }, { maximum: -1 }], not: { enum: [0] } },
      },
    };
    expect(checkStructural(s, at)).toEqual([]);
  });

  it('an array must say what its items are', () => {
    expect(messages(checkStructural({ type: 'object', properties: { l: { type: 'array' } } }, at))).toEqual([
      `${at}.properties[l].items: Required value: must be specified`,
    ]);
  });
});

describe('checkSchema', () => {
  it('a well-formed schema passes', () => {
    const s = { type: 'object', properties: { a: { type: 'string', pattern: '^x', enum: ['x'] } }, required: ['a'] };
    expect(checkSchema(s, 'p')).toEqual([]);
  });

  it('reports malformed and forbidden keywords', () => {
    const s = {
      type: 'object',
      properties: {
        a: { type: 'str' },
        b: { type: 'string', pattern: '(' },
        c: { type: 'array', items: [{ type: 'string' }] },
        d: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        e: { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: { type: 'string' } },
        f: { $ref: '#/definitions/x' },
        g: { type: 'string', maxLength: '3', required: 'x' },
        h: 'string',
      },
    };
    expect(summaries(checkSchema(s, 'p'))).toEqual([
      'p.properties[a].type: must be one of array, boolean, integer, number, object, string, got "str"',
      expect.stringMatching(/^p\.properties\[b\]\.pattern: not a valid regular expression: /),
      'p.properties[c].items: items must be a single schema, not a list',
      'p.properties[d].uniqueItems: uniqueItems: true is not allowed in a CRD schema',
      'p.properties[e].additionalProperties: properties and additionalProperties cannot both be set',
      'p.properties[f].$ref: $ref is not allowed in a CRD schema',
      'p.properties[g].maxLength: must be a number, got string',
      'p.properties[g].required: must be an array of strings, got string',
      'p.properties[h]: must be a schema object, got string',
    ]);
    expect(messages(checkSchema({ type: 'array', items: { type: 'string' }, uniqueItems: true }, 'p'))).toEqual([
      'p.uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
    ]);
  });
});

describe('checkDefaults', () => {
  it('a default must validate against its own node', () => {
    const s: Schema = {
      type: 'object',
      properties: {
        n: { type: 'integer', default: 'three' },
        rule: { type: 'string', enum: ['a'], default: 'a' },
        o: { type: 'object', properties: { x: { type: 'string' } }, default: { y: 1 } },
      },
    };
    expect(summaries(checkDefaults(s, 'p'))).toEqual([
      'p.properties[n].default: must be of type integer, got string',
      'p.properties[o].default.y: unknown field (declared here: x)',
    ]);
  });
});

// ---------------------------------------------------------------------------
// constraint-schema.ts: templates

const requiredLabelsTemplate = yaml(`
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8srequiredlabels
spec:
  crd:
    spec:
      names:
        kind: K8sRequiredLabels
      validation:
        openAPIV3Schema:
          type: object
          properties:
            message:
              type: string
            labels:
              type: array
              items:
                type: object
                properties:
                  key:
                    type: string
                  allowedRegex:
                    type: string
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8srequiredlabels
        violation[{"msg": "x"}] { false }
`);

const capabilitiesTemplate = yaml(`
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8spspcapabilities
spec:
  crd:
    spec:
      names:
        kind: K8sPSPCapabilities
      validation:
        openAPIV3Schema:
          type: object
          properties:
            exemptImages:
              type: array
              items: {type: string}
            allowedCapabilities:
              type: array
              items: {type: string}
            requiredDropCapabilities:
              type: array
              items: {type: string}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: "package k8spspcapabilities"
`);

/** K8sPSPAllowedUsers' parameters, as the library's template declares them. */
function allowedUsersTemplate(version: string): K8sObject {
  const id: Schema = { type: 'integer', minimum: 0 };
  const block = (...rules: string[]): Schema => ({
    type: 'object',
    required: ['rule'],
    properties: {
      rule: { type: 'string', enum: rules },
      ranges: { type: 'array', items: { type: 'object', properties: { min: id, max: id } } },
    },
  });
  return {
    apiVersion: `templates.gatekeeper.sh/${version}`,
    kind: 'ConstraintTemplate',
    metadata: { name: 'k8spspallowedusers' },
    spec: {
      crd: {
        spec: {
          names: { kind: 'K8sPSPAllowedUsers' },
          validation: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                exemptImages: { type: 'array', items: { type: 'string' } },
                runAsUser: block('MustRunAs', 'MustRunAsNonRoot', 'RunAsAny'),
                runAsGroup: block('MustRunAs', 'MayRunAs', 'RunAsAny'),
                supplementalGroups: block('MustRunAs', 'MayRunAs', 'RunAsAny'),
                fsGroup: block('MustRunAs', 'MayRunAs', 'RunAsAny'),
              },
            },
          },
        },
      },
      targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: 'package k8spspallowedusers' }],
    },
  };
}

/** A minimal template of a version, with the given schema (or none). */
function template(version: string, schema?: unknown, extra: Record<string, unknown> = {}): K8sObject {
  const validation = schema === undefined ? {} : { validation: { openAPIV3Schema: schema, ...extra } };
  return {
    apiVersion: `templates.gatekeeper.sh/${version}`,
    kind: 'ConstraintTemplate',
    metadata: { name: 'k8sthing' },
    spec: {
      crd: { spec: { names: { kind: 'K8sThing' }, ...validation } },
      targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: 'package x' }],
    },
  };
}

describe('readTemplate: legacySchema per version', () => {
  it('v1 → false, v1beta1 / v1alpha1 → true, unless written', () => {
    expect(readTemplate(template('v1', { type: 'object' })).legacySchema).toBe(false);
    expect(readTemplate(template('v1beta1', { type: 'object' })).legacySchema).toBe(true);
    expect(readTemplate(template('v1alpha1')).legacySchema).toBe(true);
    expect(readTemplate(template('v1', { type: 'object' }, { legacySchema: true })).legacySchema).toBe(true);
    expect(readTemplate(template('v1beta1', { type: 'object' }, { legacySchema: false })).legacySchema).toBe(false);
  });

  it('reads name, kind and version', () => {
    expect(readTemplate(requiredLabelsTemplate)).toMatchObject({ name: 'k8srequiredlabels', kind: 'K8sRequiredLabels', version: 'v1' });
  });
});

describe('parameters schema', () => {
  it('legacy: preserve unknown fields at object and untyped levels, anything as missing items', () => {
    const adjusted = withLegacyAdjustments({
      properties: { o: { type: 'object', properties: { s: { type: 'string' } } }, l: { type: 'array' }, u: {} },
    });
    expect(adjusted).toEqual({
      'x-kubernetes-preserve-unknown-fields': true,
      properties: {
        o: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { s: { type: 'string' } } },
        l: { type: 'array', items: { 'x-kubernetes-preserve-unknown-fields': true } },
        u: { 'x-kubernetes-preserve-unknown-fields': true },
      },
    });
  });

  it('v1 copies the schema as is; no schema declares no parameters', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(parametersSchema(readTemplate(template('v1', schema)))).toEqual(schema);
    expect(parametersSchema(readTemplate(template('v1')))).toBeUndefined();
    expect(parametersSchema(readTemplate(template('v1beta1')))).toEqual({ 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('the constraint schema: metadata.name ≤ 63, enforcementAction defaults to deny, status open', () => {
    const s = constraintSchema(readTemplate(requiredLabelsTemplate));
    expect(s.properties!.metadata!.properties!.name).toEqual({ type: 'string', maxLength: 63 });
    expect(s.properties!.spec!.properties!.enforcementAction).toEqual({ type: 'string', default: 'deny' });
    expect(s.properties!.status).toEqual({ 'x-kubernetes-preserve-unknown-fields': true });
    expect(Object.keys(s.properties!.spec!.properties!)).toEqual(['match', 'enforcementAction', 'scopedEnforcementActions', 'parameters']);
  });
});

describe('validateTemplate', () => {
  it('accepts well-formed templates of each version', () => {
    expect(validateTemplate(requiredLabelsTemplate)).toEqual([]);
    expect(validateTemplate(capabilitiesTemplate)).toEqual([]);
    expect(validateTemplate(allowedUsersTemplate('v1'))).toEqual([]);
    expect(validateTemplate(allowedUsersTemplate('v1beta1'))).toEqual([]);
    expect(validateTemplate(template('v1'))).toEqual([]);
  });

  it('targets: exactly one, admission.k8s.gatekeeper.sh', () => {
    const withTargets = (targets: unknown) => {
      const t = template('v1');
      (t.spec as Record<string, unknown>).targets = targets;
      return validateTemplate(t);
    };
    expect(withTargets([])).toEqual(['ConstraintTemplate/k8sthing: spec.targets: must have exactly one entry (target admission.k8s.gatekeeper.sh), got 0 entries']);
    expect(withTargets(undefined)).toEqual(['ConstraintTemplate/k8sthing: spec.targets: must have exactly one entry (target admission.k8s.gatekeeper.sh), got none']);
    expect(withTargets([{ target: 'admission.k8s.gatekeeper.sh' }, { target: 'admission.k8s.gatekeeper.sh' }])).toHaveLength(1);
    expect(withTargets([{ target: 'audit.example' }])).toEqual([
      'ConstraintTemplate/k8sthing: spec.targets[0].target: must be "admission.k8s.gatekeeper.sh", got "audit.example"',
    ]);
    expect(withTargets([{ rego: 'x' }])).toEqual([
      'ConstraintTemplate/k8sthing: spec.targets[0].target: must be "admission.k8s.gatekeeper.sh", got nothing',
    ]);
  });

  it('names.kind non-empty, equal to metadata.name ignoring case', () => {
    const t = template('v1');
    ((t.spec as any).crd.spec.names as Record<string, unknown>).kind = '';
    expect(validateTemplate(t)).toEqual(['ConstraintTemplate/k8sthing: spec.crd.spec.names.kind: missing required field (expected a non-empty string)']);
    const u = template('v1');
    u.metadata!.name = 'k8sother';
    expect(validateTemplate(u)).toEqual([
      'ConstraintTemplate/k8sother: metadata.name: must equal spec.crd.spec.names.kind ignoring case ("k8sthing"), got "k8sother"',
    ]);
    const v = template('v1');
    v.metadata!.name = 'K8sThing';
    expect(validateTemplate(v)).toEqual([]);
  });

  it('the lower-cased kind must be a DNS-1035 label', () => {
    const t = template('v1');
    t.metadata!.name = '9lives';
    (t.spec as any).crd.spec.names.kind = '9Lives';
    expect(validateTemplate(t)).toEqual([
      expect.stringMatching(/^ConstraintTemplate\/9lives: spec\.crd\.spec\.names\.kind: lower-cased \("9lives"\) must be a DNS-1035 label/),
    ]);
  });

  it('apiVersion, kind and name of the template itself', () => {
    const t = template('v2');
    t.kind = 'Template';
    delete t.metadata!.name;
    expect(validateTemplate(t)).toEqual([
      'ConstraintTemplate/<no name>: apiVersion: must be templates.gatekeeper.sh/v1, templates.gatekeeper.sh/v1beta1, templates.gatekeeper.sh/v1alpha1, got "templates.gatekeeper.sh/v2"',
      'ConstraintTemplate/<no name>: kind: must be ConstraintTemplate, got "Template"',
      'ConstraintTemplate/<no name>: metadata.name: missing required field (expected string)',
    ]);
  });

  it('v1 needs a structural schema; v1beta1 does not (legacy adjustments)', () => {
    const untyped = { properties: { labels: { type: 'array', items: { type: 'string' } } } };
    expect(validateTemplate(template('v1', untyped))).toEqual([
      'ConstraintTemplate/k8sthing: spec.crd.spec.validation.openAPIV3Schema.type: type is required here (or x-kubernetes-preserve-unknown-fields: true)',
    ]);
    expect(validateTemplate(template('v1beta1', untyped))).toEqual([]);
    expect(validateTemplate(template('v1', untyped, { legacySchema: true }))).toEqual([]);
    expect(validateTemplate(template('v1', { type: 'object', properties: { l: { type: 'array' } } }))).toEqual([
      'ConstraintTemplate/k8sthing: spec.crd.spec.validation.openAPIV3Schema.properties[l].items: an array schema must say what its items are',
    ]);
    expect(validateTemplate(template('v1beta1', { type: 'object', properties: { l: { type: 'array' } } }))).toEqual([]);
  });

  it('defaults must validate', () => {
    const schema = { type: 'object', properties: { n: { type: 'integer', default: 'x' }, m: { type: 'integer', default: 2 } } };
    expect(validateTemplate(template('v1', schema))).toEqual([
      'ConstraintTemplate/k8sthing: spec.crd.spec.validation.openAPIV3Schema.properties[n].default: must be of type integer, got string',
    ]);
    expect(validateTemplate(template('v1beta1', schema))).toHaveLength(1);
  });

  it('malformed keywords, for every version', () => {
    const schema = { type: 'object', properties: { p: { type: 'string', pattern: '[' } } };
    expect(validateTemplate(template('v1beta1', schema))).toEqual([
      expect.stringMatching(/^ConstraintTemplate\/k8sthing: spec\.crd\.spec\.validation\.openAPIV3Schema\.properties\[p\]\.pattern: not a valid regular expression/),
    ]);
    expect(validateTemplate(template('v1', 'a string'))).toEqual([
      'ConstraintTemplate/k8sthing: spec.crd.spec.validation.openAPIV3Schema: must be a schema object, got string',
    ]);
  });
});

// ---------------------------------------------------------------------------
// constraint-schema.ts: constraints

function constraint(kind: string, name: string, spec?: Record<string, unknown>, apiVersion = 'constraints.gatekeeper.sh/v1beta1'): K8sObject {
  return { apiVersion, kind, metadata: { name }, ...(spec === undefined ? {} : { spec }) };
}

const mustHaveOwner = (parameters: unknown) =>
  constraint('K8sRequiredLabels', 'must-have-owner', {
    match: { kinds: [{ apiGroups: [''], kinds: ['Namespace'] }] },
    parameters,
  });

describe('validateConstraint: K8sRequiredLabels', () => {
  it('accepts a good constraint and applies defaults (enforcementAction: deny)', () => {
    const c = mustHaveOwner({ message: 'need an owner', labels: [{ key: 'owner', allowedRegex: '^[a-z]+$' }] });
    const r = validateConstraint(requiredLabelsTemplate, c);
    expect(r).toEqual({ constraint: { ...c, spec: { ...(c.spec as object), enforcementAction: 'deny' } }, warnings: [] });
    expect((c.spec as Record<string, unknown>).enforcementAction).toBeUndefined();
  });

  it('the brief example: labels given as a string', () => {
    expect(errorsOf(validateConstraint(requiredLabelsTemplate, mustHaveOwner({ labels: 'owner' })))).toEqual([
      'K8sRequiredLabels/must-have-owner: spec.parameters.labels: must be of type array, got string',
    ]);
  });

  it('nested paths', () => {
    expect(errorsOf(validateConstraint(requiredLabelsTemplate, mustHaveOwner({ labels: [{ key: 'a' }, { key: ['b'] }] })))).toEqual([
      'K8sRequiredLabels/must-have-owner: spec.parameters.labels[1].key: must be of type string, got array',
    ]);
  });

  it('v1 template: undeclared parameters are unknown fields (HEAD)', () => {
    expect(errorsOf(validateConstraint(requiredLabelsTemplate, mustHaveOwner({ labels: [], lables: [] })))).toEqual([
      'K8sRequiredLabels/must-have-owner: spec.parameters.lables: unknown field (declared here: message, labels)',
    ]);
  });

  it('legacy template: undeclared parameters accepted, at every level; types still checked', () => {
    const legacy = { ...requiredLabelsTemplate, apiVersion: 'templates.gatekeeper.sh/v1beta1' };
    accepted(validateConstraint(legacy, mustHaveOwner({ labels: [{ key: 'a', extra: 1 }], lables: [] })));
    expect(errorsOf(validateConstraint(legacy, mustHaveOwner({ labels: 'owner' })))).toEqual([
      'K8sRequiredLabels/must-have-owner: spec.parameters.labels: must be of type array, got string',
    ]);
  });

  it('unknown fields outside parameters are rejected, for legacy templates too; metadata and status are open', () => {
    const legacy = { ...requiredLabelsTemplate, apiVersion: 'templates.gatekeeper.sh/v1beta1' };
    const c: K8sObject = {
      ...mustHaveOwner({}),
      metadata: { name: 'must-have-owner', labels: { team: 'a' }, annotations: { n: 'x' }, whatever: 1 },
      spec: { match: { kinds: [], namespace: ['x'] }, enforcmentAction: 'warn', parameters: {} },
      status: { byPod: [{ id: 'x' }] },
      extra: true,
    };
    expect(errorsOf(validateConstraint(legacy, c))).toEqual([
      'K8sRequiredLabels/must-have-owner: spec.match.namespace: unknown field (declared here: kinds, scope, namespaces, excludedNamespaces, labelSelector, namespaceSelector, name, source)',
      'K8sRequiredLabels/must-have-owner: spec.enforcmentAction: unknown field (declared here: match, enforcementAction, scopedEnforcementActions, parameters)',
      'K8sRequiredLabels/must-have-owner: extra: unknown field (declared here: apiVersion, kind, metadata, spec, status)',
    ]);
  });

  it('a constraint without spec or parameters is fine', () => {
    expect(accepted(validateConstraint(requiredLabelsTemplate, constraint('K8sRequiredLabels', 'bare')))).toEqual(
      constraint('K8sRequiredLabels', 'bare'),
    );
    expect(accepted(validateConstraint(requiredLabelsTemplate, constraint('K8sRequiredLabels', 'empty', {})))).toEqual(
      constraint('K8sRequiredLabels', 'empty', { enforcementAction: 'deny' }),
    );
  });
});

describe('validateConstraint: templates without a schema', () => {
  it('v1: any spec.parameters is an unknown field (HEAD)', () => {
    const c = constraint('K8sThing', 'x', { parameters: {} });
    expect(errorsOf(validateConstraint(template('v1'), c))).toEqual([
      'K8sThing/x: spec.parameters: unknown field (declared here: match, enforcementAction, scopedEnforcementActions)',
    ]);
    accepted(validateConstraint(template('v1'), constraint('K8sThing', 'x', {})));
  });

  it('legacy: parameters accept anything', () => {
    const c = constraint('K8sThing', 'x', { parameters: { a: [1, { b: 'c' }], d: 'e' } });
    expect(accepted(validateConstraint(template('v1beta1'), c)).spec).toMatchObject({ parameters: { a: [1, { b: 'c' }], d: 'e' } });
    expect(accepted(validateConstraint(template('v1alpha1'), constraint('K8sThing', 'x', { parameters: 'str' }))).spec).toEqual({ parameters: 'str', enforcementAction: 'deny' });
  });
});

describe('validateConstraint: defaults from the template schema', () => {
  const schema = {
    type: 'object',
    properties: {
      mode: { type: 'string', enum: ['strict', 'lax'], default: 'strict' },
      limits: { type: 'object', default: {}, properties: { max: { type: 'integer', default: 10 } } },
    },
  };

  it('fill missing parameters, nested too', () => {
    const out = accepted(validateConstraint(template('v1', schema), constraint('K8sThing', 'x', { parameters: {} })));
    expect(out.spec).toEqual({ parameters: { mode: 'strict', limits: { max: 10 } }, enforcementAction: 'deny' });
  });

  it('are not invented for an absent parameters block', () => {
    const out = accepted(validateConstraint(template('v1', schema), constraint('K8sThing', 'x', {})));
    expect(out.spec).toEqual({ enforcementAction: 'deny' });
  });

  it('a null parameter with a default gets the default', () => {
    const out = accepted(validateConstraint(template('v1', schema), constraint('K8sThing', 'x', { parameters: { mode: null } })));
    expect((out.spec as any).parameters.mode).toBe('strict');
  });
});

describe('validateConstraint: K8sPSPCapabilities (arrays of strings)', () => {
  const caps = (parameters: unknown) => constraint('K8sPSPCapabilities', 'psp-capabilities-baseline', { parameters });

  it('accepts lists of strings', () => {
    accepted(validateConstraint(capabilitiesTemplate, caps({ allowedCapabilities: ['CHOWN', 'KILL'], requiredDropCapabilities: ['ALL'], exemptImages: [] })));
  });

  it('names the element that is not a string', () => {
    expect(errorsOf(validateConstraint(capabilitiesTemplate, caps({ allowedCapabilities: ['CHOWN', 7, true] })))).toEqual([
      'K8sPSPCapabilities/psp-capabilities-baseline: spec.parameters.allowedCapabilities[1]: must be of type string, got integer',
      'K8sPSPCapabilities/psp-capabilities-baseline: spec.parameters.allowedCapabilities[2]: must be of type string, got boolean',
    ]);
  });

  it('a single string instead of a list', () => {
    expect(errorsOf(validateConstraint(capabilitiesTemplate, caps({ requiredDropCapabilities: 'ALL' })))).toEqual([
      'K8sPSPCapabilities/psp-capabilities-baseline: spec.parameters.requiredDropCapabilities: must be of type array, got string',
    ]);
  });
});

describe('validateConstraint: K8sPSPAllowedUsers (nested rule / ranges)', () => {
  const users = (parameters: unknown) => constraint('K8sPSPAllowedUsers', 'psp-pods-allowed-user-ranges', { parameters });
  const label = 'K8sPSPAllowedUsers/psp-pods-allowed-user-ranges';

  it('accepts the corpus constraint (v1 and v1beta1 templates)', () => {
    const p = {
      runAsUser: { rule: 'MustRunAsNonRoot' },
      runAsGroup: { rule: 'RunAsAny' },
      supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
      fsGroup: { rule: 'RunAsAny' },
    };
    accepted(validateConstraint(allowedUsersTemplate('v1'), users(p)));
    accepted(validateConstraint(allowedUsersTemplate('v1beta1'), users(p)));
  });

  it('enum, type, minimum and required, each at its path', () => {
    const p = {
      runAsUser: { rule: 'MustRunAsRoot' },
      runAsGroup: { rule: 'MayRunAs', ranges: [{ min: '1', max: 2 }, { min: -1, max: 2 }] },
      fsGroup: { ranges: [] },
    };
    expect(errorsOf(validateConstraint(allowedUsersTemplate('v1'), users(p)))).toEqual([
      `${label}: spec.parameters.runAsUser.rule: must be one of "MustRunAs", "MustRunAsNonRoot", "RunAsAny", got "MustRunAsRoot"`,
      `${label}: spec.parameters.runAsGroup.ranges[0].min: must be of type integer, got string`,
      `${label}: spec.parameters.runAsGroup.ranges[1].min: must be >= 0, got -1`,
      `${label}: spec.parameters.fsGroup.rule: missing required field (expected string)`,
    ]);
  });

  it('legacy: an unknown key inside ranges is kept, a bad type still refused', () => {
    const t = allowedUsersTemplate('v1beta1');
    const out = accepted(validateConstraint(t, users({ runAsUser: { rule: 'RunAsAny', ranges: [{ min: 1, step: 2 }] } })));
    expect((out.spec as any).parameters.runAsUser.ranges[0].step).toBe(2);
    expect(errorsOf(validateConstraint(t, users({ runAsUser: { rule: 'RunAsAny', ranges: { min: 1 } } })))).toEqual([
      `${label}: spec.parameters.runAsUser.ranges: must be of type array, got object`,
    ]);
  });
});

describe('validateConstraint: shape checks', () => {
  const t = template('v1', { type: 'object', properties: { a: { type: 'string' } } });

  it('name and kind present', () => {
    const c: K8sObject = { apiVersion: 'constraints.gatekeeper.sh/v1beta1', metadata: {} };
    expect(errorsOf(validateConstraint(t, c))).toEqual([
      '<no kind>/<no name>: metadata.name: missing required field (expected string)',
      '<no kind>/<no name>: kind: missing required field (expected string)',
    ]);
  });

  it('a name or kind of the wrong type, or no object at all', () => {
    const c = { apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'K8sThing', metadata: { name: 7 } } as unknown as K8sObject;
    expect(errorsOf(validateConstraint(t, c))).toEqual(['K8sThing/<no name>: metadata.name: must be of type string, got integer']);
    const d = { apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: ['K8sThing'], metadata: { name: 'x' } } as unknown as K8sObject;
    expect(errorsOf(validateConstraint(t, d))).toEqual(['<no kind>/x: kind: must be of type string, got ["K8sThing"]']);
    expect(errorsOf(validateConstraint(t, 'nope' as unknown as K8sObject))).toEqual(['constraint: must be an object, got "nope"']);
    expect(validateTemplate(null as unknown as K8sObject)).toEqual(['ConstraintTemplate: must be an object, got null']);
  });

  it('group constraints.gatekeeper.sh', () => {
    expect(errorsOf(validateConstraint(t, constraint('K8sThing', 'x', {}, 'templates.gatekeeper.sh/v1beta1')))).toEqual([
      'K8sThing/x: apiVersion: must be constraints.gatekeeper.sh/v1beta1 or constraints.gatekeeper.sh/v1alpha1, got "templates.gatekeeper.sh/v1beta1"',
    ]);
  });

  it('versions v1beta1 and v1alpha1; v1 accepted with a warning; others refused', () => {
    accepted(validateConstraint(t, constraint('K8sThing', 'x', {}, 'constraints.gatekeeper.sh/v1alpha1')));
    const r = validateConstraint(t, constraint('K8sThing', 'x', {}, 'constraints.gatekeeper.sh/v1'));
    expect('warnings' in r && r.warnings).toEqual([
      'K8sThing/x: apiVersion: constraints.gatekeeper.sh/v1 is not served by Gatekeeper (use constraints.gatekeeper.sh/v1beta1 or constraints.gatekeeper.sh/v1alpha1); read as v1beta1',
    ]);
    expect(errorsOf(validateConstraint(t, constraint('K8sThing', 'x', {}, 'constraints.gatekeeper.sh/v2')))).toHaveLength(1);
  });

  it('name: DNS-1123 subdomain, at most 63 characters', () => {
    expect(errorsOf(validateConstraint(t, constraint('K8sThing', 'Bad_Name')))).toEqual([
      expect.stringMatching(/^K8sThing\/Bad_Name: metadata\.name: must be a lowercase RFC 1123 subdomain .*, got "Bad_Name"$/),
    ]);
    accepted(validateConstraint(t, constraint('K8sThing', 'a.b-c.d')));
    accepted(validateConstraint(t, constraint('K8sThing', 'a'.repeat(63))));
    expect(errorsOf(validateConstraint(t, constraint('K8sThing', 'a'.repeat(64))))).toEqual([
      `K8sThing/${'a'.repeat(64)}: metadata.name: must be a string of at most 63 characters, got 64`,
    ]);
  });

  it("kind must be the template's kind", () => {
    expect(errorsOf(validateConstraint(t, constraint('K8sOther', 'x', { parameters: { a: 1 } })))).toEqual([
      'K8sOther/x: kind: must be the template\'s kind "K8sThing", got "K8sOther"',
    ]);
  });

  it('enforcementAction: any string, not another type', () => {
    accepted(validateConstraint(t, constraint('K8sThing', 'x', { enforcementAction: 'bogus' })));
    expect(accepted(validateConstraint(t, constraint('K8sThing', 'x', { enforcementAction: '' }))).spec).toEqual({ enforcementAction: '' });
    expect(errorsOf(validateConstraint(t, constraint('K8sThing', 'x', { enforcementAction: 1 })))).toEqual([
      'K8sThing/x: spec.enforcementAction: must be of type string, got integer',
    ]);
  });

  it('scoped needs scopedEnforcementActions, of the right shape', () => {
    expect(errorsOf(validateConstraint(t, constraint('K8sThing', 'x', { enforcementAction: 'scoped' })))).toEqual([
      'K8sThing/x: spec.scopedEnforcementActions: missing required field when enforcementAction is "scoped" (expected array)',
    ]);
    const scoped = [{ action: 'warn', enforcementPoints: [{ name: 'gator.gatekeeper.sh' }, { name: '*' }] }];
    accepted(validateConstraint(t, constraint('K8sThing', 'x', { enforcementAction: 'scoped', scopedEnforcementActions: scoped })));
    // Ignored without scoped, but still shaped.
    accepted(validateConstraint(t, constraint('K8sThing', 'x', { scopedEnforcementActions: scoped })));
    expect(errorsOf(validateConstraint(t, constraint('K8sThing', 'x', {
      enforcementAction: 'scoped',
      scopedEnforcementActions: [{ action: 'warn', enforcementPoints: ['gator.gatekeeper.sh'] }],
    })))).toEqual(['K8sThing/x: spec.scopedEnforcementActions[0].enforcementPoints[0]: must be of type object, got string']);
  });

  it('match: shape and types only; patterns and selector semantics are match.ts', () => {
    const bad = {
      match: {
        kinds: { kinds: ['Pod'] },
        namespaces: 'prod',
        labelSelector: { matchLabels: { team: 1 }, matchExpressions: [{ key: 'a', values: ['x'] }] },
        namespaceSelector: { matchExpressions: 'x' },
      },
    };
    expect(errorsOf(validateConstraint(t, constraint('K8sThing', 'x', bad)))).toEqual([
      'K8sThing/x: spec.match.kinds: must be of type array, got object',
      'K8sThing/x: spec.match.namespaces: must be of type array, got string',
      'K8sThing/x: spec.match.labelSelector.matchLabels.team: must be of type string, got integer',
      'K8sThing/x: spec.match.labelSelector.matchExpressions[0].operator: missing required field (expected string)',
      'K8sThing/x: spec.match.namespaceSelector.matchExpressions: must be of type array, got string',
    ]);
    const unjudged = {
      match: {
        kinds: [{ apiGroups: ['*'], kinds: ['Pod'] }],
        namespaces: ['UPPER'],
        name: 'Bad Name',
        source: 'Somewhere',
        scope: 'Sideways',
        labelSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] },
      },
    };
    accepted(validateConstraint(t, constraint('K8sThing', 'x', unjudged)));
  });

  it('errors are one line each', () => {
    const c = constraint('K8sThing', 'x', { parameters: { 'a\nb': 1 } });
    const errors = errorsOf(validateConstraint(t, c));
    expect(errors).toHaveLength(1);
    expect(errors[0]).not.toContain('\n');
  });
});

describe('names', () => {
  it('DNS-1123 subdomain and DNS-1035 label', () => {
    expect(isDns1123Subdomain('a.b-c')).toBe(true);
    expect(isDns1123Subdomain('-a')).toBe(false);
    expect(isDns1123Subdomain('a'.repeat(254))).toBe(false);
    expect(isDns1035Label('k8srequiredlabels')).toBe(true);
    expect(isDns1035Label('1abc')).toBe(false);
    expect(isDns1035Label('a.b')).toBe(false);
    expect(isDns1035Label('a'.repeat(64))).toBe(false);
  });
});
