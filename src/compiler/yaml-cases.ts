// OPA's YAML test cases (the format of OPA's v1/test/cases/testdata), run
// through our compiler and the OPA wasm SDK. Used by the conformance runner
// (scripts/conformance.ts) and by our own cases under test/cases/.
//
// Each case's query is compiled as a query (src/compiler/query.ts) with the
// case's modules, its solutions the bindings of its variables; results are compared with `want_result` (numbers by
// value, sets and `sort_bindings` lists order-insensitively). Cases expecting
// an error pass when compiling or evaluating fails with that error.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { join } from 'node:path';
import { asCustomBuiltins, hostBuiltins } from '../policy/host-builtins';
import { DEFAULT_LIMITS, loadLimitedPolicy } from '../policy/limits';
import { compile } from './compile';
import { TEST_BUILTIN_DEFS, TEST_BUILTINS } from './test-builtins';
import { parseTerm } from './parser';
import type { Term } from './ast';

/** The entrypoint the case's query is compiled to (a query, not a rule under `data`). */
const QUERY_ENTRYPOINT = 'query';

export interface Case {
  note: string;
  query: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: Record<string, unknown>[];
  sort_bindings?: boolean;
  want_error?: string;
  want_error_code?: string;
  strict_error?: boolean;
}

export type Outcome = { status: 'pass' } | { status: 'fail'; why: string } | { status: 'skip'; why: string };

export function collectFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collectFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** A Rego term (input_term) as JSON, when it has no sets. */
function termToJson(t: Term): unknown {
  switch (t.type) {
    case 'null': return null;
    case 'boolean': return t.value;
    case 'number': return Number(t.value);
    case 'string': return t.value;
    case 'array': return t.items.map(termToJson);
    case 'object': return Object.fromEntries(t.entries.map(([k, v]) => {
      if (k.type !== 'string') throw new Error('input_term with a non-string key');
      return [k.value, termToJson(v)];
    }));
    default: throw new Error(`input_term with ${t.type}`);
  }
}

/** Canonical text for comparing JSON values the way Rego compares them. */
function canonical(v: unknown, sortLists: boolean): string {
  if (typeof v === 'number') return `n:${v}`;
  if (Array.isArray(v)) {
    const items = v.map((x) => canonical(x, sortLists));
    if (sortLists) items.sort();
    return `[${items.join(',')}]`;
  }
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x, sortLists)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function runCase(c: Case): Outcome {
  const expectError = c.want_error !== undefined || c.want_error_code !== undefined;
  let input: unknown;
  // An input JSON cannot carry (a set, a non-string key) is given to the query as Rego instead.
  let inputTerm: string | undefined;
  if (c.input_term !== undefined) {
    try {
      input = termToJson(parseTerm(c.input_term, 'input_term'));
    } catch {
      inputTerm = c.input_term;
    }
  } else {
    input = c.input;
  }
  const modules = (c.modules ?? []).map((source, i) => ({ file: `test-${i}.rego`, source }));
  const query = { entrypoint: QUERY_ENTRYPOINT, file: 'query.rego', source: c.query, input: inputTerm };
  let results: unknown;
  try {
    const wasm = compile({ modules, entrypoints: [], query, strict: c.strict_error === true, extraBuiltins: TEST_BUILTIN_DEFS });
    // Under offgate's default limits: a case that hangs or eats memory fails, not the run.
    const mode = { strict: c.strict_error === true };
    const limited = loadLimitedPolicy(wasm, DEFAULT_LIMITS, { ...hostBuiltins(mode), ...asCustomBuiltins(TEST_BUILTINS, mode) });
    const policy = limited.policy;
    if (c.data !== undefined) policy.setData(c.data as object);
    const rs = limited.run(() => policy.evaluate(input === undefined ? undefined : input, QUERY_ENTRYPOINT));
    results = rs.length > 0 ? rs[0].result : [];
  } catch (e) {
    const msg = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
    if (!expectError) return { status: 'fail', why: `error: ${msg.split('\n')[0]}` };
    // Every expectation given must hold: the code and the message. An empty one ("") asks
    // only that there be an error, and must not let any error pass for the other.
    const wanted = [c.want_error, c.want_error_code].filter((x): x is string => x !== undefined && x !== '');
    if (wanted.every((w) => msg.includes(w) || msg.includes(w.replace(/^test-\d+\.rego:\d+: /, '')))) return { status: 'pass' };
    return { status: 'fail', why: `wrong error: got "${msg.split('\n')[0]}", want "${wanted.join('" and "')}"` };
  }
  if (expectError && c.want_result === undefined) return { status: 'fail', why: `no error, got ${JSON.stringify(results)}` };
  if (expectError && c.strict_error) return { status: 'fail', why: `no error in strict mode, got ${JSON.stringify(results)}` };
  const sort = c.sort_bindings === true;
  const got = (results as unknown[]).map((r) => canonical(r, sort)).sort();
  const want = (c.want_result ?? []).map((r) => canonical(r, sort)).sort();
  if (got.length === want.length && got.every((g, i) => g === want[i])) return { status: 'pass' };
  return { status: 'fail', why: `got ${JSON.stringify(results)}, want ${JSON.stringify(c.want_result)}` };
}

/** The cases of one YAML file. */
export function readCases(file: string): Case[] {
  const doc = parseYaml(readFileSync(file, 'utf8')) as { cases?: Case[] } | null;
  return doc?.cases ?? [];
}
