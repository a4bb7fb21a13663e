// What offgate.yaml may hold, written out from the tables the loader checks against
// (model.ts: scope keys, enforcement actions, every restriction and its template's parameter
// schema; presets.ts), so that neither can drift from src/config/load.ts:
//   - configJsonSchema(): a JSON Schema (draft-07) for editors (schema/offgate.schema.json,
//     which `offgate init` points yaml-language-server at);
//   - configReference(): the Markdown reference (docs/configuration.md).
// `npm run docs` writes both; a test fails when either is stale, and another checks that the
// schema and the loader accept and refuse the same files.
import { SELECTOR_OPERATORS } from '../gatekeeper/label-selector';
import { PATTERN_SCHEMA } from '../gatekeeper/patterns';
import { ENFORCEMENT_ACTIONS, MATCH_SCOPES, SCOPE_KEYS, maxEnvironmentNameLength, restrictionNames, restrictionTemplate } from './model';
import { PRESET_NAMES, defaultParameters, presetEnvironment } from './presets';

type JsonSchema = Record<string, unknown>;

export const SCHEMA_FILE = 'schema/offgate.schema.json';
export const REFERENCE_FILE = 'docs/configuration.md';

const SCOPE_DESCRIPTIONS: Record<(typeof SCOPE_KEYS)[number], string> = {
  enforcementAction: "What a violation does: deny (rejected), warn (admitted with a warning) or dryrun (only audited). Gatekeeper's default is deny.",
  excludedNamespaces: 'Namespace patterns (`kube-*` allowed) the constraints skip.',
  namespaces: 'When given, the only namespace patterns the constraints apply to.',
  kinds: 'Gatekeeper\'s `match.kinds`: the kinds the constraints review, as `[{apiGroups: [""], kinds: [Pod]}]` (in an entry, a left-out or empty list, or `*`, matches any group or kind). Default: Pods, which is how workloads are checked too (through the Pods their controllers create).',
  scope: `Gatekeeper's \`match.scope\`: ${MATCH_SCOPES.map((s) => `\`${s}\``).join(', ')} (namespaced objects only, cluster-scoped only, or both, the default).`,
  labelSelector: `Gatekeeper's \`match.labelSelector\`: only objects whose labels match (\`matchLabels\` and \`matchExpressions\` with ${SELECTOR_OPERATORS.join(', ')}); e.g. \`{matchExpressions: [{key: security.example/exempt, operator: DoesNotExist}]}\` exempts labelled workloads.`,
  namespaceSelector: "Gatekeeper's `match.namespaceSelector`: only objects whose Namespace's labels match (see Namespaces: the labels come from Namespace objects among the inputs or under --policy, or from `namespaces:` here).",
  name: "Gatekeeper's `match.name`: only objects of this name or pattern (`web-*`, `*-canary`).",
};

function scopeProperties(): Record<string, JsonSchema> {
  const namespaces = { type: 'array', items: { type: 'string', pattern: PATTERN_SCHEMA } };
  return {
    enforcementAction: { description: SCOPE_DESCRIPTIONS.enforcementAction, enum: [...ENFORCEMENT_ACTIONS] },
    excludedNamespaces: { description: SCOPE_DESCRIPTIONS.excludedNamespaces, ...namespaces },
    namespaces: { description: SCOPE_DESCRIPTIONS.namespaces, ...namespaces },
    kinds: {
      description: SCOPE_DESCRIPTIONS.kinds,
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { apiGroups: { type: 'array', items: { type: 'string' } }, kinds: { type: 'array', items: { type: 'string', minLength: 1 } } },
        additionalProperties: false,
      },
    },
    scope: { description: SCOPE_DESCRIPTIONS.scope, enum: [...MATCH_SCOPES] },
    labelSelector: { description: SCOPE_DESCRIPTIONS.labelSelector, ...selectorSchema() },
    namespaceSelector: { description: SCOPE_DESCRIPTIONS.namespaceSelector, ...selectorSchema() },
    name: { description: SCOPE_DESCRIPTIONS.name, type: 'string', pattern: PATTERN_SCHEMA },
  };
}

/** A Kubernetes label selector (the loader checks label syntax too, as the API server does). */
function selectorSchema(): JsonSchema {
  return {
    type: 'object',
    properties: {
      matchLabels: LABELS_SCHEMA,
      matchExpressions: {
        type: 'array',
        items: {
          type: 'object',
          required: ['key', 'operator'],
          properties: { key: { type: 'string' }, operator: { enum: [...SELECTOR_OPERATORS] }, values: { type: 'array', items: { type: 'string' } } },
          additionalProperties: false,
        },
      },
    },
    additionalProperties: false,
  };
}

