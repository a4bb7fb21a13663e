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
  const out: Word[] = [];
  for (const w of text.split(' ')) if (w !== '') out.push(paint ? { text: w, paint } : { text: w });
  return out;
}

/**
 * The words laid out on lines of at most `width` columns: the first line starts with
 * `first`, the following ones with `hanging` (a hanging indent). A word that does not fit
 * on a line of its own overflows it, unsplit.
 */
export function wrap(items: readonly Word[], width: number, first = '', hanging = ''): string[] {
  const lines: Word[][] = [[]];
  let used = columns(first);
  for (const w of items) {
    const line = lines[lines.length - 1]!;
    const len = columns(w.text);
    if (line.length > 0 && used + 1 + len > width && !COMMAND_START.test(w.text)) {
      lines.push([w]);
      used = columns(hanging) + len;
    } else {
      line.push(w);
      used += (line.length > 1 ? 1 : 0) + len;
    }
  }
  return lines.map((line, i) => (i === 0 ? first : hanging) + painted(line));
}

/** A line's words joined by spaces, each run of words of the same paint painted once (one colour code per run, not per word). */
function painted(line: readonly Word[]): string {
  let out = '';
  for (let i = 0; i < line.length; ) {
    const paint = line[i]!.paint;
    let run = line[i]!.text;
    let j = i + 1;
    for (; j < line.length && line[j]!.paint === paint; j++) run += ' ' + line[j]!.text;
    out += (i > 0 ? ' ' : '') + (paint ? paint(run) : run);
    i = j;
  }
  return out;
}

/**
 * What a CI runner reads as a workflow command at the start of a line, after any spaces
 * (`::error …`, and the older `##[error]`). Such a word, which can only come from the
 * inputs, never starts a line: it stays on the line before, overflowing it.
 */
const COMMAND_START = /^(::|##\[)/;

/** Columns a plain string takes: one per code point (manifests' names are mostly ASCII). */
export function columns(text: string): number {
  // Code units less the second half of each surrogate pair: no array of code points per word.
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) n--;
  }
  return n;
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
