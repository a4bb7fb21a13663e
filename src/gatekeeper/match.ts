// Gatekeeper's constraint match criteria (`spec.match`), the Namespace each review carries
// for them, and Config's namespace exclusions. Everything here is pure: the caller decides
// which Namespace is attached (attachedNamespace, per mode) and turns errors into
// autoreject results.
import { goQuote, labelsOf, selectorErrors, selectorMatches, validateSelector } from './label-selector';
import { isPrefixOrInfixPattern, isValidPattern, matchesAnyPattern, PATTERN_SCHEMA } from './patterns';
import { gvkOf, isNamespaceObject, type GVK, type K8sObject, type LabelSelector, type Match, type ObjectMeta, type Source } from './types';

export interface MatchTarget {
  /** The reviewed object. Null only for an AdmissionReview that carries just `oldObject`. */
  object: K8sObject | null;
  /** UPDATE/DELETE: tried when `object` fails (either matching all criteria is enough). */
  oldObject?: K8sObject | null;
  /** The Namespace object attached to the review (table 5.2), null when none. */
  namespace: K8sObject | null;
  source: Source;
}

/** `error` → the caller makes an autoreject result (see autorejectMessage). */
export type MatchResult = { matched: boolean } | { error: string };

export const MISSING_NAMESPACE_ERROR = 'namespace selector for namespace-scoped object but missing Namespace';
/** Gatekeeper's target refuses a review with neither object; gator's inputs never produce one. */
export const NO_OBJECT_ERROR = 'invalid request object: neither object nor old object are defined';

/**
 * Whether a constraint with this `spec.match` applies to the review. The criteria are tried
 * on `object`, then on `oldObject` when `object` does not match; an error stops at once
 * (Gatekeeper does not fall back to `oldObject` after an error).
 */
export function matchConstraint(match: Match | undefined, target: MatchTarget): MatchResult {
  if (target.object == null && target.oldObject == null) return { error: NO_OBJECT_ERROR };
  for (const object of [target.object, target.oldObject]) {
    if (object == null) continue;
    const result = matchObject(match, object, target.namespace, target.source);
    if ('error' in result || result.matched) return result;
  }
  return { matched: false };
}

/** The message of the autoreject result for a match error (HEAD's text, odd spacing included). */
export function autorejectMessage(objectName: string, reason: string): string {
  return `unable to match constraints: error matching the requested object: ${objectName} :failed to run Match criteria: ${reason}`;
}

// ---------------------------------------------------------------------------------------
// The criteria, for one object

/** What every criterion looks at: one object, the attached Namespace, the source. */
interface Subject {
  object: K8sObject;
  namespace: K8sObject | null;
  source: Source;
  /** The object's API group and kind. */
  group: string;
  kind: string;
  /** Group "" and kind Namespace: criteria then read the object itself. */
  isNamespace: boolean;
}

/**
 * The subject last matched: an object is matched against every constraint in turn, so
 * what its criteria read is worked out once, not once per constraint.
 */
let last: { subject: Subject; apiVersion: unknown; kind: unknown } | undefined;

function subjectOf(object: K8sObject, namespace: K8sObject | null, source: Source): Subject {
  if (last) {
    const s = last.subject;
    // The same object, not changed since (a caller may reuse one with another kind).
    if (s.object === object && s.namespace === namespace && s.source === source && last.apiVersion === object.apiVersion && last.kind === object.kind) return s;
  }
  const { group, kind } = gvkOf(object);
  const subject: Subject = { object, namespace, source, group, kind, isNamespace: group === '' && kind === 'Namespace' };
  last = { subject, apiVersion: object.apiVersion, kind: object.kind };
  return subject;
}

type Verdict = boolean | { error: string };
type Criterion = (match: Match, subject: Subject) => Verdict;

/**
 * Gatekeeper's order. It matters only for errors: a criterion that fails before
 * namespaceSelector (say, kinds) spares the review the missing-Namespace autoreject.
 */
const CRITERIA: readonly Criterion[] = [
  kindsMatch,
  scopeMatch,
  namespacesMatch,
  excludedNamespacesMatch,
  labelSelectorMatch,
  namespaceSelectorMatch,
  nameMatch,
  sourceMatch,
];

