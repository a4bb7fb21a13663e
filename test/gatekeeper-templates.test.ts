// Loading users' ConstraintTemplates: where the Rego is, Gatekeeper's contract
// on it, and the compiled-module cache.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDir, compileCached } from '../src/gatekeeper/module-cache';
import { isLegacySchema, templateRego } from '../src/gatekeeper/templates';
import type { K8sObject } from '../src/gatekeeper/types';

const REGO = 'package k8srequiredlabels\n\nviolation[{"msg": msg}] {\n  not input.review.object.metadata.labels.owner\n  msg := "owner label missing"\n}\n';

function template(target: Record<string, unknown>, apiVersion = 'templates.gatekeeper.sh/v1'): K8sObject {
  return {
    apiVersion,
    kind: 'ConstraintTemplate',
    metadata: { name: 'k8srequiredlabels' },
    spec: { crd: { spec: { names: { kind: 'K8sRequiredLabels' } } }, targets: [{ target: 'admission.k8s.gatekeeper.sh', ...target }] },
  };
}

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('template Rego', () => {
  it('reads the legacy rego and libs as v0, entrypoint <package>/violation', () => {
    const r = templateRego(template({ rego: REGO, libs: ['package lib.x\n\nf := 1\n'] }), 't.yaml');
    expect(r.regoVersion).toBe('v0');
    expect(r.entrypoint).toBe('k8srequiredlabels/violation');
    expect(r.modules.map((m) => m.file)).toEqual(['t.yaml#rego', 't.yaml#libs[0]']);
  });

  it('reads code entries with engine Rego, v1 when the version says so', () => {
    const v1 = 'package k8srequiredlabels\n\nviolation contains {"msg": "x"} if not input.review.object.metadata.labels.owner\n';
    const r = templateRego(template({ code: [{ engine: 'K8sNativeValidation', source: {} }, { engine: 'Rego', source: { rego: v1, version: 'v1' } }] }), 't.yaml');
    expect(r.regoVersion).toBe('v1');
  });

  it('lets the legacy rego replace a Rego code entry', () => {
    const r = templateRego(template({ rego: REGO, code: [{ engine: 'Rego', source: { rego: 'package other\n', version: 'v1' } }] }), 't.yaml');
    expect(r.regoVersion).toBe('v0');
    expect(r.modules[0].source).toBe(REGO);
  });

  it('knows which versions keep unknown fields', () => {
    expect(isLegacySchema(template({}, 'templates.gatekeeper.sh/v1beta1'))).toBe(true);
    expect(isLegacySchema(template({}))).toBe(false);
  });

  it('enforces Gatekeeper’s contract', () => {
    expect(message(() => templateRego(template({ rego: 'package p\n\nx := 1\n' }), 't.yaml'))).toMatch(/missing required rules: \[violation\]/);
    expect(message(() => templateRego(template({ rego: 'package p\n\nimport input.review\n\nviolation[{"msg": "m"}] { review }\n' }), 't.yaml'))).toMatch(
      /t\.yaml#rego:3:1: rego_compile_error: disallowed import input\.review/,
    );
    expect(message(() => templateRego(template({ rego: 'package p\n\nviolation[{"msg": "m"}] { data.foo.bar }\n' }), 't.yaml'))).toMatch(/disallowed ref data\.foo\.bar/);
    expect(message(() => templateRego(template({ rego: REGO, libs: ['package helpers\n\nf := 1\n'] }), 't.yaml'))).toMatch(/lib packages must be below lib/);
    expect(message(() => templateRego(template({}), 't.yaml'))).toMatch(/no language driver/);
  });
});

describe('compiled-module cache', () => {
  const req = { modules: [{ file: 't.rego', source: REGO }], entrypoint: 'k8srequiredlabels/violation', regoVersion: 'v0' as const };

  it('compiles once and reads the module back on the second run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-cache-'));
    const first = compileCached(req, dir);
    const second = compileCached(req, dir);
    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(true);
    expect(Buffer.from(second.wasm).equals(Buffer.from(first.wasm))).toBe(true);
    expect(readdirSync(dir)).toHaveLength(1);
    const changed = compileCached({ ...req, modules: [{ file: 't.rego', source: REGO.replace('owner', 'team') }] }, dir);
    expect(changed.fromCache).toBe(false);
  });

  it('lives in the XDG cache directory', () => {
    expect(cacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/offgate/modules');
    expect(cacheDir({ OFFGATE_CACHE_DIR: '/y' })).toBe('/y');
    expect(cacheDir({})).toMatch(/\.cache\/offgate\/modules$/);
  });

  it('still compiles when the cache cannot be written', () => {
    expect(compileCached(req, '/dev/null/offgate-cache').fromCache).toBe(false);
  });
});
