// The bounds every reader of input text keeps: what a pull request can make offgate read is
// written by whoever opened it, so no file may make the run hang, exhaust memory or overflow
// the stack (which would lose every other file's findings).

/**
 * Deepest nesting of mappings and sequences in one document (aliases followed). Far above
 * anything real (a Deployment is about 10 deep), far below what would overflow the stack of
 * any recursive consumer downstream. Kubernetes' decoders bound it too: go-yaml's scanner
 * refuses 10,000 flow levels or indentations ("exceeded max depth of 10000"), Go's
 * encoding/json, which sigs.k8s.io/json (the API server's JSON) forks, 10,000 levels.
 */
export const MAX_DEPTH = 1000;

/**
 * The largest file read, in bytes (`maxFileSize`, `--max-file-size`): also the largest
 * document, as no document is bigger than its file or standard input. The API server takes
 * requests of at most 3 MiB; 64 MiB leaves room for `kubectl get -A -o yaml` dumps.
 */
export const DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024;

/** Nodes a document may expand to through aliases (go-yaml's "excessive aliasing" bound). */
export const MAX_EXPANDED_NODES = 1_000_000;

/** `too deeply nested`, with the limit, for every reader. */
export function depthMessage(): string {
  return `nested more than ${MAX_DEPTH} levels deep (limit ${MAX_DEPTH})`;
}

/** `1.5 GiB`-style size for messages. */
export function formatSize(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Thrown while loading a text nested past MAX_DEPTH; `position` is where, in the text loaded. */
export class NestingTooDeep extends Error {
  constructor(readonly position: number) {
    super(depthMessage());
    this.name = 'NestingTooDeep';
  }
}

/**
 * Nodes js-yaml's listener may have open at once for MAX_DEPTH levels: it opens one for the
 * document and one around a block value read through a nested node, beside each collection.
 */
export const MAX_OPEN_NODES = MAX_DEPTH + 2;

/** js-yaml's own bound (its default, 100, is below ours): one more, so the listener speaks first, with our message. */
export const JS_YAML_MAX_DEPTH = MAX_OPEN_NODES + 1;
