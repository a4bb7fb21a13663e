// `offgate export templates [--out DIR]`: the bundled templates as complete
// templates.gatekeeper.sh/v1 ConstraintTemplates, so the very Rego offgate
// evaluates can be applied to a cluster. One YAML stream on stdout, or one
// file per template in DIR.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { bundledTemplates, renderConstraintTemplate } from '../gatekeeper/library';
import { UsageError } from './errors';
import { errnoText, writeOutputFile, WriteError } from './output';

export interface ExportOptions {
  out?: string;
}

export function runExport(what: string, opts: ExportOptions, write: (text: string) => void): void {
  if (what !== 'templates') throw new UsageError(`export: unknown item "${what}" (expected: templates)`);
  const docs = bundledTemplates().map((t) => ({ folder: t.folder, yaml: stringify(renderConstraintTemplate(t), { lineWidth: 0 }) }));
  if (!opts.out) {
    write(docs.map((d) => d.yaml).join('---\n'));
    return;
  }
  try {
    mkdirSync(opts.out, { recursive: true });
  } catch (e) {
    throw new WriteError(`cannot create ${opts.out}: ${errnoText(e)}`);
  }
  for (const d of docs) writeOutputFile(join(opts.out, `${d.folder}.yaml`), d.yaml);
  write(`wrote ${docs.length} ConstraintTemplates to ${opts.out}\n`);
}
