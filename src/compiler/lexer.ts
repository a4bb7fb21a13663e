// The Rego lexer: turns source text into a flat list of tokens with positions.
//
// Keywords are not decided here. Whether `in`, `if`, `contains` and `every` are
// keywords depends on the module's imports (or its Rego version), which the
// parser learns only as it goes, so every word is lexed as an `ident` and the
// parser classifies it. Whitespace is not a token either, but two facts about
// it matter to the grammar and are recorded on the following token:
//   - `spaceBefore`: refs and calls need adjacency (`a.b`, `f(x)`, but `a [x]`
//     is two terms);
//   - `nlBefore`: a newline separates the expressions of a body.
//
// Template strings (`$"a {x} b"`, `$`a {x} b``) are lexed as OPA's scanner
// does: a `template` token holds the text up to the first `{` (or the closing
// quote), the expression's tokens follow as usual, and the `}` that closes it
// starts the next `template` token, holding the text up to the next `{` or the
// end. Braces inside an expression (`{{1}}`, `{x: 1}`) are counted, so only the
// `}` matching the opening one resumes the text. Templates nest: an expression
// may hold another template string.
//
// Lexical errors do not throw: the lexer emits an `error` token and stops, and
// the parser raises it only when it reaches that token, so that a syntax error
// earlier in the file is still the one reported.
import type { Pos } from './ast';

export type TokenKind = 'ident' | 'number' | 'string' | 'template' | 'punct' | 'eof' | 'error';

/** What a `template` token is, besides its decoded text. */
export interface TemplatePart {
  /** Backquoted (`$`...``): verbatim text that may span lines. */
  raw: boolean;
  /** Starts at the `}` closing an expression (else at `$`, starting the template). */
  cont: boolean;
  /** Ends at a `{` opening an expression (else at the closing quote). */
  open: boolean;
}

export interface Token {
  kind: TokenKind;
  /**
   * Source text for identifiers, numbers and punctuation; the decoded value for
   * strings (raw or not); the error message for `error` tokens.
   */
  text: string;
  pos: Pos;
  /** Whitespace or a comment separates this token from the previous one. */
  spaceBefore: boolean;
  /** A newline separates this token from the previous one. */
  nlBefore: boolean;
  /** Set on `template` tokens only. */
  template?: TemplatePart;
}

// Longest first, so that `:=` wins over `:` and `<=` over `<`.
const PUNCTUATION = [
  ':=', '==', '!=', '<=', '>=',
  '=', '<', '>', '+', '-', '*', '/', '%', '&', '|',
  '(', ')', '[', ']', '{', '}', ',', ';', '.', ':',
];

/** PUNCTUATION by first character, longest first as there: most tokens need one startsWith. */
const PUNCTUATION_BY_FIRST = new Map<string, string[]>();
for (const p of PUNCTUATION) PUNCTUATION_BY_FIRST.set(p[0], [...(PUNCTUATION_BY_FIRST.get(p[0]) ?? []), p]);

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t',
};

/** A template string whose text is being lexed or one of whose expressions is. */
interface TemplateFrame {
  raw: boolean;
  /** Braces opened and not yet closed within the current expression. */
  depth: number;
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
// Rego identifiers are ASCII only.
const isIdentStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentPart = (c: string): boolean => isIdentStart(c) || isDigit(c);
const isHexDigit = (c: string): boolean => /^[0-9a-fA-F]$/.test(c);

/** A `#` comment: its text after the `#`, and where the `#` is. */
export interface Comment {
  text: string;
  pos: Pos;
}

/**
 * Lexes the whole source. The last token is always `eof` (possibly preceded by one `error`).
 * Comments are pushed onto `comments` when given (METADATA annotations live in them).
 */
export function tokenize(source: string, file: string, comments?: Comment[]): Token[] {
  return new Lexer(source, file, comments).run();
}

class LexError {
  constructor(readonly message: string, readonly offset: number) {}
}

class Lexer {
  private offset = 0;
  private line = 1;
  private lineStart = 0;
  private readonly tokens: Token[] = [];
  /** Template strings whose expressions enclose the current position, innermost last. */
  private readonly templates: TemplateFrame[] = [];

  constructor(private readonly src: string, private readonly file: string, private readonly comments?: Comment[]) {}

