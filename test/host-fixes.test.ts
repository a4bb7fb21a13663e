// The case runner's test-only builtins stay out of the product, and really block.
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile';
import { TEST_BUILTINS } from '../src/compiler/test-builtins';

describe('test.sleep', () => {
  it('is unknown to offgate\'s own compiler', () => {
    const modules = [{ file: 'p.rego', source: 'package p\n\nq if test.sleep("1ms")\n' }];
    expect(() => compile({ modules, entrypoints: ['p/q'] })).toThrow(/undefined function test\.sleep/);
  });

  it('blocks for the duration it is given', () => {
    const start = performance.now();
    expect(TEST_BUILTINS['test.sleep']('30ms')).toBeNull();
    expect(performance.now() - start).toBeGreaterThanOrEqual(25);
  });
});
