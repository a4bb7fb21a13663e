// The Pods Argo Workflows would create from a WorkflowSpec (a Workflow's, WorkflowTemplate's
// or ClusterWorkflowTemplate's `spec`, a CronWorkflow's `spec.workflowSpec`). Unlike a
// Deployment, a workflow has no pod template to copy: each container, script or
// containerSet template of `templates[]` runs as its own Pod, whose containers are the
// template's, and whose pod-level fields come from the template or, failing that, from the
// workflow. Gatekeeper's ExpansionTemplate cannot say this (its templateSource is one map),
// so offgate's default ExpansionTemplate for workflows names this shaper in an annotation
// (see rego/expansions/argo-workflows.yaml). A template's podSpecPatch is a string of
// strategic-merge patch, often with {{parameters}}: it is not applied. Pure: nothing here
// touches its input.

/** One Pod, as a template map (`metadata`, `spec`) with where each of its fields came from. */
export interface ShapedPod {
  /** The Argo template's name (or its index), to name the Pod. */
  name: string;
  template: Record<string, unknown>;
  /**
   * Pairs of [path in the Pod template, path relative to the source map], longest first: a
   * finding at `spec.containers[0].securityContext` is at `templates[2].container.securityContext`.
   */
  paths: [string, string][];
  /** Where the Pod as a whole comes from: the Argo template (`templates[2]`). */
  root: string;
}

/** Pod-level fields a template sets for its own Pod, else the workflow for all of them. */
const POD_FIELDS = ['securityContext', 'serviceAccountName', 'automountServiceAccountToken', 'hostAliases', 'nodeSelector', 'tolerations', 'affinity', 'priorityClassName', 'schedulerName'];
/** Pod-level fields only the workflow sets. */
const WORKFLOW_ONLY_FIELDS = ['hostNetwork', 'dnsPolicy', 'dnsConfig'];

export function workflowPods(spec: Record<string, unknown>): ShapedPod[] {
  const templates = Array.isArray(spec.templates) ? spec.templates : [];
  const pods: ShapedPod[] = [];
  templates.forEach((t, i) => {
    if (!isMap(t)) return;
    const at = `templates[${i}]`;
    const containers = mainContainers(t, at);
    if (containers.length === 0) return; // steps, dag, resource, suspend, http: no Pod of user containers
    const podSpec: Record<string, unknown> = {};
    const paths: [string, string][] = [];
    const sidecars = listOf(t.sidecars);
    podSpec.containers = [...containers.map((c) => c.value), ...sidecars];
    containers.forEach((c, k) => paths.push([`spec.containers[${k}]`, c.path]));
    sidecars.forEach((_, k) => paths.push([`spec.containers[${containers.length + k}]`, `${at}.sidecars[${k}]`]));
    const inits = listOf(t.initContainers);
    if (inits.length > 0) podSpec.initContainers = inits;
    inits.forEach((_, k) => paths.push([`spec.initContainers[${k}]`, `${at}.initContainers[${k}]`]));

    // Volumes: the workflow's, then the template's own.
    const volumes = [...listOf(spec.volumes), ...listOf(t.volumes)];
    if (volumes.length > 0) podSpec.volumes = volumes;
    listOf(spec.volumes).forEach((_, k) => paths.push([`spec.volumes[${k}]`, `volumes[${k}]`]));
    listOf(t.volumes).forEach((_, k) => paths.push([`spec.volumes[${listOf(spec.volumes).length + k}]`, `${at}.volumes[${k}]`]));

    for (const field of POD_FIELDS) {
      if (Object.hasOwn(t, field)) {
        podSpec[field] = t[field];
        paths.push([`spec.${field}`, `${at}.${field}`]);
      } else if (Object.hasOwn(spec, field)) {
        podSpec[field] = spec[field];
        paths.push([`spec.${field}`, field]);
      }
    }
    for (const field of WORKFLOW_ONLY_FIELDS) {
      if (Object.hasOwn(spec, field)) {
        podSpec[field] = spec[field];
        paths.push([`spec.${field}`, field]);
      }
    }
    const template: Record<string, unknown> = { spec: podSpec };
    const meta = t.metadata;
    if (isMap(meta)) {
      template.metadata = { ...(isMap(meta.labels) ? { labels: meta.labels } : {}), ...(isMap(meta.annotations) ? { annotations: meta.annotations } : {}) };
      paths.push(['metadata', `${at}.metadata`]);
    }
    const name = typeof t.name === 'string' && t.name !== '' ? t.name : String(i);
    paths.sort((a, b) => b[0].length - a[0].length);
    pods.push({ name, template, paths, root: at });
  });
  return pods;
}

/** The template's own containers: `container`, `script` (a container plus its source), or `containerSet.containers`. */
function mainContainers(t: Record<string, unknown>, at: string): { value: Record<string, unknown>; path: string }[] {
  const found: { value: Record<string, unknown>; path: string }[] = [];
  // Argo names the container of a container or script template `main`.
  if (isMap(t.container)) found.push({ value: { name: 'main', ...t.container }, path: `${at}.container` });
  if (isMap(t.script)) {
    const container: Record<string, unknown> = { ...t.script };
    delete container.source;
    found.push({ value: { name: 'main', ...container }, path: `${at}.script` });
  }
  if (isMap(t.containerSet)) {
    listOf(t.containerSet.containers).forEach((c, k) => found.push({ value: isMap(c) ? c : {}, path: `${at}.containerSet.containers[${k}]` }));
  }
  return found;
}

/** A list as written (items that are not maps stay, so indices match the file's). */
function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A path of a shaped Pod as a path of the source map (relative to it; '' is the map itself). */
export function mapShapedPath(pod: ShapedPod, path: string): string {
  for (const [podPrefix, sourcePrefix] of pod.paths) {
    if (path === podPrefix) return sourcePrefix;
    if (path.startsWith(podPrefix) && (path[podPrefix.length] === '.' || path[podPrefix.length] === '[')) {
      return sourcePrefix + path.slice(podPrefix.length);
    }
  }
  return pod.root;
}
