// What counts as a failure. A run fails when offgate crashes (a stack trace or V8's fatal
// error on stderr), ends with an exit code it never uses or by a signal, outlives the hang
// limit, prints a report that does not parse, or drops the sentinel's findings; a
// prototype-key case fails when its verdict differs from the same input without the keys.
import type { RunResult } from './run';

export type FailureClass = 'hang' | 'crash' | 'exit' | 'bad-output' | 'lost-findings' | 'verdict';

export interface Failure {
  cls: FailureClass;
  /** What groups failures of one cause together (no case-specific text). */
  signature: string;
  detail: string;
}

const FRAME = /^\s+at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?\s*$/m;
const TRACE_MARKERS = [/^\s+at .+:\d+:\d+\)?\s*$/m, /node:internal/, /\bUncaught\b/, /FATAL ERROR/];

/** The stderr has a stack trace, V8's fatal error, or an uncaught exception. */
export function hasStackTrace(stderr: string): boolean {
  return TRACE_MARKERS.some((re) => re.test(stderr));
}

/** `RangeError: Maximum call stack size exceeded @ parseNode`: the error line and the first named frame. */
export function crashSignature(stderr: string): string {
  const fatal = /FATAL ERROR: ([^\n]+)/.exec(stderr);
  if (fatal) return `FATAL ERROR: ${fatal[1]!.trim()}`;
  const lines = stderr.split('\n');
  const errorLine = lines.find((l) => /^(?:Uncaught )?[\w.]*(?:Error|Exception)\b.*:/.test(l.trim()) || /^\w*Error$/.test(l.trim())) ?? lines.find((l) => l.trim() !== '' && !FRAME.test(l)) ?? '';
  const frames = lines.filter((l) => FRAME.test(l)).map((l) => FRAME.exec(l)!);
  const named = frames.find(([, f, file]) => f && f !== '<anonymous>' && !file!.startsWith('node:') && !/^(?:Object|Module|new Promise|process|Array)\b/.test(f));
  // In-process frames are in the sources: the file says which part of offgate.
  const where = named ? ` @ ${named[1]}${/\.ts$/.test(named[2]!) ? ` (${named[2]!.split('/').pop()})` : ''}` : '';
  return `${normalize(errorLine.trim())}${where}`;
}

/** Numbers and quoted text out, so that one cause gives one signature. */
export function normalize(s: string): string {
  return s
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '"…"')
    .replace(/\/[\w./-]+/g, '…')
    .replace(/\d+/g, 'N')
    .slice(0, 160);
}

/**
 * JavaScript's own errors, which offgate's CLI prints as one line (`offgate: Maximum call
 * stack size exceeded`) like its own: a crash all the same, with no file named.
 */
const RUNTIME_ERROR = /Maximum call stack size exceeded|Invalid string length|Invalid array length|Cannot (?:read|set) propert|is not a function|is not iterable|is not a constructor|Cannot convert (?:undefined|null|object)|out of memory|Array buffer allocation failed|memory access out of bounds|RuntimeError: |unreachable executed|Converting circular structure|Unexpected end of JSON input|Invalid typed array length/;

export interface Expectation {
  exits: readonly number[];
  verdict: 'lint-json' | 'verify' | 'none';
  /** Findings (as keys) that must be in the report: the sentinel's. */
  mustHave?: readonly string[];
  /** Text output (`-o text`): no line of it may be a GitHub workflow command (`::error …`) smuggled in by a name. */
  textOutput?: boolean;
  /** The mutated file: a run that stops with an error must name it. */
  primary?: string;
  /** The mutated file is one of the linted files: stopping the whole run for it loses the sentinel's findings. */
  stopLosesSentinel?: boolean;
}

