// Workload expansion (semantics §8): the resources a workload's controller would create,
// built as Gatekeeper's expansion builds them, so that Pod policies also judge the Pods of
// Deployments, Jobs and the like. ExpansionTemplates from the inputs are honoured, and
// offgate adds built-in rules for the standard pod controllers (§13). Everything here is
// pure: the caller reviews what `expand` returns and folds the results into the parent's
// (§8.3: `[Implied by <rule name>] ` prefix, the rule's enforcementAction override).
import { mapShapedPath, workflowPods } from './argo-workflows';
import { gvkOf, type GVK, type K8sObject } from './types';

export const EXPANSION_GROUP = 'expansion.gatekeeper.sh';
export const EXPANSION_VERSIONS = ['v1alpha1', 'v1beta1'];
/** Generated resources are expanded again, down to this many levels below the parent. */
export const MAX_EXPANSION_DEPTH = 30;
/**
 * At most this many resources generated from one parent. Gatekeeper bounds only the depth,
 * but a few ExpansionTemplates applying to the same kind multiply at every level (4 of them
 * over 9 levels make 262,144 Pods out of one object); a real workload makes one or two.
 */
export const MAX_GENERATED_RESOURCES = 1000;

export interface ApplyTo {
  groups: string[];
  versions: string[];
  kinds: string[];
}

/** An ExpansionTemplate, or one of offgate's built-in rules (same fields, same effect). */
export interface ExpansionRule {
  /** The ExpansionTemplate's name; built-in rules are named `offgate-expand-<kinds>`. */
  name: string;
  applyTo: ApplyTo[];
  /** Dot path of the map to copy from the parent, e.g. `spec.template`; no list indexing. */
  templateSource: string;
  generatedGVK: GVK;
  /** Replaces the action of every result of the generated resource when non-empty. */
  enforcementAction?: string;
  builtIn: boolean;
  /**
   * offgate's extension (annotation `expansion.offgate.dev/pods-from`): the map at
   * templateSource is not one pod template but a spec whose Pods a shaper builds, one per
   * entry (`argo-workflow-templates`: an Argo WorkflowSpec; see argo-workflows.ts), or a
   * template a controller completes first (`knative-revision-template`: Knative names a
   * container written without a name, and the policies name containers in their messages).
   */
  podsFrom?: PodsFrom;
  /**
   * offgate's extension (annotation `expansion.offgate.dev/source-optional: "true"`): a
   * parent without templateSource generates nothing instead of failing (an Argo Rollout
   * with `workloadRef` names a Deployment, linted on its own, instead of holding a template).
   */
  sourceOptional?: boolean;
}

export const PODS_FROM_ANNOTATION = 'expansion.offgate.dev/pods-from';
export const SOURCE_OPTIONAL_ANNOTATION = 'expansion.offgate.dev/source-optional';
const PODS_FROM = ['argo-workflow-templates', 'knative-revision-template'] as const;
export type PodsFrom = (typeof PODS_FROM)[number];

export interface GeneratedResource {
  /** The generated resource, with apiVersion, kind, metadata.name and namespace set. */
  object: K8sObject;
  /** The rule that produced it (the last one for nested expansions). */
  rule: ExpansionRule;
  /** All rules applied, from the top-level parent down to this resource. */
  chain: ExpansionRule[];
  /**
   * Where a field of the generated object comes from in the top-level parent:
   * `spec.containers[0].image` → `spec.template.spec.containers[0].image` for a Deployment's
   * Pod. Fields the expansion sets itself have no copy in the parent: `metadata.name` and
   * `metadata.namespace` map to the parent's (the names derive from them); `apiVersion`,
   * `kind` and the empty path map to the template map itself (`spec.template`).
   */
  mapPath(path: string): string;
  /** 1 for a resource generated from the parent, 2 for one generated from that, ... */
  depth: number;
}

export function isExpansionTemplate(obj: K8sObject): boolean {
  return typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith(`${EXPANSION_GROUP}/`) && obj.kind === 'ExpansionTemplate';
}

// ---------------------------------------------------------------------------------------
// Reading ExpansionTemplates (§8.1)

