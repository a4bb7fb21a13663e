// Running a renderer (kustomize, kubectl kustomize, helm template): found on PATH, run
// without a shell, its output read up to the file size limit, killed past its deadline. A
// failure comes back as one line: the renderer's own words (its standard error), not ours.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The executable `name` on `path` (a PATH value), or undefined. */
export function onPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface Renderer {
  /** What the user would type, for messages: `kustomize build`, `kubectl kustomize`, `helm template`. */
  name: string;
  command: string;
  /** Arguments before the folder. */
  args: string[];
}

/** kustomize, else kubectl's built-in kustomize, as found on `path`. */
export function kustomizeRenderer(path: string | undefined): Renderer | undefined {
  const kustomize = onPath('kustomize', path);
  if (kustomize) return { name: 'kustomize build', command: kustomize, args: ['build'] };
  const kubectl = onPath('kubectl', path);
  if (kubectl) return { name: 'kubectl kustomize', command: kubectl, args: ['kustomize'] };
  return undefined;
}

export function helmRenderer(path: string | undefined): Renderer | undefined {
  const helm = onPath('helm', path);
  return helm ? { name: 'helm template', command: helm, args: ['template'] } : undefined;
}

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  maxOutputBytes: number;
  env: NodeJS.ProcessEnv;
}

/** The renderer's standard output, or why there is none (one line). */
export async function runRenderer(r: Renderer, args: string[], opts: RunOptions): Promise<{ text: string } | { error: string }> {
  // Loaded here, not on start-up: node:child_process (and node:net under it) costs a few
  // milliseconds of every run, and most runs render nothing.
  const { execFile } = await import('node:child_process');
  return new Promise((done) => {
    execFile(
      r.command,
      [...r.args, ...args],
      { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs, killSignal: 'SIGKILL', maxBuffer: opts.maxOutputBytes, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return done({ text: stdout });
        const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: unknown; signal?: string };
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return done({ error: `${r.name}: output larger than ${opts.maxOutputBytes} bytes, the limit (--max-file-size)` });
        if (e.killed || e.signal === 'SIGKILL') return done({ error: `${r.name}: no result after ${opts.timeoutMs / 1000} s: stopped` });
        const said = oneLine(stderr);
        done({ error: `${r.name} failed${typeof e.code === 'number' ? ` (exit ${e.code})` : ''}: ${said || e.message}` });
      },
    );
  });
}

/** Standard error on one line, bounded: enough to read why, not a wall of text. */
function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
