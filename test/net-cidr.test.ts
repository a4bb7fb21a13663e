// net.cidr_expand of a large block: the runtime builds one string per address, so a
// big block must end at the evaluation deadline or the memory maximum, as any other
// long evaluation, and leave the instance usable. (The builtins' results and errors
// are cases in test/cases/net-cidr.yaml.)
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile';
import { EvaluationLimitError, loadLimitedPolicy } from '../src/policy/limits';

function expander(limits: { timeoutMs: number; memoryLimitBytes: number }) {
  const wasm = compile({
    modules: [{ file: 'expand.rego', source: 'package expand\n\nout := count(net.cidr_expand(input.cidr))\n' }],
    entrypoints: ['expand/out'],
    regoVersion: 'v0',
  });
  const limited = loadLimitedPolicy(wasm, limits);
  return (cidr: string) => limited.run(() => limited.policy.evaluate({ cidr }));
}

function limitHit(run: () => unknown): EvaluationLimitError {
  try {
    run();
  } catch (e) {
    if (e instanceof EvaluationLimitError) return e;
    throw e;
  }
  throw new Error('no limit was hit');
}

describe('net.cidr_expand bounds', () => {
  it('an IPv6 /64 (2^64 addresses) ends at the deadline; the instance then expands a small block', () => {
    const expand = expander({ timeoutMs: 100, memoryLimitBytes: 1 << 30 });
    const e = limitHit(() => expand('2001:db8::/64'));
    expect(e.limit).toBe('timeout');
    expect(e.message).toBe('timed out (timeout 100 ms)');
    expect(expand('2001:db8::/120')).toEqual([{ result: 256 }]);
  });

  it('an IPv4 /8 (2^24 addresses) runs out of a 64 MiB memory; the instance then expands a small block', () => {
    const expand = expander({ timeoutMs: 0, memoryLimitBytes: 64 * 1024 * 1024 });
    const e = limitHit(() => expand('10.0.0.0/8'));
    expect(e.limit).toBe('memory');
    expect(e.message).toBe('ran out of memory (limit 64 MiB)');
    expect(expand('10.0.0.0/22')).toEqual([{ result: 1024 }]);
  });
});
