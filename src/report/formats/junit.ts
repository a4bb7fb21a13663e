// JUnit XML for CI test views: a testsuite per file, a testcase per finding (a <failure>
// when its action fails the run per --fail-on, else passing with the finding in
// <system-out>), an <error> testcase per input error, and a final `offgate` suite whose
// one passing testcase carries the summary, so that a clean run still shows a test.
import { byPosition, constraintLabel, groupByFile, notesOf, positionSuffix, sourcesLine, subjectLabel, summaryLine, visible } from '../describe';
import { isFailing, type Finding, type InputError, type Report } from '../model';
import { effectiveAction } from '../summary';
import type { RenderOptions } from './types';

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped?: number;
}

interface Suite extends Counts {
  name: string;
  cases: string[];
}

export function render(report: Report, opts: RenderOptions): string {
  type Entry = { finding: Finding; file: string; line: number; column: number } | { error: InputError; file: string; line?: number; column?: number };
  const entries: Entry[] = [
    ...report.findings.map((finding) => ({ finding, file: finding.file, line: finding.line, column: finding.column })),
    ...report.errors.map((error) => ({ error, file: error.file, line: error.line, column: error.column })),
  ];

  const suites: Suite[] = [];
  for (const [file, group] of groupByFile(entries)) {
    const suite: Suite = { name: file, cases: [], tests: 0, failures: 0, errors: 0 };
    const names = new Map<string, number>();
    const unique = (name: string) => {
      const n = (names.get(name) ?? 0) + 1;
      names.set(name, n);
      return n === 1 ? name : `${name} #${n}`;
    };
    // Input errors first: they explain why a file may have fewer findings than expected.
    for (const entry of [...group].sort((a, b) => Number('finding' in a) - Number('finding' in b) || byPosition(a, b))) {
      suite.tests++;
      if ('error' in entry) {
        suite.errors++;
        suite.cases.push(errorCase(entry.error, unique(`input error${positionSuffix(entry.error.line, entry.error.column).replace(/^:/, ' at ')}`)));
      } else {
        const failing = isFailing(entry.finding, opts.failOn);
        if (failing) suite.failures++;
        suite.cases.push(findingCase(entry.finding, failing, unique(`${entry.line}:${entry.column} ${subjectLabel(entry.finding)}: ${constraintLabel(entry.finding)}`)));
      }
    }
    suites.push(suite);
  }

  const summaryText = `${summaryLine(report.summary)}\n${sourcesLine(report.sources)}`;
  // Files that hold no Kubernetes object: JUnit's own "skipped" test cases, which CI views show as such.
  const skipped = (report.skipped ?? []).map(
    (s) => `${testcaseOpen(`skipped ${s.file}`, s.file, undefined)}\n      <skipped message="${xmlAttr(s.reason)}"/>\n    </testcase>`,
  );
  suites.push({
    name: 'offgate',
    tests: 1 + skipped.length,
    failures: 0,
    errors: 0,
    skipped: skipped.length,
    cases: [`<testcase name="lint" classname="offgate">\n      <system-out>${xmlText(summaryText)}</system-out>\n    </testcase>`, ...skipped],
  });

  const total = suites.reduce<Counts>(
    (t, s) => ({ tests: t.tests + s.tests, failures: t.failures + s.failures, errors: t.errors + s.errors, skipped: (t.skipped ?? 0) + (s.skipped ?? 0) }),
    { tests: 0, failures: 0, errors: 0 },
  );
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="offgate" ${countAttrs(total)}>`];
  for (const s of suites) {
    lines.push(`  <testsuite name="${xmlAttr(s.name)}" ${countAttrs(s)}>`);
    for (const c of s.cases) lines.push(`    ${c}`);
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function countAttrs(c: Counts): string {
  return `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped ?? 0}"`;
}

function testcaseOpen(name: string, file: string, line: number | undefined): string {
  return `<testcase name="${xmlAttr(name)}" classname="${xmlAttr(file)}" file="${xmlAttr(file)}"${line !== undefined ? ` line="${line}"` : ''}>`;
}

function findingCase(f: Finding, failing: boolean, name: string): string {
  const action = effectiveAction(f);
  const headline = `${subjectLabel(f)}: ${f.message}`;
  const body = [
    `${f.file}:${f.line}:${f.column}  ${action}  ${headline}`,
    ...notesOf(f),
    `constraint: ${constraintLabel(f)}`,
    ...(f.path !== undefined ? [`at: ${f.path}`] : []),
    ...(f.fix !== undefined ? [`fix: ${f.fix}`] : []),
  ].join('\n');
  const inner = failing
    ? `<failure message="${xmlAttr(headline)}" type="${xmlAttr(action)}">${xmlText(body)}</failure>`
    : `<system-out>${xmlText(body)}</system-out>`;
  return `${testcaseOpen(name, f.file, f.line)}\n      ${inner}\n    </testcase>`;
}

function errorCase(e: InputError, name: string): string {
  const where = `${e.file}${positionSuffix(e.line, e.column)}`;
  const inner = `<error message="${xmlAttr(e.message)}" type="InputError">${xmlText(`${where}: ${e.message}`)}</error>`;
  return `${testcaseOpen(name, e.file, e.line)}\n      ${inner}\n    </testcase>`;
}

/** Characters XML 1.0 cannot carry at all (even as references) made visible or replaced. */
function xmlChars(text: string): string {
  return visible(text).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uFFFE\uFFFF]/g, '\uFFFD');
}

/**
 * Newlines as references too: the XML means the same, and no line of the file begins with
 * text from the inputs (a junit report printed in a CI log must not hold a line that reads
 * as a workflow command such as `::error`).
 */
export function xmlText(text: string): string {
  return xmlChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '&#10;');
}

/** Attribute values keep tabs as references too (a parser would fold them to spaces). */
export function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;');
}
