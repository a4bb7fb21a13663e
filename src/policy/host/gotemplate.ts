// A subset of Go's text/template, as strings.render_template runs it: the template
// is executed on the variables object after OPA turns it into Go values (objects
// become map[string]any, arrays []any, numbers json.Number: a string kind in Go,
// printed as written and true when tested; range indexes are Go ints).
//
// Supported: text; actions with `{{-`/`-}}` trimming and `/* comments */`; fields
// (`.a.b`, `$x.a`, `(pipeline).a`), variables (`$x := …`, `$x = …`, `$`), literals;
// pipelines with `|`; if / else if / else, range (arrays, maps in key order, with
// `$i, $v :=`, else, break, continue), with / else; the functions and, or, not,
// len, index, eq, ne, lt, le, gt, ge, print, println, printf (verbs v s d t q f),
// html, js, urlquery. A missing key prints `<undefined>` (as OPA renders Go's
// "<no value>"). Anything else (define, template, block, other functions or verbs)
// is an error naming it, never silently skipped.
//
// Execution is bounded (MAX_STEPS, MAX_OUTPUT): this runs in the host, where the
// module's deadline cannot interrupt it.

const MAX_STEPS = 1_000_000;
const MAX_OUTPUT = 64 * 1024 * 1024;

/** An error in the template or its execution, as Go words it (without OPA's prefix). */
export class TemplateError extends Error {}

/** Go's json.Number: a number as written, of string kind. */
class JsonNumber {
  constructor(readonly text: string) {}
}

/** A Go int (range indexes, integer literals, len). */
class GoInt {
  constructor(readonly value: number) {}
}

/** A Go float64 literal. */
class GoFloat {
  constructor(readonly value: number) {}
}

/** The invalid reflect.Value: a missing map key. */
const NO_VALUE = Symbol('no value');

type Value = string | boolean | null | JsonNumber | GoInt | GoFloat | Value[] | { [k: string]: Value } | typeof NO_VALUE;

/** The variables as Go sees them after OPA's conversion. */
function fromJson(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === 'number') return new JsonNumber(String(x));
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (Array.isArray(x)) return x.map(fromJson);
  const out: { [k: string]: Value } = {};
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) out[k] = fromJson(v);
  return out;
}

// ---- lexing and parsing -------------------------------------------------------------

type Tok =
  | { k: 'field'; names: string[] } // .a.b (names empty for `.`)
  | { k: 'var'; name: string; names: string[] } // $x.a.b
  | { k: 'ident'; name: string }
  | { k: 'string'; value: string }
  | { k: 'number'; text: string }
  | { k: 'punct'; p: '(' | ')' | '|' | ':=' | '=' | ',' }
  | { k: 'dotfields'; names: string[] }; // .a.b right after `)`

type Operand =
  | { o: 'field'; names: string[] }
  | { o: 'var'; name: string; names: string[] }
  | { o: 'lit'; value: Value }
  | { o: 'fn'; name: string }
  | { o: 'pipe'; pipe: Pipeline; names: string[] };

interface Command { args: Operand[] }
interface Pipeline { decl: string[]; assign: boolean; cmds: Command[]; line: number }

type Node =
  | { n: 'text'; text: string }
  | { n: 'action'; pipe: Pipeline }
  | { n: 'if' | 'with'; pipe: Pipeline; list: Node[]; else: Node[] | null }
  | { n: 'range'; pipe: Pipeline; list: Node[]; else: Node[] | null }
  | { n: 'break' | 'continue'; line: number };

interface Action { toks: Tok[]; line: number; comment: boolean }

type Piece = { text: string } | { action: Action };

/** Splits the template into text and action tokens, applying trim markers. */
function split(src: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  let line = 1;
  let trimNext = false;
  while (i <= src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    trimNext = false;
    if (open < 0) {
      if (text) pieces.push({ text });
      break;
    }
    let start = open + 2;
    if (src.startsWith('- ', start) || src.startsWith('-\t', start) || src.startsWith('-\n', start) || src.startsWith('-\r', start)) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 1;
    }
    if (text) pieces.push({ text });
    line += countLines(src.slice(i, start));
    const { toks, end, trimRight, lines, comment } = lexAction(src, start, line);
    pieces.push({ action: { toks, line, comment } });
    line += lines;
    trimNext = trimRight;
    i = end;
  }
  return pieces;
}

