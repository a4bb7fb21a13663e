// Runs OPA's YAML conformance cases through our compiler and the OPA wasm SDK.
//
//   npm run conformance -- DIR [--filter TEXT] [--verbose]
//
// Prints a line per category and, last, `N passed, M failed, K skipped`.
import { basename, relative } from 'node:path';
import { collectFiles, readCases, runCase, type Outcome } from '../src/compiler/yaml-cases';

function main(): void {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  if (!dir) {
    console.error('usage: npm run conformance -- DIR [--filter TEXT] [--verbose]');
    process.exit(2);
  }
  const fi = args.indexOf('--filter');
  const filter = fi >= 0 ? args[fi + 1] : undefined;
  const verbose = args.includes('--verbose');
  const totals = { pass: 0, fail: 0, skip: 0 };
  const byCategory = new Map<string, typeof totals>();
  for (const file of collectFiles(dir)) {
    const rel = relative(dir, file).split('/');
    const category = rel.length > 1 ? rel[0] : basename(dir);
    for (const c of readCases(file)) {
      if (filter && !c.note.includes(filter)) continue;
      let outcome: Outcome;
      try {
        outcome = runCase(c);
      } catch (e) {
        outcome = { status: 'fail', why: `runner error: ${(e as Error).message}` };
      }
      const cat = byCategory.get(category) ?? { pass: 0, fail: 0, skip: 0 };
      cat[outcome.status]++;
      totals[outcome.status]++;
      byCategory.set(category, cat);
      if (outcome.status !== 'pass' && (verbose || outcome.status === 'skip')) {
        console.log(`${outcome.status.toUpperCase()} ${c.note}: ${outcome.why}`);
      }
    }
  }
  for (const [cat, t] of [...byCategory.entries()].sort()) {
    console.log(`${cat}: ${t.pass} passed, ${t.fail} failed, ${t.skip} skipped`);
  }
  console.log(`${totals.pass} passed, ${totals.fail} failed, ${totals.skip} skipped`);
  process.exit(totals.fail > 0 ? 1 : 0);
}

main();
