// The schema Gatekeeper generates for a template's constraint kind (the
// constraint CRD), and the acceptance checks that concern shape and schema:
// of a ConstraintTemplate (which CRD it yields) and of a Constraint (whether
// that CRD accepts it, with HEAD's strict fields and structural defaulting).
//
// Label selectors and the match patterns (`namespaces`, `excludedNamespaces`,
// `name`, `source`) are judged by `validateMatch` in match.ts; here the match
// block is only checked for shape and types, so a mistake is reported once.
import { gvkOf, type K8sObject } from './types';
import {
  applyDefaults,
  checkDefaults,
  checkSchema,
  checkStructural,
  isPlainObject,
  validate,
  type Schema,
  type SchemaIssue,
} from './schema';

export const TEMPLATE_GROUP = 'templates.gatekeeper.sh';
export const TEMPLATE_VERSIONS = ['v1', 'v1beta1', 'v1alpha1'];
export const CONSTRAINT_GROUP = 'constraints.gatekeeper.sh';
/** Versions the generated constraint CRD serves. */
export const CONSTRAINT_VERSIONS = ['v1beta1', 'v1alpha1'];
export const ADMISSION_TARGET = 'admission.k8s.gatekeeper.sh';

const SCHEMA_PATH = 'spec.crd.spec.validation.openAPIV3Schema';
const PRESERVE = 'x-kubernetes-preserve-unknown-fields';

// ---------------------------------------------------------------------------
// Reading a template

/** What the schema side needs from a ConstraintTemplate of any version. */
export interface TemplateSchemaInfo {
  /** `metadata.name` ('' when absent). */
  name: string;
  /** `spec.crd.spec.names.kind` ('' when absent): the constraint kind. */
  kind: string;
  /** The version of `templates.gatekeeper.sh/<version>`. */
  version: string;
  /**
   * `spec.crd.spec.validation.legacySchema`; when not written, its per-version
   * default: false for v1, true for v1beta1 and v1alpha1.
   */
  legacySchema: boolean;
  /** `spec.crd.spec.validation.openAPIV3Schema` as written, when it is an object. */
  openAPIV3Schema?: Schema;
}

export function readTemplate(template: K8sObject): TemplateSchemaInfo {
  const crdSpec = at(template, 'spec', 'crd', 'spec');
  const validation = at(crdSpec, 'validation');
  const legacy = at(validation, 'legacySchema');
  const schema = at(validation, 'openAPIV3Schema');
  const kind = at(crdSpec, 'names', 'kind');
  const name = at(template, 'metadata', 'name');
  const version = gvkOf(template).version;
  return {
    name: typeof name === 'string' ? name : '',
    kind: typeof kind === 'string' ? kind : '',
    version,
    legacySchema: typeof legacy === 'boolean' ? legacy : version !== 'v1',
    openAPIV3Schema: isPlainObject(schema) ? (schema as Schema) : undefined,
  };
}

// ---------------------------------------------------------------------------
// The generated schema

/**
 * The schema of `spec.parameters`, or undefined when the CRD declares no
 * parameters (a non-legacy template without a schema: then any
 * `spec.parameters` is an unknown field). With `legacySchema` the template's
 * schema gets Gatekeeper's adjustments, and no schema at all accepts anything.
 */
export function parametersSchema(info: TemplateSchemaInfo): Schema | undefined {
  if (!info.legacySchema) return info.openAPIV3Schema;
  return info.openAPIV3Schema ? withLegacyAdjustments(info.openAPIV3Schema) : { [PRESERVE]: true };
}

/**
 * Gatekeeper's legacySchema treatment, so that pre-v1 schemas (often untyped,
 * written before structural schemas) keep accepting what they accepted:
 * "preserve unknown fields" at every object-typed or untyped level, and
 * "anything" as the items of an array that doesn't say. Only the levels values
 * reach (properties, items, additionalProperties) are touched: allOf & co. only
 * validate. Returns a new schema.
 */
