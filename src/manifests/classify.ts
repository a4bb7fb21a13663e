// Is a file Kubernetes at all? Users point offgate at a repository's root, and pre-commit
// hands it every changed `.yaml`: GitHub workflows, compose files, Helm values, package.json.
// A file none of whose documents has `apiVersion` and `kind` is no manifest: it is skipped
// and accounted for (the report lists it, with the shape it was recognised as), never an
// input error and never silently "clean". A document without `kind` in a file that does hold
// Kubernetes objects stays an input error (lint.ts): there it is a mistake.
//
// Recognising a shape only names the reason; whether a file is skipped depends on
// apiVersion and kind alone, so a new tool's file format is skipped too ("no apiVersion and kind").
import { basename } from 'node:path';
import type { ReadError } from './parse';

/** A file that was read but holds no Kubernetes object. */
export interface SkippedFile {
  file: string;
  /** Why, for people: `not a Kubernetes object (GitHub workflow)`. */
  reason: string;
}

/** A document with both `apiVersion` and `kind`, non-empty strings: what the API server asks of an object. */
export function isKubernetesObject(value: Record<string, unknown>): boolean {
  return typeof value.apiVersion === 'string' && value.apiVersion !== '' && typeof value.kind === 'string' && value.kind !== '';
}

/**
 * The reason `file` is skipped, or undefined when it is to be linted: it holds a Kubernetes
 * object, or it has errors other than documents that are lists (a file that does not parse,
 * or reads as a string, may be a manifest with a typo: that stays an error). A file with no document at all
 * (empty, only comments) is skipped too: it has nothing to check.
 */
export function skipReason(file: string, values: readonly Record<string, unknown>[], errors: readonly ReadError[]): string | undefined {
  // kustomize's own files carry an apiVersion and kind, but are never sent to a cluster.
  if (values.length > 0 && values.every(isKustomizeFile)) return 'not a Kubernetes object (kustomization)';
  if (values.some(isKubernetesObject)) return undefined;
  if (!errors.every(isNotAMapping)) return undefined;
  if (values.length === 0 && errors.length === 0) return 'no documents (empty)';
  const shape = knownShape(file, values);
  return shape ? `not a Kubernetes object (${shape})` : 'not a Kubernetes object (no apiVersion and kind)';
}

function isKustomizeFile(value: Record<string, unknown>): boolean {
  return typeof value.apiVersion === 'string' && value.apiVersion.startsWith('kustomize.config.k8s.io/');
}

/**
 * `document is a list, not an object`: a YAML file of another kind (an Ansible playbook), not a
 * broken manifest. A document that is a string or a number stays an error: a manifest whose
 * colons went missing (`apiVersion v1`) reads as one, and must not pass as skipped.
 */
function isNotAMapping(e: ReadError): boolean {
  return e.message === 'document is a list, not an object';
}

/** The tool whose file this looks like, from its name and its first document's keys. */
export function knownShape(file: string, values: readonly Record<string, unknown>[]): string | undefined {
  const name = basename(file).toLowerCase();
  const first = values[0] ?? {};
  const has = (key: string) => Object.prototype.hasOwnProperty.call(first, key);
  const byName = NAMED.get(name);
  if (byName) return byName;
  if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(name)) return 'docker compose file';
  if (/^values([.-][\w-]+)?\.ya?ml$/.test(name)) return 'Helm values';
  if (/\.pre-commit-(config|hooks)\.ya?ml$/.test(name)) return 'pre-commit config';
  if (/^tsconfig([.-][\w-]+)?\.json$/.test(name)) return 'tsconfig.json';
  if (has('jobs') && (has('on') || has('true'))) return 'GitHub workflow'; // `on:` reads as the key "true" in YAML 1.1
  if (has('services') && !has('kind')) return 'docker compose file';
  if ((has('openapi') || has('swagger')) && (has('paths') || has('info'))) return 'OpenAPI document';
  if (has('resources') || has('bases') || has('patches') || has('patchesStrategicMerge') || has('components')) {
    if (name.startsWith('kustomization')) return 'kustomization';
  }
  if (has('repos') && Array.isArray(first.repos)) return 'pre-commit config';
  return undefined;
}

/** Files known by their name alone. */
const NAMED = new Map([
  ['chart.yaml', 'Helm Chart.yaml'],
  ['chart.yml', 'Helm Chart.yaml'],
  ['requirements.yaml', 'Helm requirements.yaml'],
  ['kustomization.yaml', 'kustomization'],
  ['kustomization.yml', 'kustomization'],
  ['offgate.yaml', 'offgate.yaml'],
  ['offgate.yml', 'offgate.yaml'],
  ['package.json', 'package.json'],
  ['package-lock.json', 'package-lock.json'],
  ['.pre-commit-config.yaml', 'pre-commit config'],
  ['.pre-commit-hooks.yaml', 'pre-commit hooks'],
  ['action.yml', 'GitHub Action metadata'],
  ['action.yaml', 'GitHub Action metadata'],
  ['dependabot.yml', 'Dependabot config'],
  ['.gitlab-ci.yml', 'GitLab CI config'],
  ['mkdocs.yml', 'MkDocs config'],
  ['pnpm-lock.yaml', 'pnpm lock file'],
  ['pnpm-workspace.yaml', 'pnpm workspace'],
  ['.golangci.yml', 'golangci-lint config'],
  ['.yamllint', 'yamllint config'],
  ['codecov.yml', 'Codecov config'],
]);
