// Rendering inputs before they are linted: kustomizations are built and Helm charts
// templated, and what they render is linted in place of the files they are made of. The
// lint calls `applyRendering` once, right after reading its inputs (see lint.ts); this folder
// decides what is rendered (detect.ts), runs the renderers (run.ts) and places the rendered
// objects' fields in the files a user can edit (positions.ts).
import { append } from '../arrays';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseManifestText, readInputFile, type ManifestObject, type ReadError, type ReadResult } from '../manifests';
import { detect, patchesOf, sourcesOf, type Chart, type Kustomization } from './detect';
import { sourceLocator } from './positions';
import { helmRenderer, kustomizeRenderer, runRenderer, type RunOptions } from './run';

export type KustomizeMode = 'auto' | 'always' | 'never';
export const KUSTOMIZE_MODES: readonly KustomizeMode[] = ['auto', 'always', 'never'];

/** How long a renderer may run before it is stopped (a build fetching a remote base can hang). */
export const DEFAULT_RENDER_TIMEOUT_MS = 120_000;

export interface RenderOptions {
  cwd: string;
  /** `--kustomize`: auto (build when kustomize or kubectl is on PATH), always (an error without), never (lint the files as written). */
  kustomize?: KustomizeMode;
  /** `--helm-values FILE`, in order. */
  helmValues?: string[];
  timeoutMs?: number;
  /** Largest renderer output read, and largest source file read for positions. */
  maxFileSize: number;
  /** Environment of the renderers, and the PATH they are found on. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/** An object a renderer produced: where it came from, for the report. */
export interface RenderedObject extends ManifestObject {
  rendered: { by: string; from: string };
}

export function isRendered(m: ManifestObject): m is RenderedObject {
  return 'rendered' in m;
}

/**
 * Renders the kustomizations and charts among the inputs, and replaces their files in `read`
 * with what they render (objects, errors and warnings added; their source files' objects and
 * errors removed). Standard input is never rendered.
 */
export async function applyRendering(read: ReadResult, inputs: string[], opts: RenderOptions): Promise<void> {
  const { cwd } = opts;
  const readAbs = read.files.filter((f) => f !== '-').map((f) => resolve(cwd, f));
  const found = detect(inputs, readAbs, cwd);
  if (found.kustomizations.length === 0 && found.charts.length === 0) return;
  const env = opts.env ?? process.env;
  const run: RunOptions = { cwd, timeoutMs: opts.timeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS, maxOutputBytes: opts.maxFileSize, env };
  const shown = (abs: string) => display(abs, cwd);

  const consumed = new Set<string>();
  const chartDirs: string[] = [];
  const objects: ManifestObject[] = [];
  const errors: ReadError[] = [];
  const warnings: ReadError[] = [];
  const units: string[] = [];

  const mode = opts.kustomize ?? 'auto';
  const kustomize = mode === 'never' ? undefined : kustomizeRenderer(env.PATH);
  for (const k of found.kustomizations) {
    if (!kustomize) {
      // Its resources are linted as written; its patches are no objects of their own.
      for (const f of patchesOf(k, opts.maxFileSize)) consumed.add(f);
      if (mode === 'never') continue;
      if (mode === 'always') errors.push({ file: shown(k.dir), message: 'not built: kustomize or kubectl not found (--kustomize always)' });
      else warnings.push({ file: shown(k.dir), message: 'not built: kustomize or kubectl not found; its resources were linted as written' });
      continue;
    }
    const sources = sourcesOf(k, opts.maxFileSize);
    for (const f of sources) consumed.add(f);
    units.push(shown(k.dir));
    const out = await runRenderer(kustomize, [k.dir], run);
    if ('error' in out) {
      errors.push({ file: shown(k.dir), message: out.error });
      continue;
    }
    const built = fromKustomize(out.text, k, sources, kustomize.name, opts.maxFileSize, shown);
    append(objects, built.objects);
    append(errors, built.errors);
  }

  const helm = helmRenderer(env.PATH);
  for (const chart of found.charts) {
    chartDirs.push(chart.dir);
    if (!helm) {
      warnings.push({ file: shown(chart.dir), message: 'not rendered: helm not found; the chart was skipped' });
      continue;
    }
    units.push(shown(chart.dir));
    const values = (opts.helmValues ?? []).flatMap((v) => ['--values', resolve(cwd, v)]);
    const out = await runRenderer(helm, [chart.dir, ...values], run);
    if ('error' in out) {
      errors.push({ file: shown(chart.dir), message: out.error });
      continue;
    }
    const got = fromHelm(out.text, chart, helm.name, shown);
    append(objects, got.objects);
    append(errors, got.errors);
  }

  // The files a build or a chart is made of are linted through it, not as written.
  const isConsumed = (file: string) => {
    if (file === '-') return false;
    const abs = resolve(cwd, file);
    return consumed.has(abs) || chartDirs.some((d) => abs.startsWith(d + sep));
  };
  read.objects = read.objects.filter((m) => !isConsumed(m.origin.file));
  read.errors = read.errors.filter((e) => !isConsumed(e.file));
  // A kustomization file that was built is accounted for by its build, not as a skipped file.
  read.skipped = read.skipped.filter((f) => !isConsumed(f.file));
  read.files = read.files.filter((f) => !isConsumed(f));
  append(read.files, units);
  append(read.objects, objects);
  append(read.errors, errors);
  append(read.warnings, warnings);
}

/** A kustomization's build, each object's fields placed in its sources where they come from one. */
function fromKustomize(text: string, k: Kustomization, sources: Set<string>, by: string, maxFileSize: number, shown: (abs: string) => string) {
  const kfile = shown(k.file);
  const parsed = parseManifestText(text, `${shown(k.dir)} (${by})`);
  const docs: ManifestObject[] = [];
  for (const file of sources) {
    if (file === k.file) continue;
    const got = readInputFile(file, maxFileSize);
    if (!('error' in got)) append(docs, parseManifestText(got.text, shown(file)).objects);
  }
  const place = sourceLocator(docs, { file: kfile, line: 1, column: 1 });
  const from = shown(k.dir);
  const objects = parsed.objects.map((m): RenderedObject => {
    const origin = { ...place(m.object, ['metadata', 'name']) };
    return { object: m.object, origin, locate: (path) => place(m.object, path), rendered: { by, from } };
  });
  return { objects, errors: parsed.errors.map((e) => ({ ...e, file: kfile, line: undefined, column: undefined, message: `${by} output: ${e.message}` })) };
}

/** A chart's templates rendered: each object placed at the template it came from (helm's `# Source:` lines). */
function fromHelm(text: string, chart: Chart, by: string, shown: (abs: string) => string) {
  const from = shown(chart.dir);
  const parsed = parseManifestText(text, `${from} (${by})`);
  const sourceLines = [...text.matchAll(/^# Source: (.+)$/gm)].map((m) => ({ line: lineOf(text, m.index ?? 0), template: m[1].trim() }));
  const objects = parsed.objects.map((m): RenderedObject => {
    const source = sourceLines.filter((s) => s.line < m.origin.line).pop();
    // `mychart/templates/deploy.yaml`: the chart's name, then the path inside its folder.
    const inChart = source ? source.template.split('/').slice(1).join('/') : '';
    const origin = { file: inChart ? shown(resolve(chart.dir, inChart)) : shown(resolve(chart.dir, 'Chart.yaml')), line: 1, column: 1 };
    return { object: m.object, origin, locate: () => ({ ...origin }), rendered: { by, from } };
  });
  return { objects, errors: parsed.errors.map((e) => ({ ...e, file: from, line: undefined, column: undefined, message: `${by} output: ${e.message}` })) };
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** A path as the user would name it: relative to the working directory when inside it. */
function display(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}
