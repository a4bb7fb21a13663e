// `offgate lint` as a library function: manifests in, one Report out. The
// steps read top to bottom: read inputs and policies, choose the constraints
// (environment, or the user's own under --policy; never the linted files': see
// policy.ts), evaluate with the engine, place each finding at its field in the file.
import { append, compareText, uniqueBy } from '../arrays';
import { dirname, relative, resolve } from 'node:path';
import { loadConfig } from '../config/load';
import type { Config } from '../config/model';
import { environmentRouter, routesByPath } from '../config/paths';
import { resolveEnvironment, type ResolvedEnvironment } from '../config/resolve';
import { compileLibraryModule, loadLibraryWasm, entrypointOf, compilerVersion } from '../gatekeeper/bundled-wasm';
import { cacheDir, parsedFileStore } from '../gatekeeper/module-cache';
import { compileTemplateSetAhead } from '../gatekeeper/template-set';
import { evaluate, type EngineInput, type EngineOutput, type Located, type PrecompiledTemplate, type Result } from '../gatekeeper/engine';
import { threadsFor } from '../gatekeeper/threads';
import { bundledTemplates, renderConstraintTemplate, type BundledTemplate } from '../gatekeeper/library';
import { GATEKEEPER_NAMESPACE, METADATA_NAME_LABEL, isClusterScoped, syntheticNamespace } from '../gatekeeper/match';
import { gvkOf, isNamespaceObject, type K8sObject, type LabelSelector } from '../gatekeeper/types';
import { fileTemplateText, isConstraintTemplate } from '../gatekeeper/templates';
import { cachedParser, DEFAULT_MAX_FILE_SIZE, formatReadError, readManifests, type ManifestObject, type ReadError } from '../manifests';
import { checkLimits, DEFAULT_LIMITS } from '../policy/limits';
import type { Finding, InputError, Report } from '../report/model';
import { summarize } from '../report/summary';
import { applyRendering, isRendered, type KustomizeMode } from '../render';
import { shardSource, takeShard, type Shard } from '../shard/shard';
import { mark } from '../timings';
import { describeContents, listed, objectLabel, plural, policyKindOf, sortPolicyObjects, type PolicyContents } from './policy';

export interface LintOptions {
  /** Files, folders, globs, or `-` for stdin. */
  paths: string[];
  cwd?: string;
  stdin?: NodeJS.ReadableStream | string;
  /** `--env NAME`: an environment of offgate.yaml, or a preset (baseline, restricted). */
  env?: string;
  /** `--config FILE`; default: offgate.yaml found upward from cwd. */
  configPath?: string;
  /**
   * `--policy DIR`: ConstraintTemplates, Constraints, ExpansionTemplates and Gatekeeper's
   * Config of the user's own (a GitOps repository), and Namespaces as cluster state. The
   * only place policy is taken from besides the environment: policy objects among `paths`
   * are linted, not applied.
   */
  policyDirs?: string[];
  /** `--namespace NS`: where namespaced objects without a namespace land (default `default`). */
  namespace?: string;
  /** `--timeout SECONDS` in milliseconds: evaluation deadline per template and object (the CLI passes 30,000, Gatekeeper's maximum webhook timeout; 0 for none). */
  timeoutMs?: number;
  /** Maximum memory of each template's module, in bytes (default 1 GiB). */
  memoryLimitBytes?: number;
  /** `--max-file-size SIZE` in bytes: larger inputs are refused, not read (manifests, policies, offgate.yaml; default 64 MiB). */
  maxFileSize?: number;
  /** `--gatekeeper-namespace NS`: where Gatekeeper runs; under --policy, only its Config named `config` is read. Default `gatekeeper-system`. */
  gatekeeperNamespace?: string;
  /** `--strict`: a file that holds no Kubernetes object is an input error instead of skipped. */
  strict?: boolean;
  /** `--exclude GLOB` (repeatable): gitignore-style patterns, relative to `cwd`, of inputs not to read. */
  exclude?: string[];
  /** `--kustomize`: build kustomizations with kustomize or kubectl (auto, the default: when on PATH; always; never). */
  kustomize?: KustomizeMode;
  /** `--helm-values FILE`: values for every chart rendered with `helm template`. */
  helmValues?: string[];
  /** Deadline of each renderer run (kustomize, helm), in milliseconds (default 120,000). */
  renderTimeoutMs?: number;
  /** `--shard I/N`: review only this shard's files (by path hash); the others are still cluster state. */
  shard?: Shard;
  /** Called with the number of files read so far (progress display). */
  onProgress?: (done: number) => void;
  /**
   * `--jobs N`: evaluate on up to N threads, each a worker running `script` (offgate's CLI,
   * bin/offgate.js), when there are objects enough for them (src/gatekeeper/threads.ts).
   * Default: this thread only.
   */
  parallel?: { jobs: number; script: string };
}

