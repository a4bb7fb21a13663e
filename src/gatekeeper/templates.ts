// ConstraintTemplates (templates.gatekeeper.sh v1, v1beta1, v1alpha1): where
// their Rego lives, which syntax it is written in, and the contract Gatekeeper
// enforces on it (semantics §3.3–3.4), checked before compiling.
import type { Module, RegoVersion, Term } from '../compiler/ast';
import { RegoError, RegoErrors } from '../compiler/errors';
import { parseModule } from '../compiler/parser';
import type { SourceModule } from '../compiler/compile';
import { walkBody, walkTerm } from '../compiler/visit';
import type { K8sObject } from './types';
import { readInputFile } from '../manifests/file';

import { ADMISSION_TARGET as TARGET, TEMPLATE_GROUP } from './constraint-schema';

/** The Rego of a template, ready to compile. */
export interface TemplateRego {
  modules: SourceModule[];
  regoVersion: RegoVersion;
  /** `<package>/violation`. */
  entrypoint: string;
}

interface RegoCode {
  engine?: string;
  source?: { rego?: string; libs?: string[]; version?: string };
}

interface Target {
  target?: string;
  rego?: string;
  libs?: string[];
  code?: RegoCode[];
}

export function isConstraintTemplate(obj: K8sObject): boolean {
  return typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith(`${TEMPLATE_GROUP}/`) && obj.kind === 'ConstraintTemplate';
}

/** v1 templates have structural schemas; v1beta1 and v1alpha1 keep unknown fields (legacySchema). */
export function isLegacySchema(obj: K8sObject): boolean {
  return obj.apiVersion !== `${TEMPLATE_GROUP}/v1`;
}

/**
 * The template's Rego: the legacy `rego` + `libs` (v0 syntax) replace a `code`
 * entry of engine Rego; otherwise the `code` entry, v1 when its version says so.
 * `file` names the template for error positions.
 */
export function templateRego(obj: K8sObject, file: string): TemplateRego {
  const name = String((obj.metadata as { name?: unknown } | undefined)?.name ?? '');
  const targets = ((obj.spec as { targets?: Target[] } | undefined)?.targets ?? []) as Target[];
  if (targets.length !== 1) throw templateError(name, `spec.targets must have exactly one entry, found ${targets.length}`);
  const target = targets[0];
  if (target.target !== TARGET) throw templateError(name, `spec.targets[0].target must be ${TARGET}`);
  const { rego, libs, regoVersion } = regoSource(target);
  if (typeof rego !== 'string' || rego.trim() === '') {
    throw templateError(name, 'no language driver is installed for this template: it has no Rego (spec.targets[0].rego or a code entry with engine Rego)');
  }
  const main = { file: `${file}#rego`, source: rego };
  const libModules = libs.map((source, i) => ({ file: `${file}#libs[${i}]`, source }));
  const parsedMain = parseModule(main.source, main.file, { regoVersion });
  const parsedLibs = libModules.map((l) => parseModule(l.source, l.file, { regoVersion }));
  checkContract(parsedMain, parsedLibs);
  return { modules: [main, ...libModules], regoVersion, entrypoint: `${parsedMain.package.join('/')}/violation` };
}

interface RegoSource {
  rego?: string;
  libs: string[];
  regoVersion: RegoVersion;
  /** The field holding `rego` and `libs`: `spec.targets[0]`, or a code entry's `source`. */
  field: string;
}

/** The legacy `rego` + `libs` (v0 syntax), else the `code` entry of engine Rego (v1 when its version says so). */
function regoSource(target: Target): RegoSource {
  if (typeof target.rego === 'string') return { rego: target.rego, libs: target.libs ?? [], regoVersion: 'v0', field: 'spec.targets[0]' };
  const index = (target.code ?? []).findIndex((c) => c?.engine === 'Rego');
  const source = index >= 0 ? target.code![index]!.source : undefined;
  if (!source) return { libs: [], regoVersion: 'v0', field: 'spec.targets[0]' };
  return { rego: source.rego, libs: source.libs ?? [], regoVersion: source.version === 'v1' ? 'v1' : 'v0', field: `spec.targets[0].code[${index}].source` };
}

function templateError(name: string, detail: string): Error {
  return new Error(`ConstraintTemplate ${name || '(unnamed)'}: ${detail}`);
}

/** Gatekeeper's rules for template Rego (§3.4): violation, imports, data references, lib packages. */
function checkContract(main: Module, libs: Module[]): void {
  if (!main.rules.some((r) => r.head.ref[0].type === 'var' && r.head.ref[0].name === 'violation' && r.head.ref.length === 1)) {
    throw new RegoError('rego_compile_error', 'missing required rules: [violation]', main.packagePos);
  }
  for (const lib of libs) {
    if (lib.package.length < 2 || lib.package[0] !== 'lib') {
      throw new RegoError('rego_compile_error', `lib packages must be below lib (found package ${lib.package.join('.')})`, lib.packagePos);
    }
  }
  for (const m of [main, ...libs]) {
    for (const imp of m.imports) {
      const path = refText(imp.path);
      if (!(path.startsWith('data.lib.') || path.startsWith('future.'))) {
        throw new RegoError('rego_compile_error', `disallowed import ${path}: templates may import data.lib... and future.keywords only`, imp.pos);
      }
    }
    for (const r of m.rules) {
      const check = (t: Term): boolean => {
        if (t.type === 'ref' && t.terms[0].type === 'var' && t.terms[0].name === 'data') {
          const second = t.terms[1];
          const ok = second?.type === 'string' && (second.value === 'inventory' || second.value === 'lib');
          if (!ok) throw new RegoError('rego_compile_error', `disallowed ref ${refText(t)}: templates may read data.inventory and data.lib only`, t.pos);
          for (const x of t.terms.slice(1)) walkTerm(x, check);
          return false;
        }
        if (t.type === 'var' && t.name === 'data') throw new RegoError('rego_compile_error', 'disallowed ref data: templates may read data.inventory and data.lib only', t.pos);
        return true;
      };
      walkBody(r.body, check);
      for (let e = r.else; e; e = e.else) walkBody(e.body, check);
      for (const t of [...r.head.ref, ...(r.head.args ?? []), ...(r.head.value ? [r.head.value] : []), ...(r.head.key ? [r.head.key] : [])]) walkTerm(t, check);
    }
  }
}

