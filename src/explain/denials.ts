// What the cluster said back, read into denials. A validating webhook's refusal reads
// `admission webhook "validation.gatekeeper.sh" denied the request: [NAME] MSG`, and
// Gatekeeper joins several violations with newlines, each `[NAME] MSG`. Users paste it
// as kubectl apply printed it, as a ReplicaSet's or Job's event (`Error creating: …`),
// or a whole `kubectl describe` or `kubectl get events` output: each is read here, with
// what the text says about the refused object (a file, a ReplicaSet, `Controlled By:`).
// Pure: text in, denials out.

/** What the text around a denial says about the object that was refused. */
export interface ObjectHint {
  /** `deploy.yaml` of kubectl's `error when creating "deploy.yaml"`. */
  file?: string;
  /** `ReplicaSet`, `Deployment`, `Job`…: the refused object or the controller that made it (as written, any case). */
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface Denial {
  /** The constraint's name, Gatekeeper's `[NAME]`; empty when the webhook named none. */
  constraint: string;
  /** The violation's message, as the cluster wrote it. */
  message: string;
  /** The webhook that refused: `validation.gatekeeper.sh`; empty for a `[NAME] MSG` line pasted alone. */
  webhook: string;
  /** 1-based line of the pasted text where the denial starts. */
  line: number;
  hint: ObjectHint;
  /** The message as separate physical lines when the paste had wrapped it (names may sit at a break). */
  pieces?: string[];
}

export type ParsedDenials = { denials: Denial[] } | { error: string };

/** The API server's words for a webhook's refusal; `\"` when the text is JSON (`kubectl get events -o json`). */
const DENIED = /admission webhook \\?"([^"\\]+)\\?" denied the request(?::\s?|\s+without explanation)/;
/** A violation: `[NAME] MSG`, NAME a Kubernetes object name. */
const VIOLATION = /^\[([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)\]\s?(.*)$/;
/** `[NAME] ` inside a line that newlines were flattened out of (NAME with a letter, so `[0]` is no name). */
const INLINE_VIOLATION = /\s(?=\[(?=[-a-z0-9.]*[a-z])[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\]\s)/;
/** A terminal's width, less one: a pasted line this long may have been wrapped by it. */
const WRAP_WIDTH = 79;

/**
 * Every denial in `text`, in order, once each (events repeat). No denial at all is an
 * error: the text is not what the cluster said, or not all of it.
 */
export function parseDenials(text: string): ParsedDenials {
  // eslint-disable-next-line no-control-regex
  const lines = text.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r\n?/g, '\n').split('\n');
  if (lines.every((l) => l.trim() === '')) return { error: 'the message is empty: paste what kubectl printed (or an event), or pipe it with --message -' };
  const logical = unwrap(lines);
  const denials: Denial[] = [];
  const context = new Context();
  for (let i = 0; i < logical.length; i++) {
    const { text: line, line: at, pieces } = logical[i]!;
    context.read(line);
    const denied = DENIED.exec(line);
    if (!denied) continue;
    const hint = clean({ ...context.hint(), ...rowHint(line.slice(0, denied.index), context), ...fileHint(line) });
    const json = denied[0].includes('\\"');
    const rest = line.slice(denied.index + denied[0].length);
    // The violations: the rest of this line, then the lines that start `[NAME] ` (Gatekeeper's newlines).
    const violations = [{ line: at, text: json ? unescapeJson(rest) : rest, pieces }];
    for (; !json && i + 1 < logical.length && VIOLATION.test(logical[i + 1]!.text.trim()) && !DENIED.test(logical[i + 1]!.text); i++) {
      violations.push({ line: logical[i + 1]!.line, text: logical[i + 1]!.text.trim(), pieces: logical[i + 1]!.pieces });
    }
    for (const v of violations) {
      for (const part of splitFlattened(v.text)) {
        const m = VIOLATION.exec(part.trim());
        const denial: Denial = { constraint: m ? m[1]! : '', message: (m ? m[2]! : part).trim(), webhook: denied[1]!, line: v.line, hint };
        if (v.pieces.length > 1) denial.pieces = v.pieces.map((p) => p.trim());
        denials.push(denial);
      }
    }
  }
  // No webhook's words: violations as Gatekeeper writes them, one a line (copied alone, or
  // kubectl's `Warning: [NAME] MSG` of a warn constraint).
  if (denials.length === 0) {
    for (const { text: line, line: at } of logical) {
      const m = VIOLATION.exec(line.trim().replace(/^Warning:\s+/, ''));
      if (m) denials.push({ constraint: m[1]!, message: m[2]!.trim(), webhook: '', line: at, hint: {} });
    }
  }
  if (denials.length === 0) {
    return { error: 'no denial found in the message: expected what kubectl printed, e.g. admission webhook "validation.gatekeeper.sh" denied the request: [NAME] MESSAGE, or a [NAME] MESSAGE line' };
  }
  return { denials: unique(denials) };
}

interface LogicalLine {
  text: string;
  /** 1-based line of its first piece. */
  line: number;
  /** The physical lines it was joined from. */
  pieces: string[];
}

/**
 * Lines a terminal wrapped, joined back: a line as long as a terminal is wide, followed by
 * one that starts nothing new (see startsRecord), continues it. Joined without a space, as
 * a terminal breaks anywhere, mid-word too.
 */
function unwrap(lines: string[]): LogicalLine[] {
  const out: LogicalLine[] = [];
  let previous = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const last = out[out.length - 1];
    if (last && previous.length >= WRAP_WIDTH && !startsRecord(line) && !VIOLATION.test(line.trim())) {
      last.text += line;
      last.pieces.push(line);
    } else {
      out.push({ text: line, line: i + 1, pieces: [line] });
    }
    previous = line;
  }
  return out;
}

