// Finding and reading offgate.yaml. Everything is checked here, with the position of
// the offending key or value, so that resolving an environment later cannot fail on
// something the user wrote: unknown keys (with a suggestion), parameters against the
// template's schema (through `validateConstraint`, as a cluster would judge them),
// enforcement actions, namespace patterns, environment names, `extends` targets and
// cycles. Errors are values, one line each: `offgate.yaml:12:7: <what is wrong>`.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { CONSTRAINT_GROUP, validateConstraint } from '../gatekeeper/constraint-schema';
import { isValidPattern } from '../gatekeeper/patterns';
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

const TOP_KEYS = ['environments'];
const ENVIRONMENT_KEYS = ['extends', ...SCOPE_KEYS, 'restrictions'];

export type LoadResult = { config: Config | null } | { error: string; errors: string[] };
export type ParseResult = { config: Config } | { error: string; errors: string[] };

export interface LoadOptions {
  /** Where discovery starts and relative paths are resolved from (default: process.cwd()). */
  cwd?: string;
  /** An explicit file (`--config`): no discovery, and it must exist. */
  configPath?: string;
}

/**
 * The configuration: the `--config` file, or the nearest offgate.yaml (or .offgate.yaml,
 * offgate.yml, .offgate.yml) from the working directory up to the filesystem root.
 * `{ config: null }` when there is none.
 */
export function loadConfig(options: LoadOptions = {}): LoadResult {
  const cwd = resolve(options.cwd ?? process.cwd());
  let path: string;
  let file: string;
  if (options.configPath !== undefined) {
    path = resolve(cwd, options.configPath);
    file = options.configPath;
    if (!isFile(path)) return failure([`${file}: no such file (given with --config)`]);
  } else {
    const found = findConfigFile(cwd);
    if (found === undefined) return { config: null };
    if (typeof found !== 'string') return failure([found.error]);
    path = found;
    file = relative(cwd, path) || path;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return failure([`${file}: cannot read: ${(e as Error).message}`]);
  }
  return parseConfig(text, file, path);
}

/** The nearest configuration file from `startDir` up; an error when a directory holds two. */
export function findConfigFile(startDir: string): string | { error: string } | undefined {
  for (let dir = resolve(startDir); ; dir = dirname(dir)) {
    const here = CONFIG_FILE_NAMES.filter((name) => isFile(join(dir, name)));
    if (here.length > 1) {
      // Picking one silently would leave the user editing a file offgate ignores.
      return { error: `${dir}: ${here.join(' and ')} both exist; keep one` };
    }
    if (here.length === 1) return join(dir, here[0]!);
    if (dirname(dir) === dir) return undefined;
  }
}

/** Reads and checks a configuration; `file` names it in messages, `path` is kept in the result. */
export function parseConfig(text: string, file: string, path: string = file): ParseResult {
  const reader = new Reader(text, file);
  const environments = reader.read();
  if (reader.errors.length) return failure(reader.errors);
  return { config: { file, path, environments } };
}

function failure(errors: string[]): { error: string; errors: string[] } {
  return { error: errors[0]!, errors };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------

interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
}

class Reader {
  readonly errors: string[] = [];
  private readonly lines = new LineCounter();
  private readonly doc: Document;
  /** `extends` values and where they were written, checked once every environment is known. */
  private readonly extendsAt = new Map<string, Node>();

  constructor(
    text: string,
    private readonly file: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    for (const e of this.doc.errors) this.errorAtOffset(e.pos[0], e.message.split('\n')[0]!);
  }

