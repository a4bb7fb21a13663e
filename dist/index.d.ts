/** A Kubernetes label selector (matchLabels and matchExpressions, ANDed). */
export interface LabelSelector {
	matchLabels?: Record<string, string>;
	matchExpressions?: {
		key: string;
		operator: string;
		values?: string[];
	}[];
}
declare const ENFORCEMENT_ACTIONS: readonly [
	"deny",
	"dryrun",
	"warn"
];
export type EnforcementAction = (typeof ENFORCEMENT_ACTIONS)[number];
type Parameters$1 = Record<string, unknown>;
/** Where a value is written in offgate.yaml (1-based), for errors and `offgate config show`. */
export interface Position {
	line: number;
	column: number;
}
/** One entry of Gatekeeper's `match.kinds`: empty lists (or `*`) match any group or kind. */
export interface MatchKind {
	apiGroups: string[];
	kinds: string[];
}
declare const MATCH_SCOPES: readonly [
	"*",
	"Cluster",
	"Namespaced"
];
export type MatchScope = (typeof MATCH_SCOPES)[number];
/**
 * Where and how a restriction is enforced, as opposed to what it checks. Allowed
 * on an environment (for all its restrictions) and on a single restriction.
 */
export interface Scope {
	enforcementAction?: EnforcementAction;
	/** Namespace patterns (`kube-*` allowed) the Constraints skip. */
	excludedNamespaces?: string[];
	/** When given, the only namespace patterns the Constraints apply to. */
	namespaces?: string[];
	/** Gatekeeper's `match.kinds`; default DEFAULT_KINDS. */
	kinds?: MatchKind[];
	/** Gatekeeper's `match.labelSelector`, on the reviewed object's labels. */
	labelSelector?: LabelSelector;
	/** Gatekeeper's `match.namespaceSelector`, on the labels of the object's Namespace. */
	namespaceSelector?: LabelSelector;
	/** Gatekeeper's `match.scope`. */
	scope?: MatchScope;
	/** Gatekeeper's `match.name`: an object name or pattern (`web-*`). */
	name?: string;
}
/** A restriction turned on, with its own parameters and scope when written. */
export interface RestrictionOn extends Scope {
	/** Absent when the YAML gave no Gatekeeper parameter: then inherited (or the defaults). */
	parameters?: Parameters$1;
}
/** `true` (on), `false` (off) or on with parameters and/or scope. */
export type RestrictionSetting = boolean | RestrictionOn;
export interface Environment extends Scope {
	/** A preset or another environment this one starts from. */
	extends?: string;
	/**
	 * `paths:`: gitignore-style patterns, relative to the configuration file's folder, of the
	 * files `offgate lint` checks against this environment when no `--env` is given. Not inherited.
	 */
	paths?: string[];
	/** Keyed by restriction name (template folder); restrictions not listed are inherited. */
	restrictions: Record<string, RestrictionSetting>;
	/**
	 * Where each value was written (offgate.yaml only; presets have none), keyed by its path
	 * in the environment: `enforcementAction`, `restrictions.capabilities`,
	 * `restrictions.capabilities.allowedCapabilities`.
	 */
	positions?: Record<string, Position>;
}
export interface Config {
	/** The file as shown in messages (relative to the working directory). */
	file: string;
	/** Absolute path of the file. */
	path: string;
	/** In file order. */
	environments: Map<string, Environment>;
	/** `exclude:`: gitignore-style patterns, relative to the file's folder, of paths `lint` does not read. */
	exclude?: string[];
	/** `policy:`: folders, relative to the file's folder, of the repository's own policy, as `--policy` (which adds to them). */
	policy?: string[];
	/** `namespaces:`: the labels of namespaces by name, for namespaceSelector (cluster state, like Namespace objects). */
	namespaceLabels?: Record<string, Record<string, string>>;
}
/** `warnings`, when there are any: a configuration file seen but not used, and why. */
export type LoadResult = {
	config: Config | null;
	warnings?: string[];
} | {
	error: string;
	errors: string[];
};
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
/** `-o json`'s document, as documented in json.md; also what the library API's `lint` returns. */
export interface JsonReport {
	version: string;
	sources: string[];
	results: JsonResult[];
	errors: JsonInputError[];
	warnings: string[];
	skipped: JsonSkippedFile[];
	summary: JsonSummary;
	/** The `--baseline` file results were compared with. */
	baseline?: string;
}
/** A file read but not linted: none of its documents has apiVersion and kind. */
export interface JsonSkippedFile {
	file: string;
	reason: string;
}
export interface JsonObjectRef {
	apiVersion: string;
	kind: string;
	namespace: string | null;
	name: string | null;
}
export interface JsonResult {
	file: string;
	line: number;
	column: number;
	object: JsonObjectRef;
	workload?: JsonObjectRef & {
		expansion: string;
		builtIn: boolean;
	};
	constraint: {
		kind: string;
		name: string;
	};
	enforcementAction: string;
	scopedActions?: string[];
	message: string;
	details: unknown;
	path?: string;
	fix?: string;
	evaluationError?: true;
	autoreject?: true;
	rendered?: {
		by: string;
		from: string;
	};
	environment?: string;
	baselined?: true;
}
export interface JsonInputError {
	file: string;
	line: number | null;
	column: number | null;
	message: string;
}
export interface JsonSummary {
	files: number;
	objects: number;
	skipped: number;
	byAction: Record<string, number>;
	errors: number;
	baselined?: number;
}
export interface LintOptions {
	/** Files, folders or globs, relative to `cwd`; `-` reads `stdin`. */
	paths: string[];
	cwd?: string;
	/** Text for `-` (or a stream). */
	stdin?: string | NodeJS.ReadableStream;
	/** An environment of offgate.yaml, or a preset: `baseline`, `restricted`. */
	env?: string;
	/** offgate.yaml to use (default: found upward from `cwd`). */
	configPath?: string;
	/** Folders of your own ConstraintTemplates and Constraints. */
	policyDirs?: string[];
	/** Namespace of objects that name none (default `default`). */
	namespace?: string;
	/** `deny` (default) or `warn`: which results make `exitCode` 1; `none`: no result does. */
	failOn?: "deny" | "warn" | "none";
	/** Evaluation deadline per template and object, in ms (default 30,000). */
	timeoutMs?: number;
	/** Larger input files are refused, in bytes (default 64 MiB). */
	maxFileSize?: number;
	/** Where Gatekeeper runs (its Config is read there under policyDirs; default gatekeeper-system). */
	gatekeeperNamespace?: string;
	/** Paths not to read: gitignore-style patterns relative to `cwd` (offgate.yaml's `exclude:` adds to them). */
	exclude?: string[];
	/** A file that holds no Kubernetes object is an input error (exit code 2) instead of listed in `report.skipped`. */
	strict?: boolean;
}
export interface LintResult {
	/** What `offgate lint -o json` prints. */
	report: JsonReport;
	/** As the CLI's: 0 clean, 1 a failing result, 2 input errors (the report lists them). */
	exitCode: 0 | 1 | 2;
	/** Set when nothing could be linted (unknown environment, unusable offgate.yaml): the CLI's exit code 2. */
	fatal?: string;
	/** Every such problem, one `file:line:col: message` line each (the first is `fatal`). */
	fatalErrors?: string[];
}
/** Would the cluster accept these manifests? */
export declare function lint(options: LintOptions): Promise<LintResult>;
export interface VerifyOptions {
	/** Suite files, folders, or `folder/...` for a whole tree, relative to `cwd`. */
	paths: string[];
	cwd?: string;
	/** Only Tests and Cases whose names match (`REGEX`, or `TESTS//CASES`), as `--run`. */
	run?: string;
}
export type VerifyResult = {
	ok: boolean;
	suites: SuiteResult[];
	passed: number;
	failed: number;
} | {
	ok: false;
	error: string;
};
/** Runs Gatekeeper test Suites (gator verify): `ok` when every selected case passed. */
export declare function verify(options: VerifyOptions): VerifyResult;
export interface LoadConfigOptions {
	/** Where discovery starts and relative paths resolve from (default the working directory). */
	cwd?: string;
	/** An explicit file: no discovery. */
	configPath?: string;
}
/**
 * offgate.yaml, checked: `{ config }` (`null` when there is none), with `warnings` when a
 * file was seen but not used; or `{ error, errors }`, one `file:line:col: message` line each.
 */
export declare function loadConfig(options?: LoadConfigOptions): LoadResult;

export {};
