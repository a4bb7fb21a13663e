// The admission decision, offline: the objects read from files are classified
// (templates, constraints, expansion templates, namespaces, configs, the rest),
// templates are compiled (or taken from the bundled library), constraints are
// validated against their template's schema, and every object — and every Pod
// its controller would create — is matched against every constraint and
// evaluated with the template's wasm module, as Gatekeeper does.
import { append, compareText } from '../arrays';
import type { K8sObject, Match, ObjectRef, Source } from './types';
export type { ObjectRef } from './types';
import { gvkOf, isNamespaceObject } from './types';
import { attachedNamespace, autorejectMessage, configExcludes, isClusterScoped, isGatekeeperConfig, matchConstraint, validateMatch, type NamespaceMode } from './match';
import { CONSTRAINT_GROUP, validateConstraint, validateTemplate } from './constraint-schema';
import { isConstraintTemplate, templateErrors, templateRego, type TemplateText } from './templates';
import { compileCached, cacheDir } from './module-cache';
import { compileTemplateSet } from './template-set';
import { KindIndex } from './constraint-index';
import { buildInventory } from './inventory';
import { isAdmissionReview, reviewOf, reviewOfAdmissionReview, type Review } from './review';
import { BUILTIN_EXPANSION_RULES, effectiveRules, expand, isExpansionTemplate, parseExpansionTemplate, validateExpansionRules, type ExpansionRule, type GeneratedResource } from './expansion';
import { defaultExpansionRules, isKubernetesGroup } from './default-expansions';
import { podTemplatePath, unexpandedWarning } from './pod-templates';
import type { LoadedPolicy } from '../policy/sdk';
import { DEFAULT_LIMITS, EvaluationLimitError, loadLimitedPolicy, type EvaluationLimits, type LimitedPolicy } from '../policy/limits';
import { BATCH_ENTRYPOINT } from './bundled-wasm';
import { ReviewEvaluator } from '../policy/review-evaluator';
import { mark } from '../timings';

/** Where an object was read from. */
export interface Origin {
  file: string;
  /** 1-based line of the document's first line. */
  line?: number;
  column?: number;
}

export interface Located {
  object: K8sObject;
  origin?: Origin;
  /** A ConstraintTemplate's file text and field positions: its Rego errors are then placed in the file. */
  source?: TemplateText;
}

/** A template already compiled (the bundled library's modules). */
export interface PrecompiledTemplate {
  kind: string;
  wasm: Uint8Array;
  /** `wasm` already compiled, when the caller has it (lint compiles the library while it reads its inputs). */
  module?: WebAssembly.Module;
  entrypoint: string;
  /** The ConstraintTemplate object, for validating constraints against its schema. */
  template: K8sObject;
  /** Whether the template reads `data.inventory`; by default, whether its Rego mentions it. */
  readsInventory?: boolean;
  origin?: Origin;
}

export interface EngineOptions {
  /** How namespaces are attached and reviews filled in (semantics §5.2, §13). Default `cluster`. */
  mode?: NamespaceMode;
  /** cluster mode: the namespace of namespaced objects that have none (`--namespace`). */
  defaultNamespace?: string;
  /** cluster mode: labels of namespaces no Namespace object describes. */
  namespaceLabels?: Record<string, Record<string, string>>;
  /** Built-in expansion of pod controllers (cluster mode default true). */
  builtInExpansion?: boolean;
  /** The inventory; default: every input object (gator test) . */
  inventory?: K8sObject[];
  /** userInfo of reviews. */
  userInfo?: Record<string, unknown>;
  /** Compiled-module cache directory, null to disable. */
  cacheDir?: string | null;
  /**
   * Deadline of one evaluation (a template on an object), in ms; 0 for none. Default
   * 30000, Gatekeeper's maximum webhook timeout. One that passes is that object's
   * evaluation error for that constraint.
   */
  timeoutMs?: number;
  /** Maximum memory of each template's module, in bytes. Default 1 GiB (see src/policy/limits.ts). */
  memoryLimitBytes?: number;
  /** cluster mode: the namespace whose Config named `config` Gatekeeper reads (default gatekeeper-system). */
  gatekeeperNamespace?: string;
}

export interface Result {
  /** The object reviewed: an input object, or the Pod a workload's controller would create. */
  object: ObjectRef;
  /** Where the input object (for a generated Pod: its workload) was read from. */
  origin?: Origin;
  constraint: { kind: string; name: string };
  enforcementAction: string;
  scopedActions?: string[];
  message: string;
  details: unknown;
  /** Path of the offending field in the input object (for a generated Pod: in its workload), when the template says. */
  path?: string;
  /** For a generated Pod: the workload it came from (the object in the input), and the expansion that made it. */
  workload?: ObjectRef & { expansion: string; builtIn: boolean };
  /** The template failed to evaluate; `message` is the error. */
  evaluationError?: boolean;
  /** The constraint could not be matched (e.g. missing Namespace); Gatekeeper rejects. */
  autoreject?: boolean;
}

