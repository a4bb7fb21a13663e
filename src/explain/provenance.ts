// Where a restriction's settings in an environment come from: the walk of the `extends`
// chain that src/config/resolve.ts folds, told step by step — this environment,
// environment Y, preset baseline, offgate's default. One function, so that it can be
// swapped for one that gives offgate.yaml's file:line positions.
// The rules it follows are resolve.ts's (see its header): on/off from the nearest
// environment that mentions the restriction; parameters as a whole from the nearest that
// gives any, up to a `false`; scope keys one by one, restriction before environment-wide.
import type { Config, Environment, RestrictionOn, Scope } from '../config/model';
import { defaultParameters, isPreset, presetEnvironment } from '../config/presets';

export interface Setting {
  key: string;
  value: unknown;
  /** `environment "staging"`, `preset baseline`, `offgate's default for users`; absent: set nowhere. */
  setBy?: string;
}

export interface Provenance {
  on: boolean;
  /** Who turned it on or off; absent: no environment of the chain mentions it. */
  onSetBy?: string;
  /** Every parameter the constraint gets, and who gave them (parameters are given as a whole). */
  parameters: Setting[];
  /** enforcementAction, excludedNamespaces, namespaces: each where it was set. */
  scope: Setting[];
}

interface Layer {
  name: string;
  env: Environment;
  label: string;
}

/** The walk for `restriction` in environment (or preset) `envName`; an error for an unknown or cyclic chain. */
export function restrictionProvenance(config: Config | null, envName: string, restriction: string): Provenance | { error: string } {
  const layers = chain(config, envName);
  if ('error' in layers) return layers;
  const setting = (i: number) => (Object.hasOwn(layers[i]!.env.restrictions, restriction) ? layers[i]!.env.restrictions[restriction] : undefined);

  const first = layers.findIndex((_, i) => setting(i) !== undefined);
  if (first < 0) return { on: false, parameters: [], scope: [] };
  if (setting(first) === false) return { on: false, onSetBy: layers[first]!.label, parameters: [], scope: [] };
  let last = first;
  while (last + 1 < layers.length && setting(last + 1) !== false) last++;

  let parameters: Setting[] | undefined;
  for (let i = first; i <= last && parameters === undefined; i++) {
    const s = setting(i);
    if (typeof s === 'object' && s.parameters) parameters = Object.entries(s.parameters).map(([key, value]) => ({ key, value, setBy: layers[i]!.label }));
  }
  parameters ??= Object.entries(defaultParameters(restriction)).map(([key, value]) => ({ key, value, setBy: `offgate's default for ${restriction}` }));

  const scope: Setting[] = [];
  for (const key of ['enforcementAction', 'excludedNamespaces', 'namespaces'] as const satisfies readonly (keyof Scope)[]) {
    const found = scoped(layers, setting, last, key);
    if (found) scope.push({ key, ...found });
    else if (key === 'enforcementAction') scope.push({ key, value: 'deny', setBy: "Gatekeeper's default" });
  }
  return { on: true, onSetBy: layers[first]!.label, parameters, scope };
}

function scoped(layers: Layer[], setting: (i: number) => unknown, last: number, key: keyof Scope): { value: unknown; setBy: string } | undefined {
  for (let i = 0; i < layers.length; i++) {
    const s = setting(i);
    if (i <= last && typeof s === 'object' && s !== null && (s as RestrictionOn)[key] !== undefined) return { value: (s as RestrictionOn)[key], setBy: layers[i]!.label };
    if (layers[i]!.env[key] !== undefined) return { value: layers[i]!.env[key], setBy: `${layers[i]!.label} (environment-wide)` };
  }
  return undefined;
}

/** The environment and what it extends, nearest first, each with how a person names it. */
function chain(config: Config | null, name: string): Layer[] | { error: string } {
  const layers: Layer[] = [];
  for (let next: string | undefined = name; next !== undefined; ) {
    if (layers.some((l) => l.name === next)) return { error: `environment "${name}" extends itself` };
    const env: Environment | undefined = config?.environments.get(next);
    if (env) {
      layers.push({ name: next, env, label: `environment "${next}" of ${config!.file}` });
      next = env.extends;
    } else if (isPreset(next)) {
      layers.push({ name: next, env: presetEnvironment(next), label: `preset ${next}` });
      next = undefined;
    } else {
      return { error: `environment "${layers[layers.length - 1]?.name ?? name}" extends unknown environment "${next}"` };
    }
  }
  return layers;
}
