// A query compiled as a query: its solutions, each an object binding the query's
// variables (OPA's result set), are the value of an entrypoint that is no document
// under `data`. A query such as `data = x` then sees the data tree as OPA does,
// without a wrapper package of ours in it or depending on itself through it.
import type { Body, Module, Pos, Rule, Term } from './ast';
import { parseQuery, parseTerm } from './parser';
import { walkBody } from './visit';

export interface QuerySource {
  /** The entrypoint name the solutions are exposed under. */
  entrypoint: string;
  /** Shown in error positions. */
  file: string;
  /** Rego query text (v1 syntax), e.g. `data.a.p = x`. */
  source: string;
  /** A Rego term the query sees as `input` (`with input as`): for inputs JSON cannot carry, such as sets. */
  input?: string;
}

/**
 * The query's variables, in order of first appearance (wildcards, generated names and roots
 * excluded). Those only a comprehension or an `every` body uses are its own, not the query's
 * (as in OPA's results).
 */
export function queryVars(body: Body): string[] {
  const names: string[] = [];
  walkBody(body, (t) => {
    if (t.type === 'var' && !t.name.startsWith('$') && t.name !== 'data' && t.name !== 'input' && !names.includes(t.name)) names.push(t.name);
    return !t.type.endsWith('compr');
  }, { everyBodies: false });
  return names;
}

/** The rule name holding a query's solutions: `$` keeps it apart from any Rego rule. */
export const QUERY_RULE = '$query';

/**
 * A module of no package holding one rule, `$query := [{"x": x, ...} | <query>]`
 * (with `with input as <term>` around it when the query has its own input). The
 * compiler resolves and checks it like any rule but hangs it on no node of `data`.
 */
export function queryModule(q: QuerySource): Module {
  const body = parseQuery(q.source, q.file);
  const pos: Pos = body[0]?.pos ?? { file: q.file, line: 1, col: 1 };
  const bindings: Term = {
    type: 'object',
    entries: queryVars(body).map((v) => [{ type: 'string', value: v, pos }, { type: 'var', name: v, pos }]),
    pos,
  };
  const solutions: Term = { type: 'arraycompr', head: bindings, body, pos };
  const name: Term = { type: 'var', name: QUERY_RULE, pos };
  let rule: Rule;
  if (q.input === undefined) {
    rule = { pos, default: false, head: { ref: [name], kind: 'complete', value: solutions, assign: true, pos }, body: [] };
  } else {
    const result: Term = { type: 'var', name: '$result', pos };
    const assign: Term = { type: 'call', fn: { type: 'var', name: 'assign', pos }, args: [result, solutions], pos };
    const input = parseTerm(q.input, `${q.file} (input)`);
    rule = {
      pos,
      default: false,
      head: { ref: [name], kind: 'complete', value: result, assign: true, pos },
      body: [{ pos, negated: false, body: { kind: 'term', term: assign }, with: [{ target: { type: 'var', name: 'input', pos }, value: input, pos }] }],
    };
  }
  return { file: q.file, package: [], packagePos: pos, imports: [], rules: [rule], regoVersion: 'v1' };
}
