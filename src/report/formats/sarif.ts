// SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer): a rule per
// template kind with findings, a result per finding at the offending field, input errors
// and warnings as tool execution notifications.
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sha256 } from '../../hash';
import { constraintLabel, Notes, portablePath, subjectLabel } from '../describe';
import type { Finding, ObjectRef, Report } from '../model';
import { effectiveAction } from '../summary';
import type { RenderOptions } from './types';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Key of offgate's own entry in `partialFingerprints`; bump the suffix if the recipe changes. */
export const FINGERPRINT_KEY = 'offgateFinding/v1';

type Level = 'error' | 'warning' | 'note';

/** deny → error, warn → warning, dryrun and anything else → note. */
export function sarifLevel(action: string): Level {
  return action === 'deny' ? 'error' : action === 'warn' ? 'warning' : 'note';
}

export function render(report: Report, opts: RenderOptions): string {
  const cwd = opts.cwd ?? process.cwd();
  const rules = rulesOf(report.findings);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const places = new Places(cwd);
  const occurrences = new Map<string, number>();
  const withBaseline = report.baseline !== undefined;

  const results = report.findings.map((f) => {
    const action = effectiveAction(f);
    const result: Record<string, unknown> = {
      ruleId: f.constraint.kind,
      ruleIndex: ruleIndex.get(f.constraint.kind)!,
      level: sarifLevel(action),
      message: { text: [`${places.subject(f)}: ${f.message}`, ...places.notes.of(f), `constraint: ${places.constraint(f)} (${action})`].join('\n') },
      locations: [{ physicalLocation: { artifactLocation: places.artifact(f.file), region: { startLine: Math.max(1, f.line), startColumn: Math.max(1, f.column) } } }],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f, places, occurrences) },
    };
    // With --baseline: SARIF's own word for findings the baseline holds, and for the others.
    if (withBaseline) result.baselineState = f.baselined ? 'unchanged' : 'new';
    result.properties = properties(f);
    return result;
  });

  const notifications = [
    ...report.errors.map((e) => ({
      level: 'error' as const,
      message: { text: e.message },
      locations: [location(e.file, e.line, e.column, cwd)],
      descriptor: { id: 'input-error' },
    })),
    ...report.warnings.map((w) => ({ level: 'warning' as const, message: { text: w }, descriptor: { id: 'warning' } })),
    ...(report.skipped ?? []).map((s) => ({
      level: 'note' as const,
      message: { text: `skipped: ${s.reason}` },
      locations: [location(s.file, undefined, undefined, cwd)],
      descriptor: { id: 'skipped' },
    })),
  ];

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'offgate', version: report.version, rules } },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
        properties: { sources: report.sources },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** One rule per template kind with findings, by kind; the fix hints of its findings as help. */
function rulesOf(findings: readonly Finding[]) {
  const byKind = new Map<string, { constraints: Set<string>; fixes: Set<string> }>();
  for (const f of findings) {
    let entry = byKind.get(f.constraint.kind);
    if (!entry) byKind.set(f.constraint.kind, (entry = { constraints: new Set(), fixes: new Set() }));
    entry.constraints.add(f.constraint.name);
    if (f.fix) entry.fixes.add(f.fix);
  }
  return [...byKind]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([kind, { constraints, fixes }]) => ({
      id: kind,
      name: kind,
      shortDescription: { text: `Gatekeeper constraint template ${kind}` },
      ...(fixes.size > 0 ? { help: { text: [...fixes].join('\n') } } : {}),
      properties: { tags: ['gatekeeper', 'kubernetes'], constraints: [...constraints].sort() },
    }));
}

function location(file: string, line: number | undefined, column: number | undefined, cwd: string) {
  const region =
    line === undefined ? undefined : { startLine: Math.max(1, line), ...(column !== undefined ? { startColumn: Math.max(1, column) } : {}) };
  return { physicalLocation: { artifactLocation: { uri: artifactUri(file, cwd) }, ...(region ? { region } : {}) } };
}

