// The shapes of offgate.yaml once read: environments (and the built-in presets,
// which are environments too) holding one setting per restriction. A restriction
// is one of offgate's bundled pod-security templates, named by its folder under
// rego/, so the list can never drift from what offgate can actually enforce.
import { bundledTemplates, renderConstraintTemplate, type BundledTemplate } from '../gatekeeper/library';
import type { K8sObject, LabelSelector } from '../gatekeeper/types';

/** The enforcement actions offgate.yaml accepts (Gatekeeper's `scoped` needs more than a word). */
export const ENFORCEMENT_ACTIONS = ['deny', 'dryrun', 'warn'] as const;
export type EnforcementAction = (typeof ENFORCEMENT_ACTIONS)[number];

/** Gatekeeper's default when a Constraint says nothing. */
export const DEFAULT_ENFORCEMENT_ACTION: EnforcementAction = 'deny';

/** Gatekeeper parameters, as written under a restriction. */
export type Parameters = Record<string, unknown>;

/** Where a value is written in offgate.yaml (1-based), for errors and `offgate config show`. */
export interface Position {
  line: number;
  column: number;
}

/** One entry of Gatekeeper's `match.kinds`: empty lists (or `*`) match any group or kind. */
export interface MatchKind {
  apiGroups: string[];
  kinds: string[];
}

/** Gatekeeper's `match.scope` values (anything else would filter nothing, so offgate.yaml refuses it). */
export const MATCH_SCOPES = ['*', 'Cluster', 'Namespaced'] as const;
export type MatchScope = (typeof MATCH_SCOPES)[number];

/** What the Constraints of an environment match when offgate.yaml says nothing: Pods (workloads reach them through expansion). */
export const DEFAULT_KINDS: MatchKind[] = [{ apiGroups: [''], kinds: ['Pod'] }];

/**
 * Where and how a restriction is enforced, as opposed to what it checks. Allowed
 * on an environment (for all its restrictions) and on a single restriction.
 */
export interface Scope {
  enforcementAction?: EnforcementAction;
  /** Namespace patterns (`kube-*` allowed) the Constraints skip. */
  excludedNamespaces?: string[];
  /** When given, the only namespace patterns the Constraints apply to. */
  namespaces?: string[];
  /** Gatekeeper's `match.kinds`; default DEFAULT_KINDS. */
  kinds?: MatchKind[];
  /** Gatekeeper's `match.labelSelector`, on the reviewed object's labels. */
  labelSelector?: LabelSelector;
  /** Gatekeeper's `match.namespaceSelector`, on the labels of the object's Namespace. */
  namespaceSelector?: LabelSelector;
  /** Gatekeeper's `match.scope`. */
  scope?: MatchScope;
  /** Gatekeeper's `match.name`: an object name or pattern (`web-*`). */
  name?: string;
}

/** The keys of Gatekeeper's `spec.match` offgate.yaml accepts, in the order a Constraint carries them. */
export const MATCH_KEYS = ['kinds', 'scope', 'namespaces', 'excludedNamespaces', 'labelSelector', 'namespaceSelector', 'name'] as const satisfies readonly (keyof Scope)[];
export type MatchKey = (typeof MATCH_KEYS)[number];

export const SCOPE_KEYS = ['enforcementAction', 'excludedNamespaces', 'namespaces', 'kinds', 'labelSelector', 'namespaceSelector', 'scope', 'name'] as const satisfies readonly (keyof Scope)[];

/** A restriction turned on, with its own parameters and scope when written. */
export interface RestrictionOn extends Scope {
  /** Absent when the YAML gave no Gatekeeper parameter: then inherited (or the defaults). */
  parameters?: Parameters;
}

/** `true` (on), `false` (off) or on with parameters and/or scope. */
export type RestrictionSetting = boolean | RestrictionOn;

export interface Environment extends Scope {
  /** A preset or another environment this one starts from. */
  extends?: string;
  /**
   * `paths:`: gitignore-style patterns, relative to the configuration file's folder, of the
   * files `offgate lint` checks against this environment when no `--env` is given. Not inherited.
   */
  paths?: string[];
  /** Keyed by restriction name (template folder); restrictions not listed are inherited. */
  restrictions: Record<string, RestrictionSetting>;
  /**
   * Where each value was written (offgate.yaml only; presets have none), keyed by its path
   * in the environment: `enforcementAction`, `restrictions.capabilities`,
   * `restrictions.capabilities.allowedCapabilities`.
   */
  positions?: Record<string, Position>;
}

export interface Config {
  /** The file as shown in messages (relative to the working directory). */
  file: string;
  /** Absolute path of the file. */
  path: string;
  /** In file order. */
  environments: Map<string, Environment>;
  /** `exclude:`: gitignore-style patterns, relative to the file's folder, of paths `lint` does not read. */
  exclude?: string[];
  /** `policy:`: folders, relative to the file's folder, of the repository's own policy, as `--policy` (which adds to them). */
  policy?: string[];
  /** `namespaces:`: the labels of namespaces by name, for namespaceSelector (cluster state, like Namespace objects). */
  namespaceLabels?: Record<string, Record<string, string>>;
}

// ---------------------------------------------------------------------------
// Restrictions

/** Every restriction, in folder order. */
export function restrictionNames(): string[] {
  return bundledTemplates().map((t) => t.folder);
}

export function isRestriction(name: string): boolean {
  return bundledTemplates().some((t) => t.folder === name);
}

export function restrictionTemplate(name: string): BundledTemplate {
  const t = bundledTemplates().find((b) => b.folder === name);
  if (!t) throw new Error(`unknown restriction ${JSON.stringify(name)}`);
  return t;
}

const rendered = new Map<string, K8sObject>();

/** The ConstraintTemplate object of a restriction, for `validateConstraint`. */
export function renderedTemplate(name: string): K8sObject {
  let t = rendered.get(name);
  if (!t) {
    t = renderConstraintTemplate(restrictionTemplate(name), { code: false }) as K8sObject;
    rendered.set(name, t);
  }
  return t;
}

/** The Gatekeeper parameter names a restriction declares (its schema's top-level properties). */
export function parameterNames(name: string): string[] {
  const properties = restrictionTemplate(name).metadata.parameters.properties;
  return properties && typeof properties === 'object' ? Object.keys(properties) : [];
}

/** `metadata.name` of a Constraint: the constraint CRD allows 63 characters. */
export const MAX_CONSTRAINT_NAME = 63;

export function constraintName(environment: string, restriction: string): string {
  return `offgate-${environment}-${restriction}`;
}

/** Longest environment name whose Constraint names still fit MAX_CONSTRAINT_NAME (28). */
export function maxEnvironmentNameLength(): number {
  const longest = Math.max(...restrictionNames().map((r) => r.length));
  return MAX_CONSTRAINT_NAME - constraintName('', '').length - longest;
}
