// A failure saved where a person can rerun it: the input files, the exact command
// (command.sh), and what happened (result.txt). A prototype-key case keeps both inputs.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Files } from './cases';
import type { Failure } from './oracle';
import type { RunResult } from './run';

export function writeFiles(dir: string, files: Files): void {
  for (const [name, content] of files) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

/** `'a b'` for the shell. */
export function shellQuote(s: string): string {
  return /^[\w./=:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface Reproducer {
  dir: string;
  failure: Failure;
  files: Files;
  /** The command, as run in `files`' folder. */
  command: string[];
  result: RunResult;
  notes: string[];
  /** For a prototype-key case: the input without the keys and its result. */
  base?: { files: Files; result: RunResult };
  seed: number;
  caseId: number;
  stream: string;
}

export function saveReproducer(r: Reproducer): void {
  mkdirSync(r.dir, { recursive: true });
  const script = (sub: string) =>
    ['#!/bin/sh', `# ${r.failure.cls}: ${r.failure.signature}`, `cd "$(dirname "$0")/${sub}" || exit 2`, r.command.map(shellQuote).join(' '), ''].join('\n');
  writeFiles(join(r.dir, 'files'), r.files);
  writeFileSync(join(r.dir, 'command.sh'), script('files'));
  chmodSync(join(r.dir, 'command.sh'), 0o755);
  if (r.base) {
    writeFiles(join(r.dir, 'base'), r.base.files);
    writeFileSync(join(r.dir, 'command-base.sh'), script('base'));
    chmodSync(join(r.dir, 'command-base.sh'), 0o755);
  }
  const describe = (x: RunResult) => [`exit ${x.code} signal ${x.signal} timed out ${x.timedOut} after ${x.ms} ms`, `--- stderr (head)`, x.stderr.slice(0, 4000), `--- stdout (head)`, x.stdout.slice(0, 2000)];
  const lines = [
    `class: ${r.failure.cls}`,
    `signature: ${r.failure.signature}`,
    `case: ${r.stream} #${r.caseId} of seed ${r.seed} (npm run fuzz -- --seed ${r.seed} --replay ${r.stream}:${r.caseId})`,
    `mutations: ${r.notes.join('; ')}`,
    '',
    r.failure.detail,
    '',
    ...describe(r.result),
    ...(r.base ? ['', '=== the same input without prototype keys (base/):', ...describe(r.base.result)] : []),
  ];
  writeFileSync(join(r.dir, 'result.txt'), `${lines.join('\n')}\n`);
}