export interface LoadError {
  message: string;
  origin?: Origin;
}

export interface EngineOutput {
  results: Result[];
  errors: LoadError[];
  warnings: string[];
}

interface Template {
  kind: string;
  template: K8sObject;
  policy: LoadedPolicy;
  /** The same policy, for calls into it under the limits. */
  limited: LimitedPolicy;
  /** Evaluates one review against several constraints, reading the review once. */
  evaluator: ReviewEvaluator;
  entrypoint: string;
  /** Whether its Rego refers to data.inventory (referential templates). */
  readsInventory: boolean;
  /** Why the module cannot evaluate anything (its data did not load): every matched constraint's error. */
  unusable?: string;
}

interface Constraint {
  kind: string;
  name: string;
  /** `{kind, name}`, shared by every result of this constraint. */
  ref: { kind: string; name: string };
  object: K8sObject;
  match?: Match;
  /** `spec.parameters` as JSON, ready for every evaluation. */
  parametersJson: string;
  /** The same, encoded once. */
  parameters: Uint8Array;
  /** Unique to this constraint as loaded (batch inputs are remembered by these). */
  id: number;
  enforcementAction: string;
  scopedActions?: string[];
}

export interface EngineInput {
  /** ConstraintTemplates (they may also simply be among `objects`). */
  templates?: Located[];
  /** Constraints (they may also simply be among `objects`). */
  constraints?: Located[];
  /** Everything else read: objects to review, Namespaces, ExpansionTemplates, Configs. */
  objects: Located[];
  /**
   * Review exactly these, whatever their kind (a `gator verify` case); by default every
   * input object that is not a template, constraint, ExpansionTemplate or Config.
   */
  review?: Located[];
  /** Templates compiled ahead of time (offgate's bundled library). */
  precompiled?: PrecompiledTemplate[];
  options?: EngineOptions;
}

export function evaluate(engineInput: EngineInput): EngineOutput {
  const prepared = prepareEvaluation(engineInput);
  return joinReviews(prepared, [reviewObjects(prepared, reviewedObjects(prepared))]);
}

/** The load output followed by the reviews of consecutive parts, in order, the results sorted as evaluate() gives them. */
export function joinReviews(prepared: PreparedEvaluation, parts: EngineOutput[]): EngineOutput {
  const out = prepared.out;
  for (const part of parts) {
    append(out.results, part.results);
    append(out.errors, part.errors);
    append(out.warnings, part.warnings);
  }
  out.results = sortResults(out.results);
  return out;
}

/** Templates, constraints and expansion rules loaded, ready to review objects: what evaluate() does before its loop. */
export interface PreparedEvaluation {
  engineInput: EngineInput;
  /** Every object given (templates and constraints included). */
  objects: Located[];
  opts: EngineOptions;
  mode: NamespaceMode;
  /** Load errors and warnings (templates, constraints, expansions). */
  out: EngineOutput;
  configs: K8sObject[];
  reviewed: Located[];
  templates: Map<string, Template>;
  /** Constraints in result order. */
  ordered: Constraint[];
  byKinds: KindIndex<Constraint>;
  /** The rules that may expand an object (see loadExpansionRules). */
  expansionRules: (object: K8sObject) => readonly ExpansionRule[];
  attachments: Attachments;
  /** Whether a loaded template reads data.inventory (then a review needs every input object, not only the Namespaces). */
  readsInventory: boolean;
}

