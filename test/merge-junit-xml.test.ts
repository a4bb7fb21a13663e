// The pieces of `offgate merge` for JUnit: the strict XML reader (what it reads, what it
// refuses, and where), the summary line read back, and the shards' sources joined.
import { describe, expect, it } from 'vitest';
import { parseSummaryLine } from '../src/merge/junit';
import { joinSources } from '../src/merge/sources';
import { isElement, parseXml, positionOf, type XmlElement } from '../src/merge/xml';
import { summaryLine } from '../src/report/describe';
import { xmlAttr, xmlText } from '../src/report/formats/junit';

function root(source: string): XmlElement {
  const r = parseXml(source);
  if ('error' in r) throw new Error(`${r.error.message} at ${JSON.stringify(positionOf(source, r.error.offset))}`);
  return r.root;
}

/** The error as `line:col: message`. */
function error(source: string): string {
  const r = parseXml(source);
  if (!('error' in r)) throw new Error('parsed');
  const p = positionOf(source, r.error.offset);
  return `${p.line}:${p.column}: ${r.error.message}`;
}

const textOf = (el: XmlElement) => el.children.map((c) => (isElement(c) ? '' : c.text)).join('');

describe('the XML reader', () => {
  it('reads elements, attributes and text, with offsets that slice the source', () => {
    const src = '<?xml version="1.0" encoding="UTF-8"?>\n<a x="1" y=\'two\'>\n  <b/>\n  <c z="&lt;&gt;&amp;&quot;&apos;">t</c>\n</a>\n';
    const a = root(src);
    expect(a.name).toBe('a');
    expect([...a.attributes]).toEqual([
      ['x', '1'],
      ['y', 'two'],
    ]);
    const [b, c] = a.children.filter(isElement);
    expect(src.slice(b!.start, b!.end)).toBe('<b/>');
    expect(src.slice(c!.start, c!.end)).toBe('<c z="&lt;&gt;&amp;&quot;&apos;">t</c>');
    expect(c!.attributes.get('z')).toBe(`<>&"'`);
    expect(src.slice(a.start, a.end)).toBe(src.slice(src.indexOf('<a'), src.lastIndexOf('>') + 1));
  });

  it('reads back what the junit writer escapes, whatever the text', () => {
    const nasty = 'a & b < c > d " e \' f\ttab\nnew line\r\x1b[31m ::error:: \u{1F600} é';
    const src = `<t a="${xmlAttr(nasty)}">${xmlText(nasty)}</t>`;
    const t = root(src);
    // The writer makes control characters visible (\x1b as \\x1b); the reader gives back exactly what was written.
    expect(t.attributes.get('a')).toBe(nasty.replace('\r', '\\x0d').replace('\x1b', '\\x1b'));
    expect(textOf(t)).toBe(nasty.replace('\r', '\\x0d').replace('\x1b', '\\x1b'));
  });

  it('numeric references, CDATA, comments and processing instructions', () => {
    expect(textOf(root('<a>&#10;&#x1F600;&#233;</a>'))).toBe('\n\u{1F600}é');
    expect(textOf(root('<a><![CDATA[<b> & ]]]]><![CDATA[>]]></a>'))).toBe('<b> & ]]>');
    expect(textOf(root('<!-- before --><?pi x?><a>x<!-- inside -->y</a><!-- after -->\n'))).toBe('xy');
    expect(root('\uFEFF<a/>').name).toBe('a');
  });

  it('line ends read as \\n in text; literal whitespace in attributes as spaces', () => {
    const a = root('<a v="x\ty\r\nz">1\r\n2\r3</a>');
    expect(a.attributes.get('v')).toBe('x y z');
    expect(textOf(a)).toBe('1\n2\n3');
  });

  it('refuses what is not well-formed, at the place at fault', () => {
    expect(error('')).toBe('1:1: no root element: the file holds no XML element');
    expect(error('<a>\n  <b>\n</a>')).toBe('3:1: </a> closes <b> (opened at 2:3)');
    expect(error('<a>\n  <b>')).toBe('2:6: <b> is not closed (opened at 2:3)');
    expect(error('<a x="1" x="2"/>')).toBe('1:10: the attribute x is given twice');
    expect(error('<a x="<"/>')).toBe('1:7: < in the value of x (write &lt;)');
    expect(error('<a x=1/>')).toBe('1:6: the value of x must be quoted');
    expect(error('<a>&copy;</a>')).toBe('1:4: &copy; is not defined (XML without a DOCTYPE knows &lt; &gt; &amp; &quot; &apos; and &#N;)');
    expect(error('<a>a & b</a>')).toBe('1:6: & that starts no reference (write &amp;)');
    expect(error('<a>&#0;</a>')).toBe('1:4: &#0; is a character XML does not allow');
    expect(error('<a>]]></a>')).toBe('1:4: ]]> in text (write ]]&gt;)');
    expect(error('<a/><b/>')).toBe('1:5: a second root element: an XML document has one');
    expect(error('<a/>x')).toBe('1:5: text after the root element');
    expect(error('x<a/>')).toBe('1:1: text before the root element');
    expect(error('<a><!-- a -- b --></a>')).toBe('1:11: -- inside a comment');
    expect(error('<!DOCTYPE a><a/>')).toBe('1:1: a DOCTYPE: offgate reads XML without document types');
    expect(error('<?xml version="1.1"?><a/>')).toBe('1:1: the XML declaration must say version="1.0"');
    expect(error('<?xml version="1.0" encoding="ISO-8859-1"?><a/>')).toBe('1:1: encoding="ISO-8859-1": only UTF-8 is read');
    expect(error('<a>\n\u0000</a>')).toBe('2:1: a character XML does not allow (U+0000)');
    expect(error('<a>\uD800</a>')).toBe('1:4: a character XML does not allow (U+D800)');
    expect(error('<a><b></a')).toBe('1:10: expected > to close </a');
    expect(error('<1/>')).toBe('1:2: expected an element name after <');
  });

  it('counts columns in code units from the last line end (\\r\\n, \\r or \\n)', () => {
    expect(positionOf('ab\r\ncd\ref\ngh', 11)).toEqual({ line: 4, column: 2 });
    expect(positionOf('abc', 0)).toEqual({ line: 1, column: 1 });
  });

  it('reads a 20 MB report, and texts and attributes of 200,000 references', () => {
    const cases = Array.from({ length: 45_000 }, (_, i) => `    <testcase name="${i}" classname="f"><system-out>${'x &amp; y&#10;'.repeat(30)}</system-out></testcase>`);
    const src = `<testsuites>\n  <testsuite name="f">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
    expect(src.length).toBeGreaterThan(20_000_000);
    const suite = root(src).children.filter(isElement)[0]!;
    expect(suite.children.filter(isElement)).toHaveLength(45_000);
    const many = '&lt;'.repeat(200_000);
    const big = root(`<a v="${many}">${many}</a>`);
    expect(big.attributes.get('v')).toBe('<'.repeat(200_000));
    expect(textOf(big)).toBe('<'.repeat(200_000));
  }, 60_000);
});

describe('the summary line read back', () => {
  it.each([
    '3 denied, 1 warning, 2 dry-run · 1 input error · 12 objects in 4 files',
    'no violations · 1 object in 1 file',
    '1 denied, 5 warnings, 2 scoped · 2 input errors · 0 objects in 3 files · 1 file skipped: not Kubernetes objects',
    'no violations · 0 objects in 0 files · 2 files skipped: not Kubernetes objects',
  ])('%s', (line) => {
    const summary = parseSummaryLine(line);
    expect(summary).toBeDefined();
    expect(summaryLine(summary!)).toBe(line);
  });

  it('gives the counts by action as the report model has them', () => {
    expect(parseSummaryLine('3 denied, 1 warning, 2 dry-run · 1 input error · 12 objects in 4 files')).toEqual({
      files: 4,
      objects: 12,
      skipped: 0,
      byAction: { deny: 3, warn: 1, dryrun: 2 },
      errors: 1,
    });
  });

  it.each(['', 'all good', '3 denied · 12 objects', '3 denied · 12 objects in 4 files · and more', '1 warnings · 1 object in 1 file', '0 denied · 1 object in 1 file'])(
    'refuses %j: not a line offgate writes',
    (line) => {
      expect(parseSummaryLine(line)).toBeUndefined();
    },
  );
});

describe("the shards' sources joined", () => {
  const shard = (objects: number, ...sources: string[]) => ({ sources, objects });

  it('each once, in the order of the shards', () => {
    expect(joinSources([shard(2, 'bundled:baseline', 'policy:./p (1 template)'), shard(1, 'bundled:baseline', 'policy:./p (1 template)')])).toEqual(['bundled:baseline', 'policy:./p (1 template)']);
  });

  it("adds up the file counts of offgate.yaml's environments, in offgate.yaml's order though a shard lacks one", () => {
    const prod = 'env:production';
    const staging = 'env:staging';
    expect(
      joinSources([
        shard(3, `${staging}: 2 files`, 'env:default: 1 file (in the paths of no environment)'),
        shard(4, `${prod}: 3 files`, `${staging}: 1 file`),
        shard(2, `${prod}: 1 file`, 'env:default: 1 file (in the paths of no environment)'),
      ]),
    ).toEqual([`${prod}: 4 files`, `${staging}: 3 files`, 'env:default: 2 files (in the paths of no environment)']);
  });

  it('leaves out the sources of a shard that reviewed no object (the environment a run without objects names), unless no shard did', () => {
    expect(joinSources([shard(0, 'env:default'), shard(2, 'env:staging: 2 files')])).toEqual(['env:staging: 2 files']);
    expect(joinSources([shard(0, 'env:default'), shard(0, 'env:default')])).toEqual(['env:default']);
  });
});
