// In-process fuzzing: the readers, the configuration, suites and the compiler called
// through their TypeScript entry points, much faster than a process per case. Run by
// scripts/fuzz.ts as a child (`node --import tsx`), so that a hang or a heap exhaustion
// ends this process, not the fuzzer: it prints `gen N` before making case N, `start N KIND`
// before running it and `ok N` or `fail N {json}` after it. `--file F --as KIND` runs one file (a reproducer).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RegoError, RegoErrors } from '../../src/compiler/errors';
import { compile } from '../../src/compiler/compile';
import { UsageError } from '../../src/cli/errors';
import { parseConfig } from '../../src/config/load';
import { resolveEnvironment } from '../../src/config/resolve';
import { parseFilter, readSuites, runSuite, VerifyError } from '../../src/gatekeeper/suite';
import { parseManifestText } from '../../src/manifests';
import { makeCase, KINDS, type FuzzCase, type Kind } from './cases';
import { loadCorpus } from './corpus';
import { crashSignature } from './oracle';
import { writeFiles } from './reproducer';

/** offgate's own error values: thrown by design, reported as one line by the CLI. */
export function isOwnError(e: unknown): boolean {
  return e instanceof RegoError || e instanceof RegoErrors || e instanceof UsageError || e instanceof VerifyError;
}

const ROOT = resolve(import.meta.dirname, '../..');

/** Runs one case through the entry points its kind reaches; throws what they throw. */
export function runInProcess(c: FuzzCase, scratch: string): void {
  const text = (name: string) => {
    const v = c.files.get(name)!;
    return typeof v === 'string' ? v : v.toString('utf8');
  };
  switch (c.kind) {
    case 'manifest': {
      const { objects } = parseManifestText(text(c.primary), c.primary);
      for (const m of objects) for (const p of ['metadata.name', 'spec.containers[0].securityContext.privileged', 'spec.template.spec.containers[1].image']) m.locate(p);
      return;
    }
    case 'config': {
      const r = parseConfig(text(c.primary), c.primary);
      if ('error' in r) return;
      for (const env of [undefined, ...Object.keys(r.config.environments ?? {})]) resolveEnvironment(r.config, env);
      return;
    }
    case 'suite': {
      const dir = mkdtempSync(join(scratch, 'suite-'));
      try {
        writeFiles(dir, c.files);
        for (const suite of readSuites(join(dir, c.args[1]!))) runSuite(suite, parseFilter(undefined));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return;
    }
    case 'rego':
      compileCase(c, text);
      return;
  }
}

function compileCase(c: FuzzCase, text: (name: string) => string): void {
  if (c.primary.endsWith('.rego')) {
    const modules = c.args.filter((a) => a.endsWith('.rego')).map((file) => ({ file, source: text(file) }));
    const e = c.args[c.args.indexOf('-e') + 1]!;
    const v = c.args[c.args.indexOf('--rego-version') + 1] as 'v0' | 'v1';
    compile({ modules, entrypoints: [e], regoVersion: v });
    return;
  }
  // A template: what `offgate compile` reads from it (the YAML reader is the manifests').
  const { objects } = parseManifestText(text(c.primary), c.primary);
  for (const { object } of objects) {
    const targets = (object.spec as { targets?: unknown } | undefined)?.targets;
    if (!Array.isArray(targets)) continue;
    for (const t of targets) {
      const rego = (t as { rego?: unknown }).rego;
      const libs = (t as { libs?: unknown }).libs;
      if (typeof rego !== 'string') continue;
      const pkg = /^package\s+([\w.]+)/m.exec(rego)?.[1] ?? 'x';
      const modules = [{ file: 'rego', source: rego }, ...(Array.isArray(libs) ? libs.filter((l): l is string => typeof l === 'string').map((source, i) => ({ file: `lib${i}`, source })) : [])];
      compile({ modules, entrypoints: [`${pkg.replace(/\./g, '/')}/violation`], regoVersion: 'v0' });
    }
  }
}

export interface InProcessFailure {
  signature: string;
  detail: string;
}

/** Runs a case; an exception that is not one of offgate's own is a failure. */
export function tryCase(c: FuzzCase, scratch: string): InProcessFailure | undefined {
  try {
    runInProcess(c, scratch);
    return undefined;
  } catch (e) {
    if (isOwnError(e)) return undefined;
    const stack = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : `thrown: ${String(e)}`;
    return { signature: crashSignature(stack), detail: stack.slice(0, 3000) };
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'offgate-fuzz-inproc-'));
  try {
    const file = arg('--file');
    if (file) {
      // Reproducer mode: one file as the given kind.
      const as = (arg('--as') ?? 'manifest') as Kind;
      const args = as === 'suite' ? ['verify', file] : as === 'rego' && file.endsWith('.rego') ? ['compile', file, '-e', arg('-e') ?? 'x/violation', '--rego-version', arg('--rego-version') ?? 'v0'] : [];
      const c: FuzzCase = { id: 0, kind: as, notes: [], files: new Map([[file, readFileSync(file)]]), primary: file, args, exits: [], verdict: 'none', sentinel: false };
      if (as === 'suite') {
        for (const suite of readSuites(file)) runSuite(suite, parseFilter(undefined));
      } else {
        runInProcess(c, scratch);
      }
      console.log('no crash');
      return;
    }
    const seed = Number(arg('--seed'));
    const from = Number(arg('--from') ?? 0);
    const until = Number(arg('--until'));
    const count = Number(arg('--count') ?? Infinity);
    const kinds = (arg('--kinds')?.split(',') as Kind[] | undefined) ?? [...KINDS];
    const corpus = loadCorpus(ROOT);
    for (let id = from; Date.now() < until && id < from + count; id++) {
      process.stdout.write(`gen ${id}\n`);
      const c = makeCase(corpus, seed, id, { kinds }, 'in-process');
      process.stdout.write(`start ${id} ${c.kind}\n`);
      const f = tryCase(c, scratch);
      process.stdout.write(f ? `fail ${id} ${JSON.stringify(f)}\n` : `ok ${id}\n`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  void main();
}
