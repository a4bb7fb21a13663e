// The fuzz harness itself (scripts/fuzz.ts, scripts/fuzz/): its cases are the same for the
// same seed, its mutators do what they say, and its oracle flags what it must — a planted
// stack trace, a planted hang, a bad exit code, lost findings and a planted verdict change —
// and nothing when a run is fine. No assertion here is about time.
import { join } from 'node:path';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { RegoError } from '../src/compiler/errors';
import { UsageError } from '../src/cli/errors';
import { VerifyError } from '../src/gatekeeper/suite';
import { emitted, KINDS, makeCase } from '../scripts/fuzz/cases';
import { loadCorpus, type Corpus } from '../scripts/fuzz/corpus';
import { isOwnError, tryCase } from '../scripts/fuzz/in-process';
import { minimizeLines, splitLines } from '../scripts/fuzz/minimize';
import { addProtoKeys, mutateBytes, mutateText, nest, treeMutations, type Mutated } from '../scripts/fuzz/mutate';
import { checkRun, compareVerdicts, crashSignature, hasStackTrace, withoutProtoMembers, inertKeys, restoreKeys } from '../scripts/fuzz/oracle';
import { mutateRego } from '../scripts/fuzz/rego-mutate';
import { Rng } from '../scripts/fuzz/rng';
import { runCommand, type RunResult } from '../scripts/fuzz/run';
import { emitJson, emitYaml, fromJs, slots } from '../scripts/fuzz/tree';

const ROOT = join(__dirname, '..');
let corpus: Corpus;
beforeAll(() => {
  corpus = loadCorpus(ROOT);
});

const ok = (over: Partial<RunResult> = {}): RunResult => ({ code: 0, signal: null, stdout: '', stderr: '', timedOut: false, ms: 1, ...over });

function report(results: { file: string; name: string; kind: string; message: string }[]): string {
  return JSON.stringify({
    results: results.map((r) => ({ file: r.file, object: { kind: 'Pod', name: r.name }, constraint: { kind: r.kind, name: `c-${r.kind}` }, enforcementAction: 'deny', message: r.message })),
    errors: [],
  });
}

describe('cases are deterministic per seed', () => {
  // Cases can be megabytes (70,000 containers, 4 MB strings): generating them takes a while.
  const SLOW = 300_000;

  it('the same (seed, case) gives the same files and command; other seeds other inputs', () => {
    for (let id = 0; id < 12; id++) {
      const a = makeCase(corpus, 42, id);
      const b = makeCase(corpus, 42, id);
      expect(emitted(b.files)).toEqual(emitted(a.files));
      expect(b.args).toEqual(a.args);
      expect(b.notes).toEqual(a.notes);
      expect(b.base && emitted(b.base)).toEqual(a.base && emitted(a.base));
    }
    const differs = Array.from({ length: 12 }, (_, id) => JSON.stringify(emitted(makeCase(corpus, 42, id).files)) !== JSON.stringify(emitted(makeCase(corpus, 43, id).files)));
    expect(differs.filter(Boolean).length).toBeGreaterThan(9);
  }, SLOW);

  it('a case does not depend on the cases generated before it', () => {
    const alone = emitted(makeCase(corpus, 7, 12).files);
    for (let id = 0; id < 12; id++) makeCase(corpus, 7, id);
    expect(emitted(makeCase(corpus, 7, 12).files)).toEqual(alone);
  }, SLOW);

  it('every kind of input is generated, and the prototype-key cases carry their base', () => {
    const cases = Array.from({ length: 60 }, (_, id) => makeCase(corpus, 5, id));
    for (const k of KINDS) expect(cases.some((c) => c.kind === k)).toBe(true);
    const proto = cases.filter((c) => c.base);
    expect(proto.length).toBeGreaterThan(3);
    for (const c of proto) expect(c.verdict).not.toBe('none');
  }, SLOW);

  it('raw, text and Rego mutators give the same output for the same seed', () => {
    const text = emitYaml(fromJs(corpus.manifests[0]!.doc));
    for (let s = 0; s < 30; s++) {
      const run = () => {
        const notes: string[] = [];
        const rng = new Rng(s);
        const t = mutateText(rng, text, notes);
        const b = mutateBytes(rng, Buffer.from(t), notes);
        const r = mutateRego(rng, corpus.rego[0]!.source, 'v0', notes);
        return { b: b.toString('base64'), r, notes };
      };
      expect(run()).toEqual(run());
    }
  });
});