function countLines(s: string): number {
  let n = 0;
  for (const c of s) if (c === '\n') n++;
  return n;
}

function lexAction(src: string, start: number, line: number): { toks: Tok[]; end: number; trimRight: boolean; lines: number; comment: boolean } {
  const toks: Tok[] = [];
  let comment = false;
  let i = start;
  const fail = (msg: string): never => {
    throw new TemplateError(`template: template:${line}: ${msg}`);
  };
  for (;;) {
    if (i >= src.length) fail('unclosed action');
    const c = src[i];
    if (src.startsWith('}}', i)) return { toks, end: i + 2, trimRight: false, lines: countLines(src.slice(start, i)), comment };
    if ((c === ' ' || c === '\t' || c === '\r' || c === '\n') && src.startsWith('-}}', i + 1)) {
      return { toks, end: i + 4, trimRight: true, lines: countLines(src.slice(start, i)), comment };
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') { i++; continue; }
    if (src.startsWith('/*', i)) {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) fail('unclosed comment');
      i = close + 2;
      comment = true;
      continue;
    }
    if (c === '(' || c === ')' || c === '|' || c === ',' || c === '=') { toks.push({ k: 'punct', p: c }); i++; continue; }
    if (src.startsWith(':=', i)) { toks.push({ k: 'punct', p: ':=' }); i += 2; continue; }
    if (c === '.' && !/[0-9]/.test(src[i + 1] ?? '')) {
      const m = /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+|^\./.exec(src.slice(i))!;
      const names = m[0] === '.' ? [] : m[0].slice(1).split('.');
      const prev = toks[toks.length - 1];
      if (prev && prev.k === 'punct' && prev.p === ')' && names.length > 0 && i > 0 && src[i - 1] === ')') toks.push({ k: 'dotfields', names });
      else toks.push({ k: 'field', names });
      i += m[0].length;
      continue;
    }
    if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*((?:\.[A-Za-z_][A-Za-z0-9_]*)*)/.exec(src.slice(i))!;
      const name = m[0].slice(0, m[0].length - m[1].length);
      toks.push({ k: 'var', name, names: m[1] ? m[1].slice(1).split('.') : [] });
      i += m[0].length;
      continue;
    }
    if (c === '"') {
      const m = /^"(?:[^"\\\n]|\\.)*"/.exec(src.slice(i));
      if (!m) fail('unterminated quoted string');
      toks.push({ k: 'string', value: goUnquote(m![0], fail) });
      i += m![0].length;
      continue;
    }
    if (c === '`') {
      const close = src.indexOf('`', i + 1);
      if (close < 0) fail('unterminated raw quoted string');
      toks.push({ k: 'string', value: src.slice(i + 1, close) });
      i = close + 1;
      continue;
    }
    const num = /^[+-]?(?:0[xX][0-9a-fA-F_]+|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][+-]?[0-9]+)?)/.exec(src.slice(i));
    if (num && num[0] !== '' && /[0-9]/.test(num[0])) {
      toks.push({ k: 'number', text: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) { toks.push({ k: 'ident', name: id[0] }); i += id[0].length; continue; }
    fail(`unexpected ${JSON.stringify(c)} in command`);
  }
}

