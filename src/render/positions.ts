// Where a rendered object's field was written. kustomize's output has no positions of its
// own: a field is placed in the one source document that describes the same object (kind,
// namespace, name) and holds the same value at the same path. When no document, or more
// than one, does (a patch changed the field, a generator made it), the field is placed at
// the kustomization file: the build is what made it, and that is where to look.
import type { ManifestObject, Origin, PathSegment } from '../manifests';
import { scanFieldPath } from '../manifests/path';

/** Places fields of objects rendered from `sources`; `fallback` is the kustomization file. */
export function sourceLocator(sources: ManifestObject[], fallback: Origin) {
  return (rendered: Record<string, unknown>, path: string | readonly PathSegment[]): Origin => {
    const segments = typeof path === 'string' ? scanFieldPath(path).segments : path;
    const want = valueAt(rendered, segments);
    if (want === undefined) return { ...fallback };
    const from = sources.filter((s) => sameObject(s.object, rendered) && deepEqual(valueAt(s.object, segments), want));
    return from.length === 1 ? from[0].locate(segments) : { ...fallback };
  };
}

/** Same kind and name; same namespace when the source names one (kustomize's `namespace:` sets the others). */
function sameObject(source: Record<string, unknown>, rendered: Record<string, unknown>): boolean {
  if (source.kind !== rendered.kind) return false;
  const s = meta(source);
  const r = meta(rendered);
  if (typeof s.name !== 'string' || s.name !== r.name) return false;
  return s.namespace === undefined || s.namespace === r.namespace;
}

function meta(o: Record<string, unknown>): { name?: unknown; namespace?: unknown } {
  const m = o.metadata;
  return typeof m === 'object' && m !== null ? (m as { name?: unknown; namespace?: unknown }) : {};
}

function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
  let v = root;
  for (const s of segments) {
    if (Array.isArray(v)) v = v[Number(s)];
    else if (typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, String(s))) v = (v as Record<string, unknown>)[String(s)];
    else return undefined;
  }
  return v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
