// Test Suites as `gator verify` runs them (semantics §10): reading Suite files and
// the files they name (§2.2), the `--run` filter, one fresh engine per Test and per
// Case, assertions on the deduplicated results, and the exact error texts. Printing
// is the CLI's business (src/cli/verify-command.ts); this module returns results.
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { DEFAULT_MAX_FILE_SIZE, parseManifestText, parseYamlValues, readInputFile, type ManifestObject, type ReadError } from '../manifests';
import { evaluate, type EngineOptions, type Located, type Result } from './engine';
import {
  CONSTRAINT_GROUP,
  CONSTRAINT_VERSIONS,
  constraintSchema,
  isDns1123Subdomain,
  readTemplate,
} from './constraint-schema';
import { isExpansionTemplate } from './expansion';
import { goQuote, selectorErrors } from './label-selector';
import { validateMatch } from './match';
import { isAdmissionReview } from './review';
import { applyDefaults, isPlainObject, validate } from './schema';
import { isConstraintTemplate, type TemplateText } from './templates';
import { gvkOf, type K8sObject, type LabelSelector, type Match } from './types';

// ---------------------------------------------------------------------------------------
// The Suite format (§10.1)

export const SUITE_GROUP = 'test.gatekeeper.sh';

export interface Suite {
  /** Absolute path of the suite file. */
  file: string;
  /** How the suite is named in the output (§10.4). */
  displayPath: string;
  /**
   * The folder every file the suite names must be in (links resolved): the repository holding
   * the suite (the nearest folder above it with `.git`), else the folder given to verify (for
   * a suite file given by name, its folder). A suite from a pull request can then not make
   * verify read, and print, `../../etc/passwd` or a private key.
   */
  root: string;
  /** Largest file read, in bytes. */
  maxFileSize: number;
  skip: boolean;
  tests: TestSpec[];
}

export interface TestSpec {
  name: string;
  template?: string;
  constraint?: string;
  expansion?: string;
  invalid: boolean;
  skip: boolean;
  cases: CaseSpec[];
}

export interface CaseSpec {
  name: string;
  object?: string;
  inventory: string[];
  skip: boolean;
  assertions: AssertionSpec[];
}

export interface AssertionSpec {
  /** As written: "yes", "no", an integer — anything else fails the case. Absent means "yes". */
  violations?: unknown;
  message?: string;
}

/** A problem that stops the whole run before anything runs: `Error: <message>`, exit 1. */
export class VerifyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifyError';
  }
}

// ---------------------------------------------------------------------------------------
// Finding and reading Suites (§10.2)

/**
 * The Suites a command-line target names: a file, a directory's `.yaml`/`.yml` files, or
 * `dir/...` for a whole tree, in path order. Files that are not Suites are ignored; a file
 * that cannot be read or parsed throws a VerifyError.
 */
export function readSuites(target: string, cwd: string = process.cwd(), opts: { maxFileSize?: number } = {}): Suite[] {
  const recursive = target === '...' || target.endsWith('/...');
  const base = recursive ? target.slice(0, -3).replace(/\/$/, '') || '.' : target;
  const root = resolve(cwd, base);
  let files: string[];
  let folder: string;
  try {
    if (recursive) files = walk(root, true);
    else files = statSync(root).isDirectory() ? walk(root, false) : [root];
    folder = files.length === 1 && files[0] === root ? dirname(root) : root;
  } catch (e) {
    throw new VerifyError(fsErrorText(e, target));
  }
  const suites: Suite[] = [];
  const limits = { folder, maxFileSize: opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE };
  for (const file of files) {
    const suite = readSuite(file, displayPath(base, file), limits);
    if (suite) suites.push(suite);
  }
  return suites;
}

/** The root of a suite's references: its repository, else the folder given (see Suite.root). */
function suiteRoot(file: string, folder: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return realPath(dir);
    if (dirname(dir) === dir) return realPath(folder);
  }
}

function realPath(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

/** The YAML files under `dir` in lexical order, subdirectories in place when recursive (Go's WalkDir). */
function walk(dir: string, recursive: boolean): string[] {
  const files: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) files.push(...walk(path, true));
    } else if (/\.ya?ml$/.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}

