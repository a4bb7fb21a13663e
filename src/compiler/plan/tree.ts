// The virtual document tree: every rule hung at the node of its ground path
// under `data`. Packages and ground ref-head prefixes are interior nodes whose
// value is an object built from their children (and base data at the same path).
import type { Term } from '../ast';
import { RegoError } from '../errors';
import type { ResolvedRule } from '../stages/resolve';

export interface TreeNode {
  /** Path under `data`. */
  path: string[];
  children: Map<string, TreeNode>;
  /** Complete rules whose whole path is this node (`p := 1`, `p if {...}`). */
  complete: ResolvedRule[];
  /** `default p := v`. */
  defaults: ResolvedRule[];
  /** Multi-value rules (`p contains x`). */
  sets: ResolvedRule[];
  /**
   * Rules with non-string keys below this node (`p[k] := v`, `p.q[x] := 1`,
   * `p[x] contains y`): they build an object, with sets at the leaves of multi-value rules.
   */
  objects: { rule: ResolvedRule; keys: Term[]; multi: boolean }[];
  /** Functions (`f(x) := y`), all definitions. */
  functions: ResolvedRule[];
}

export type NodeKind = 'complete' | 'set' | 'object' | 'function';

function newNode(path: string[]): TreeNode {
  return { path, children: new Map(), complete: [], defaults: [], sets: [], objects: [], functions: [] };
}

/**
 * The tree of `rules`; every package in `packages` is a node even without rules
 * (OPA's data tree has an empty package as `{}`).
 */
export function buildTree(rules: ResolvedRule[], packages: string[][] = []): TreeNode {
  const root = newNode([]);
  for (const p of packages) nodeAt(root, p);
  for (const r of rules) {
    const ground: string[] = [];
    let i = 0;
    for (; i < r.path.length; i++) {
      const t = r.path[i];
      if (t.type !== 'string') break;
      ground.push(t.value);
    }
    const node = nodeAt(root, ground);
    const rest = r.path.slice(i);
    if (r.kind === 'function') {
      if (rest.length > 0) throw new RegoError('rego_type_error', 'function rule heads must be ground references', r.pos);
      node.functions.push(r);
    } else if (r.kind === 'set' && rest.length === 0) {
      node.sets.push(r);
    } else if (rest.length > 0) {
      if (r.default) throw new RegoError('rego_type_error', 'default rules must have ground references', r.pos);
      node.objects.push({ rule: r, keys: rest, multi: r.kind === 'set' });
    } else if (r.default) {
      node.defaults.push(r);
    } else {
      node.complete.push(r);
    }
  }
  checkNodes(root);
  return root;
}

/** A node of its own for one complete rule (a compiled query), reachable from no path of `data`. */
export function detachedNode(rule: ResolvedRule): TreeNode {
  const path = rule.path.map((t) => (t.type === 'string' ? t.value : '?'));
  const node = newNode(path);
  node.complete.push(rule);
  return node;
}

export function nodeAt(root: TreeNode, path: string[]): TreeNode {
  let n = root;
  for (const seg of path) {
    let c = n.children.get(seg);
    if (!c) {
      c = newNode([...n.path, seg]);
      n.children.set(seg, c);
    }
    n = c;
  }
  return n;
}

/** The node at `path`, without creating any. */
export function findNode(root: TreeNode, path: string[]): TreeNode | undefined {
  let n: TreeNode | undefined = root;
  for (const seg of path) {
    n = n.children.get(seg);
    if (!n) return undefined;
  }
  return n;
}

export function nodeKind(n: TreeNode): NodeKind {
  if (n.functions.length > 0) return 'function';
  if (n.complete.length > 0 || n.defaults.length > 0) return 'complete';
  if (n.sets.length > 0) return 'set';
  return 'object';
}

export function pathName(path: string[]): string {
  return ['data', ...path].join('.');
}

function checkNodes(n: TreeNode): void {
  const kinds = [
    n.functions.length > 0,
    n.complete.length + n.defaults.length > 0,
    n.sets.length > 0,
    n.objects.length > 0,
  ].filter(Boolean).length;
  const first = n.functions[0] ?? n.complete[0] ?? n.defaults[0] ?? n.sets[0] ?? n.objects[0]?.rule;
  if (kinds > 1) throw new RegoError('rego_type_error', `conflicting rules ${pathName(n.path)} found`, first?.pos);
  if (n.defaults.length > 1) {
    throw new RegoError('rego_type_error', `multiple default rules ${pathName(n.path)} found`, n.defaults[1].pos);
  }
  if (first && n.children.size > 0 && (n.functions.length > 0 || n.complete.length + n.defaults.length > 0 || n.sets.length > 0)) {
    const child = [...n.children.values()][0];
    const inner = child.complete[0] ?? child.functions[0] ?? child.sets[0] ?? child.objects[0]?.rule;
    throw new RegoError('rego_type_error', `rule ${pathName(n.path)} conflicts with ${pathName(child.path)}`, inner?.pos ?? first.pos);
  }
  const arities = new Set(n.functions.map((f) => f.args?.length ?? 0));
  if (arities.size > 1) {
    throw new RegoError('rego_type_error', `function ${pathName(n.path)} has arity ${[...arities].join(' and ')} in different definitions`, n.functions[1].pos);
  }
  for (const c of n.children.values()) checkNodes(c);
}

/** Every node below `n` (pre-order), `n` included. */
export function* allNodes(n: TreeNode): Generator<TreeNode> {
  yield n;
  for (const c of n.children.values()) yield* allNodes(c);
}
