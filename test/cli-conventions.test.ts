// The conventions of a command-line tool: `offgate version`/`--version`, shell completion
// written from the command definitions, NO_COLOR/FORCE_COLOR, and a one-line error on a
// Node.js older than offgate needs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useColor } from '../src/cli/color';
import { offgate } from './helpers/cli';

const BIN = join(__dirname, '../bin/offgate.js');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

describe('offgate version', () => {
  it.each([['version'], ['--version'], ['-V']])('%s prints offgate, templates, ABI and Node versions', (flag) => {
    const r = offgate([flag]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^offgate \d+\.\d+\.\d+\n/);
    expect(r.stdout).toMatch(/^templates: sha256:[0-9a-f]{12} \(19 bundled templates\)$/m);
    expect(r.stdout).toMatch(/^OPA wasm ABI: 1\.\d+$/m);
    expect(r.stdout).toContain(`Node.js: ${process.version}`);
  });
});

describe('commands', () => {
  // main.ts defines only the command run in full (the others by name): each must still parse
  // its own options, reject unknown ones, print its help, and a mistyped name gets a suggestion.
  it('a mistyped command is one line with a suggestion, exit 2', () => {
    const r = offgate(['lnt', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown command 'lnt' (Did you mean lint?)\n");
  });

  it.each([['lint'], ['explain'], ['diff'], ['merge'], ['init'], ['export'], ['compile'], ['verify'], ['cache'], ['completion']])('%s --help prints its own options; an unknown option is exit 2', (name) => {
    const help = offgate([name, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^Usage: offgate ${name} `));
    expect(help.stdout).toContain('-h, --help');
    const bad = offgate([name, '--no-such-option']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option '--no-such-option'/);
  });

  it('offgate help lint and config show --help see the nested and named commands in full', () => {
    expect(offgate(['help', 'lint']).stdout).toContain('--fail-on <action>');
    expect(offgate(['config', 'show', '--help']).stdout).toContain('--env <name>');
  });
});

describe('offgate completion', () => {
  const script = (shell: string) => offgate(['completion', shell]);

  it('bash: valid, completes commands, options, formats and files', () => {
    const r = script('bash');
    expect(r.code).toBe(0);
    const file = join(mkdtempSync(join(tmpdir(), 'offgate-completion-')), 'offgate.bash');
    writeFileSync(file, r.stdout);
    const complete = (words: string[]) => {
      const cmd = `source '${file}'; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _offgate; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const out = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
      expect(out.stderr).toBe('');
      return out.stdout.trim().split('\n');
    };
    expect(complete(['offgate', 'l'])).toEqual(['lint']);
    expect(complete(['offgate', 'lint', '--fail'])).toEqual(['--fail-on']);
    expect(complete(['offgate', 'lint', '-o', 's'])).toEqual(['sarif']);
    expect(complete(['offgate', 'lint', '--env', ''])).toEqual(['baseline', 'restricted']);
    expect(complete(['offgate', 'compile', '--rego-version', ''])).toEqual(['v0', 'v1']);
    expect(complete(['offgate', 'cache', ''])).toEqual(['dir', 'info', 'clean']);
    // Every command and every option of lint is there: the script is written from the definitions.
    const help = offgate(['lint', '--help']).stdout;
    for (const option of help.match(/--[a-z-]+/g)!.filter((o) => o !== '--help')) expect(r.stdout).toContain(option);
  });

  it.skipIf(!has('zsh'))('zsh: valid syntax', () => {
    const r = script('zsh');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#compdef offgate\n/);
    expect(spawnSync('zsh', ['-n'], { input: r.stdout, encoding: 'utf8' }).status).toBe(0);
  });

  it.skipIf(!has('fish'))('fish: valid, completes formats', () => {
    const r = script('fish');
    expect(r.code).toBe(0);
    const file = join(mkdtempSync(join(tmpdir(), 'offgate-completion-')), 'offgate.fish');
    writeFileSync(file, r.stdout);
    const out = spawnSync('fish', ['-c', `source '${file}'; complete -C 'offgate lint -o '`], { encoding: 'utf8' });
    expect(out.stdout.split('\n').map((l) => l.split('\t')[0]).filter(Boolean).sort()).toEqual(['github', 'json', 'junit', 'markdown', 'sarif', 'text']);
  });

  it('an unknown shell is a usage error', () => {
    const r = script('tcsh');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('offgate: completion tcsh: unknown shell (one of bash, zsh, fish)\n');
  });
});

describe('colour', () => {
  const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

  it('on a terminal by default, never in a pipe', () => {
    expect(useColor({ isTTY: true, env: env({}) })).toBe(true);
    expect(useColor({ isTTY: false, env: env({}) })).toBe(false);
  });

  it('NO_COLOR (non-empty) turns it off; empty NO_COLOR does not', () => {
    expect(useColor({ isTTY: true, env: env({ NO_COLOR: '1' }) })).toBe(false);
    expect(useColor({ isTTY: true, env: env({ NO_COLOR: '' }) })).toBe(true);
  });

  it('FORCE_COLOR colours a pipe and overrides NO_COLOR; FORCE_COLOR=0 or false turns it off', () => {
    expect(useColor({ isTTY: false, env: env({ FORCE_COLOR: '1' }) })).toBe(true);
    expect(useColor({ isTTY: false, env: env({ FORCE_COLOR: '' }) })).toBe(true);
    expect(useColor({ isTTY: false, env: env({ FORCE_COLOR: '1', NO_COLOR: '1' }) })).toBe(true);
    expect(useColor({ isTTY: true, env: env({ FORCE_COLOR: '0' }) })).toBe(false);
    expect(useColor({ isTTY: true, env: env({ FORCE_COLOR: 'false' }) })).toBe(false);
  });

  it('--no-color wins over FORCE_COLOR', () => {
    expect(useColor({ flag: false, isTTY: true, env: env({ FORCE_COLOR: '1' }) })).toBe(false);
  });

  it('the CLI colours a pipe under FORCE_COLOR, not under NO_COLOR', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'offgate-color-'));
    writeFileSync(join(cwd, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext: {privileged: true}\n');
    const run = (vars: Record<string, string>) => {
      const e: NodeJS.ProcessEnv = { ...process.env, ...vars };
      if (!('NO_COLOR' in vars)) delete e.NO_COLOR;
      if (!('FORCE_COLOR' in vars)) delete e.FORCE_COLOR;
      return spawnSync(process.execPath, [BIN, 'lint', 'pod.yaml'], { cwd, encoding: 'utf8', env: e }).stdout;
    };
    expect(run({ FORCE_COLOR: '1' })).toMatch(/\x1b\[31mdeny\x1b\[39m/);
    expect(run({ NO_COLOR: '1' })).not.toMatch(/\x1b\[/);
    expect(run({})).not.toMatch(/\x1b\[/);
  });
});

describe('Node.js version', () => {
  it('an older Node gets one line naming the version offgate needs, exit code 2', () => {
    // Node 20 pretending to be 18: bin/offgate.js checks before loading anything else.
    const preload = join(mkdtempSync(join(tmpdir(), 'offgate-node-')), 'old-node.cjs');
    writeFileSync(preload, "Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '18.19.0' } });\n");
    const r = spawnSync(process.execPath, ['--require', preload, BIN, 'lint', '.'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('offgate: needs Node.js 20 or newer; this is Node.js 18.19.0\n');
    expect(r.stdout).toBe('');
  });
});
