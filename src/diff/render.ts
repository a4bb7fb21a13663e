// `offgate diff`'s two formats. Text: the added findings as `path:line:col  action  message
// Constraint/name` rows (with the fix), the removed ones, a count of the unchanged, and
// where each side's constraints came from. JSON: `{added, removed, unchanged}` with each
// finding in the shape `offgate lint -o json` gives its results, and each side's sources,
// input errors and warnings.
import { constraintLabel, notesOf, plural, positionSuffix, sourcesLine, subjectLabel } from '../report/describe';
import { toJsonReport, type JsonInputError, type JsonResult } from '../report/formats/json';
import { oneLine } from '../report/formats/escape';
import type { Finding, InputError } from '../report/model';
import { effectiveAction } from '../report/summary';
import type { DiffResult, SideResult } from './diff';

export const DIFF_FORMATS = ['text', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export function renderDiffText(d: DiffResult): string {
  const sections: string[][] = [];
  if (d.added.length > 0) sections.push([`added: ${plural(d.added.length, 'finding')}`, ...d.added.flatMap((f) => rows(f, true))]);
  if (d.removed.length > 0) sections.push([`removed: ${plural(d.removed.length, 'finding')}`, ...d.removed.flatMap((f) => rows(f, false))]);
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

function rows(f: Finding, withFix: boolean): string[] {
  const out = [`  ${oneLine(f.file)}:${f.line}:${f.column}  ${oneLine(effectiveAction(f))}  ${oneLine(`${subjectLabel(f)}: ${f.message}`)}  ${oneLine(constraintLabel(f))}`];
  for (const note of notesOf(f)) out.push(`      ${oneLine(note)}`);
  if (withFix && f.fix) out.push(`      fix: ${oneLine(f.fix)}`);
  return out;
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