/** The first failure of a run, the most severe first; undefined when the run is fine. */
export function checkRun(r: RunResult, e: Expectation): Failure | undefined {
  if (r.timedOut) return { cls: 'hang', signature: 'hang past the limit', detail: `killed after ${r.ms} ms${r.cpuSeconds !== undefined ? `, ${r.cpuSeconds.toFixed(1)} s of CPU` : ''}` };
  if (hasStackTrace(r.stderr)) return { cls: 'crash', signature: crashSignature(r.stderr), detail: r.stderr.slice(0, 2000) };
  if (r.signal !== null || r.code === null || !e.exits.includes(r.code)) {
    return { cls: 'exit', signature: r.signal ? `signal ${r.signal}` : `exit ${r.code}`, detail: `exit ${r.code} signal ${r.signal}; stderr: ${r.stderr.slice(0, 500)}` };
  }
  const runtime = RUNTIME_ERROR.exec(r.stderr) ?? (e.verdict === 'verify' ? RUNTIME_ERROR.exec(r.stdout) : null);
  if (runtime) {
    const line = (r.stderr + '\n' + r.stdout).split('\n').find((l) => RUNTIME_ERROR.test(l))!.trim();
    return { cls: 'crash', signature: `one-line crash: ${normalize(line.replace(new RegExp(`.*(${runtime[0]})`), '$1'))}`, detail: line.slice(0, 1000) };
  }
  // Stopped with an error and no report: the error must say which file (a limit that trips names it).
  const stopped = r.code === 2 && r.stdout.trim() === '';
  if (stopped && e.primary && !r.stderr.includes(e.primary.split('/').pop()!) && !(e.primary.includes('/') && r.stderr.includes(e.primary.split('/')[0]!))) {
    const first = r.stderr.split('\n').find((l) => l.trim() !== '') ?? '';
    return { cls: 'bad-output', signature: `error does not name the file: ${normalize(first).slice(0, 100)}`, detail: r.stderr.slice(0, 1000) };
  }
  if (e.textOutput && /^::/m.test(r.stdout)) {
    return { cls: 'bad-output', signature: 'text output has a line starting with :: (a workflow command from input)', detail: r.stdout.split('\n').filter((l) => l.startsWith('::')).slice(0, 5).join('\n') };
  }
  // A report longer than what was kept cannot be read whole: only the checks above apply.
  if (e.verdict === 'lint-json' && !r.stdoutTruncated) {
    const report = parseReport(r.stdout);
    if (report === undefined) {
      // No report: right for a run that stopped before linting (exit 2, a line on stderr
      // naming the file), except that the sentinel, linted beside a bad manifest, is lost.
      if (r.stdout.trim() === '' && r.code === 2 && r.stderr.trim() !== '') {
        return e.mustHave && e.stopLosesSentinel ? { cls: 'lost-findings', signature: `run stopped, all findings lost: ${normalize(r.stderr.split('\n')[0]!).slice(0, 100)}`, detail: r.stderr.slice(0, 1000) } : undefined;
      }
      return { cls: 'bad-output', signature: r.stdout.trim() === '' ? `no report, exit ${r.code}` : 'report is not JSON', detail: r.stdout.slice(0, 500) };
    }
    if (e.mustHave) {
      const have = new Set(findingKeys(report));
      const missing = e.mustHave.filter((k) => !have.has(k));
      if (missing.length > 0) {
        const all = missing.length === e.mustHave.length;
        return { cls: 'lost-findings', signature: `${all ? 'all' : 'some'} sentinel findings lost, exit ${r.code}`, detail: `missing: ${missing.join('\n')}` };
      }
    }
  }
  return undefined;
}

interface Report {
  results?: { file?: string; object?: unknown; constraint?: { kind?: string; name?: string }; message?: string; enforcementAction?: string }[];
  errors?: { message?: string }[];
}

export function parseReport(stdout: string): Report | undefined {
  try {
    const r = JSON.parse(stdout) as Report;
    return r && typeof r === 'object' && Array.isArray(r.results) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** A finding as compared: file, object, constraint, action, message. */
export function findingKeys(report: Report, file?: string, message: (m: string) => string = (m) => m): string[] {
  return (report.results ?? [])
    .filter((f) => file === undefined || f.file === file)
    .map((f) => JSON.stringify([f.file, f.object, f.constraint?.kind, f.constraint?.name, f.enforcementAction, message(String(f.message))]))
    .sort();
}

/** The verdict a run gave: its exit code and findings (lint), or its results lines (verify), without prototype keys' members in messages. */
export function verdictOf(r: RunResult, how: Expectation['verdict']): { exit: number | null; findings: string[] } {
  if (how === 'lint-json') {
    const report = parseReport(r.stdout);
    return { exit: r.code, findings: report ? findingKeys(report, undefined, withoutProtoMembers) : [`unparsed: ${r.stdout.slice(0, 200)}`] };
  }
  if (how === 'verify') {
    // Times change from run to run; everything else gator-style output says is the verdict.
    const lines = r.stdout.split('\n').map((l) => withoutProtoMembers(l.replace(/\t\(?\d+\.\d+s\)?$/, '').trimEnd())).filter((l) => l !== '');
    return { exit: r.code, findings: lines };
  }
  return { exit: r.code, findings: [] };
}

const PROTO_NAME = /__proto__|constructor|prototype/;
const PROTO_MEMBER = /(, )?"(?:__proto__|constructor|prototype)": /g;

/**
 * A message with the prototype keys' members taken out of any object it quotes
 * (`{"__proto__": [], "path": "/b"}` → `{"path": "/b"}`): templates that print the
 * offending object print the keys too, which changes no verdict.
 */
export function withoutProtoMembers(message: string): string {
  let out = message;
  for (let guard = 0; guard < 1000; guard++) {
    PROTO_MEMBER.lastIndex = 0;
    const m = PROTO_MEMBER.exec(out);
    if (!m) break;
    const end = valueEnd(out, m.index + m[0].length);
    let start = m.index;
    let stop = end;
    // `{"__proto__": 1, "a": 2}`: take the comma after the member when there is none before.
    if (!m[1] && out.startsWith(', ', stop)) stop += 2;
    if (m[1]) start = m.index;
    out = out.slice(0, start) + out.slice(stop);
  }
  return out;
}

/** Where the value starting at `i` ends: a string, a bracketed value, or a scalar up to `,` `}` `]`. */
function valueEnd(s: string, i: number): number {
  if (s[i] === '"') {
    for (let j = i + 1; j < s.length; j++) {
      if (s[j] === '\\') j++;
      else if (s[j] === '"') return j + 1;
    }
    return s.length;
  }
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const ch = s[j]!;
    if (ch === '"') j = valueEnd(s, j) - 1;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      if (depth === 0) return j;
      if (--depth === 0) return j + 1;
    } else if (ch === ',' && depth === 0) return j;
  }
  return s.length;
}