function goUnquote(q: string, fail: (m: string) => never): string {
  try {
    return JSON.parse(q.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as string;
  } catch {
    return fail(`invalid syntax: ${q}`);
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly pieces: Piece[]) {}

  /** The whole template. */
  parse(): Node[] {
    const { list, end } = this.list();
    if (end) throw err(end.line, `unexpected {{${end.word}}}`);
    return list;
  }

  /** Nodes up to an `end`, `else` or `else if` (returned), or the end of the template. */
  private list(): { list: Node[]; end?: { word: string; action: Action } & { line: number } } {
    const list: Node[] = [];
    while (this.pos < this.pieces.length) {
      const p = this.pieces[this.pos++];
      if ('text' in p) { list.push({ n: 'text', text: p.text }); continue; }
      const a = p.action;
      if (a.toks.length === 0 && a.comment) continue;
      if (a.toks.length === 0) throw err(a.line, 'missing value for command');
      const first = a.toks[0];
      const word = first.k === 'ident' ? first.name : '';
      switch (word) {
        case 'end':
        case 'else':
          return { list, end: { word, action: a, line: a.line } };
        case 'if':
        case 'with':
        case 'range':
          list.push(this.control(word, a, a.toks.slice(1)));
          continue;
        case 'break':
        case 'continue':
          list.push({ n: word, line: a.line });
          continue;
        case 'define':
        case 'template':
        case 'block':
          throw err(a.line, `{{${word}}} is not supported by offgate's strings.render_template`);
        default:
          list.push({ n: 'action', pipe: pipeline(a.toks, a.line) });
      }
    }
    return { list };
  }

  private control(word: 'if' | 'with' | 'range', a: Action, toks: Tok[]): Node {
    const pipe = pipeline(toks, a.line);
    const body = this.list();
    if (!body.end) throw err(a.line, `unexpected EOF`);
    let elseList: Node[] | null = null;
    if (body.end.word === 'else') {
      const rest = body.end.action.toks.slice(1);
      if (rest.length > 0 && rest[0].k === 'ident' && (rest[0].name === 'if' || rest[0].name === 'with') && word !== 'range') {
        // `else if …` / `else with …`: a nested control sharing this one's `end`.
        elseList = [this.control(rest[0].name, body.end.action, rest.slice(1))];
        return { n: word, pipe, list: body.list, else: elseList };
      }
      if (rest.length > 0) throw err(body.end.line, 'unexpected tokens after else');
      const after = this.list();
      if (!after.end || after.end.word !== 'end') throw err(a.line, 'expected end; found ' + (after.end ? after.end.word : 'EOF'));
      elseList = after.list;
    } else if (body.end.action.toks.length > 1) {
      throw err(body.end.line, 'unexpected tokens after end');
    }
    return word === 'range' ? { n: 'range', pipe, list: body.list, else: elseList } : { n: word, pipe, list: body.list, else: elseList };
  }
}

function err(line: number, msg: string): TemplateError {
  return new TemplateError(`template: template:${line}: ${msg}`);
}

/** `[$a [, $b] (:= | =)] command [| command]…` */
function pipeline(toks: Tok[], line: number): Pipeline {
  let decl: string[] = [];
  let assign = false;
  let i = 0;
  // a declaration: variables, then := or =
  const declEnd = toks.findIndex((t) => t.k === 'punct' && (t.p === ':=' || t.p === '='));
  if (declEnd > 0 && toks.slice(0, declEnd).every((t, j) => (j % 2 === 0 ? t.k === 'var' && t.names.length === 0 : t.k === 'punct' && t.p === ','))) {
    decl = toks.slice(0, declEnd).filter((t): t is Tok & { k: 'var' } => t.k === 'var').map((t) => t.name);
    assign = (toks[declEnd] as { p: string }).p === '=';
    i = declEnd + 1;
  }
  const cmds: Command[] = [];
  let args: Operand[] = [];
  const stack: { cmds: Command[]; args: Operand[] }[] = [];
  for (; i < toks.length; i++) {
    const t = toks[i];
    if (t.k === 'punct') {
      if (t.p === '|') {
        if (args.length === 0) throw err(line, 'missing command');
        cmds.push({ args });
        args = [];
        continue;
      }
      if (t.p === '(') {
        stack.push({ cmds: cmds.splice(0), args });
        args = [];
        continue;
      }
      if (t.p === ')') {
        const outer = stack.pop();
        if (!outer) throw err(line, 'unexpected right paren');
        if (args.length === 0) throw err(line, 'missing command');
        const inner: Pipeline = { decl: [], assign: false, cmds: [...cmds.splice(0), { args }], line };
        cmds.push(...outer.cmds);
        args = outer.args;
        const next = toks[i + 1];
        let names: string[] = [];
        if (next && next.k === 'dotfields') { names = next.names; i++; }
        args.push({ o: 'pipe', pipe: inner, names });
        continue;
      }
      throw err(line, `unexpected "${t.p}" in command`);
    }
    args.push(operand(t, line));
  }
  if (stack.length > 0) throw err(line, 'unclosed left paren');
  if (args.length > 0) cmds.push({ args });
  if (cmds.length === 0) throw err(line, 'missing value for command');
  return { decl, assign, cmds, line };
}

function operand(t: Tok, line: number): Operand {
  switch (t.k) {
    case 'field': return { o: 'field', names: t.names };
    case 'dotfields': return { o: 'field', names: t.names };
    case 'var': return { o: 'var', name: t.name, names: t.names };
    case 'string': return { o: 'lit', value: t.value };
    case 'number': {
      const n = Number(t.text.replace(/_/g, ''));
      if (Number.isNaN(n)) throw err(line, `illegal number syntax: ${JSON.stringify(t.text)}`);
      return { o: 'lit', value: /^[+-]?(?:0[xX][0-9a-fA-F_]+|[0-9_]+)$/.test(t.text) ? new GoInt(n) : new GoFloat(n) };
    }
    case 'ident':
      if (t.name === 'true' || t.name === 'false') return { o: 'lit', value: t.name === 'true' };
      if (t.name === 'nil') return { o: 'lit', value: null };
      return { o: 'fn', name: t.name };
    default:
      throw err(line, 'unexpected token');
  }
}

// ---- execution ----------------------------------------------------------------------

class Break {}
class Continue {}

class Exec {
  private out = '';
  private steps = 0;
  private vars: [string, Value][] = [];

  constructor(private readonly root: Value) {
    this.vars.push(['$', root]);
  }

  run(nodes: Node[]): string {
    this.list(nodes, this.root);
    return this.out;
  }

  private tick(line: number): void {
    if (++this.steps > MAX_STEPS) throw err(line, `execution exceeds ${MAX_STEPS} steps`);
  }

  private write(s: string, line: number): void {
    this.out += s;
    if (this.out.length > MAX_OUTPUT) throw err(line, `output exceeds ${MAX_OUTPUT} characters`);
  }

  private list(nodes: Node[], dot: Value): void {
    const mark = this.vars.length;
    try {
      for (const node of nodes) this.node(node, dot);
    } finally {
      this.vars.length = mark;
    }
  }

  private node(node: Node, dot: Value): void {
    switch (node.n) {
      case 'text':
        this.write(node.text, 0);
        return;
      case 'action': {
        const v = this.pipe(node.pipe, dot);
        if (node.pipe.decl.length === 0) this.write(printValue(v), node.pipe.line);
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        try {
          const v = this.pipe(node.pipe, dot);
          if (truth(v)) this.list(node.list, node.n === 'with' ? v : dot);
          else if (node.else) this.list(node.else, dot);
        } finally {
          this.vars.length = mark;
        }
        return;
      }
      case 'range':
        this.range(node, dot);
        return;
      case 'break':
        throw new Break();
      case 'continue':
        throw new Continue();
    }
  }

  private range(node: Node & { n: 'range' }, dot: Value): void {
    const mark = this.vars.length;
    const decl = node.pipe.decl;
    try {
      const v = this.pipe({ ...node.pipe, decl: [] }, dot);
      let items: [Value, Value][];
      if (v === NO_VALUE || v === null) items = [];
      else if (Array.isArray(v)) items = v.map((x, i) => [new GoInt(i), x]);
      else if (isMap(v)) items = Object.keys(v).sort().map((k) => [k, v[k]]);
      else if (v instanceof GoInt) items = Array.from({ length: Math.max(0, v.value) }, (_, i) => [new GoInt(i), new GoInt(i)]);
      else throw err(node.pipe.line, `range can't iterate over ${printValue(v)}`);
      if (items.length === 0) {
        if (node.else) this.list(node.else, dot);
        return;
      }
      for (const [k, x] of items) {
        this.tick(node.pipe.line);
        this.vars.length = mark;
        if (decl.length === 1) this.vars.push([decl[0], x]);
        else if (decl.length === 2) this.vars.push([decl[0], k], [decl[1], x]);
        try {
          this.list(node.list, x);
        } catch (e) {
          if (e instanceof Break) break;
          if (!(e instanceof Continue)) throw e;
        }
      }
    } finally {
      this.vars.length = mark;
    }
  }

  private pipe(p: Pipeline, dot: Value): Value {
    let v: Value | undefined;
    for (const c of p.cmds) v = this.command(c, dot, v, p.line);
    const value = v!;
    if (p.decl.length > 0) {
      if (p.assign) {
        const name = p.decl[0];
        const slot = this.findVar(name, p.line);
        slot[1] = value;
      } else {
        this.vars.push([p.decl[0], value]);
      }
    }
    return value;
  }

  private findVar(name: string, line: number): [string, Value] {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i][0] === name) return this.vars[i];
    throw err(line, `undefined variable: ${name}`);
  }

  private command(c: Command, dot: Value, piped: Value | undefined, line: number): Value {
    this.tick(line);
    const [first, ...rest] = c.args;
    if (first.o === 'fn') {
      return this.call(first.name, rest, dot, piped, line);
    }
    if (rest.length > 0 || piped !== undefined) {
      throw err(line, `can't give argument to non-function ${describe(first)}`);
    }
    return this.operand(first, dot, line);
  }

  private operand(o: Operand, dot: Value, line: number): Value {
    switch (o.o) {
      case 'lit': return o.value;
      case 'field': return fields(dot, o.names, line);
      case 'var': return fields(this.findVar(o.name, line)[1], o.names, line);
      case 'pipe': return fields(this.pipe(o.pipe, dot), o.names, line);
      case 'fn': return this.call(o.name, [], dot, undefined, line);
    }
  }

  private call(name: string, argOps: Operand[], dot: Value, piped: Value | undefined, line: number): Value {
    // and / or evaluate lazily
    if (name === 'and' || name === 'or') {
      const n = argOps.length + (piped !== undefined ? 1 : 0);
      if (n < 1) throw err(line, `wrong number of args for ${name}: want at least 1 got 0`);
      let v: Value = NO_VALUE;
      for (let i = 0; i < n; i++) {
        v = i < argOps.length ? this.operand(argOps[i], dot, line) : piped!;
        if (name === 'and' ? !truth(v) : truth(v)) return v;
      }
      return v;
    }
    const args = argOps.map((o) => this.operand(o, dot, line));
    if (piped !== undefined) args.push(piped);
    const fn = FUNCS[name];
    if (!fn) throw err(line, `function "${name}" not defined`);
    return fn(args, (msg) => err(line, `error calling ${name}: ${msg}`), line);
  }
}

