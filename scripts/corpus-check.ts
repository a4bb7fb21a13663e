// A check run by hand (not part of npm test): offgate's verdicts on the shared
// corpus of real manifests against what Gatekeeper itself decided
// (../shared/corpus/expected/verdicts.json), with the same 19 constraints on our
// bundled templates, per (object, constraint) pair and violation count.
//
//   npx tsx scripts/corpus-check.ts [CORPUS_DIR] [--builtin-expansion] [--verbose]
//
// By default it expands workloads with ExpansionTemplates equivalent to the ones
// the verdicts were produced with; --builtin-expansion uses offgate's own.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadBundledWasm, entrypointOf } from '../src/gatekeeper/bundled-wasm';
import { evaluate, type Located, type PrecompiledTemplate } from '../src/gatekeeper/engine';
import { bundledTemplates, renderConstraintTemplate } from '../src/gatekeeper/library';
import type { K8sObject } from '../src/gatekeeper/types';

interface Verdict {
  constraint: string;
  constraintKind: string;
  kind: string;
  name: string;
  namespace?: string;
  violations: number;
  evaluationError?: boolean;
}

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--')) ?? join(import.meta.dirname ?? __dirname, '../../shared/corpus');
const builtIn = args.includes('--builtin-expansion');
const verbose = args.includes('--verbose');

const verdicts = JSON.parse(readFileSync(join(dir, 'expected/verdicts.json'), 'utf8')) as Record<string, Verdict[]>;
const constraints: Located[] = readdirSync(join(dir, 'expected/constraints'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ object: parseAllDocuments(readFileSync(join(dir, 'expected/constraints', f), 'utf8'))[0].toJS() as K8sObject, origin: { file: f } }));
const precompiled: PrecompiledTemplate[] = bundledTemplates().map((t) => ({
  kind: t.metadata.kind,
  wasm: loadBundledWasm(t),
  entrypoint: entrypointOf(t),
  template: renderConstraintTemplate(t) as K8sObject,
}));

function expansionTemplate(name: string, groups: string[], kinds: string[], source: string, generated: { group: string; version: string; kind: string }): K8sObject {
  return {
    apiVersion: 'expansion.gatekeeper.sh/v1alpha1',
    kind: 'ExpansionTemplate',
    metadata: { name },
    spec: { applyTo: [{ groups, kinds, versions: ['v1'] }], templateSource: source, generatedGVK: generated },
  };
}
const pod = { group: '', version: 'v1', kind: 'Pod' };
const gatorExpansion: Located[] = builtIn
  ? []
  : [
      expansionTemplate('expand-deployments', ['apps'], ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'], 'spec.template', pod),
      expansionTemplate('expand-jobs', ['batch'], ['Job'], 'spec.template', pod),
      expansionTemplate('expand-rc', [''], ['ReplicationController'], 'spec.template', pod),
      expansionTemplate('expand-cronjobs', ['batch'], ['CronJob'], 'spec.jobTemplate', { group: 'batch', version: 'v1', kind: 'Job' }),
    ].map((object) => ({ object }));

let agree = 0;
let differ = 0;
let files = 0;
for (const [file, expected] of Object.entries(verdicts).sort()) {
  files++;
  const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8'), { version: '1.1' })
    .map((d) => d.toJS() as K8sObject)
    .filter((o) => o && typeof o === 'object' && o.kind);
  const out = evaluate({ objects: [...constraints, ...gatorExpansion, ...docs.map((object) => ({ object, origin: { file } }))], precompiled, options: { builtInExpansion: builtIn, cacheDir: null } });
  if (out.errors.length > 0) console.log(`ERROR ${file}: ${out.errors.map((e) => e.message).join('; ')}`);
  const got = new Map<string, number>();
  for (const r of out.results) {
    const root = r.workload ?? r.object;
    const key = `${root.kind} ${root.namespace ?? 'default'}/${root.name} ${r.constraint.kind}/${r.constraint.name}`;
    got.set(key, (got.get(key) ?? 0) + 1);
  }
  const want = new Map<string, number>();
  for (const v of expected) {
    // The library template errors where ours implements the intended check (pod-security spec §2.10).
    if (v.evaluationError) continue;
    want.set(`${v.kind} ${v.namespace ?? 'default'}/${v.name} ${v.constraintKind}/${v.constraint}`, v.violations);
  }
  for (const key of new Set([...got.keys(), ...want.keys()])) {
    if ((got.get(key) ?? 0) === (want.get(key) ?? 0)) agree++;
    else {
      differ++;
      if (verbose) console.log(`DIFF ${file}: ${key}: offgate ${got.get(key) ?? 0}, gatekeeper ${want.get(key) ?? 0}`);
    }
  }
}
const total = agree + differ;
console.log(`${files} files, ${total} (object, constraint) pairs: ${agree} agree, ${differ} differ (${((100 * agree) / Math.max(total, 1)).toFixed(1)}% agreement)`);
