// Stub renderers (kustomize, kubectl, helm) for tests of src/render: shell scripts put alone
// on PATH that record their arguments and print what the test prepared. The caller restores
// process.env.PATH (and deletes STUB_OUTPUTS) after each test.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A folder of stub renderers, the only thing on PATH. Each records its arguments in
 * `calls` and prints `outputs/<name of the folder it was given>.yaml`.
 */
export function stubs(scripts: Record<string, string>, outputs: Record<string, string> = {}): { dir: string; calls: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-render-'));
  const log = join(dir, 'calls');
  for (const [name, body] of Object.entries(scripts)) {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "${log}"\n${body}\n`);
    chmodSync(file, 0o755);
  }
  for (const [name, text] of Object.entries(outputs)) writeFileSync(join(dir, `${name}.yaml`), text);
  process.env.PATH = dir;
  process.env.STUB_OUTPUTS = dir;
  return { dir, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

/** Prints the prepared build of the folder named last among its arguments. */
export const PRINT_BUILD = 'for a; do last="$a"; done; exec /bin/cat "$STUB_OUTPUTS/${last##*/}.yaml"';
