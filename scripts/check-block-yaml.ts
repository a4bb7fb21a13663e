// By hand (not a test): the block YAML reader against js-yaml on real files. For every
// file it reads, the values (key order included) and document starts must be js-yaml's;
// the files it leaves to js-yaml are counted.
//
//   npx tsx scripts/check-block-yaml.ts ../shared/corpus ../shared/conformance fixtures test
import { loadAll } from 'js-yaml';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readBlockYaml } from '../src/manifests/block-yaml';
import { positionTrees } from '../src/manifests/locate';
import { plainScalarResolver, schemaFor, type YamlVersion } from '../src/manifests/schema';

function* files(path: string): Generator<string> {
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) if (name !== 'node_modules' && !name.startsWith('.')) yield* files(join(path, name));
  } else if (/\.ya?ml$/i.test(path)) yield path;
}

/** JSON with the distinctions JSON loses (-0, NaN, Infinity, undefined) kept. */
function show(v: unknown): string {
  return JSON.stringify(v, (_, x) => (typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0)) ? `<number ${Object.is(x, -0) ? '-0' : x}>` : x));
}

let read = 0;
let left = 0;
let differ = 0;
let unloadable = 0;
let fastMs = 0;
let jsMs = 0;
for (const version of ['1.1', '1.2'] as YamlVersion[]) {
  const schema = schemaFor(version);
  const resolve = plainScalarResolver(version);
  for (const root of process.argv.slice(2)) {
    for (const file of files(root)) {
      let text = readFileSync(file, 'utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      let expected: unknown[];
      let starts: number[];
      let t0 = performance.now();
      try {
        expected = loadAll(text, null, { schema }).filter((d) => d !== null && d !== undefined);
        jsMs += performance.now() - t0;
        starts = positionTrees(text, 0, schema).filter((n) => n.start >= 0).map((n) => n.start);
      } catch {
        // js-yaml refuses it: the block reader must not read it either.
        if (readBlockYaml(text, resolve)) {
          differ++;
          console.log(`${file} (${version}): js-yaml refuses it, the block reader reads it`);
        } else unloadable++;
        continue;
      }
      t0 = performance.now();
      const got = readBlockYaml(text, resolve);
      fastMs += performance.now() - t0;
      if (!got) {
        left++;
        if (process.env.VERBOSE) console.log(`left to js-yaml: ${file}`);
        continue;
      }
      read++;
      if (show(got.values) !== show(expected)) {
        differ++;
        console.log(`${file} (${version}): values differ\n  block:   ${show(got.values).slice(0, 400)}\n  js-yaml: ${show(expected).slice(0, 400)}`);
      } else if (show(got.starts) !== show(starts.slice(0, got.starts.length)) || got.starts.length !== expected.length) {
        differ++;
        console.log(`${file} (${version}): document starts differ: ${show(got.starts)} vs ${show(starts)}`);
      }
    }
  }
}
console.log(`read by the block reader: ${read}, left to js-yaml: ${left}, refused by js-yaml: ${unloadable}, differences: ${differ}`);
console.log(`time on the files both read: block reader ${fastMs.toFixed(0)} ms, js-yaml ${jsMs.toFixed(0)} ms (all files)`);
process.exitCode = differ ? 1 : 0;
