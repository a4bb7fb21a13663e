// The case runner's test-only builtins stay out of the product, and really block; the
// YAML the Gatekeeper library writes (test/suites/library-yaml) reads and verifies.
import { describe, expect, it } from 'vitest';
import { runVerify } from '../src/cli/verify-command';
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

describe('templates and suites written as the Gatekeeper library writes them', () => {
  const run = (paths: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = runVerify(paths, { verbose: true }, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  };

  it('every suite passes, each case evaluated (a violation is expected in all but one)', () => {
    const r = run(['test/suites/library-yaml/...']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('\n8 passed, 0 failed\n');
    expect(r.code).toBe(0);
  });

  it('a double-quoted message continued on the next line is folded to one space', () => {
    const r = run(['test/suites/library-yaml/quoted-continued']);
    expect(r.stdout).toContain('--- PASS: load-balancer');
  });

  it('a test written without a name runs under the empty name, as gator prints it', () => {
    const r = run(['test/suites/library-yaml/unnamed-test']);
    expect(r.stdout).toContain('=== RUN   \n');
    expect(r.stdout).toContain('--- PASS: \t');
  });
});
