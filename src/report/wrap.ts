// Word wrapping for the text format: words are never split (a `path:line:col`, a field
// path or a constraint name must stay whole to be clicked, copied or searched), so a word
// longer than the line overflows it instead. Words may carry colour: widths are
// measured on the plain text, the colour is applied after.

/** A word of a line to wrap, and how to paint it (colour) once placed. */
export interface Word {
  text: string;
  paint?: (text: string) => string;
}

/** Width when the terminal's is unknown (a pipe, a file, CI). */
export const DEFAULT_WIDTH = 80;
/** Narrower terminals are wrapped as this wide: a line of a word or two helps no one. */
export const MIN_WIDTH = 40;

/** Splits plain text into words at spaces; runs of spaces collapse, as in any wrapped paragraph. */
export function words(text: string, paint?: (text: string) => string): Word[] {
  return text
    .split(' ')
    .filter((w) => w !== '')
    .map((w) => (paint ? { text: w, paint } : { text: w }));
}

/**
 * The words laid out on lines of at most `width` columns: the first line starts with
 * `first`, the following ones with `hanging` (a hanging indent). A word that does not fit
 * on a line of its own overflows it, unsplit.
 */
export function wrap(items: readonly Word[], width: number, first = '', hanging = ''): string[] {
  const lines: string[] = [];
  let line = first;
  let used = columns(first);
  let empty = true;
  for (const w of items) {
    const len = columns(w.text);
    if (!empty && used + 1 + len > width) {
      lines.push(line);
      line = hanging;
      used = columns(hanging);
      empty = true;
    }
    const painted = w.paint ? w.paint(w.text) : w.text;
    line += empty ? painted : ` ${painted}`;
    used += empty ? len : 1 + len;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** Columns a plain string takes: one per code point (manifests' names are mostly ASCII). */
export function columns(text: string): number {
  return [...text].length;
}

/**
 * The width to wrap to: `COLUMNS` when set to a number (as shells and tools honour it),
 * else the terminal's, else 80; never below MIN_WIDTH.
 */
export function terminalWidth(env: NodeJS.ProcessEnv, ttyColumns: number | undefined): number {
  const fromEnv = /^\s*\d+\s*$/.test(env.COLUMNS ?? '') ? Number(env.COLUMNS) : 0;
  const width = fromEnv > 0 ? fromEnv : ttyColumns && ttyColumns > 0 ? ttyColumns : DEFAULT_WIDTH;
  return Math.max(MIN_WIDTH, width);
}