  run(): Token[] {
    // A byte order mark is invisible in editors; treat it like whitespace.
    if (this.src.startsWith('\uFEFF')) this.offset = 1;
    for (;;) {
      const { space, newline } = this.skipSpaceAndComments();
      const start = this.offset;
      const pos = this.posAt(start);
      const spaceBefore = space || start === 0;
      if (this.offset >= this.src.length) {
        this.tokens.push({ kind: 'eof', text: '', pos, spaceBefore, nlBefore: newline });
        return this.tokens;
      }
      try {
        const [kind, text, template] = this.scanToken();
        const tok: Token = { kind, text, pos, spaceBefore, nlBefore: newline };
        if (template) tok.template = template;
        this.tokens.push(tok);
      } catch (e) {
        if (!(e instanceof LexError)) throw e;
        this.tokens.push({
          kind: 'error',
          text: e.message,
          pos: this.posAt(e.offset),
          spaceBefore: space,
          nlBefore: newline,
        });
        this.tokens.push({ kind: 'eof', text: '', pos: this.posAt(this.src.length), spaceBefore: true, nlBefore: false });
        return this.tokens;
      }
    }
  }

  /** Position of an offset on the current line (only raw strings and raw template text span lines). */
  private posAt(offset: number): Pos {
    return { file: this.file, line: this.line, col: offset - this.lineStart + 1 };
  }

  private newlineAt(offset: number): void {
    this.line++;
    this.lineStart = offset + 1;
  }

  private skipSpaceAndComments(): { space: boolean; newline: boolean } {
    let space = false;
    let newline = false;
    const src = this.src;
    while (this.offset < src.length) {
      const c = src[this.offset];
      if (c === '\n') {
        this.newlineAt(this.offset);
        newline = true;
      } else if (c === '#') {
        const start = this.offset;
        while (this.offset < src.length && src[this.offset] !== '\n') this.offset++;
        this.comments?.push({ text: src.slice(start + 1, this.offset).replace(/\r$/, ''), pos: this.posAt(start) });
        space = true;
        continue;
      } else if (c !== ' ' && c !== '\t' && c !== '\r') {
        break;
      }
      space = true;
      this.offset++;
    }
    return { space, newline };
  }

  private scanToken(): [TokenKind, string, TemplatePart?] {
    const c = this.src[this.offset];
    const frame = this.templates[this.templates.length - 1];
    if (frame && frame.depth === 0 && c === '}') return this.scanTemplateText(frame.raw, true);
    if (c === '$') return this.scanTemplateStart();
    if (isIdentStart(c)) return ['ident', this.scanWhile(isIdentPart)];
    if (isDigit(c)) return ['number', this.scanNumber()];
    if (c === '"') return ['string', this.scanString()];
    if (c === '`') return ['string', this.scanRawString()];
    for (const p of PUNCTUATION_BY_FIRST.get(c) ?? []) {
      if (this.src.startsWith(p, this.offset)) {
        this.offset += p.length;
        if (frame && p === '{') frame.depth++;
        if (frame && p === '}') frame.depth--;
        return ['punct', p];
      }
    }
    const cp = this.src.codePointAt(this.offset) ?? 0;
    const shown = cp < 0x20 || cp === 0x7f ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `'${String.fromCodePoint(cp)}'`;
    throw new LexError(`illegal token ${shown}`, this.offset);
  }

  private scanWhile(pred: (c: string) => boolean): string {
    const start = this.offset;
    while (this.offset < this.src.length && pred(this.src[this.offset])) this.offset++;
    return this.src.slice(start, this.offset);
  }

  /** JSON-style numbers without a sign (the parser attaches a leading `-`). */
  private scanNumber(): string {
    const start = this.offset;
    this.scanWhile(isDigit);
    if (this.src[this.offset] === '.') {
      this.offset++;
      if (this.scanWhile(isDigit) === '') throw new LexError('expected fraction', this.offset);
    }
    if (this.src[this.offset] === 'e' || this.src[this.offset] === 'E') {
      this.offset++;
      if (this.src[this.offset] === '+' || this.src[this.offset] === '-') this.offset++;
      if (this.scanWhile(isDigit) === '') throw new LexError('expected exponent', this.offset);
    }
    // `0a2b` is one malformed number, not a number followed by an identifier.
    if (this.offset < this.src.length && isIdentPart(this.src[this.offset])) {
      throw new LexError('illegal number format', start);
    }
    return this.src.slice(start, this.offset);
  }

