// The baseline file (`--write-baseline FILE`, `--baseline FILE`): JSON with one finding a
// line, sorted, so that a pull request that adds or fixes findings shows them as added or
// removed lines in its diff. No timestamps and no line numbers: writing it twice from the
// same repository gives the same bytes.
import { readFileSync } from 'node:fs';
import { scanJsonValue } from '../manifests/json';
import { compareEntries, ENTRY_KEYS, type BaselineEntry } from './entry';

/** Version of the file format; a file of another version is refused, not guessed at. */
export const BASELINE_VERSION = 1;

export interface Baseline {
  entries: BaselineEntry[];
}

/** The file's text: sorted entries, one a line, keys in a fixed order. */
export function formatBaseline(entries: readonly BaselineEntry[]): string {
  const sorted = [...entries].sort(compareEntries);
  const lines = sorted.map((e, i) => `    ${JSON.stringify(Object.fromEntries(ENTRY_KEYS.map((k) => [k, e[k]])))}${i < sorted.length - 1 ? ',' : ''}`);
  const findings = sorted.length === 0 ? '[]' : `[\n${lines.join('\n')}\n  ]`;
  return `{\n  "offgateBaseline": ${BASELINE_VERSION},\n  "findings": ${findings}\n}\n`;
}

/** A baseline file read and checked; a problem is one line, `FILE[:LINE:COL]: what`. */
export function readBaseline(path: string): Baseline | { error: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file (write one with --write-baseline)' : code === 'EISDIR' ? 'a folder, not a file' : String((e as Error).message);
    return { error: `${path}: cannot read the baseline: ${why}` };
  }
  return parseBaseline(text, path);
}

export function parseBaseline(text: string, path: string): Baseline | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // V8's messages quote the text (newlines and all) and seldom say where: the scanner of JSON manifests does.
    const scan = scanJsonValue(text, 0);
    const where = 'error' in scan ? { at: position(text, scan.offset), what: scan.error } : { at: '', what: 'more than one JSON value' };
    return { error: `${path}${where.at}: not a baseline: the file is not JSON (${where.what})` };
  }
  if (!isRecord(doc) || !('offgateBaseline' in doc)) return { error: `${path}: not a baseline: no "offgateBaseline" version (write one with --write-baseline)` };
  if (doc.offgateBaseline !== BASELINE_VERSION) {
    return { error: `${path}: baseline version ${JSON.stringify(doc.offgateBaseline)} is not supported (this offgate reads version ${BASELINE_VERSION})` };
  }
  if (!Array.isArray(doc.findings)) return { error: `${path}: not a baseline: "findings" must be a list` };
  const entries: BaselineEntry[] = [];
  for (const [i, item] of doc.findings.entries()) {
    const bad = entryProblem(item);
    if (bad) return { error: `${path}${lineOfEntry(text, i)}: findings[${i}]: ${bad}` };
    entries.push(item as BaselineEntry);
  }
  return { entries };
}

function entryProblem(item: unknown): string | undefined {
  if (!isRecord(item)) return 'must be an object';
  for (const k of ENTRY_KEYS) {
    const v = item[k];
    const nullable = k === 'namespace' || k === 'name';
    if (typeof v !== 'string' && !(nullable && v === null)) return `"${k}" must be a string${nullable ? ' or null' : ''}`;
  }
  const extra = Object.keys(item).find((k) => !(ENTRY_KEYS as readonly string[]).includes(k));
  return extra === undefined ? undefined : `unknown key "${extra}"`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `:LINE:COL` of the i-th entry of "findings" as written one a line; nothing when the file is laid out otherwise. */
function lineOfEntry(text: string, i: number): string {
  const lines = text.split('\n');
  const first = lines.findIndex((l) => /"findings"\s*:\s*\[\s*$/.test(l));
  const line = first === -1 ? undefined : lines[first + 1 + i];
  return line !== undefined && /^\s*\{/.test(line) ? `:${first + 2 + i}:${line.search(/\S/) + 1}` : '';
}

function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `:${line}:${offset - before.lastIndexOf('\n')}`;
}