export function prepareEvaluation(engineInput: EngineInput): PreparedEvaluation {
  const input = { ...engineInput, objects: [...(engineInput.templates ?? []), ...(engineInput.constraints ?? []), ...engineInput.objects] };
  const opts = input.options ?? {};
  const mode = opts.mode ?? 'cluster';
  const out: EngineOutput = { results: [], errors: [], warnings: [] };
  const classes = classify(input.objects, opts.gatekeeperNamespace);

  const limits: EvaluationLimits = { timeoutMs: opts.timeoutMs ?? DEFAULT_LIMITS.timeoutMs, memoryLimitBytes: opts.memoryLimitBytes ?? DEFAULT_LIMITS.memoryLimitBytes };
  // Kinds whose template was there but failed to load: their constraints are not checked, said once.
  const failed = new Map<string, string>();
  const templates = loadTemplates(classes.templates, input.precompiled ?? [], opts, limits, out, failed);
  mark('templates loaded (module cache, compiling, wasm instantiation)');
  const constraints = loadConstraints(classes.constraints, templates, out, failed);
  const expansionRules = loadExpansionRules(classes.expansions, mode === 'cluster' && opts.builtInExpansion !== false, out);

  // data.inventory only for templates that read it, serialised once: it holds every
  // input object, and most templates (all the bundled ones) never look at it.
  const readers = [...templates.values()].filter((t) => t.readsInventory);
  if (readers.length > 0) {
    const inventory = { inventory: buildInventory(opts.inventory ?? [...input.objects, ...(engineInput.review ?? [])].map((o) => o.object)) };
    const bytes = utf8.encode(JSON.stringify(inventory));
    // Once per module instance: templates compiled together share one (and its data).
    const loaded = new Map<LimitedPolicy, string | undefined>();
    for (const t of readers) {
      if (!loaded.has(t.limited)) loaded.set(t.limited, setInventory(t, bytes));
      const error = loaded.get(t.limited);
      if (error !== undefined) t.unusable = `template ${templateName(t)} could not load data.inventory: ${error}`;
    }
  }

  // Namespaces for namespaceSelector come from the inventory when one is given (a verify
  // case's inventory files), else from the inputs.
  const namespaces = new Map<string, K8sObject>();
  for (const o of opts.inventory ?? input.objects.map((x) => x.object)) {
    if (isNamespaceObject(o)) namespaces.set(String(o.metadata?.name ?? ''), o);
  }
  mark('constraints, expansions and inventory loaded');
  const ordered = [...constraints].sort((a, b) => compareText(a.kind, b.kind) || compareText(a.name, b.name));
  return {
    engineInput,
    objects: input.objects,
    opts,
    mode,
    out,
    configs: classes.configs,
    reviewed: classes.reviewed,
    templates,
    ordered,
    byKinds: new KindIndex(ordered),
    expansionRules,
    attachments: new Attachments(namespaces, mode, opts),
    readsInventory: readers.length > 0,
  };
}

/** What evaluate() reviews: `review` when given, else every object that is not policy (gator test: every object). */
export function reviewedObjects(p: PreparedEvaluation): Located[] {
  return p.engineInput.review ?? (p.mode === 'gator-test' ? p.objects : p.reviewed);
}

/**
 * Reviews `items` (and every Pod their controllers would create) against the prepared
 * constraints: their results in input order (unsorted), and the errors and warnings of the
 * items themselves. Items may be reviewed in parts, in any number of calls: the results of
 * consecutive parts, concatenated, are those of one call (a warning said once per call may
 * then be said once per part).
 */
export function reviewObjects(p: PreparedEvaluation, items: Located[]): EngineOutput {
  const { opts, mode, configs, templates, ordered, byKinds, expansionRules, attachments } = p;
  const out: EngineOutput = { results: [], errors: [], warnings: [] };
  const warned = new Set<string>();
  for (const item of items) {
    const subject = subjectOf(item.object, mode, opts, out);
    if (!subject) continue;
    const attach = attachments.get(subject.object, subject.reviewNamespace);
    const namespace = effectiveNamespace(subject.object, attach.namespace, mode);
    // Judged in the namespace the object lands in: one without metadata.namespace goes to `default`.
    if (mode === 'cluster' && configs.length > 0 && configExcludes(configs, item.object, 'webhook', namespace, opts.gatekeeperNamespace)) continue;
    if (attach.warning && !warned.has(attach.warning) && ordered.some((c) => c.match?.namespaceSelector)) {
      warned.add(attach.warning);
      out.warnings.push(attach.warning);
    }
    const reported = refOf(item.object, namespace);
    const review = subject.review ?? reviewOf(subject.object, { operation: mode === 'cluster' ? 'CREATE' : '', namespace, userInfo: opts.userInfo });
    append(out.results, reviewAgainst(review, subject.object, subject.oldObject, attach.namespace, 'Original', byKinds.candidates(subject.object, subject.oldObject), templates, reported, item.origin));
    if (subject.review) continue; // AdmissionReviews are not expanded
    const expanded = expand(subject.object, expansionRules(subject.object), { namespace });
    if ('error' in expanded) {
      out.errors.push({ message: expanded.error, origin: item.origin });
      continue;
    }
    if (mode === 'cluster' && expanded.generated.length === 0) {
      const template = podTemplatePath(subject.object);
      if (template !== undefined) out.warnings.push(`${item.origin ? `${originText(item.origin)}: ` : ''}${unexpandedWarning(objectText(reported), template)}`);
    }
    for (const g of expanded.generated) {
      const gReview = reviewOf(g.object, { operation: mode === 'cluster' ? 'CREATE' : '', namespace: effectiveNamespace(g.object, attach.namespace, mode), userInfo: opts.userInfo });
      const results = reviewAgainst(gReview, g.object, null, attach.namespace, 'Generated', byKinds.candidates(g.object, null), templates, reported, item.origin);
      foldGenerated(results, g);
      append(out.results, results);
    }
  }
  return out;
}

