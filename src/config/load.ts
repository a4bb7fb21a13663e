// Finding and reading offgate.yaml. Everything is checked here, with the position of
// the offending key or value, so that resolving an environment later cannot fail on
// something the user wrote: unknown keys (with a suggestion), parameters against the
// template's schema (through `validateConstraint`, as a cluster would judge them),
// enforcement actions, namespace patterns, environment names, `extends` targets and
// cycles. Errors are values, one line each: `offgate.yaml:12:7: <what is wrong>`.
//
// The file is read with js-yaml (YAML 1.2 core schema, duplicate keys refused), which also
// reads the manifests, together with the position of every node: a lint reads its config on
// every run, and a YAML AST library costs several times more to load and run.
import { existsSync, lstatSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CORE_SCHEMA, YAMLException } from 'js-yaml';
import { CONSTRAINT_GROUP, validateConstraint } from '../gatekeeper/constraint-schema';
import { SELECTOR_OPERATORS, labelValueErrors, qualifiedNameErrors } from '../gatekeeper/label-selector';
import { isValidPattern } from '../gatekeeper/patterns';
import type { LabelSelector } from '../gatekeeper/types';
import { LineIndex, deref, loadWithPositions, type PosNode } from '../manifests/locate';
import { readInputFile } from '../manifests/file';
import { DEFAULT_MAX_FILE_SIZE, NestingTooDeep } from '../manifests/limits';
import { checkAliases, keyText, quoteless } from '../manifests/parse';
import type { Schema } from '../gatekeeper/schema';
import {
  ENFORCEMENT_ACTIONS,
  MATCH_SCOPES,
  SCOPE_KEYS,
  isRestriction,
  maxEnvironmentNameLength,
  parameterNames,
  renderedTemplate,
  restrictionNames,
  restrictionTemplate,
  type Config,
  type EnforcementAction,
  type Environment,
  type MatchKind,
  type MatchScope,
  type Parameters,
  type Position,
  type RestrictionSetting,
  type Scope,
} from './model';
import { PRESET_NAMES, isPreset } from './presets';
import { hint } from './suggest';

/** Looked for in each directory from the working directory up, in this order. */
export const CONFIG_FILE_NAMES = ['offgate.yaml', '.offgate.yaml', 'offgate.yml', '.offgate.yml'];

const TOP_KEYS = ['environments', 'exclude', 'policy', 'namespaces'];
const ENVIRONMENT_KEYS = ['extends', 'paths', ...SCOPE_KEYS, 'restrictions'];
const SELECTOR_KEYS = ['matchLabels', 'matchExpressions'];
const REQUIREMENT_KEYS = ['key', 'operator', 'values'];
const KIND_KEYS = ['apiGroups', 'kinds'];

/** `warnings`, when there are any: a configuration file seen but not used, and why. */
export type LoadResult = { config: Config | null; warnings?: string[] } | { error: string; errors: string[] };
export type ParseResult = { config: Config } | { error: string; errors: string[] };

export interface LoadOptions {
  /** Where discovery starts and relative paths are resolved from (default: process.cwd()). */
  cwd?: string;
  /** An explicit file (`--config`): no discovery, and it must exist. */
  configPath?: string;
  /** Largest file read, in bytes (default 64 MiB, as for manifests). */
  maxFileSize?: number;
}

/**
 * The configuration: the `--config` file, or the nearest offgate.yaml (or .offgate.yaml,
 * offgate.yml, .offgate.yml) from the working directory up to the repository root (the
 * folder holding `.git`), or the filesystem root outside a repository. `{ config: null }`
 * when there is none.
 */
export function loadConfig(options: LoadOptions = {}): LoadResult {
  const cwd = resolve(options.cwd ?? process.cwd());
  let path: string;
  let file: string;
  const warnings: string[] = [];
  if (options.configPath !== undefined) {
    path = resolve(cwd, options.configPath);
    file = options.configPath;
    if (!existsSync(path)) return failure([`${file}: no such file (given with --config)`]);
  } else {
    const found = findConfigFile(cwd, warnings);
    if (found === undefined) return withWarnings({ config: null }, warnings);
    if (typeof found !== 'string') return failure([found.error]);
    path = found;
    file = relative(cwd, path) || path;
  }
  // `--config <(…)` is a pipe the user made; a file found by searching must be a regular one.
  const read = readInputFile(path, options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, { allowPipe: options.configPath !== undefined });
  if ('error' in read) return failure([`${file}: cannot read: ${read.error}`]);
  const parsed = parseConfig(read.text, file, path);
  return 'error' in parsed ? parsed : withWarnings(parsed, warnings);
}