export function withLegacyAdjustments(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (out.type === undefined || out.type === '' || out.type === 'object') out[PRESERVE] = true;
  if (out.type === 'array' && out.items === undefined) out.items = { [PRESERVE]: true };
  if (isPlainObject(out.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([key, prop]) => [key, isPlainObject(prop) ? withLegacyAdjustments(prop as Schema) : prop]),
    );
  }
  if (isPlainObject(out.items)) out.items = withLegacyAdjustments(out.items);
  if (isPlainObject(out.additionalProperties)) out.additionalProperties = withLegacyAdjustments(out.additionalProperties);
  return out;
}

const strings: Schema = { type: 'array', items: { type: 'string' } };

const labelSelector: Schema = {
  type: 'object',
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        properties: { key: { type: 'string' }, operator: { type: 'string' }, values: strings },
      },
    },
  },
};

/** `spec.match`: shape and types only (patterns and selectors: match.ts). */
export const MATCH_SCHEMA: Schema = {
  type: 'object',
  properties: {
    kinds: {
      type: 'array',
      items: { type: 'object', properties: { apiGroups: strings, kinds: strings } },
    },
    scope: { type: 'string' },
    namespaces: strings,
    excludedNamespaces: strings,
    labelSelector,
    namespaceSelector: labelSelector,
    name: { type: 'string' },
    source: { type: 'string' },
  },
};

export const SCOPED_ENFORCEMENT_ACTIONS_SCHEMA: Schema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      action: { type: 'string' },
      enforcementPoints: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
    },
  },
};

/** The constraint's `spec` schema (§3.5), with HEAD's `enforcementAction` default. */
export function constraintSpecSchema(info: TemplateSchemaInfo): Schema {
  const parameters = parametersSchema(info);
  return {
    type: 'object',
    properties: {
      match: MATCH_SCHEMA,
      enforcementAction: { type: 'string', default: 'deny' },
      scopedEnforcementActions: SCOPED_ENFORCEMENT_ACTIONS_SCHEMA,
      ...(parameters ? { parameters } : {}),
    },
  };
}

/** The whole constraint object's schema: metadata and status are left open. */
export function constraintSchema(info: TemplateSchemaInfo): Schema {
  // Built once per template schema (and version): every constraint of the kind is judged by it.
  const key = `${info.version}\0${info.legacySchema}`;
  let byKey = schemas.get(info.openAPIV3Schema ?? NO_SCHEMA);
  if (!byKey) schemas.set(info.openAPIV3Schema ?? NO_SCHEMA, (byKey = new Map()));
  let schema = byKey.get(key);
  if (!schema) byKey.set(key, (schema = buildConstraintSchema(info)));
  return schema;
}

const schemas = new WeakMap<object, Map<string, Schema>>();

function buildConstraintSchema(info: TemplateSchemaInfo): Schema {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      // Only the name is constrained by the CRD; the rest is ObjectMeta, not judged here.
      metadata: { type: 'object', [PRESERVE]: true, properties: { name: { type: 'string', maxLength: 63 } } },
      spec: constraintSpecSchema(info),
      status: { [PRESERVE]: true },
    },
  };
}

// ---------------------------------------------------------------------------
// Template acceptance (the schema-related checks of §3.2)

/**
 * Why Gatekeeper would refuse this template on schema grounds, one line each
 * (`ConstraintTemplate/<name>: <path>: <problem>`); empty when it is fine.
 * Compiling the code is another piece's business.
 */
export function validateTemplate(template: K8sObject): string[] {
  if (!isPlainObject(template)) return [oneLine(`ConstraintTemplate: must be an object, got ${show(template)}`)];
  const info = readTemplate(template);
  const label = `ConstraintTemplate/${info.name || '<no name>'}`;
  const errors = templateShapeErrors(template, info).map((e) => `${label}: ${e}`);
  for (const issue of templateSchemaIssues(template, info)) errors.push(`${label}: ${issue.path}: ${issue.summary}`);
  return errors.map(oneLine);
}