/** Results in the order evaluate() gives them: by enforcement action, then message; ties in review order. */
function sortResults(results: Result[]): Result[] {
  return stableSort(results, (a, b) => compareText(a.enforcementAction, b.enforcementAction) || compareText(a.message, b.message));
}

/**
 * The namespace each reviewed object is attached to (match.ts), worked out once per
 * namespace name: thousands of objects share a handful of namespaces, and in cluster mode a
 * namespaced object's attachment depends on nothing but the name.
 */
class Attachments {
  private readonly byName = new Map<string, ReturnType<typeof attachedNamespace>>();

  constructor(
    private readonly namespaces: Map<string, K8sObject>,
    private readonly mode: NamespaceMode,
    private readonly opts: EngineOptions,
  ) {}

  get(object: K8sObject, reviewNamespace: string | undefined): ReturnType<typeof attachedNamespace> {
    const attach = () => attachedNamespace(object, this.namespaces, this.mode, { defaultNamespace: this.opts.defaultNamespace, namespaceLabels: this.opts.namespaceLabels, reviewNamespace });
    if (this.mode !== 'cluster' || reviewNamespace !== undefined || isNamespaceObject(object) || isClusterScoped(gvkOf(object))) return attach();
    const own = object.metadata?.namespace;
    const name = typeof own === 'string' ? own : '';
    let known = this.byName.get(name);
    if (!known) this.byName.set(name, (known = attach()));
    return known;
  }
}

// ---- classification and loading ------------------------------------------------------

function classify(objects: Located[], gatekeeperNamespace: string | undefined) {
  const templates: Located[] = [];
  const constraints: Located[] = [];
  const expansions: Located[] = [];
  const configs: K8sObject[] = [];
  const reviewed: Located[] = [];
  for (const o of objects) {
    const gvk = gvkOf(o.object);
    if (isConstraintTemplate(o.object)) templates.push(o);
    else if (gvk.group === CONSTRAINT_GROUP) constraints.push(o);
    else if (isExpansionTemplate(o.object)) expansions.push(o);
    else if (isGatekeeperConfig(o.object, gatekeeperNamespace)) configs.push(o.object);
    else reviewed.push(o);
  }
  return { templates, constraints, expansions, configs, reviewed };
}

function loadTemplates(objs: Located[], precompiled: PrecompiledTemplate[], opts: EngineOptions, limits: EvaluationLimits, out: EngineOutput, failed: Map<string, string>): Map<string, Template> {
  const byKind = new Map<string, Template>();
  // Templates compiled into one module (the bundled library) share one instance, and so do
  // the engine's calls in one process (lint evaluates once per environment of offgate.yaml's
  // `paths:`): a call loads its own data.inventory and review into it.
  const limitsKey = `${limits.timeoutMs}/${limits.memoryLimitBytes}`;
  for (const p of precompiled) {
    let byLimits = precompiledInstances.get(p.wasm);
    if (!byLimits) precompiledInstances.set(p.wasm, (byLimits = new Map()));
    let instance = byLimits.get(limitsKey);
    if (!instance) {
      const limited = loadLimitedPolicy(p.module ?? p.wasm, limits);
      instance = { policy: limited.policy, limited, evaluator: new ReviewEvaluator(limited) };
      byLimits.set(limitsKey, instance);
    }
    byKind.set(p.kind, { kind: p.kind, template: p.template, entrypoint: p.entrypoint, ...instance, readsInventory: p.readsInventory ?? mentionsInventory(p.template) });
  }
  // Templates among the inputs replace bundled ones of the same kind. Those that can share
  // one module are compiled together (template-set.ts); the others one by one.
  // The set's cache entry says which are invalid: those it has not seen are checked here.
  const shared = loadTemplateSet(objs, opts, limits);
  for (const o of objs) {
    const problems = shared.problems.get(o) ?? validateTemplate(o.object);
    const kind = String((o.object.spec as { crd?: { spec?: { names?: { kind?: string } } } } | undefined)?.crd?.spec?.names?.kind);
    const templateName = String(o.object.metadata?.name ?? '');
    if (problems.length > 0) {
      out.errors.push({ message: problems[0], origin: o.origin });
      if (kind !== 'undefined') failed.set(kind, `template ${templateName} is invalid`);
      continue;
    }
    const member = shared.members.get(o);
    if (member) {
      byKind.set(kind, { kind, template: o.object, ...member });
      continue;
    }
    try {
      const rego = templateRego(o.object, o.origin?.file ?? 'template');
      const { wasm } = compileCached({ modules: rego.modules, entrypoint: rego.entrypoint, regoVersion: rego.regoVersion }, opts.cacheDir === undefined ? cacheDir() : opts.cacheDir);
      const limited = loadLimitedPolicy(wasm, limits);
      byKind.set(kind, { kind, template: o.object, entrypoint: rego.entrypoint, policy: limited.policy, limited, evaluator: new ReviewEvaluator(limited), readsInventory: rego.modules.some((m) => m.source.includes('inventory')) });
    } catch (e) {
      for (const { message, line, column } of templateErrors(o.object, o.origin?.file ?? 'template', e, o.source)) {
        out.errors.push({ message, origin: line === undefined || !o.origin ? o.origin : { file: o.origin.file, line, column } });
      }
      failed.set(kind, `template ${templateName} failed to compile`);
    }
  }
  return byKind;
}