/**
 * gator's odd but deterministic suite path: the target as typed, followed by what comes
 * after the target's first occurrence in the suite's absolute path (the target's leading
 * `.` and `/` characters ignored when searching). `./...` run in /home/x names
 * /home/x/suite.yaml `./home/x/suite.yaml`.
 */
export function displayPath(typed: string, absolute: string): string {
  const needle = typed.replace(/^[./]+/, '');
  const at = absolute.indexOf(needle);
  if (at < 0) return absolute;
  return typed + absolute.slice(at + needle.length);
}

/** A Suite, or undefined when the file holds something else. */
function readSuite(file: string, shownAs: string, limits: { folder: string; maxFileSize: number }): Suite | undefined {
  const read = readInputFile(file, limits.maxFileSize);
  if ('error' in read) throw new VerifyError(`open ${shownAs}: ${read.error}`);
  let top: unknown;
  try {
    top = firstDocument(read.text, shownAs);
  } catch (e) {
    throw new VerifyError(`parsing yaml file ${goQuote(shownAs)}: ${(e as Error).message}`);
  }
  if (!isPlainObject(top)) return undefined;
  const gvk = gvkOf(top as K8sObject);
  if (gvk.group !== SUITE_GROUP || gvk.kind !== 'Suite') return undefined;
  try {
    return {
      file,
      displayPath: shownAs,
      root: suiteRoot(file, limits.folder),
      maxFileSize: limits.maxFileSize,
      skip: boolField(top, 'skip', ''),
      tests: listField(top, 'tests', '').map((t, i) => readTest(t, `tests[${i}]`)),
    };
  } catch (e) {
    throw new VerifyError(`reading suite ${goQuote(shownAs)}: ${(e as Error).message}`);
  }
}

function readTest(value: unknown, path: string): TestSpec {
  const t = objectAt(value, path);
  return {
    name: stringField(t, 'name', path) ?? '',
    template: stringField(t, 'template', path),
    constraint: stringField(t, 'constraint', path),
    expansion: stringField(t, 'expansion', path),
    invalid: boolField(t, 'invalid', path),
    skip: boolField(t, 'skip', path),
    cases: listField(t, 'cases', path).map((c, i) => readCase(c, `${path}.cases[${i}]`)),
  };
}

function readCase(value: unknown, path: string): CaseSpec {
  const c = objectAt(value, path);
  return {
    name: stringField(c, 'name', path) ?? '',
    object: stringField(c, 'object', path),
    inventory: listField(c, 'inventory', path).map((p, i) => {
      if (typeof p !== 'string') throw new Error(`${path}.inventory[${i}]: must be a string`);
      return p;
    }),
    skip: boolField(c, 'skip', path),
    assertions: listField(c, 'assertions', path).map((a, i) => {
      const where = `${path}.assertions[${i}]`;
      const o = objectAt(a, where);
      return { ...optional('violations', field(o, 'violations') ?? undefined), ...optional('message', stringField(o, 'message', where)) };
    }),
  };
}

/**
 * Fields as Go's JSON decoding finds them: key matching ignores case (the last matching
 * key wins), unknown keys are ignored, null means absent, and a value of the wrong type
 * is an error.
 */
function field(obj: Record<string, unknown>, key: string): unknown {
  let value: unknown;
  for (const [name, v] of Object.entries(obj)) if (name.toLowerCase() === key) value = v;
  return value;
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (value == null) return {};
  if (!isPlainObject(value)) throw new Error(`${path}: must be an object`);
  return value;
}