/** An ExpansionTemplate as a rule, or the one-line reason gator would abort on it. */
export function parseExpansionTemplate(obj: K8sObject): { rule: ExpansionRule } | { error: string } {
  const rawName = obj.metadata?.name;
  const name = typeof rawName === 'string' ? rawName : '';
  const fail = (detail: string) => ({ error: `ExpansionTemplate ${name || '(unnamed)'}: ${detail}` });

  if (!isExpansionTemplate(obj)) return fail(`not an ExpansionTemplate (apiVersion ${String(obj.apiVersion)}, kind ${String(obj.kind)})`);
  const version = (obj.apiVersion as string).slice(EXPANSION_GROUP.length + 1);
  if (!EXPANSION_VERSIONS.includes(version)) {
    return fail(`unsupported version ${version} (expected ${EXPANSION_VERSIONS.join(' or ')})`);
  }
  if (name === '') return fail('metadata.name is empty');
  if (name.length >= 64) return fail(`the name must be less than 64 characters, it has ${name.length}`);

  const spec = obj.spec ?? {};
  if (!isMap(spec)) return fail('spec must be an object');

  const templateSource = spec.templateSource ?? '';
  if (typeof templateSource !== 'string') return fail('spec.templateSource must be a string');
  if (templateSource === '') return fail('spec.templateSource is empty');

  const rawGVK = spec.generatedGVK ?? {};
  if (!isMap(rawGVK)) return fail('spec.generatedGVK must be an object');
  const generatedGVK: GVK = { group: '', version: '', kind: '' };
  for (const field of ['group', 'version', 'kind'] as const) {
    const value = rawGVK[field] ?? '';
    if (typeof value !== 'string') return fail(`spec.generatedGVK.${field} must be a string`);
    generatedGVK[field] = value;
  }
  // Gatekeeper only rejects a GVK with all three fields empty.
  if (generatedGVK.group === '' && generatedGVK.version === '' && generatedGVK.kind === '') {
    return fail('spec.generatedGVK is empty');
  }

  const rawApplyTo = spec.applyTo ?? [];
  if (!Array.isArray(rawApplyTo)) return fail('spec.applyTo must be a list');
  const applyTo: ApplyTo[] = [];
  for (const [i, entry] of rawApplyTo.entries()) {
    if (!isMap(entry)) return fail(`spec.applyTo[${i}] must be an object`);
    const lists: Partial<ApplyTo> = {};
    for (const field of ['groups', 'versions', 'kinds'] as const) {
      const value = entry[field] ?? [];
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
        return fail(`spec.applyTo[${i}].${field} must be a list of strings`);
      }
      lists[field] = [...(value as string[])];
    }
    applyTo.push(lists as ApplyTo);
  }
  if (applyTo.length === 0) return fail('spec.applyTo is empty');

  const enforcementAction = spec.enforcementAction ?? '';
  if (typeof enforcementAction !== 'string') return fail('spec.enforcementAction must be a string');

  const rule: ExpansionRule = { name, applyTo, templateSource, generatedGVK, builtIn: false };
  if (enforcementAction !== '') rule.enforcementAction = enforcementAction;
  const annotations = isMap(obj.metadata?.annotations) ? (obj.metadata.annotations as Record<string, unknown>) : {};
  const podsFrom = annotations[PODS_FROM_ANNOTATION];
  if (podsFrom !== undefined) {
    if (!PODS_FROM.includes(podsFrom as PodsFrom)) return fail(`annotation ${PODS_FROM_ANNOTATION}: unknown value ${JSON.stringify(podsFrom)} (expected ${PODS_FROM.join(' or ')})`);
    rule.podsFrom = podsFrom as PodsFrom;
  }
  const optional = annotations[SOURCE_OPTIONAL_ANNOTATION];
  if (optional !== undefined) {
    if (optional !== 'true' && optional !== 'false') return fail(`annotation ${SOURCE_OPTIONAL_ANNOTATION} must be "true" or "false"`);
    if (optional === 'true') rule.sourceOptional = true;
  }
  const selfMatch = selfMatchError(rule);
  if (selfMatch) return { error: selfMatch };
  return { rule };
}

/**
 * Problems with a set of rules taken together, one line each: a rule whose applyTo matches
 * its own generatedGVK, and a rule that closes a cycle (A generates what B applies to, B
 * generates what A applies to). Built-in rules are checked first, so a cycle through a
 * built-in rule is blamed on the user's ExpansionTemplate. Pass `effectiveRules(user)`.
 */