const precompiledInstances = new WeakMap<Uint8Array, Map<string, { policy: LoadedPolicy; limited: LimitedPolicy; evaluator: ReviewEvaluator }>>();

/**
 * The templates compiled into one module with others (template-set.ts), each with its
 * entrypoint in the shared instance, and what validateTemplate says of each (of every
 * template, when there is a set).
 */
function loadTemplateSet(objs: Located[], opts: EngineOptions, limits: EvaluationLimits): { members: Map<Located, Omit<Template, 'kind' | 'template'>>; problems: Map<Located, string[]> } {
  const members = new Map<Located, Omit<Template, 'kind' | 'template'>>();
  const problems = new Map<Located, string[]>();
  const set = compileTemplateSet(
    objs.map((o) => ({ object: o.object, file: o.origin?.file ?? 'template' })),
    opts.cacheDir === undefined ? cacheDir() : opts.cacheDir,
  );
  if (!set) return { members, problems };
  set.problems.forEach((p, i) => problems.set(objs[i], p));
  let instance: { policy: LoadedPolicy; limited: LimitedPolicy; evaluator: ReviewEvaluator };
  try {
    const limited = loadLimitedPolicy(set.module ?? set.wasm, limits);
    instance = { policy: limited.policy, limited, evaluator: new ReviewEvaluator(limited) };
  } catch {
    return { members, problems }; // each is loaded on its own, and says why it cannot be
  }
  set.members.forEach((m, i) => {
    if (m) members.set(objs[i], { ...instance, entrypoint: m.entrypoint, readsInventory: m.readsInventory });
  });
  return { members, problems };
}

let nextConstraintId = 0;

function loadConstraints(objs: Located[], templates: Map<string, Template>, out: EngineOutput, failed: Map<string, string>): Constraint[] {
  const byKey = new Map<string, Constraint>();
  const notChecked = new Map<string, string[]>();
  for (const o of objs) {
    const kind = String(o.object.kind ?? '');
    const name = String(o.object.metadata?.name ?? '');
    const template = templates.get(kind);
    if (!template && failed.has(kind)) {
      // The template's own error says what is wrong; one line then names what it leaves unchecked.
      notChecked.set(kind, [...(notChecked.get(kind) ?? []), `${kind}/${name}`]);
      continue;
    }
    if (!template) {
      out.errors.push({ message: `${kind}/${name}: missing ConstraintTemplate: template "${kind.toLowerCase()}" not found`, origin: o.origin });
      continue;
    }
    const v = validateConstraint(template.template, o.object);
    if ('errors' in v) {
      out.errors.push({ message: v.errors[0], origin: o.origin });
      continue;
    }
    out.warnings.push(...v.warnings);
    const spec = (v.constraint.spec ?? {}) as { match?: Match; parameters?: unknown; enforcementAction?: string; scopedEnforcementActions?: { action?: string; enforcementPoints?: { name?: string }[] }[] };
    const matchErrors = validateMatch(spec.match);
    if (matchErrors.length > 0) {
      out.errors.push({ message: `${kind}/${name}: ${matchErrors[0]}`, origin: o.origin });
      continue;
    }
    const action = spec.enforcementAction ?? 'deny';
    let scopedActions: string[] | undefined;
    if (action === 'scoped') {
      scopedActions = [...new Set((spec.scopedEnforcementActions ?? []).filter((s) => (s.enforcementPoints ?? []).some((p) => p.name === 'gator.gatekeeper.sh' || p.name === '*')).map((s) => String(s.action)))];
      if (scopedActions.length === 0) continue; // invisible to this enforcement point
    }
    const parametersJson = JSON.stringify(spec.parameters ?? {});
    const id = nextConstraintId++;
    byKey.set(`${kind}/${name}`, { kind, name, ref: { kind, name }, object: v.constraint, match: spec.match, parametersJson, parameters: utf8.encode(parametersJson), id, enforcementAction: action, scopedActions });
  }
  for (const [kind, names] of notChecked) out.warnings.push(`not checked: ${failed.get(kind)} (constraint${names.length === 1 ? '' : 's'} ${names.join(', ')})`);
  return [...byKey.values()];
}

