// JUnit XML for CI test views: a testsuite per file, a testcase per finding (a <failure>
// when its action fails the run per --fail-on, else passing with the finding in
// <system-out>), an <error> testcase per input error, and a final `offgate` suite whose
// one passing testcase carries the summary, so that a clean run still shows a test.
import { byPosition, constraintLabel, groupByFile, Notes, positionSuffix, sourcesLine, subjectLabel, summaryLine, visible } from '../describe';
import { isFailing, type Finding, type InputError, type ObjectRef, type Report } from '../model';
import { effectiveAction } from '../summary';
import { Lines } from './lines';
import type { RenderOptions } from './types';

/** A testcase's indent under its testsuite. */
const CASE_INDENT = '    ';

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped?: number;
}

interface Suite extends Counts {
  name: string;
  /** Its testcases, each indented as in the file. */
  cases: Lines;
}

export function render(report: Report, opts: RenderOptions): string {
  const names = new Names();
  const findingsByFile = groupByFile(report.findings);
  const errorsByFile = groupByFile(report.errors);
  // A suite per file, in order of first appearance: the files with findings, then those with only input errors.
  const files = [...findingsByFile.keys(), ...[...errorsByFile.keys()].filter((file) => !findingsByFile.has(file))];

  const suites: Suite[] = [];
  for (const file of files) {
    const suite: Suite = { name: file, cases: new Lines(), tests: 0, failures: 0, errors: 0 };
    const seen = new Map<string, number>();
    const unique = (name: string) => {
      const n = (seen.get(name) ?? 0) + 1;
      seen.set(name, n);
      return n === 1 ? name : `${name} #${n}`;
    };
    // Input errors first: they explain why a file may have fewer findings than expected. (Each list is its group's own: sorted in place, stably.)
    for (const error of (errorsByFile.get(file) ?? []).sort(byPosition)) {
      suite.tests++;
      suite.errors++;
      suite.cases.push(CASE_INDENT + errorCase(error, unique(`input error${positionSuffix(error.line, error.column).replace(/^:/, ' at ')}`), names));
    }
    for (const finding of (findingsByFile.get(file) ?? []).sort(byPosition)) {
      suite.tests++;
      const failing = isFailing(finding, opts.failOn);
      if (failing) suite.failures++;
      suite.cases.push(CASE_INDENT + findingCase(finding, failing, unique(`${finding.line}:${finding.column} ${names.subject(finding)}: ${names.constraint(finding)}`), names));
    }
    suites.push(suite);
  }

  const summaryText = `${summaryLine(report.summary)}\n${sourcesLine(report.sources)}`;
  // Files that hold no Kubernetes object: JUnit's own "skipped" test cases, which CI views show as such.
  const skipped = (report.skipped ?? []).map(
    (s) => `${testcaseOpen(`skipped ${s.file}`, s.file, undefined)}\n      <skipped message="${xmlAttr(s.reason)}"/>\n    </testcase>`,
  );
  const offgate = new Lines();
  offgate.push(`${CASE_INDENT}<testcase name="lint" classname="offgate">\n      <system-out>${xmlText(summaryText)}</system-out>\n    </testcase>`);
  for (const c of skipped) offgate.push(CASE_INDENT + c);
  suites.push({ name: 'offgate', tests: 1 + skipped.length, failures: 0, errors: 0, skipped: skipped.length, cases: offgate });

  const total = suites.reduce<Counts>(
    (t, s) => ({ tests: t.tests + s.tests, failures: t.failures + s.failures, errors: t.errors + s.errors, skipped: (t.skipped ?? 0) + (s.skipped ?? 0) }),
    { tests: 0, failures: 0, errors: 0 },
  );
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="offgate" ${countAttrs(total)}>`];
  for (const s of suites) {
    lines.push(`  <testsuite name="${xmlAttr(s.name)}" ${countAttrs(s)}>`);
    if (!s.cases.empty) lines.push(s.cases.join());
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function countAttrs(c: Counts): string {
  return `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped ?? 0}"`;
}

function testcaseOpen(name: string, file: string, line: number | undefined, names?: Names): string {
  const fileAttr = names ? names.fileAttr(file) : xmlAttr(file);
  return `<testcase name="${xmlAttr(name)}" classname="${fileAttr}" file="${fileAttr}"${line !== undefined ? ` line="${line}"` : ''}>`;
}

