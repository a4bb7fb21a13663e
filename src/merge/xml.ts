// A small, strict reader for the XML offgate writes (its JUnit reports), so that `offgate
// merge` can read them back without a dependency: elements, attributes, text, comments,
// CDATA, processing instructions, the five predefined entities and numeric character
// references. What offgate never writes and a reader would have to guess at (a DOCTYPE,
// other entities) is refused, as is anything not well-formed: an error with its offset,
// which positionOf turns into the line and column a user can look at.

export interface XmlElement {
  name: string;
  /** Attribute values decoded (references replaced, literal whitespace normalized), in document order. */
  attributes: Map<string, string>;
  children: XmlNode[];
  /** Offsets in the source: the element's `<`, and just past its `/>` or end tag. */
  start: number;
  end: number;
}

export interface XmlText {
  /** Character data decoded (references replaced, CDATA's content as is, line ends as `\n`). */
  text: string;
  start: number;
}

export type XmlNode = XmlElement | XmlText;

export interface XmlError {
  message: string;
  /** Offset in the source of the first character at fault. */
  offset: number;
}

export function isElement(node: XmlNode): node is XmlElement {
  return 'name' in node;
}

/** The document's root element, or the first thing wrong with it. */
export function parseXml(source: string): { root: XmlElement } | { error: XmlError } {
  try {
    return { root: new Reader(source).document() };
  } catch (e) {
    if (e instanceof SyntaxFault) return { error: { message: e.message, offset: e.offset } };
    throw e;
  }
}

