// From an environment of offgate.yaml (or a preset) to the Gatekeeper Constraints
// `offgate lint` evaluates: the `extends` chain is folded, and each restriction that
// ends up on becomes one Constraint of its bundled template's kind.
//
// Inheritance, per restriction, nearest environment first:
//   - on/off: the nearest environment that mentions the restriction decides;
//   - parameters: the nearest that gives parameters (as a whole: parameter objects are
//     replaced, never merged, so a child cannot leave half of its parent's list behind);
//     a `false` further up cuts the inheritance, and with none, the restriction's defaults;
//   - enforcementAction and the match keys (kinds, scope, namespaces, excludedNamespaces,
//     labelSelector, namespaceSelector, name), key by key: the nearest environment that
//     sets the key, either on the restriction or environment-wide (the restriction's own
//     setting winning within one environment: it replaces that key, it is not merged into
//     it); then the defaults (deny, Pods, no other filter). So `staging: {extends:
//     production, enforcementAction: warn}` makes every inherited restriction warn.
//
// Each effective value remembers where it was set (SetBy), for `offgate config show`
// (src/config/provenance.ts).
import { CONSTRAINT_GROUP, validateConstraint } from '../gatekeeper/constraint-schema';
import type { K8sObject } from '../gatekeeper/types';
import {
  DEFAULT_ENFORCEMENT_ACTION,
  DEFAULT_KINDS,
  MATCH_KEYS,
  SCOPE_KEYS,
  constraintName,
  renderedTemplate,
  restrictionNames,
  restrictionTemplate,
  type Config,
  type Environment,
  type Parameters,
  type RestrictionOn,
  type Scope,
} from './model';
import { PRESET_NAMES, defaultParameters, isPreset, presetEnvironment } from './presets';
import { hint } from './suggest';

/** The environment picked when offgate.yaml has several and no `--env` is given. */
export const DEFAULT_ENVIRONMENT = 'default';

/** The preset used when there is no offgate.yaml and no `--env`. */
export const DEFAULT_PRESET = 'baseline';

export interface ResolvedEnvironment {
  /** One Constraint per restriction turned on, in restriction (folder) order. */
  constraints: K8sObject[];
  /** Where the constraints come from, for reports: `environment "staging" of offgate.yaml (extends production → restricted)`. */
  source: string;
  /** The environment or preset the constraints are named after. */
  environment: string;
  /** The environment and what it extends, nearest first: `['staging', 'production', 'restricted']`. */
  chain: string[];
  /** The same chain with each environment (a preset's too), for provenance. */
  layers: Layer[];
  /** What each constraint was built from, and where each value was set; parallel to `constraints`. */
  effective: EffectiveRestriction[];
}

export type ResolveResult = ResolvedEnvironment | { error: string };

export interface Layer {
  name: string;
  env: Environment;
  /** A built-in preset, not an environment of offgate.yaml. */
  preset: boolean;
}

/**
 * Where an effective value was set: in layer `layer` of the chain under `key` (a key of
 * Environment.positions: `enforcementAction`, `restrictions.capabilities`,
 * `restrictions.capabilities.namespaces`), or by a default: Gatekeeper's (deny, no filter),
 * offgate's (kinds: Pods) or the restriction's own parameters for `true` (presets.ts).
 */
export type SetBy = { layer: number; key: string } | { default: 'gatekeeper' | 'offgate' | 'restriction' };

/** A restriction as it ends up in an environment, each value with where it was set. */
export interface EffectiveRestriction extends Scope {
  restriction: string;
  parameters: Parameters;
  from: { on: SetBy; parameters: SetBy } & Partial<Record<(typeof SCOPE_KEYS)[number], SetBy>>;
}

/**
 * The Constraints of an environment. `envName` is `--env`: an environment of the
 * configuration or a preset. Without it: the environment named `default`, or the only
 * one; with no configuration at all, the baseline preset.
 */
export function resolveEnvironment(config: Config | null, envName?: string): ResolveResult {
  const picked = pick(config, envName);
  if ('error' in picked) return picked;
  const { name, source } = picked;

  const layers = chainOf(config, name);
  if ('error' in layers) return layers;

  const constraints: K8sObject[] = [];
  const effectives: EffectiveRestriction[] = [];
  for (const restriction of restrictionNames()) {
    const effective = effectiveRestriction(layers, restriction);
    if (!effective) continue;
    const constraint = buildConstraint(name, restriction, effective, source);
    const checked = validateConstraint(renderedTemplate(restriction), constraint);
    if ('errors' in checked) {
      // The loader checks everything a user writes; this guards presets and configs built in code.
      return { error: `${source}: ${checked.errors[0]}` };
    }
    constraints.push(constraint);
    effectives.push(effective);
  }
  return { constraints, source, environment: name, chain: layers.map((l) => l.name), layers, effective: effectives };
}