function findingCase(f: Finding, failing: boolean, name: string, names: Names): string {
  const action = effectiveAction(f);
  const headline = `${names.subject(f)}: ${f.message}`;
  // The body's lines escaped one by one, the newlines between them as references (what
  // xmlText makes of them): the lines that recur under many findings are escaped once.
  const body = [
    xmlText(`${f.file}:${f.line}:${f.column}  ${action}  ${headline}`),
    ...names.notes.of(f).map(xmlText),
    names.constraintLine(f),
    ...(f.path !== undefined ? [xmlText(`at: ${f.path}`)] : []),
    ...(f.fix !== undefined ? [names.fixLine(f.fix)] : []),
  ].join('&#10;');
  const inner = failing ? [`<failure message="`, xmlAttr(headline), `" type="`, xmlAttr(action), `">`, body, `</failure>`] : [`<system-out>`, body, `</system-out>`];
  // Joined (one flat string) rather than concatenated: a case is kept to the end of the
  // report, and a concatenation would keep every piece of it, each one more for the
  // garbage collector to copy and mark.
  return [testcaseOpen(name, f.file, f.line, names), '\n      ', ...inner, '\n    </testcase>'].join('');
}

function errorCase(e: InputError, name: string, names: Names): string {
  const where = `${e.file}${positionSuffix(e.line, e.column)}`;
  const inner = `<error message="${xmlAttr(e.message)}" type="InputError">${xmlText(`${where}: ${e.message}`)}</error>`;
  return `${testcaseOpen(name, e.file, e.line, names)}\n      ${inner}\n    </testcase>`;
}

/**
 * What recurs under thousands of findings, worked out once per report: a file's
 * attribute, an object's label (a lint's findings of one object share its ObjectRef), a
 * constraint's label and line, a fix hint's line.
 */
class Names {
  private readonly files = new Map<string, string>();
  private readonly subjects = new Map<ObjectRef, string>();
  private readonly constraints = new Map<string, Map<string, { label: string; line: string }>>();
  private readonly fixes = new Map<string, string>();
  readonly notes = new Notes();

  fileAttr(file: string): string {
    let text = this.files.get(file);
    if (text === undefined) this.files.set(file, (text = xmlAttr(file)));
    return text;
  }

  subject(f: Finding): string {
    const ref = f.workload ?? f.object;
    let text = this.subjects.get(ref);
    if (text === undefined) this.subjects.set(ref, (text = subjectLabel(f)));
    return text;
  }

  /** `Kind/name`. */
  constraint(f: Finding): string {
    return this.constraintOf(f).label;
  }

  /** `constraint: Kind/name`, escaped. */
  constraintLine(f: Finding): string {
    return this.constraintOf(f).line;
  }

  /** `fix: …`, escaped. */
  fixLine(fix: string): string {
    let text = this.fixes.get(fix);
    if (text === undefined) this.fixes.set(fix, (text = xmlText(`fix: ${fix}`)));
    return text;
  }

  private constraintOf(f: Finding): { label: string; line: string } {
    let byName = this.constraints.get(f.constraint.kind);
    if (!byName) this.constraints.set(f.constraint.kind, (byName = new Map()));
    let entry = byName.get(f.constraint.name);
    if (entry === undefined) {
      const label = constraintLabel(f);
      byName.set(f.constraint.name, (entry = { label, line: xmlText(`constraint: ${label}`) }));
    }
    return entry;
  }
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
  // Tested first: nearly every text needs nothing, and a test is cheaper than five replaces.
  if (!XML_TEXT_SPECIAL.test(text)) return text;
  return xmlChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '&#10;');
}

/** Attribute values keep tabs as references too (a parser would fold them to spaces). */
export function xmlAttr(text: string): string {
  if (!XML_ATTR_SPECIAL.test(text)) return text;
  return xmlText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;');
}

// What xmlText and xmlAttr change: markup, newlines (and tabs, quotes in attributes),
// control characters (as `visible` makes them), surrogates and the two non-characters.
// eslint-disable-next-line no-control-regex
const XML_TEXT_SPECIAL = /[&<>\n\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]/;
// eslint-disable-next-line no-control-regex
const XML_ATTR_SPECIAL = /[&<>"\t\n\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]/;