function stringField(obj: Record<string, unknown>, key: string, path: string): string | undefined {
  const v = field(obj, key);
  if (v == null) return undefined;
  if (typeof v !== 'string') throw new Error(`${at(path, key)}: must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function boolField(obj: Record<string, unknown>, key: string, path: string): boolean {
  const v = field(obj, key);
  if (v == null) return false;
  if (typeof v !== 'boolean') throw new Error(`${at(path, key)}: must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function listField(obj: Record<string, unknown>, key: string, path: string): unknown[] {
  const v = field(obj, key);
  if (v == null) return [];
  if (!Array.isArray(v)) throw new Error(`${at(path, key)}: must be a list`);
  return v;
}

function at(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

// ---------------------------------------------------------------------------------------
// Reading templates, constraints, objects (§2.2)

/**
 * The first YAML 1.2 document of a text (undefined for an empty text); syntax errors throw.
 * Read as manifests are (src/manifests), under the same bounds: nesting depth, aliases.
 */
function firstDocument(text: string, shownAs: string): unknown {
  const { values, error } = parseYamlValues(text, shownAs, { yamlVersion: '1.2' });
  if (error) throw new Error(yamlErrorText(error));
  return values[0] ?? undefined;
}

/** `<reason> at line 6, column 1`, as Go's YAML errors place themselves. */
function yamlErrorText(e: ReadError): string {
  return e.line === undefined ? e.message : `${e.message} at line ${e.line}, column ${e.column ?? 1}`;
}

/**
 * The objects of a case's `object`, `inventory` or `expansion` file: the text is cut at
 * every line starting with `---`, blank lines and `#` comment lines are dropped (even
 * inside block scalars, as gator does), and each non-empty piece is one object.
 */
export function splitObjects(text: string, shownAs: string): K8sObject[] {
  const pieces: string[][] = [[]];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('---')) pieces.push([]);
    else if (line.trim() !== '' && !line.trim().startsWith('#')) pieces[pieces.length - 1]!.push(line);
  }
  return pieces
    .filter((lines) => lines.length > 0)
    .map((lines) => {
      const { values, error } = parseYamlValues(`${lines.join('\n')}\n`, shownAs, { yamlVersion: '1.2' });
      if (error) throw new Error(`parsing ${goQuote(shownAs)}: ${yamlErrorText(error)}`);
      const value = values.length === 1 ? values[0] : values.length === 0 ? null : values;
      // What it is, never what it says: the file may be anything a suite points at.
      if (!isPlainObject(value)) throw new Error(`parsing ${goQuote(shownAs)}: an object must be a map, got ${kindOf(value)}`);
      return value as K8sObject;
    });
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

/**
 * Where the suite's paths point: joined to its directory, a leading `/` included, and only
 * under the suite's root (links resolved), else an error naming the reference.
 */
function inSuite(suite: Suite, path: string): string {
  const full = join(dirname(suite.file), path);
  const real = realPath(full);
  if (real !== suite.root && !real.startsWith(suite.root.endsWith(sep) ? suite.root : suite.root + sep)) {
    throw new Error(`open ${path}: outside the suite's root ${suite.root} (a suite reads only files under it): not read`);
  }
  return full;
}

function readText(suite: Suite, path: string): string {
  const read = readInputFile(inSuite(suite, path), suite.maxFileSize);
  if ('error' in read) throw new Error(`open ${path}: ${read.error}`);
  return read.text;
}

function readFirstObject(suite: Suite, path: string): K8sObject {
  return firstObject(readText(suite, path), path);
}

function firstObject(text: string, path: string): K8sObject {
  let value: unknown;
  try {
    value = firstDocument(text, path);
  } catch (e) {
    throw new Error(`parsing ${goQuote(path)}: ${(e as Error).message}`);
  }
  if (value == null) throw new Error(`missing objects: ${goQuote(path)} defines no objects`);
  if (!isPlainObject(value)) throw new Error(`parsing ${goQuote(path)}: an object must be a map, got ${kindOf(value)}`);
  return value as K8sObject;
}

/**
 * Where the fields of a template file's first object are, found only when asked (a Rego error
 * to place): the manifest reader's positions, if it reads the same object first.
 */
function templateText(text: string, path: string): TemplateText {
  let first: ManifestObject | null | undefined;
  return {
    text: () => text,
    locate: (field) => {
      first ??= parseManifestText(text, path, { yamlVersion: '1.2' }).objects[0] ?? null;
      return first ? first.locate(field) : undefined;
    },
  };
}

/** A template's error with its place in the file when known: `template.yaml:18:78: ConstraintTemplate …`. */
function placed(e: { message: string; origin?: { file: string; line?: number; column?: number } }): string {
  const o = e.origin;
  return o?.line === undefined ? e.message : `${o.file}:${o.line}${o.column === undefined ? '' : `:${o.column}`}: ${e.message}`;
}

function readObjects(suite: Suite, path: string): K8sObject[] {
  return splitObjects(readText(suite, path), path);
}

/** Go's wording for file errors: `open samples/x.yaml: no such file or directory`. */
function fsErrorText(e: unknown, path: string): string {
  const code = (e as { code?: string }).code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EISDIR: 'is a directory',
    EACCES: 'permission denied',
    ENOTDIR: 'not a directory',
  };
  const reason = (code && reasons[code]) ?? (e as Error).message;
  return `open ${path}: ${reason}`;
}

// ---------------------------------------------------------------------------------------
// The `--run` filter (§10.3)

export interface Filter {
  /** Tests whose name matches (undefined: all). */
  tests?: RegExp;
  /** Cases whose name matches (undefined: all). */
  cases?: RegExp;
  /** Without `//` one regex selects a Test by its name or any case name, and a Case by its or its Test's name. */
  single: boolean;
}

/** Parses `--run`; throws a VerifyError for two or more `//` or a bad regex. */
export function parseFilter(run: string | undefined): Filter {
  if (!run) return { single: false };
  const sides = run.split('//');
  if (sides.length > 2) throw new VerifyError(`invalid test filter: ${goQuote(run)} has multiple instances of //`);
  const compile = (source: string) => {
    if (source === '') return undefined;
    try {
      return goRegExp(source);
    } catch (e) {
      throw new VerifyError(`invalid test filter: ${goQuote(source)}: ${(e as Error).message}`);
    }
  };
  if (sides.length === 1) {
    const r = compile(run);
    return { tests: r, cases: r, single: true };
  }
  return { tests: compile(sides[0]!), cases: compile(sides[1]!), single: false };
}

export function filterSelectsTest(f: Filter, test: TestSpec): boolean {
  if (!f.tests) return true;
  if (f.tests.test(test.name)) return true;
  return f.single && test.cases.some((c) => f.tests!.test(c.name));
}

export function filterSelectsCase(f: Filter, test: TestSpec, c: CaseSpec): boolean {
  if (!f.cases) return true;
  if (f.cases.test(c.name)) return true;
  return f.single && f.cases.test(test.name);
}

/**
 * An RE2 pattern as a JavaScript RegExp: leading flag groups like `(?i)` become flags,
 * `(?P<name>` becomes `(?<name>`, `\A` and `\z` become lookarounds. Unanchored, as RE2's
 * MatchString; anything JavaScript cannot read throws.
 */
export function goRegExp(source: string): RegExp {
  let flags = '';
  let body = source;
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead && !lead[1]!.includes('U')) {
    flags = [...new Set(lead[1]!)].join('');
    body = body.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\' && i + 1 < body.length) {
      const next = body[i + 1]!;
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'z') out += '(?![\\s\\S])';
      else out += ch + next;
      i++;
    } else if (!inClass && body.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else {
      if (ch === '[') inClass = true;
      else if (ch === ']') inClass = false;
      out += ch;
    }
  }
  return new RegExp(out, flags);
}