function withWarnings<T extends { config: Config | null }>(result: T, warnings: string[]): T & { warnings?: string[] } {
  return warnings.length ? { ...result, warnings } : result;
}

/**
 * The nearest configuration file from `startDir` up, stopping at the repository root (the
 * folder holding `.git`): a folder above it is someone else's (a shared /tmp, a home folder)
 * and must not change the policy a repository is checked against. A file in a folder anyone
 * may write to (/tmp) that another user owns is not used either, and says so in `warnings`.
 * An error when a directory holds two.
 */
export function findConfigFile(startDir: string, warnings: string[] = []): string | { error: string } | undefined {
  for (let dir = resolve(startDir); ; dir = dirname(dir)) {
    const here = CONFIG_FILE_NAMES.filter((name) => isFile(join(dir, name)));
    // A link to nothing where a configuration would be: the policy the user meant may be missing.
    for (const name of CONFIG_FILE_NAMES) if (!here.includes(name) && isDanglingLink(join(dir, name))) warnings.push(`${join(dir, name)}: ignored: a symbolic link to nothing`);
    const usable = here.filter((name) => {
      const why = untrusted(dir, name);
      if (why) warnings.push(`${join(dir, name)}: ignored: ${why}`);
      return !why;
    });
    if (usable.length > 1) {
      // Picking one silently would leave the user editing a file offgate ignores.
      return { error: `${dir}: ${usable.join(' and ')} both exist; keep one` };
    }
    if (usable.length === 1) return join(dir, usable[0]!);
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return undefined;
  }
}

/** Why a configuration file found by searching is not to be trusted, if it is not. */
function untrusted(dir: string, name: string): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined; // Windows: no owners to compare
  try {
    const folder = statSync(dir);
    if ((folder.mode & 0o002) === 0) return undefined;
    const own = lstatSync(join(dir, name)).uid;
    return own === uid ? undefined : `another user (uid ${own}) owns it, in a folder anyone can write to`;
  } catch {
    return 'cannot be inspected';
  }
}

/** Reads and checks a configuration; `file` names it in messages, `path` is kept in the result. */
export function parseConfig(text: string, file: string, path: string = file): ParseResult {
  const reader = new Reader(text, file);
  const environments = reader.read();
  if (reader.errors.length) return failure(reader.errors);
  return {
    config: {
      file,
      path,
      environments,
      ...(reader.exclude ? { exclude: reader.exclude } : {}),
      ...(reader.policy ? { policy: reader.policy } : {}),
      ...(reader.namespaceLabels ? { namespaceLabels: reader.namespaceLabels } : {}),
    },
  };
}

