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
