// Where a restriction's settings in an environment come from, as `explain` shows them:
// offgate.yaml's own record (src/config/provenance.ts: `offgate.yaml:12:7`, `preset
// baseline`, `default (Gatekeeper)`), flattened to the key/value/set-by rows explain prints,
// plus who turned a restriction off, which `config show` (listing what is on) never says.
import type { Config } from '../config/model';
import { describeSetBy, environmentProvenance } from '../config/provenance';
import { resolveEnvironment } from '../config/resolve';

export interface Setting {
  key: string;
  value: unknown;
  /** `offgate.yaml:12:7`, `preset baseline`, `default (Gatekeeper)`; absent: set nowhere. */
  setBy?: string;
}

export interface Provenance {
  on: boolean;
  /** Who turned it on or off; absent: no environment of the chain mentions it. */
  onSetBy?: string;
  /** Every parameter the constraint gets, and who gave them (parameters are given as a whole). */
  parameters: Setting[];
  /** enforcementAction and the match keys in force, each where it was set. */
  scope: Setting[];
}

/** The settings of `restriction` in environment (or preset) `envName`; an error for an unknown or cyclic chain. */
export function restrictionProvenance(config: Config | null, envName: string, restriction: string): Provenance | { error: string } {
  const env = environmentProvenance(config, envName);
  if ('error' in env) return env;
  const c = env.constraints.find((x) => x.restriction === restriction);
  if (c) {
    const rows = (entries: [string, { value: unknown; from: string } | undefined][]): Setting[] =>
      entries.filter((e): e is [string, { value: unknown; from: string }] => e[1] !== undefined).map(([key, p]) => ({ key, value: p.value, setBy: p.from }));
    return {
      on: true,
      onSetBy: c.on,
      parameters: rows(Object.entries(c.parameters)),
      // kinds left at offgate's default (Pods, and workloads through them) goes without saying.
      scope: rows([['enforcementAction', c.enforcementAction], ...Object.entries(c.match).filter(([key, p]) => key !== 'kinds' || !p?.from.startsWith('default'))]),
    };
  }
  // Off: the nearest environment of the chain that mentions it (with `false`) turned it off.
  const resolved = resolveEnvironment(config, envName);
  if ('error' in resolved) return resolved;
  const layer = resolved.layers.findIndex((l) => Object.hasOwn(l.env.restrictions, restriction));
  const onSetBy = layer < 0 ? undefined : describeSetBy({ layer, key: `restrictions.${restriction}` }, resolved.layers, config?.file ?? 'offgate.yaml');
  return { on: false, ...(onSetBy ? { onSetBy } : {}), parameters: [], scope: [] };
}