function templateShapeErrors(template: K8sObject, info: TemplateSchemaInfo): string[] {
  const errors: string[] = [];
  const gvk = gvkOf(template);
  if (gvk.group !== TEMPLATE_GROUP || !TEMPLATE_VERSIONS.includes(gvk.version)) {
    errors.push(`apiVersion: must be ${TEMPLATE_VERSIONS.map((v) => `${TEMPLATE_GROUP}/${v}`).join(', ')}, got ${show(template.apiVersion)}`);
  }
  if (gvk.kind !== 'ConstraintTemplate') errors.push(`kind: must be ConstraintTemplate, got ${show(template.kind)}`);
  if (!info.name) errors.push('metadata.name: missing required field (expected string)');

  const targets = at(template, 'spec', 'targets');
  if (!Array.isArray(targets) || targets.length !== 1) {
    const count = Array.isArray(targets) ? `${targets.length} entries` : 'none';
    errors.push(`spec.targets: must have exactly one entry (target ${ADMISSION_TARGET}), got ${count}`);
  } else {
    const target = at(targets[0], 'target');
    if (target !== ADMISSION_TARGET) errors.push(`spec.targets[0].target: must be "${ADMISSION_TARGET}", got ${show(target)}`);
  }

  if (!info.kind) {
    errors.push('spec.crd.spec.names.kind: missing required field (expected a non-empty string)');
    return errors;
  }
  if (info.name && info.name.toLowerCase() !== info.kind.toLowerCase()) {
    // Constraints find their template by the lower-cased kind.
    errors.push(`metadata.name: must equal spec.crd.spec.names.kind ignoring case ("${info.kind.toLowerCase()}"), got ${show(info.name)}`);
  }
  const plural = info.kind.toLowerCase();
  if (!isDns1035Label(plural)) {
    errors.push(`spec.crd.spec.names.kind: lower-cased ("${plural}") must be a DNS-1035 label: at most 63 lower case alphanumeric characters or '-', starting with a letter and ending with an alphanumeric character`);
  }
  return errors;
}

/** Schema problems: malformed keywords always; then the generated CRD's own rules. */
function templateSchemaIssues(template: K8sObject, info: TemplateSchemaInfo): SchemaIssue[] {
  const raw = at(template, 'spec', 'crd', 'spec', 'validation', 'openAPIV3Schema');
  if (raw === undefined || raw === null) return [];
  const malformed = checkSchema(raw, SCHEMA_PATH);
  if (malformed.length) return malformed;
  const parameters = parametersSchema(info);
  if (!parameters) return [];
  // Checked on the schema as generated: the legacy adjustments make most pre-v1
  // schemas structural, which is why only v1 templates fail this in practice.
  return [...checkStructural(parameters, SCHEMA_PATH), ...checkDefaults(parameters, SCHEMA_PATH)];
}

// ---------------------------------------------------------------------------
// Constraint acceptance (the shape and schema checks of §4.1, HEAD)

export type ConstraintValidation =
  | {
      /** The constraint with the schema's defaults applied (HEAD stores it so). */
      constraint: K8sObject;
      /** Accepted, but worth telling (e.g. `constraints.gatekeeper.sh/v1`). */
      warnings: string[];
    }
  | { errors: string[] };

/**
 * Whether the constraint CRD generated from `template` accepts `constraint`, as
 * Gatekeeper HEAD decides: name and kind present, the constraint group and a
 * served version, a DNS-1123 name, the template's kind, the schema (types, enum,
 * pattern, ...) with no unknown fields outside metadata and status, and
 * `scopedEnforcementActions` when `enforcementAction` is `scoped`. Every error
 * names the constraint and the field: `K8sRequiredLabels/owner: spec.parameters.labels: must be of type array, got string`.
 *
 * `constraints.gatekeeper.sh/v1` is accepted with a warning: Gatekeeper refuses
 * it, but its own docs use it, so offgate reads it as v1beta1.
 */
