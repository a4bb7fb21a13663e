// SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer): a rule per
// template kind with findings, a result per finding at the offending field, input errors
// and warnings as tool execution notifications.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sha256 } from '../../hash';
import { constraintLabel, notesOf, portablePath, subjectLabel } from '../describe';
import type { Finding, Report } from '../model';
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
  const occurrences = new Map<string, number>();

  const results = report.findings.map((f) => {
    const action = effectiveAction(f);
    return {
      ruleId: f.constraint.kind,
      ruleIndex: ruleIndex.get(f.constraint.kind)!,
      level: sarifLevel(action),
      message: { text: [`${subjectLabel(f)}: ${f.message}`, ...notesOf(f), `constraint: ${constraintLabel(f)} (${action})`].join('\n') },
      locations: [location(f.file, f.line, f.column, cwd)],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f, cwd, occurrences) },
      // With --baseline: SARIF's own word for findings the baseline holds, and for the others.
      ...(report.baseline !== undefined ? { baselineState: f.baselined ? ('unchanged' as const) : ('new' as const) } : {}),
      properties: {
        constraint: { kind: f.constraint.kind, name: f.constraint.name },
        enforcementAction: f.enforcementAction,
        ...(f.scopedActions ? { scopedActions: f.scopedActions } : {}),
        object: f.object,
        ...(f.workload ? { workload: f.workload } : {}),
        ...(f.path !== undefined ? { path: f.path } : {}),
        ...(f.fix !== undefined ? { fix: f.fix } : {}),
        // The template's structured values (the capability refused, the allowed list…), as in -o json.
        ...(f.details !== undefined && f.details !== null ? { details: f.details } : {}),
        ...(f.environment !== undefined ? { environment: f.environment } : {}),
        ...(f.evaluationError ? { evaluationError: true } : {}),
        ...(f.autoreject ? { autoreject: true } : {}),
      },
    };
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
 * Stable across runs and edits elsewhere in the file: the file, the constraint, the object
 * in the file, and the offending field (or the message); not the line. Identical findings
 * are told apart by their rank among them.
 */
function fingerprint(f: Finding, cwd: string, occurrences: Map<string, number>): string {
  const o = f.workload ?? f.object;
  const identity = JSON.stringify([portablePath(f.file, cwd), constraintLabel(f), o.apiVersion, o.kind, o.namespace ?? '', o.name ?? '', f.path ?? f.message]);
  const hash = sha256(identity).slice(0, 32);
  const n = (occurrences.get(hash) ?? 0) + 1;
  occurrences.set(hash, n);
  return `${hash}:${n}`;
}
