// `offgate export templates [--output-dir DIR]`: the bundled templates as complete
// templates.gatekeeper.sh/v1 ConstraintTemplates, so the very Rego offgate
// evaluates can be applied to a cluster. One YAML stream on stdout, or one
// file per template in DIR.
// `offgate export expansions [--output-dir DIR]`: every expansion offgate applies by default, as
// ExpansionTemplates: the standard pod controllers (built into the code) and the default
// ExpansionTemplates of rego/expansions/ as written, comments included, for users to read
// and copy under --policy to override.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { defaultExpansionFiles } from '../gatekeeper/default-expansions';
import { BUILTIN_EXPANSION_RULES, type ExpansionRule } from '../gatekeeper/expansion';
import { bundledTemplates, renderConstraintTemplate } from '../gatekeeper/library';
import { UsageError } from './errors';
import { errnoText, writeOutputFile, WriteError } from './output';

export interface ExportOptions {
  outputDir?: string;
  /** `--out`, the old name of --output-dir. */
  out?: string;
}

export function runExport(what: string, opts: ExportOptions, write: (text: string) => void): void {
  if (what !== 'templates' && what !== 'expansions') throw new UsageError(`export: unknown item "${what}" (expected: templates or expansions)`);
  const docs = what === 'templates' ? bundledTemplates().map((t) => ({ folder: t.folder, yaml: stringify(renderConstraintTemplate(t), { lineWidth: 0 }) })) : expansionDocs();
  const noun = what === 'templates' ? 'ConstraintTemplates' : 'files of ExpansionTemplates';
  if (opts.out !== undefined && opts.outputDir !== undefined) throw new UsageError('--out is the old name of --output-dir: give one of them');
  const dir = opts.outputDir ?? opts.out;
  if (!dir) {
    write(docs.map((d) => d.yaml).join('---\n'));
    return;
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new WriteError(`cannot create ${dir}: ${errnoText(e)}`);
  }
  for (const d of docs) writeOutputFile(join(dir, `${d.folder}.yaml`), d.yaml);
  write(`wrote ${docs.length} ${noun} to ${dir}\n`);
}

/** The built-in rules as one file, then each default ExpansionTemplate file as written. */
function expansionDocs(): { folder: string; yaml: string }[] {
  const header = '# offgate expands the standard pod controllers itself: these ExpansionTemplates say how.\n';
  const builtIn = BUILTIN_EXPANSION_RULES.map((r) => stringify(expansionTemplateOf(r), { lineWidth: 0 })).join('---\n');
  const files = defaultExpansionFiles().map((f) => ({ folder: f.file.replace(/\.yaml$/, ''), yaml: f.text.endsWith('\n') ? f.text : `${f.text}\n` }));
  return [{ folder: 'kubernetes', yaml: header + builtIn }, ...files];
}

function expansionTemplateOf(rule: ExpansionRule): Record<string, unknown> {
  return {
    apiVersion: 'expansion.gatekeeper.sh/v1beta1',
    kind: 'ExpansionTemplate',
    metadata: { name: rule.name },
    spec: { applyTo: rule.applyTo, templateSource: rule.templateSource, generatedGVK: rule.generatedGVK },
  };
}
