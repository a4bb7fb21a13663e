// Shapes shared by the Gatekeeper pieces: Kubernetes objects as plain JSON,
// group/version/kind, and the parts of a Constraint offgate reads.

/** A Kubernetes object as read from a manifest (plain JSON). */
export type K8sObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
};

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** How results name an object. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
}

export interface GVK {
  group: string;
  version: string;
  kind: string;
}

/** `apps/v1` + `Deployment` → {group: apps, version: v1, kind: Deployment}; `v1` → group "". */
export function gvkOf(obj: K8sObject): GVK {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  return {
    group: slash >= 0 ? apiVersion.slice(0, slash) : '',
    version: slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion,
    kind: typeof obj.kind === 'string' ? obj.kind : '',
  };
}

export function isNamespaceObject(obj: K8sObject): boolean {
  const gvk = gvkOf(obj);
  return gvk.group === '' && gvk.kind === 'Namespace';
}

/** A Kubernetes label selector (matchLabels and matchExpressions, ANDed). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** `spec.match` of a Constraint. */
export interface Match {
  kinds?: { apiGroups?: string[]; kinds?: string[] }[];
  scope?: string;
  namespaces?: string[];
  excludedNamespaces?: string[];
  labelSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  name?: string;
  source?: string;
}

/** Where a reviewed object comes from: the inputs, or expansion of a workload. */
export type Source = 'Original' | 'Generated';
