// A check run by hand: the line scanner (fast-locate.ts) and the positions the block reader
// records (block-yaml.ts) must place every field exactly where the full YAML parser does,
// whenever they answer at all.
//
//   npx tsx scripts/check-locate.ts FILE_OR_DIR...
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { placeIn, type Placements } from '../src/manifests/block-yaml';
import { documentLines, fastLocate } from '../src/manifests/fast-locate';
import { parseManifestText } from '../src/manifests/parse';
import { walk, positionTrees, type PosNode } from '../src/manifests/locate';
import { schemaFor } from '../src/manifests/schema';
import type { PathSegment } from '../src/manifests/path';

function files(p: string): string[] {
  if (statSync(p).isDirectory()) return readdirSync(p).flatMap((f) => files(join(p, f)));
  return /\.ya?ml$/.test(p) ? [p] : [];
}

/** Every path in a value, plus a missing child of each object. */
function paths(v: unknown, prefix: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(prefix);
  if (prefix.length > 10) return out;
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
    out.push([...prefix, 'noSuchField']);
  }
  return out;
}

let answered = 0;
let declined = 0;
let wrong = 0;
let placed = 0;
let placedWrong = 0;
for (const file of process.argv.slice(2).flatMap(files)) {
  const text = readFileSync(file, 'utf8');
  const { objects } = parseManifestText(text, file);
  for (const m of objects) {
    const doc = (m as unknown as { doc: { from: number; to: number; format: string; parent?: unknown; placement?: { placements: Placements; root: number; base: number } } }).doc;
    if (doc.format !== 'yaml' || doc.parent) continue;
    const roots = positionTrees(text.slice(0, doc.to), 0, schemaFor('1.1'));
    const root = roots.find((r) => r.start >= doc.from) as PosNode | undefined;
    if (!root) continue;
    const lines = documentLines(text, doc.from, doc.to);
    for (const p of paths(m.object)) {
      const byReader = doc.placement ? placeIn(doc.placement.placements, doc.placement.root, root.start - doc.placement.base, p) : undefined;
      if (byReader) {
        placed++;
        const slow = walk(root, p);
        if (slow.offset !== byReader.offset + doc.placement!.base || slow.complete !== byReader.complete) {
          placedWrong++;
          if (placedWrong <= 20) console.log(`WRONG (block reader) ${file} ${JSON.stringify(p)}: ${byReader.offset}/${byReader.complete}, parser ${slow.offset}/${slow.complete}`);
        }
      }
      const fast = lines ? fastLocate(lines, p) : undefined;
      if (!fast) {
        declined++;
        continue;
      }
      answered++;
      const slow = walk(root, p);
      if (slow.offset !== fast.offset) {
        wrong++;
        if (wrong <= 20) console.log(`WRONG ${file} ${JSON.stringify(p)}: fast ${fast.offset}, parser ${slow.offset}`);
      }
    }
  }
}
console.log(`${answered} paths answered by the scanner, ${declined} left to the parser, ${wrong} wrong`);
console.log(`${placed} paths placed by the block reader's positions, ${placedWrong} wrong`);
