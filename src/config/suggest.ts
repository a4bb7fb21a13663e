// "Did you mean" for misspelt keys and names in offgate.yaml.

/** Levenshtein distance, case-insensitive (a wrong case is still the same word to a person). */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length]!;
}

/**
 * The candidate closest to `word`, when it is close enough to be a typo: within a
 * third of the word's length (at least 2 edits), or when one contains the other
 * (`privileged` → `privileged-containers`).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(2, Math.floor(word.length / 3));
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= limit) return best;
  const lower = word.toLowerCase();
  if (lower.length >= 4) return candidates.find((c) => c.toLowerCase().includes(lower) || lower.includes(c.toLowerCase()));
  return undefined;
}

/** ` (did you mean "x"?)`, or the list of what is expected when nothing is close. */
export function hint(word: string, candidates: readonly string[], what = 'expected'): string {
  const c = closest(word, candidates);
  if (c !== undefined) return ` (did you mean "${c}"?)`;
  return candidates.length ? ` (${what}: ${candidates.join(', ')})` : '';
}
