// `data.inventory` as Gatekeeper lays it out (semantics §7): cluster-scoped
// objects under cluster[apiVersion][kind][name], namespaced ones under
// namespace[ns][apiVersion][kind][name]. Later objects replace earlier ones.
import type { K8sObject } from './types';

export interface Inventory {
  cluster: Record<string, Record<string, Record<string, K8sObject>>>;
  namespace: Record<string, Record<string, Record<string, Record<string, K8sObject>>>>;
}

export function buildInventory(objects: Iterable<K8sObject>): Inventory {
  const inv: Inventory = { cluster: {}, namespace: {} };
  for (const obj of objects) {
    const apiVersion = String(obj.apiVersion ?? '');
    const kind = String(obj.kind ?? '');
    const meta = (obj.metadata ?? {}) as { name?: unknown; namespace?: unknown };
    const name = typeof meta.name === 'string' ? meta.name : '';
    const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
    const byVersion = ns === '' ? inv.cluster : (inv.namespace[ns] ??= {});
    ((byVersion[apiVersion] ??= {})[kind] ??= {})[name] = obj;
  }
  return inv;
}
