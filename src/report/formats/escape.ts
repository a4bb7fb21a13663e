// Text that came from the linted files (names, file names, messages, details) printed on
// one line whatever it holds. A newline in a container name must not start a line of
// its own: CI logs read lines that begin `::error` as GitHub workflow commands (after
// leading spaces, so indenting is no defence), and terminals obey escape sequences.

/**
 * Newlines and carriage returns as `\n` and `\r`, other control characters (C0, DEL, C1)
 * as `\xNN`, Unicode line and paragraph separators and bidirectional overrides as `\u{NNNN}`.
 * Tabs stay.
 */
export function oneLine(text: string): string {
  // Tested first: nearly every text has none, and a test is cheaper than a replace.
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE_ALL, escapeChar);
}

function escapeChar(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