function pick(config: Config | null, envName: string | undefined): { name: string; source: string } | { error: string } {
  const envs = config ? [...config.environments.keys()] : [];
  if (envName !== undefined) {
    if (config?.environments.has(envName)) return { name: envName, source: environmentSource(config, envName) };
    if (isPreset(envName)) return { name: envName, source: `bundled ${envName} preset` };
    const known = [...envs, ...PRESET_NAMES];
    if (!config) return { error: `unknown environment "${envName}": there is no offgate.yaml, and it is not a preset${hint(envName, known, 'presets')}` };
    return { error: `${config.file}: unknown environment "${envName}"${hint(envName, known, 'environments and presets')}` };
  }
  if (!config) return { name: DEFAULT_PRESET, source: `bundled ${DEFAULT_PRESET} preset (no offgate.yaml)` };
  if (config.environments.has(DEFAULT_ENVIRONMENT)) return { name: DEFAULT_ENVIRONMENT, source: environmentSource(config, DEFAULT_ENVIRONMENT) };
  if (envs.length === 1) return { name: envs[0]!, source: environmentSource(config, envs[0]!) };
  return { error: `${config.file}: several environments (${envs.join(', ')}) and none named "${DEFAULT_ENVIRONMENT}": choose one with --env` };
}

function environmentSource(config: Config, name: string): string {
  const chain = chainOf(config, name);
  const parents = 'error' in chain ? [] : chain.slice(1).map((l) => l.name);
  return `environment "${name}" of ${config.file}${parents.length ? ` (extends ${parents.join(' → ')})` : ''}`;
}

/** The environment and its ancestors, nearest first, ending with a preset or an environment without `extends`. */
function chainOf(config: Config | null, name: string): Layer[] | { error: string } {
  const layers: Layer[] = [];
  for (let next: string | undefined = name; next !== undefined; ) {
    if (layers.some((l) => l.name === next)) {
      return { error: `${config?.file ?? 'offgate.yaml'}: environment "${name}" extends itself: ${[...layers.map((l) => l.name), next].join(' → ')}` };
    }
    const env: Environment | undefined = config?.environments.get(next);
    if (env) {
      layers.push({ name: next, env, preset: false });
      next = env.extends;
    } else if (isPreset(next)) {
      layers.push({ name: next, env: presetEnvironment(next), preset: true });
      next = undefined;
    } else {
      return { error: `${config?.file ?? 'offgate.yaml'}: environment "${layers[layers.length - 1]?.name ?? name}" extends unknown environment "${next}"` };
    }
  }
  return layers;
}

/** What the chain says about one restriction; undefined when it ends up off. */
function effectiveRestriction(layers: Layer[], restriction: string): EffectiveRestriction | undefined {
  const setting = (i: number) => (Object.hasOwn(layers[i]!.env.restrictions, restriction) ? layers[i]!.env.restrictions[restriction] : undefined);
  const own = `restrictions.${restriction}`;

  const first = layers.findIndex((_, i) => setting(i) !== undefined);
  if (first < 0 || setting(first) === false) return undefined;
  // The layers from the nearest up to (not including) a `false`: where it is on, and
  // whose restriction-level settings still count.
  let last = first;
  while (last + 1 < layers.length && setting(last + 1) !== false) last++;

  const effective: EffectiveRestriction = {
    restriction,
    parameters: defaultParameters(restriction),
    from: { on: { layer: first, key: own }, parameters: { default: 'restriction' } },
  };
  for (let i = first; i <= last; i++) {
    const s = setting(i);
    if (typeof s === 'object' && s.parameters) {
      effective.parameters = structuredClone(s.parameters);
      effective.from.parameters = { layer: i, key: own };
      break;
    }
  }

  const scoped = <K extends (typeof SCOPE_KEYS)[number]>(key: K): { value: Scope[K]; from: SetBy } | undefined => {
    for (let i = 0; i < layers.length; i++) {
      const s = setting(i);
      if (i <= last && typeof s === 'object' && (s as RestrictionOn)[key] !== undefined) return { value: (s as RestrictionOn)[key], from: { layer: i, key: `${own}.${key}` } };
      if (layers[i]!.env[key] !== undefined) return { value: layers[i]!.env[key], from: { layer: i, key } };
    }
    return undefined;
  };
  for (const key of SCOPE_KEYS) {
    const found = scoped(key);
    if (found) {
      (effective as Scope)[key] = structuredClone(found.value) as never;
      effective.from[key] = found.from;
    }
  }
  if (effective.enforcementAction === undefined) {
    effective.enforcementAction = DEFAULT_ENFORCEMENT_ACTION;
    effective.from.enforcementAction = { default: 'gatekeeper' };
  }
  if (effective.kinds === undefined) {
    effective.kinds = structuredClone(DEFAULT_KINDS);
    effective.from.kinds = { default: 'offgate' };
  }
  return effective;
}

function buildConstraint(environment: string, restriction: string, e: EffectiveRestriction, source: string): K8sObject {
  const match: Record<string, unknown> = {};
  for (const key of MATCH_KEYS) {
    const value = e[key];
    // An empty list filters nothing; leaving it out keeps the Constraint as a person would write it.
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    match[key] = structuredClone(value);
  }
  const spec: Record<string, unknown> = { enforcementAction: e.enforcementAction, match };
  if (Object.keys(e.parameters).length) spec.parameters = e.parameters;
  return {
    apiVersion: `${CONSTRAINT_GROUP}/v1beta1`,
    kind: restrictionTemplate(restriction).metadata.kind,
    metadata: { name: constraintName(environment, restriction), annotations: { 'offgate.dev/source': source } },
    spec,
  };
}