function failure(errors: string[]): { error: string; errors: string[] } {
  return { error: errors[0]!, errors };
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink() && !existsSync(path);
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------

/** A value as loaded, with its position tree (`pos.start` < 0: nothing is written there). */
interface Node {
  value: unknown;
  pos: PosNode;
}

interface Entry {
  key: string;
  /** Offset of the key. */
  at: number;
  value: Node | null;
}

type Mapping = Record<string, unknown>;

class Reader {
  readonly errors: string[] = [];
  /** `exclude:` as written, when the file has it. */
  exclude?: string[];
  /** `policy:` as written, when the file has it. */
  policy?: string[];
  /** `namespaces:`, when the file has it: labels by namespace name. */
  namespaceLabels?: Record<string, Record<string, string>>;
  private readonly lines: LineIndex;
  private readonly root: Node | null = null;
  /** `extends` values and where they were written, checked once every environment is known. */
  private readonly extendsAt = new Map<string, Node>();

  constructor(
    text: string,
    private readonly file: string,
  ) {
    this.lines = new LineIndex(text);
    try {
      const { values, trees } = loadWithPositions(text, 0, CORE_SCHEMA, { duplicateKeys: false });
      // Documents with something in them: a `---` before or after the one is harmless.
      const docs = values.map((value, k) => ({ value, pos: trees[k]! })).filter((d) => d.value !== null && d.value !== undefined);
      // Aliases are shared, not copied, while loading: a bomb explodes only when the values
      // are copied and checked below, so it is refused first, as for manifests.
      const aliasing = text.includes('*') ? docs.map((d) => ({ d, why: checkAliases(d.value) })).find((a) => a.why) : undefined;
      if (aliasing) this.errorAtOffset(Math.max(aliasing.d.pos.start, 0), aliasing.why!);
      else if (docs.length > 1) this.errorAtOffset(Math.max(docs[1]!.pos.start, 0), 'a second YAML document: offgate.yaml holds one');
      else if (docs.length === 1) this.root = docs[0]!;
    } catch (e) {
      if (e instanceof NestingTooDeep) {
        this.errorAtOffset(e.position, e.message);
        return;
      }
      if (!(e instanceof YAMLException)) throw e;
      const at = e.mark ? Math.min(e.mark.position, text.trimEnd().length) : 0;
      this.errorAtOffset(at, e.reason === 'duplicated mapping key' ? `duplicate key ${keyText(text, at)}` : quoteless(e.reason));
    }
  }

  read(): Map<string, Environment> {
    const environments = new Map<string, Environment>();
    if (this.errors.length) return environments;
    const root = this.root;
    if (root === null || root.value === null) {
      this.errorAtOffset(0, 'no environments: the file must define "environments:"');
      return environments;
    }
    const top = this.entries(root, 'the top level must be a mapping with the key "environments"');
    if (!top) return environments;
    let envs: Entry | undefined;
    for (const e of top) {
      if (e.key === 'environments') envs = e;
      else if (e.key === 'exclude') this.exclude = this.strings(e, '"exclude" must be a list of path patterns (gitignore-style, e.g. "charts/*/templates/")');
      else if (e.key === 'policy') this.policy = this.strings(e, '"policy" must be a list of folders of ConstraintTemplates and Constraints (e.g. [policy/])');
      else if (e.key === 'namespaces') this.namespaceLabels = this.namespaces(e);
      else this.errorAtOffset(e.at, `unknown key "${e.key}"${hint(e.key, TOP_KEYS)}`);
    }
    if (!envs) {
      // After an unknown key, most likely "environments" misspelt, this would say it twice.
      if (!this.errors.length) this.error(root, 'no environments: the file must define "environments:"');
      return environments;
    }
    const none = 'no environments: define at least one under "environments:"';
    if (!envs.value || envs.value.value === null) {
      this.errorAtOffset(envs.at, none);
      return environments;
    }
    const list = this.entries(envs.value, '"environments" must be a mapping of environment names to environments');
    if (!list) return environments;
    if (!list.length) {
      this.errorAtOffset(envs.at, none);
      return environments;
    }
    for (const e of list) {
      if (this.checkEnvironmentName(e)) environments.set(e.key, this.environment(e));
    }
    this.checkExtends(environments);
    return environments;
  }

  // ---- environments ----------------------------------------------------------

  private checkEnvironmentName(e: Entry): boolean {
    const max = maxEnvironmentNameLength();
    if (isPreset(e.key)) {
      this.errorAtOffset(e.at, `environment name "${e.key}" is the name of a built-in preset; choose another name and write "extends: ${e.key}"`);
      return false;
    }
    // The name becomes part of Constraint names (offgate-<env>-<restriction>).
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(e.key)) {
      this.errorAtOffset(e.at, `environment name "${e.key}" must be lower case letters, digits and "-", starting and ending with a letter or digit (it becomes part of Constraint names)`);
      return false;
    }
    if (e.key.length > max) {
      this.errorAtOffset(e.at, `environment name "${e.key}" is longer than ${max} characters (Constraint names offgate-<environment>-<restriction> must fit in 63)`);
      return false;
    }
    return true;
  }

  private environment(e: Entry): Environment {
    const positions: Record<string, Position> = {};
    const env: Environment = { restrictions: {}, positions };
    const name = e.key;
    if (!e.value || e.value.value === null) return env; // every line commented out: an empty environment
    const entries = this.entries(e.value, `environment "${name}" must be a mapping (keys: ${ENVIRONMENT_KEYS.join(', ')})`);
    for (const k of entries ?? []) {
      const where = `in environment "${name}"`;
      switch (k.key) {
        case 'extends': {
          const target = this.string(k, `"extends" ${where} must be the name of an environment or a preset (${PRESET_NAMES.join(', ')})`);
          if (target !== undefined) {
            env.extends = target;
            this.extendsAt.set(name, k.value!);
            positions.extends = this.positionOf(k);
          }
          break;
        }
        case 'paths': {
          const paths = this.strings(k, `"paths" ${where} must be a list of path patterns (gitignore-style, relative to the folder of ${this.file}, e.g. [k8s/prod/])`);
          if (paths !== undefined) {
            env.paths = paths;
            positions.paths = this.positionOf(k);
          }
          break;
        }
        case 'restrictions':
          if (k.value && k.value.value !== null) env.restrictions = this.restrictions(k.value, name, positions);
          break;
        default: {
          if ((SCOPE_KEYS as readonly string[]).includes(k.key)) {
            if (this.scopeKey(k, env, where)) positions[k.key] = this.positionOf(k);
            break;
          }
          const extra = isRestriction(k.key) ? ' (restrictions go under "restrictions:")' : hint(k.key, ENVIRONMENT_KEYS);
          this.errorAtOffset(k.at, `unknown key "${k.key}" in environment "${name}"${extra}`);
        }
      }
    }
    return env;
  }

  private restrictions(node: Node, env: string, positions: Record<string, Position>): Record<string, RestrictionSetting> {
    const out: Record<string, RestrictionSetting> = {};
    const entries = this.entries(node, `"restrictions" in environment "${env}" must be a mapping of restriction names to true, false or parameters`);
    for (const r of entries ?? []) {
      if (!isRestriction(r.key)) {
        this.errorAtOffset(r.at, `unknown key "${r.key}" in environment "${env}"${hint(r.key, restrictionNames(), 'restrictions')}`);
        continue;
      }
      const setting = this.restriction(r, env, positions);
      if (setting !== undefined) {
        out[r.key] = setting;
        positions[`restrictions.${r.key}`] = this.positionOf(r);
      }
    }
    return out;
  }

  private restriction(r: Entry, env: string, positions: Record<string, Position>): RestrictionSetting | undefined {
    const name = r.key;
    const what = `restriction "${name}" in environment "${env}"`;
    const value = r.value;
    if (!value || value.value === null) {
      this.errorAtOffset(r.at, `${what} has no value: write true, false or its parameters`);
      return undefined;
    }
    if (typeof value.value === 'boolean') return value.value;
    if (!isMapping(value.value)) {
      this.error(value, `${what} must be true, false or a mapping of parameters, got ${describe(value.value)}`);
      return undefined;
    }

    const setting: RestrictionSetting = {};
    const parameters: Parameters = {};
    const declared = parameterNames(name);
    const where = `of restriction "${name}" in environment "${env}"`;
    for (const k of this.entries(value, '') ?? []) {
      if ((SCOPE_KEYS as readonly string[]).includes(k.key)) {
        if (this.scopeKey(k, setting, where)) positions[`restrictions.${name}.${k.key}`] = this.positionOf(k);
      } else if (declared.includes(k.key)) {
        // The API server drops a null parameter, so the Constraint would silently lack it.
        if (!k.value || k.value.value === null) this.errorAtOffset(k.at, `parameter "${k.key}" ${where} has no value`);
        else {
          // A copy: an alias elsewhere in the file shares the loaded value.
          parameters[k.key] = structuredClone(k.value.value);
          positions[`restrictions.${name}.${k.key}`] = this.positionOf(k);
        }
      } else {
        const extra = declared.length
          ? hint(k.key, [...declared, ...SCOPE_KEYS])
          : ` (it takes no parameters, only ${SCOPE_KEYS.join(', ')})`;
        this.errorAtOffset(k.at, `unknown key "${k.key}" in restriction "${name}" of environment "${env}"${extra}`);
      }
    }
    if (Object.keys(parameters).length) {
      this.checkParameters(name, env, parameters, value);
      setting.parameters = parameters;
    }
    return setting;
  }

  /**
   * The parameters as a Constraint of the template would carry them, judged by the
   * constraint CRD's schema; each problem placed at the offending YAML node.
   */
  private checkParameters(restriction: string, env: string, parameters: Parameters, node: Node): void {
    const template = renderedTemplate(restriction);
    const kind = restrictionTemplate(restriction).metadata.kind;
    const probe = { apiVersion: `${CONSTRAINT_GROUP}/v1beta1`, kind, metadata: { name: 'probe' }, spec: { parameters } };
    const result = validateConstraint(template, probe);
    if (!('errors' in result)) return;
    const prefix = `${kind}/probe: spec.parameters.`;
    for (const message of result.errors) {
      const where = `of restriction "${restriction}" in environment "${env}"`;
      if (!message.startsWith(prefix)) {
        this.error(node, `${where.replace(/^of /, '')}: ${message}`);
        continue;
      }
      // `<path>: <summary>`; the path is ours (schema property names), so the first ": " ends it.
      const rest = message.slice(prefix.length);
      const cut = rest.indexOf(': ');
      const path = rest.slice(0, cut);
      const summary = rest.slice(cut + 2);
      const segments = pathSegments(path);
      const located = locate(node.pos, segments);
      if (summary.startsWith('unknown field')) {
        const key = String(segments[segments.length - 1]);
        const parent = segments.slice(0, -1);
        const declared = Object.keys(schemaAt(restrictionTemplate(restriction).metadata.parameters as Schema, parent)?.properties ?? {});
        const inside = parent.length ? ` in parameter "${joinPath(parent)}"` : '';
        this.errorAtOffset(located.keyAt ?? located.at, `unknown key "${key}"${inside} ${where}${hint(key, declared)}`);
      } else {
        this.errorAtOffset(located.at, `parameter "${path}" ${where} ${summary}`);
      }
    }
  }

  // ---- scope keys ---------------------------------------------------------------

  /** Reads one scope or match key into `into`; false (with errors) when it is not usable. */
  private scopeKey(k: Entry, into: Scope, where: string): boolean {
    switch (k.key) {
      case 'enforcementAction': {
        const action = this.string(k, `enforcementAction ${where} must be one of ${ENFORCEMENT_ACTIONS.join(', ')}`);
        if (action === undefined) return false;
        if (!(ENFORCEMENT_ACTIONS as readonly string[]).includes(action)) {
          this.error(k.value!, `enforcementAction ${where} must be one of ${ENFORCEMENT_ACTIONS.join(', ')}, got "${action}"${hintOnly(action, ENFORCEMENT_ACTIONS)}`);
          return false;
        }
        into.enforcementAction = action as EnforcementAction;
        return true;
      }
      case 'excludedNamespaces':
      case 'namespaces': {
        const patterns = this.namespacePatterns(k, where);
        if (patterns) into[k.key] = patterns;
        return patterns !== undefined;
      }
      case 'kinds': {
        const kinds = this.kinds(k, where);
        if (kinds) into.kinds = kinds;
        return kinds !== undefined;
      }
      case 'labelSelector':
      case 'namespaceSelector': {
        const selector = this.selector(k, where);
        if (selector) into[k.key] = selector;
        return selector !== undefined;
      }
      case 'scope': {
        const scope = this.string(k, `scope ${where} must be one of ${MATCH_SCOPES.join(', ')}`);
        if (scope === undefined) return false;
        if (!(MATCH_SCOPES as readonly string[]).includes(scope)) {
          this.error(k.value!, `scope ${where} must be one of ${MATCH_SCOPES.join(', ')}, got "${scope}"${hintOnly(scope, MATCH_SCOPES)}`);
          return false;
        }
        into.scope = scope as MatchScope;
        return true;
      }
      case 'name': {
        const name = this.string(k, `name ${where} must be an object name or pattern (e.g. "web" or "web-*")`);
        if (name === undefined) return false;
        if (!isValidPattern(name)) {
          this.error(k.value!, `name ${where} must be an object name or pattern (lower case letters, digits, "-" and ":", with an optional "*" at either end), got ${describe(name)}`);
          return false;
        }
        into.name = name;
        return true;
      }
      default:
        throw new Error(`scopeKey: ${k.key} is not a scope key`);
    }
  }

  private namespacePatterns(k: Entry, where: string): string[] | undefined {
    const key = k.key;
    const value = k.value;
    if (!value || !Array.isArray(value.value)) {
      this.errorAtOffset(this.offsetOf(k), `${key} ${where} must be a list of namespace names or patterns, got ${describe(value?.value)}`);
      return undefined;
    }
    const items = deref(value.pos).items ?? [];
    const patterns: string[] = [];
    let ok = true;
    value.value.forEach((v: unknown, i: number) => {
      if (typeof v === 'string' && isValidPattern(v)) {
        patterns.push(v);
      } else {
        ok = false;
        this.errorAtOffset(
          itemOffset(items, i, value),
          `${key}[${i}] ${where} must be a namespace name or pattern (lower case letters, digits, "-" and ":", with an optional "*" at either end), got ${describe(v)}`,
        );
      }
    });
    return ok ? patterns : undefined;
  }

  /** `kinds: [{apiGroups: [""], kinds: [Pod]}]`, as in a Constraint's match. */
  private kinds(k: Entry, where: string): MatchKind[] | undefined {
    const example = 'e.g. [{apiGroups: [""], kinds: [Pod]}]';
    const value = k.value;
    if (!value || !Array.isArray(value.value) || value.value.length === 0) {
      const got = Array.isArray(value?.value) ? 'an empty list' : describe(value?.value);
      this.errorAtOffset(this.offsetOf(k), `kinds ${where} must be a list of {apiGroups, kinds} (${example}; ["*"] matches any), got ${got}`);
      return undefined;
    }
    const items = deref(value.pos).items ?? [];
    const out: MatchKind[] = [];
    let ok = true;
    value.value.forEach((v: unknown, i: number) => {
      const item: Node = { value: v, pos: items[i] ?? value.pos };
      const entries = this.entries(item, `kinds[${i}] ${where} must be a mapping with apiGroups and kinds (${example})`);
      if (!entries) {
        ok = false;
        return;
      }
      const kind: MatchKind = { apiGroups: [], kinds: [] };
      for (const e of entries) {
        if (!KIND_KEYS.includes(e.key)) {
          ok = false;
          this.errorAtOffset(e.at, `unknown key "${e.key}" in kinds[${i}] ${where}${hint(e.key, KIND_KEYS)}`);
          continue;
        }
        const list = e.value?.value;
        // The core group is "": an empty string is a group, an empty kind is nothing.
        const valid = Array.isArray(list) && list.every((s) => typeof s === 'string' && (e.key === 'apiGroups' || s !== ''));
        if (!valid) {
          ok = false;
          this.errorAtOffset(this.offsetOf(e), `kinds[${i}].${e.key} ${where} must be a list of ${e.key === 'apiGroups' ? 'API groups ("" for the core group, "*" for any)' : 'kinds (e.g. Pod, "*" for any)'}, got ${describe(list)}`);
          continue;
        }
        kind[e.key as keyof MatchKind] = [...(list as string[])];
      }
      out.push(kind);
    });
    return ok ? out : undefined;
  }

  /** A Kubernetes label selector, checked as the API server checks one, each problem at its key or value. */
  private selector(k: Entry, where: string): LabelSelector | undefined {
    const field = k.key;
    const what = `${field} ${where} must be a label selector (matchLabels and/or matchExpressions)`;
    if (!k.value || k.value.value === null) {
      this.errorAtOffset(k.at, `${what}, got nothing`);
      return undefined;
    }
    const entries = this.entries(k.value, what);
    if (!entries) return undefined;
    const selector: LabelSelector = {};
    let ok = true;
    for (const e of entries) {
      if (e.key === 'matchLabels') {
        const labels = this.labels(e, `${field}.matchLabels ${where}`);
        if (labels) selector.matchLabels = labels;
        else ok = false;
      } else if (e.key === 'matchExpressions') {
        const expressions = this.requirements(e, `${field}.matchExpressions`, where);
        if (expressions) selector.matchExpressions = expressions;
        else ok = false;
      } else {
        ok = false;
        this.errorAtOffset(e.at, `unknown key "${e.key}" in ${field} ${where}${hint(e.key, SELECTOR_KEYS)}`);
      }
    }
    return ok ? selector : undefined;
  }

  /** A mapping of label keys to label values (matchLabels, a namespace's labels). */
  private labels(k: Entry, what: string): Record<string, string> | undefined {
    if (!k.value || k.value.value === null) return {};
    const entries = this.entries(k.value, `${what} must be a mapping of label keys to values`);
    if (!entries) return undefined;
    const labels: Record<string, string> = {};
    let ok = true;
    for (const e of entries) {
      const keyErrors = qualifiedNameErrors(e.key);
      if (keyErrors.length) {
        ok = false;
        this.errorAtOffset(e.at, `label key "${e.key}" in ${what} is not valid: ${keyErrors[0]}`);
        continue;
      }
      const v = e.value?.value;
      if (typeof v !== 'string') {
        ok = false;
        // `true`, `1`, `null` are no strings in YAML: a label value must be quoted then.
        const quote = typeof v === 'number' || typeof v === 'boolean' ? ` (quote it: "${String(v)}")` : '';
        this.errorAtOffset(this.offsetOf(e), `label "${e.key}" in ${what} must be a string${quote}, got ${describe(v)}`);
        continue;
      }
      const valueErrors = labelValueErrors(v);
      if (valueErrors.length) {
        ok = false;
        this.errorAtOffset(this.offsetOf(e), `label "${e.key}" in ${what} has an invalid value ${JSON.stringify(v)}: ${valueErrors[0]}`);
        continue;
      }
      labels[e.key] = v;
    }
    return ok ? labels : undefined;
  }

  private requirements(k: Entry, field: string, where: string): NonNullable<LabelSelector['matchExpressions']> | undefined {
    const value = k.value;
    if (!value || !Array.isArray(value.value)) {
      this.errorAtOffset(this.offsetOf(k), `${field} ${where} must be a list of {key, operator, values}, got ${describe(value?.value)}`);
      return undefined;
    }
    const items = deref(value.pos).items ?? [];
    const out: NonNullable<LabelSelector['matchExpressions']> = [];
    let ok = true;
    value.value.forEach((v: unknown, i: number) => {
      const at = `${field}[${i}] ${where}`;
      const item: Node = { value: v, pos: items[i] ?? value.pos };
      const entries = this.entries(item, `${at} must be a mapping with key, operator and values`);
      if (!entries) {
        ok = false;
        return;
      }
      const get = (key: string) => entries.find((e) => e.key === key);
      for (const e of entries) {
        if (!REQUIREMENT_KEYS.includes(e.key)) {
          ok = false;
          this.errorAtOffset(e.at, `unknown key "${e.key}" in ${at}${hint(e.key, REQUIREMENT_KEYS)}`);
        }
      }
      const itemAt = itemOffset(items, i, value);
      const keyEntry = get('key');
      const key = keyEntry?.value?.value;
      if (typeof key !== 'string') {
        ok = false;
        this.errorAtOffset(keyEntry ? this.offsetOf(keyEntry) : itemAt, `${at} needs a "key": a label key, got ${describe(key)}`);
      } else if (qualifiedNameErrors(key).length) {
        ok = false;
        this.errorAtOffset(this.offsetOf(keyEntry!), `key "${key}" in ${at} is not a valid label key: ${qualifiedNameErrors(key)[0]}`);
      }
      const operatorEntry = get('operator');
      const operator = operatorEntry?.value?.value;
      if (typeof operator !== 'string' || !(SELECTOR_OPERATORS as readonly string[]).includes(operator)) {
        ok = false;
        const got = typeof operator === 'string' ? `"${operator}"${hintOnly(operator, SELECTOR_OPERATORS)}` : describe(operator);
        this.errorAtOffset(operatorEntry ? this.offsetOf(operatorEntry) : itemAt, `operator of ${at} must be one of ${SELECTOR_OPERATORS.join(', ')}, got ${got}`);
      }
      const valuesEntry = get('values');
      const values = valuesEntry?.value?.value;
      const valuesAt = valuesEntry ? this.offsetOf(valuesEntry) : itemAt;
      const strings = Array.isArray(values) && values.every((s) => typeof s === 'string') ? (values as string[]) : undefined;
      if (valuesEntry && values !== null && values !== undefined && !strings) {
        ok = false;
        this.errorAtOffset(valuesAt, `values of ${at} must be a list of label values (quote numbers and true/false), got ${describe(values)}`);
      } else if ((operator === 'In' || operator === 'NotIn') && !strings?.length) {
        ok = false;
        this.errorAtOffset(valuesAt, `${at}: operator ${operator} needs at least one value in "values"`);
      } else if ((operator === 'Exists' || operator === 'DoesNotExist') && strings?.length) {
        ok = false;
        this.errorAtOffset(valuesAt, `${at}: operator ${operator} takes no "values"`);
      } else {
        for (const s of strings ?? []) {
          const errors = labelValueErrors(s);
          if (errors.length) {
            ok = false;
            this.errorAtOffset(valuesAt, `value ${JSON.stringify(s)} of ${at} is not a valid label value: ${errors[0]}`);
          }
        }
      }
      if (ok) out.push({ key: key as string, operator: operator as string, ...(strings?.length ? { values: [...strings] } : {}) });
    });
    return ok ? out : undefined;
  }

  // ---- namespaces ---------------------------------------------------------------------

  /** `namespaces: {NAME: {labels: {...}}}`: what the cluster's Namespaces carry, for namespaceSelector. */
  private namespaces(k: Entry): Record<string, Record<string, string>> | undefined {
    const what = '"namespaces" must be a mapping of namespace names to {labels: {...}}';
    if (!k.value || k.value.value === null) return {};
    const entries = this.entries(k.value, what);
    if (!entries) return undefined;
    // Names are DNS labels (checked below): never `__proto__`.
    const out: Record<string, Record<string, string>> = {};
    for (const e of entries) {
      // A namespace name is a DNS-1123 label.
      if (e.key.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(e.key)) {
        this.errorAtOffset(e.at, `namespace name "${e.key}" under "namespaces" must be lower case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters`);
        continue;
      }
      // `shop:` alone, or `shop: {}`: a namespace known to carry no labels (besides kubernetes.io/metadata.name).
      if (!e.value || e.value.value === null) {
        out[e.key] = {};
        continue;
      }
      const fields = this.entries(e.value, `namespace "${e.key}" under "namespaces" must be a mapping with "labels"`);
      if (!fields) continue;
      let labels: Record<string, string> | undefined = {};
      for (const f of fields) {
        if (f.key === 'labels') labels = this.labels(f, `the labels of namespace "${e.key}"`);
        else this.errorAtOffset(f.at, `unknown key "${f.key}" in namespace "${e.key}" under "namespaces"${hint(f.key, ['labels'])}`);
      }
      if (labels) out[e.key] = labels;
    }
    return out;
  }

  // ---- extends --------------------------------------------------------------------

  private checkExtends(environments: Map<string, Environment>): void {
    const names = [...environments.keys()];
    for (const [name, env] of environments) {
      const target = env.extends;
      if (target === undefined || environments.has(target) || isPreset(target)) continue;
      this.error(this.extendsAt.get(name)!, `environment "${name}" extends "${target}", which is neither an environment nor a preset${hint(target, [...names.filter((n) => n !== name), ...PRESET_NAMES], 'environments and presets')}`);
    }
    const reported = new Set<string>();
    for (const name of names) {
      const path = [name];
      for (let next = environments.get(name)?.extends; next !== undefined && environments.has(next); next = environments.get(next)?.extends) {
        if (next === name) {
          const key = [...path].sort().join(' ');
          if (!reported.has(key)) {
            reported.add(key);
            const chain = [...path, name].join(' → ');
            this.error(this.extendsAt.get(name)!, `environment "${name}" extends itself: ${chain}`);
          }
          break;
        }
        if (path.includes(next)) break; // a cycle further up: reported for its own members
        path.push(next);
      }
    }
  }

  // ---- helpers ------------------------------------------------------------------

  /** A mapping's entries in the order written (aliases followed); undefined with an error when `node` is not a mapping. */
  private entries(node: Node, notAMapping: string): Entry[] | undefined {
    if (!isMapping(node.value)) {
      this.error(node, `${notAMapping}, got ${describe(node.value)}`);
      return undefined;
    }
    const map = node.value;
    return (deref(node.pos).entries ?? []).map((e) => ({
      key: e.key,
      at: e.at,
      value: e.value.start < 0 && !e.value.target ? null : { value: map[e.key], pos: e.value },
    }));
  }

  /** A list of non-empty strings (`exclude:` patterns, `policy:` folders), or an error saying what it must be. */
  private strings(k: Entry, message: string): string[] | undefined {
    const v = k.value?.value;
    if (Array.isArray(v) && v.every((p) => typeof p === 'string' && p.trim() !== '')) return v as string[];
    this.errorAtOffset(this.offsetOf(k), `${message}, got ${describe(v)}`);
    return undefined;
  }

  private string(k: Entry, message: string): string | undefined {
    const v = k.value?.value;
    if (typeof v === 'string' && v !== '') return v;
    this.errorAtOffset(this.offsetOf(k), `${message}, got ${describe(v)}`);
    return undefined;
  }

  /** Where an entry's value is written (or its key when it has none), as a line and column. */
  private positionOf(k: Entry): Position {
    return this.lines.position(this.offsetOf(k));
  }

  /** Where an entry's value is written, or its key when it has none. */
  private offsetOf(k: Entry): number {
    return k.value && k.value.pos.start >= 0 ? k.value.pos.start : k.at;
  }

  private error(node: Node, message: string): void {
    this.errorAtOffset(Math.max(node.pos.start, 0), message);
  }

  private errorAtOffset(offset: number, message: string): void {
    const { line, column } = this.lines.position(offset);
    // One line per error, whatever the user's keys contain.
    this.errors.push(`${this.file}:${line}:${column}: ${message.replace(/\r?\n/g, '\\n')}`);
  }
}