describe('mutators', () => {
  it('prototype keys land in mappings, written as YAML keys that js-yaml reads as own keys', () => {
    const m: Mutated = { root: fromJs({ a: { b: { c: 1 } }, d: [{ e: 1 }] }), notes: [] };
    for (let s = 0; addProtoKeys(new Rng(s), m) && !m.notes.some((n) => n.startsWith('prototype keys in all')); s++) m.notes.length = 0;
    const doc = yaml.load(emitYaml(m.root), { json: true }) as Record<string, unknown>;
    const own = (o: unknown) => Object.keys(o as object).filter((k) => ['__proto__', 'constructor', 'prototype'].includes(k));
    expect(own(doc).length).toBe(1);
    expect(own((doc.a as Record<string, unknown>).b).length).toBe(1);
  });

  it('deep nesting is written without recursion, as YAML and JSON that parse to that depth', () => {
    // Block mappings stop at 4,000 levels (each level indents every line below it), the others do not.
    for (let s = 0; s < 8; s++) {
      const n = nest(new Rng(s), fromJs('x'), 20_000);
      const text = s % 2 ? emitJson(n) : emitYaml(n);
      expect(text.length).toBeGreaterThan(2 * 2_000);
    }
    const shallow = nest(new Rng(1), fromJs('x'), 50);
    const depth = (v: unknown): number => (v && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depth)) : 0);
    expect(depth(yaml.load(emitYaml(shallow)))).toBeGreaterThanOrEqual(50);
  });

  it('an alias bomb is a few hundred bytes that js-yaml refuses or expands past a million nodes', () => {
    const m: Mutated = { root: fromJs({ spec: { x: 1 } }), notes: [] };
    // At the root or within: wherever it lands, it is in the document.
    treeMutations.aliasBomb!(new Rng(3), m);
    const text = emitYaml(m.root);
    expect(text.length).toBeLessThan(2_000);
    expect(text).toMatch(/&l0 /);
    expect(text).toMatch(/\*l0/);
  });

  it('many containers are distinct containers', () => {
    const m: Mutated = { root: fromJs({ spec: { containers: [{ name: 'a', image: 'x' }] } }), notes: [] };
    treeMutations.manyItems!(new Rng(2), m);
    const doc = yaml.load(emitYaml(m.root)) as { spec: { containers: { name: string }[] } };
    expect(doc.spec.containers.length).toBeGreaterThanOrEqual(1_000);
    expect(new Set(doc.spec.containers.map((c) => c.name)).size).toBe(doc.spec.containers.length);
  });

  it('the emitted YAML of every manifest seed reads back as the seed', () => {
    for (const s of corpus.manifests.slice(0, 200)) {
      expect(yaml.load(emitYaml(fromJs(s.doc)))).toEqual(JSON.parse(JSON.stringify(s.doc)));
      expect(JSON.parse(emitJson(fromJs(s.doc)))).toEqual(JSON.parse(JSON.stringify(s.doc)));
    }
    expect(slots(fromJs({ a: [1, 2] })).length).toBe(4);
  });
});

