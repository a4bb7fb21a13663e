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
import { isValidPattern } from '../gatekeeper/patterns';
import { LineIndex, deref, loadWithPositions, type PosNode } from '../manifests/locate';
import { readInputFile } from '../manifests/file';
import { DEFAULT_MAX_FILE_SIZE, NestingTooDeep } from '../manifests/limits';
import { checkAliases, keyText, quoteless } from '../manifests/parse';
import type { Schema } from '../gatekeeper/schema';
import {
  ENFORCEMENT_ACTIONS,
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
  type Parameters,
  type RestrictionSetting,
  type Scope,
} from './model';
import { PRESET_NAMES, isPreset } from './presets';
import { hint } from './suggest';

/** Looked for in each directory from the working directory up, in this order. */
export const CONFIG_FILE_NAMES = ['offgate.yaml', '.offgate.yaml', 'offgate.yml', '.offgate.yml'];

const TOP_KEYS = ['environments', 'exclude', 'policy'];
const ENVIRONMENT_KEYS = ['extends', ...SCOPE_KEYS, 'restrictions'];

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
  return { config: { file, path, environments, ...(reader.exclude ? { exclude: reader.exclude } : {}), ...(reader.policy ? { policy: reader.policy } : {}) } };
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
    const env: Environment = { restrictions: {} };
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
          }
          break;
        }
        case 'enforcementAction':
        case 'excludedNamespaces':
        case 'namespaces':
          this.scopeKey(k, env, where);
          break;
        case 'restrictions':
          if (k.value && k.value.value !== null) env.restrictions = this.restrictions(k.value, name);
          break;
        default: {
          const extra = isRestriction(k.key) ? ' (restrictions go under "restrictions:")' : hint(k.key, ENVIRONMENT_KEYS);
          this.errorAtOffset(k.at, `unknown key "${k.key}" in environment "${name}"${extra}`);
        }
      }
    }
    return env;
  }

  private restrictions(node: Node, env: string): Record<string, RestrictionSetting> {
    const out: Record<string, RestrictionSetting> = {};
    const entries = this.entries(node, `"restrictions" in environment "${env}" must be a mapping of restriction names to true, false or parameters`);
    for (const r of entries ?? []) {
      if (!isRestriction(r.key)) {
        this.errorAtOffset(r.at, `unknown key "${r.key}" in environment "${env}"${hint(r.key, restrictionNames(), 'restrictions')}`);
        continue;
      }
      const setting = this.restriction(r, env);
      if (setting !== undefined) out[r.key] = setting;
    }
    return out;
  }

  private restriction(r: Entry, env: string): RestrictionSetting | undefined {
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
        this.scopeKey(k, setting, where);
      } else if (declared.includes(k.key)) {
        // The API server drops a null parameter, so the Constraint would silently lack it.
        if (!k.value || k.value.value === null) this.errorAtOffset(k.at, `parameter "${k.key}" ${where} has no value`);
        // A copy: an alias elsewhere in the file shares the loaded value.
        else parameters[k.key] = structuredClone(k.value.value);
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

  private scopeKey(k: Entry, into: Scope, where: string): void {
    if (k.key === 'enforcementAction') {
      const action = this.string(k, `enforcementAction ${where} must be one of ${ENFORCEMENT_ACTIONS.join(', ')}`);
      if (action === undefined) return;
      if (!(ENFORCEMENT_ACTIONS as readonly string[]).includes(action)) {
        this.error(k.value!, `enforcementAction ${where} must be one of ${ENFORCEMENT_ACTIONS.join(', ')}, got "${action}"${hintOnly(action, ENFORCEMENT_ACTIONS)}`);
        return;
      }
      into.enforcementAction = action as EnforcementAction;
      return;
    }
    const key = k.key as 'excludedNamespaces' | 'namespaces';
    const value = k.value;
    if (!value || !Array.isArray(value.value)) {
      this.errorAtOffset(this.offsetOf(k), `${key} ${where} must be a list of namespace names or patterns, got ${describe(value?.value)}`);
      return;
    }
    const items = deref(value.pos).items ?? [];
    const patterns: string[] = [];
    value.value.forEach((v: unknown, i: number) => {
      if (typeof v === 'string' && isValidPattern(v)) {
        patterns.push(v);
      } else {
        this.errorAtOffset(
          items[i] && items[i]!.start >= 0 ? items[i]!.start : value.pos.start,
          `${key}[${i}] ${where} must be a namespace name or pattern (lower case letters, digits, "-" and ":", with an optional "*" at either end), got ${describe(v)}`,
        );
      }
    });
    into[key] = patterns;
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
