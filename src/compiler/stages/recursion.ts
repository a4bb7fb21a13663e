// Stage: recursion. Rego forbids rules that depend on themselves; report the
// cycle as OPA does: `rule data.a.p is recursive: data.a.p -> data.a.q -> data.a.p`.
import type { Body, Term } from '../ast';
import { RegoError } from '../errors';
import { allNodes, pathName, type TreeNode } from '../plan/tree';
import { isGround, walkBody, walkTerm } from '../visit';
import type { ResolvedRule } from './resolve';

export function checkRecursion(tree: TreeNode): void {
  const deps = new Map<TreeNode, Set<TreeNode>>();
  for (const node of allNodes(tree)) deps.set(node, dependencies(tree, node));
  const state = new Map<TreeNode, 'visiting' | 'done'>();
  const stack: TreeNode[] = [];
  const visit = (n: TreeNode): void => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(n)), n].map((x) => pathName(x.path));
      const rule = firstRule(n);
      throw new RegoError('rego_recursion_error', `rule ${pathName(n.path)} is recursive: ${cycle.join(' -> ')}`, rule?.pos);
    }
    state.set(n, 'visiting');
    stack.push(n);
    for (const d of deps.get(n) ?? []) visit(d);
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of deps.keys()) visit(n);
}

function firstRule(n: TreeNode): ResolvedRule | undefined {
  return n.complete[0] ?? n.defaults[0] ?? n.sets[0] ?? n.functions[0] ?? n.objects[0]?.rule;
}

function rulesOf(n: TreeNode): ResolvedRule[] {
  return [...n.complete, ...n.defaults, ...n.sets, ...n.functions, ...n.objects.map((o) => o.rule)];
}

/** Nodes whose rules the rules at `n` refer to (only nodes that hold rules count). */
function dependencies(tree: TreeNode, n: TreeNode): Set<TreeNode> {
  const out = new Set<TreeNode>();
  // As OPA's rule tree is searched: a variable key may be any child, a ground key
  // only the child of that name (children are named by strings, so a number names
  // none: `data[2]` reaches base data only); the first node holding rules is the
  // document reached, and where the ref ends, every rule below is.
  const reach = (node: TreeNode, terms: Term[], i: number): void => {
    if (rulesOf(node).length > 0) {
      out.add(node);
      return;
    }
    if (i === terms.length) {
      for (const d of allNodes(node)) if (rulesOf(d).length > 0) out.add(d);
      return;
    }
    const t = terms[i];
    if (t.type === 'string') {
      const child = node.children.get(t.value);
      if (child) reach(child, terms, i + 1);
    } else if (!isGround(t)) {
      for (const child of node.children.values()) reach(child, terms, i + 1);
    }
  };
  const addRef = (terms: Term[]) => reach(tree, terms, 0);
  const visit = (t: Term): boolean => {
    if (t.type === 'ref' && t.terms[0].type === 'var' && t.terms[0].name === 'data') {
      addRef(t.terms.slice(1));
      for (const k of t.terms.slice(1)) walkTerm(k, visit);
      return false;
    }
    if (t.type === 'var' && t.name === 'data') addRef([]);
    if (t.type === 'call' && t.fn.type === 'ref') addRef(t.fn.terms.slice(1));
    return true;
  };
  for (const r of rulesOf(n)) {
    const bodies: Body[] = [r.body];
    for (let e = r.else; e; e = e.else) bodies.push(e.body);
    for (const b of bodies) walkBody(b, visit);
    for (const t of [r.value, ...(r.key ? [r.key] : []), ...r.path]) walkTerm(t, visit);
  }
  return out;
}
