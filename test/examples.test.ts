// The examples beside each bundled template (rego/<folder>/examples/): a
// Constraint of the template's kind, Pods (or workloads) it allows and Pods it
// rejects. Each example is evaluated with its constraint by the engine, on the
// template compiled from its sources: allowed*.yaml must give no result,
// disallowed*.yaml at least one, all of them denials by that constraint on
// that object.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileBundled, entrypointOf } from '../src/gatekeeper/bundled-wasm';
import { validateConstraint } from '../src/gatekeeper/constraint-schema';
import { evaluate, type EngineOutput, type ObjectRef, type PrecompiledTemplate, type Result } from '../src/gatekeeper/engine';
import { bundledTemplates, renderConstraintTemplate, type BundledTemplate } from '../src/gatekeeper/library';
import type { K8sObject } from '../src/gatekeeper/types';

const REGO = join(__dirname, '../rego');
const REQUIRED = ['constraint.yaml', 'allowed.yaml', 'disallowed.yaml'];

/** The single document of an example file; YAML errors and extra documents fail the test. */
function loadOne(file: string): K8sObject {
  const source = readFileSync(file, 'utf8');
  expect(source.startsWith('#'), `${file} starts with a comment saying what it shows`).toBe(true);
  const docs = parseAllDocuments(source);
  expect(Array.isArray(docs), `${file}: not a YAML stream`).toBe(true);
  const list = docs as Exclude<typeof docs, { empty: true }>;
  expect(list.flatMap((d) => d.errors.map((e) => e.message)), `${file}: YAML errors`).toEqual([]);
  expect(list, `${file} holds exactly one document`).toHaveLength(1);
  const obj = list[0].toJS() as K8sObject;
  expect(obj && typeof obj === 'object' && !Array.isArray(obj), `${file}: not an object`).toBe(true);
  return obj;
}

/**
 * The input object a result is about: the reviewed object itself, or for a Pod
 * generated from a workload, that workload.
 */
/** The object in the file a result is about: the workload for a generated Pod. */
function inputObjectOf(r: Result): ObjectRef {
  const w = r.workload ?? r.object;
  return { apiVersion: w.apiVersion, kind: w.kind, namespace: w.namespace, name: w.name };
}

/** The `#` lines a file starts with, joined without the markers. */
function leadingComment(source: string): string {
  const lines: string[] = [];
  for (const line of source.split('\n')) {
    if (!line.startsWith('#')) break;
    lines.push(line.replace(/^#\s?/, ''));
  }
  return lines.join(' ');
}

function precompiledOf(t: BundledTemplate): PrecompiledTemplate {
  return {
    kind: t.metadata.kind,
    wasm: compileBundled(t),
    entrypoint: entrypointOf(t),
    template: renderConstraintTemplate(t) as K8sObject,
  };
}

describe.each(bundledTemplates())('$folder', (t) => {
  const dir = join(REGO, t.folder, 'examples');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort() : [];

  it('has constraint.yaml, allowed.yaml and disallowed.yaml', () => {
    for (const f of REQUIRED) expect(files, `${t.folder}/examples/${f}`).toContain(f);
  });

  it('holds only constraint, allowed* and disallowed* files', () => {
    for (const f of files) expect(f, `${t.folder}/examples/${f}`).toMatch(/^(constraint|allowed[-\w]*|disallowed[-\w]*)\.yaml$/);
  });

  if (!files.includes('constraint.yaml')) return;

  let precompiled: PrecompiledTemplate | undefined;
  const template = () => (precompiled ??= precompiledOf(t));
  const constraintFile = join(dir, 'constraint.yaml');

  it('constraint.yaml is a valid Constraint of the template, matching Pods', () => {
    const c = loadOne(constraintFile);
    expect(c.apiVersion).toBe('constraints.gatekeeper.sh/v1beta1');
    expect(c.kind).toBe(t.metadata.kind);
    const spec = c.spec as { match?: { kinds?: unknown }; enforcementAction?: unknown };
    expect(spec.match?.kinds).toEqual([{ apiGroups: [''], kinds: ['Pod'] }]);
    expect(spec.enforcementAction ?? 'deny').toBe('deny');
    const v = validateConstraint(template().template, c);
    expect('errors' in v ? v.errors : [], 'schema errors').toEqual([]);
    expect('warnings' in v ? v.warnings : [], 'schema warnings').toEqual([]);
  });

  const run = (file: string): { example: K8sObject; constraint: K8sObject; out: EngineOutput } => {
    const constraint = loadOne(constraintFile);
    const example = loadOne(join(dir, file));
    const out = evaluate({
      objects: [
        { object: constraint, origin: { file: constraintFile } },
        { object: example, origin: { file: join(dir, file) } },
      ],
      precompiled: [template()],
      options: { cacheDir: null },
    });
    expect(out.errors, 'load errors').toEqual([]);
    expect(out.warnings, 'warnings').toEqual([]);
    return { example, constraint, out };
  };

  for (const file of files.filter((f) => f.startsWith('allowed'))) {
    it(`${file} is allowed`, () => {
      const { example, out } = run(file);
      expect(example.metadata?.name, 'the example has a name').toBeTruthy();
      expect(example.metadata?.namespace, 'the example has a namespace').toBeTruthy();
      expect(out.results.map((r) => r.message)).toEqual([]);
    });
  }

  for (const file of files.filter((f) => f.startsWith('disallowed'))) {
    it(`${file} is rejected`, () => {
      const { example, constraint, out } = run(file);
      const meta = example.metadata ?? {};
      expect(meta.name, 'the example has a name').toBeTruthy();
      expect(meta.namespace, 'the example has a namespace').toBeTruthy();
      expect(out.results.length, 'results').toBeGreaterThanOrEqual(1);
      for (const r of out.results) {
        expect(inputObjectOf(r)).toEqual({ apiVersion: example.apiVersion, kind: example.kind, namespace: meta.namespace, name: meta.name });
        expect(r.origin?.file).toBe(join(dir, file));
        expect(r.constraint).toEqual({ kind: t.metadata.kind, name: constraint.metadata?.name });
        expect(r.enforcementAction).toBe('deny');
        expect(r.evaluationError, r.message).toBeUndefined();
        expect(r.autoreject, r.message).toBeUndefined();
      }
      // The file's opening comment names the offending field: a result's path
      // (less a trailing list index) appears in it.
      const paths = out.results.map((r) => r.path).filter((p): p is string => p !== undefined);
      if (paths.length > 0) {
        const comment = leadingComment(readFileSync(join(dir, file), 'utf8'));
        expect(
          paths.some((p) => comment.includes(p.replace(/\[\d+\]$/, ''))),
          `the opening comment of ${file} names one of ${JSON.stringify(paths)}`,
        ).toBe(true);
      }
    });
  }
});
