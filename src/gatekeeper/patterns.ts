// Gatekeeper's wildcard patterns, used by `spec.match.namespaces`, `excludedNamespaces`
// and `name`, and by Config's `excludedNamespaces`. A `*` means something only at either
// end of the pattern; anywhere else it is an ordinary character (and the schema forbids it).

/** The HEAD schema for a pattern (the 2023 one was stricter: no bare `*`, no `:`). */
export const PATTERN_SCHEMA = '^\\*?[-:a-z0-9]*\\*?$';
const PATTERN_RE = new RegExp(PATTERN_SCHEMA);

/** Whether a constraint may carry this pattern (anything else rejects the constraint). */
export function isValidPattern(pattern: string): boolean {
  return PATTERN_RE.test(pattern);
}

/**
 * `abc*` starts with, `*abc` ends with, `*abc*` contains, anything else is an exact match.
 * `*` alone (and `**`) contains the empty string, so it matches every value, even "".
 */
export function matchesPattern(pattern: string, value: string): boolean {
  const leading = pattern.startsWith('*');
  const trailing = pattern.endsWith('*');
  // Strip the leading star first, then the trailing one from what remains, so a lone `*`
  // leaves "" (contained in everything) rather than being stripped twice.
  const afterLeading = leading ? pattern.slice(1) : pattern;
  const core = trailing && afterLeading.endsWith('*') ? afterLeading.slice(0, -1) : afterLeading;
  if (leading && trailing) return value.includes(core);
  if (leading) return value.endsWith(core);
  if (trailing) return value.startsWith(core);
  return pattern === value;
}

export function matchesAnyPattern(patterns: readonly string[], value: string): boolean {
  return patterns.some((p) => matchesPattern(p, value));
}

/**
 * Patterns that may also match a `generateName` (HEAD): prefix (`p*`) and infix (`*x*`)
 * forms. A generated name only appends characters, so a suffix or exact pattern says
 * nothing about the final name.
 */
export function isPrefixOrInfixPattern(pattern: string): boolean {
  return pattern.endsWith('*');
}
