// The mocking environment a rule is planned in. `with` replaces input, parts of
// data (base or virtual) or functions for the duration of one expression; the
// rules that expression reaches are planned again as variants under the mocks
// (OPA's planner does the same), and such variants never cache their results.

/** What a call to a mocked function does instead. */
export type FunctionMock =
  | { kind: 'function'; path: string[] } // another data function
  | { kind: 'builtin'; name: string } // another builtin
  | { kind: 'value'; global: number }; // a constant result, held in a global

export interface Env {
  /** Canonical description, '' for no mocks: variants are memoized by it. */
  readonly key: string;
  /** Input or data replaced somewhere: results may not be cached. */
  readonly cacheable: boolean;
  /** `with data.a.b as x`: path ("a/b") → global holding x. */
  readonly dataMocks: ReadonlyMap<string, number>;
  /** `with f as g`: builtin name or data function path ("data.a.f") → mock. */
  readonly functionMocks: ReadonlyMap<string, FunctionMock>;
}

/** The key of an environment where only input is replaced. */
export const INPUT_ONLY = 'input;';

export const NO_MOCKS: Env = { key: '', cacheable: true, dataMocks: new Map(), functionMocks: new Map() };

export function extendEnv(
  env: Env,
  change: { input?: boolean; data?: [string, number][]; functions?: [string, FunctionMock][] },
): Env {
  const dataMocks = new Map(env.dataMocks);
  for (const [p, g] of change.data ?? []) {
    // A mock of a path replaces mocks below it.
    for (const q of [...dataMocks.keys()]) if (q === p || q.startsWith(p + '/')) dataMocks.delete(q);
    dataMocks.set(p, g);
  }
  const functionMocks = new Map(env.functionMocks);
  for (const [name, m] of change.functions ?? []) functionMocks.set(name, m);
  const inputMocked = change.input === true || env.key.includes('input;');
  return makeEnv(inputMocked, dataMocks, functionMocks);
}

/** The environment a mock function runs in: other function mocks do not apply inside it. */
export function withoutFunctionMocks(env: Env): Env {
  return makeEnv(env.key.includes('input;'), new Map(env.dataMocks), new Map());
}

function makeEnv(inputMocked: boolean, dataMocks: Map<string, number>, functionMocks: Map<string, FunctionMock>): Env {
  const parts: string[] = [];
  if (inputMocked) parts.push('input;');
  for (const p of [...dataMocks.keys()].sort()) parts.push(`data:${p}=${dataMocks.get(p)};`);
  for (const n of [...functionMocks.keys()].sort()) {
    const m = functionMocks.get(n)!;
    const target = m.kind === 'function' ? m.path.join('.') : m.kind === 'builtin' ? m.name : `g${m.global}`;
    parts.push(`fn:${n}=${m.kind}:${target};`);
  }
  const key = parts.join('');
  return { key, cacheable: key === '', dataMocks, functionMocks };
}