/** `[a] x [b] y` (a paste that lost Gatekeeper's newlines) → `[a] x`, `[b] y`; JSON's `\n` too. */
function splitFlattened(text: string): string[] {
  return text
    .split(/\\n(?=\[)/)
    .flatMap((part) => part.split(INLINE_VIOLATION))
    .filter((part) => part.trim() !== '');
}

/** The rest of a JSON string value: up to its closing quote, `\"` and `\\` unescaped. */
function unescapeJson(rest: string): string {
  const end = rest.search(/(?<!\\)"/);
  const value = end < 0 ? rest : rest.slice(0, end);
  return value.replace(/\\"/g, '"').replace(/\\\\/g, '\\');
}

/**
 * A line that starts something new, not the wrapped rest of the line before: a blank line,
 * an event row, a describe field, a header, kubectl's next error or result, a prompt.
 */
function startsRecord(line: string): boolean {
  return (
    line.trim() === '' ||
    /^\s*(Normal|Warning)\s+\S/.test(line) ||
    /^(\S+\s+){1,2}(Normal|Warning)\s+[A-Z]\w*\s/.test(line) ||
    /^\s*(LAST SEEN|NAMESPACE|Type)\s{2,}/.test(line) ||
    DESCRIBE_FIELD.test(line) ||
    /^(Error from server|Error|error|Warning|warning)[ (:]/.test(line) ||
    /^\S+\/\S+ (created|configured|unchanged|deleted)\b/.test(line) ||
    /^\s*(\$|#|>) /.test(line) ||
    /^\S+@\S+.*[$#%>] /.test(line) ||
    /^kubectl\s/.test(line)
  );
}

/** The fields of `kubectl describe` at the start of a line. */
const DESCRIBE_FIELD =
  /^(Name|Namespace|Selector|Labels|Annotations|Controlled By|Replicas|Pods Status|Pods Statuses|Pod Template|Conditions|Events|Parallelism|Completions|Completion Mode|Suspend|Backoff Limit|Start Time|Priority|Node|Status|IP|IPs|Containers|Init Containers|Volumes|QoS Class|Tolerations|Node-Selectors|Service Account|CreationTimestamp|StrategyType|MinReadySeconds|RollingUpdateStrategy|OldReplicaSets|NewReplicaSet):/;

/** What `kubectl describe` said above the events: `Name:`, `Namespace:`, `Controlled By:`; `get events`' header. */
class Context {
  private name?: string;
  private namespace?: string;
  private controller?: { kind: string; name: string };
  private kind?: string;
  /** `kubectl get events -A` (or `--all-namespaces`): rows start with the namespace. */
  namespaced = false;

  read(line: string): void {
    let m: RegExpExecArray | null;
    if ((m = /^Name:\s+(\S+)\s*$/.exec(line))) {
      // A new object described: forget the last one.
      this.name = m[1];
      this.namespace = undefined;
      this.controller = undefined;
      this.kind = undefined;
    } else if ((m = /^Namespace:\s+(\S+)\s*$/.exec(line))) this.namespace = m[1];
    else if ((m = /^Controlled By:\s+([A-Za-z]+)\/(\S+)\s*$/.exec(line))) this.controller = { kind: m[1]!, name: m[2]! };
    else if ((m = /^\s*(NAMESPACE\s+)?LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/.exec(line))) this.namespaced = m[1] !== undefined;
    // kubectl apply's patch errors: `Name: "web", Namespace: "shop"`; `Kind=Deployment`.
    else if ((m = /^Name: "([^"]*)", Namespace: "([^"]*)"/.exec(line))) {
      this.name = m[1] || undefined;
      this.namespace = m[2] || undefined;
    } else if ((m = /GroupVersionKind: "[^"]*Kind=(\w+)"/.exec(line))) this.kind = m[1];
  }

  /** Whether the described object names its controller (`Controlled By:`). */
  get controlled(): boolean {
    return this.controller !== undefined;
  }

  hint(): ObjectHint {
    if (this.controller) return { kind: this.controller.kind, name: this.controller.name, namespace: this.namespace };
    return { kind: this.kind, name: this.name, namespace: this.namespace };
  }
}

/** A `kubectl get events` row: `2m   Warning   FailedCreate   replicaset/web-5d8f7c9b4d   Error creating: …`. */
function rowHint(prefix: string, context: Context): ObjectHint {
  const words = prefix.trim().split(/\s+/);
  const at = words.findIndex((w) => /^[a-z][a-z0-9.]*\/[a-z0-9][-a-z0-9.]*$/.test(w));
  if (at < 0) {
    // A describe event row names its controller in the From column: the kind of the object described.
    const from = /\b(replicaset|statefulset|daemonset|job|cronjob)-controller\b/.exec(prefix);
    return from && !context.controlled ? { kind: CONTROLLER_KINDS[from[1]!] } : {};
  }
  const [kind, name] = words[at]!.split('/') as [string, string];
  const hint: ObjectHint = { kind: kind.split('.')[0], name };
  if (context.namespaced && at >= 4) hint.namespace = words[0];
  return hint;
}

const CONTROLLER_KINDS: Record<string, string> = { replicaset: 'ReplicaSet', statefulset: 'StatefulSet', daemonset: 'DaemonSet', job: 'Job', cronjob: 'CronJob' };

/** kubectl's `error when creating "deploy.yaml"` (applying, patching, replacing…). */
function fileHint(line: string): ObjectHint {
  const m = /error when [a-z]+ "([^"]+)"/.exec(line);
  return m ? { file: m[1] } : {};
}

function clean(hint: ObjectHint): ObjectHint {
  return Object.fromEntries(Object.entries(hint).filter(([, v]) => v !== undefined && v !== '')) as ObjectHint;
}

/** Each denial once: events repeat (`x6 over 3m`, `combined from similar events`). */
function unique(denials: Denial[]): Denial[] {
  const seen = new Set<string>();
  return denials.filter((d) => {
    const key = JSON.stringify([d.constraint, d.message, d.hint.file, d.hint.kind?.toLowerCase(), d.hint.name, d.hint.namespace]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
