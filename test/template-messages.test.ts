// The bundled templates' messages are for people (issue 16): one line, no JSON, naming the
// value a finding rejects and what is allowed; the structured values are in the details.
// Every fixture case (fixtures/pod-security/<folder>.yaml) is evaluated by the committed
// wasm/<folder>.wasm, what `offgate lint` loads; and each template's disallowed examples
// (rego/<folder>/examples/) are linted by the CLI with the example constraint under
// --policy, each message checked for the value its manifest sets.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { entrypointOf } from '../src/gatekeeper/bundled-wasm';
import { bundledTemplates } from '../src/gatekeeper/library';
import { loadPolicySync } from '../src/policy/sdk';
import { offgate } from './helpers/cli';

const ROOT = join(__dirname, '..');

/** JSON (or Go's map printing) inside a message: an object or array opening on a quoted key or string. */
const JSON_BLOB = /[{[]\s*"|map\[|\[\s*\]|\{\s*\}/;

interface FixtureCase {
  name: string;
  parameters?: Record<string, unknown>;
  operation?: string;
  object?: Record<string, unknown>;
  review?: Record<string, unknown>;
}

function reviewOf(c: FixtureCase): Record<string, unknown> {
  if (c.review) return c.review;
  const obj = c.object ?? {};
  const metadata = (obj.metadata ?? {}) as Record<string, unknown>;
  return { kind: { group: '', version: 'v1', kind: obj.kind ?? 'Pod' }, operation: c.operation ?? 'CREATE', name: metadata.name, namespace: 'default', object: obj };
}

/** Every message the committed module gives for the template's fixture cases. */
function fixtureMessages(folder: string, entrypoint: string): { case: string; msg: unknown }[] {
  const fixture = parseYaml(readFileSync(join(ROOT, 'fixtures/pod-security', `${folder}.yaml`), 'utf8')) as { cases: FixtureCase[] };
  const policy = loadPolicySync(readFileSync(join(ROOT, 'wasm', `${folder}.wasm`)));
  return fixture.cases.flatMap((c) => {
    const rs = policy.evaluate({ review: reviewOf(c), parameters: c.parameters ?? {} }, entrypoint);
    return ((rs[0]?.result ?? []) as { msg: unknown }[]).map((r) => ({ case: c.name, msg: r.msg }));
  });
}

describe.each(bundledTemplates())('$folder: messages of every fixture case', (t) => {
  it('are one plain line each, without JSON', () => {
    const messages = fixtureMessages(t.folder, entrypointOf(t));
    expect(messages.length, 'the fixtures produce findings').toBeGreaterThan(0);
    for (const m of messages) {
      expect(typeof m.msg, m.case).toBe('string');
      const msg = m.msg as string;
      expect(msg, m.case).not.toMatch(JSON_BLOB);
      expect(msg, m.case).not.toContain('\n');
      expect(msg.length, `${m.case}: ${msg}`).toBeLessThanOrEqual(300);
    }
  });
});

interface Expected {
  /** Texts the message of this file's finding must contain: the rejected value first. */
  says: string[];
  /** Details the finding's JSON carries (a subset). */
  details?: Record<string, unknown>;
}

/**
 * Per template, per disallowed example file, the findings it must give: what each message
 * says (the value the manifest sets, what is allowed). Checked exactly: no other finding.
 */
const EXPECTED: Record<string, Record<string, Expected[]>> = {
  'allow-privilege-escalation': {
    'disallowed.yaml': [{ says: ['container nginx', 'allowPrivilegeEscalation is not set', 'must be false'] }],
    'disallowed-deployment.yaml': [{ says: ['container migrate', 'allowPrivilegeEscalation: true', 'must be false'] }],
  },
  apparmor: {
    'disallowed.yaml': [{ says: ['container nginx', 'AppArmor profile unconfined', 'allowed: runtime/default, localhost/k8s-deny-write'], details: { profile: 'unconfined' } }],
    'disallowed-annotation.yaml': [{ says: ['container redis', 'AppArmor profile unconfined', 'allowed: runtime/default'] }],
  },
  capabilities: {
    'disallowed.yaml': [
      { says: ['container wireguard', 'adds capabilities NET_ADMIN, SYS_ADMIN', 'allowed: NET_BIND_SERVICE'], details: { capabilities: ['NET_ADMIN', 'SYS_ADMIN'], allowedCapabilities: ['NET_BIND_SERVICE'] } },
      { says: ['container wireguard', 'does not drop ALL'], details: { requiredDropCapabilities: ['ALL'] } },
    ],
  },
  'flexvolume-drivers': {
    'disallowed.yaml': [{ says: ['flexVolume reports', 'driver azure/blobfuse', 'allowed drivers: fstab/cifs'] }],
  },
  'forbidden-sysctls': {
    'disallowed.yaml': [{ says: ['sysctl kernel.shm_rmid_forced', 'forbidden: kernel.*, vm.*'], details: { sysctl: 'kernel.shm_rmid_forced', forbiddenSysctls: ['kernel.*', 'vm.*'] } }],
  },
  fsgroup: {
    'disallowed.yaml': [{ says: ['pod uploads', 'fsGroup 0', 'MustRunAs 1000-65535'], details: { fsGroup: 0 } }],
    'disallowed-missing.yaml': [{ says: ['pod uploads', 'sets no fsGroup', 'MustRunAs 1000-65535 requires one'] }],
  },
  'host-filesystem': {
    'disallowed.yaml': [{ says: ['hostPath volume docker-sock', 'mounts /var/run/docker.sock', 'not under an allowed host path', 'allowed: /var/log read-only'], details: { volume: { name: 'docker-sock', hostPath: { path: '/var/run/docker.sock' } } } }],
    // Under a read-only prefix, the path is fine and the writable mount is not: the message says so.
    'disallowed-daemonset.yaml': [{ says: ['hostPath volume varlog', 'mounts /var/log', 'may only be mounted read-only', 'container fluent-bit mounts it writable'] }],
  },
  'host-namespaces': {
    'disallowed.yaml': [{ says: ['pod node-debugger', "host's process namespace", 'spec.hostPID: true'] }],
  },
  'host-network-ports': {
    'disallowed.yaml': [{ says: ['pod node-exporter', 'the host network', 'no host network'] }],
    'disallowed-hostport.yaml': [{ says: ['pod ingress', 'host port 443 (container controller)', 'host ports 8000-8999'], details: { hostPorts: [443] } }],
  },
  'host-probes-lifecycle': {
    'disallowed.yaml': [{ says: ['container nginx', 'host 169.254.169.254'] }],
  },
  'host-process': {
    'disallowed.yaml': [{ says: ['pod windows-node-agent', 'windowsOptions.hostProcess: true'] }],
  },
  'privileged-containers': {
    'disallowed.yaml': [{ says: ['container docker runs privileged', 'securityContext.privileged: true'], details: { securityContext: { privileged: true } } }],
    'disallowed-deployment.yaml': [{ says: ['container sysctl runs privileged', 'securityContext.privileged: true'] }],
  },
  'proc-mount': {
    'disallowed.yaml': [{ says: ['container buildah', 'proc mount type Unmasked', 'allowed: Default'], details: { procMount: 'Unmasked' } }],
  },
  'read-only-root-filesystem': {
    'disallowed.yaml': [{ says: ['container nginx', 'readOnlyRootFilesystem: false', 'must be true'] }],
  },
  seccomp: {
    'disallowed.yaml': [{ says: ['container nginx', 'seccomp profile unconfined', "from the container's securityContext", 'allowed: localhost/*, runtime/default'], details: { profile: 'unconfined' } }],
    'disallowed-unset.yaml': [{ says: ['container redis', 'no seccomp profile', 'allowed: localhost/*, runtime/default'] }],
  },
  seccompv2: {
    'disallowed.yaml': [{ says: ['container nginx', 'no seccomp profile', 'Localhost with file profiles/audit.json, RuntimeDefault'] }],
  },
  selinux: {
    'disallowed.yaml': [{ says: ['container agent', 'SELinux options type spc_t', 'allowed: type container_t; type container_init_t'], details: { seLinuxOptions: { type: 'spc_t' } } }],
  },
  users: {
    'disallowed.yaml': [{ says: ['container nginx', 'as user 0', 'runAsUser policy MustRunAs 1000-65535'], details: { runAsUser: 0 } }],
  },
  volumes: {
    'disallowed.yaml': [{ says: ['volume type hostPath', '(volume data)', 'allowed: configMap, csi'], details: { volumeType: 'hostPath', volumes: ['data'] } }],
    'disallowed-statefulset.yaml': [{ says: ['volume type nfs', '(volume backups)'] }],
  },
};

interface JsonResult {
  file: string;
  message: string;
  details: Record<string, unknown>;
}

describe('the disallowed examples, linted by the CLI', () => {
  it('cover every bundled template and every disallowed example', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(bundledTemplates().map((t) => t.folder).sort());
    for (const t of bundledTemplates()) {
      const files = readdirSync(join(ROOT, 'rego', t.folder, 'examples')).filter((f) => f.startsWith('disallowed'));
      expect(Object.keys(EXPECTED[t.folder]).sort(), t.folder).toEqual(files.sort());
    }
  });

  it.each(Object.keys(EXPECTED))('%s: each message names the rejected value and what is allowed, the details carry the values', (folder) => {
    const dir = mkdtempSync(join(tmpdir(), `offgate-messages-${folder}-`));
    const examples = join(ROOT, 'rego', folder, 'examples');
    mkdirSync(join(dir, 'policy'));
    cpSync(join(examples, 'constraint.yaml'), join(dir, 'policy', 'constraint.yaml'));
    const files = Object.keys(EXPECTED[folder]);
    for (const f of files) cpSync(join(examples, f), join(dir, f));

    const r = offgate(['lint', '--policy', 'policy', '-o', 'json', ...files], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const results = (JSON.parse(r.stdout) as { results: JsonResult[] }).results;
    for (const f of files) {
      const mine = results.filter((x) => x.file === f);
      const want = EXPECTED[folder][f];
      expect(mine.map((x) => x.message), f).toHaveLength(want.length);
      for (const w of want) {
        const hit = mine.find((x) => w.says.every((s) => x.message.includes(s)));
        expect(hit, `${f}: a message saying ${JSON.stringify(w.says)} among ${JSON.stringify(mine.map((x) => x.message))}`).toBeDefined();
        expect(hit!.message).not.toMatch(JSON_BLOB);
        if (w.details) expect(hit!.details).toMatchObject(w.details);
      }
    }
  }, 60_000);
});
