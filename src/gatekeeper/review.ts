// `input.review` as Gatekeeper builds it (semantics §6), and unpacking of
// AdmissionReview documents into the request they carry.
import { gvkOf, type K8sObject } from './types';

export type Review = Record<string, unknown>;

export interface ReviewOptions {
  /** `CREATE` in offgate's cluster simulation; gator uses `""` (semantics §13). */
  operation: string;
  /** The namespace the object is reviewed in (cluster mode fills one in for namespaced objects). */
  namespace?: string;
  userInfo?: Record<string, unknown>;
}

/** The review of a plain object. */
export function reviewOf(object: K8sObject, opts: ReviewOptions): Review {
  const gvk = gvkOf(object);
  const meta = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const review: Review = {
    uid: '',
    kind: gvk,
    resource: { group: '', version: '', resource: '' },
    operation: opts.operation,
    userInfo: opts.userInfo ?? {},
    object,
    oldObject: null,
    options: null,
  };
  if (typeof meta.name === 'string' && meta.name !== '') review.name = meta.name;
  const ns = opts.namespace ?? (typeof meta.namespace === 'string' ? meta.namespace : '');
  if (ns !== '') review.namespace = ns;
  return review;
}

export function isAdmissionReview(obj: K8sObject): boolean {
  const gvk = gvkOf(obj);
  return gvk.group === 'admission.k8s.io' && gvk.kind === 'AdmissionReview' && (gvk.version === 'v1' || gvk.version === 'v1beta1');
}

/**
 * The request an AdmissionReview carries, used as the review exactly as written
 * (its operation, userInfo, oldObject...). DELETE reviews see the old object as
 * `object` (Gatekeeper HEAD).
 */
export function reviewOfAdmissionReview(obj: K8sObject): { review: Review } | { error: string } {
  const request = obj.request as Record<string, unknown> | undefined;
  if (!request || typeof request !== 'object') return { error: 'not a valid AdmissionReview object: request is missing' };
  const object = request.object as K8sObject | null | undefined;
  const oldObject = request.oldObject as K8sObject | null | undefined;
  if (!object && !oldObject) return { error: 'not a valid AdmissionReview object: request.object or request.oldObject is required' };
  for (const [field, o] of [['object', object], ['oldObject', oldObject]] as const) {
    if (o && typeof o.kind !== 'string') return { error: `not a valid AdmissionReview object: request.${field} has no kind` };
  }
  const review: Review = { ...request };
  if (request.operation === 'DELETE') {
    if (!oldObject) return { error: 'oldObject cannot be nil for DELETE operations' };
    review.object = oldObject;
  }
  return { review };
}