function describe(o: Operand): string {
  switch (o.o) {
    case 'field': return '.' + o.names.join('.');
    case 'var': return [o.name, ...o.names].join('.');
    case 'lit': return printValue(o.value);
    default: return 'pipeline';
  }
}

function isMap(v: Value): v is { [k: string]: Value } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber) && !(v instanceof GoInt) && !(v instanceof GoFloat);
}

function fields(v: Value, names: string[], line: number): Value {
  for (const name of names) {
    if (v === NO_VALUE) return NO_VALUE;
    if (v === null) throw err(line, `nil pointer evaluating interface {}.${name}`);
    if (!isMap(v)) throw err(line, `can't evaluate field ${name} in type ${goType(v)}`);
    v = Object.prototype.hasOwnProperty.call(v, name) ? v[name] : NO_VALUE;
  }
  return v;
}

function goType(v: Value): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof JsonNumber) return 'json.Number';
  if (v instanceof GoInt) return 'int';
  if (v instanceof GoFloat) return 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (v === null) return 'interface {}';
  return 'map[string]interface {}';
}

/** Go's isTrue: the zero value of its type is false. */
function truth(v: Value): boolean {
  if (v === NO_VALUE || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof JsonNumber) return v.text.length > 0;
  if (v instanceof GoInt || v instanceof GoFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v).length > 0;
}

