// Objects that carry a pod template no expansion rule knows: a custom controller will make
// Pods from it, and nothing checks them. offgate cannot guess where such a controller
// reads its template, so it says so (issue 14: never silence) and names the path it
// found, for the user to write an ExpansionTemplate. Pure.
import { gvkOf, type K8sObject } from './types';

/** How far below the object a `containers` list is looked for (spec.jobTemplate.spec.template.spec.containers is 6). */
const MAX_DEPTH = 8;
/** Nodes visited at most per object: a large ConfigMap-like CR must not cost much. */
const MAX_NODES = 5000;

/**
 * The path of the first map (breadth first) holding a `containers` list of containers (maps
 * with an `image` or a `name`), e.g. `spec.template.spec`; undefined for none, and for Pods,
 * which hold containers themselves. `metadata` and `status` are not searched.
 */
export function podTemplatePath(obj: K8sObject): string | undefined {
  const gvk = gvkOf(obj);
  if (gvk.group === '' && gvk.kind === 'Pod') return undefined;
  const queue: { value: unknown; path: string; depth: number }[] = [];
  for (const key of Object.keys(obj)) {
    if (key !== 'metadata' && key !== 'status' && key !== 'apiVersion' && key !== 'kind') queue.push({ value: obj[key], path: key, depth: 1 });
  }
  for (let visited = 0; queue.length > 0 && visited < MAX_NODES; visited++) {
    const { value, path, depth } = queue.shift()!;
    if (Array.isArray(value)) {
      if (depth < MAX_DEPTH) value.forEach((item, i) => queue.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const map = value as Record<string, unknown>;
    if (holdsContainers(map.containers)) return path;
    if (depth < MAX_DEPTH) for (const key of Object.keys(map)) queue.push({ value: map[key], path: `${path}.${key}`, depth: depth + 1 });
  }
  return undefined;
}

function holdsContainers(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((c) => typeof c === 'object' && c !== null && !Array.isArray(c) && (typeof (c as Record<string, unknown>).image === 'string' || typeof (c as Record<string, unknown>).name === 'string'))
  );
}

/** The warning for an object whose pod template nothing expands. */
export function unexpandedWarning(object: string, templatePath: string): string {
  return `${object} has a pod template offgate does not expand (${templatePath}): its pods were not checked; add an ExpansionTemplate under --policy`;
}