export function validateExpansionRules(rules: readonly ExpansionRule[]): string[] {
  const errors: string[] = [];
  const graph = new Map<string, Set<string>>(); // GVK key → GVK keys generated from it
  const ordered = [...rules.filter((r) => r.builtIn), ...rules.filter((r) => !r.builtIn)];
  for (const rule of ordered) {
    const selfMatch = selfMatchError(rule);
    if (selfMatch) {
      errors.push(selfMatch);
      continue;
    }
    const to = gvkKey(rule.generatedGVK);
    const cycle = applyToGVKs(rule.applyTo)
      .map((from) => pathBetween(graph, to, gvkKey(from)))
      .find((path) => path !== undefined);
    if (cycle) {
      // Gatekeeper rejects the template that closes the cycle; the others stay.
      errors.push(`${describeRule(rule)}: creates an expansion cycle: ${[cycle[cycle.length - 1], ...cycle].map(showKey).join(' → ')}`);
      continue;
    }
    for (const from of applyToGVKs(rule.applyTo)) {
      const key = gvkKey(from);
      if (!graph.has(key)) graph.set(key, new Set());
      graph.get(key)!.add(to);
    }
  }
  return errors;
}

function selfMatchError(rule: ExpansionRule): string | undefined {
  if (!ruleAppliesTo(rule, rule.generatedGVK)) return undefined;
  return `${describeRule(rule)}: spec.applyTo matches its own generatedGVK ${showGVK(rule.generatedGVK)}, so it would expand what it generates`;
}

function describeRule(rule: ExpansionRule): string {
  return rule.builtIn ? `built-in expansion rule ${rule.name}` : `ExpansionTemplate ${rule.name}`;
}

