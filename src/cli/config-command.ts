// `offgate config show [--env NAME] [-o yaml|json]`: the constraints an environment puts in
// force, each value with where it was set (a line of offgate.yaml, a preset, a default), so
// that "why does staging deny this?" has an answer without reading the extends chain by hand.
import { Document, isCollection, isScalar, visit } from 'yaml';
import { loadConfig } from '../config/load';
import { environmentProvenance } from '../config/provenance';
import { UsageError } from './errors';

export const CONFIG_SHOW_FORMATS = ['yaml', 'json'] as const;

export interface ConfigShowOptions {
  env?: string;
  config?: string;
  output?: string;
}

export function runConfigShow(opts: ConfigShowOptions, cwd: string, write: (text: string) => void): void {
  const format = opts.output ?? 'yaml';
  if (!(CONFIG_SHOW_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`config show: unknown output format "${format}" (expected: ${CONFIG_SHOW_FORMATS.join(' or ')})`);
  }
  const loaded = loadConfig({ cwd, configPath: opts.config });
  if ('error' in loaded) throw new UsageError(loaded.error, loaded.errors);
  const shown = environmentProvenance(loaded.config, opts.env);
  if ('error' in shown) throw new UsageError(shown.error);
  const document = {
    ...shown,
    ...(loaded.config?.namespaceLabels ? { namespaces: loaded.config.namespaceLabels } : {}),
  };
  write(format === 'json' ? `${JSON.stringify(document, null, 2)}\n` : toYaml(document));
}

/** Block YAML, with each `value` on one line (`value: [kube-*]`) so that its `from` stays next to it. */
function toYaml(document: object): string {
  const doc = new Document(document, { aliasDuplicateObjects: false });
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'value' && isCollection(pair.value)) pair.value.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
