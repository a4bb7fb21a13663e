// The sources of the shards of one lint joined into the single run's: each source once, in
// the order every shard lists them in (offgate.yaml's order of environments, though a shard
// lists only those its files went to), and the file counts of offgate.yaml's `paths:`
// environments (`env:prod: 3 files`, shown `environment prod: 3 files`) added up: each
// shard counts its own files. A shard that reviewed no object names no environment it used
// but the one a run without objects would have used: its sources are left out (unless no
// shard reviewed any).

const FILE_COUNT = /^(.*): ([0-9]+) files?((?: \(in the paths of no environment\))?)$/;

/** The joined list: `shards` are the shards' sources (less their shard lines) and how many objects each reviewed. */
export function joinSources(shards: readonly { sources: readonly string[]; objects: number }[]): string[] {
  const reviewing = shards.filter((s) => s.objects > 0);
  const lists = (reviewing.length > 0 ? reviewing : shards).map((s) => s.sources);
  const keyOf = (s: string) => {
    const m = FILE_COUNT.exec(s);
    return m ? `${m[1]}\0${m[3]}` : s;
  };
  const counts = new Map<string, number>();
  for (const list of lists) {
    for (const s of list) {
      const m = FILE_COUNT.exec(s);
      if (m) counts.set(keyOf(s), (counts.get(keyOf(s)) ?? 0) + Number(m[2]));
    }
  }
  return inCommonOrder(lists.map((list) => [...new Set(list.map(keyOf))])).map((key) => {
    const n = counts.get(key);
    if (n === undefined) return key;
    const [head, tail] = key.split('\0') as [string, string];
    return `${head}: ${n} ${n === 1 ? 'file' : 'files'}${tail}`;
  });
}

/**
 * Every item of the lists once, each before whatever follows it in any list (ties: the first
 * list's first); lists that disagree (no order satisfies them all) yield in the first list's order.
 */
function inCommonOrder(lists: readonly string[][]): string[] {
  const heads = lists.map(() => 0);
  const out: string[] = [];
  const placed = new Set<string>();
  for (;;) {
    const waiting = new Set<string>();
    for (let i = 0; i < lists.length; i++) for (const item of lists[i]!.slice(heads[i]! + 1)) waiting.add(item);
    const candidates = lists.map((l, i) => l[heads[i]!]).filter((x): x is string => x !== undefined);
    if (candidates.length === 0) return out;
    const next = candidates.find((c) => !waiting.has(c)) ?? candidates[0]!;
    if (!placed.has(next)) {
      out.push(next);
      placed.add(next);
    }
    for (let i = 0; i < lists.length; i++) while (lists[i]![heads[i]!] !== undefined && placed.has(lists[i]![heads[i]!]!)) heads[i] = heads[i]! + 1;
  }
}
