// SARIF logs of a lint's shards (`offgate lint --shard I/N -o sarif`) joined into one log of
// one run, as the single run would have written it: the rules of every shard (a rule per
// template kind, its constraints and fix hints joined), every result with its rule's new
// index, the notifications joined (what every shard gives alike once), the sources less the shard lines. A
// shard missing or given twice is an error notification, and the run is then unsuccessful.
import { parseShardSource } from '../shard/shard';
import { compareText } from '../arrays';
import { joinShared, shardProblems, unique } from './merge';

type Json = Record<string, unknown>;

export interface NamedLog {
  file: string;
  log: unknown;
}

export function isSarifLog(doc: unknown): boolean {
  return isRecord(doc) && Array.isArray(doc.runs) && typeof doc.version === 'string';
}

/** The merged log; logs whose runs are not offgate's are refused (their rules would not be comparable). */
export function mergeSarifLogs(inputs: readonly NamedLog[]): Json | { error: string } {
  const runs: { file: string; run: Json }[] = [];
  for (const { file, log } of inputs) {
    for (const run of (log as { runs: unknown[] }).runs) {
      const driver = isRecord(run) && isRecord(run.tool) && isRecord(run.tool.driver) ? run.tool.driver : undefined;
      if (!driver || driver.name !== 'offgate') return { error: `${file}: a SARIF run of ${driver ? JSON.stringify(driver.name) : 'no tool'}, not offgate's: only offgate's SARIF logs merge` };
      runs.push({ file, run: run as Json });
    }
  }
  const first = inputs[0]!.log as Json;
  const driverOf = (r: Json) => (r.tool as Json).driver as Json;
  const versions = unique(runs.map((r) => String(driverOf(r.run).version)));
  const sourcesOf = (r: Json) => (Array.isArray((r.properties as Json | undefined)?.sources) ? ((r.properties as Json).sources as string[]) : []);

  const rules = mergeRules(runs.flatMap((r) => (Array.isArray(driverOf(r.run).rules) ? (driverOf(r.run).rules as Json[]) : [])));
  const ruleIndex = new Map(rules.map((rule, i) => [rule.id as string, i]));
  const results = runs
    .flatMap((r) => (Array.isArray(r.run.results) ? (r.run.results as Json[]) : []))
    .map((res) => ({ ...res, ruleIndex: ruleIndex.get(res.ruleId as string) }))
    .sort(compareResults);

  const problems = [
    ...(versions.length > 1 ? [{ file: inputs.map((i) => i.file).join(', '), message: `logs of different offgate versions (${versions.join(', ')})` }] : []),
    ...shardProblems(runs.map((r) => ({ file: r.file, sources: sourcesOf(r.run) }))),
  ];
  // Each shard's notifications, those every shard gives alike (a --policy error, a warning) once.
  const perRun = runs.map((r) => ((r.run.invocations as Json[] | undefined) ?? []).flatMap((inv) => (inv.toolExecutionNotifications as Json[] | undefined) ?? []));
  const notifications = joinShared(perRun, (n) => JSON.stringify(n));
  const idOf = (n: Json) => String((n.descriptor as Json | undefined)?.id);
  const merged = [
    ...problems.map((p) => ({ level: 'error', message: { text: `${p.file}: ${p.message}` }, descriptor: { id: 'input-error' } })),
    ...notifications.filter((n) => idOf(n) === 'input-error'),
    ...notifications.filter((n) => idOf(n) === 'warning'),
    ...notifications.filter((n) => !['input-error', 'warning'].includes(idOf(n))),
  ];

  const firstRun = runs[0]!.run;
  return {
    $schema: first.$schema,
    version: first.version,
    runs: [
      {
        tool: { driver: { ...driverOf(firstRun), rules } },
        invocations: [
          {
            executionSuccessful: !merged.some((n) => n.level === 'error'),
            ...(merged.length > 0 ? { toolExecutionNotifications: merged } : {}),
          },
        ],
        columnKind: firstRun.columnKind,
        results,
        properties: { sources: unique(runs.flatMap((r) => sourcesOf(r.run).filter((s) => !parseShardSource(s)))) },
      },
    ],
  };
}

/** 2 when a notification is an error (an input error, a missing shard), 1 when a result fails the run, else 0. */
export function sarifExitCode(log: Json, failOn: 'deny' | 'warn' | 'none'): number {
  const run = (log.runs as Json[])[0]!;
  const notifications = ((run.invocations as Json[])[0]!.toolExecutionNotifications as Json[] | undefined) ?? [];
  if (notifications.some((n) => n.level === 'error')) return 2;
  if (failOn === 'none') return 0;
  const failing = (r: Json) => r.baselineState !== 'unchanged' && (r.level === 'error' || (failOn === 'warn' && r.level === 'warning'));
  return (run.results as Json[]).some(failing) ? 1 : 0;
}

/** One rule per id, by id; the constraints and fix hints of its copies joined. */
function mergeRules(all: Json[]): Json[] {
  const byId = new Map<string, Json>();
  for (const rule of all) {
    const id = String(rule.id);
    const had = byId.get(id);
    if (!had) {
      byId.set(id, rule);
      continue;
    }
    const constraints = [...new Set([...constraintsOf(had), ...constraintsOf(rule)])].sort();
    const help = unique([...helpLines(had), ...helpLines(rule)]);
    byId.set(id, { ...had, ...(help.length > 0 ? { help: { text: help.join('\n') } } : {}), properties: { ...(had.properties as Json), constraints } });
  }
  return [...byId.values()].sort((a, b) => compareText(String(a.id), String(b.id)));
}

function constraintsOf(rule: Json): string[] {
  const c = (rule.properties as Json | undefined)?.constraints;
  return Array.isArray(c) ? c.map(String) : [];
}

function helpLines(rule: Json): string[] {
  const text = (rule.help as Json | undefined)?.text;
  return typeof text === 'string' ? text.split('\n') : [];
}

/** By file, line, column, rule, message: the order `offgate merge` lists findings in. */
function compareResults(a: Json, b: Json): number {
  const key = (r: Json) => {
    const loc = ((r.locations as Json[] | undefined)?.[0]?.physicalLocation ?? {}) as Json;
    const region = (loc.region ?? {}) as Json;
    return { uri: String((loc.artifactLocation as Json | undefined)?.uri ?? ''), line: Number(region.startLine ?? 0), column: Number(region.startColumn ?? 0) };
  };
  const x = key(a);
  const y = key(b);
  return (
    compareText(x.uri, y.uri) ||
    x.line - y.line ||
    x.column - y.column ||
    compareText(String(a.ruleId), String(b.ruleId)) ||
    compareText(String((a.message as Json).text), String((b.message as Json).text)) ||
    compareText(JSON.stringify(a.partialFingerprints), JSON.stringify(b.partialFingerprints))
  );
}

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