export interface LintOutcome {
  report: Report;
  /** The configuration itself is unusable (unknown environment, bad offgate.yaml): nothing was linted. */
  fatal?: string;
  /** Every problem when there are several (offgate.yaml's errors, all at once); the first is `fatal`. */
  fatalErrors?: string[];
  /** What was applied, for commands that explain a finding (`offgate explain`): absent when `fatal`. */
  applied?: AppliedPolicy;
}

/** The policy a lint applied, and the policy objects among the inputs it did not. */
export interface AppliedPolicy {
  /** The environment or preset whose constraints applied (none: `--policy` constraints alone). */
  environment?: string;
  /** The Constraints evaluated: the environment's (no origin), then those under `--policy` (with their file:line). */
  constraints: { object: K8sObject; origin?: { file: string; line?: number; column?: number }; environment?: string }[];
  /** The ConstraintTemplates under `--policy` that were applied, with their file:line. */
  templates: { object: K8sObject; origin: { file: string; line?: number; column?: number } }[];
  /** Constraints among the linted inputs: linted, never applied. */
  notApplied: { object: K8sObject; origin: { file: string; line?: number; column?: number } }[];
}

export async function lint(opts: LintOptions): Promise<LintOutcome> {
  const badLimits = checkLimits({ timeoutMs: opts.timeoutMs ?? DEFAULT_LIMITS.timeoutMs, memoryLimitBytes: opts.memoryLimitBytes ?? DEFAULT_LIMITS.memoryLimitBytes });
  if (badLimits) return { report: emptyReport([]), fatal: badLimits };
  const cwd = opts.cwd ?? process.cwd();
  const gatekeeperNamespace = opts.gatekeeperNamespace ?? GATEKEEPER_NAMESPACE;
  // An environment applies unless only --policy constraints do: the bundled templates'
  // module then compiles on another thread while offgate.yaml and the inputs are read.
  if (opts.env || !opts.policyDirs?.length) void compileLibraryModule();
  // offgate.yaml first: its `exclude:` says what not to read (relative to its own folder).
  const loaded = loadConfig({ cwd, configPath: opts.configPath, maxFileSize: opts.maxFileSize });
  if ('error' in loaded) return { report: emptyReport([]), fatal: loaded.error, fatalErrors: loaded.errors };
  const exclude = [{ patterns: opts.exclude ?? [] }, { base: loaded.config ? dirname(loaded.config.path) : undefined, patterns: loaded.config?.exclude ?? [] }];
  mark('offgate.yaml read');
  if (loaded.config) void compileLibraryModule();
  // One folder at a time, so that the sources line can say what each brought.
  const policyDirs: { dir: string; label: string; contents: PolicyContents<ManifestObject> }[] = [];
  const policyErrors: ReadError[] = [];
  const policyWarnings: ReadError[] = [];
  const policyFiles = new Set<string>();
  // --policy folders, then offgate.yaml's `policy:` (relative to its own folder), each read once.
  const configPolicy = (loaded.config?.policy ?? []).map((d) => relative(cwd, resolve(dirname(loaded.config!.path), d)) || '.');
  const flagged = opts.policyDirs ?? [];
  const policyFolders = [
    ...flagged.map((dir) => ({ dir, label: `--policy ${dir}` })),
    ...configPolicy.filter((d) => !flagged.some((p) => resolve(cwd, p) === resolve(cwd, d))).map((dir) => ({ dir, label: `policy ${dir} of ${loaded.config!.file}` })),
  ];
  // A repository's policy seldom changes between runs: its files are parsed once, then read
  // from the cache (src/manifests/parse-cache.ts).
  const parse = policyFolders.length > 0 ? cachedParser(parsedFileStore()) : undefined;
  for (const { dir, label } of policyFolders) {
    const r = await readManifests([dir], { cwd, maxFileSize: opts.maxFileSize, parse });
    append(policyErrors, r.errors);
    append(policyWarnings, r.warnings);
    for (const f of r.files) policyFiles.add(resolve(cwd, f));
    policyDirs.push({ dir, label, contents: sortPolicyObjects(r.objects, (m) => m.object as K8sObject, gatekeeperNamespace) });
  }
  const policy = mergeContents(policyDirs.map((p) => p.contents));
  // The policy's own templates, compiled together: their module, when cached, compiles on
  // another thread while the inputs are read (engine.ts takes it from there).
  const templateSetAhead = compileTemplateSetAhead(
    policy.templates.map((m) => ({ object: m.object as K8sObject, file: m.origin.file })),
    cacheDir(),
  );
  const read = await readManifests(opts.paths, { cwd, stdin: opts.stdin, maxFileSize: opts.maxFileSize, skipNonKubernetes: true, exclude });
  // Kustomizations and charts: what they render is linted in place of their files (src/render).
  await applyRendering(read, opts.paths, { cwd, kustomize: opts.kustomize, helmValues: opts.helmValues, timeoutMs: opts.renderTimeoutMs, maxFileSize: opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE });
  // A file of another tool (a workflow, a compose file) is accounted for, not linted; --strict
  // wants every input to be a manifest.
  if (opts.strict) {
    for (const s of read.skipped) read.errors.push({ file: s.file, message: `${s.reason}: not linted (--strict)` });
    read.skipped = [];
  }
  // A document without apiVersion or kind is no Kubernetes object: an input error, as the API server says.
  const notObjects = read.objects.filter((m) => typeof m.object.apiVersion !== 'string' || typeof m.object.kind !== 'string' || !m.object.apiVersion || !m.object.kind);
  if (notObjects.length > 0) {
    read.objects = read.objects.filter((m) => !notObjects.includes(m));
    for (const m of notObjects) {
      const missing = typeof m.object.kind === 'string' && m.object.kind ? 'apiVersion' : 'kind';
      read.errors.push({ ...m.origin, message: `not a Kubernetes object: ${missing} is not set` });
    }
  }
  opts.onProgress?.(read.files.length);
  // --shard I/N: this run reviews its share of the files; every input stays cluster state (src/shard).
  const others = opts.shard ? takeShard(read, opts.shard, cwd) : undefined;
  mark('inputs and --policy folders read (YAML)');

  const byOrigin = new Map<object, ManifestObject>();
  const located = (m: ManifestObject): Located => {
    byOrigin.set(m.origin, m);
    // A template's Rego errors are placed in its file (read again only when there is one).
    if (isConstraintTemplate(m.object as K8sObject)) return { object: m.object as K8sObject, origin: m.origin, source: fileTemplateText(resolve(cwd, m.origin.file), (path) => m.locate(path), opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE) };
    return { object: m.object as K8sObject, origin: m.origin };
  };
  const errors: InputError[] = [...read.errors, ...policyErrors].map(readError);
  const warnings: string[] = [...read.warnings, ...policyWarnings].map(formatReadError);

  // The linted files were written by whoever opened the pull request: their policy
  // objects are reviewed like any other object, and never change the policy.
  // The policy objects of a policy folder that is also among the inputs (`offgate lint .` with
  // `--policy policy/`) are the repository's policy: applied from there, not linted twice.
  // Other objects there (a Pod) are linted, as inputs.
  // Policy kinds first: resolving a path for each of 10^4 objects costs more than the check.
  const isAppliedPolicy = (m: ManifestObject) => policyFiles.size > 0 && policyKindOf(m.object as K8sObject) !== undefined && policyFiles.has(resolve(cwd, m.origin.file));
  read.objects = read.objects.filter((m) => !isAppliedPolicy(m));
  // (Counted over every shard's files: each shard then says the same, and `offgate merge` keeps it once.)
  const notApplied = [...read.objects, ...(others?.objects ?? [])].filter((m) => policyKindOf(m.object as K8sObject) !== undefined && !policyFiles.has(resolve(cwd, m.origin.file)));
  if (notApplied.length > 0) {
    warnings.push(`${plural(notApplied.length, 'policy object')} among the inputs ${notApplied.length === 1 ? 'was' : 'were'} not applied; pass --policy DIR to use them`);
  }
  for (const m of policy.ignoredConfigs) {
    warnings.push(`${at(m.origin)}: ${objectLabel(m.object as K8sObject)} is not the Config Gatekeeper reads (config in namespace ${gatekeeperNamespace}): not applied`);
  }
  const inputFiles = new Set([...read.files, ...(others?.files ?? [])].map((f) => resolve(cwd, f)));
  const unlinted = policy.other.filter((m) => !inputFiles.has(resolve(cwd, m.origin.file)));
  if (unlinted.length > 0) {
    const n = unlinted.length;
    warnings.push(
      `${plural(n, 'object')} under --policy (${listed(unlinted.map((m) => m.object as K8sObject))}) ${n === 1 ? 'is' : 'are'} not policy and ${n === 1 ? 'was' : 'were'} not linted; pass ${n === 1 ? 'it as an input' : 'them as inputs'} to lint ${n === 1 ? 'it' : 'them'}`,
    );
  }

  // Which constraints apply: an environment (chosen, or from offgate.yaml, or the default
  // preset), unless the user brought constraints of their own and chose no environment.
  // Without --env, offgate.yaml's `paths:` may send each file to an environment of its own:
  // the objects are then grouped by environment, and each group evaluated with its constraints.
  warnings.push(...(loaded.warnings ?? []));
  const sources: string[] = [];
  const routed = !opts.env && routesByPath(loaded.config);
  let groups: Group[];
  if (routed) {
    const byEnvironment = groupByEnvironment(loaded.config as Config, read.objects, cwd, errors);
    groups = byEnvironment.groups;
    sources.push(...byEnvironment.sources);
  } else if (opts.env || loaded.config || policy.constraints.length === 0) {
    const env = resolveEnvironment(loaded.config, opts.env);
    if ('error' in env) return { report: emptyReport([]), fatal: env.error };
    groups = [{ env, objects: read.objects }];
    sources.push(env.source);
  } else {
    groups = [{ objects: read.objects }];
  }
  const envConstraints = groups.flatMap((g) => g.env?.constraints ?? []);

  // A --policy template may bring a kind of its own, or replace a bundled template nothing
  // else relies on; replacing one the environment's constraints use would change what the
  // environment means without a word.
  const envKinds = new Set(envConstraints.map((c) => String(c.kind)));
  const bundledKinds = new Set(bundledTemplates().map((t) => t.metadata.kind));
  const templates = policy.templates.filter((m) => {
    const kind = templateKind(m.object as K8sObject);
    if (!envKinds.has(kind) || !bundledKinds.has(kind)) return true;
    const name = String((m.object as K8sObject).metadata?.name ?? '');
    const envSource = groups.find((g) => g.env?.constraints.some((c) => c.kind === kind))!.env!.source;
    errors.push({ ...m.origin, message: `ConstraintTemplate ${name}: ${kind} is a bundled template, and the ${envSource} uses it; a --policy template cannot replace it (give it a kind of its own)` });
    return false;
  });
  for (const p of policyDirs) sources.push(`${p.label} (${describeContents({ ...p.contents, templates: p.contents.templates.filter((m) => templates.includes(m)) })})`);
  const userTemplateKinds = new Set(templates.map((m) => templateKind(m.object as K8sObject)));

  // Constraints of a bundled kind use the bundled template unless the user brings one.
  const kinds = new Set([...envConstraints, ...policy.constraints.map((m) => m.object as K8sObject)].map((c) => String(c.kind)));
  const bundled = bundledTemplates().filter((t) => kinds.has(t.metadata.kind) && !userTemplateKinds.has(t.metadata.kind));
  const libraryModule = bundled.length > 0 ? await compileLibraryModule() : undefined;
  await templateSetAhead;
  const precompiled = bundled.map((t) => precompile(t, libraryModule));

  mark('environment and templates picked');
  // The cluster as far as anyone can tell: the linted objects, the Namespaces under --policy,
  // and the namespaces offgate.yaml describes (`namespaces:`, whose labels win).
  const namespaceLabels = loaded.config?.namespaceLabels ?? {};
  // Under --shard, the other shards' files are cluster state too (their Namespaces, the inventory).
  const clusterState = [...policy.namespaces, ...read.objects, ...(others?.objects ?? []).filter((m) => !isAppliedPolicy(m))];
  const knownNamespaces = clusterState.map((m) => m.object as K8sObject).filter(isNamespaceObject);
  const described = new Set([...knownNamespaces.map((n) => String(n.metadata?.name ?? '')), ...Object.keys(namespaceLabels)]);
  const inventory = [
    ...clusterState.map((m) => m.object as K8sObject),
    ...Object.entries(namespaceLabels).filter(([name]) => !knownNamespaces.some((n) => n.metadata?.name === name)).map(([name, labels]) => syntheticNamespace(name, labels)),
  ];
  const policySelects = policy.constraints.some((m) => (m.object as K8sObject & { spec?: { match?: { namespaceSelector?: unknown } } }).spec?.match?.namespaceSelector != null);

  const applied = [...templates, ...policy.constraints, ...policy.expansions, ...policy.configs, ...policy.namespaces];
  const out: EngineOutput = { results: [], errors: [], warnings: [] };
  const environmentOf = new Map<Result, string>();
  // One evaluation per environment, and per part of it whose namespaceSelectors could not be
  // decided; at least one, so that the --policy objects' load errors are reported even with
  // nothing to review.
  const evaluations = groups.flatMap((group) => splitUndecided(group, described, opts.namespace, warnings).map((part) => ({ group, part }))).filter((e) => e.part.objects.length > 0);
  if (evaluations.length === 0) evaluations.push({ group: groups[0] ?? { objects: [] }, part: { objects: [], constraints: groups[0]?.env?.constraints ?? [], undescribed: [] } });
  for (const { group, part } of evaluations) {
    const undecided = Object.fromEntries(part.undescribed.map((ns) => [ns, {}]));
    const engineInput: EngineInput = {
      objects: [...part.constraints.map((object) => ({ object })), ...applied.map(located)],
      review: part.objects.map(located),
      precompiled,
      options: {
        defaultNamespace: opts.namespace,
        gatekeeperNamespace,
        timeoutMs: opts.timeoutMs,
        memoryLimitBytes: opts.memoryLimitBytes,
        inventory,
        // An undescribed namespace whose selectors read only kubernetes.io/metadata.name is
        // decided on that label alone (unless a --policy selector would then go unwarned).
        namespaceLabels: policySelects ? namespaceLabels : { ...undecided, ...namespaceLabels },
      },
    };
    // Enough objects for several threads: the same evaluation in parts (src/gatekeeper/parallel.ts).
    const threads = opts.parallel ? threadsFor(part.objects.length, opts.parallel.jobs) : 1;
    const result = threads > 1 ? await (await import('../gatekeeper/parallel')).evaluateInParallel(engineInput, { ...opts.parallel!, jobs: threads }) : evaluate(engineInput);
    if (routed && group.env) for (const r of result.results) environmentOf.set(r, group.env.environment);
    append(out.results, result.results);
    append(out.errors, result.errors);
    append(out.warnings, result.warnings);
  }
  // Each group loads the same --policy objects: their load errors and warnings are said once.
  out.errors = uniqueBy(out.errors, (e) => JSON.stringify([e.message, e.origin]));
  out.warnings = [...new Set(out.warnings)];
  if (evaluations.length > 1) out.results.sort((a, b) => compareText(a.enforcementAction, b.enforcementAction) || compareText(a.message, b.message));

  mark('evaluation');
  const fixes = new Map(bundled.map((t) => [t.metadata.kind, t.metadata.fix]));
  const findings = out.results.map((r) => toFinding(r, byOrigin, fixes, environmentOf.get(r)));
  for (const e of out.errors) errors.push({ file: e.origin?.file ?? '', line: e.origin?.line, column: e.origin?.column, message: e.message });
  if (opts.shard && others) sources.push(shardSource(opts.shard, read.files.length, others.total));
  const report: Report = {
    version: compilerVersion(),
    sources,
    findings,
    errors,
    warnings: [...warnings, ...out.warnings],
    skipped: read.skipped,
    summary: summarize({ findings, errors, files: read.files.length, objects: read.objects.length, skipped: read.skipped.length }),
  };
  mark('findings placed in their files');
  const appliedPolicy: AppliedPolicy = {
    // One environment for the whole run (paths: may send files to several: then none is named).
    environment: groups.length === 1 ? groups[0]!.env?.environment : undefined,
    // Each environment's constraints with their environment (offgate.yaml's paths: may apply several).
    constraints: [
      ...groups.flatMap((g) => (g.env ? g.env.constraints.map((object) => ({ object, environment: g.env!.environment })) : [])),
      ...policy.constraints.map((m) => ({ object: m.object as K8sObject, origin: m.origin })),
    ],
    templates: templates.map((m) => ({ object: m.object as K8sObject, origin: m.origin })),
    notApplied: notApplied.filter((m) => policyKindOf(m.object as K8sObject) === 'Constraint').map((m) => ({ object: m.object as K8sObject, origin: m.origin })),
  };
  return { report, applied: appliedPolicy };
}

