// The starter offgate.yaml: two environments on the two presets, and a commented catalogue
// of every restriction with all of its parameters, so that the file documents itself.
//
// Convention (as in many Helm charts): `## ` lines are prose, `# ` lines are settings
// one can switch on by deleting the `# `. Every `# ` line is valid where it stands, and
// the tests uncomment them all and load the result.
import { stringify } from 'yaml';
import { restrictionTemplate, type Parameters } from './model';
import { PRESET_NAMES, presetEnvironment } from './presets';

/**
 * The order of the catalogue: Portainer's "Security constraints" page (spec §5), with the
 * alternative kind of a Portainer option right after it, then the two newer PSS controls.
 */
export const STARTER_ORDER = [
  'privileged-containers',
  'host-namespaces',
  'host-network-ports',
  'volumes',
  'host-filesystem',
  'flexvolume-drivers',
  'read-only-root-filesystem',
  'users',
  'fsgroup',
  'allow-privilege-escalation',
  'capabilities',
  'selinux',
  'proc-mount',
  'apparmor',
  'seccomp',
  'seccompv2',
  'forbidden-sysctls',
  'host-probes-lifecycle',
  'host-process',
];

const EXEMPT = { exemptImages: ['registry.example/debug/*'] };
const GROUP_IDS = [{ min: 1, max: 65535 }];