  read(): Map<string, Environment> {
    const environments = new Map<string, Environment>();
    if (this.errors.length) return environments;
    const root = this.doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) {
      this.errorAtOffset(0, 'no environments: the file must define "environments:"');
      return environments;
    }
    const top = this.entries(root, 'the top level must be a mapping with the key "environments"');
    if (!top) return environments;
    let envs: Entry | undefined;
    for (const e of top) {
      if (e.key === 'environments') envs = e;
      else this.error(e.keyNode, `unknown key "${e.key}"${hint(e.key, TOP_KEYS)}`);
    }
    if (!envs) {
      // After an unknown key, most likely "environments" misspelt, this would say it twice.
      if (!this.errors.length) this.error(root, 'no environments: the file must define "environments:"');
      return environments;
    }
    const none = 'no environments: define at least one under "environments:"';
    if (!envs.value || isNull(envs.value)) {
      this.error(envs.keyNode, none);
      return environments;
    }
    const list = this.entries(envs.value, '"environments" must be a mapping of environment names to environments');
    if (!list) return environments;
    if (!list.length) {
      this.error(envs.keyNode, none);
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
    const at = e.keyNode;
    const max = maxEnvironmentNameLength();
    if (isPreset(e.key)) {
      this.error(at, `environment name "${e.key}" is the name of a built-in preset; choose another name and write "extends: ${e.key}"`);
      return false;
    }
    // The name becomes part of Constraint names (offgate-<env>-<restriction>).
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(e.key)) {
      this.error(at, `environment name "${e.key}" must be lower case letters, digits and "-", starting and ending with a letter or digit (it becomes part of Constraint names)`);
      return false;
    }
    if (e.key.length > max) {
      this.error(at, `environment name "${e.key}" is longer than ${max} characters (Constraint names offgate-<environment>-<restriction> must fit in 63)`);
      return false;
    }
    return true;
  }

  private environment(e: Entry): Environment {
    const env: Environment = { restrictions: {} };
    const name = e.key;
    if (!e.value || isNull(e.value)) return env; // every line commented out: an empty environment
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
          if (k.value && !isNull(k.value)) env.restrictions = this.restrictions(k.value, name);
          break;
        default: {
          const extra = isRestriction(k.key) ? ' (restrictions go under "restrictions:")' : hint(k.key, ENVIRONMENT_KEYS);
          this.error(k.keyNode, `unknown key "${k.key}" in environment "${name}"${extra}`);
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
        this.error(r.keyNode, `unknown key "${r.key}" in environment "${env}"${hint(r.key, restrictionNames(), 'restrictions')}`);
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
    if (!value || isNull(value)) {
      this.error(r.keyNode, `${what} has no value: write true, false or its parameters`);
      return undefined;
    }
    if (isScalar(value) && typeof value.value === 'boolean') return value.value;
    if (!isMap(value)) {
      this.error(value, `${what} must be true, false or a mapping of parameters, got ${describe(value)}`);
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
        if (!k.value || isNull(k.value)) this.error(k.keyNode, `parameter "${k.key}" ${where} has no value`);
        else parameters[k.key] = k.value.toJS(this.doc);
      } else {
        const extra = declared.length
          ? hint(k.key, [...declared, ...SCOPE_KEYS])
          : ` (it takes no parameters, only ${SCOPE_KEYS.join(', ')})`;
        this.error(k.keyNode, `unknown key "${k.key}" in restriction "${name}" of environment "${env}"${extra}`);
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
      const located = this.locate(node, segments);
      if (summary.startsWith('unknown field')) {
        const key = String(segments[segments.length - 1]);
        const parent = segments.slice(0, -1);
        const declared = Object.keys(schemaAt(restrictionTemplate(restriction).metadata.parameters as Schema, parent)?.properties ?? {});
        const inside = parent.length ? ` in parameter "${joinPath(parent)}"` : '';
        this.error(located.keyNode ?? located.node, `unknown key "${key}"${inside} ${where}${hint(key, declared)}`);
      } else {
        this.error(located.node, `parameter "${path}" ${where} ${summary}`);
      }
    }
  }

  /** The YAML node at a parameters path under a restriction's mapping (and its key's node). */
  private locate(node: Node, segments: (string | number)[]): { node: Node; keyNode?: Node } {
    let cur: Node = node;
    let keyNode: Node | undefined;
    for (const s of segments) {
      const target = deref(cur, this.doc);
      if (typeof s === 'number' && isSeq(target)) {
        const item = target.items[s] as Node | undefined;
        if (!item) break;
        cur = item;
        keyNode = undefined;
      } else if (typeof s === 'string' && isMap(target)) {
        const pair = target.items.find((p) => keyText(p.key as Node | null) === s);
        if (!pair) break;
        keyNode = (pair.key as Node | null) ?? undefined;
        if (!pair.value) {
          cur = keyNode ?? cur;
          break;
        }
        cur = pair.value as Node;
      } else break;
    }
    return { node: cur, keyNode };
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
    const value = k.value ? deref(k.value, this.doc) : null;
    if (!value || !isSeq(value)) {
      this.error(k.value ?? k.keyNode, `${key} ${where} must be a list of namespace names or patterns, got ${describe(value)}`);
      return;
    }
    const patterns: string[] = [];
    value.items.forEach((item, i) => {
      const v = deref(item as Node, this.doc);
      if (isScalar(v) && typeof v.value === 'string' && isValidPattern(v.value)) {
        patterns.push(v.value);
      } else {
        this.error(
          item as Node,
          `${key}[${i}] ${where} must be a namespace name or pattern (lower case letters, digits, "-" and ":", with an optional "*" at either end), got ${describe(v as Node)}`,
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

  /** A mapping's entries (aliases followed); null with an error when `node` is not a mapping. */
  private entries(node: Node, notAMapping: string): Entry[] | undefined {
    const map = deref(node, this.doc);
    if (!isMap(map)) {
      this.error(node, `${notAMapping}, got ${describe(map)}`);
      return undefined;
    }
    const out: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = (pair.key as Node | null) ?? null;
      const key = keyText(keyNode);
      if (keyNode === null || key === undefined) {
        this.error(keyNode ?? node, 'keys must be plain names');
        continue;
      }
      const value = pair.value === null || pair.value === undefined ? null : deref(pair.value as Node, this.doc);
      out.push({ key, keyNode, value });
    }
    return out;
  }

  private string(k: Entry, message: string): string | undefined {
    const v = k.value;
    if (v && isScalar(v) && typeof v.value === 'string' && v.value !== '') return v.value;
    this.error(v ?? k.keyNode, `${message}, got ${describe(v)}`);
    return undefined;
  }

  private error(node: Node, message: string): void {
    this.errorAtOffset(node.range?.[0] ?? 0, message);
  }

  private errorAtOffset(offset: number, message: string): void {
    const { line, col } = this.lines.linePos(offset);
    // One line per error, whatever the user's keys contain.
    this.errors.push(`${this.file}:${line}:${col}: ${message.replace(/\r?\n/g, '\\n')}`);
  }
}

function deref(node: Node, doc: Document): Node {
  if (isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? node;
  return node;
}

function isNull(node: Node): boolean {
  return isScalar(node) && node.value === null;
}

function keyText(node: Node | null): string | undefined {
  if (node === null) return undefined;
  if (!isScalar(node)) return undefined;
  return node.value === null ? '' : String(node.value);
}

function describe(node: Node | null | undefined): string {
  if (!node || (isScalar(node) && node.value === null)) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    return typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `${typeof v} ${String(v)}`;
  }
  return 'something else';
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
