// Shrinking a failing input: chunks of lines taken out while the failure stays the same
// (same class and signature), halving the chunk size when no chunk can go — delta
// debugging on lines, within a budget of runs.

/** Lines of a file, each with its newline (bytes kept as they are: mutated files need not be UTF-8). */
export function splitLines(data: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x0a) {
      lines.push(data.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < data.length) lines.push(data.subarray(start));
  return lines;
}

/**
 * The smallest set of lines found (in order) for which `fails` still holds, trying at
 * most `budget` candidates. `fails` is never called on the input itself.
 */
export async function minimizeLines(lines: Buffer[], fails: (candidate: Buffer) => Promise<boolean>, budget: number): Promise<{ data: Buffer; tries: number }> {
  let current = lines;
  let tries = 0;
  let chunk = Math.max(1, Math.floor(current.length / 2));
  while (tries < budget && current.length > 1) {
    let removed = false;
    for (let at = 0; at < current.length && tries < budget; ) {
      const candidate = [...current.slice(0, at), ...current.slice(at + chunk)];
      tries++;
      if (candidate.length > 0 && (await fails(Buffer.concat(candidate)))) {
        current = candidate;
        removed = true;
      } else {
        at += chunk;
      }
    }
    if (!removed) {
      if (chunk === 1) break;
      chunk = Math.max(1, Math.floor(chunk / 2));
    }
  }
  return { data: Buffer.concat(current), tries };
}
