// Which inputs are rendered, not read as written: kustomizations (a folder holding
// kustomization.yaml, kustomization.yml or Kustomization) and Helm charts (a folder holding
// Chart.yaml). A folder is one when a walked folder is it, or when a file read is in it (a
// pre-commit run names the changed files, not their folders). What each one consumes (files
// that are its sources, not manifests of their own) is worked out here too, so the lint can
// leave them out of the raw inputs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { readInputFile, parseYamlValues } from '../manifests';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface Kustomization {
  /** Absolute folder. */
  dir: string;
  /** Absolute path of its kustomization file. */
  file: string;
}

export interface Chart {
  /** Absolute folder holding Chart.yaml. */
  dir: string;
}

export interface Detected {
  kustomizations: Kustomization[];
  charts: Chart[];
}

/**
 * The kustomizations and charts among `inputs` (files, folders; `-` and globs are left to the
 * reader) and `filesRead` (absolute paths of what the reader read, globs included).
 * Folders are walked as the reader walks them: names starting with a dot and node_modules skipped.
 */
export function detect(inputs: string[], filesRead: string[], cwd: string): Detected {
  const kustomizations = new Map<string, Kustomization>();
  const charts = new Map<string, Chart>();
  const considered = new Set<string>();
  const chartOf = new Map<string, string | undefined>();
  const consider = (dir: string) => {
    // Thousands of files share a few folders: each folder is looked at once.
    if (considered.has(dir)) return;
    considered.add(dir);
    const chart = chartAbove(dir, chartOf);
    if (chart) {
      charts.set(chart, { dir: chart });
      return;
    }
    const file = kustomizationFile(dir);
    if (file) kustomizations.set(dir, { dir, file });
  };
  const walk = (dir: string) => {
    consider(dir);
    if (existsSync(join(dir, 'Chart.yaml'))) return; // a chart's subcharts are the chart's
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // the reader reports it
    }
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') walk(join(dir, e.name));
  };
  for (const input of inputs) {
    if (input === '-') continue; // never rendered: standard input is already what it is
    const abs = resolve(cwd, input);
    if (isDirectory(abs)) walk(abs);
  }
  for (const file of filesRead) consider(dirname(file));
  const byPath = (a: { dir: string }, b: { dir: string }) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0);
  return { kustomizations: [...kustomizations.values()].sort(byPath), charts: [...charts.values()].sort(byPath) };
}

/** The kustomization file of `dir`, if it has one. */
export function kustomizationFile(dir: string): string | undefined {
  for (const name of KUSTOMIZATION_FILES) {
    const file = join(dir, name);
    if (isFile(file)) return file;
  }
  return undefined;
}

/** The chart `dir` belongs to: the nearest folder at or above it holding Chart.yaml, not above a repository's root. */
function chartAbove(dir: string, memo: Map<string, string | undefined>): string | undefined {
  if (memo.has(dir)) return memo.get(dir);
  let chart: string | undefined;
  if (isFile(join(dir, 'Chart.yaml'))) chart = dir;
  else if (!existsSync(join(dir, '.git')) && dirname(dir) !== dir) chart = chartAbove(dirname(dir), memo);
  memo.set(dir, chart);
  return chart;
}

/** Fields of a kustomization naming files or folders it reads. */
const PATH_LISTS = ['resources', 'bases', 'components', 'crds', 'patchesStrategicMerge', 'transformers', 'generators', 'validators'];
const PATH_OBJECT_LISTS = ['patches', 'patchesJson6902'];

/**
 * Every file a kustomization reads (absolute): the manifests in its own folder, and the files
 * and kustomizations it names, followed through bases to the end. These are its sources: they
 * are linted through its build, not as written. Remote resources (URLs) are not followed.
 */
export function sourcesOf(k: Kustomization, maxFileSize: number): Set<string> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (dir: string, file: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    files.add(file);
    for (const entry of safeReaddir(dir)) if (/\.(ya?ml|json)$/i.test(entry) && isFile(join(dir, entry))) files.add(join(dir, entry));
    for (const ref of referencesOf(file, maxFileSize)) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || ref.startsWith('github.com/')) continue;
      const abs = resolve(dir, ref);
      if (isDirectory(abs)) {
        const inner = kustomizationFile(abs);
        if (inner) visit(abs, inner);
      } else if (isFile(abs)) {
        files.add(abs);
      }
    }
  };
  visit(k.dir, k.file);
  return files;
}

/**
 * The patch files a kustomization names (absolute): not resources, so not linted as written
 * when it is not built (a JSON patch is a list, a strategic-merge patch a fragment of an object).
 */
export function patchesOf(k: Kustomization, maxFileSize: number): Set<string> {
  const patches = new Set<string>();
  for (const ref of referencesOf(k.file, maxFileSize, PATCH_KEYS)) {
    const abs = resolve(k.dir, ref);
    if (isFile(abs)) patches.add(abs);
  }
  return patches;
}

const PATCH_KEYS = new Set(['patchesStrategicMerge', 'patches', 'patchesJson6902']);

/** The paths a kustomization file names (resources, bases, patches…, or only the fields in `only`); none when it cannot be read. */
function referencesOf(file: string, maxFileSize: number, only?: Set<string>): string[] {
  const got = readInputFile(file, maxFileSize);
  if ('error' in got) return [];
  const { values } = parseYamlValues(got.text, basename(file));
  const doc = values[0];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [];
  const refs: string[] = [];
  const record = doc as Record<string, unknown>;
  for (const key of PATH_LISTS) {
    if (only && !only.has(key)) continue;
    const list = record[key];
    if (Array.isArray(list)) for (const item of list) if (typeof item === 'string') refs.push(item);
  }
  for (const key of PATH_OBJECT_LISTS) {
    if (only && !only.has(key)) continue;
    const list = record[key];
    if (Array.isArray(list)) for (const item of list) if (item && typeof (item as { path?: unknown }).path === 'string') refs.push((item as { path: string }).path);
  }
  return refs;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

// Most folders hold no Chart.yaml nor kustomization: a missing file must cost no exception.
function isDirectory(path: string): boolean {
  return statOf(path)?.isDirectory() ?? false;
}

function isFile(path: string): boolean {
  return statOf(path)?.isFile() ?? false;
}

function statOf(path: string) {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR, EACCES…: nothing to render there
  }
}