/** A relative URI with forward slashes (percent-encoded), or a file: URI outside `cwd`. */
export function artifactUri(file: string, cwd: string): string {
  const path = portablePath(file, cwd);
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * A result's properties, its optional keys assigned in order rather than spread in: one
 * shape for 18k results, which JSON.stringify walks the fast way.
 */
function properties(f: Finding): Record<string, unknown> {
  const p: Record<string, unknown> = { constraint: { kind: f.constraint.kind, name: f.constraint.name }, enforcementAction: f.enforcementAction };
  if (f.scopedActions) p.scopedActions = f.scopedActions;
  p.object = f.object;
  if (f.workload) p.workload = f.workload;
  if (f.path !== undefined) p.path = f.path;
  if (f.fix !== undefined) p.fix = f.fix;
  // The template's structured values (the capability refused, the allowed list…), as in -o json.
  if (f.details !== undefined && f.details !== null) p.details = f.details;
  if (f.environment !== undefined) p.environment = f.environment;
  if (f.evaluationError) p.evaluationError = true;
  if (f.autoreject) p.autoreject = true;
  return p;
}

/**
 * What recurs under thousands of findings, worked out once per report: a file's artifact
 * location and its part of the fingerprint, an object's label and its part (a lint's
 * findings of one object share its ObjectRef), a constraint's label and its part.
 */
class Places {
  private readonly artifacts = new Map<string, { uri: string }>();
  private readonly files = new Map<string, string>();
  private readonly subjects = new Map<ObjectRef, { label: string; identity: string }>();
  private readonly constraints = new Map<string, Map<string, { label: string; identity: string }>>();
  readonly notes = new Notes();

  constructor(private readonly cwd: string) {}

  /** `{ uri }`, one object per file (the JSON is the same however many results share it). */
  artifact(file: string): { uri: string } {
    let a = this.artifacts.get(file);
    if (!a) this.artifacts.set(file, (a = { uri: artifactUri(file, this.cwd) }));
    return a;
  }

  subject(f: Finding): string {
    return this.subjectOf(f).label;
  }

  constraint(f: Finding): string {
    return this.constraintOf(f).label;
  }

  /** JSON.stringify([portablePath(file), constraintLabel(f), apiVersion, kind, namespace ?? '', name ?? '', path ?? message]), from parts made once. */
  identity(f: Finding): string {
    let file = this.files.get(f.file);
    if (file === undefined) this.files.set(f.file, (file = JSON.stringify(portablePath(f.file, this.cwd))));
    return `[${file},${this.constraintOf(f).identity},${this.subjectOf(f).identity},${JSON.stringify(f.path ?? f.message) ?? 'null'}]`;
  }

  private subjectOf(f: Finding): { label: string; identity: string } {
    const o = f.workload ?? f.object;
    let s = this.subjects.get(o);
    if (!s) this.subjects.set(o, (s = { label: subjectLabel(f), identity: JSON.stringify([o.apiVersion, o.kind, o.namespace ?? '', o.name ?? '']).slice(1, -1) }));
    return s;
  }

  private constraintOf(f: Finding): { label: string; identity: string } {
    let byName = this.constraints.get(f.constraint.kind);
    if (!byName) this.constraints.set(f.constraint.kind, (byName = new Map()));
    let c = byName.get(f.constraint.name);
    if (!c) {
      const label = constraintLabel(f);
      byName.set(f.constraint.name, (c = { label, identity: JSON.stringify(label) }));
    }
    return c;
  }
}

/**
 * Stable across runs and edits elsewhere in the file: the file, the constraint, the object
 * in the file, and the offending field (or the message); not the line. Identical findings
 * are told apart by their rank among them.
 */
function fingerprint(f: Finding, places: Places, occurrences: Map<string, number>): string {
  const hash = sha256Hex(places.identity(f)).slice(0, 32);
  const n = (occurrences.get(hash) ?? 0) + 1;
  occurrences.set(hash, n);
  return `${hash}:${n}`;
}

type Crypto = typeof import('node:crypto');
let crypto: Crypto | undefined;

/**
 * SHA-256 as hex, as src/hash.ts's sha256 makes it, by the one-shot crypto.hash where
 * Node has it (20.12+): half the cost of a Hash object per finding. node:crypto is loaded
 * on first use, as there.
 */
function sha256Hex(data: string): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as Crypto;
  return typeof crypto.hash === 'function' ? crypto.hash('sha256', data, 'hex') : sha256(data);
}