/**
 * The rules that may expand each object. offgate's default ExpansionTemplates expand custom
 * controllers' resources and never Kubernetes' own kinds, nor anything those expand into
 * (default-expansions.ts, and a test holds them to it): without ExpansionTemplates of the
 * user's, which could lead anywhere, they are read when the first object of another API group
 * is reviewed. A run of Pods and Deployments never reads them.
 */
function loadExpansionRules(objs: Located[], builtIn: boolean, out: EngineOutput): (object: K8sObject) => readonly ExpansionRule[] {
  const user: ExpansionRule[] = [];
  for (const o of objs) {
    const r = parseExpansionTemplate(o.object);
    if ('error' in r) out.errors.push({ message: r.error, origin: o.origin });
    else user.push(r.rule);
  }
  if (builtIn && user.length === 0) {
    let all: ExpansionRule[] | undefined;
    return (object) => (isKubernetesGroup(gvkOf(object).group) ? BUILTIN_EXPANSION_RULES : (all ??= [...BUILTIN_EXPANSION_RULES, ...defaultExpansionRules()]));
  }
  const rules = builtIn ? effectiveRules(user, [...BUILTIN_EXPANSION_RULES, ...defaultExpansionRules()]) : user;
  for (const problem of validateExpansionRules(rules)) out.errors.push({ message: problem });
  return () => rules;
}

// ---- reviewing ----------------------------------------------------------------------------

interface Subject {
  object: K8sObject;
  oldObject: K8sObject | null;
  /** Set for AdmissionReview inputs: the request, used as written. */
  review?: Review;
  reviewNamespace?: string;
}

function subjectOf(obj: K8sObject, mode: NamespaceMode, opts: EngineOptions, out: EngineOutput): Subject | undefined {
  if (mode !== 'gator-test' && isAdmissionReview(obj)) {
    const r = reviewOfAdmissionReview(obj);
    if ('error' in r) {
      out.errors.push({ message: r.error });
      return undefined;
    }
    const object = (r.review.object ?? r.review.oldObject) as K8sObject;
    return { object, oldObject: (r.review.oldObject as K8sObject | null) ?? null, review: { ...r.review, userInfo: r.review.userInfo ?? opts.userInfo ?? {} }, reviewNamespace: String(r.review.namespace ?? '') };
  }
  return { object: obj, oldObject: null };
}

