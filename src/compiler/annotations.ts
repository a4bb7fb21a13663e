// METADATA annotations: YAML written in comments above a package, import or rule,
// as OPA reads them (ast/parser.go, ast/annotations.go):
//
//   # METADATA
//   # title: My rule
//   # authors:
//   # - Jane Doe <jane@example.com>
//   p := ...
//
// A block starts at a comment whose text, trimmed, begins with METADATA and runs
// over the comments on the following lines that start in column 1; one leading
// space is dropped from each line before the YAML is read. The block annotates the
// first statement that starts on a later line. The scope defaults by that statement
// (rule, package, import) and must suit it: rule or document on a rule, package or
// subpackages on a package.
//
// Only what rego.metadata.rule() and rego.metadata.chain() return is kept (their
// JSON, built once here); `schemas`, `compile` and `labels` are noted as unsupported
// so that a call returning them fails by name instead of leaving them out.
import type { Annotation, AnnotationScope, Import, Module, Pos, Rule } from './ast';
import { RegoError } from './errors';
import type { Comment } from './lexer';
import { parseYamlValues } from '../manifests';

const SCOPES: AnnotationScope[] = ['rule', 'document', 'package', 'subpackages', 'import'];
const UNSUPPORTED_KEYS = ['schemas', 'compile', 'labels'];

interface Block {
  pos: Pos;
  lines: Comment[];
}

/** The module's annotations, in source order; throws rego_parse_error for a malformed block. */
export function moduleAnnotations(module: Module, comments: Comment[]): Annotation[] {
  const out: Annotation[] = [];
  for (const b of metadataBlocks(comments)) out.push(annotation(b, module));
  return out;
}

function metadataBlocks(comments: Comment[]): Block[] {
  const blocks: Block[] = [];
  let curr: Block | undefined;
  for (let i = 0; i < comments.length; i++) {
    const c = comments[i];
    if (curr && c.pos.line === comments[i - 1].pos.line + 1 && c.pos.col === 1) {
      curr.lines.push(c);
      continue;
    }
    curr = undefined;
    if (c.text.trim().startsWith('METADATA')) {
      curr = { pos: c.pos, lines: [] };
      blocks.push(curr);
    }
  }
  return blocks;
}

type Statement = { kind: 'package'; pos: Pos } | { kind: 'import'; imp: Import; pos: Pos } | { kind: 'rule'; rule: Rule; pos: Pos };

/** The first statement starting on a line after `line`. */
function statementAfter(module: Module, line: number): Statement | undefined {
  const stmts: Statement[] = [
    { kind: 'package', pos: module.packagePos },
    ...module.imports.map((imp): Statement => ({ kind: 'import', imp, pos: imp.pos })),
    ...module.rules.map((rule): Statement => ({ kind: 'rule', rule, pos: rule.pos })),
  ];
  let best: Statement | undefined;
  for (const s of stmts) {
    if (s.pos.line > line && (!best || s.pos.line < best.pos.line || (s.pos.line === best.pos.line && s.pos.col < best.pos.col))) best = s;
  }
  return best;
}

function annotation(b: Block, module: Module): Annotation {
  const text = b.lines.map((c) => (c.text.startsWith(' ') ? c.text.slice(1) : c.text) + '\n').join('');
  if (text.trim() === '') throw new RegoError('rego_parse_error', 'expected METADATA block, found whitespace', b.pos);
  const { values, error } = parseYamlValues(text, b.pos.file);
  if (error) {
    const at = error.line !== undefined && b.lines[error.line - 1] ? b.lines[error.line - 1].pos : b.pos;
    throw new RegoError('rego_parse_error', `yaml: ${error.message}`, at);
  }
  const raw = values[0] ?? {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RegoError('rego_parse_error', 'yaml: a METADATA block must be a mapping', b.pos);
  }
  const fields = raw as Record<string, unknown>;

  const stmt = statementAfter(module, b.lines.length > 0 ? b.lines[b.lines.length - 1].pos.line : b.pos.line);
  const given = fields.scope;
  if (given !== undefined && (typeof given !== 'string' || !(SCOPES as string[]).includes(given))) {
    throw new RegoError('rego_parse_error', `invalid annotation scope '${String(given)}'. Use one of 'rule', 'document', 'package', or 'subpackages'`, b.pos);
  }
  const scope = (given as AnnotationScope | undefined) ?? (stmt?.kind === 'import' ? 'import' : stmt?.kind) ?? 'rule';
  checkAttachment(scope, stmt, b.pos);

  const a: Annotation = { scope, value: annotationValue(fields, scope, b.pos), pos: b.pos };
  if (stmt?.kind === 'rule') a.rule = stmt.rule;
  const unsupported = UNSUPPORTED_KEYS.filter((k) => fields[k] !== undefined && fields[k] !== null);
  if (unsupported.length > 0) a.unsupported = unsupported;
  return a;
}

