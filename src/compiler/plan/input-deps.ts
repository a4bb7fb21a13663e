// Which parts of `input` a document's value can depend on: the top-level keys of input
// its rules read, through the rules and functions they reach, or everything. A batch
// module evaluates every template under `with input as {"review": R, "parameters": P}`
// with the same R for all of them; a helper rule that reads only `input.review` (the pod,
// its containers with their paths) then has one value per review, and is computed once
// per review instead of once per constraint (ModulePlanner.planNode caches it by the
// address of `input.review`: values are immutable, so one address is one value).
import type { Term } from '../ast';
import type { ResolvedRule } from '../stages/resolve';
import { walkBody, walkTerm } from '../visit';
import type { TreeNode } from './tree';

/** The top-level keys of input a value may read; `all`: any part, or input as a whole. */
export type InputKeys = ReadonlySet<string> | 'all';

export class InputDependencies {
  private readonly memo = new Map<TreeNode, InputKeys>();

  constructor(private readonly tree: TreeNode) {}

  /** What the value of `node` (its rules, and its children's for a package) may read of input. */
  of(node: TreeNode): InputKeys {
    const known = this.memo.get(node);
    if (known !== undefined) return known;
    // Recursion (checked elsewhere to be absent, but a package may hold its caller): assume all.
    this.memo.set(node, 'all');
    const keys = new Set<string>();
    let all = false;
    const add = (k: InputKeys): void => {
      if (k === 'all') all = true;
      else for (const x of k) keys.add(x);
    };
    const rules = [...node.complete, ...node.defaults, ...node.sets, ...node.objects.map((o) => o.rule), ...node.functions];
    for (const r of rules) {
      if (all) break;
      add(this.ofRule(r));
    }
    for (const child of node.children.values()) {
      if (all) break;
      add(this.of(child));
    }
    const result: InputKeys = all ? 'all' : keys;
    this.memo.set(node, result);
    return result;
  }

  private ofRule(r: ResolvedRule): InputKeys {
    // A `with` inside changes input (or data, or functions) for what it reaches: not followed.
    if (hasWith(r)) return 'all';
    const keys = new Set<string>();
    let all = false;
    const add = (k: InputKeys): void => {
      if (k === 'all') all = true;
      else for (const x of k) keys.add(x);
    };
    const visit = (t: Term): boolean | void => {
      if (all) return false;
      if (t.type === 'var' && t.name === 'input') {
        all = true; // input as a value: object.get(input, ...), walk(input)
        return false;
      }
      if (t.type === 'ref' && t.terms[0].type === 'var' && (t.terms[0].name === 'input' || t.terms[0].name === 'data')) {
        if (t.terms[0].name === 'input') {
          const key = t.terms[1];
          if (key?.type === 'string') keys.add(key.value);
          else all = true;
        } else {
          add(this.ofDataRef(t.terms.slice(1)));
        }
        for (const x of t.terms.slice(1)) walkTerm(x, visit);
        return false;
      }
      if (t.type === 'call' && t.fn.type === 'ref' && t.fn.terms[0].type === 'var' && t.fn.terms[0].name === 'data') {
        add(this.ofDataRef(t.fn.terms.slice(1)));
      }
      return undefined;
    };
    for (const t of [...r.path, ...(r.args ?? []), r.value, ...(r.key ? [r.key] : [])]) walkTerm(t, visit);
    walkBody(r.body, visit);
    for (let e = r.else; e; e = e.else) {
      if (e.value) walkTerm(e.value, visit);
      walkBody(e.body, visit);
    }
    return all ? 'all' : keys;
  }

  /** A reference into data (`lib.pods.containers[_]`): the documents it may reach. */
  private ofDataRef(path: Term[]): InputKeys {
    let node: TreeNode | undefined = this.tree;
    for (const t of path) {
      if (node.complete.length + node.defaults.length + node.sets.length + node.objects.length + node.functions.length > 0) break;
      // A key not known here (`data[x]`) may name any document below.
      if (t.type !== 'string') return this.of(node);
      const next: TreeNode | undefined = node.children.get(t.value);
      if (next === undefined) return new Set(); // base data only
      node = next;
    }
    return this.of(node);
  }
}

/** Whether any expression of the rule (body, else, comprehensions, `every`) has a `with`. */
function hasWith(x: unknown): boolean {
  if (Array.isArray(x)) return x.some(hasWith);
  if (x === null || typeof x !== 'object') return false;
  for (const [k, v] of Object.entries(x)) {
    if (k === 'module' || k === 'pos') continue;
    if (k === 'with' && Array.isArray(v) && v.length > 0) return true;
    if (typeof v === 'object' && hasWith(v)) return true;
  }
  return false;
}
