// The README's promises that a test can keep: its 30-second example prints what it shows,
// and every command it documents exists.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offgate } from './helpers/cli';

const README = readFileSync(join(__dirname, '../README.md'), 'utf8');

describe('README', () => {
  it('"In 30 seconds": linting its deploy.yaml prints its output, exit code 1', () => {
    const section = README.slice(README.indexOf('## In 30 seconds'));
    const manifest = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    const [command, ...output] = /```console\n([\s\S]*?)```/.exec(section)![1]!.trimEnd().split('\n');
    expect(command).toBe('$ offgate lint deploy.yaml');
    const cwd = mkdtempSync(join(tmpdir(), 'offgate-readme-'));
    writeFileSync(join(cwd, 'deploy.yaml'), manifest);
    const r = offgate(['lint', 'deploy.yaml'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd()).toBe(output.join('\n'));
  });

  it('every offgate command it shows is one the CLI has', () => {
    // Commands in code: inline spans (`offgate init`) and lines of code blocks.
    const code = [...README.matchAll(/```[a-z]*\n([\s\S]*?)```|`([^`\n]+)`/g)].map((m) => m[1] ?? m[2]!).join('\n').replace(/(^|\s)#.*$/gm, '');
    const commands = new Set([...code.matchAll(/(?:^|[\s$|(])(?:npx )?offgate ([a-z]+)/gm)].map((m) => m[1]!));
    expect(commands.size).toBeGreaterThan(5);
    const help = offgate(['--help']).stdout;
    for (const c of commands) expect(help, `offgate ${c}`).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });
});
