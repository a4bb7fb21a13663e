// What offgate.yaml may hold, written out from the tables the loader checks against
// (model.ts: scope keys, enforcement actions, every restriction and its template's parameter
// schema; presets.ts), so that neither can drift from src/config/load.ts:
//   - configJsonSchema(): a JSON Schema (draft-07) for editors (schema/offgate.schema.json,
//     which `offgate init` points yaml-language-server at);
//   - configReference(): the Markdown reference (docs/configuration.md).
// `npm run docs` writes both; a test fails when either is stale, and another checks that the
// schema and the loader accept and refuse the same files.
import { ENFORCEMENT_ACTIONS, SCOPE_KEYS, maxEnvironmentNameLength, restrictionNames, restrictionTemplate } from './model';
import { PRESET_NAMES, defaultParameters, presetEnvironment } from './presets';

type JsonSchema = Record<string, unknown>;

export const SCHEMA_FILE = 'schema/offgate.schema.json';
export const REFERENCE_FILE = 'docs/configuration.md';

const SCOPE_DESCRIPTIONS: Record<(typeof SCOPE_KEYS)[number], string> = {
  enforcementAction: "What a violation does: deny (rejected), warn (admitted with a warning) or dryrun (only audited). Gatekeeper's default is deny.",
  excludedNamespaces: 'Namespace patterns (`kube-*` allowed) the constraints skip.',
  namespaces: 'When given, the only namespace patterns the constraints apply to.',
};

function scopeProperties(): Record<string, JsonSchema> {
  const namespaces = { type: 'array', items: { type: 'string', pattern: '^[a-z0-9*]([-a-z0-9*]*[a-z0-9*])?$' } };
  return {
    enforcementAction: { description: SCOPE_DESCRIPTIONS.enforcementAction, enum: [...ENFORCEMENT_ACTIONS] },
    excludedNamespaces: { description: SCOPE_DESCRIPTIONS.excludedNamespaces, ...namespaces },
    namespaces: { description: SCOPE_DESCRIPTIONS.namespaces, ...namespaces },
  };
}

/** A restriction's setting: true, false, or its parameters and scope. */
function restrictionSchema(name: string): JsonSchema {
  const t = restrictionTemplate(name);
  const parameters = (t.metadata.parameters.properties ?? {}) as Record<string, JsonSchema>;
  return {
    description: `${t.metadata.title} (${t.metadata.kind}). ${oneParagraph(t.metadata.description)}`,
    oneOf: [
      { type: 'boolean', description: 'true: on, with inherited or default parameters; false: off.' },
      { type: 'object', description: 'On, with these parameters and scope.', properties: { ...scopeProperties(), ...parameters }, additionalProperties: false },
    ],
  };
}

export function configJsonSchema(): JsonSchema {
  const names = restrictionNames();
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://offgate.dev/schema/offgate.schema.json',
    title: 'offgate.yaml',
    description: 'Environments of Gatekeeper pod-security constraints for `offgate lint --env NAME`. Generated from offgate\'s restriction registry: do not edit.',
    type: 'object',
    properties: {
      environments: {
        type: ['object', 'null'],
        description: `Environments by name (lower-case letters, digits and -, at most ${maxEnvironmentNameLength()} characters).`,
        propertyNames: { pattern: `^[a-z0-9]([-a-z0-9]{0,${maxEnvironmentNameLength() - 2}}[a-z0-9])?$` },
        additionalProperties: {
          type: ['object', 'null'],
          properties: {
            extends: { type: 'string', description: `A preset (${PRESET_NAMES.join(', ')}) or another environment this one starts from.` },
            ...scopeProperties(),
            restrictions: {
              type: ['object', 'null'],
              description: 'Restrictions by name; those not listed are inherited from `extends`.',
              properties: Object.fromEntries(names.map((n) => [n, restrictionSchema(n)])),
              additionalProperties: false,
            },
          },
          additionalProperties: false,
        },
      },
      exclude: {
        type: 'array',
        description: EXCLUDE_DESCRIPTION,
        items: { type: 'string', pattern: '\\S' },
      },
      policy: {
        type: 'array',
        description: POLICY_DESCRIPTION,
        items: { type: 'string', pattern: '\\S' },
      },
    },
    additionalProperties: false,
  };
}

const EXCLUDE_DESCRIPTION =
  'Paths `offgate lint` does not read: gitignore-style patterns (`vendor/`, `charts/*/templates/`, `*.tmpl.yaml`, `!keep.yaml`), relative to the folder of this file; with `--exclude GLOB`, which adds to them.';

const POLICY_DESCRIPTION =
  "Folders of the repository's own policy (ConstraintTemplates, Constraints, ExpansionTemplates, Gatekeeper's Config, Namespaces), relative to the folder of this file, used as `--policy DIR` is (which adds to them); their files are applied, not linted.";