// ---------------------------------------------------------------------------------------
// Running (§10.2)

export interface CaseResult {
  name: string;
  skipped: boolean;
  /** Wall time in seconds. */
  seconds: number;
  error?: string;
}

export interface TestResult {
  name: string;
  skipped: boolean;
  seconds: number;
  /** A Test-level failure: its template or constraint did not load, or `invalid` was not met. */
  error?: string;
  cases: CaseResult[];
  /** Selected cases that could not run because the Test failed first. */
  notRun: number;
  /** `invalid: true`: the Test itself is the check (it runs no cases). */
  invalidCheck: boolean;
}

export interface SuiteResult {
  path: string;
  seconds: number;
  tests: TestResult[];
}

export function testFailed(t: TestResult): boolean {
  return t.error !== undefined || t.cases.some((c) => c.error !== undefined);
}

export function suiteFailed(s: SuiteResult): boolean {
  return s.tests.some(testFailed);
}

/**
 * Case counts for the summary line. Skipped cases count for nothing; a Test that failed
 * before its cases could run counts each such case as failed (at least one); an
 * `invalid: true` Test counts as one case.
 */
export function tally(results: SuiteResult[]): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  for (const t of results.flatMap((s) => s.tests)) {
    if (t.skipped) continue;
    if (t.invalidCheck) {
      if (t.error === undefined) passed++;
      else failed++;
      continue;
    }
    if (t.error !== undefined) failed += Math.max(1, t.notRun);
    for (const c of t.cases) {
      if (c.skipped) continue;
      if (c.error === undefined) passed++;
      else failed++;
    }
  }
  return { passed, failed };
}