/** Objects checked against one environment (none: only --policy constraints apply). */
interface Group {
  env?: ResolvedEnvironment;
  objects: ManifestObject[];
}

/**
 * offgate.yaml's `paths:` at work: each object goes to the first environment whose paths match
 * its file, else to the default one. Files that need the default when there is none (several
 * environments, none named `default`) are input errors, one per file. The sources say which
 * environment checked how many files, in the order of offgate.yaml.
 */
function groupByEnvironment(config: Config, objects: ManifestObject[], cwd: string, errors: InputError[]): { groups: Group[]; sources: string[] } {
  const route = environmentRouter(config, cwd);
  const byName = new Map<string | undefined, ManifestObject[]>();
  for (const m of objects) {
    const name = route(m.origin.file);
    byName.set(name, [...(byName.get(name) ?? []), m]);
  }
  const groups: Group[] = [];
  const sources: string[] = [];
  const order = [...config.environments.keys(), undefined];
  for (const name of order.filter((n) => byName.has(n))) {
    const members = byName.get(name)!;
    const env = resolveEnvironment(config, name);
    const files = [...new Set(members.map((m) => m.origin.file))];
    if ('error' in env) {
      const message =
        name === undefined
          ? `matches the paths of no environment of ${config.file}, and none is named "default": add it to an environment's paths, add a "default" environment, or choose one with --env`
          : env.error;
      for (const file of files) errors.push({ file, message });
      continue;
    }
    groups.push({ env, objects: members });
    sources.push(`${env.source}: ${plural(files.length, 'file')}${name === undefined ? ' (in the paths of no environment)' : ''}`);
  }
  if (groups.length === 0) {
    // Nothing was linted: the sources still say what the default would have been.
    const fallback = resolveEnvironment(config, undefined);
    if (!('error' in fallback)) sources.push(fallback.source);
  }
  return { groups, sources };
}