/** fmt's %v of the value at the top level (missing keys as OPA shows them). */
function printValue(v: Value): string {
  if (v === NO_VALUE) return '<undefined>';
  return formatV(v);
}

function formatV(v: Value): string {
  if (v === NO_VALUE) return '<invalid reflect.Value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof JsonNumber) return v.text;
  if (v instanceof GoInt) return String(v.value);
  if (v instanceof GoFloat) return goFloat(v.value);
  if (Array.isArray(v)) return `[${v.map(formatV).join(' ')}]`;
  return `map[${Object.keys(v).sort().map((k) => `${k}:${formatV(v[k])}`).join(' ')}]`;
}

/** %v of a float64: strconv's shortest 'g' form, exponent at least two digits. */
function goFloat(f: number): string {
  if (Number.isInteger(f) && Math.abs(f) < 1e21) return String(f);
  const exp = f === 0 ? 0 : Math.floor(Math.log10(Math.abs(f)));
  if (exp < -4 || exp >= 21) {
    const [m, e] = f.toExponential().split('e');
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(f);
}

// ---- functions ----------------------------------------------------------------------

type Fn = (args: Value[], fail: (msg: string) => TemplateError, line: number) => Value;

function arity(name: string, args: Value[], n: number, line: number): void {
  if (args.length !== n) throw err(line, `wrong number of args for ${name}: want ${n} got ${args.length}`);
}

/** A basic value for comparisons, by Go kind. */
function basic(v: Value, fail: (msg: string) => TemplateError): { kind: 'bool' | 'int' | 'float' | 'string'; v: boolean | number | string } {
  if (typeof v === 'boolean') return { kind: 'bool', v };
  if (typeof v === 'string') return { kind: 'string', v };
  if (v instanceof JsonNumber) return { kind: 'string', v: v.text };
  if (v instanceof GoInt) return { kind: 'int', v: v.value };
  if (v instanceof GoFloat) return { kind: 'float', v: v.value };
  if (v === NO_VALUE) throw fail('invalid type for comparison');
  throw fail('invalid type for comparison');
}

function compareOp(name: string, test: (c: number) => boolean, ordered: boolean): Fn {
  return (args, fail, line) => {
    if (args.length < 2) throw fail('missing argument for comparison');
    if (name !== 'eq') arity(name, args, 2, line);
    const a = basic(args[0], fail);
    for (const other of args.slice(1)) {
      const b = basic(other, fail);
      if (a.kind !== b.kind) throw fail('incompatible types for comparison');
      if (ordered && a.kind === 'bool') throw fail('invalid type for comparison');
      const c = a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
      if (name === 'eq') {
        if (c === 0) return true;
        continue;
      }
      return test(c);
    }
    return name === 'eq' ? false : test(0);
  };
}

const FUNCS: Record<string, Fn> = {
  not: (args, _f, line) => {
    arity('not', args, 1, line);
    return !truth(args[0]);
  },
  len: (args, fail, line) => {
    arity('len', args, 1, line);
    const v = args[0];
    if (typeof v === 'string') return new GoInt(Buffer.byteLength(v));
    if (v instanceof JsonNumber) return new GoInt(v.text.length);
    if (Array.isArray(v)) return new GoInt(v.length);
    if (v !== NO_VALUE && isMap(v)) return new GoInt(Object.keys(v).length);
    throw fail(`len of type ${v === NO_VALUE ? '<nil>' : goType(v)}`);
  },
  index: (args, fail, line) => {
    if (args.length < 1) arity('index', args, 1, line);
    let v = args[0];
    for (const k of args.slice(1)) {
      if (Array.isArray(v)) {
        if (!(k instanceof GoInt)) throw fail('cannot index slice/array with type ' + (k === NO_VALUE ? '<nil>' : goType(k)));
        if (k.value < 0 || k.value >= v.length) throw fail(`index out of range: ${k.value}`);
        v = v[k.value];
      } else if (v !== NO_VALUE && isMap(v)) {
        if (typeof k !== 'string') throw fail('value has type ' + (k === NO_VALUE ? '<nil>' : goType(k)) + '; should be string');
        v = Object.prototype.hasOwnProperty.call(v, k) ? v[k] : NO_VALUE;
      } else {
        throw fail(`can't index item of type ${v === NO_VALUE ? '<nil>' : goType(v)}`);
      }
    }
    return v;
  },
  eq: compareOp('eq', (c) => c === 0, false),
  ne: compareOp('ne', (c) => c !== 0, false),
  lt: compareOp('lt', (c) => c < 0, true),
  le: compareOp('le', (c) => c <= 0, true),
  gt: compareOp('gt', (c) => c > 0, true),
  ge: compareOp('ge', (c) => c >= 0, true),
  print: (args) => goSprint(args),
  println: (args) => args.map(printValue).join(' ') + '\n',
  printf: (args, fail, line) => {
    if (args.length < 1) arity('printf', args, 1, line);
    if (typeof args[0] !== 'string') throw fail('printf format must be a string');
    return sprintf(args[0], args.slice(1), fail);
  },
  html: (args) => goSprint(args).replace(/[&'<>"\0]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c]!),
  js: (args) => goSprint(args).replace(/[\\'"<>&=\u0000-\u001f]/g, (c) => {
    if (c === '\\' || c === "'" || c === '"') return '\\' + c;
    return '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  }),
  urlquery: (args) => encodeURIComponent(goSprint(args)).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()),
};

/** fmt.Sprint: spaces between operands when neither side is a string. */
function goSprint(args: Value[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    const isStr = (v: Value) => typeof v === 'string' || v instanceof JsonNumber;
    if (i > 0 && !isStr(args[i]) && !isStr(args[i - 1])) out += ' ';
    out += printValue(args[i]);
  }
  return out;
}

/** A subset of fmt.Sprintf: %v %s %d %t %q %f and %%; other verbs are an error. */
function sprintf(format: string, args: Value[], fail: (msg: string) => TemplateError): string {
  let i = 0;
  return format.replace(/%([-+# 0]*)(\d*)(?:\.(\d+))?([a-zA-Z%])/g, (_m, _flags: string, width: string, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const v = args[i++];
    let s: string;
    switch (verb) {
      case 'v': s = printValue(v); break;
      case 's': s = typeof v === 'string' || v instanceof JsonNumber ? printValue(v) : `%!s(${goType(v as Value)}=${printValue(v)})`; break;
      case 'd': s = v instanceof GoInt ? String(v.value) : `%!d(${v === NO_VALUE ? '<nil>' : goType(v)}=${printValue(v)})`; break;
      case 't': s = typeof v === 'boolean' ? String(v) : `%!t(${v === NO_VALUE ? '<nil>' : goType(v)}=${printValue(v)})`; break;
      case 'q': s = typeof v === 'string' ? JSON.stringify(v) : `%!q(${v === NO_VALUE ? '<nil>' : goType(v)}=${printValue(v)})`; break;
      case 'f': s = v instanceof GoFloat || v instanceof GoInt ? (v instanceof GoInt ? `%!f(int=${v.value})` : v.value.toFixed(prec === undefined ? 6 : Number(prec))) : `%!f(${v === NO_VALUE ? '<nil>' : goType(v)}=${printValue(v)})`; break;
      default: throw fail(`printf verb %${verb} is not supported by offgate's strings.render_template`);
    }
    return width ? s.padStart(Number(width)) : s;
  });
}

/** Parses and executes `template` on `vars` (a JSON object). Throws TemplateError. */
export function renderTemplate(template: string, vars: Record<string, unknown>): string {
  const nodes = new Parser(split(template)).parse();
  return new Exec(fromJson(vars)).run(nodes);
}