export function runSuite(suite: Suite, filter: Filter): SuiteResult {
  const start = performance.now();
  const tests = suite.tests.map((t) =>
    suite.skip || t.skip || !filterSelectsTest(filter, t) ? skippedTest(t.name) : runTest(suite, t, filter),
  );
  return { path: suite.displayPath, seconds: since(start), tests };
}

function skippedTest(name: string): TestResult {
  return { name, skipped: true, seconds: 0, cases: [], notRun: 0, invalidCheck: false };
}

function since(start: number): number {
  return (performance.now() - start) / 1000;
}

/** What a Test loads for each of its cases. */
interface Loaded {
  template: Located;
  constraint: Located;
}

const VERIFY_OPTIONS: EngineOptions = { mode: 'gator-verify', builtInExpansion: false };

function runTest(suite: Suite, test: TestSpec, filter: Filter): TestResult {
  const start = performance.now();
  const result: TestResult = { name: test.name, skipped: false, seconds: 0, cases: [], notRun: 0, invalidCheck: test.invalid };
  const selected = test.cases.filter((c) => !c.skip && filterSelectsCase(filter, test, c));
  const loaded = loadTest(suite, test);
  if ('error' in loaded) {
    result.error = loaded.error;
    result.notRun = selected.length;
  } else if (!test.invalid) {
    for (const c of test.cases) {
      result.cases.push(selected.includes(c) ? runCase(suite, test, c, loaded.loaded) : { name: c.name, skipped: true, seconds: 0 });
    }
  }
  result.seconds = since(start);
  return result;
}

/**
 * A fresh engine with the Test's template and constraint. With `invalid: true` the Test
 * passes only when the constraint is refused on schema grounds.
 */
function loadTest(suite: Suite, test: TestSpec): { loaded: Loaded } | { error: string } {
  if (!test.template) return { error: 'invalid Suite: missing template' };
  if (!test.constraint) return { error: 'invalid Suite: missing constraint' };
  let loaded: Loaded;
  let source: TemplateText;
  try {
    const text = readText(suite, test.template);
    const template = firstObject(text, test.template);
    source = templateText(text, test.template);
    if (!isConstraintTemplate(template)) {
      return { error: `not a ConstraintTemplate: ${goQuote(test.template)} holds ${describe(template)}` };
    }
    const constraint = readFirstObject(suite, test.constraint);
    if (gvkOf(constraint).group !== CONSTRAINT_GROUP) {
      return { error: `not a Constraint: ${goQuote(test.constraint)} holds ${describe(constraint)}` };
    }
    loaded = { template: { object: template, origin: { file: test.template }, source }, constraint: { object: constraint, origin: { file: test.constraint } } };
  } catch (e) {
    return { error: (e as Error).message };
  }

  const out = evaluate({ objects: [loaded.template, loaded.constraint], options: { ...VERIFY_OPTIONS, inventory: [] } });
  const templateError = out.errors.find((e) => e.origin !== loaded.constraint.origin);
  if (templateError) return { error: `adding template: ${placed(templateError)}` };
  const constraintError = out.errors[0]?.message ?? unservedVersion(loaded.constraint.object);
  if (!test.invalid) return constraintError ? { error: `adding constraint: ${constraintError}` } : { loaded };
  if (!constraintError) return { error: 'constraint should be invalid: it was accepted' };
  if (!isSchemaRejection(loaded.template.object, loaded.constraint.object)) {
    return { error: `constraint should be invalid with a schema error, got: ${constraintError}` };
  }
  return { loaded };
}

/**
 * gator refuses `constraints.gatekeeper.sh/v1`, which offgate's engine reads as v1beta1
 * (with a warning) because Gatekeeper's docs use it; suites must fail as under gator.
 */
function unservedVersion(constraint: K8sObject): string | undefined {
  const { version, kind } = gvkOf(constraint);
  if (CONSTRAINT_VERSIONS.includes(version)) return undefined;
  const served = CONSTRAINT_VERSIONS.map((v) => `${CONSTRAINT_GROUP}/${v}`).join(' or ');
  return `${kind}/${String(constraint.metadata?.name ?? '')}: apiVersion: must be ${served}, got ${goQuote(String(constraint.apiVersion))}`;
}