describe('the oracle', () => {
  const lint = { exits: [0, 1, 2], verdict: 'lint-json' as const };

  it('flags a planted stack trace, and names it by its error and first frame', () => {
    const stderr = 'RangeError: Maximum call stack size exceeded\n    at readNode (/x/dist/offgate.cjs:10:5)\n    at readNode (/x/dist/offgate.cjs:10:5)\n';
    expect(hasStackTrace(stderr)).toBe(true);
    const f = checkRun(ok({ code: 1, stderr, stdout: report([]) }), lint);
    expect(f?.cls).toBe('crash');
    expect(f?.signature).toBe('RangeError: Maximum call stack size exceeded @ readNode');
    expect(checkRun(ok({ code: 134, stderr: '\n<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n' }), lint)?.signature).toBe(
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    );
    expect(hasStackTrace('node:internal/process/esm_loader:40')).toBe(true);
    expect(hasStackTrace('Uncaught Error: boom')).toBe(true);
  });

  it('flags the stack trace of a real crashing process, and not a one-line error', async () => {
    const crash = await runCommand(process.execPath, ['-e', 'function f(){ f(); } f();'], { cwd: ROOT, timeoutMs: 60_000 });
    expect(checkRun(crash, { exits: [0, 1, 2], verdict: 'none' })?.cls).toBe('crash');
    expect(crashSignature(crash.stderr)).toMatch(/^RangeError: Maximum call stack size exceeded @ f$/);
    const clean = await runCommand(process.execPath, ['-e', 'console.error("offgate: x.yaml:3:1: nesting deeper than 1000 levels"); process.exit(2)'], { cwd: ROOT, timeoutMs: 60_000 });
    expect(checkRun(clean, { exits: [0, 1, 2], verdict: 'none' })).toBeUndefined();
  });

  it('flags a planted hang: the process is killed at the limit', async () => {
    const r = await runCommand(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { cwd: ROOT, timeoutMs: 200 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expect(checkRun(r, lint)?.cls).toBe('hang');
  });

  it("flags JavaScript's own errors printed as one line, and a stop that names no file", () => {
    const e = { exits: [0, 1, 2], verdict: 'lint-json' as const, primary: 'input.yaml' };
    const f = checkRun(ok({ code: 2, stderr: 'offgate: Maximum call stack size exceeded\n' }), e);
    expect(f?.cls).toBe('crash');
    expect(f?.signature).toBe('one-line crash: Maximum call stack size exceeded');
    expect(checkRun(ok({ code: 2, stderr: 'offgate: too deep\n' }), e)?.signature).toBe('error does not name the file: offgate: too deep');
    expect(checkRun(ok({ code: 2, stderr: 'offgate: input.yaml:3:1: nesting deeper than 1,000 levels\n' }), e)).toBeUndefined();
    // Exit 2 with a report (input errors listed in it) is no stop.
    expect(checkRun(ok({ code: 2, stdout: '{"runs": []}' }), { ...e, verdict: 'none' })).toBeUndefined();
    // Linted beside the sentinel, a manifest that stops the whole run loses the sentinel's findings.
    const lost = checkRun(ok({ code: 2, stderr: 'offgate: input.yaml:3:1: too deep\n' }), { ...e, mustHave: ['x'], stopLosesSentinel: true });
    expect(lost?.cls).toBe('lost-findings');
  });

  it('flags exit codes outside those the command uses, and signals', () => {
    expect(checkRun(ok({ code: 3 }), lint)?.signature).toBe('exit 3');
    expect(checkRun(ok({ code: null, signal: 'SIGSEGV' }), lint)?.signature).toBe('signal SIGSEGV');
    expect(checkRun(ok({ code: 1 }), { exits: [0, 2], verdict: 'none' })?.cls).toBe('exit');
    expect(checkRun(ok({ code: 2, stderr: 'offgate: bad config' }), lint)).toBeUndefined();
  });

  it('flags a workflow command smuggled into text output by a name', () => {
    const text = { exits: [0, 1, 2], verdict: 'none' as const, textOutput: true };
    expect(checkRun(ok({ code: 1, stdout: 'pod.yaml\n  3:1  deny  Pod/a\n::error::forged: privileged\n' }), text)?.cls).toBe('bad-output');
    expect(checkRun(ok({ code: 1, stdout: 'pod.yaml\n  3:1  deny  Pod/a\\n::error::forged\n' }), text)).toBeUndefined();
  });

  it('flags a report that does not parse, or is missing from a run that linted', () => {
    expect(checkRun(ok({ code: 1, stdout: '{"results": [' }), lint)?.cls).toBe('bad-output');
    expect(checkRun(ok({ code: 1, stdout: '{"results": [', stdoutTruncated: true }), lint)).toBeUndefined();
    expect(checkRun(ok({ code: 0, stdout: '' }), lint)?.cls).toBe('bad-output');
  });

  it("flags a run that lost the sentinel's findings", () => {
    const sentinel = [{ file: 'sentinel.yaml', name: 's', kind: 'K8sPSPPrivilegedContainer', message: 'privileged' }];
    const keys = JSON.parse(`[${JSON.stringify(JSON.stringify(['sentinel.yaml', { kind: 'Pod', name: 's' }, 'K8sPSPPrivilegedContainer', 'c-K8sPSPPrivilegedContainer', 'deny', 'privileged']))}]`) as string[];
    const e = { ...lint, mustHave: keys };
    expect(checkRun(ok({ code: 1, stdout: report(sentinel) }), e)).toBeUndefined();
    expect(checkRun(ok({ code: 0, stdout: report([]) }), e)?.signature).toBe('all sentinel findings lost, exit 0');
    expect(checkRun(ok({ code: 2, stdout: report([]) }), e)?.cls).toBe('lost-findings');
  });

  it('flags a planted verdict change, and not the keys quoted back in a message', () => {
    const denied = report([{ file: 'input.yaml', name: 'p', kind: 'K8sPSPHostNamespace', message: 'sharing the host namespaces is not allowed: p' }]);
    const base = ok({ code: 1, stdout: denied });
    expect(compareVerdicts(base, ok({ code: 1, stdout: denied }), 'lint-json')).toBeUndefined();
    const bypass = compareVerdicts(base, ok({ code: 0, stdout: report([]) }), 'lint-json');
    expect(bypass?.cls).toBe('verdict');
    expect(bypass?.signature).toBe('lint-json verdict changed by prototype keys: exit 1→0, findings lost');
    // The same finding, its message quoting the object with the keys in it.
    const quoted = (extra: string) => report([{ file: 'input.yaml', name: 'p', kind: 'K8sPSPHostFilesystem', message: `volume {"hostPath": {${extra}"path": "/a"}, "name": "h1"} is not allowed` }]);
    expect(compareVerdicts(ok({ code: 1, stdout: quoted('') }), ok({ code: 1, stdout: quoted('"__proto__": {"a": [1, "}"]}, ') }), 'lint-json')).toBeUndefined();
    // A finding about the key itself, read as data, only adds.
    const named = report([{ file: 'input.yaml', name: 'p', kind: 'K8sPSPVolumeTypes', message: 'volume type __proto__ is not allowed' }]);
    expect(compareVerdicts(ok({ code: 0, stdout: report([]) }), ok({ code: 1, stdout: named }), 'lint-json')).toBeUndefined();
    // Refused, with an error naming the key: fails closed, not a bypass. An unrelated error is a change.
    expect(compareVerdicts(base, ok({ code: 2, stderr: 'offgate: offgate.yaml:1:1: unknown key "__proto__" (expected: environments)\n' }), 'lint-json')).toBeUndefined();
    expect(compareVerdicts(base, ok({ code: 2, stderr: 'offgate: offgate.yaml:1:1: bad indentation\n' }), 'lint-json')?.cls).toBe('verdict');
    // verify: case results compared without their times.
    const v = (s: string) => ok({ code: s.includes('FAIL') ? 1 : 0, stdout: s });
    expect(compareVerdicts(v('ok\tsuite.yaml\t0.010s\nPASS\n'), v('ok\tsuite.yaml\t0.300s\nPASS\n'), 'verify')).toBeUndefined();
    expect(compareVerdicts(v('--- FAIL: t\t(0.001s)\nFAIL\tsuite.yaml\t0.010s\nFAIL\n'), v('ok\tsuite.yaml\t0.010s\nPASS\n'), 'verify')?.cls).toBe('verdict');
  });

  it('takes prototype members out of quoted objects only', () => {
    expect(withoutProtoMembers('{"a": 1, "__proto__": {"b": [2]}, "c": "constructor"}')).toBe('{"a": 1, "c": "constructor"}');
    expect(withoutProtoMembers('{"prototype": "x", "a": 1}')).toBe('{"a": 1}');
    expect(withoutProtoMembers('volume type __proto__')).toBe('volume type __proto__');
  });
});

describe('minimizing', () => {
  it('shrinks a failing input to the lines the failure needs, never trying the input itself', async () => {
    const input = Buffer.from(Array.from({ length: 40 }, (_, i) => (i === 17 ? 'key: &a [*a]\n' : i === 30 ? 'b: \xff\n' : `line${i}: x\n`)).join(''), 'latin1');
    const tried: string[] = [];
    const fails = async (b: Buffer) => {
      tried.push(b.toString('latin1'));
      return b.includes('&a [*a]') && b.includes(Buffer.from([0xff]));
    };
    const { data } = await minimizeLines(splitLines(input), fails, 200);
    expect(data.toString('latin1')).toBe('key: &a [*a]\nb: \xff\n');
    expect(tried).not.toContain(input.toString('latin1'));
    const { tries } = await minimizeLines(splitLines(input), fails, 5);
    expect(tries).toBe(5);
  });
});

describe('in-process', () => {
  it("offgate's own errors are not crashes; anything else thrown is", () => {
    expect(isOwnError(new RegoError('rego_parse_error', 'unexpected }'))).toBe(true);
    expect(isOwnError(new UsageError('x'))).toBe(true);
    expect(isOwnError(new VerifyError('x'))).toBe(true);
    expect(isOwnError(new RangeError('Maximum call stack size exceeded'))).toBe(false);
  });

  it('runs a case through the entry points: a Rego syntax error is fine, a throwing reader is a crash', () => {
    const c = makeCase(corpus, 1, 0, { kinds: ['rego'] });
    c.files.set(c.primary, 'package x\n\nviolation[{"msg": m}] { m := }\n');
    expect(tryCase(c, ROOT)).toBeUndefined();
    const m = makeCase(corpus, 1, 0, { kinds: ['manifest'] });
    // A file the readers cannot even be handed: a getter that throws stands for a reader bug.
    m.files = new Map([[m.primary, { toString: () => { throw new TypeError('planted'); } } as unknown as Buffer]]);
    expect(tryCase(m, ROOT)?.signature).toMatch(/^TypeError: planted/);
  });
});

describe('the prototype-key control', () => {
  it('renames the keys to inert ones of the same length and reads them back in what offgate said', () => {
    const files = new Map<string, string | Buffer>([['a.yaml', 'metadata:\n  __proto__: {}\n  labels: {constructor: x, "prototype": y, constructors: z}\n'], ['b.bin', Buffer.from('__proto__')]]);
    const inert = inertKeys(files);
    expect(inert.get('a.yaml')).toBe('metadata:\n  __inert__: {}\n  labels: {constructoz: x, "prototypz": y, constructors: z}\n');
    expect(inert.get('a.yaml')!.length).toBe((files.get('a.yaml') as string).length);
    expect(inert.get('b.bin')).toBe(files.get('b.bin'));
    const said = restoreKeys({ code: 1, signal: null, stdout: 'label __inert__ and constructoz', stderr: 'prototypz', timedOut: false, ms: 1 });
    expect([said.stdout, said.stderr]).toEqual(['label __proto__ and constructor', 'prototype']);
  });
});
