// Our own Rego cases in OPA's YAML format, each compiled and run through the SDK.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCases, runCase } from '../src/compiler/yaml-cases';

const dir = join(__dirname, 'cases');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
  describe(file, () => {
    for (const c of readCases(join(dir, file))) {
      it(c.note, () => {
        expect(runCase(c)).toEqual({ status: 'pass' });
      });
    }
  });
}

describe('the case runner', () => {
  const divide = { note: 'runner/divide', query: 'x := 1 / 0', strict_error: true };

  it('an empty want_error asks only for some error, and does not let the wrong code pass', () => {
    expect(runCase({ ...divide, want_error: '' })).toEqual({ status: 'pass' });
    expect(runCase({ ...divide, want_error: '', want_error_code: 'eval_builtin_error' })).toEqual({ status: 'pass' });
    expect(runCase({ ...divide, want_error: '', want_error_code: 'eval_conflict_error' })).toMatchObject({ status: 'fail' });
  });

  it('the code and the message must both match when both are given', () => {
    expect(runCase({ ...divide, want_error: 'divide by zero', want_error_code: 'eval_builtin_error' })).toEqual({ status: 'pass' });
    expect(runCase({ ...divide, want_error: 'something else', want_error_code: 'eval_builtin_error' })).toMatchObject({ status: 'fail' });
  });

  it('a host builtin error in strict mode carries OPA\'s code: operand errors are type errors', () => {
    const jwt = { note: 'runner/jwt', query: 'x := io.jwt.encode_sign_raw("{}", "{}", "{}")', strict_error: true };
    expect(runCase({ ...jwt, want_error_code: 'eval_builtin_error', want_error: 'io.jwt.encode_sign_raw' })).toEqual({ status: 'pass' });
  });
});
