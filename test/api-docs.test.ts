// docs/api.md's examples run as written, importing the package by its name ("offgate",
// "offgate/compiler") as a user's code does: through package.json's exports, from dist/.
// Each example's `// value` comments are checked against what it printed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const examples = [...readFileSync(join(ROOT, 'docs/api.md'), 'utf8').matchAll(/^## (.+)$|^```js\n([\s\S]*?)^```$/gm)]
  .reduce<{ section: string; list: { name: string; code: string }[] }>(
    (acc, m) => (m[1] ? { ...acc, section: m[1] } : { ...acc, list: [...acc.list, { name: acc.section, code: m[2]! }] }),
    { section: '', list: [] },
  ).list;

/** A folder where `import 'offgate'` resolves to this repository, as an installed package. */
function consumer(): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-api-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'offgate'));
  return dir;
}

/** What an example says it prints: the `// value` comments after console.log lines, in order (`…` matches anything). */
function expectedLines(code: string): RegExp[] {
  return [...code.matchAll(/console\.log\(.*\);\s*\/\/ (.+)$|^\/\/ (.+)$/gm)].map((m) => {
    const text = (m[1] ?? m[2])!;
    return new RegExp(`^${text.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  });
}

describe('docs/api.md', () => {
  it('has examples for every function', () => {
    expect(examples.map((e) => e.name)).toEqual(['lint', 'verify', 'loadConfig', 'compileRego, evaluate', 'compileTemplate']);
  });

  it.each(examples)('$name: the example runs and prints what it says', ({ code }) => {
    const dir = consumer();
    writeFileSync(join(dir, 'example.mjs'), code);
    const r = spawnSync(process.execPath, [join(dir, 'example.mjs')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const printed = r.stdout.trimEnd().split('\n');
    const expected = expectedLines(code);
    expect(expected.length).toBeGreaterThan(0);
    // Each comment matches a printed line, in order.
    let at = 0;
    for (const want of expected) {
      while (at < printed.length && !want.test(printed[at]!)) at++;
      expect(at, `no printed line matches ${want} in:\n${r.stdout}`).toBeLessThan(printed.length);
      at++;
    }
  });
});