export function configReference(): string {
  const names = restrictionNames();
  const presets = PRESET_NAMES.map((p) => [p, presetEnvironment(p)] as const);
  const onIn = (name: string) => presets.filter(([, env]) => Boolean(env.restrictions[name])).map(([p]) => p);
  const out: string[] = [
    '# offgate.yaml reference',
    '',
    '<!-- Generated by `npm run docs` from the restriction registry (src/config/reference.ts): do not edit. -->',
    '',
    '`offgate lint --env NAME` takes its constraints from an environment of `offgate.yaml` (or',
    '`.offgate.yaml`, `offgate.yml`, `.offgate.yml`), found from the working directory upward to the',
    "repository's root, or from `--config FILE`. `offgate init` writes a commented starter file",
    'listing every restriction below. Editors that use yaml-language-server (VS Code\'s YAML',
    `extension, and others) complete and check the file with [its JSON Schema](../${SCHEMA_FILE}).`,
    '',
    '```yaml',
    'environments:',
    '  production:',
    '    extends: restricted            # a preset, or another environment',
    '    enforcementAction: deny        # for every restriction of the environment',
    '    excludedNamespaces: [kube-system]',
    '    restrictions:',
    '      privileged-containers: true  # on',
    '      apparmor: false              # off',
    '      capabilities:                # on, with parameters and its own scope',
    '        requiredDropCapabilities: [ALL]',
    '        enforcementAction: warn',
    'exclude: [vendor/, "*.tmpl.yaml"]   # not linted (see Excludes)',
    '```',
    '',
    '## Environments',
    '',
    '| key | meaning |',
    '|---|---|',
    `| \`extends\` | A preset (${PRESET_NAMES.map((p) => `\`${p}\``).join(', ')}) or another environment: its restrictions, parameters and scope are the starting point. |`,
    ...SCOPE_KEYS.map((k) => `| \`${k}\` | ${SCOPE_DESCRIPTIONS[k]} Applies to every restriction of the environment unless the restriction says otherwise. |`),
    '| `restrictions` | Restrictions by name: `true` (on), `false` (off), or a mapping of its parameters and scope keys (on). |',
    '',
    `An environment's name is lower-case letters, digits and \`-\`, at most ${maxEnvironmentNameLength()} characters (the constraints it makes are named \`offgate-<environment>-<restriction>\`, at most 63). With no configuration, \`offgate lint\` uses the \`baseline\` preset.`,
    '',
    '## Excludes',
    '',
    `\`exclude\`: ${EXCLUDE_DESCRIPTION} They apply to files named on the command line too, so a pre-commit hook handing offgate every changed file honours them. Folder walks also leave out \`node_modules/\`, dot-folders (\`.git/\`) and what the repository's \`.gitignore\` files ignore.`,
    '',
    '## Policy folders',
    '',
    `\`policy\`: ${POLICY_DESCRIPTION}`,
    '',
    '## Restrictions',
    '',
    '| restriction | constraint kind | in presets | Portainer toggle |',
    '|---|---|---|---|',
    ...names.map((n) => {
      const m = restrictionTemplate(n).metadata;
      return `| [\`${n}\`](#${n}) | \`${m.kind}\` | ${onIn(n).join(', ') || '—'} | ${m.portainer ?? '—'} |`;
    }),
    '',
  ];
  for (const n of names) {
    const m = restrictionTemplate(n).metadata;
    const parameters = (m.parameters.properties ?? {}) as Record<string, JsonSchema>;
    const defaults = defaultParameters(n);
    out.push(`### ${n}`, '', `**${m.title}** (\`${m.kind}\`)${m.pss ? `; Pod Security Standards: ${m.pss}` : ''}.`, '', oneParagraph(m.description), '');
    if (Object.keys(parameters).length > 0) {
      out.push('| parameter | type | meaning |', '|---|---|---|');
      for (const [p, s] of Object.entries(parameters)) out.push(`| \`${p}\` | ${typeOf(s)} | ${cell(oneParagraph(String(s.description ?? '')))} |`);
      out.push('');
    }
    out.push(`\`${n}: true\` with nothing inherited means: ${Object.keys(defaults).length ? `\`${JSON.stringify(defaults)}\`` : 'no parameters'}.`, '', `Fix hint: ${m.fix}`, '');
  }
  return `${out.join('\n')}\n`;
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return (s.enum as unknown[]).map((v) => `\`${String(v)}\``).join(' \\| ');
  if (s.type === 'array') return `array of ${s.items ? typeOf(s.items as JsonSchema) : 'any'}`;
  return String(s.type ?? 'any');
}

function oneParagraph(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
