// `offgate diff`'s two formats. Text: the added findings as `offgate lint` shows them
// (`path:line:col: action Object: message [Constraint/name]`, with the fix), the removed ones, a count of the unchanged, and
// where each side's constraints came from. JSON: `{added, removed, unchanged}` with each
// finding in the shape `offgate lint -o json` gives its results, and each side's sources,
// input errors and warnings.
import { plural, positionSuffix, sourcesLine } from '../report/describe';
import { renderFinding } from '../report/formats/text';
import { toJsonReport, type JsonInputError, type JsonResult } from '../report/formats/json';
import { oneLine } from '../report/formats/escape';
import type { Finding, InputError } from '../report/model';
import type { DiffResult, SideResult } from './diff';

export const DIFF_FORMATS = ['text', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export function renderDiffText(d: DiffResult, opts: { width?: number } = {}): string {
  const sections: string[][] = [];
  // Each finding as `offgate lint` shows it (path:line:col first), one blank line apart.
  const listed = (title: string, findings: Finding[], fix: boolean) => [title, '', ...findings.flatMap((f, i) => [...(i > 0 ? [''] : []), ...renderFinding(f, { width: opts.width, fix })])];
  if (d.added.length > 0) sections.push(listed(`added: ${plural(d.added.length, 'finding')}`, d.added, true));
  if (d.removed.length > 0) sections.push(listed(`removed: ${plural(d.removed.length, 'finding')}`, d.removed, false));
  if (d.to.errors.length > 0) sections.push([`input errors (${d.to.label})`, ...d.to.errors.map(errorRow)]);
  const warnings = [
    ...d.from.errors.map((e) => `${d.from.label}: ${oneLine(errorText(e))} (its findings there are unknown)`),
    ...d.to.warnings.map((w) => oneLine(w)),
  ];
  if (warnings.length > 0) sections.push(warnings.map((w) => `warning: ${w}`));
  sections.push([
    `${d.added.length} added, ${d.removed.length} removed, ${d.unchanged} unchanged`,
    `from ${oneLine(d.from.label)}: ${oneLine(sourcesLine(d.from.sources))}`,
    `to ${oneLine(d.to.label)}: ${oneLine(sourcesLine(d.to.sources))}`,
  ]);
  return sections.map((s) => s.join('\n')).join('\n\n') + '\n';
}

function errorText(e: InputError): string {
  return `${e.file}${positionSuffix(e.line, e.column)}: ${e.message}`;
}

function errorRow(e: InputError): string {
  return `  ${oneLine(e.file)}${positionSuffix(e.line, e.column)}  ${oneLine(e.message)}`;
}

/** `offgate diff -o json`'s document. */
export interface JsonDiff {
  added: JsonResult[];
  removed: JsonResult[];
  unchanged: number;
  from: JsonSide;
  to: JsonSide;
}

export interface JsonSide {
  /** `git:HEAD~1`, `restricted`, `the working tree`. */
  side: string;
  sources: string[];
  errors: JsonInputError[];
  warnings: string[];
}

export function renderDiffJson(d: DiffResult): string {
  const doc: JsonDiff = { added: results(d.added), removed: results(d.removed), unchanged: d.unchanged, from: jsonSide(d.from), to: jsonSide(d.to) };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Findings as `offgate lint -o json` writes its results: the same renderer, so the shapes cannot drift apart. */
function results(findings: Finding[]): JsonResult[] {
  return asJson(findings, []).results;
}

function jsonSide(s: SideResult): JsonSide {
  return { side: s.label, sources: s.sources, errors: asJson([], s.errors).errors, warnings: s.warnings };
}

function asJson(findings: Finding[], errors: InputError[]) {
  return toJsonReport({ version: '', sources: [], findings, errors, warnings: [], summary: { files: 0, objects: 0, byAction: {}, errors: 0 } });
}