/** Where item `i` of a list is written, else where the list is. */
function itemOffset(items: PosNode[], i: number, list: Node): number {
  const item = items[i];
  return item && item.start >= 0 ? item.start : Math.max(list.pos.start, 0);
}

/** The node at a parameters path under a restriction's mapping: its offset, and its key's. */
function locate(from: PosNode, segments: (string | number)[]): { at: number; keyAt?: number } {
  let cur = from;
  let keyAt: number | undefined;
  for (const s of segments) {
    const node = deref(cur);
    if (typeof s === 'number' && node.items) {
      const item = node.items[s];
      if (!item) break;
      cur = item;
      keyAt = undefined;
    } else if (typeof s === 'string' && node.entries) {
      const entry = node.entries.find((e) => e.key === s); // keys are unique: duplicates were refused
      if (!entry) break;
      keyAt = entry.at;
      if (entry.value.start < 0 && !entry.value.target) return { at: entry.at, keyAt };
      cur = entry.value;
    } else break;
  }
  return { at: Math.max(cur.start, 0), keyAt };
}

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `${typeof value} ${String(value)}`;
}

function hintOnly(word: string, candidates: readonly string[]): string {
  const h = hint(word, candidates);
  return h.startsWith(' (did you mean') ? h : '';
}

/** `runAsUser.ranges[0].min` → ['runAsUser', 'ranges', 0, 'min']. */
function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

function joinPath(segments: (string | number)[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** The schema of the value at a path (through properties and items). */
function schemaAt(schema: Schema, segments: (string | number)[]): Schema | undefined {
  let cur: Schema | undefined = schema;
  for (const s of segments) {
    if (!cur) return undefined;
    if (typeof s === 'number') cur = cur.items as Schema | undefined;
    else cur = (cur.properties as Record<string, Schema> | undefined)?.[s];
  }
  return cur;
}
