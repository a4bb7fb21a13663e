// The trust boundary of `offgate lint`: policy comes only from where the user said
// (`--env`/offgate.yaml and `--policy DIR`), never from the files being linted, which in
// CI are written by whoever opened the pull request. This file sorts objects into what
// each side may contribute; lint.ts applies it. Pure: objects in, lists and lines out.
import { CONSTRAINT_GROUP } from '../gatekeeper/constraint-schema';
import { isExpansionTemplate } from '../gatekeeper/expansion';
import { isConfigObject, isGatekeeperConfig } from '../gatekeeper/match';
import { isConstraintTemplate } from '../gatekeeper/templates';
import { gvkOf, isNamespaceObject, type K8sObject } from '../gatekeeper/types';

/** What Gatekeeper would apply as policy: templates, constraints, ExpansionTemplates, Configs. */
export type PolicyKind = 'ConstraintTemplate' | 'Constraint' | 'ExpansionTemplate' | 'Config';

export function policyKindOf(obj: K8sObject): PolicyKind | undefined {
  if (isConstraintTemplate(obj)) return 'ConstraintTemplate';
  if (gvkOf(obj).group === CONSTRAINT_GROUP) return 'Constraint';
  if (isExpansionTemplate(obj)) return 'ExpansionTemplate';
  if (isConfigObject(obj)) return 'Config';
  return undefined;
}

/** What a `--policy` folder holds, sorted by what offgate does with it. */
export interface PolicyContents<T> {
  templates: T[];
  constraints: T[];
  expansions: T[];
  /** Gatekeeper's own Config (`config` in its namespace): its exclusions apply. */
  configs: T[];
  /** Configs Gatekeeper would never read (another name or namespace): not applied. */
  ignoredConfigs: T[];
  /**
   * Namespace objects: cluster state, not policy. Their labels are what namespaceSelector
   * reads, and they are in data.inventory, as the Namespaces of the linted files are.
   */
  namespaces: T[];
  /** Everything else (Pods, Deployments…): neither applied nor linted. */
  other: T[];
}

export function sortPolicyObjects<T>(items: readonly T[], objectOf: (item: T) => K8sObject, gatekeeperNamespace: string): PolicyContents<T> {
  const out: PolicyContents<T> = { templates: [], constraints: [], expansions: [], configs: [], ignoredConfigs: [], namespaces: [], other: [] };
  for (const item of items) {
    const obj = objectOf(item);
    switch (policyKindOf(obj)) {
      case 'ConstraintTemplate':
        out.templates.push(item);
        break;
      case 'Constraint':
        out.constraints.push(item);
        break;
      case 'ExpansionTemplate':
        out.expansions.push(item);
        break;
      case 'Config':
        (isGatekeeperConfig(obj, gatekeeperNamespace) ? out.configs : out.ignoredConfigs).push(item);
        break;
      default:
        (isNamespaceObject(obj) ? out.namespaces : out.other).push(item);
    }
  }
  return out;
}

/** `2 ConstraintTemplates, 1 Constraint`: what a source contributed, for the sources line. */
export function describeContents<T>(c: PolicyContents<T>): string {
  const parts: string[] = [];
  const count = (n: number, one: string) => n > 0 && parts.push(`${n} ${one}${n === 1 ? '' : 's'}`);
  count(c.templates.length, 'ConstraintTemplate');
  count(c.constraints.length, 'Constraint');
  count(c.expansions.length, 'ExpansionTemplate');
  count(c.configs.length, 'Config');
  count(c.namespaces.length, 'Namespace');
  return parts.length > 0 ? parts.join(', ') : 'no policy objects';
}

/** `Pod shop/web`, `ConstraintTemplate k8sfoo`: how the lines below name an object. */
export function objectLabel(obj: K8sObject): string {
  const name = typeof obj.metadata?.name === 'string' && obj.metadata.name !== '' ? obj.metadata.name : '(unnamed)';
  const ns = typeof obj.metadata?.namespace === 'string' && obj.metadata.namespace !== '' ? `${obj.metadata.namespace}/` : '';
  return `${typeof obj.kind === 'string' && obj.kind !== '' ? obj.kind : '(no kind)'} ${ns}${name}`;
}

/** At most `max` labels, then how many more: a warning stays one readable line. */
export function listed(objects: readonly K8sObject[], max = 3): string {
  const shown = objects.slice(0, max).map(objectLabel).join(', ');
  return objects.length > max ? `${shown} and ${objects.length - max} more` : shown;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