/** A part of a group: its objects, and the constraints that can be decided for them. */
interface Part {
  objects: ManifestObject[];
  constraints: K8sObject[];
  /** Namespaces of these objects nobody describes (no Namespace object, not in offgate.yaml). */
  undescribed: string[];
}

/**
 * A namespaceSelector reads the labels of the object's Namespace. For an object in a namespace
 * nobody describes, a selector that needs any label but kubernetes.io/metadata.name (which the
 * API server sets) cannot be decided: those constraints are left out for such objects, and a
 * warning per namespace says so. Gatekeeper's gator rejects such objects instead (autoreject);
 * deciding for the user either way would be a guess.
 */
function splitUndecided(group: Group, described: Set<string>, defaultNamespace: string | undefined, warnings: string[]): Part[] {
  const constraints = group.env?.constraints ?? [];
  const undecidable = constraints.filter((c) => needsNamespaceLabels(c));
  if (undecidable.length === 0) {
    const undescribed = group.objects.map((m) => namespaceOf(m.object as K8sObject, defaultNamespace)).filter((ns): ns is string => ns !== undefined && !described.has(ns));
    return [{ objects: group.objects, constraints, undescribed: [...new Set(undescribed)] }];
  }
  const decided: ManifestObject[] = [];
  const undecided = new Map<string, ManifestObject[]>();
  for (const m of group.objects) {
    const ns = namespaceOf(m.object as K8sObject, defaultNamespace);
    if (ns === undefined || described.has(ns)) decided.push(m);
    else undecided.set(ns, [...(undecided.get(ns) ?? []), m]);
  }
  for (const [ns, members] of undecided) {
    const names = undecidable.map((c) => String(c.metadata?.name));
    const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
    warnings.push(
      `namespace "${ns}" is described by no Namespace object (among the inputs or under --policy) and not under "namespaces:" in offgate.yaml: ` +
        `whether the namespaceSelector of ${shown} matches ${listed(members.map((m) => m.object as K8sObject))} could not be decided, so ${names.length === 1 ? 'it was' : 'they were'} not applied there`,
    );
  }
  const rest = constraints.filter((c) => !undecidable.includes(c));
  return [
    { objects: decided, constraints, undescribed: [] },
    { objects: [...undecided.values()].flat(), constraints: rest, undescribed: [...undecided.keys()] },
  ];
}

