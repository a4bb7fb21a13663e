// Benchmark (not a test): reading manifests, values only and values + positions.
//
//   npx tsx bench/read.ts [--count 2000] [--runs 5] [--seed 1]
//
// Writes `count` varied Pods and Deployments (seeded, so every run reads the same bytes) into one
// multi-document YAML file in a temp folder, then times readManifests() on it: values only, with
// 100 field positions (random objects and paths), and with one position in every object. The
// file mixes block and flow style (`{cpu: 1}`), which js-yaml reads; the same objects are then
// written in block style only, as `helm template` and `kubectl` write them, which the block
// reader reads. For comparison it also times the `yaml` package (parseAllDocuments + toJS),
// which the rest of offgate uses for its own small files. Prints the best of `runs`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { readManifests } from '../src/manifests';
import { mulberry32 as random } from './random';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const count = arg('count', 2000);
const runs = arg('runs', 5);
const seed = arg('seed', 1);


function generate(n: number, seed: number): { text: string; paths: string[][] } {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const docs: string[] = [];
  const paths: string[][] = []; // per object, paths worth locating
  for (let i = 0; i < n; i++) {
    const deployment = rnd() < 0.4;
    const pad = deployment ? '      ' : '  '; // indentation of the pod spec's fields
    const base = deployment ? 'spec.template.spec' : 'spec';
    const containers: string[] = [];
    const here: string[] = [];
    const nc = 1 + Math.floor(rnd() * 3);
    for (let c = 0; c < nc; c++) {
      const security =
        rnd() < 0.3
          ? `{privileged: ${pick(['true', 'false', 'yes', 'no'])}, runAsNonRoot: true}`
          : `\n${pad}    allowPrivilegeEscalation: ${pick(['true', 'false'])}\n${pad}    capabilities:\n${pad}      drop: [ALL]`;
      containers.push(
        `${pad}- name: ${pick(['app', 'web', 'sidecar', 'proxy'])}-${c}
${pad}  image: "registry.example.com/${pick(['team-a', 'team-b'])}/app:${1 + (i % 9)}.${c}"
${pad}  args: ['--port=${8000 + c}', --verbose]
${pad}  ports:
${pad}    - {containerPort: ${8000 + c}, protocol: TCP}
${pad}  resources:
${pad}    limits: {cpu: ${pick(['100m', '500m', '1'])}, memory: ${pick(['64Mi', '128Mi', '1Gi'])}}
${pad}  securityContext: ${security}`,
      );
      here.push(`${base}.containers[${c}].securityContext.privileged`, `${base}.containers[${c}].image`);
    }
    here.push('metadata.annotations["container.apparmor.security.beta.kubernetes.io/app-0"]', `${base}.volumes[0].configMap.defaultMode`);
    const pod = `${pad.slice(2)}containers:
${containers.join('\n')}
${pad.slice(2)}volumes:
${pad.slice(2)}  - name: config
${pad.slice(2)}    configMap: {name: cfg-${i}, defaultMode: 0644}`;
    const metadata = `metadata:
  name: app-${i}
  namespace: ns-${i % 13}
  labels: {app: app-${i}, tier: ${pick(['frontend', 'backend'])}}
  annotations:
    "container.apparmor.security.beta.kubernetes.io/app-0": runtime/default
    note: >-
      object ${i}, generated
      for the benchmark`;
    docs.push(
      deployment
        ? `# deployment ${i}
apiVersion: apps/v1
kind: Deployment
${metadata}
spec:
  replicas: ${1 + (i % 4)}
  selector:
    matchLabels: {app: app-${i}}
  template:
    metadata:
      labels: {app: app-${i}}
    spec:
${pod}
`
        : `apiVersion: v1
kind: Pod
${metadata}
spec:
${pod}
`,
    );
    paths.push(here);
  }
  return { text: docs.join('---\n'), paths };
}

function best(times: number[]): number {
  return Math.min(...times);
}

const dir = mkdtempSync(join(tmpdir(), 'offgate-bench-read-'));
try {
  const { text, paths } = generate(count, seed);
  const file = join(dir, 'manifests.yaml');
  writeFileSync(file, text);
  console.log(`${count} objects, ${(text.length / 1e6).toFixed(2)} MB, ${text.split('\n').length} lines; best of ${runs} runs`);

  const rnd = random(seed + 1);
  const lookups = Array.from({ length: 100 }, () => {
    const i = Math.floor(rnd() * count);
    return { i, path: paths[i][Math.floor(rnd() * paths[i].length)] };
  });

  const blockFile = join(dir, 'block.yaml');
  const values = (await readManifests([file])).objects.map((o) => o.object);
  writeFileSync(blockFile, values.map((v) => stringify(v, { aliasDuplicateObjects: false, lineWidth: 0 })).join('---\n'));

  const valuesOnly: number[] = [];
  const withPositions: number[] = [];
  const everyObject: number[] = [];
  const blockOnly: number[] = [];
  const blockEveryObject: number[] = [];
  const yamlPackage: number[] = [];
  let checksum = 0;
  for (let run = 0; run < runs; run++) {
    let t0 = performance.now();
    const block = await readManifests([blockFile]);
    blockOnly.push(performance.now() - t0);
    t0 = performance.now();
    const blockAll = await readManifests([blockFile]);
    blockAll.objects.forEach((o, i) => (checksum += o.locate(paths[i][0]).column));
    blockEveryObject.push(performance.now() - t0);
    if (block.objects.length !== count || block.errors.length > 0) throw new Error(`read ${block.objects.length} objects, ${block.errors.length} errors`);

    t0 = performance.now();
    const read = await readManifests([file]);
    valuesOnly.push(performance.now() - t0);
    if (read.objects.length !== count || read.errors.length > 0) throw new Error(`read ${read.objects.length} objects, ${read.errors.length} errors`);

    t0 = performance.now();
    const again = await readManifests([file]);
    for (const { i, path } of lookups) checksum += again.objects[i].locate(path).line;
    withPositions.push(performance.now() - t0);

    // The worst case: a policy every object breaks, each report placed.
    t0 = performance.now();
    const all = await readManifests([file]);
    all.objects.forEach((o, i) => (checksum += o.locate(paths[i][0]).column));
    everyObject.push(performance.now() - t0);

    t0 = performance.now();
    parseAllDocuments(text).map((d) => d.toJS());
    yamlPackage.push(performance.now() - t0);
  }
  const line = (name: string, ms: number) =>
    console.log(`${name.padEnd(40)} ${ms.toFixed(0).padStart(6)} ms  ${Math.round((count / ms) * 1000).toString().padStart(7)} objects/s`);
  line('values only', best(valuesOnly));
  line('values + 100 positions', best(withPositions));
  line(`values + ${count} positions (1 per object)`, best(everyObject));
  line('block style: values only', best(blockOnly));
  line(`block style: values + ${count} positions`, best(blockEveryObject));
  line('yaml parseAllDocuments + toJS', best(yamlPackage));
  console.log(`(checksum ${checksum})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
