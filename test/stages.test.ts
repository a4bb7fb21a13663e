// The compiler's middle stages, each on its own: name resolution, the document
// tree, safety (reordering and unsafe variables), recursion.
import { describe, expect, it } from 'vitest';
import type { Body, Term } from '../src/compiler/ast';
import { RegoError } from '../src/compiler/errors';
import { parseModule } from '../src/compiler/parser';
import { printBody } from '../src/compiler/printer';
import { buildTree, findNode, nodeKind } from '../src/compiler/plan/tree';
import { checkRecursion } from '../src/compiler/stages/recursion';
import { resolve } from '../src/compiler/stages/resolve';
import { Safety, visibleVars } from '../src/compiler/stages/safety';

function program(...sources: string[]) {
  return resolve(sources.map((s, i) => parseModule(s, `m${i}.rego`, { regoVersion: 'v1' })));
}

function ruleBody(src: string, name: string): Body {
  const rule = program(src).rules.find((r) => r.path.some((t) => t.type === 'string' && t.value === name));
  if (!rule) throw new Error(`no rule ${name}`);
  return rule.body;
}

/** The body as Rego text after reordering, with renamed locals shown as written. */
function reordered(src: string, name: string, bound: string[] = []): string {
  const body = ruleBody(src, name);
  const safety = new Safety({ arity: () => undefined, visible: visibleVars([], [body]) });
  return oneLine(safety.reorder(body, new Set(bound)).body).replace(/\$\d+/g, '');
}

function oneLine(body: Body): string {
  return printBody(body).split('\n').join('; ');
}