function refText(t: Term): string {
  if (t.type === 'var') return t.name;
  if (t.type !== 'ref') return '?';
  return t.terms.map((x, i) => (x.type === 'var' ? (i === 0 ? x.name : `[${x.name}]`) : x.type === 'string' ? x.value : '[…]')).join('.').replace(/\.\[/g, '[');
}

// ---------------------------------------------------------------------------------------
// Rego errors placed in the template's file

/** The text of a template's file, and where its fields are: what places a Rego error in the file. */
export interface TemplateText {
  /** The file's whole text; undefined when it cannot be read (the error then stays at the field's key). */
  text(): string | undefined;
  /** 1-based line and column of a field's key (or of a sequence item); undefined when the object cannot be found in the text. */
  locate(path: string): { line: number; column: number } | undefined;
}

/** A template file's TemplateText: read again only when one of its templates has a Rego error to place. */
export function fileTemplateText(path: string, locate: TemplateText['locate'], maxFileSize: number): TemplateText {
  let read: { text: string } | { error: string } | undefined;
  return {
    text: () => {
      read ??= readInputFile(path, maxFileSize);
      return 'text' in read ? read.text : undefined;
    },
    locate,
  };
}

/** A template's load error: its message, and where it is in the template's file when known. */
export interface PlacedError {
  message: string;
  line?: number;
  column?: number;
}

/**
 * The errors of a template that failed to load (templateRego or the compiler threw `e`), one
 * per Rego error. With the template's text, each is placed at its line and column in the file
 * (`file:18:78`, not `file#rego:5:70`); otherwise its message keeps the module's position.
 */
export function templateErrors(template: K8sObject, file: string, e: unknown, source?: TemplateText): PlacedError[] {
  const name = String(template.metadata?.name ?? '');
  const prefix = `ConstraintTemplate ${name}: `;
  const regoErrors = e instanceof RegoErrors ? e.errors : e instanceof RegoError ? [e] : undefined;
  if (!regoErrors) return [{ message: prefix + (e instanceof Error ? e.message : String(e)) }];
  return regoErrors.map((r) => {
    const at = source ? placeRegoError(template, file, r, source) : undefined;
    return at ? { message: `${prefix}${r.code}: ${r.detail}`, ...at } : { message: prefix + r.message };
  });
}

/**
 * Where a Rego error of `template` (read from `file`) is in that file. A module written as a
 * literal block (`rego: |`, `|-`, `|+`) maps line for line, its columns shifted by the block's
 * indentation; one written any other way (folded `>`, quoted, JSON, an explicit indentation
 * indicator) is placed at its field's key. Undefined for an error that is not in the template's Rego.
 */
export function placeRegoError(template: K8sObject, file: string, err: Pick<RegoError, 'pos'>, source: TemplateText): { line: number; column: number } | undefined {
  const pos = err.pos;
  if (!pos || !pos.file.startsWith(`${file}#`)) return undefined;
  const target = (((template.spec as { targets?: Target[] } | undefined)?.targets ?? []) as Target[])[0];
  if (!target) return undefined;
  const { rego, libs, field } = regoSource(target);
  const module = pos.file.slice(file.length + 1);
  const lib = /^libs\[(\d+)\]$/.exec(module);
  const text = module === 'rego' ? rego : lib ? libs[Number(lib[1])] : undefined;
  if (typeof text !== 'string') return undefined;
  const key = source.locate(`${field}.${module}`);
  if (!key) return undefined;
  const block = literalBlockAt(source.text(), key);
  // The line must read the same in the file and in the module: a file changed since, or a
  // block read wrongly, leaves the error at the key rather than at a wrong line.
  const fileLine = block?.lines[key.line - 1 + pos.line];
  const regoLine = text.split('\n')[pos.line - 1];
  if (!block || fileLine === undefined || regoLine === undefined || fileLine.slice(block.indent).replace(/\r$/, '') !== regoLine.replace(/\r$/, '')) return key;
  return { line: key.line + pos.line, column: block.indent + pos.col };
}

/**
 * The literal block scalar whose header (`key: |`, `- |-`) starts at `at`: the file's lines
 * and the block's indentation (that of its first non-empty line). Undefined for any other style.
 */
export function literalBlockAt(text: string | undefined, at: { line: number; column: number }): { lines: string[]; indent: number } | undefined {
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  const header = lines[at.line - 1]?.slice(at.column - 1).replace(/\r$/, '');
  // An optional key (plain or quoted) or sequence dash, then `|` with optional chomping, then an optional comment.
  if (header === undefined || !/^(?:(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"|>][^#]*?)[ \t]*:[ \t]+|-[ \t]+)?\|[+-]?(?:[ \t]+#.*)?[ \t]*$/.test(header)) return undefined;
  for (let i = at.line; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    return line.slice(0, indent).includes('\t') ? undefined : { lines, indent };
  }
  return undefined;
}
