// `offgate export constraints --env X`: the environment `offgate lint --env X` enforces, as
// the Gatekeeper objects a cluster (or a GitOps repository) takes: the ConstraintTemplate of
// every restriction the environment turns on, Rego included, and its Constraints as lint
// builds them (src/config/resolve.ts), parameters, enforcement action and namespaces as
// resolved. Nothing is recomputed here, so the export cannot drift from what lint enforces.
//
// Layout of an output folder (a re-export replaces it, so it can live in a repository):
//   templates/<template name>.yaml     one ConstraintTemplate each
//   constraints/<constraint name>.yaml one Constraint each
//   kustomization.yaml                 with --format kustomize: templates first, then constraints
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../config/load';
import { resolveEnvironment } from '../config/resolve';
import { bundledTemplateByKind, renderConstraintTemplate } from '../gatekeeper/library';
import type { K8sObject } from '../gatekeeper/types';

/** Marks every file this export writes: only such files are ever replaced or removed. */
export const GENERATED_BY = 'offgate.dev/generated-by';
export const GENERATOR = 'offgate export constraints';

export const TEMPLATES_DIR = 'templates';
export const CONSTRAINTS_DIR = 'constraints';
export const KUSTOMIZATION = 'kustomization.yaml';

export interface ExportedFile {
  /** Relative to the output folder, `/`-separated. */
  path: string;
  text: string;
}

export interface ConstraintsExport {
  /** The environment's name and where it comes from (`environment "prod" of offgate.yaml (extends restricted)`). */
  environment: string;
  source: string;
  templates: K8sObject[];
  constraints: K8sObject[];
  /** offgate.yaml's `policy:` folders: lint applies them too, but they are the repository's own and not exported. */
  policyFolders: string[];
}

export interface ExportOptions {
  cwd: string;
  /** `--env`: an environment of offgate.yaml or a preset; default as for lint. */
  env?: string;
  /** `--config`: default offgate.yaml found upward from `cwd`. */
  configPath?: string;
}

/** The environment's templates and constraints, or the one-line reason there are none. */
export function exportConstraints(opts: ExportOptions): ConstraintsExport | { error: string } {
  const loaded = loadConfig({ cwd: opts.cwd, configPath: opts.configPath });
  if ('error' in loaded) return { error: loaded.error };
  const env = resolveEnvironment(loaded.config, opts.env);
  if ('error' in env) return env;
  const constraints = env.constraints.map((c) => marked(c));
  const kinds = [...new Set(constraints.map((c) => String(c.kind)))];
  const templates: K8sObject[] = [];
  for (const kind of kinds) {
    const t = bundledTemplateByKind(kind);
    // resolveEnvironment only builds constraints of bundled kinds; a miss is offgate's bug.
    if (!t) return { error: `internal error: no bundled template of kind ${kind}` };
    templates.push(marked(renderConstraintTemplate(t) as K8sObject));
  }
  return { environment: env.environment, source: env.source, templates, constraints, policyFolders: loaded.config?.policy ?? [] };
}

/** The object with the export's annotation (a copy). */
function marked(o: K8sObject): K8sObject {
  const copy = structuredClone(o);
  copy.metadata = { ...copy.metadata, annotations: { ...copy.metadata?.annotations, [GENERATED_BY]: GENERATOR } };
  return copy;
}

export function toYaml(o: unknown): string {
  return stringify(o, { lineWidth: 0 });
}

/** One YAML stream: every template, then every constraint. */
export function exportStream(e: ConstraintsExport): string {
  return [...e.templates, ...e.constraints].map(toYaml).join('---\n');
}

/** The files of an output folder: one per object, and the kustomization when asked for. */
export function exportFiles(e: ConstraintsExport, { kustomize }: { kustomize: boolean }): ExportedFile[] {
  const files = [
    ...e.templates.map((t) => ({ path: `${TEMPLATES_DIR}/${t.metadata!.name}.yaml`, text: toYaml(t) })),
    ...e.constraints.map((c) => ({ path: `${CONSTRAINTS_DIR}/${c.metadata!.name}.yaml`, text: toYaml(c) })),
  ];
  if (!kustomize) return files;
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    // Gatekeeper makes each Constraint's CRD from its template: the templates come first.
    resources: files.map((f) => f.path),
  };
  const header = `# ${GENERATED_BY}: ${GENERATOR} (${e.source})\n`;
  return [...files, { path: KUSTOMIZATION, text: header + toYaml(kustomization) }];
}

export interface FolderPlan {
  /** Files to write, relative to the folder. */
  write: ExportedFile[];
  /** Files of an earlier export that this one no longer has (a restriction turned off): removed. */
  remove: string[];
}

/**
 * What writing `files` into `dir` does, or why it must not: a file in the way that this
 * export did not write (it would be lost), or a subfolder that is not a folder (a link
 * would lead the writes out of `dir`).
 */
export function planFolder(dir: string, files: ExportedFile[]): FolderPlan | { error: string } {
  if (existsSync(dir) && !lstatSync(dir).isDirectory()) return { error: `${dir}: exists and is not a folder` };
  const remove: string[] = [];
  const wanted = new Set(files.map((f) => f.path));
  for (const sub of [TEMPLATES_DIR, CONSTRAINTS_DIR]) {
    const folder = join(dir, sub);
    if (!existsSync(folder)) continue;
    if (!lstatSync(folder).isDirectory()) return { error: `${folder}: exists and is not a folder; not written` };
    for (const name of readdirSync(folder)) {
      const path = `${sub}/${name}`;
      if (!wanted.has(path) && name.endsWith('.yaml') && isOurs(join(dir, path))) remove.push(path);
    }
  }
  for (const f of files) {
    const target = join(dir, f.path);
    if (existsSync(target) && !isOurs(target)) {
      return { error: `${target}: exists and was not written by ${GENERATOR}; not overwritten (move it, or choose another --output-dir)` };
    }
  }
  return { write: files, remove };
}

function isOurs(path: string): boolean {
  try {
    const st = lstatSync(path);
    return st.isFile() && readFileSync(path, 'utf8').includes(`${GENERATED_BY}: ${GENERATOR}`);
  } catch {
    return false;
  }
}

/** Carries out a plan; `writeFile` writes one file whole (the CLI's atomic writer). */
export function applyPlan(dir: string, plan: FolderPlan, writeFile: (path: string, text: string) => void): void {
  for (const sub of new Set(plan.write.map((f) => f.path.split('/').slice(0, -1).join('/')))) mkdirSync(join(dir, sub), { recursive: true });
  for (const f of plan.write) writeFile(join(dir, f.path), f.text);
  for (const path of plan.remove) unlinkSync(join(dir, path));
}
