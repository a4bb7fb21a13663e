// JSON input. Values come from JSON.parse, which is several times faster than any YAML parser;
// this scanner only runs when JSON.parse fails, to tell a stream of values (`jq` output,
// `{...}{...}`, which kubectl accepts) from a syntax error, and to place the error: V8's
// messages give no line and not always an offset.

export type JsonScan = { end: number } | { error: string; offset: number };

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;

export function skipJsonSpace(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
  }
  return i;
}

/** Scans one JSON value starting at or after `start`; `end` is past it and any space after it. */
export function scanJsonValue(text: string, start: number): JsonScan {
  const open: number[] = []; // 0x7b '{' or 0x5b '[' of the enclosing containers
  let i = skipJsonSpace(text, start);
  let wantValue = true;
  for (;;) {
    if (wantValue) {
      const c = text.charCodeAt(i);
      if (c === 0x7b || c === 0x5b) {
        const close = c === 0x7b ? 0x7d : 0x5d;
        i = skipJsonSpace(text, i + 1);
        if (text.charCodeAt(i) === close) {
          i = skipJsonSpace(text, i + 1);
          wantValue = false;
          continue;
        }
        open.push(c);
        if (c === 0x7b) {
          const key = scanKey(text, i);
          if (typeof key !== 'number') return key;
          i = key;
        }
        continue;
      }
      let end: number;
      if (c === 0x22) {
        const s = scanString(text, i);
        if (typeof s !== 'number') return s;
        end = s;
      } else if (text.startsWith('true', i)) end = i + 4;
      else if (text.startsWith('false', i)) end = i + 5;
      else if (text.startsWith('null', i)) end = i + 4;
      else {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return unexpected(text, i);
        end = NUMBER.lastIndex;
      }
      i = skipJsonSpace(text, end);
      wantValue = false;
      continue;
    }
    if (open.length === 0) return { end: i };
    const container = open[open.length - 1];
    const c = text.charCodeAt(i);
    if (c === 0x2c) {
      i = skipJsonSpace(text, i + 1);
      if (container === 0x7b) {
        const key = scanKey(text, i);
        if (typeof key !== 'number') return key;
        i = key;
      }
      wantValue = true;
    } else if (c === (container === 0x7b ? 0x7d : 0x5d)) {
      open.pop();
      i = skipJsonSpace(text, i + 1);
    } else {
      return { error: `expected ',' or '${container === 0x7b ? '}' : ']'}', found ${describe(text, i)}`, offset: i };
    }
  }
}

/** A key and its colon; returns the index of the value. */
function scanKey(text: string, i: number): number | { error: string; offset: number } {
  if (text.charCodeAt(i) !== 0x22) return { error: `expected a string key, found ${describe(text, i)}`, offset: i };
  const end = scanString(text, i);
  if (typeof end !== 'number') return end;
  const colon = skipJsonSpace(text, end);
  if (text.charCodeAt(colon) !== 0x3a) return { error: `expected ':', found ${describe(text, colon)}`, offset: colon };
  return skipJsonSpace(text, colon + 1);
}

function scanString(text: string, i: number): number | { error: string; offset: number } {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20) return { error: 'control character in string', offset: j };
    if (c === 0x5c) {
      const e = text[j + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return { error: 'bad \\u escape', offset: j };
        j += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j++;
      else return { error: 'bad escape', offset: j };
    }
  }
  return { error: 'unterminated string', offset: i };
}

function unexpected(text: string, i: number): { error: string; offset: number } {
  return { error: `unexpected ${describe(text, i)}`, offset: i };
}

/** What was found, by its kind only: a file that is not JSON may be any file a link points at (a key). */
function describe(text: string, i: number): string {
  if (i >= text.length) return 'end of input';
  const c = text.charCodeAt(i);
  if (c === 0x22) return 'quote';
  if (0x30 <= c && c <= 0x39) return 'digit';
  if ((0x41 <= c && c <= 0x5a) || (0x61 <= c && c <= 0x7a)) return 'letter';
  if (c === 0x2c || c === 0x3a || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d) return `'${text[i]}'`; // JSON's own punctuation
  return 'character';
}

/**
 * Where the elements of the top-level `items` array of the object at `from` are, for a List read
 * from JSON: found by scanning, as JSON.parse tells no positions. Undefined if there is no such
 * array (or the text is not JSON, which JSON.parse has said already).
 */
export function jsonItemRanges(text: string, from: number): { start: number; end: number }[] | undefined {
  let i = skipJsonSpace(text, from);
  if (text.charCodeAt(i) !== 0x7b /* { */) return undefined;
  i = skipJsonSpace(text, i + 1);
  let found: { start: number; end: number }[] | undefined;
  while (text.charCodeAt(i) === 0x22 /* " */) {
    const keyEnd = scanString(text, i);
    if (typeof keyEnd !== 'number') return undefined;
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipJsonSpace(text, keyEnd);
    if (text.charCodeAt(i) !== 0x3a /* : */) return undefined;
    i = skipJsonSpace(text, i + 1);
    if (key === 'items' && text.charCodeAt(i) === 0x5b /* [ */) {
      const ranges: { start: number; end: number }[] = [];
      i = skipJsonSpace(text, i + 1);
      while (text.charCodeAt(i) !== 0x5d /* ] */) {
        const item = scanJsonValue(text, i);
        if ('error' in item) return undefined;
        ranges.push({ start: i, end: item.end });
        i = item.end;
        if (text.charCodeAt(i) === 0x2c /* , */) i = skipJsonSpace(text, i + 1);
        else if (text.charCodeAt(i) !== 0x5d) return undefined;
      }
      i = skipJsonSpace(text, i + 1);
      found = ranges; // the last of duplicate keys, as JSON.parse
    } else {
      const value = scanJsonValue(text, i);
      if ('error' in value) return undefined;
      i = value.end;
    }
    if (text.charCodeAt(i) !== 0x2c /* , */) break;
    i = skipJsonSpace(text, i + 1);
  }
  return found;
}

/**
 * Whether a value JSON.parse returned nests objects and arrays more than `levels` deep (the
 * value itself is the first level). JSON.parse takes any depth, but what is done with the
 * value later recurses. Walking the values stops at the limit and costs a fraction of a
 * millisecond for a 1 MB List, where scanning its text takes tens: the text is scanned
 * (jsonTooDeep) only to place the error.
 */
export function nestedDeeper(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (levels === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object' && item !== null && nestedDeeper(item, levels - 1)) return true;
    return false;
  }
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && nestedDeeper(child, levels - 1)) return true;
  }
  return false;
}

/**
 * Where JSON text (valid: JSON.parse read it) first opens an object or array deeper than
 * `max` levels, or -1: one pass of character tests, strings skipped with indexOf.
 */
export function jsonTooDeep(text: string, from: number, to: number, max: number): number {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // To the closing quote: one not preceded by an odd number of backslashes.
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i < 0) return -1;
        let slashes = 0;
        while (text.charCodeAt(i - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return i;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return -1;
}