/** Whether a constraint's namespaceSelector reads a label other than kubernetes.io/metadata.name. */
function needsNamespaceLabels(constraint: K8sObject): boolean {
  const selector = (constraint.spec as { match?: { namespaceSelector?: LabelSelector } } | undefined)?.match?.namespaceSelector;
  if (selector == null) return false;
  const keys = [...Object.keys(selector.matchLabels ?? {}), ...(selector.matchExpressions ?? []).map((e) => e.key)];
  return keys.some((k) => k !== METADATA_NAME_LABEL);
}

/** The namespace an object lands in (`--namespace`, else `default`, when it names none); undefined for cluster-scoped kinds. */
function namespaceOf(obj: K8sObject, defaultNamespace: string | undefined): string | undefined {
  if (isNamespaceObject(obj) || isClusterScoped(gvkOf(obj))) return undefined;
  const own = obj.metadata?.namespace;
  return typeof own === 'string' && own !== '' ? own : (defaultNamespace ?? 'default');
}



function mergeContents<T>(all: PolicyContents<T>[]): PolicyContents<T> {
  const merged: PolicyContents<T> = { templates: [], constraints: [], expansions: [], configs: [], ignoredConfigs: [], namespaces: [], other: [] };
  for (const c of all) for (const key of Object.keys(merged) as (keyof PolicyContents<T>)[]) append(merged[key], c[key]);
  return merged;
}