export function validateConstraint(template: K8sObject, constraint: K8sObject): ConstraintValidation {
  if (!isPlainObject(constraint)) return { errors: [oneLine(`constraint: must be an object, got ${show(constraint)}`)] };
  const info = readTemplate(template);
  // A run judges an environment's constraints twice (resolving the environment, then in the
  // engine), against the same schema: the second time is the first's answer. Keyed by the
  // constraint's JSON, so a caller that changes an object between calls is judged afresh.
  const key = `${info.kind}\0${info.version}\0${info.legacySchema}\0${JSON.stringify(constraint)}`;
  const bySchema = validations.get(info.openAPIV3Schema ?? NO_SCHEMA);
  const known = bySchema?.get(key);
  if (known) return known;
  const result = judgeConstraint(info, constraint);
  if (bySchema) {
    if (bySchema.size >= 1024) bySchema.clear();
    bySchema.set(key, result);
  } else validations.set(info.openAPIV3Schema ?? NO_SCHEMA, new Map([[key, result]]));
  return result;
}

const NO_SCHEMA = {};
const validations = new WeakMap<object, Map<string, ConstraintValidation>>();

function judgeConstraint(info: TemplateSchemaInfo, constraint: K8sObject): ConstraintValidation {
  const name = at(constraint, 'metadata', 'name');
  const kind = constraint.kind;
  const label = `${typeof kind === 'string' && kind ? kind : '<no kind>'}/${typeof name === 'string' && name ? name : '<no name>'}`;
  const problem = (path: string, text: string) => oneLine(`${label}: ${path}: ${text}`);

  const errors: string[] = [];
  const warnings: string[] = [];
  // A name of the wrong type is left to the schema (metadata.name: string).
  if (name === undefined || name === null || name === '') errors.push(problem('metadata.name', 'missing required field (expected string)'));
  if (kind === undefined || kind === null || kind === '') errors.push(problem('kind', 'missing required field (expected string)'));
  else if (typeof kind !== 'string') errors.push(problem('kind', `must be of type string, got ${show(kind)}`));

  const gvk = gvkOf(constraint);
  const served = CONSTRAINT_VERSIONS.map((v) => `${CONSTRAINT_GROUP}/${v}`).join(' or ');
  if (gvk.group !== CONSTRAINT_GROUP) {
    errors.push(problem('apiVersion', `must be ${served}, got ${show(constraint.apiVersion)}`));
  } else if (gvk.version === 'v1') {
    warnings.push(problem('apiVersion', `${CONSTRAINT_GROUP}/v1 is not served by Gatekeeper (use ${served}); read as v1beta1`));
  } else if (!CONSTRAINT_VERSIONS.includes(gvk.version)) {
    errors.push(problem('apiVersion', `must be ${served}, got ${show(constraint.apiVersion)}`));
  }

  if (typeof name === 'string' && name !== '' && !isDns1123Subdomain(name)) {
    errors.push(problem('metadata.name', `must be a lowercase RFC 1123 subdomain (at most 253 lower case alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character), got ${show(name)}`));
  }

  const kindMatches = typeof kind === 'string' && kind !== '' && kind === info.kind;
  if (typeof kind === 'string' && kind !== '' && !kindMatches) {
    errors.push(problem('kind', `must be the template's kind ${show(info.kind)}, got ${show(kind)}`));
  }
  // Judging the fields against another kind's schema would only add noise.
  if (!kindMatches) return { errors };

  const schema = constraintSchema(info);
  const defaulted = applyDefaults(schema, constraint) as K8sObject;
  for (const issue of validate(schema, defaulted, '', { pruneUnknown: 'reject' })) {
    errors.push(problem(issue.path, issue.summary));
  }

  const spec = defaulted.spec;
  if (isPlainObject(spec) && spec.enforcementAction === 'scoped' && (spec.scopedEnforcementActions ?? null) === null) {
    errors.push(problem('spec.scopedEnforcementActions', 'missing required field when enforcementAction is "scoped" (expected array)'));
  }

  return errors.length ? { errors } : { constraint: defaulted, warnings };
}

// ---------------------------------------------------------------------------
// Names

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

export function isDns1035Label(s: string): boolean {
  return s.length <= 63 && DNS1035_LABEL.test(s);
}

// ---------------------------------------------------------------------------
// Helpers

/** The value at a path of object keys, or undefined if any step is missing. */
function at(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const key of keys) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Messages are one line even when a key or value holds a line break. */
function oneLine(s: string): string {
  return s.replace(/\r?\n/g, '\\n');
}