/** Example values for every parameter of every restriction (plus a few scope keys, to show them). */
const EXAMPLES: Record<string, Parameters | true> = {
  'privileged-containers': { ...EXEMPT, excludedNamespaces: ['kube-system'] },
  'host-namespaces': true,
  'host-network-ports': { hostNetwork: false, min: 8000, max: 9000, ...EXEMPT },
  volumes: { volumes: ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'] },
  'host-filesystem': { allowedHostPaths: [{ pathPrefix: '/var/log', readOnly: true }] },
  'flexvolume-drivers': { allowedFlexVolumes: [{ driver: 'example/lvm' }] },
  'read-only-root-filesystem': { ...EXEMPT, enforcementAction: 'warn' },
  users: {
    runAsUser: { rule: 'MustRunAsNonRoot' },
    runAsGroup: { rule: 'MayRunAs', ranges: GROUP_IDS },
    supplementalGroups: { rule: 'MayRunAs', ranges: GROUP_IDS },
    fsGroup: { rule: 'MayRunAs', ranges: GROUP_IDS },
    ...EXEMPT,
  },
  fsgroup: { rule: 'MayRunAs', ranges: GROUP_IDS },
  'allow-privilege-escalation': { ...EXEMPT },
  capabilities: { allowedCapabilities: ['NET_BIND_SERVICE'], requiredDropCapabilities: ['ALL'], ...EXEMPT },
  selinux: { allowedSELinuxOptions: [{ level: 's0:c123,c456', role: 'object_r', type: 'svirt_sandbox_file_t', user: 'system_u' }], ...EXEMPT },
  'proc-mount': { procMount: 'Default', ...EXEMPT },
  apparmor: { allowedProfiles: ['runtime/default', 'localhost/k8s-apparmor-example-deny-write'], ...EXEMPT },
  seccomp: { allowedProfiles: ['runtime/default', 'docker/default', 'localhost/*'], allowedLocalhostFiles: ['*'], ...EXEMPT },
  seccompv2: { allowedProfiles: ['RuntimeDefault', 'Localhost'], allowedLocalhostFiles: ['*'], ...EXEMPT },
  'forbidden-sysctls': { forbiddenSysctls: ['kernel.*'], allowedSysctls: ['net.ipv4.*'] },
  'host-probes-lifecycle': { ...EXEMPT },
  'host-process': { ...EXEMPT },
};

/** What the title alone does not say about restrictions outside Portainer's fifteen. */
const NOTES: Record<string, string> = {
  fsgroup: 'deprecated: prefer the fsGroup block of users',
  seccomp: 'reads annotation spellings (runtime/default); seccompv2 is the current variant',
  seccompv2: 'the Pod Security Standards variant of seccomp (no Portainer option)',
  'host-probes-lifecycle': 'a Pod Security Standards control (no Portainer option)',
  'host-process': 'Windows; a Pod Security Standards control (no Portainer option)',
};

const HEADER = `## offgate.yaml: the constraints \`offgate lint\` checks manifests against.
##
## Each environment mirrors Portainer's per-environment "Security constraints" page and
## becomes one Gatekeeper Constraint per restriction that is on, on offgate's bundled
## templates (\`offgate export templates\`). Pick one with \`--env NAME\` (an environment
## here, or a preset: ${PRESET_NAMES.join(', ')}); without --env, "default" is used.
##
## environments.<name>:
##   extends:            a preset (${PRESET_NAMES.join(' | ')}) or another environment
##   enforcementAction:  deny | dryrun | warn, for every restriction (default deny)
##   excludedNamespaces: namespaces (or patterns like kube-*) the constraints skip
##   namespaces:         when given, the only namespaces the constraints apply to
##   kinds, scope, labelSelector, namespaceSelector, name:
##                       the rest of Gatekeeper's match (labelSelector: skip labelled
##                       workloads; namespaceSelector: by the labels of their namespace)
##   paths:              files checked against this environment when no --env is given
##                       (gitignore-style, relative to this file's folder; first match wins)
##   restrictions:
##     <restriction>: true          on (with inherited parameters, or its defaults)
##     <restriction>: false         off
##     <restriction>: {...}         on with these Gatekeeper parameters (replacing the
##                                  inherited ones) and/or its own enforcementAction,
##                                  excludedNamespaces, namespaces and match keys
##                                  (each replacing the environment's same key)
## Restrictions not listed are inherited from what the environment extends. The nearest
## environment that sets enforcementAction or a namespace list wins, whether it sets it
## environment-wide or on the restriction.
`;

/**
 * The starter offgate.yaml (`offgate init`). `schema`: where the JSON Schema of offgate.yaml
 * is, for the yaml-language-server line that makes editors complete and check the file.
 */
export function starterConfig(schema?: string): string {
  const out: string[] = [...(schema ? [`# yaml-language-server: $schema=${schema}`] : []), HEADER, 'environments:'];
  out.push(
    '  ## Used when no --env is given: the Pod Security Standards "baseline" level.',
    '  default:',
    '    extends: baseline',
    '    # enforcementAction: warn',
    '    # excludedNamespaces: [kube-system, gatekeeper-system]',
    '    restrictions:',
    '      ## Every restriction, with example values for all its parameters. Containers of',
    '      ## images listed in exemptImages are not checked (a trailing * matches a prefix).',
  );
  for (const name of STARTER_ORDER) out.push('', ...catalogueEntry(name));
  out.push(
    '',
    '  ## offgate lint --env production: the Pod Security Standards "restricted" level.',
    '  production:',
    '    extends: restricted',
    '    enforcementAction: deny',
    '    # namespaces: [shop, "team-*"]',
    '    # paths: [k8s/prod/]              # offgate lint . checks these files against production',
    '    # labelSelector:                  # workloads labelled security.example/exempt are skipped',
    '    #   matchExpressions: [{key: security.example/exempt, operator: DoesNotExist}]',
    '    # namespaceSelector: {matchLabels: {env: prod}}   # only namespaces labelled env=prod',
    '    # restrictions:',
    '    #   read-only-root-filesystem: true',
    '    #   apparmor: false',
    '',
    "## The labels of the cluster's namespaces, for namespaceSelector (Namespace objects among",
    '## the linted files or under --policy count too; these labels win over theirs).',
    '# namespaces:',
    '#   shop: {labels: {env: prod, team: payments}}',
    '',
  );
  return out.join('\n');
}

function catalogueEntry(name: string): string[] {
  const m = restrictionTemplate(name).metadata;
  const indent = '      ';
  const title = `${indent}## ${m.portainer ?? m.title} (${m.portainer ? `${m.title}, ` : ''}${m.kind})`;
  const lines = [title, `${indent}## ${[presetsWith(name), NOTES[name]].filter(Boolean).join('; ')}`];
  const example = EXAMPLES[name];
  if (example === undefined) throw new Error(`starter: no example for restriction ${name}`);
  if (example === true) {
    lines.push(`${indent}# ${name}: true`);
    return lines;
  }
  lines.push(`${indent}# ${name}:`);
  for (const [key, value] of Object.entries(example)) lines.push(`${indent}#   ${key}: ${flow(value)}`);
  return lines;
}

function presetsWith(name: string): string {
  const on = PRESET_NAMES.filter((p) => presetEnvironment(p).restrictions[name]);
  return on.length ? `on in: ${on.join(', ')}` : 'in no preset';
}

function flow(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0 }).trimEnd();
}

