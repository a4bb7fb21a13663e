// `offgate explain RESTRICTION|KIND|CONSTRAINT-NAME`: what a rule checks, in plain words,
// the constraints of it in force with each parameter and where it was set, a failing and a
// passing example, and the fix. The name is resolved against the constraints a lint applied
// (the environment's and --policy's), then the bundled restrictions and template kinds.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { constraintName, type Config } from '../config/model';
import { closest } from '../config/suggest';
import { bundledTemplateByKind, bundledTemplates, type BundledTemplate } from '../gatekeeper/library';
import type { K8sObject } from '../gatekeeper/types';
import type { AppliedPolicy } from '../lint/lint';
import { packagePath } from '../paths';
import { restrictionProvenance, type Setting } from './provenance';

/** A rule as the user named it, resolved. */
export interface ResolvedRule {
  kind: string;
  /** The bundled restriction (template folder), when the kind is a bundled template's. */
  restriction?: string;
  /** Set when the user named one constraint. */
  constraintName?: string;
}

/**
 * A name to a rule: a constraint in force (environment or --policy), a restriction, or a
 * template kind (bundled or under --policy; any case). Unknown: the closest names offered.
 */
export function resolveRule(name: string, applied: AppliedPolicy): ResolvedRule | { error: string } {
  const constraint = applied.constraints.find((c) => c.object.metadata?.name === name);
  if (constraint) {
    const kind = String(constraint.object.kind);
    return { kind, restriction: restrictionOfKind(kind, applied), constraintName: name };
  }
  // A restriction, its kind, or the name its constraint has in this environment (even when off).
  const bundled = bundledTemplates().find(
    (t) => t.folder === name || t.metadata.kind.toLowerCase() === name.toLowerCase() || (applied.environment !== undefined && constraintName(applied.environment, t.folder) === name),
  );
  if (bundled) return { kind: bundled.metadata.kind, restriction: restrictionOfKind(bundled.metadata.kind, applied) };
  const policyKind = applied.templates.map((t) => templateKind(t.object)).find((k) => k.toLowerCase() === name.toLowerCase());
  if (policyKind) return { kind: policyKind };

  const names = [
    ...bundledTemplates().flatMap((t) => [t.folder, t.metadata.kind]),
    ...applied.templates.map((t) => templateKind(t.object)),
    ...applied.constraints.map((c) => String(c.object.metadata?.name ?? '')),
  ];
  const near = closest(name, names);
  const where = applied.environment ? `environment ${applied.environment}` : 'the constraints under --policy';
  return {
    error: `explain: "${name}" is no restriction, template kind or constraint of ${where}${near ? ` (did you mean "${near}"?)` : ' (offgate explain privileged-containers, K8sPSPPrivilegedContainer or a constraint name)'}`,
  };
}

/** A bundled kind's restriction, unless a --policy template of that kind replaces it. */
function restrictionOfKind(kind: string, applied: AppliedPolicy): string | undefined {
  if (applied.templates.some((t) => templateKind(t.object) === kind)) return undefined;
  return bundledTemplateByKind(kind)?.folder;
}

export function templateKind(t: K8sObject): string {
  return String((t.spec as { crd?: { spec?: { names?: { kind?: string } } } } | undefined)?.crd?.spec?.names?.kind ?? '');
}

/** One constraint of the rule in force, and its settings. */
export interface ConstraintInForce {
  name: string;
  /** `environment "prod" of offgate.yaml`, `policy/constraints.yaml:3`. */
  source: string;
  parameters: Setting[];
  scope: Setting[];
}

export interface Example {
  /** Where it comes from, relative to the working directory or the package. */
  file: string;
  text: string;
}

export interface RuleExplanation {
  kind: string;
  restriction?: string;
  title?: string;
  /** What it checks, in plain words: the template's description. */
  description: string;
  /** The Pod Security Standards control it enforces, for bundled templates. */
  pss?: string;
  fix?: string;
  environment?: string;
  /** The constraints of the rule in force; empty when it is off. */
  constraints: ConstraintInForce[];
  /** Why none is in force, when none is (off in the environment, or not turned on). */
  off?: string;
  /** The template's parameters that no constraint in force sets, with what each means. */
  unsetParameters: { key: string; description?: string }[];
  failing?: Example;
  passing?: Example;
}

export interface RuleContext {
  applied: AppliedPolicy;
  config: Config | null;
  cwd: string;
}

/** Everything `offgate explain NAME` prints about a resolved rule. */
export function explainRule(rule: ResolvedRule, ctx: RuleContext): RuleExplanation | { error: string } {
  const { applied } = ctx;
  const bundled = rule.restriction ? bundledTemplates().find((t) => t.folder === rule.restriction) : undefined;
  const policyTemplate = applied.templates.find((t) => templateKind(t.object) === rule.kind);
  const ofKind = applied.constraints.filter((c) => String(c.object.kind) === rule.kind && (!rule.constraintName || c.object.metadata?.name === rule.constraintName));

  const constraints: ConstraintInForce[] = [];
  for (const c of ofKind) {
    const settings = constraintInForce(c, ctx);
    if ('error' in settings) return settings;
    constraints.push(settings);
  }

  const schema = bundled?.metadata.parameters ?? (policyTemplate ? templateSchema(policyTemplate.object) : {});
  const properties = (schema.properties ?? {}) as Record<string, { description?: string }>;
  const set = new Set(constraints.flatMap((c) => c.parameters.map((p) => p.key)));
  const unsetParameters = Object.entries(properties)
    .filter(([key]) => !set.has(key))
    .map(([key, p]) => ({ key, description: typeof p?.description === 'string' ? oneLine(p.description) : undefined }));

  const out: RuleExplanation = {
    kind: rule.kind,
    description: bundled ? oneLine(bundled.metadata.description) : policyDescription(policyTemplate?.object),
    environment: applied.environment,
    constraints,
    unsetParameters,
  };
  if (rule.restriction) out.restriction = rule.restriction;
  if (bundled) {
    out.title = bundled.metadata.title;
    if (bundled.metadata.pss) out.pss = bundled.metadata.pss;
    out.fix = bundled.metadata.fix;
  } else if (policyTemplate) {
    const title = policyTemplate.object.metadata?.annotations?.['metadata.gatekeeper.sh/title'];
    if (typeof title === 'string') out.title = title;
  }
  if (constraints.length === 0) out.off = offReason(rule, bundled, ctx);
  const examples = bundled ? bundledExamples(bundled) : policyTemplate ? libraryExamples(policyTemplate.origin.file, ctx.cwd) : {};
  Object.assign(out, examples);
  return out;
}

