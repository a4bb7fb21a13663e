// Benchmark (not a test): evaluations per second of a pod-security template
// over a three-container Pod, through @open-policy-agent/opa-wasm.
//
//   npm run bench:eval [-- --seconds 3]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compile } from '../src/compiler/compile';
import { loadPolicySync } from '../src/policy/sdk';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 3;
const file = join(import.meta.dirname ?? __dirname, '../fixtures/templates/privileged-containers.yaml');
const target = parseAllDocuments(readFileSync(file, 'utf8'))[0].toJS().spec.targets[0];
const modules = [target.rego, ...target.libs].map((source: string, i: number) => ({ file: `${file}#${i}`, source }));

const t0 = performance.now();
const wasm = compile({ modules, entrypoints: ['k8spspprivileged/violation'], regoVersion: 'v0' });
const compileMs = performance.now() - t0;
const policy = loadPolicySync(wasm);

const container = (name: string, privileged: boolean) => ({
  name,
  image: `registry.example.com/team/${name}:1.2.3`,
  ports: [{ containerPort: 8080, protocol: 'TCP' }],
  resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', memory: '64Mi' } },
  securityContext: { privileged, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
  volumeMounts: [{ name: 'data', mountPath: '/data' }],
});
const input = {
  review: {
    operation: 'CREATE',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    object: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'prod', labels: { app: 'web', tier: 'frontend' } },
      spec: { containers: [container('app', true), container('sidecar', false), container('logger', false)], volumes: [{ name: 'data', emptyDir: {} }] },
    },
  },
  parameters: { exemptImages: ['registry.example.com/trusted/*'] },
};

const check = policy.evaluate(input, 'k8spspprivileged/violation');
if (check[0].result.length !== 1) throw new Error(`unexpected result ${JSON.stringify(check)}`);

/** Evaluations per second of `run` over `seconds`, after a warm-up. */
function measure(run: () => void): { perSecond: number; micros: number; n: number } {
  for (let i = 0; i < 2000; i++) run();
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) run();
    n += 1000;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { perSecond: n / elapsed, micros: (elapsed / n) * 1e6, n };
}

const entrypoint = 'k8spspprivileged/violation';
// The SDK serialises an object input with JSON.stringify on every call; offgate
// lint serialises each object once and hands the same bytes to every constraint.
const encoded = new TextEncoder().encode(JSON.stringify(input)).buffer;
const modes: [string, () => void][] = [
  ['object input (SDK stringifies per call)', () => policy.evaluate(input, entrypoint)],
  ['pre-encoded input (as offgate lint does)', () => policy.evaluate(encoded, entrypoint)],
];
console.log(`compile: ${compileMs.toFixed(1)} ms, module ${wasm.length} bytes`);
for (const [label, run] of modes) {
  const r = measure(run);
  console.log(`eval, ${label}: ${Math.round(r.perSecond).toLocaleString('en-US')} evaluations/s (${r.micros.toFixed(2)} µs each, ${r.n} runs, one core)`);
}