/** All criteria against a single object (no oldObject fallback). */
export function matchObject(
  match: Match | undefined,
  object: K8sObject,
  namespace: K8sObject | null,
  source: Source,
): MatchResult {
  if (match == null) return { matched: true };
  const subject = subjectOf(object, namespace, source);
  for (const criterion of CRITERIA) {
    const verdict = criterion(match, subject);
    if (typeof verdict !== 'boolean') return verdict;
    if (!verdict) return { matched: false };
  }
  return { matched: true };
}

function kindsMatch(match: Match, { group, kind }: Subject): boolean {
  if (!match.kinds?.length) return true;
  const allows = (list: string[] | undefined, value: string) => !list?.length || list.includes('*') || list.includes(value);
  return match.kinds.some((entry) => allows(entry.kinds, kind) && allows(entry.apiGroups, group));
}

function scopeMatch(match: Match, subject: Subject): boolean {
  switch (match.scope) {
    case 'Cluster':
      return subject.isNamespace || !hasNamespace(subject);
    case 'Namespaced':
      return !subject.isNamespace && hasNamespace(subject);
    default:
      // `*`, absent, or anything else: the schema does not check scope, and nothing filters.
      return true;
  }
}

/**
 * "Has a namespace": a non-empty metadata.namespace, or any Namespace attached to the
 * review — even gator test's nameless one, which is what makes its quirk.
 */
function hasNamespace({ object, namespace }: Subject): boolean {
  return stringAt(object.metadata?.namespace) !== '' || namespace !== null;
}

/**
 * The namespace that `namespaces`/`excludedNamespaces` test: a Namespace's own name, else
 * the attached Namespace's name (even ""), else metadata.namespace; undefined when the
 * object has no namespace at all, and then neither criterion filters it.
 */
function subjectNamespace(subject: Subject): string | undefined {
  const { object, namespace } = subject;
  if (subject.isNamespace) return stringAt(object.metadata?.name);
  if (namespace !== null) return stringAt(namespace.metadata?.name);
  const own = stringAt(object.metadata?.namespace);
  return own === '' ? undefined : own;
}

function namespacesMatch(match: Match, subject: Subject): boolean {
  if (!match.namespaces?.length) return true;
  const ns = subjectNamespace(subject);
  return ns === undefined || matchesAnyPattern(match.namespaces, ns);
}

function excludedNamespacesMatch(match: Match, subject: Subject): boolean {
  if (!match.excludedNamespaces?.length) return true;
  const ns = subjectNamespace(subject);
  return ns === undefined || !matchesAnyPattern(match.excludedNamespaces, ns);
}

function labelSelectorMatch(match: Match, { object }: Subject): Verdict {
  return selectorVerdict(match.labelSelector, 'labelSelector', () => labelsOf(object));
}

function namespaceSelectorMatch(match: Match, subject: Subject): Verdict {
  const { object, namespace } = subject;
  if (match.namespaceSelector == null) return true;
  if (subject.isNamespace) return selectorVerdict(match.namespaceSelector, 'namespaceSelector', () => labelsOf(object));
  if (namespace === null) {
    // Cluster-scoped (as far as anyone can tell): nothing to select on. But an object that
    // names a namespace nobody supplied cannot be judged, even by `{}`.
    return stringAt(object.metadata?.namespace) === '' ? true : { error: MISSING_NAMESPACE_ERROR };
  }
  return selectorVerdict(match.namespaceSelector, 'namespaceSelector', () => labelsOf(namespace));
}

/** Absent passes; an invalid selector (never loaded in practice) is an error, not a miss. */
function selectorVerdict(selector: LabelSelector | undefined, field: string, labels: () => Record<string, string>): Verdict {
  if (selector == null) return true;
  const invalid = validateSelector(selector, field);
  if (invalid !== undefined) return { error: invalid };
  return selectorMatches(selector, labels());
}

function nameMatch(match: Match, { object }: Subject): boolean {
  if (!match.name) return true;
  if (matchesAnyPattern([match.name], stringAt(object.metadata?.name))) return true;
  // HEAD: an object named by the API server (generateName) matches prefix/infix patterns
  // that its generateName already satisfies.
  const generateName = stringAt(object.metadata?.generateName);
  return generateName !== '' && isPrefixOrInfixPattern(match.name) && matchesAnyPattern([match.name], generateName);
}

