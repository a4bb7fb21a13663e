// Field paths, as policies and reports name a place in an object:
//
//   spec.template.spec.containers[1].securityContext.privileged
//   metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]
//   metadata.labels['app.kubernetes.io/name']
//   /spec/containers/0/image              (a JSON pointer, RFC 6901, when it starts with '/')
export type PathSegment = string | number;

export function parseFieldPath(path: string): PathSegment[] {
  const { segments, error } = scanFieldPath(path);
  if (error !== undefined) throw new Error(`invalid field path ${JSON.stringify(path)}: ${error}`);
  return segments;
}

/**
 * The segments of `path`, and what is wrong with it if anything: the segments read before the
 * error are still returned, so that a report can point at least at their place.
 */
export function scanFieldPath(path: string): { segments: PathSegment[]; error?: string } {
  if (path.startsWith('/')) {
    const segments = path.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
    return { segments };
  }
  const segments: PathSegment[] = [];
  if (path === '.') return { segments };
  let i = path.startsWith('.') ? 1 : 0; // jq's `.spec.containers` reads the same
  let needSegment = i === 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '[') {
      const close = readBracket(path, i, segments);
      if (typeof close === 'string') return { segments, error: close };
      i = close;
      needSegment = false;
    } else if (c === '.') {
      if (needSegment || segments.length === 0) return { segments, error: `empty segment at ${i}` };
      needSegment = true;
      i++;
    } else if (c === ']' || c === '"' || c === "'") {
      return { segments, error: `unexpected ${c} at ${i}` };
    } else {
      if (!needSegment && segments.length > 0) return { segments, error: `expected . or [ at ${i}` };
      let end = i;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
      segments.push(path.slice(i, end));
      i = end;
      needSegment = false;
    }
  }
  if (needSegment) return { segments, error: 'ends with .' };
  return { segments };
}

/** Reads `[0]`, `["a.b"]`, `['a.b']` or `[name]` at `open`; returns the index past `]`, or an error. */
function readBracket(path: string, open: number, into: PathSegment[]): number | string {
  const quote = path[open + 1];
  if (quote === '"' || quote === "'") {
    let value = '';
    let i = open + 2;
    for (; i < path.length && path[i] !== quote; i++) {
      if (path[i] === '\\' && i + 1 < path.length) i++;
      value += path[i];
    }
    if (i >= path.length) return `unterminated ${quote} at ${open + 1}`;
    if (path[i + 1] !== ']') return `expected ] at ${i + 1}`;
    into.push(value);
    return i + 2;
  }
  const close = path.indexOf(']', open);
  if (close < 0) return `unterminated [ at ${open}`;
  const inner = path.slice(open + 1, close);
  if (inner === '') return `empty [] at ${open}`;
  into.push(/^[0-9]+$/.test(inner) ? Number(inner) : inner);
  return close + 1;
}
