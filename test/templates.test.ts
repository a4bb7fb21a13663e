// Every bundled template against its fixtures (fixtures/pod-security/<folder>.yaml),
// compiled from its sources (wasm-fresh.test.ts checks the committed modules are
// the same bytes): exact result count, and for each expected violation the text
// its message carries and the field path its details give.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { compileBundled, entrypointOf } from '../src/gatekeeper/bundled-wasm';
import { bundledTemplates } from '../src/gatekeeper/library';
import { loadPolicySync } from '../src/policy/sdk';

interface Expected {
  /** The result's details.path (its first offending field). */
  path: string;
  /** All of details.paths, when one message collapses several findings (default: just `path`). */
  paths?: string[];
  /** Text the result's message contains (a container name, a value). */
  mentions?: string[];
}

interface FixtureCase {
  name: string;
  parameters?: Record<string, unknown>;
  operation?: string;
  /** The object under review (a Pod manifest). */
  object?: Record<string, unknown>;
  /** A whole review, as an AdmissionReview's request would give it. */
  review?: Record<string, unknown>;
  violations: Expected[];
}

interface Fixture {
  kind: string;
  cases: FixtureCase[];
}

function reviewOf(c: FixtureCase): Record<string, unknown> {
  if (c.review) return c.review;
  const obj = c.object ?? {};
  const apiVersion = String(obj.apiVersion ?? 'v1');
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const metadata = (obj.metadata ?? {}) as Record<string, unknown>;
  return {
    kind: { group, version, kind: obj.kind ?? 'Pod' },
    operation: c.operation ?? 'CREATE',
    name: metadata.name,
    namespace: metadata.namespace ?? 'default',
    object: obj,
  };
}

const fixtures = join(__dirname, '../fixtures/pod-security');

describe.each(bundledTemplates())('$folder', (t) => {
  const file = join(fixtures, `${t.folder}.yaml`);
  it('has fixtures', () => expect(existsSync(file)).toBe(true));
  if (!existsSync(file)) return;
  const fixture = parseYaml(readFileSync(file, 'utf8')) as Fixture;
  const policy = loadPolicySync(compileBundled(t));

  it('fixtures name this template', () => expect(fixture.kind).toBe(t.metadata.kind));

  for (const c of fixture.cases) {
    it(c.name, () => {
      const rs = policy.evaluate({ review: reviewOf(c), parameters: c.parameters ?? {} }, entrypointOf(t));
      const results = (rs[0]?.result ?? []) as { msg: string; details: { path: string; paths: string[] } }[];
      expect(results.map((r) => r.details.paths)).toHaveLength(c.violations.length);
      for (const want of c.violations) {
        const paths = want.paths ?? [want.path];
        const hit = results.find(
          (r) => r.details.path === want.path && JSON.stringify(r.details.paths) === JSON.stringify(paths) && (want.mentions ?? []).every((m) => r.msg.includes(m)),
        );
        expect(hit, `a result at ${JSON.stringify(paths)} mentioning ${JSON.stringify(want.mentions ?? [])} in ${JSON.stringify(results)}`).toBeDefined();
      }
    });
  }
});
