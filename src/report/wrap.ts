// Word wrapping for the text format: words are never split (a `path:line:col`, a field
// path or a constraint name must stay whole to be clicked, copied or searched), so a word
// longer than the line overflows it instead. Words may carry colour: widths are
// measured on the plain text, the colour is applied after.

/** How a word is painted (colour) once placed; words of the same paint side by side are painted once. */
export type Paint = (text: string) => string;

/**
 * A word of a line to wrap, and how to paint it (colour) once placed; or, with `split`,
 * text to lay out word by word (as `words(text)` would give them), without an object per
 * word: a finding's message is most of what the text format wraps.
 */
export interface Word {
  text: string;
  paint?: Paint;
  split?: boolean;
}

/** Width when the terminal's is unknown (a pipe, a file, CI). */
export const DEFAULT_WIDTH = 80;
/** Narrower terminals are wrapped as this wide: a line of a word or two helps no one. */
export const MIN_WIDTH = 40;

/** Splits plain text into words at spaces; runs of spaces collapse, as in any wrapped paragraph. */
export function words(text: string, paint?: Paint): Word[] {
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
  const plain = plainText(items);
  if (plain !== undefined) return wrapPlain(plain, width, first, hanging);
  const lines = new LineLayout(width, first, hanging);
  for (let i = 0; i < items.length; i++) {
    const { text, paint, split } = items[i]!;
    if (!split) {
      lines.place(text, 0, text.length, paint, i);
      continue;
    }
    // words(text), without the array: runs of spaces collapse.
    for (let start = 0; start <= text.length; ) {
      let end = text.indexOf(' ', start);
      if (end === -1) end = text.length;
      if (end > start) lines.place(text, start, end, paint, i);
      start = end + 1;
    }
  }
  return lines.done();
}

/**
 * The items as one text of words one space apart, when that is all wrapping them needs to
 * know: no paint, no run of spaces to collapse, no space inside an unsplit word, no
 * surrogate pair (a column is then a character) and no workflow command that a word could
 * start. Nearly every finding off a terminal is such a text; anything else is laid out word
 * by word.
 */
function plainText(items: readonly Word[]): string | undefined {
  let text = '';
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const t = item.text;
    if (item.paint !== undefined) return undefined;
    if (t === '') {
      if (item.split) continue; // no words
      return undefined; // an empty word still takes a space
    }
    if (!item.split && t.includes(' ')) return undefined;
    text = text === '' ? t : `${text} ${t}`;
  }
  // Tests of the whole, with the string's own searches (a regular expression took twice as
  // long): a split item's run of spaces, or one at its ends, shows as two in a row or at an end;
  // `::` or `##[` anywhere may start a workflow command (commandAt).
  const last = text.length - 1;
  if (text.charCodeAt(0) === SPACE || text.charCodeAt(last) === SPACE || text.includes('  ')) return undefined;
  if (text.includes('::') || text.includes('##[') || SURROGATE.test(text)) return undefined;
  return text;
}

const SPACE = 0x20;
const SURROGATE = /[\ud800-\udfff]/;

/** wrap() of plainText's words: the longest run of whole words that fits on each line, found with the text's own searches. */
function wrapPlain(text: string, width: number, first: string, hanging: string): string[] {
  const lines: string[] = [];
  let prefix = first;
  let at = 0;
  for (;;) {
    const room = width - columns(prefix);
    if (text.length - at <= room) {
      lines.push(prefix + text.slice(at));
      return lines;
    }
    // The last space within reach ends the line; a first word longer than the room overflows it.
    let end = room >= 0 ? text.lastIndexOf(' ', at + room) : -1;
    if (end <= at) {
      end = text.indexOf(' ', at);
      if (end < 0) {
        lines.push(prefix + text.slice(at));
        return lines;
      }
    }
    lines.push(prefix + text.slice(at, end));
    at = end + 1;
    prefix = hanging;
  }
}

/**
 * Lines built as their words are placed, each run of words of the same paint painted once
 * (one colour code per run, not per word). A word is a range of its item's text: words of
 * one item that sit side by side in it, one space apart, are taken as one slice of it, so
 * that wrapping a message allocates per line rather than per word.
 */
class LineLayout {
  private readonly lines: string[] = [];
  private readonly hangingColumns: number;
  private prefix: string;
  /** The current line's painted runs, without its prefix. */
  private line = '';
  /** Runs painted into `line`. */
  private runs = 0;
  /** The current run: `text` when it had to be joined, else `source.slice(start, end)` of item `item`. */
  private text: string | undefined;
  private source = '';
  private start = 0;
  private end = 0;
  private item = -1;
  private paint: Paint | undefined;
  /** Words on the current line. */
  private count = 0;
  /** Columns of the current line. */
  private used: number;

  constructor(
    private readonly width: number,
    first: string,
    private readonly hanging: string,
  ) {
    this.prefix = first;
    this.used = columns(first);
    this.hangingColumns = columns(hanging);
  }

  /** Places the word `source.slice(start, end)` of item number `item`. */
  place(source: string, start: number, end: number, paint: Paint | undefined, item: number): void {
    const len = rangeColumns(source, start, end);
    if (this.count > 0 && this.used + 1 + len > this.width && !commandAt(source, start)) {
      this.endRun();
      this.lines.push(this.prefix + this.line);
      this.prefix = this.hanging;
      this.line = '';
      this.runs = 0;
      this.count = 0;
      this.used = this.hangingColumns;
    }
    if (this.count === 0) this.startRun(source, start, end, paint, item);
    else if (paint !== this.paint) {
      this.endRun();
      this.startRun(source, start, end, paint, item);
    } else if (this.text === undefined && item === this.item && start === this.end + 1) {
      this.end = end; // the next word of the same text, one space on: the slice grows
    } else {
      this.text = `${this.text ?? this.source.slice(this.start, this.end)} ${source.slice(start, end)}`;
    }
    this.used += (this.count > 0 ? 1 : 0) + len;
    this.count++;
  }

  /** The lines, the last one included. */
  done(): string[] {
    if (this.count > 0) this.endRun();
    this.lines.push(this.prefix + this.line);
    return this.lines;
  }

  private startRun(source: string, start: number, end: number, paint: Paint | undefined, item: number): void {
    this.text = undefined;
    this.source = source;
    this.start = start;
    this.end = end;
    this.item = item;
    this.paint = paint;
  }

  private endRun(): void {
    const run = this.text ?? (this.start === 0 && this.end === this.source.length ? this.source : this.source.slice(this.start, this.end));
    this.line += (this.runs > 0 ? ' ' : '') + (this.paint ? this.paint(run) : run);
    this.runs++;
  }
}

/**
 * What a CI runner reads as a workflow command at the start of a line, after any spaces
 * (`::error …`, and the older `##[error]`). Such a word, which can only come from the
 * inputs, never starts a line: it stays on the line before, overflowing it.
 */
export function startsWorkflowCommand(text: string): boolean {
  return commandAt(text, 0);
}

/** Whether a workflow command starts at `text[at]` (`::` or `##[`). */
function commandAt(text: string, at: number): boolean {
  return text.startsWith('::', at) || text.startsWith('##[', at);
}

/** Columns a plain string takes: one per code point (manifests' names are mostly ASCII). */
export function columns(text: string): number {
  return rangeColumns(text, 0, text.length);
}

/** Columns of `text.slice(start, end)`, without the slice. */
function rangeColumns(text: string, start: number, end: number): number {
  // Code units less the second half of each surrogate pair: no array of code points per word.
  let n = end - start;
  for (let i = start; i < end; i++) {
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
