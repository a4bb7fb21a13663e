// Kubernetes label selectors (metav1.LabelSelector): evaluation on a label set, and the
// validation Gatekeeper runs when it loads a constraint (apimachinery's
// ValidateLabelSelector, whose wording the messages below reproduce).
import type { K8sObject, LabelSelector } from './types';

export type Labels = Record<string, string>;

/** The four operators LabelSelectorAsSelector accepts; `Gt`/`Lt` exist only for node selectors. */
export const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

type Requirement = NonNullable<LabelSelector['matchExpressions']>[number];

/**
 * An object's labels as Gatekeeper reads them (unstructured GetLabels): a `labels` map with
 * any non-string value (e.g. an unquoted `version: 1`) reads as no labels at all.
 */
export function labelsOf(obj: K8sObject | null | undefined): Labels {
  const labels = obj?.metadata?.labels as unknown;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return {};
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.some(([, v]) => typeof v !== 'string')) return {};
  return Object.fromEntries(entries) as Labels;
}

/** Whether `labels` satisfies every term of the selector; `{}` selects everything. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  return (
    matchLabels.every(([key, value]) => has(labels, key) && labels[key] === value) &&
    (selector.matchExpressions ?? []).every((req) => requirementMatches(req, labels))
  );
}

function requirementMatches(req: Requirement, labels: Labels): boolean {
  const present = has(labels, req.key);
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return present && values.includes(labels[req.key]);
    case 'NotIn':
      // A missing label is "not in" any set, as in Kubernetes.
      return !present || !values.includes(labels[req.key]);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    default:
      // Unreachable for a validated selector; selecting nothing is the safe reading.
      return false;
  }
}

function has(labels: Labels, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

// ---------------------------------------------------------------------------------------
// Validation

/**
 * Every problem with a selector, one field error each, as ValidateLabelSelector reports
 * them under `path` (Gatekeeper uses `spec.labelSelector` / `spec.namespaceSelector`).
 * matchLabels come first, in key order (Go walks its map in random order).
 */
export function selectorErrors(selector: LabelSelector, path: string): string[] {
  const errors: string[] = [];
  const labelsPath = `${path}.matchLabels`;
  for (const key of Object.keys(selector.matchLabels ?? {}).sort()) {
    errors.push(...labelKeyErrors(key, labelsPath));
    const value = String(selector.matchLabels![key]);
    for (const msg of labelValueErrors(value)) errors.push(invalid(labelsPath, value, msg));
  }
  (selector.matchExpressions ?? []).forEach((req, i) => {
    errors.push(...requirementErrors(req, `${path}.matchExpressions[${i}]`));
  });
  return errors;
}

/** The selector's errors aggregated as Kubernetes prints them, or undefined when valid. */
export function validateSelector(selector: LabelSelector, path = 'selector'): string | undefined {
  return aggregate(selectorErrors(selector, path));
}

function requirementErrors(req: Requirement, path: string): string[] {
  const errors: string[] = [];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        errors.push(`${path}.values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`);
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errors.push(`${path}.values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`);
      }
      break;
    default:
      errors.push(invalid(`${path}.operator`, String(req.operator), 'not a valid selector operator'));
  }
  errors.push(...labelKeyErrors(String(req.key), `${path}.key`));
  values.forEach((value, i) => {
    for (const msg of labelValueErrors(String(value))) errors.push(invalid(`${path}.values[${i}]`, String(value), msg));
  });
  return errors;
}

function labelKeyErrors(key: string, path: string): string[] {
  return qualifiedNameErrors(key).map((msg) => invalid(path, key, msg));
}

// The messages of k8s.io/apimachinery/pkg/util/validation, word for word.

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_MAX = 63;
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MAX = 253;
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MAX = 63;

const anchored = (fmt: string) => new RegExp(`^${fmt}$`);
const QUALIFIED_NAME_RE = anchored(QUALIFIED_NAME_FMT);
const DNS1123_SUBDOMAIN_RE = anchored(DNS1123_SUBDOMAIN_FMT);
const LABEL_VALUE_RE = anchored(LABEL_VALUE_FMT);

/** IsQualifiedName: `[prefix/]name`, the syntax of a label key. */
export function qualifiedNameErrors(value: string): string[] {
  const errors: string[] = [];
  const parts = value.split('/');
  if (parts.length > 2) {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  const name = parts.length === 2 ? parts[1] : parts[0];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '') errors.push('prefix part must be non-empty');
    else errors.push(...dns1123SubdomainErrors(prefix).map((msg) => `prefix part ${msg}`));
  }
  if (name === '') errors.push('name part must be non-empty');
  else if (byteLength(name) > QUALIFIED_NAME_MAX) errors.push(`name part ${maxLenError(QUALIFIED_NAME_MAX)}`);
  if (!QUALIFIED_NAME_RE.test(name)) {
    errors.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errors;
}

/** IsDNS1123Subdomain. */
export function dns1123SubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX) errors.push(maxLenError(DNS1123_SUBDOMAIN_MAX));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    errors.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errors;
}

/** IsValidLabelValue: empty, or at most 63 characters of `[-A-Za-z0-9_.]` with alphanumeric ends. */
export function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX) errors.push(maxLenError(LABEL_VALUE_MAX));
  if (!LABEL_VALUE_RE.test(value)) errors.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errors;
}

function maxLenError(max: number): string {
  return `must be no more than ${max} characters`;
}

/** Go's RegexError, double spaces included ("'a',  or 'b', regex used ..."). */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${msg} (e.g. ${shown}regex used for validation is '${fmt}')`;
}

/** Go measures lengths in bytes. */
function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** field.Invalid(path, value, detail).Error(). */
function invalid(path: string, value: string, detail: string): string {
  return `${path}: Invalid value: ${goQuote(value)}: ${detail}`;
}

/** utilerrors.NewAggregate(errs).Error(): one message alone, several deduplicated in brackets. */
export function aggregate(errors: string[]): string | undefined {
  const distinct = [...new Set(errors)];
  if (distinct.length === 0) return undefined;
  return distinct.length === 1 ? distinct[0] : `[${distinct.join(', ')}]`;
}

/** Go's %q for the strings found in selectors (printable Unicode kept, controls escaped). */
export function goQuote(s: string): string {
  const named: Record<string, string> = {
    '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"',
  };
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (named[ch] !== undefined) out += named[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
