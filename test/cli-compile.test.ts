// `offgate compile` end to end, through the bundled CLI.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicySync } from '../src/policy/sdk';
import { offgate } from './helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'offgate-compile-'));
const template = join(__dirname, '../fixtures/templates/privileged-containers.yaml');

describe('offgate compile', () => {
  it('reads templates with the guarded reader and holds them to Gatekeeper\'s contract: one line, exit 2', () => {
    const bomb = join(dir, 'bomb.yaml');
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    writeFileSync(bomb, `apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata: {name: bomb}\nspec:\n  ${levels.join('\n  ')}\n`);
    const r = offgate(['compile', bomb, '--output-file', join(dir, 'bomb.wasm')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^offgate: .*bomb\.yaml:1:1: document contains excessive aliasing .*\n$/);

    const twoTargets = join(dir, 'two-targets.yaml');
    const target = '    - target: admission.k8s.gatekeeper.sh\n      rego: |\n        package x\n        violation[{"msg": "m"}] { true }\n';
    writeFileSync(twoTargets, `apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata: {name: x}\nspec:\n  crd: {spec: {names: {kind: X}}}\n  targets:\n${target}${target}`);
    const t = offgate(['compile', twoTargets, '--output-file', join(dir, 'two.wasm')]);
    expect(t.code).toBe(2);
    expect(t.stderr).toBe(`offgate: ${twoTargets}: ConstraintTemplate x: spec.targets must have exactly one entry, found 2\n`);
  });

  it('refuses a named pipe instead of blocking on it: one line, exit 2, nothing written', () => {
    const fifo = join(dir, 'policy.rego');
    execFileSync('mkfifo', [fifo]);
    const out = join(dir, 'fifo.wasm');
    const r = offgate(['compile', fifo, '-e', 'x/y', '--output-file', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`offgate: ${fifo}: cannot read: not a regular file (a named pipe, which would block until something writes to it): not read\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('compiles a ConstraintTemplate with its libs to <package>/violation', () => {
    const out = join(dir, 'privileged.wasm');
    const r = offgate(['compile', template, '--output-file', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const policy = loadPolicySync(readFileSync(out));
    const input = { review: { object: { spec: { containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }] } } }, parameters: {} };
    expect(policy.evaluate(input, 'k8spspprivileged/violation')[0].result).toHaveLength(1);
  });

  it('compiles .rego files with explicit entrypoints', () => {
    const rego = join(dir, 'a.rego');
    writeFileSync(rego, 'package a\n\nallow if input.ok\n\ncount_ok := count([x | some x in input.xs; x])\n');
    const out = join(dir, 'a.wasm');
    const r = offgate(['compile', rego, '-e', 'a/allow', 'a.count_ok', '--output-file', out]);
    expect(r.code).toBe(0);
    const policy = loadPolicySync(readFileSync(out));
    expect(policy.evaluate({ ok: true, xs: [true, false, true] }, 'a/allow')).toEqual([{ result: true }]);
    expect(policy.evaluate({ ok: true, xs: [true, false, true] }, 'a/count_ok')).toEqual([{ result: 2 }]);
  });

  it('reports a Rego error as one positioned line with exit code 2', () => {
    const rego = join(dir, 'bad.rego');
    writeFileSync(rego, 'package a\n\nallow if {\n  x > 1\n}\n');
    const r = offgate(['compile', rego, '-e', 'a/allow', '--output-file', join(dir, 'bad.wasm')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`offgate: ${rego}:4:3: rego_unsafe_var_error: var x is unsafe\n`);
  });

  it('reports a missing file and a missing entrypoint clearly', () => {
    const missing = offgate(['compile', join(dir, 'nope.rego'), '-e', 'a/b', '--output-file', join(dir, 'x.wasm')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.rego: cannot read: no such file or directory/);
    const rego = join(dir, 'ok.rego');
    writeFileSync(rego, 'package a\n\nx := 1\n');
    const noEntry = offgate(['compile', rego, '--output-file', join(dir, 'x.wasm')]);
    expect(noEntry.code).toBe(2);
    expect(noEntry.stderr).toMatch(/no entrypoint/);
  });

  it('rejects v0 syntax in a .rego file unless asked for, with a hint', () => {
    const rego = join(dir, 'v0.rego');
    writeFileSync(rego, 'package a\n\nallow { input.ok }\n');
    expect(offgate(['compile', rego, '-e', 'a/allow', '--output-file', join(dir, 'v0.wasm')]).code).toBe(2);
    expect(offgate(['compile', rego, '--rego-version', 'v0', '-e', 'a/allow', '--output-file', join(dir, 'v0.wasm')]).code).toBe(0);
  });
});
