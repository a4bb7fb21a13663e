// `offgate export templates [--output-dir DIR]`: the bundled templates as complete
// templates.gatekeeper.sh/v1 ConstraintTemplates, so the very Rego offgate
// evaluates can be applied to a cluster. One YAML stream on stdout, or one
// file per template in DIR.
// `offgate export expansions [--output-dir DIR]`: every expansion offgate applies by default, as
// ExpansionTemplates: the standard pod controllers (built into the code) and the default
// ExpansionTemplates of rego/expansions/ as written, comments included, for users to read
// and copy under --policy to override.
// `offgate export constraints [--env X] [--output-dir D [--format kustomize]]`: the
// environment's ConstraintTemplates and Constraints, what `offgate lint --env X` enforces
// (src/export/constraints.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { defaultExpansionFiles } from '../gatekeeper/default-expansions';
import { BUILTIN_EXPANSION_RULES, type ExpansionRule } from '../gatekeeper/expansion';
import { applyPlan, exportConstraints, exportFiles, exportStream, planFolder } from '../export/constraints';
import { bundledTemplates, renderConstraintTemplate } from '../gatekeeper/library';
import { UsageError } from './errors';
import { errnoText, writeOutputFile, WriteError } from './output';

export interface ExportOptions {
  /** `--output-dir D`: one file per object in D. */
  outputDir?: string;
  /** `--out`, the old name of --output-dir. */
  out?: string;
  /** `--env`, `--config`, `--format` (yaml, kustomize): export constraints only. */
  env?: string;
  config?: string;
  format?: string;
}

export function runExport(what: string, opts: ExportOptions, write: (text: string) => void, cwd: string = process.cwd()): void {
  if (what !== 'templates' && what !== 'expansions' && what !== 'constraints') throw new UsageError(`export: unknown item "${what}" (expected: templates, expansions or constraints)`);
  if (opts.out !== undefined && opts.outputDir !== undefined) throw new UsageError('--out is the old name of --output-dir: give one of them');
  opts = { ...opts, out: opts.outputDir ?? opts.out };
  if (what === 'constraints') return runExportConstraints(opts, write, cwd);
  for (const [flag, value] of [['--env', opts.env], ['--config', opts.config], ['--format', opts.format]] as const) {
    if (value !== undefined) throw new UsageError(`export ${what}: ${flag} is an option of export constraints only`);
  }
  const docs = what === 'templates' ? bundledTemplates().map((t) => ({ folder: t.folder, yaml: stringify(renderConstraintTemplate(t), { lineWidth: 0 }) })) : expansionDocs();
  const noun = what === 'templates' ? 'ConstraintTemplates' : 'files of ExpansionTemplates';
  const dir = opts.out;
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

const CONSTRAINT_FORMATS = ['yaml', 'kustomize'];

function runExportConstraints(opts: ExportOptions, write: (text: string) => void, cwd: string): void {
  const format = opts.format ?? 'yaml';
  if (!CONSTRAINT_FORMATS.includes(format)) throw new UsageError(`--format ${format}: must be ${CONSTRAINT_FORMATS.join(' or ')}`);
  if (format === 'kustomize' && !opts.out) throw new UsageError('--format kustomize writes a folder: give --output-dir DIR');
  const exported = exportConstraints({ cwd, env: opts.env, configPath: opts.config });
  if ('error' in exported) throw new UsageError(exported.error);
  if (!opts.out) {
    write(exportStream(exported));
    return;
  }
  const plan = planFolder(opts.out, exportFiles(exported, { kustomize: format === 'kustomize' }));
  if ('error' in plan) throw new UsageError(plan.error);
  try {
    mkdirSync(opts.out, { recursive: true });
  } catch (e) {
    throw new WriteError(`cannot create ${opts.out}: ${errnoText(e)}`);
  }
  applyPlan(opts.out, plan, writeOutputFile);
  const removed = plan.remove.length > 0 ? `; removed ${plan.remove.length} file${plan.remove.length === 1 ? '' : 's'} of an earlier export (${plan.remove.join(', ')})` : '';
  write(`wrote ${exported.templates.length} ConstraintTemplates and ${exported.constraints.length} Constraints of ${exported.source} to ${opts.out}${format === 'kustomize' ? ', with kustomization.yaml' : ''}${removed}\n`);
  if (exported.policyFolders.length > 0) {
    write(`note: lint also applies offgate.yaml's policy folders (${exported.policyFolders.join(', ')}): they are your own Gatekeeper objects and not part of this export\n`);
  }
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
