// Benchmark (not a test): the wall time of a whole conformance run, the runner's own
// process included (start-up, compiling every case, evaluating it), as
// `npm run conformance -- DIR` takes it. Prints the runner's totals line and the time.
//
//   npm run bench:conformance -- DIR
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packagePath } from '../src/paths';

const dir = process.argv.slice(2).find((a) => !a.startsWith('--'));
if (!dir) {
  console.error('usage: npm run bench:conformance -- DIR');
  process.exit(2);
}

const runner = packagePath('scripts', 'conformance.ts');
const tsx = join(packagePath('node_modules', 'tsx', 'dist'), 'cli.mjs');
const t0 = performance.now();
// The runner exits 1 when a case fails; that is a result here, not an error.
const r = spawnSync(process.execPath, [tsx, runner, dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const ms = performance.now() - t0;
if (r.error) throw r.error;
const totals = r.stdout.trim().split('\n').at(-1) ?? '';
if (!/^\d+ passed, \d+ failed, \d+ skipped$/.test(totals)) {
  console.error(`the runner did not finish (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  process.exit(1);
}
const cases = totals.match(/\d+/g)!.map(Number).reduce((a, b) => a + b, 0);
console.log(totals);
console.log(`conformance run: ${(ms / 1000).toFixed(1)} s for ${cases} cases (${(ms / cases).toFixed(1)} ms each)`);