/** `file:line:col` of an object, for lines that are not findings. */
function at(origin: { file: string; line?: number; column?: number }): string {
  return origin.line === undefined ? origin.file : `${origin.file}:${origin.line}:${origin.column ?? 1}`;
}

function templateKind(t: K8sObject): string {
  return String((t.spec as { crd?: { spec?: { names?: { kind?: string } } } } | undefined)?.crd?.spec?.names?.kind ?? '');
}

/** A bundled template, evaluated in the shared library module (one instance for them all). */
function precompile(t: BundledTemplate, module: WebAssembly.Module | undefined): PrecompiledTemplate {
  return {
    kind: t.metadata.kind,
    wasm: loadLibraryWasm(),
    module,
    entrypoint: entrypointOf(t),
    template: renderConstraintTemplate(t, { code: false }) as K8sObject,
    readsInventory: t.readsInventory,
  };
}

/** A result placed at its field: the offending field's line when the template names it, else the object's. */
function toFinding(r: Result, byOrigin: Map<object, ManifestObject>, fixes: Map<string, string>, environment: string | undefined): Finding {
  const m = r.origin ? byOrigin.get(r.origin) : undefined;
  const at = m && r.path ? m.locate(r.path) : (m?.origin ?? r.origin);
  const finding: Finding = {
    file: at?.file ?? '',
    line: at?.line ?? 1,
    column: at?.column ?? 1,
    object: r.object,
    constraint: r.constraint,
    enforcementAction: r.enforcementAction,
    message: r.message,
    details: r.details,
  };
  if (r.workload) finding.workload = r.workload;
  if (r.scopedActions) finding.scopedActions = r.scopedActions;
  if (r.path) finding.path = r.path;
  if (m && isRendered(m)) finding.rendered = { ...m.rendered };
  const fix = fixes.get(r.constraint.kind);
  if (fix && !r.evaluationError && !r.autoreject) finding.fix = fix;
  if (r.evaluationError) finding.evaluationError = true;
  if (r.autoreject) finding.autoreject = true;
  if (environment !== undefined) finding.environment = environment;
  return finding;
}

function readError(e: ReadError): InputError {
  return { file: e.file, line: e.line, column: e.column, message: e.message };
}

function emptyReport(sources: string[]): Report {
  return { version: compilerVersion(), sources, findings: [], errors: [], warnings: [], skipped: [], summary: summarize({ findings: [], errors: [], files: 0, objects: 0 }) };
}
