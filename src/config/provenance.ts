// Where each value of an environment's constraints was set: a line of offgate.yaml, a preset,
// or a default. `offgate config show` prints it; anything that must say "the parameters in
// force and where each was set" (an `explain`) reads it from here.
//
// resolve.ts folds the `extends` chain and records, per value, which layer set it (SetBy);
// this file turns that into words: `offgate.yaml:12:7`, `offgate.yaml:5:9 (environment
// production, extended)`, `preset restricted`, `default (Gatekeeper)`.
import { MATCH_KEYS, type Config, type MatchKey, type Position } from './model';
import { resolveEnvironment, type EffectiveRestriction, type Layer, type SetBy } from './resolve';

/** A value in force and where it was set. */
export interface Provenanced<T = unknown> {
  value: T;
  from: string;
}

/** One constraint of an environment, each value with where it was set. */
export interface ConstraintProvenance {
  /** The restriction (bundled template folder) it comes from. */
  restriction: string;
  kind: string;
  name: string;
  /** Where the restriction was turned on. */
  on: string;
  enforcementAction: Provenanced<string>;
  /** The keys of `spec.match` in force (kinds always; the others when set). */
  match: Partial<Record<MatchKey, Provenanced>>;
  /** Each parameter in force; they are inherited as a whole, so all come from one place. */
  parameters: Record<string, Provenanced>;
}

export interface EnvironmentProvenance {
  environment: string;
  /** `environment "staging" of offgate.yaml (extends production → restricted)`. */
  source: string;
  chain: string[];
  /** The environment's own `paths:` (files checked against it when no --env is given). */
  paths?: Provenanced<string[]>;
  constraints: ConstraintProvenance[];
}

/**
 * The effective constraints of an environment (`--env`, or the default one) with the origin
 * of every value. Errors as resolveEnvironment reports them (unknown environment…).
 */
export function environmentProvenance(config: Config | null, envName?: string): EnvironmentProvenance | { error: string } {
  const resolved = resolveEnvironment(config, envName);
  if ('error' in resolved) return resolved;
  const file = config?.file ?? 'offgate.yaml';
  const where = (setBy: SetBy | undefined) => describeSetBy(setBy, resolved.layers, file);
  const own = resolved.layers[0]!;
  const out: EnvironmentProvenance = {
    environment: resolved.environment,
    source: resolved.source,
    chain: resolved.chain,
    constraints: resolved.effective.map((e, i) => {
      const constraint = resolved.constraints[i]!;
      return {
        restriction: e.restriction,
        kind: String(constraint.kind),
        name: String(constraint.metadata?.name),
        on: where(e.from.on),
        enforcementAction: { value: e.enforcementAction!, from: where(e.from.enforcementAction) },
        match: matchProvenance(e, where),
        parameters: parameterProvenance(e, resolved.layers, file),
      };
    }),
  };
  if (own.env.paths) out.paths = { value: [...own.env.paths], from: where({ layer: 0, key: 'paths' }) };
  return out;
}

function matchProvenance(e: EffectiveRestriction, where: (s: SetBy | undefined) => string): Partial<Record<MatchKey, Provenanced>> {
  const match: Partial<Record<MatchKey, Provenanced>> = {};
  for (const key of MATCH_KEYS) {
    if (e[key] !== undefined) match[key] = { value: e[key], from: where(e.from[key]) };
  }
  return match;
}

/** Each parameter at its own line when it was written in offgate.yaml, else where the set came from. */
function parameterProvenance(e: EffectiveRestriction, layers: Layer[], file: string): Record<string, Provenanced> {
  const from = e.from.parameters;
  const out: Record<string, Provenanced> = {};
  for (const [name, value] of Object.entries(e.parameters)) {
    const setBy: SetBy = 'layer' in from ? { layer: from.layer, key: `${from.key}.${name}` } : from;
    out[name] = { value, from: describeSetBy(setBy, layers, file) };
  }
  return out;
}

/**
 * A SetBy in words: `offgate.yaml:12:7` in the environment itself; with `(environment
 * production, extended)` when an environment it extends set it; `preset restricted`;
 * `default (Gatekeeper)`, `default (offgate: Pods)`, `default (the restriction's, for true)`.
 */
export function describeSetBy(setBy: SetBy | undefined, layers: Layer[], file: string): string {
  if (setBy === undefined) return 'not set';
  if ('default' in setBy) return DEFAULTS[setBy.default];
  const layer = layers[setBy.layer];
  if (!layer) return 'not set';
  if (layer.preset) return `preset ${layer.name}`;
  const at = positionOf(layer, setBy.key);
  const place = at ? `${file}:${at.line}:${at.column}` : `${file}, environment ${layer.name}`;
  return setBy.layer === 0 ? place : `${place} (environment ${layer.name}, extended)`;
}

const DEFAULTS: Record<Extract<SetBy, { default: unknown }>['default'], string> = {
  gatekeeper: 'default (Gatekeeper)',
  offgate: 'default (offgate: Pods, and workloads through their Pods)',
  restriction: "default (the restriction's parameters for true)",
};

/** The position of a key, or of the nearest enclosing key written (a parameter inside a flow mapping). */
function positionOf(layer: Layer, key: string): Position | undefined {
  const positions = layer.env.positions ?? {};
  for (let k = key; ; k = k.slice(0, k.lastIndexOf('.'))) {
    if (positions[k]) return positions[k];
    if (!k.includes('.')) return undefined;
  }
}
