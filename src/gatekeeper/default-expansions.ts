// offgate's default ExpansionTemplates for the custom controllers users run most (Argo
// Rollouts and Workflows, OpenKruise, Knative Serving, KEDA): kept as YAML under
// rego/expansions/ so that `offgate export expansions` shows exactly what is applied and
// users can copy one under --policy to change it. They act as built-in rules (no
// "[Implied by …]" prefix); a user ExpansionTemplate with the same name, or one for the
// same kind leading to Pods, replaces them (effectiveRules).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlValues } from '../manifests';
import { packagePath } from '../paths';
import { parseExpansionTemplate, type ExpansionRule } from './expansion';
import type { K8sObject } from './types';

export const DEFAULT_EXPANSIONS_DIR = ['rego', 'expansions'];

export interface DefaultExpansionFile {
  /** File name under rego/expansions/. */
  file: string;
  /** The file as written (comments included). */
  text: string;
  objects: K8sObject[];
}

let files: DefaultExpansionFile[] | undefined;
let rules: ExpansionRule[] | undefined;

/** The default ExpansionTemplate files, by name. */
export function defaultExpansionFiles(): DefaultExpansionFile[] {
  if (files) return files;
  const dir = packagePath(...DEFAULT_EXPANSIONS_DIR);
  files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      // The manifests' reader: a lint has just read its inputs with it, so it is warm (js-yaml
      // would be cold code, milliseconds of every one-file run for 4 kB of YAML).
      const { values, error } = parseYamlValues(text, file);
      if (error) throw new Error(`offgate: ${DEFAULT_EXPANSIONS_DIR.join('/')}/${file}: ${error.message}`);
      const objects = values.filter((o): o is K8sObject => typeof o === 'object' && o !== null && !Array.isArray(o));
      return { file, text, objects };
    });
  return files;
}

/**
 * Whether an API group is one of Kubernetes' own: the core group, apps, batch, extensions,
 * autoscaling, policy and the `*.k8s.io` groups. The default ExpansionTemplates apply to none of them (a
 * test holds them to it), so the engine reads them only for objects of other groups.
 */
export function isKubernetesGroup(group: string): boolean {
  return group === '' || group === 'apps' || group === 'batch' || group === 'extensions' || group === 'autoscaling' || group === 'policy' || group.endsWith('.k8s.io');
}

/** The default ExpansionTemplates as built-in rules; a broken one is offgate's bug, so it throws. */
export function defaultExpansionRules(): ExpansionRule[] {
  if (rules) return rules;
  rules = defaultExpansionFiles().flatMap((f) =>
    f.objects.map((o) => {
      const r = parseExpansionTemplate(o);
      if ('error' in r) throw new Error(`offgate: ${DEFAULT_EXPANSIONS_DIR.join('/')}/${f.file}: ${r.error}`);
      return { ...r.rule, builtIn: true };
    }),
  );
  return rules;
}
