// One result model for `offgate lint`; every output format is a small renderer
// over it (conftest-style). It is also the documented JSON schema (`-o json`).

import type { ObjectRef } from '../gatekeeper/types';

export type { ObjectRef };

/** One violation, placed at the offending field of the manifest as written. */
export interface Finding {
  /** The file as given by the user (or `-` for stdin). */
  file: string;
  /** 1-based position of the offending field (or of the object when no field is known). */
  line: number;
  column: number;
  /** The object reviewed (for a workload's pods: the Pod its controller would create). */
  object: ObjectRef;
  /** For a Pod generated from a workload: the workload in the file. */
  workload?: ObjectRef & { expansion: string; builtIn: boolean };
  constraint: { kind: string; name: string };
  /** deny, dryrun, warn, scoped, or any other string the constraint says. */
  enforcementAction: string;
  scopedActions?: string[];
  message: string;
  details: unknown;
  /** Path of the offending field within the object in the file, when known. */
  path?: string;
  /** A one-line fix hint (bundled templates). */
  fix?: string;
  /** The object was rendered (kustomize build, helm template) from this folder: file and line are where its field was written. */
  rendered?: { by: string; from: string };
  /** The template itself failed to evaluate on this object (Gatekeeper reports the error). */
  evaluationError?: boolean;
  /** The constraint could not be matched (e.g. its namespaceSelector needs a Namespace nobody describes). */
  autoreject?: boolean;
  /** The environment of offgate.yaml the file was checked against, when `paths:` sent files to environments. */
  environment?: string;
  /** Recorded in the `--baseline` file: kept in the report, never failing the run. */
  baselined?: boolean;
}

/** A file or document that could not be read or a policy that could not be loaded. */
export interface InputError {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** A file read but not linted: it holds no Kubernetes object (a workflow, a compose file, Helm values). */
export interface SkippedFile {
  file: string;
  /** `not a Kubernetes object (GitHub workflow)`, `not a Kubernetes object (no apiVersion and kind)`, `no documents (empty)`. */
  reason: string;
}

export interface Summary {
  files: number;
  objects: number;
  /** Files skipped as no Kubernetes manifests (not among `files`). */
  skipped?: number;
  /** Findings per enforcement action. */
  byAction: Record<string, number>;
  errors: number;
  /** Findings marked baselined by `--baseline` (not among `byAction`); set only when a baseline was given. */
  baselined?: number;
}

export interface Report {
  /** offgate's version, for consumers of the JSON. */
  version: string;
  /**
   * Where the constraints came from, every source, one line each for people: `bundled
   * baseline preset (no offgate.yaml)`, `environment "prod" of offgate.yaml (extends
   * restricted)`, `--policy ./gitops (2 ConstraintTemplates, 3 Constraints)`. The linted
   * files are never a source.
   */
  sources: string[];
  findings: Finding[];
  errors: InputError[];
  /**
   * One line each, for people: what was read but not used, and why — `2 policy objects
   * among the inputs were not applied; pass --policy DIR to use them`, objects under
   * --policy that are not policy, a Config Gatekeeper would not read, namespaces whose
   * labels are unknown.
   */
  warnings: string[];
  /** Files read and set aside: none of their documents has apiVersion and kind (`--strict` makes them errors instead). */
  skipped?: SkippedFile[];
  summary: Summary;
  /** The `--baseline` file the findings were compared with, as named. */
  baseline?: string;
}

/** The actions that fail a run by default; `--fail-on warn` adds warn. */
export function isFailing(f: Finding, failOn: 'deny' | 'warn'): boolean {
  if (f.baselined) return false; // accepted in the --baseline file
  // Asked once per finding by several formats: no array made for the common, unscoped case.
  if (f.enforcementAction !== 'scoped') return f.enforcementAction === 'deny' || (failOn === 'warn' && f.enforcementAction === 'warn');
  const actions = f.scopedActions ?? [];
  return actions.includes('deny') || (failOn === 'warn' && actions.includes('warn'));
}