const LABELS_SCHEMA: JsonSchema = { type: ['object', 'null'], additionalProperties: { type: 'string' } };

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
            paths: { type: 'array', description: PATHS_DESCRIPTION, items: { type: 'string', pattern: '\\S' } },
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
      namespaces: {
        type: ['object', 'null'],
        description: NAMESPACES_DESCRIPTION,
        propertyNames: { pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' },
        additionalProperties: { type: ['object', 'null'], properties: { labels: LABELS_SCHEMA }, additionalProperties: false },
      },
    },
    additionalProperties: false,
  };
}

const EXCLUDE_DESCRIPTION =
  'Paths `offgate lint` does not read: gitignore-style patterns (`vendor/`, `charts/*/templates/`, `*.tmpl.yaml`, `!keep.yaml`), relative to the folder of this file; with `--exclude GLOB`, which adds to them.';

const POLICY_DESCRIPTION =
  "Folders of the repository's own policy (ConstraintTemplates, Constraints, ExpansionTemplates, Gatekeeper's Config, Namespaces), relative to the folder of this file, used as `--policy DIR` is (which adds to them); their files are applied, not linted.";

const PATHS_DESCRIPTION =
  'The files `offgate lint` checks against this environment when no `--env` is given: gitignore-style patterns (`k8s/prod/`, `apps/*/overlays/prod/`, `*.prod.yaml`), relative to the folder of this file. Each file goes to the first environment (in file order) whose paths match it, else to the default environment. Not inherited through `extends`.';

const NAMESPACES_DESCRIPTION =
  "The labels of the cluster's namespaces, by name (`shop: {labels: {team: payments}}`), for `namespaceSelector`: cluster state, as Namespace objects among the inputs or under --policy are (these labels win over theirs). A namespace with nothing written (`shop: {}`) is known to have no labels.";

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
    '    labelSelector:                 # Gatekeeper match: skip workloads labelled as exempt',
    '      matchExpressions: [{key: security.example/exempt, operator: DoesNotExist}]',
    '    paths: [k8s/prod/]             # offgate lint . checks these files against production',
    '    restrictions:',
    '      privileged-containers: true  # on',
    '      apparmor: false              # off',
    '      capabilities:                # on, with parameters and its own scope',
    '        requiredDropCapabilities: [ALL]',
    '        enforcementAction: warn',
    'exclude: [vendor/, "*.tmpl.yaml"]   # not linted (see Excludes)',
    'namespaces:                        # namespace labels, for namespaceSelector',
    '  shop: {labels: {team: payments}}',
    '```',
    '',
    '## Environments',
    '',
    '| key | meaning |',
    '|---|---|',
    `| \`extends\` | A preset (${PRESET_NAMES.map((p) => `\`${p}\``).join(', ')}) or another environment: its restrictions, parameters and scope are the starting point. |`,
    `| \`paths\` | ${PATHS_DESCRIPTION} |`,
    ...SCOPE_KEYS.map((k) => `| \`${k}\` | ${SCOPE_DESCRIPTIONS[k]} Applies to every restriction of the environment unless the restriction says otherwise. |`),
    '| `restrictions` | Restrictions by name: `true` (on), `false` (off), or a mapping of its parameters and scope keys (on). |',
    '',
    `An environment's name is lower-case letters, digits and \`-\`, at most ${maxEnvironmentNameLength()} characters (the constraints it makes are named \`offgate-<environment>-<restriction>\`, at most 63). With no configuration, \`offgate lint\` uses the \`baseline\` preset.`,
    '',
    '## Match',
    '',
    "`kinds`, `scope`, `namespaces`, `excludedNamespaces`, `labelSelector`, `namespaceSelector` and `name` become the `spec.match` of the environment's Constraints, and are evaluated as Gatekeeper evaluates them. Each is allowed on an environment (for all its restrictions) and on a restriction (for that one). **A restriction's key replaces the same key of its environment; it is not merged with it** (a restriction's `labelSelector` is the whole selector of that constraint; keys the restriction does not set come from the environment). Along `extends`, the nearest environment that sets a key wins, whether on the restriction or environment-wide; `offgate config show --env NAME` lists every value with where it was set.",
    '',
    'A `namespaceSelector` reads the labels of the object\'s Namespace: a Namespace object among the linted files or under `--policy`, or `namespaces:` of this file. When none describes the namespace, whether the selector matches cannot be decided: the constraints with that selector are not applied to its objects, and a warning says so (Gatekeeper\'s gator cannot decide it either; it rejects). Only `kubernetes.io/metadata.name`, which the API server puts on every Namespace, is always known.',
    '',
    '## Paths',
    '',
    `\`paths\`: ${PATHS_DESCRIPTION} With \`--env\`, every file is checked against that environment. The default environment is the one named \`default\`, or the only one; a file that matches no \`paths\` when there is neither is an input error. Each finding of such a run says its environment (JSON \`environment\`), and the sources line lists the environments used.`,
    '',
    '## Namespaces',
    '',
    `\`namespaces\`: ${NAMESPACES_DESCRIPTION}`,
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
