// ConstraintTemplates (templates.gatekeeper.sh v1, v1beta1, v1alpha1): where
// their Rego lives, which syntax it is written in, and the contract Gatekeeper
// enforces on it (semantics §3.3–3.4), checked before compiling.
import type { Module, RegoVersion, Term } from '../compiler/ast';
import { RegoError } from '../compiler/errors';
import { parseModule } from '../compiler/parser';
import type { SourceModule } from '../compiler/compile';
import { walkBody, walkTerm } from '../compiler/visit';
import type { K8sObject } from './types';

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
  const code = (target.code ?? []).find((c) => c.engine === 'Rego');
  let rego: string | undefined;
  let libs: string[] = [];
  let regoVersion: RegoVersion = 'v0';
  if (typeof target.rego === 'string') {
    rego = target.rego;
    libs = target.libs ?? [];
  } else if (code?.source) {
    rego = code.source.rego;
    libs = code.source.libs ?? [];
    if (code.source.version === 'v1') regoVersion = 'v1';
  }
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