/** 1-based line and column (in UTF-16 code units) of an offset; `\r\n`, `\r` and `\n` end lines. */
export function positionOf(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && source.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class SyntaxFault extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const NAME = /[\p{L}_:][\p{L}\p{N}_:.\-\u00b7]*/uy;
const SPACE = /[ \t\r\n]*/y;
// Characters XML 1.0 does not allow anywhere, even in text: most C0 controls, lone surrogates, U+FFFE and U+FFFF.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const REFERENCE = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/g;
const BAD_REFERENCE = /&(?!(?:lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)/g;
const PREDEFINED = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

class Reader {
  private pos = 0;

  constructor(private readonly src: string) {}

  document(): XmlElement {
    const bad = NOT_XML.exec(this.src);
    if (bad) this.fail(`a character XML does not allow (U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`, bad.index);
    if (this.src.startsWith('\uFEFF')) this.pos = 1;
    if (this.src.startsWith('<?xml', this.pos) && /[ \t\r\n?]/.test(this.src[this.pos + 5] ?? '')) this.declaration();
    this.misc();
    if (this.pos >= this.src.length) this.fail('no root element: the file holds no XML element');
    if (this.src[this.pos] !== '<') this.fail('text before the root element');
    const root = this.element();
    this.misc();
    if (this.pos < this.src.length) this.fail(this.src[this.pos] === '<' ? 'a second root element: an XML document has one' : 'text after the root element');
    return root;
  }

  /** `<?xml version="1.0" encoding="UTF-8"?>`: version 1.0, and UTF-8 (the file was read as such) if an encoding is named. */
  private declaration(): void {
    const start = this.pos;
    const end = this.src.indexOf('?>', start);
    if (end === -1) this.fail('the XML declaration is not closed with ?>');
    const body = this.src.slice(start + 5, end);
    const version = /\bversion\s*=\s*(["'])([^"']*)\1/.exec(body);
    if (!version || version[2] !== '1.0') this.fail('the XML declaration must say version="1.0"', start);
    const encoding = /\bencoding\s*=\s*(["'])([^"']*)\1/.exec(body);
    if (encoding && !/^utf-?8$/i.test(encoding[2]!)) this.fail(`encoding="${encoding[2]}": only UTF-8 is read`, start);
    this.pos = end + 2;
  }

  /** Whitespace, comments and processing instructions, outside the root element. */
  private misc(): void {
    for (;;) {
      this.space();
      if (this.src.startsWith('<!--', this.pos)) this.comment();
      else if (this.src.startsWith('<?', this.pos)) this.instruction();
      else if (this.src.startsWith('<!DOCTYPE', this.pos)) this.fail('a DOCTYPE: offgate reads XML without document types');
      else return;
    }
  }

  private element(): XmlElement {
    const stack: XmlElement[] = [];
    let current = this.startTag();
    if (current.end !== -1) return current;
    stack.push(current);
    let text = '';
    let textStart = this.pos;
    const flush = () => {
      if (text !== '') current.children.push({ text, start: textStart });
      text = '';
    };
    for (;;) {
      // A run of text up to the next `<`, decoded at once (one replace, not a string per reference).
      const lt = this.src.indexOf('<', this.pos);
      const stop = lt === -1 ? this.src.length : lt;
      if (this.pos < stop) {
        if (text === '') textStart = this.pos;
        text += this.decoded(this.pos, stop, false);
        this.pos = stop;
      }
      if (lt === -1) this.fail(`<${current.name}> is not closed (opened at ${this.at(current.start)})`, this.src.length);
      if (this.src.startsWith('</', lt)) {
        flush();
        this.endTag(current);
        stack.pop();
        const parent = stack[stack.length - 1];
        if (!parent) return current;
        parent.children.push(current);
        current = parent;
        textStart = this.pos;
      } else if (this.src.startsWith('<!--', lt)) {
        this.comment();
      } else if (this.src.startsWith('<![CDATA[', lt)) {
        const end = this.src.indexOf(']]>', lt + 9);
        if (end === -1) this.fail('a CDATA section is not closed with ]]>');
        if (text === '') textStart = lt;
        text += this.src.slice(lt + 9, end).replace(/\r\n?/g, '\n');
        this.pos = end + 3;
      } else if (this.src.startsWith('<?', lt)) {
        this.instruction();
      } else if (this.src.startsWith('<!', lt)) {
        this.fail('markup declarations (<!...>) are not read in content');
      } else {
        flush();
        const child = this.startTag();
        if (child.end !== -1) current.children.push(child);
        else {
          stack.push(child);
          current = child;
        }
        textStart = this.pos;
      }
    }
  }

  /** `<name attr="value" ...>` or `.../>`: an element with `end` -1 when it has content to read. */
  private startTag(): XmlElement {
    const start = this.pos;
    this.pos++;
    const name = this.name('an element name after <');
    const element: XmlElement = { name, attributes: new Map(), children: [], start, end: -1 };
    for (;;) {
      const before = this.pos;
      this.space();
      if (this.src.startsWith('/>', this.pos)) {
        this.pos += 2;
        element.end = this.pos;
        return element;
      }
      if (this.src[this.pos] === '>') {
        this.pos++;
        return element;
      }
      if (this.pos >= this.src.length) this.fail(`<${name}> is not closed with >`, start);
      if (this.pos === before) this.fail(`expected whitespace, > or /> in <${name}>`);
      const attrAt = this.pos;
      const attr = this.name(`an attribute name, > or /> in <${name}>`);
      this.space();
      if (this.src[this.pos] !== '=') this.fail(`expected = after the attribute ${attr}`);
      this.pos++;
      this.space();
      const quote = this.src[this.pos];
      if (quote !== '"' && quote !== "'") this.fail(`the value of ${attr} must be quoted`);
      this.pos++;
      const end = this.src.indexOf(quote, this.pos);
      if (end === -1) this.fail(`the value of ${attr} is not closed with ${quote}`, attrAt);
      // Looked for within the value only: a search to the end of the file per attribute would be quadratic.
      const from = this.pos;
      const raw = this.src.slice(from, end);
      const lt = raw.indexOf('<');
      if (lt !== -1) this.fail(`< in the value of ${attr} (write &lt;)`, from + lt);
      const value = this.decoded(from, end, true);
      this.pos = end + 1;
      if (element.attributes.has(attr)) this.fail(`the attribute ${attr} is given twice`, attrAt);
      element.attributes.set(attr, value);
    }
  }

  private endTag(open: XmlElement): void {
    const at = this.pos;
    this.pos += 2;
    const name = this.name('an element name after </');
    this.space();
    if (this.src[this.pos] !== '>') this.fail(`expected > to close </${name}`);
    this.pos++;
    if (name !== open.name) this.fail(`</${name}> closes <${open.name}> (opened at ${this.at(open.start)})`, at);
    open.end = this.pos;
  }

  /**
   * Text or an attribute value between offsets, its references replaced: `&lt;` … `&apos;`,
   * `&#10;`, `&#x1F600;`. Line ends read as `\n`; in an attribute, literal whitespace as spaces
   * (XML's attribute-value normalization; a reference's character is kept: `&#10;` is a
   * newline). `]]>` is not allowed in text.
   */
  private decoded(from: number, to: number, attribute: boolean): string {
    const raw = this.src.slice(from, to);
    if (!attribute) {
      const bad = raw.indexOf(']]>');
      if (bad !== -1) this.fail(']]> in text (write ]]&gt;)', from + bad);
    }
    const literal = attribute ? normalized : (s: string) => (s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s);
    if (!raw.includes('&')) return literal(raw);
    BAD_REFERENCE.lastIndex = 0;
    const bad = BAD_REFERENCE.exec(raw);
    if (bad) this.badReference(from + bad.index);
    const character = (ref: string, name: string | undefined, decimal: string | undefined, hex: string | undefined, offset: number): string => {
      if (name !== undefined) return PREDEFINED.get(name)!;
      const code = decimal !== undefined ? parseInt(decimal, 10) : parseInt(hex!, 16);
      const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
      if (!allowed) this.fail(`${ref} is a character XML does not allow`, from + offset);
      return String.fromCodePoint(code);
    };
    // Most text has no literal whitespace to normalize: one replace (not a string per reference).
    if (!(attribute ? /[\r\t\n]/.test(raw) : raw.includes('\r'))) return raw.replace(REFERENCE, character);
    let out = '';
    let done = 0;
    REFERENCE.lastIndex = 0;
    for (let m = REFERENCE.exec(raw); m; m = REFERENCE.exec(raw)) {
      out += literal(raw.slice(done, m.index)) + character(m[0], m[1], m[2], m[3], m.index);
      done = m.index + m[0].length;
    }
    return out + literal(raw.slice(done));
  }

  /** Fails with what is wrong with the `&` at `at`: an undefined entity, or an `&` that starts no reference. */
  private badReference(at: number): never {
    const semi = this.src.indexOf(';', at);
    const body = semi === -1 || semi - at > 32 ? '' : this.src.slice(at + 1, semi);
    if (/^[\p{L}_:][\p{L}\p{N}_:.-]*$/u.test(body)) this.fail(`&${body}; is not defined (XML without a DOCTYPE knows &lt; &gt; &amp; &quot; &apos; and &#N;)`, at);
    this.fail('& that starts no reference (write &amp;)', at);
  }

  private comment(): void {
    const end = this.src.indexOf('-->', this.pos + 4);
    if (end === -1) this.fail('a comment is not closed with -->');
    const dashes = this.src.indexOf('--', this.pos + 4);
    if (dashes < end) this.fail('-- inside a comment', dashes);
    this.pos = end + 3;
  }

  private instruction(): void {
    const end = this.src.indexOf('?>', this.pos + 2);
    if (end === -1) this.fail('a processing instruction is not closed with ?>');
    const target = this.src.slice(this.pos + 2, end).split(/[ \t\r\n]/)[0] ?? '';
    if (target.toLowerCase() === 'xml') this.fail('an XML declaration that is not at the start of the file');
    this.pos = end + 2;
  }

  private name(what: string): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.src);
    if (!m) this.fail(`expected ${what}`);
    this.pos += m[0].length;
    return m[0];
  }

  private space(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.src);
    this.pos = SPACE.lastIndex;
  }

  private at(offset: number): string {
    const p = positionOf(this.src, offset);
    return `${p.line}:${p.column}`;
  }

  private fail(message: string, offset = this.pos): never {
    throw new SyntaxFault(message, offset);
  }
}

/** An attribute value's literal characters: its whitespace reads as spaces (XML's attribute-value normalization). */
function normalized(raw: string): string {
  return raw.replace(/\r\n|[\t\n\r]/g, ' ');
}
