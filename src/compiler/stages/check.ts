// Stage: check calls. Every call names a known builtin or data function and
// passes it the right number of arguments (an extra one binds the output).
import type { Term } from '../ast';
import type { BuiltinDef } from '../builtins/types';
import { RegoError } from '../errors';
import { findNode, nodeKind, pathName, type TreeNode } from '../plan/tree';
import { walkBody, walkTerm } from '../visit';
import type { Program } from './resolve';

export function checkCalls(program: Program, tree: TreeNode, builtins: Map<string, BuiltinDef>): void {
  const check = (t: Term) => {
    if (t.type !== 'call') return;
    const fn = t.fn;
    let name: string;
    let arity: number;
    if (fn.type === 'var') {
      name = fn.name;
      if (name === 'print') return;
      const def = builtins.get(name);
      if (!def) throw new RegoError('rego_type_error', `undefined function ${name}`, t.pos);
      arity = def.arity;
    } else {
      const path: string[] = [];
      for (const x of fn.terms.slice(1)) {
        if (x.type !== 'string') throw new RegoError('rego_type_error', 'function references must be ground', t.pos);
        path.push(x.value);
      }
      name = pathName(path);
      const node = findNode(tree, path);
      if (!node || nodeKind(node) !== 'function') throw new RegoError('rego_type_error', `undefined function ${name}`, t.pos);
      arity = node.functions[0].args?.length ?? 0;
    }
    if (t.args.length !== arity && t.args.length !== arity + 1) {
      throw new RegoError(
        'rego_type_error',
        `${name}: arity mismatch: expected ${arity} argument${arity === 1 ? '' : 's'}, got ${t.args.length}`,
        t.pos,
      );
    }
  };
  for (const r of program.rules) {
    for (const t of [...r.path, ...(r.args ?? []), r.value, ...(r.key ? [r.key] : [])]) walkTerm(t, check);
    walkBody(r.body, check);
    for (let e = r.else; e; e = e.else) {
      walkBody(e.body, check);
      if (e.value) walkTerm(e.value, check);
    }
  }
}