function checkAttachment(scope: AnnotationScope, stmt: Statement | undefined, pos: Pos): void {
  const want = scope === 'rule' || scope === 'document' ? 'rule' : scope === 'import' ? 'import' : 'package';
  if (stmt?.kind === want) return;
  const have = stmt ? ` (have ${stmt.kind})` : '';
  throw new RegoError('rego_parse_error', `annotation scope '${scope}' must be applied to ${want}${have}`, pos);
}

/** The annotation as OPA's rego.metadata.* builtins show it: only fields that are set. */
function annotationValue(f: Record<string, unknown>, scope: AnnotationScope, pos: Pos): Record<string, unknown> {
  const v: Record<string, unknown> = { scope };
  for (const key of ['title', 'description']) {
    const s = optionalString(f[key], key, pos);
    if (s) v[key] = s;
  }
  if (f.entrypoint !== undefined && f.entrypoint !== null) {
    if (typeof f.entrypoint !== 'boolean') throw new RegoError('rego_parse_error', 'yaml: entrypoint must be a boolean', pos);
    if (f.entrypoint) v.entrypoint = true;
  }
  const orgs = list(f.organizations, 'organizations', pos).map((o) => optionalString(o, 'organizations', pos) ?? '');
  if (orgs.length > 0) v.organizations = orgs;
  const related = list(f.related_resources, 'related_resources', pos).map((r) => relatedResource(r, pos));
  if (related.length > 0) v.related_resources = related;
  const authors = list(f.authors, 'authors', pos).map((a) => author(a, pos));
  if (authors.length > 0) v.authors = authors;
  if (f.custom !== undefined && f.custom !== null) {
    if (typeof f.custom !== 'object' || Array.isArray(f.custom)) throw new RegoError('rego_parse_error', 'yaml: custom must be a mapping', pos);
    if (Object.keys(f.custom).length > 0) v.custom = f.custom;
  }
  return v;
}

function optionalString(x: unknown, key: string, pos: Pos): string | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x !== 'string') throw new RegoError('rego_parse_error', `yaml: ${key} must be a string`, pos);
  return x;
}

function list(x: unknown, key: string, pos: Pos): unknown[] {
  if (x === undefined || x === null) return [];
  if (!Array.isArray(x)) throw new RegoError('rego_parse_error', `yaml: ${key} must be a sequence`, pos);
  return x;
}

function isMap(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function safeString(m: Record<string, unknown>, k: string): string {
  return typeof m[k] === 'string' ? (m[k] as string).trim() : '';
}

function relatedResource(r: unknown, pos: Pos): Record<string, string> {
  const bad = (why: string): never => {
    throw new RegoError('rego_parse_error', `invalid related-resource definition ${JSON.stringify(r)}: ${why}`, pos);
  };
  if (typeof r === 'string') return r.length > 0 ? { ref: r } : bad('ref URL may not be empty string');
  if (!isMap(r)) return bad('invalid value type, must be string or map');
  const ref = safeString(r, 'ref');
  if (!ref) return bad("'ref' value required in object");
  const description = safeString(r, 'description');
  return description ? { ref, description } : { ref };
}

/** `Name <email>` (the last word in angle brackets is the email), or a map of name and email. */
function author(a: unknown, pos: Pos): Record<string, string> {
  const bad = (why: string): never => {
    throw new RegoError('rego_parse_error', `invalid author definition ${JSON.stringify(a)}: ${why}`, pos);
  };
  let name: string;
  let email = '';
  if (typeof a === 'string') {
    const parts = a.split(/\s+/).filter((p) => p !== '');
    if (parts.length === 0) return bad('author is an empty string');
    const last = parts[parts.length - 1];
    if (last.length >= 2 && last.startsWith('<') && last.endsWith('>')) {
      email = last.slice(1, -1);
      parts.pop();
    }
    name = parts.join(' ');
  } else if (isMap(a)) {
    name = safeString(a, 'name');
    email = safeString(a, 'email');
    if (!name && !email) return bad("'name' and/or 'email' values required in object");
  } else {
    return bad('invalid value type, must be string or map');
  }
  const out: Record<string, string> = {};
  if (name) out.name = name;
  if (email) out.email = email;
  return out;
}