/** The namespace a review states: the object's, or in cluster mode the one it would land in. */
function effectiveNamespace(obj: K8sObject, attached: K8sObject | null, mode: NamespaceMode): string | undefined {
  const own = obj.metadata?.namespace;
  if (typeof own === 'string' && own !== '') return own;
  if (mode !== 'cluster' || isClusterScoped(gvkOf(obj)) || isNamespaceObject(obj)) return undefined;
  const name = attached?.metadata?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function reviewAgainst(
  review: Review,
  object: K8sObject,
  oldObject: K8sObject | null,
  namespace: K8sObject | null,
  source: Source,
  constraints: Constraint[],
  templates: Map<string, Template>,
  reported: ObjectRef,
  origin: Origin | undefined,
): Result[] {
  // Match first; then evaluate the matched constraints, several per call where
  // the module can (the bundled library), one by one otherwise.
  const target = { object, oldObject, namespace, source };
  const slots: ({ c: Constraint; autoreject: string } | { c: Constraint; t: Template; outcome?: Outcome })[] = [];
  for (const c of constraints) {
    const m = matchConstraint(c.match, target);
    if ('error' in m) slots.push({ c, autoreject: m.error });
    else if (m.matched) slots.push({ c, t: templates.get(c.kind)! });
  }
  const pending = slots.filter((s): s is { c: Constraint; t: Template; outcome?: Outcome } => 't' in s);
  if (pending.length > 0) evaluateMatched(review, pending, reported);

  const results: Result[] = [];
  for (const slot of slots) {
    const c = slot.c;
    if ('autoreject' in slot) {
      const r = result(reported, origin, c, autorejectMessage(String(object.metadata?.name ?? ''), slot.autoreject), undefined);
      r.autoreject = true;
      results.push(r);
      continue;
    }
    const outcome = slot.outcome!;
    if ('error' in outcome) {
      results.push(evaluationError(reported, origin, c, outcome.error));
      continue;
    }
    for (const v of outcome.violations) {
      if (!v || typeof v !== 'object' || !('msg' in v)) continue; // Gatekeeper drops results without msg
      const { msg, details } = v as { msg: unknown; details?: unknown };
      if (typeof msg !== 'string') {
        results.push(evaluationError(reported, origin, c, `template ${c.kind}: violation msg must be a string, got ${JSON.stringify(msg)}`));
        continue;
      }
      const d = details ?? {};
      const r = result(reported, origin, c, msg, d);
      const path = typeof d === 'object' && d !== null ? (d as { path?: unknown }).path : undefined;
      if (typeof path === 'string' && path !== '') r.path = path;
      results.push(r);
    }
  }
  return results;
}

// Results are built field by field, always in this order: there are tens of thousands of
// them in a large lint, and objects of one shape keep the code that handles them fast.
function result(object: ObjectRef, origin: Origin | undefined, c: Constraint, message: string, details: unknown): Result {
  const r: Result = { object, origin, constraint: c.ref, enforcementAction: c.enforcementAction, message, details };
  if (c.scopedActions) r.scopedActions = c.scopedActions;
  return r;
}

function evaluationError(object: ObjectRef, origin: Origin | undefined, c: Constraint, message: string): Result {
  const r = result(object, origin, c, message, null);
  r.evaluationError = true;
  return r;
}

type Outcome = { violations: unknown[] } | { error: string };

/** Loads data.inventory into a template's module; why it does not fit (which leaves the template unusable, not the run). */
function setInventory(t: Template, bytes: Uint8Array): string | undefined {
  try {
    t.evaluator.loadData(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    return undefined;
  } catch (e) {
    return errorText(e);
  }
}

/**
 * Fills in each matched constraint's outcome: its violations, or the evaluation error.
 * No failure of one module (a limit, a trap, a review it cannot even load) stops the
 * others: it is the outcome of the constraints it concerns.
 */
function evaluateMatched(review: Review, pending: { c: Constraint; t: Template; outcome?: Outcome }[], reported: ObjectRef): void {
  const reviewJson = JSON.stringify(review);
  const byEvaluator = new Map<ReviewEvaluator, typeof pending>();
  for (const p of pending) {
    if (p.t.unusable) {
      p.outcome = { error: p.t.unusable };
      continue;
    }
    const group = byEvaluator.get(p.t.evaluator);
    if (group) group.push(p);
    else byEvaluator.set(p.t.evaluator, [p]);
  }
  const failed = (p: { t: Template }, e: unknown): Outcome => ({
    error: e instanceof EvaluationLimitError ? `evaluation of ${templateName(p.t)} on ${objectText(reported)} ${e.message}` : errorText(e),
  });
  for (const [evaluator, group] of byEvaluator) {
    const batch = group.length > 1 && evaluator.has(BATCH_ENTRYPOINT) ? pinnedBatchInput(evaluator, group) : undefined;
    try {
      evaluator.begin(reviewJson);
    } catch (e) {
      for (const p of group) p.outcome = failed(p, e);
      evaluator.end();
      continue;
    }
    try {
      if (batch !== undefined) {
        try {
          const results = evaluator.evaluateBatch(BATCH_ENTRYPOINT, batch);
          group.forEach((p, i) => (p.outcome = { violations: results[String(i)] ?? [] }));
          continue;
        } catch {
          // One template failed: evaluate them one by one, so the error lands on its constraints.
          try {
            evaluator.begin(reviewJson);
          } catch (e) {
            for (const p of group) p.outcome = failed(p, e);
            continue;
          }
        }
      }
      for (const p of group) {
        try {
          const rs = evaluator.evaluate(p.t.entrypoint, p.c.parameters) as { result?: unknown[] }[];
          p.outcome = { violations: rs[0]?.result ?? [] };
        } catch (e) {
          p.outcome = failed(p, e);
          // An abort leaves the module's heap as it was: load the review afresh.
          try {
            evaluator.begin(reviewJson);
          } catch (again) {
            for (const q of group) q.outcome ??= failed(q, again);
            break;
          }
        }
      }
    } finally {
      evaluator.end();
    }
  }
}

/**
 * The group's batch input parsed into the module once (most reviews match the same
 * constraints: it is parsed for the first and kept for the others), or its JSON when it
 * cannot be kept (a limit): evaluateBatch then parses it for this review.
 */
function pinnedBatchInput(evaluator: ReviewEvaluator, group: { c: Constraint; t: Template }[]): number | Uint8Array {
  const bytes = batchInput(group);
  try {
    return evaluator.pin(bytes);
  } catch {
    return bytes;
  }
}

/**
 * The batch entrypoint's `input.constraints` for a group: `{entrypoint: [[i, parameters], ...]}`
 * (see batchModule). Most reviews match the same constraints, so it is kept by their ids.
 */
const batchInputs = new Map<string, Uint8Array>();
/** The last group's constraints and input: consecutive reviews (a file's Pods) nearly always match the same ones. */
let lastGroup: { constraints: Constraint[]; bytes: Uint8Array } | undefined;
function batchInput(group: { c: Constraint; t: Template }[]): Uint8Array {
  if (lastGroup && sameConstraints(group, lastGroup.constraints)) return lastGroup.bytes;
  const bytes = batchInputByIds(group);
  lastGroup = { constraints: group.map((p) => p.c), bytes };
  return bytes;
}

function sameConstraints(group: readonly { c: Constraint }[], constraints: readonly Constraint[]): boolean {
  if (group.length !== constraints.length) return false;
  for (let i = 0; i < group.length; i++) if (group[i]!.c !== constraints[i]) return false;
  return true;
}

function batchInputByIds(group: { c: Constraint; t: Template }[]): Uint8Array {
  let key = '';
  for (const p of group) key += `${p.c.id},`;
  let bytes = batchInputs.get(key);
  if (!bytes) {
    if (batchInputs.size >= 256) batchInputs.clear();
    const byEntrypoint = new Map<string, string[]>();
    group.forEach((p, i) => {
      const pair = `[${i},${p.c.parametersJson}]`;
      const list = byEntrypoint.get(p.t.entrypoint);
      if (list) list.push(pair);
      else byEntrypoint.set(p.t.entrypoint, [pair]);
    });
    bytes = utf8.encode(`{${[...byEntrypoint].map(([ep, pairs]) => `${JSON.stringify(ep)}:[${pairs.join(',')}]`).join(',')}}`);
    batchInputs.set(key, bytes);
  }
  return bytes;
}

/**
 * Results on a generated resource, tied to the workload in the input as Gatekeeper does
 * (changed in place: they are the engine's own, just made).
 */
function foldGenerated(results: Result[], g: GeneratedResource): void {
  if (results.length === 0) return;
  const object = refOf(g.object);
  const workload = { ...results[0].object, expansion: g.rule.name, builtIn: g.rule.builtIn };
  // An ExpansionTemplate (not offgate's built-in expansion) may set the action.
  let override: string | undefined;
  for (const rule of g.chain) override = rule.enforcementAction || override;
  for (const r of results) {
    r.object = object;
    r.workload = workload;
    if (r.path !== undefined) r.path = g.mapPath(r.path);
    // ExpansionTemplates prefix the message.
    if (!g.rule.builtIn) r.message = `[Implied by ${g.rule.name}] ${r.message}`;
    if (override) r.enforcementAction = override;
  }
}

const utf8 = new TextEncoder();
/** Whether a template's Rego refers to data.inventory (any mention counts: cheap and safe). */
function mentionsInventory(template: K8sObject): boolean {
  return JSON.stringify((template.spec as { targets?: unknown } | undefined)?.targets ?? []).includes('inventory');
}

/** How a result names an object: in the namespace it is reviewed in (which may be filled in). */
function refOf(obj: K8sObject, namespace?: string): ObjectRef {
  const meta = (obj.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const ref: ObjectRef = { apiVersion: String(obj.apiVersion ?? ''), kind: String(obj.kind ?? '') };
  const ns = namespace ?? meta.namespace;
  if (typeof ns === 'string' && ns !== '') ref.namespace = ns;
  if (typeof meta.name === 'string' && meta.name !== '') ref.name = meta.name;
  return ref;
}

/** A template as errors name it: its metadata.name (Gatekeeper's lower-case kind). */
function templateName(t: Template): string {
  const name = t.template.metadata?.name;
  return typeof name === 'string' && name !== '' ? name : t.kind.toLowerCase();
}

/** `Kind/namespace/name` (`Kind/name` for cluster-scoped objects). */
function objectText(ref: ObjectRef): string {
  return [ref.kind, ref.namespace, ref.name ?? '(unnamed)'].filter((s) => s !== undefined && s !== '').join('/');
}

function originText(origin: Origin): string {
  return origin.line === undefined ? origin.file : `${origin.file}:${origin.line}:${origin.column ?? 1}`;
}

function errorText(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}


/** Array.prototype.sort is stable (ES2019): ties keep their order. */
function stableSort<T>(xs: T[], by: (a: T, b: T) => number): T[] {
  return [...xs].sort(by);
}