/**
 * A prototype-key case's verdict against the same input's without the keys. Messages are
 * compared without the keys' members; a finding only the keyed input has, whose message
 * names a prototype key (`volume type __proto__ is not allowed`), is the key read as data,
 * not a changed verdict; nor is refusing the input with an error that names the key (exit
 * 2). Anything else that differs, and any change of exit code not due to those, is.
 */
export function compareVerdicts(base: RunResult, variant: RunResult, how: Expectation['verdict']): Failure | undefined {
  const a = verdictOf(base, how);
  const b = verdictOf(variant, how);
  // Refusing the keys (exit 2, an error that names one) fails closed: no verdict is lost.
  if (b.exit === 2 && a.exit !== 2 && PROTO_NAME.test(errorText(variant)) && !PROTO_NAME.test(errorText(base))) return undefined;
  const lost = multisetMinus(a.findings, b.findings);
  const gainedAll = multisetMinus(b.findings, a.findings);
  const gained = gainedAll.filter((f) => !PROTO_NAME.test(f));
  const explained = gainedAll.length - gained.length;
  const exitChanged = a.exit !== b.exit && !(explained > 0 && lost.length === 0 && gained.length === 0 && (b.exit ?? 0) > (a.exit ?? 0));
  if (!exitChanged && lost.length === 0 && gained.length === 0) return undefined;
  const what = [exitChanged ? `exit ${a.exit}→${b.exit}` : '', lost.length ? 'findings lost' : '', gained.length ? 'findings gained' : ''].filter(Boolean).join(', ');
  return {
    cls: 'verdict',
    signature: `${how} verdict changed by prototype keys: ${what}`,
    detail: [`without keys: exit ${a.exit}, ${a.findings.length} findings`, `with keys: exit ${b.exit}, ${b.findings.length} findings`, ...lost.slice(0, 10).map((f) => `- ${f}`), ...gained.slice(0, 10).map((f) => `+ ${f}`)].join('\n'),
  };
}

/** What a run said went wrong: stderr, and the report's input errors. */
function errorText(r: RunResult): string {
  const report = parseReport(r.stdout);
  return [r.stderr, ...(report?.errors ?? []).map((e) => String(e.message))].join('\n');
}

function multisetMinus(x: string[], y: string[]): string[] {
  const left = new Map<string, number>();
  for (const f of y) left.set(f, (left.get(f) ?? 0) + 1);
  return x.filter((f) => {
    const n = left.get(f) ?? 0;
    if (n > 0) left.set(f, n - 1);
    return n === 0;
  });
}

/** Prototype keys and their inert stand-ins: as long, and as rare in real inputs. */
const INERT: [RegExp, string, RegExp, string][] = [
  [/__proto__/g, '__inert__', /__inert__/g, '__proto__'],
  [/\bconstructor\b/g, 'constructoz', /\bconstructoz\b/g, 'constructor'],
  [/\bprototype\b/g, 'prototypz', /\bprototypz\b/g, 'prototype'],
];

/** The same files with every prototype key renamed to an inert one. */
export function inertKeys(files: Map<string, string | Buffer>): Map<string, string | Buffer> {
  return new Map([...files].map(([name, text]) => [name, typeof text === 'string' ? INERT.reduce((t, [from, to]) => t.replace(from, to), text) : text]));
}

/** What a run on inertKeys() files said, with the inert names read back as the keys. */
export function restoreKeys(r: RunResult): RunResult {
  const back = (t: string) => INERT.reduce((x, [, , from, to]) => x.replace(from, to), t);
  return { ...r, stdout: back(r.stdout), stderr: back(r.stderr) };
}
