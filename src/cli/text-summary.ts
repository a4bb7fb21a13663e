// The summary block of the text format, for standard output when every report goes to a
// file (`-o sarif=offgate.sarif`, `--output-file`): a CI log then still shows the verdict.
import type { Report } from '../report/model';
import { formats, type RenderOptions } from '../report/formats/index';

/**
 * The text format's closing block (the counts and the constraints' sources). Taken from the
 * whole text, whose blocks are separated by blank lines, until the text renderer offers a
 * summary-only rendering of its own: then this is `formats.text(report, { ...opts, quiet: true })`.
 */
export function textSummary(report: Report, opts: RenderOptions): string {
  const blocks = formats.text(report, { ...opts, verbose: false }).replace(/\n+$/, '').split('\n\n');
  return `${blocks[blocks.length - 1]}\n`;
}