function sourceMatch(match: Match, { source }: Subject): boolean {
  // Gatekeeper compares the strings: a value other than All/Original/Generated (rejected
  // at load anyway) matches nothing.
  return match.source === undefined || match.source === '' || match.source === 'All' || match.source === source;
}

/** Unstructured's NestedString: a missing or non-string field reads as "". */
function stringAt(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

// ---------------------------------------------------------------------------------------
// Validation at constraint load

const SOURCES = ['All', 'Generated', 'Original'];

/**
 * Problems with a `spec.match` that reject the constraint: patterns outside the HEAD schema,
 * an unknown `source`, invalid selectors. Pattern/enum messages follow the API server's
 * schema validation; selector messages follow ValidateLabelSelector under Gatekeeper's
 * paths `spec.labelSelector` / `spec.namespaceSelector` (sic: not `spec.match....`).
 * `scope` is deliberately not checked (Gatekeeper does not).
 */
export function validateMatch(match: Match | undefined): string[] {
  if (match == null) return [];
  const errors: string[] = [];
  const checkPattern = (path: string, value: unknown) => {
    if (typeof value === 'string' && isValidPattern(value)) return;
    errors.push(`${path}: Invalid value: ${goQuote(String(value))}: ${path} in body should match '${PATTERN_SCHEMA}'`);
  };
  (match.namespaces ?? []).forEach((p, i) => checkPattern(`spec.match.namespaces[${i}]`, p));
  (match.excludedNamespaces ?? []).forEach((p, i) => checkPattern(`spec.match.excludedNamespaces[${i}]`, p));
  if (match.name !== undefined) checkPattern('spec.match.name', match.name);
  if (match.source !== undefined && !SOURCES.includes(match.source)) {
    const supported = SOURCES.map(goQuote).join(', ');
    errors.push(`spec.match.source: Unsupported value: ${goQuote(String(match.source))}: supported values: ${supported}`);
  }
  if (match.labelSelector != null) errors.push(...selectorErrors(match.labelSelector, 'spec.labelSelector'));
  if (match.namespaceSelector != null) errors.push(...selectorErrors(match.namespaceSelector, 'spec.namespaceSelector'));
  return errors;
}

// ---------------------------------------------------------------------------------------
// Config (config.gatekeeper.sh) exclusions — the cluster honours them, gator does not

/** Where Gatekeeper is installed, unless told otherwise (its Helm chart's namespace). */
export const GATEKEEPER_NAMESPACE = 'gatekeeper-system';

/** Any Config of Gatekeeper's API group, whichever Gatekeeper would read it or not. */
export function isConfigObject(obj: K8sObject): boolean {
  const { group, kind } = gvkOf(obj);
  return group === 'config.gatekeeper.sh' && kind === 'Config';
}

/**
 * The one Config Gatekeeper reads: kind Config of config.gatekeeper.sh named `config` in
 * Gatekeeper's own namespace. One named `config` elsewhere is just an object: Gatekeeper
 * never looks at it, so it must not exclude anything here either.
 */
export function isGatekeeperConfig(obj: K8sObject, gatekeeperNamespace = GATEKEEPER_NAMESPACE): boolean {
  return isConfigObject(obj) && obj.metadata?.name === 'config' && obj.metadata?.namespace === gatekeeperNamespace;
}

/**
 * Whether a Config excludes the object from `process` (`audit`, `webhook`, `sync`,
 * `mutation-webhook`): some `spec.match[]` entry lists the process or `*` and has an
 * `excludedNamespaces` pattern matching the object's namespace — its own name for a
 * Namespace, else metadata.namespace ("" for cluster-scoped objects, so only patterns like
 * `*` reach them). Pass `namespace` when the object is reviewed in a namespace it does not
 * carry itself (offgate's `default`/`--namespace`). Other Config objects are ignored, as are
 * Configs outside `gatekeeperNamespace`.
 */
export function configExcludes(configs: K8sObject[], object: K8sObject, process = 'webhook', namespace?: string, gatekeeperNamespace = GATEKEEPER_NAMESPACE): boolean {
  const subject = isNamespaceObject(object)
    ? stringAt(object.metadata?.name)
    : namespace ?? stringAt(object.metadata?.namespace);
  return configs.filter((c) => isGatekeeperConfig(c, gatekeeperNamespace)).some((config) =>
    configEntries(config).some(
      (entry) =>
        (entry.processes.includes(process) || entry.processes.includes('*')) &&
        matchesAnyPattern(entry.excludedNamespaces, subject),
    ),
  );
}

function configEntries(config: K8sObject): { excludedNamespaces: string[]; processes: string[] }[] {
  const spec = config.spec as { match?: unknown } | undefined;
  if (!Array.isArray(spec?.match)) return [];
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  return spec.match.map((entry: { excludedNamespaces?: unknown; processes?: unknown } | null) => ({
    excludedNamespaces: strings(entry?.excludedNamespaces),
    processes: strings(entry?.processes),
  }));
}

// ---------------------------------------------------------------------------------------
// Which Namespace is attached to a review (section 5.2; section 13 for the cluster)

/**
 * Kinds the API server keeps without a namespace, by group. Version does not matter.
 * Anything else is taken to be namespaced unless the caller knows better (a CRD in the inputs).
 */
const CLUSTER_SCOPED: Record<string, readonly string[]> = {
  '': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'storage.k8s.io': ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'admissionregistration.k8s.io': [
    'ValidatingWebhookConfiguration',
    'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'MutatingAdmissionPolicy',
    'MutatingAdmissionPolicyBinding',
  ],
  'scheduling.k8s.io': ['PriorityClass'],
  'networking.k8s.io': ['IngressClass', 'IPAddress', 'ServiceCIDR'],
  'node.k8s.io': ['RuntimeClass'],
  'apiregistration.k8s.io': ['APIService'],
  policy: ['PodSecurityPolicy'],
  extensions: ['PodSecurityPolicy'],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'authentication.k8s.io': ['TokenReview', 'SelfSubjectReview'],
  'authorization.k8s.io': ['SubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview'],
  'resource.k8s.io': ['DeviceClass', 'ResourceSlice'],
  'internal.apiserver.k8s.io': ['StorageVersion'],
  'storagemigration.k8s.io': ['StorageVersionMigration'],
  'snapshot.storage.k8s.io': ['VolumeSnapshotClass', 'VolumeSnapshotContent'],
  // Gatekeeper's own resources (Config and the status kinds live in its namespace).
  'templates.gatekeeper.sh': ['ConstraintTemplate'],
  'expansion.gatekeeper.sh': ['ExpansionTemplate'],
  'mutations.gatekeeper.sh': ['Assign', 'AssignMetadata', 'ModifySet', 'AssignImage'],
  'externaldata.gatekeeper.sh': ['Provider'],
  'syncset.gatekeeper.sh': ['SyncSet'],
};

/** Whether the API server stores this kind without a namespace (every constraint kind is). */
export function isClusterScoped(gvk: GVK): boolean {
  if (gvk.group === 'constraints.gatekeeper.sh') return true;
  // hasOwn: a group named `constructor` or `__proto__` is a group, not a property of every object.
  return Object.hasOwn(CLUSTER_SCOPED, gvk.group) && CLUSTER_SCOPED[gvk.group]!.includes(gvk.kind);
}

/**
 * - `cluster`: what the cluster does (offgate's default, section 13).
 * - `gator-test`: `gator test`'s attachment, quirks included.
 * - `gator-verify`: a `gator verify` case; Namespaces come from the case's inventory.
 */
export type NamespaceMode = 'cluster' | 'gator-test' | 'gator-verify';

export interface AttachOptions {
  /** cluster: where a namespaced object without metadata.namespace goes (`--namespace`); default `default`. */
  defaultNamespace?: string;
  /** cluster: labels per namespace name (`--namespace-labels`); they win over a Namespace object's. */
  namespaceLabels?: Record<string, Record<string, string>>;
  /**
   * gator-verify, AdmissionReview case: its `request.namespace`. The Namespace is then looked
   * up by this name, not by the object's metadata.namespace ("" or absent: none attached).
   */
  reviewNamespace?: string;
  /** cluster: scope of kinds the built-in list does not know (e.g. from CRDs in the inputs). */
  isClusterScoped?: (gvk: GVK) => boolean;
  /**
   * cluster: give attached Namespaces the `kubernetes.io/metadata.name` label the API
   * server puts on every Namespace (Kubernetes ≥ 1.21). Default true.
   */
  metadataNameLabel?: boolean;
}

export interface Attachment {
  namespace: K8sObject | null;
  /** cluster: set when the namespace is described by no Namespace object and no labels. */
  warning?: string;
}

/** The `kubernetes.io/metadata.name` label the API server maintains on every Namespace. */
export const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * The Namespace attached to the review of `object`. `namespaces` maps names to the Namespace
 * objects available in this mode: all input Namespaces for `gator-test` and `cluster`, the
 * case's inventory for `gator-verify`.
 */
export function attachedNamespace(
  object: K8sObject,
  namespaces: Map<string, K8sObject>,
  mode: NamespaceMode,
  opts: AttachOptions = {},
): Attachment {
  switch (mode) {
    case 'gator-test':
      return { namespace: gatorTestNamespace(object, namespaces) };
    case 'gator-verify':
      return { namespace: gatorVerifyNamespace(object, namespaces, opts.reviewNamespace) };
    case 'cluster':
      return clusterNamespace(object, namespaces, opts);
  }
}

/** A Namespace object as gator synthesises one: just a name (possibly empty), maybe labels. */
export function syntheticNamespace(name: string, labels?: Record<string, string>): K8sObject {
  const metadata: ObjectMeta = name === '' ? {} : { name };
  if (labels !== undefined) metadata.labels = labels;
  return { apiVersion: 'v1', kind: 'Namespace', metadata };
}

/**
 * gator test: objects without a namespace (Namespaces included) get an empty, nameless
 * Namespace — the source of its quirk; `default` exists even when nobody gives it; any
 * other namespace must be among the input's Namespace objects.
 */
function gatorTestNamespace(object: K8sObject, namespaces: Map<string, K8sObject>): K8sObject | null {
  const name = stringAt(object.metadata?.namespace);
  if (isNamespaceObject(object) || name === '') return syntheticNamespace('');
  const given = namespaces.get(name);
  if (given) return given;
  return name === 'default' ? syntheticNamespace('default') : null;
}

/** gator verify: only the case's inventory, by the object's (or the request's) namespace. */
function gatorVerifyNamespace(
  object: K8sObject,
  inventory: Map<string, K8sObject>,
  reviewNamespace: string | undefined,
): K8sObject | null {
  if (isNamespaceObject(object)) return null;
  const name = reviewNamespace ?? stringAt(object.metadata?.namespace);
  return name === '' ? null : inventory.get(name) ?? null;
}

/**
 * The cluster: cluster-scoped kinds have no Namespace; a namespaced object without one is
 * placed in the default namespace; a namespace nobody describes still exists (the API
 * server would refuse the object otherwise), so it is attached without labels and the
 * caller is warned that its labels are unknown, instead of gator's autoreject.
 */
function clusterNamespace(object: K8sObject, namespaces: Map<string, K8sObject>, opts: AttachOptions): Attachment {
  const gvk = gvkOf(object);
  const clusterScoped = isClusterScoped(gvk) || (opts.isClusterScoped?.(gvk) ?? false);
  if (isNamespaceObject(object) || clusterScoped) return { namespace: null };
  const name = stringAt(object.metadata?.namespace) || opts.defaultNamespace || 'default';
  const given = namespaces.get(name);
  const extraLabels = opts.namespaceLabels && Object.hasOwn(opts.namespaceLabels, name) ? opts.namespaceLabels[name] : undefined;
  const warning =
    given === undefined && extraLabels === undefined
      ? `namespace "${name}" is described by no Namespace object and no --namespace-labels: it is taken to have no labels`
      : undefined;
  const labels: Record<string, string> = { ...labelsOf(given), ...extraLabels };
  if (opts.metadataNameLabel ?? true) labels[METADATA_NAME_LABEL] = name;
  const base = given ?? syntheticNamespace(name);
  const namespace: K8sObject = { ...base, metadata: { ...base.metadata, name, labels } };
  return warning === undefined ? { namespace } : { namespace, warning };
}