  /** A double-quoted string with JSON escapes; returns the decoded value. */
  private scanString(): string {
    const start = this.offset;
    const src = this.src;
    let out = '';
    this.offset++;
    for (;;) {
      if (this.offset >= src.length || src[this.offset] === '\n') {
        throw new LexError('non-terminated string', start);
      }
      const c = src[this.offset];
      if (c === '"') {
        this.offset++;
        return out;
      }
      if (c === '\\') {
        out += this.scanEscape();
        continue;
      }
      if (c < ' ') throw new LexError('illegal control character in string', this.offset);
      out += c;
      this.offset++;
    }
  }

  private scanEscape(): string {
    const at = this.offset;
    const e = this.src[at + 1];
    if (e !== undefined && e in SIMPLE_ESCAPES) {
      this.offset += 2;
      return SIMPLE_ESCAPES[e];
    }
    if (e === 'u') {
      const hex = this.src.slice(at + 2, at + 6);
      if (hex.length === 4 && [...hex].every(isHexDigit)) {
        this.offset += 6;
        // Surrogate pairs written as two escapes combine naturally in UTF-16.
        return String.fromCharCode(parseInt(hex, 16));
      }
    }
    throw new LexError('illegal escape sequence', at);
  }

  /** `$"` or `$``: the start of a template string, up to its first expression or its end. */
  private scanTemplateStart(): [TokenKind, string, TemplatePart] {
    const q = this.src[this.offset + 1];
    // As OPA: `$` is only ever the prefix of a template string, directly followed by its quote.
    if (q !== '"' && q !== '`') throw new LexError('illegal $ character', this.offset);
    this.offset++;
    return this.scanTemplateText(q === '`', false);
  }

  /**
   * The text of a template string after its opening quote (or after the `}`
   * closing an expression, when `cont`), decoded, up to a `{` opening an
   * expression or the closing quote. `\{` and `\}` are literal braces in both
   * forms; double-quoted text takes the JSON escapes of strings too, while
   * backquoted text is otherwise verbatim and may span lines.
   */
  private scanTemplateText(raw: boolean, cont: boolean): [TokenKind, string, TemplatePart] {
    const src = this.src;
    const start = this.offset;
    const [line, lineStart] = [this.line, this.lineStart];
    const quote = raw ? '`' : '"';
    let out = '';
    this.offset++;
    for (;;) {
      if (this.offset >= src.length || (!raw && src[this.offset] === '\n')) {
        // Reported where the template (or its text after an expression) starts.
        [this.line, this.lineStart] = [line, lineStart];
        throw new LexError(raw ? 'non-terminated raw string' : 'non-terminated string', cont ? start : start - 1);
      }
      const c = src[this.offset];
      if (c === quote || c === '{') {
        this.offset++;
        const open = c === '{';
        if (cont && !open) this.templates.pop();
        if (!cont && open) this.templates.push({ raw, depth: 0 });
        return ['template', out, { raw, cont, open }];
      }
      if (c === '\\' && (src[this.offset + 1] === '{' || src[this.offset + 1] === '}')) {
        out += src[this.offset + 1];
        this.offset += 2;
        continue;
      }
      if (raw) {
        if (c === '\n') this.newlineAt(this.offset);
        out += c;
        this.offset++;
        continue;
      }
      if (c === '\\') {
        out += this.scanEscape();
        continue;
      }
      if (c < ' ') throw new LexError('illegal control character in string', this.offset);
      out += c;
      this.offset++;
    }
  }

  /** A backtick string: verbatim, may span lines, no escapes. */
  private scanRawString(): string {
    const start = this.offset;
    const end = this.src.indexOf('`', start + 1);
    // Thrown before any newline is counted, so the offset maps to the right line.
    if (end < 0) throw new LexError('non-terminated raw string', start);
    for (let i = start + 1; i < end; i++) if (this.src[i] === '\n') this.newlineAt(i);
    this.offset = end + 1;
    return this.src.slice(start + 1, end);
  }
}