function error(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RegoError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('resolve', () => {
  it('makes rule references absolute and follows imports and aliases', () => {
    const p = program(
      'package a\n\nimport data.lib.util as u\nimport input.review\n\nq := 1\n\np if { q == 1; u.f(review.x) }\n',
      'package lib.util\n\nf(x) := x\n',
    );
    const body = p.rules.find((r) => r.path.some((t) => t.type === 'string' && t.value === 'p'))!.body;
    expect(oneLine(body)).toBe('data.a.q == 1; data.lib.util.f(input.review.x)');
  });

  it('renames declared locals apart and keeps implicit ones', () => {
    const body = ruleBody('package a\n\np if { x := 1; y = 2; xs := [x | x := 3] }\n', 'p');
    const names = new Set<string>();
    const visit = (t: Term): void => {
      if (t.type === 'var') names.add(t.name);
    };
    for (const e of body) if (e.body.kind === 'term') walk(e.body.term, visit);
    expect([...names].filter((n) => n.startsWith('x')).length).toBe(3); // x$1, xs$2, the comprehension's x$3
    expect(names.has('y')).toBe(true);
  });

  it('rejects redeclaring a local in the same scope', () => {
    expect(error(() => program('package a\n\np if { x := 1; x := 2 }\n'))).toBe('m0.rego:3:16: rego_compile_error: var x assigned above');
  });

  it('names builtins by their dotted name and data functions by ref', () => {
    const body = ruleBody('package a\n\nf(x) := x\n\np if { strings.replace_n({}, "a"); f(1) }\n', 'p');
    expect(oneLine(body)).toBe('strings.replace_n({}, "a"); data.a.f(1)');
  });
});

describe('document tree', () => {
  it('hangs rules at their paths with their kinds', () => {
    const tree = buildTree(program('package a.b\n\np := 1\n\ns contains 1\n\no[k] := 1 if some k in ["x"]\n\nf(x) := x\n\nq.r.t := 2\n').rules);
    expect(nodeKind(findNode(tree, ['a', 'b', 'p'])!)).toBe('complete');
    expect(nodeKind(findNode(tree, ['a', 'b', 's'])!)).toBe('set');
    expect(nodeKind(findNode(tree, ['a', 'b', 'o'])!)).toBe('object');
    expect(nodeKind(findNode(tree, ['a', 'b', 'f'])!)).toBe('function');
    expect(nodeKind(findNode(tree, ['a', 'b', 'q', 'r', 't'])!)).toBe('complete');
    expect(nodeKind(findNode(tree, ['a', 'b'])!)).toBe('object');
  });

  it('rejects conflicting kinds and several defaults', () => {
    expect(error(() => buildTree(program('package a\n\np := 1\n\np contains 2\n').rules))).toMatch(/conflicting rules data\.a\.p found/);
    expect(error(() => buildTree(program('package a\n\ndefault p := 1\n\ndefault p := 2\n').rules))).toMatch(/multiple default rules data\.a\.p found/);
  });
});

describe('safety', () => {
  it('keeps a safe body in its written order', () => {
    expect(reordered('package a\n\np if { x := input.a; x > 1; y := x + 1; y > 2 }\n', 'p')).toBe('x := input.a; x > 1; y := x + 1; y > 2');
  });

  it('moves a test after the expression that binds its variable', () => {
    expect(reordered('package a\n\np if { x > 1; x = input.a }\n', 'p')).toBe('x = input.a; x > 1');
  });

  it('binds through ref iteration before use', () => {
    expect(reordered('package a\n\np if { c.privileged; c = input.containers[_] }\n', 'p')).toBe('c = input.containers[_]; c.privileged');
  });

  it('orders a comprehension after what binds its outer variables', () => {
    expect(reordered('package a\n\np if { ys := [y | some y in xs; y > m]; m = 1; xs = input.xs }\n', 'p')).toBe(
      'm = 1; xs = input.xs; ys := [y | some y in xs; y > m]',
    );
  });

  it('treats a negation as needing its variables bound', () => {
    expect(reordered('package a\n\np if { not x == 1; x = input.x }\n', 'p')).toBe('x = input.x; not x == 1');
  });

  it('rejects declaring a variable after using it', () => {
    expect(error(() => program('package a\n\np if { x > 1; x := 2 }\n'))).toBe('m0.rego:3:15: rego_compile_error: var x referenced above');
  });

  it('unifies patterns in either direction', () => {
    expect(reordered('package a\n\np if { [a, 1] = [2, b]; a == b }\n', 'p')).toBe('[a, 1] = [2, b]; a == b');
  });

  it('reports the first unsafe variable with its position', () => {
    const body = ruleBody('package a\n\np if { x > y; y = 1 }\n', 'p');
    const safety = new Safety({ arity: () => undefined, visible: visibleVars([], [body]) });
    expect(error(() => safety.reorder(body, new Set()))).toBe('m0.rego:3:8: rego_unsafe_var_error: var x is unsafe');
  });
});

describe('recursion', () => {
  it('finds cycles through rules and functions', () => {
    const tree = buildTree(program('package a\n\np if q\n\nq if f(1)\n\nf(x) if p\n').rules);
    expect(error(() => checkRecursion(tree))).toBe('m0.rego:3:1: rego_recursion_error: rule data.a.p is recursive: data.a.p -> data.a.q -> data.a.f -> data.a.p');
  });

  it('accepts references to sibling rules without cycles', () => {
    const tree = buildTree(program('package a\n\np if q\n\nq if r\n\nr := 1\n').rules);
    expect(() => checkRecursion(tree)).not.toThrow();
  });
});

function walk(t: Term, f: (t: Term) => void): void {
  f(t);
  switch (t.type) {
    case 'ref': t.terms.forEach((x) => walk(x, f)); break;
    case 'array': case 'set': t.items.forEach((x) => walk(x, f)); break;
    case 'object': t.entries.forEach(([k, v]) => { walk(k, f); walk(v, f); }); break;
    case 'call': t.args.forEach((x) => walk(x, f)); break;
    case 'arraycompr': case 'setcompr': walk(t.head, f); t.body.forEach((e) => e.body.kind === 'term' && walk(e.body.term, f)); break;
    default: break;
  }
}
