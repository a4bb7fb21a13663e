// Expansion fan-out (issue 11): ExpansionTemplates (under --policy) are applied as
// Gatekeeper applies them — every template that applies yields one resource, and generated
// resources are expanded again — but one object may generate at most MAX_GENERATED_RESOURCES.
// Four templates per level over ten levels (11 KB of YAML) used to crash the run; now that
// object gets one error line, and every other object is linted.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { expand, MAX_GENERATED_RESOURCES, parseExpansionTemplate, type ExpansionRule } from '../../src/gatekeeper/expansion';
import type { K8sObject } from '../../src/gatekeeper/types';
import { offgate } from '../helpers/cli';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-expansion-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** `width` ExpansionTemplates per level: each turns an L<i> into an L<i+1>; the last level makes Pods. */
function fanOutTemplates(width: number, levels: number): string {
  const docs: string[] = [];
  for (let level = 0; level < levels; level++) {
    const generated = level === levels - 1 ? '{group: "", version: v1, kind: Pod}' : `{group: example.com, version: v1, kind: L${level + 1}}`;
    for (let j = 0; j < width; j++) {
      docs.push(`apiVersion: expansion.gatekeeper.sh/v1alpha1
kind: ExpansionTemplate
metadata:
  name: fan-${level}-${j}
spec:
  applyTo:
    - groups: [example.com]
      versions: [v1]
      kinds: [L${level}]
  templateSource: spec.t
  generatedGVK: ${generated}
`);
    }
  }
  return docs.join('---\n');
}

/** An L0 whose spec.t holds an L1, ... down to a privileged pod template. */
function nestedObject(levels: number): string {
  let inner = '{spec: {containers: [{name: c, image: nginx, securityContext: {privileged: true}}]}}';
  for (let i = levels - 1; i >= 1; i--) inner = `{spec: {t: ${inner}}}`;
  return `apiVersion: example.com/v1\nkind: L0\nmetadata:\n  name: x\n  namespace: shop\nspec:\n  t: ${inner}\n`;
}

const PRIVILEGED_CONSTRAINT = `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPSPPrivilegedContainer
metadata:
  name: no-privileged
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
`;

const BAD_POD = `apiVersion: v1
kind: Pod
metadata:
  name: bad
  namespace: shop
spec:
  containers: [{name: c, image: nginx, securityContext: {privileged: true}}]
`;

interface Report {
  results: { file: string; object: { kind: string; name: string | null }; workload?: { name: string }; message: string }[];
  errors: { file: string; line: number | null; column: number | null; message: string }[];
}

describe('expansion fan-out', { timeout: 60_000 }, () => {
  it('4 templates × 10 levels: one error for that object, the other files still linted', () => {
    const templates = fanOutTemplates(4, 10);
    expect(templates.length).toBeGreaterThan(10_000); // the 11 KB
    const cwd = workspace({ 'policy/expansions.yaml': templates, 'policy/c.yaml': PRIVILEGED_CONSTRAINT, 'fan.yaml': nestedObject(10), 'pod.yaml': BAD_POD });
    const r = offgate(['lint', '-o', 'json', '--policy', 'policy', 'fan.yaml', 'pod.yaml'], { cwd });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.errors).toEqual([
      {
        file: 'fan.yaml',
        line: 1,
        column: 1,
        message: `expansion of L0 shop/x generated more than ${MAX_GENERATED_RESOURCES} resources (ExpansionTemplates fan-0-0, fan-0-1, fan-0-2, fan-0-3, fan-1-0…): the resources it generates were not checked`,
      },
    ]);
    expect(report.results.map((x) => `${x.file} ${x.object.kind} ${x.object.name}`)).toEqual(['pod.yaml Pod bad']);
    const text = offgate(['lint', '--policy', 'policy', 'fan.yaml', 'pod.yaml'], { cwd });
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/^fan\.yaml:1:1: error: expansion of L0 shop\/x generated more than 1000 resources/m);
    expect(text.stdout).not.toMatch(/no violations/);
  });

  it('4 templates × 4 levels stay within the bound: every generated Pod is judged, as Gatekeeper expands them again', () => {
    const cwd = workspace({ 'policy/expansions.yaml': fanOutTemplates(4, 4), 'policy/c.yaml': PRIVILEGED_CONSTRAINT, 'fan.yaml': nestedObject(4) });
    const r = offgate(['lint', '-o', 'json', '--policy', 'policy', 'fan.yaml'], { cwd });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.errors).toEqual([]);
    expect(r.code).toBe(1);
    // 4 + 16 + 64 resources on the way, 256 Pods at the end, each denied once.
    expect(report.results).toHaveLength(256);
    expect(report.results.every((x) => x.object.kind === 'Pod' && x.workload?.name === 'x' && x.message.startsWith('[Implied by fan-3-'))).toBe(true);
  });

  it('the bound counts every generated resource, and is exact', () => {
    const rules: ExpansionRule[] = [];
    for (const doc of fanOutTemplates(2, 3).split('---\n')) {
      const parsed = parseExpansionTemplate(parse(doc) as K8sObject);
      if ('error' in parsed) throw new Error(parsed.error);
      rules.push(parsed.rule);
    }
    const parent = { apiVersion: 'example.com/v1', kind: 'L0', metadata: { name: 'x' }, spec: { t: { spec: { t: { spec: { t: { spec: { containers: [] } } } } } } } };
    // 2 + 4 + 8 = 14 resources.
    const all = expand(parent, rules, { maxGenerated: 14 });
    expect('generated' in all && all.generated.length).toBe(14);
    expect(expand(parent, rules, { maxGenerated: 13 })).toEqual({ error: 'expansion of L0 x generated more than 13 resources (ExpansionTemplates fan-0-0, fan-0-1, fan-1-0, fan-1-1, fan-2-0…): the resources it generates were not checked' });
    expect(parent.spec.t.spec.t.spec.t.spec.containers).toEqual([]); // the parent is untouched
  });
});