function describe(obj: K8sObject): string {
  return `${String(obj.apiVersion ?? '<no apiVersion>')}/${String(obj.kind ?? '<no kind>')}`;
}

/**
 * Whether Gatekeeper refuses the constraint with a schema error (the only refusal an
 * `invalid: true` Test accepts): the checks it runs before the schema pass (§4.1: name and
 * kind present, group, template, selectors, DNS-1123 name, kind, version), and the schema
 * of §3.5 finds a wrong type, enum or pattern. Unknown fields are another kind of error.
 */
export function isSchemaRejection(template: K8sObject, constraint: K8sObject): boolean {
  const info = readTemplate(template);
  const name = constraint.metadata?.name;
  const gvk = gvkOf(constraint);
  if (typeof name !== 'string' || name === '' || gvk.kind === '') return false;
  if (gvk.group !== CONSTRAINT_GROUP || gvk.kind !== info.kind) return false;
  if (!CONSTRAINT_VERSIONS.includes(gvk.version)) return false;
  const match = isPlainObject(constraint.spec) ? (constraint.spec.match as Match | undefined) : undefined;
  const selectors = isPlainObject(match) ? [match.labelSelector, match.namespaceSelector] : [];
  if (selectors.some((s) => isSelectorShaped(s) && selectorErrors(s, 'selector').length > 0)) return false;
  if (!isDns1123Subdomain(name)) return false;

  const schema = constraintSchema(info);
  if (validate(schema, applyDefaults(schema, constraint), '', { pruneUnknown: 'allow' }).length > 0) return true;
  // The match patterns and `source` enum belong to the CRD's schema in Gatekeeper.
  if (!isPlainObject(match)) return false;
  const { labelSelector: _l, namespaceSelector: _n, ...rest } = match;
  return validateMatch(rest).length > 0;
}

function isSelectorShaped(s: unknown): s is LabelSelector {
  if (!isPlainObject(s)) return false;
  const { matchLabels, matchExpressions } = s;
  return (matchLabels == null || isPlainObject(matchLabels)) && (matchExpressions == null || (Array.isArray(matchExpressions) && matchExpressions.every(isPlainObject)));
}

function runCase(suite: Suite, test: TestSpec, c: CaseSpec, loaded: Loaded): CaseResult {
  const start = performance.now();
  let error: string | undefined;
  try {
    error = checkCase(suite, test, c, loaded);
  } catch (e) {
    error = (e as Error).message;
  }
  return { name: c.name, skipped: false, seconds: since(start), ...optional('error', error) };
}

/** The case's first failure, or undefined when it passes. File problems throw. */
function checkCase(suite: Suite, test: TestSpec, c: CaseSpec, loaded: Loaded): string | undefined {
  if (!c.object) return 'invalid Case: must define object';
  if (c.assertions.length === 0) return 'invalid Case: assertions must be non-empty';
  const objects = readObjects(suite, c.object);
  if (objects.length === 0) return `missing objects: ${goQuote(c.object)} defines no objects`;
  if (objects.length > 1) return `object file must contain exactly one object: ${goQuote(c.object)} defines ${objects.length} objects`;
  const object = objects[0]!;
  if (isAdmissionReview(object)) {
    const problem = admissionReviewProblem(object);
    if (problem) return `not a valid AdmissionReview object: ${problem}`;
  }
  const inventory = c.inventory.flatMap((path) => readObjects(suite, path));
  const expansions = test.expansion ? readObjects(suite, test.expansion) : [];
  const notExpansion = expansions.find((o) => !isExpansionTemplate(o));
  if (notExpansion) return `not an ExpansionTemplate: ${goQuote(test.expansion!)} holds ${describe(notExpansion)}`;

  const results = reviewCase(loaded, object, inventory, expansions.map((o) => ({ object: o, origin: { file: test.expansion! } })));
  if ('error' in results) return results.error;
  for (const a of c.assertions) {
    const failure = checkAssertion(a, results.results);
    if (failure) return failure;
  }
  return undefined;
}

/**
 * The review of one case object in a fresh engine: results deduplicated by (msg, details),
 * or the first error (expansion templates, AdmissionReview, expansion). The case's
 * inventory fills data.inventory and is where namespaceSelector finds Namespaces.
 */
