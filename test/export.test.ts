// `offgate export templates`: complete ConstraintTemplates with the schema and
// the Rego where Gatekeeper reads them, compiling to the very modules we bundle.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compile } from '../src/compiler/compile';
import { compileBundled, entrypointOf } from '../src/gatekeeper/bundled-wasm';
import { validateTemplate } from '../src/gatekeeper/constraint-schema';
import { bundledTemplates } from '../src/gatekeeper/library';
import { offgate } from './helpers/cli';

describe('offgate export templates', () => {
  const r = offgate(['export', 'templates']);
  const docs = parseAllDocuments(r.stdout).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS();
  });

  it('prints one valid ConstraintTemplate per bundled template', () => {
    expect(r.code).toBe(0);
    expect(docs.map((d) => d.spec.crd.spec.names.kind).sort()).toEqual(bundledTemplates().map((t) => t.metadata.kind).sort());
  });

  it.each(bundledTemplates())('$folder: schema, Rego and libs where Gatekeeper reads them', (t) => {
    const doc = docs.find((d) => d.spec.crd.spec.names.kind === t.metadata.kind);
    expect(doc.apiVersion).toBe('templates.gatekeeper.sh/v1');
    expect(doc.kind).toBe('ConstraintTemplate');
    expect(doc.metadata.name).toBe(t.metadata.kind.toLowerCase());
    expect(doc.metadata.annotations['metadata.gatekeeper.sh/title']).toBe(t.metadata.title);
    expect(doc.spec.crd.spec.validation.openAPIV3Schema).toEqual(t.metadata.parameters);
    expect(doc.spec.crd.spec.validation.openAPIV3Schema.type).toBe('object');
    expect(validateTemplate(doc)).toEqual([]); // acceptable to Gatekeeper: names, target, structural schema
    expect(doc.spec.targets).toHaveLength(1);
    const target = doc.spec.targets[0];
    expect(target.target).toBe('admission.k8s.gatekeeper.sh');
    expect(target.rego).toBe(t.rego.source);
    for (const lib of target.libs) expect(lib).toMatch(/^(#.*\n)*package lib\./m);
    // Compiled from the exported YAML, it is the module we bundle.
    const modules = [target.rego, ...target.libs].map((source: string, i: number) => ({ file: i === 0 ? t.rego.file : t.libs[i - 1].file, source }));
    const fromExport = compile({ modules, entrypoints: [entrypointOf(t)], regoVersion: 'v0' });
    expect(Buffer.from(fromExport).equals(Buffer.from(compileBundled(t)))).toBe(true);
  });

  it('writes one file per template with --output-dir, and nothing elsewhere', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-export-'));
    const out = join(dir, 'templates');
    const w = offgate(['export', 'templates', '--output-dir', out]);
    expect(w.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['templates']);
    expect(readdirSync(out).sort()).toEqual(bundledTemplates().map((t) => `${t.folder}.yaml`).sort());
    const one = parseAllDocuments(readFileSync(join(out, readdirSync(out)[0]), 'utf8'));
    expect(one).toHaveLength(1);
  });

  it('rejects an unknown export with exit code 2', () => {
    const bad = offgate(['export', 'things']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown item "things"/);
  });
});