/**
 * A constraint's parameters and scope, each with where it was set: for the environment's
 * constraint of a bundled restriction, the walk of its extends chain; for a --policy
 * constraint, its file:line.
 */
export function constraintInForce(c: AppliedPolicy['constraints'][number], ctx: RuleContext): ConstraintInForce | { error: string } {
  const { applied } = ctx;
  const name = String(c.object.metadata?.name ?? '');
  const kind = String(c.object.kind);
  const restriction = restrictionOfKind(kind, applied);
  const environment = c.environment ?? applied.environment;
  if (!c.origin && restriction && environment) {
    const p = restrictionProvenance(ctx.config, environment, restriction);
    if ('error' in p) return p;
    return { name, source: environmentLabel(ctx.config, environment), parameters: p.parameters, scope: p.scope };
  }
  const spec = (c.object.spec ?? {}) as { parameters?: Record<string, unknown>; enforcementAction?: string; match?: Record<string, unknown> };
  const at = c.origin ? `${relative(ctx.cwd, resolve(ctx.cwd, c.origin.file)) || c.origin.file}${c.origin.line !== undefined ? `:${c.origin.line}` : ''}` : 'the environment';
  const setBy = `constraint ${name} (${at})`;
  const scope: Setting[] = [{ key: 'enforcementAction', value: spec.enforcementAction ?? 'deny', setBy: spec.enforcementAction ? setBy : "Gatekeeper's default" }];
  for (const key of ['excludedNamespaces', 'namespaces'] as const) if (spec.match?.[key] !== undefined) scope.push({ key, value: spec.match[key], setBy });
  return { name, source: at, parameters: Object.entries(spec.parameters ?? {}).map(([key, value]) => ({ key, value, setBy })), scope };
}

function environmentLabel(config: Config | null, env: string): string {
  return config?.environments.has(env) ? `environment "${env}" of ${config.file}` : `preset ${env}`;
}

/** Why no constraint of the rule is in force. */
function offReason(rule: ResolvedRule, bundled: BundledTemplate | undefined, ctx: RuleContext): string {
  const env = ctx.applied.environment;
  if (bundled && env) {
    const p = restrictionProvenance(ctx.config, env, bundled.folder);
    if (!('error' in p) && p.onSetBy) return `${bundled.folder} is turned off (set by ${p.onSetBy})`;
    return `${bundled.folder} is not turned on in ${environmentLabel(ctx.config, env)} nor in what it extends; turn it on in offgate.yaml (restrictions: {${bundled.folder}: true})`;
  }
  return `no constraint of kind ${rule.kind} is ${env ? `in environment ${env} nor ` : ''}under --policy`;
}

/** A --policy template's own words: its `description` annotation, else its title. */
function policyDescription(t: K8sObject | undefined): string {
  const a = t?.metadata?.annotations ?? {};
  const text = a.description ?? a['metadata.gatekeeper.sh/description'] ?? a['metadata.gatekeeper.sh/title'];
  return typeof text === 'string' && text.trim() ? oneLine(text) : 'its ConstraintTemplate carries no description (annotation description)';
}

function templateSchema(t: K8sObject): { properties?: unknown } {
  const spec = t.spec as { crd?: { spec?: { validation?: { openAPIV3Schema?: { properties?: unknown } } } } } | undefined;
  return spec?.crd?.spec?.validation?.openAPIV3Schema ?? {};
}

/** rego/<restriction>/examples/: `disallowed.yaml` and `allowed.yaml`. */
function bundledExamples(t: BundledTemplate): { failing?: Example; passing?: Example } {
  const dir = packagePath('rego', t.folder, 'examples');
  const read = (f: string): Example | undefined =>
    existsSync(join(dir, f)) ? { file: `rego/${t.folder}/examples/${f}`, text: readFileSync(join(dir, f), 'utf8') } : undefined;
  return { failing: read('disallowed.yaml'), passing: read('allowed.yaml') };
}

/**
 * Gatekeeper's library lays a template out as `template.yaml` beside
 * `samples/<constraint>/example_disallowed.yaml` and `example_allowed.yaml`: used when the
 * --policy template's folder has them.
 */
function libraryExamples(templateFile: string, cwd: string): { failing?: Example; passing?: Example } {
  const samples = join(resolve(cwd, dirname(templateFile)), 'samples');
  let dirs: string[];
  try {
    dirs = readdirSync(samples, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return {};
  }
  const find = (file: string): Example | undefined => {
    for (const d of dirs) {
      const path = join(samples, d, file);
      if (existsSync(path)) return { file: relative(cwd, path), text: readFileSync(path, 'utf8') };
    }
    return undefined;
  };
  return { failing: find('example_disallowed.yaml'), passing: find('example_allowed.yaml') };
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