function reviewCase(loaded: Loaded, object: K8sObject, inventory: K8sObject[], expansions: Located[]): { results: Result[] } | { error: string } {
  const out = evaluate({
    objects: [loaded.template, loaded.constraint, ...expansions],
    review: [{ object, origin: { file: 'case object' } }],
    options: { ...VERIFY_OPTIONS, inventory },
  });
  const error = out.errors[0];
  if (error) return { error: error.message };
  return { results: dedupe(out.results) };
}

function dedupe(results: Result[]): Result[] {
  const seen = new Set<string>();
  return results.filter((r) => {
    const key = `${r.message}\0${canonicalJson(r.details)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function canonicalJson(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

// ---------------------------------------------------------------------------------------
// AdmissionReview, converted strictly (§6.2)

type FieldShape = 'string' | 'boolean' | 'any' | 'strings' | 'extra' | { [field: string]: FieldShape };

const GVK_SHAPE: FieldShape = { group: 'string', version: 'string', kind: 'string' };
const GVR_SHAPE: FieldShape = { group: 'string', version: 'string', resource: 'string' };

const ADMISSION_REVIEW_SHAPE: FieldShape = {
  apiVersion: 'string',
  kind: 'string',
  request: {
    uid: 'string',
    kind: GVK_SHAPE,
    resource: GVR_SHAPE,
    subResource: 'string',
    requestKind: GVK_SHAPE,
    requestResource: GVR_SHAPE,
    requestSubResource: 'string',
    name: 'string',
    namespace: 'string',
    operation: 'string',
    userInfo: { username: 'string', uid: 'string', groups: 'strings', extra: 'extra' },
    object: 'any',
    oldObject: 'any',
    dryRun: 'boolean',
    options: 'any',
  },
  response: 'any',
};

/** Why the AdmissionReview does not convert to its Go type (unknown field, wrong type), if it does not. */
function admissionReviewProblem(review: K8sObject): string | undefined {
  return shapeProblem(review, ADMISSION_REVIEW_SHAPE, '');
}

function shapeProblem(value: unknown, shape: FieldShape, path: string): string | undefined {
  if (value == null || shape === 'any') return undefined;
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => s == null || typeof s === 'string');
  switch (shape) {
    case 'string':
    case 'boolean':
      return typeof value === shape ? undefined : `${path}: must be a ${shape}, got ${JSON.stringify(value)}`;
    case 'strings':
      return strings(value) ? undefined : `${path}: must be a list of strings`;
    case 'extra':
      return isPlainObject(value) && Object.values(value).every((v) => v == null || strings(v))
        ? undefined
        : `${path}: must map strings to lists of strings`;
  }
  if (!isPlainObject(value)) return `${path}: must be an object, got ${JSON.stringify(value)}`;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    const childShape = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (!childShape) return `unknown field ${goQuote(childPath)}`;
    const problem = shapeProblem(child, childShape, childPath);
    if (problem) return problem;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Assertions (§10.2)

const BAD_VIOLATIONS = 'invalid yaml: assertion.violations, if set, must be a nonnegative integer, "yes", or "no"';

/** Why the assertion fails on these (deduplicated) results, or undefined when it holds. */
export function checkAssertion(a: AssertionSpec, results: readonly Pick<Result, 'message'>[]): string | undefined {
  let regex: RegExp | undefined;
  if (a.message) {
    try {
      regex = goRegExp(a.message);
    } catch (e) {
      return `message contains invalid regular expression: ${goQuote(a.message)}: ${(e as Error).message}`;
    }
  }
  const messages = results.map((r) => r.message);
  const matching = messages.filter((m) => !regex || regex.test(m)).length;
  const what = a.message === undefined ? 'violations' : `violations containing ${goQuote(a.message)}`;
  const got = `got ${matching} ${what}`;
  const listed = `got messages [${messages.join(' ')}]`;
  const want = a.violations ?? 'yes';

  if (typeof want === 'number') {
    if (!Number.isInteger(want) || want < 0) return BAD_VIOLATIONS;
    return matching === want ? undefined : `unexpected number of violations: ${got} but want exactly ${want}: ${listed}`;
  }
  if (want === 'yes') return matching > 0 ? undefined : `unexpected number of violations: ${got} but want at least 1: ${listed}`;
  if (want === 'no') return matching === 0 ? undefined : `unexpected number of violations: ${got} but want none: ${listed}`;
  return BAD_VIOLATIONS;
}