/** A path of GVK keys from `from` to `to` in the graph (both included), if there is one. */
function pathBetween(graph: Map<string, Set<string>>, from: string, to: string): string[] | undefined {
  const previous = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (node === to) {
      const path: string[] = [];
      for (let n: string | null = node; n !== null; n = previous.get(n)!) path.unshift(n);
      return path;
    }
    for (const next of graph.get(node) ?? []) {
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Built-in rules (§13): the standard pod controllers

const POD: GVK = { group: '', version: 'v1', kind: 'Pod' };
const JOB: GVK = { group: 'batch', version: 'v1', kind: 'Job' };

function builtIn(name: string, kind: string, groupVersions: Record<string, string[]>, templateSource: string, generatedGVK: GVK): ExpansionRule {
  const applyTo = Object.entries(groupVersions).map(([group, versions]) => ({ groups: [group], versions, kinds: [kind] }));
  return { name, applyTo, templateSource, generatedGVK, builtIn: true };
}

/** The pod controllers, in every API version that served them. Shared objects: do not mutate. */
export const BUILTIN_EXPANSION_RULES: ExpansionRule[] = [
  builtIn('offgate-expand-deployments', 'Deployment', { apps: ['v1', 'v1beta1', 'v1beta2'], extensions: ['v1beta1'] }, 'spec.template', POD),
  builtIn('offgate-expand-replicasets', 'ReplicaSet', { apps: ['v1', 'v1beta2'], extensions: ['v1beta1'] }, 'spec.template', POD),
  builtIn('offgate-expand-statefulsets', 'StatefulSet', { apps: ['v1', 'v1beta1', 'v1beta2'] }, 'spec.template', POD),
  builtIn('offgate-expand-daemonsets', 'DaemonSet', { apps: ['v1', 'v1beta2'], extensions: ['v1beta1'] }, 'spec.template', POD),
  builtIn('offgate-expand-jobs', 'Job', { batch: ['v1'] }, 'spec.template', POD),
  builtIn('offgate-expand-cronjobs', 'CronJob', { batch: ['v1', 'v1beta1'] }, 'spec.jobTemplate', JOB),
  builtIn('offgate-expand-replicationcontrollers', 'ReplicationController', { '': ['v1'] }, 'spec.template', POD),
  builtIn('offgate-expand-podtemplates', 'PodTemplate', { '': ['v1'] }, 'template', POD),
];

/**
 * The rules to expand with: the user's ExpansionTemplates plus the built-in rules, minus
 * what would report the same thing twice. A built-in rule stops applying to a parent GVK
 * when a user rule applies to that GVK and leads (directly or through further expansion)
 * to a kind the built-in rule leads to — e.g. a user template Deployment → Pod, or CronJob
 * → Pod (the built-in CronJob → Job → Pod would give a second Pod). The built-in keeps
 * the GVKs the user does not cover. Built-in rules come first, then the user's.
 */
export function effectiveRules(user: readonly ExpansionRule[], builtIns: readonly ExpansionRule[] = BUILTIN_EXPANSION_RULES): ExpansionRule[] {
  // A user ExpansionTemplate named as a default one (offgate export expansions) replaces it.
  const userNames = new Set(user.map((r) => r.name));
  const all = [...builtIns, ...user];
  const kept: ExpansionRule[] = [];
  for (const rule of builtIns) {
    if (userNames.has(rule.name)) continue;
    const leadsTo = reachableKinds([rule.generatedGVK], all);
    const gvks = applyToGVKs(rule.applyTo);
    const remaining = gvks.filter((gvk) => {
      const fromUser = user.filter((u) => ruleAppliesTo(u, gvk)).map((u) => u.generatedGVK);
      if (fromUser.length === 0) return true;
      const userLeadsTo = reachableKinds(fromUser, all);
      return ![...leadsTo].some((kind) => userLeadsTo.has(kind));
    });
    if (remaining.length === gvks.length) kept.push(rule);
    else if (remaining.length > 0) {
      kept.push({ ...rule, applyTo: remaining.map((g) => ({ groups: [g.group], versions: [g.version], kinds: [g.kind] })) });
    }
  }
  return [...kept, ...user];
}

/** Group/kind keys of the given GVKs and of everything the rules expand them into. */
function reachableKinds(start: GVK[], rules: readonly ExpansionRule[]): Set<string> {
  const seen = new Set<string>();
  const kinds = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const gvk = queue.shift()!;
    if (seen.has(gvkKey(gvk))) continue;
    seen.add(gvkKey(gvk));
    kinds.add(`${gvk.group}/${gvk.kind}`);
    for (const rule of rules) if (ruleAppliesTo(rule, gvk)) queue.push(rule.generatedGVK);
  }
  return kinds;
}

// ---------------------------------------------------------------------------------------
// Expansion (§8.2)

/** Whether the GVK's group, version and kind each appear in one applyTo entry (exact strings). */
export function ruleAppliesTo(rule: ExpansionRule, gvk: GVK): boolean {
  return rule.applyTo.some((a) => a.groups.includes(gvk.group) && a.versions.includes(gvk.version) && a.kinds.includes(gvk.kind));
}

/**
 * The resources generated from `parent`: each rule that applies yields one resource; then
 * each of those is expanded in turn (its descendants follow all of its siblings, as in
 * Gatekeeper). Per resource:
 * - a deep copy of the map at `templateSource` (missing → error);
 * - apiVersion/kind from `generatedGVK`;
 * - namespace `opts.namespace` when given (offgate passes the effective namespace), else
 *   the parent's `metadata.namespace`, else none;
 * - name lower(`<parent name>-<generated kind>`), overwriting any name in the template. A
 *   parent with only `generateName` has an empty name, so its Pod is named `-pod`, as
 *   Gatekeeper names it; the name is still non-empty, so templates that embed it report;
 * - an owner reference `{apiVersion, kind, name}` to the parent appended (HEAD).
 * The parent is never modified. Pass `effectiveRules(user)` as `rules`.
 */
export function expand(
  parent: K8sObject,
  rules: readonly ExpansionRule[],
  opts: { namespace?: string; maxGenerated?: number } = {},
): { generated: GeneratedResource[] } | { error: string } {
  const top: Pick<GeneratedResource, 'object' | 'chain' | 'mapPath'> = { object: parent, chain: [], mapPath: (path) => path };
  const budget: Budget = { parent, left: opts.maxGenerated ?? MAX_GENERATED_RESOURCES, max: opts.maxGenerated ?? MAX_GENERATED_RESOURCES };
  const result = expandFrom(top, rules, opts.namespace, budget);
  return Array.isArray(result) ? { generated: result } : result;
}

/** How many more resources this parent may generate; counted before each copy is made. */
interface Budget {
  parent: K8sObject;
  left: number;
  max: number;
}

function expandFrom(
  from: Pick<GeneratedResource, 'object' | 'chain' | 'mapPath'>,
  rules: readonly ExpansionRule[],
  namespace: string | undefined,
  budget: Budget,
): GeneratedResource[] | { error: string } {
  const applicable = rules.filter((rule) => ruleAppliesTo(rule, gvkOf(from.object)));
  if (applicable.length === 0) return [];
  if (from.chain.length >= MAX_EXPANSION_DEPTH) {
    return { error: `maximum recursion depth of ${MAX_EXPANSION_DEPTH} reached expanding ${String(from.object.kind)} ${nameOf(from.object)}` };
  }
  const children: GeneratedResource[] = [];
  for (const rule of applicable) {
    // One more than the budget allows, so that going over it is still seen.
    const made = generate(from.object, rule, namespace, Math.max(budget.left, 0) + 1);
    if ('error' in made) return made;
    const chain = [...from.chain, rule];
    for (const child of made.resources) {
      if (budget.left-- <= 0) return fanOutError(budget, rules);
      const mapPath = (path: string) => from.mapPath(child.mapPath(path));
      children.push({ object: child.object, rule, chain, mapPath, depth: chain.length });
    }
  }
  const all = children.slice();
  for (const child of children) {
    const more = expandFrom(child, rules, namespace, budget);
    if (!Array.isArray(more)) return more;
    for (const g of more) all.push(g);
  }
  return all;
}

function fanOutError(budget: Budget, rules: readonly ExpansionRule[]): { error: string } {
  const { parent } = budget;
  const ns = typeof parent.metadata?.namespace === 'string' && parent.metadata.namespace !== '' ? `${parent.metadata.namespace}/` : '';
  const templates = rules.filter((r) => !r.builtIn).map((r) => r.name);
  const shown = templates.length > 5 ? `${templates.slice(0, 5).join(', ')}…` : templates.join(', ');
  return {
    error: `expansion of ${String(parent.kind)} ${ns}${nameOf(parent)} generated more than ${budget.max} resources${shown ? ` (ExpansionTemplates ${shown})` : ''}: the resources it generates were not checked`,
  };
}

/** A resource made by one rule, with its paths as paths of the parent (one level). */
interface Made {
  object: K8sObject;
  mapPath(path: string): string;
}

/**
 * The resources one rule makes from the parent: one copy of the map at templateSource, or
 * for a `podsFrom` rule one per Pod its shaper finds in that map (none when it has none), at
 * most `limit` of them.
 */
function generate(parent: K8sObject, rule: ExpansionRule, namespace: string | undefined, limit: number): { resources: Made[] } | { error: string } {
  if (rule.sourceOptional && !hasPath(parent, rule.templateSource)) return { resources: [] };
  const source = lookUp(parent, rule.templateSource);
  if ('error' in source) return source;
  const prefix = sourcePath(rule.templateSource);
  if (rule.podsFrom === 'argo-workflow-templates') {
    return {
      // Copied up to the limit only: a workflow of 100,000 templates must not make 100,000 Pods first.
      resources: workflowPods(source.value).slice(0, limit).map((pod) => ({
        object: generatedObject(parent, rule, namespace, pod.template, `${nameOf(parent)}-${pod.name}`),
        mapPath: (path: string) => mapToSource(path, joinPath(prefix, pod.root), (p) => joinPath(prefix, mapShapedPath(pod, p))),
      })),
    };
  }
  const object = generatedObject(parent, rule, namespace, source.value, nameOf(parent));
  if (rule.podsFrom === 'knative-revision-template') nameKnativeContainers(object);
  return { resources: [{ object, mapPath: (path: string) => mapToSource(path, prefix, (p) => joinPath(prefix, p)) }] };
}

/**
 * Knative's defaulting names a container written without a name from config-defaults'
 * container-name-template, `user-container` unless the cluster changed it; with several
 * unnamed containers offgate numbers them (`user-container-1`…) to keep them apart.
 */
function nameKnativeContainers(pod: K8sObject): void {
  if (!isMap(pod.spec) || !Array.isArray(pod.spec.containers)) return;
  const containers = pod.spec.containers as unknown[];
  const unnamed = containers.flatMap((c, at) => (isMap(c) && (c.name === undefined || c.name === '') ? [at] : []));
  if (unnamed.length === 0) return;
  // The spec, its list and the containers named are the Pod's own: the Service's stay unnamed.
  const named = [...containers];
  unnamed.forEach((at, i) => {
    named[at] = { ...(containers[at] as Record<string, unknown>), name: unnamed.length === 1 ? 'user-container' : `user-container-${i + 1}` };
  });
  pod.spec = { ...pod.spec, containers: named };
}

/** Whether every key of the dot path exists (whatever the value at its end). */
function hasPath(obj: K8sObject, path: string): boolean {
  let value: unknown = obj;
  for (const key of path.split('.')) {
    if (!isMap(value) || !Object.hasOwn(value, key)) return false;
    value = value[key];
  }
  return true;
}

/**
 * The resource a rule makes of `template`. Only its top level and its metadata are its own:
 * below them it shares the parent's values, which nothing changes (reviews are read, and
 * JSON-encoded for the module), so that a large lint copies no pod spec.
 */
function generatedObject(parent: K8sObject, rule: ExpansionRule, namespace: string | undefined, template: Record<string, unknown>, baseName: string): K8sObject {
  const object = shallowCopy(template) as K8sObject;
  const { group, version, kind } = rule.generatedGVK;
  object.apiVersion = group === '' ? version : `${group}/${version}`;
  object.kind = kind;

  const metadata = (object.metadata = isMap(object.metadata) ? shallowCopy(object.metadata) : {});
  metadata.name = `${baseName}-${kind}`.toLowerCase();
  const effectiveNamespace = namespace || parent.metadata?.namespace;
  if (effectiveNamespace) metadata.namespace = effectiveNamespace;
  else delete metadata.namespace;
  const owner = { apiVersion: parent.apiVersion ?? '', kind: parent.kind ?? '', name: nameOf(parent) };
  metadata.ownerReferences = [...(Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences : []), owner];
  return object;
}

/** The map at a dot path, as Gatekeeper's unstructured.NestedMap finds it. */
function lookUp(obj: K8sObject, path: string): { value: Record<string, unknown> } | { error: string } {
  let value: unknown = obj;
  const walked: string[] = [];
  for (const key of path.split('.')) {
    if (!isMap(value)) {
      return { error: `could not extract source field "${path}" from resource ${nameOf(obj)}: ${walked.join('.')} is ${describeValue(value)}, not a map` };
    }
    if (!Object.hasOwn(value, key)) return { error: `could not find source field "${path}" in resource ${nameOf(obj)}` };
    value = value[key];
    walked.push(key);
  }
  if (!isMap(value)) {
    return { error: `could not extract source field "${path}" from resource ${nameOf(obj)}: it is ${describeValue(value)}, not a map` };
  }
  return { value };
}

// ---------------------------------------------------------------------------------------
// Paths

/** `spec.template` → `spec.template`; a key that is not an identifier is written `["key"]`. */
function sourcePath(templateSource: string): string {
  return templateSource.split('.').reduce((path, key) => joinPath(path, /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `[${JSON.stringify(key)}]`), '');
}

/**
 * A path of a generated object as a path of the object it was generated from: the name
 * and namespace are the parent's, the fields the expansion sets are the template's root,
 * anything else is where `copied` says it was copied from.
 */
function mapToSource(path: string, root: string, copied: (path: string) => string): string {
  if (/^metadata(\.(name|namespace)|\["(name|namespace)"\])$/.test(path)) return path;
  if (path === '' || path === 'apiVersion' || path === 'kind') return root;
  return copied(path);
}

function joinPath(base: string, path: string): string {
  if (base === '' || path === '') return base + path;
  return path.startsWith('[') ? base + path : `${base}.${path}`;
}

// ---------------------------------------------------------------------------------------
// Helpers

/**
 * A copy of a plain object's own fields (its values shared), for the fields a generated
 * resource sets. Spread defines each field, so a `__proto__` field read from the file stays a
 * field (assigned, it would become the copy's prototype, and the generated Pod would inherit
 * what it holds). Anything but a plain object (a library caller's class instance) is copied
 * whole by structuredClone.
 */
function shallowCopy(value: Record<string, unknown>): Record<string, unknown> {
  return Object.getPrototypeOf(value) === Object.prototype ? { ...value } : structuredClone(value);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nameOf(obj: K8sObject): string {
  return typeof obj.metadata?.name === 'string' ? obj.metadata.name : '';
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

/** Every concrete GVK an applyTo list names. */
function applyToGVKs(applyTo: ApplyTo[]): GVK[] {
  return applyTo.flatMap((a) => a.groups.flatMap((group) => a.versions.flatMap((version) => a.kinds.map((kind) => ({ group, version, kind })))));
}

function gvkKey(gvk: GVK): string {
  return JSON.stringify([gvk.group, gvk.version, gvk.kind]);
}

function showKey(key: string): string {
  const [group, version, kind] = JSON.parse(key) as string[];
  return showGVK({ group, version, kind });
}

function showGVK(gvk: GVK): string {
  return `${gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`} ${gvk.kind}`;
}
