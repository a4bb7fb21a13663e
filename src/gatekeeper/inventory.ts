// `data.inventory` as Gatekeeper lays it out (semantics §7): cluster-scoped
// objects under cluster[apiVersion][kind][name], namespaced ones under
// namespace[ns][apiVersion][kind][name]. Later objects replace earlier ones.
import type { K8sObject } from './types';

export interface Inventory {
  cluster: Record<string, Record<string, Record<string, K8sObject>>>;
  namespace: Record<string, Record<string, Record<string, Record<string, K8sObject>>>>;
}

export function buildInventory(objects: Iterable<K8sObject>): Inventory {
  const inv: Inventory = { cluster: table(), namespace: table() };
  for (const obj of objects) {
    const apiVersion = String(obj.apiVersion ?? '');
    const kind = String(obj.kind ?? '');
    const meta = (obj.metadata ?? {}) as { name?: unknown; namespace?: unknown };
    const name = typeof meta.name === 'string' ? meta.name : '';
    const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
    const byVersion = ns === '' ? inv.cluster : (inv.namespace[ns] ??= table());
    ((byVersion[apiVersion] ??= table())[kind] ??= table())[name] = obj;
  }
  return inv;
}

/**
 * Every level is keyed by strings the linted files chose (`apiVersion: __proto__`,
 * `namespace: constructor`): without a prototype such a key is just a key, never a
 * way into Object.prototype. JSON.stringify writes these objects like any other.
 */
function table<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
