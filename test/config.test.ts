// offgate.yaml: discovery, the presets, environment resolution, every error the loader
// reports, and the starter file.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starterConfig, STARTER_ORDER } from '../src/config/init';
import { findConfigFile, loadConfig, parseConfig } from '../src/config/load';
import { maxEnvironmentNameLength, renderedTemplate, restrictionNames, restrictionTemplate, type Config } from '../src/config/model';
import { PSS_BASELINE_CAPABILITIES, PSS_RESTRICTED_VOLUMES, defaultParameters, presetEnvironment } from '../src/config/presets';
import { resolveEnvironment, type ResolvedEnvironment } from '../src/config/resolve';
import { closest } from '../src/config/suggest';
import { loadBundledWasm } from '../src/gatekeeper/bundled-wasm';
import { validateConstraint } from '../src/gatekeeper/constraint-schema';
import { evaluate, type PrecompiledTemplate } from '../src/gatekeeper/engine';
import { bundledTemplates } from '../src/gatekeeper/library';
import type { K8sObject } from '../src/gatekeeper/types';

const FIXTURES = resolve(__dirname, '../fixtures/config');

function load(text: string, file = 'offgate.yaml'): Config {
  const r = parseConfig(text, file);
  if ('error' in r) throw new Error(r.errors.join('\n'));
  return r.config;
}

function errorsOf(text: string): string[] {
  const r = parseConfig(text, 'offgate.yaml');
  return 'errors' in r ? r.errors : [];
}

function resolved(config: Config | null, env?: string): ResolvedEnvironment {
  const r = resolveEnvironment(config, env);
  if ('error' in r) throw new Error(r.error);
  return r;
}

function loadFixture(name: string): Config {
  const r = loadConfig({ cwd: FIXTURES, configPath: name });
  if ('error' in r) throw new Error(r.errors.join('\n'));
  return r.config!;
}

/** Constraints by restriction (the name's suffix after offgate-<env>-). */
function byRestriction(r: ResolvedEnvironment): Map<string, K8sObject> {
  const prefix = `offgate-${r.environment}-`;
  return new Map(r.constraints.map((c) => [c.metadata!.name!.slice(prefix.length), c]));
}

function spec(c: K8sObject | undefined): { enforcementAction: string; match: Record<string, unknown>; parameters?: Record<string, unknown> } {
  if (!c) throw new Error('no such constraint');
  return c.spec as never;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'offgate-config-'));
}

function expectValid(constraints: K8sObject[]): void {
  for (const c of constraints) {
    const t = bundledTemplates().find((b) => b.metadata.kind === c.kind)!;
    const v = validateConstraint(renderedTemplate(t.folder), c);
    expect('errors' in v ? v.errors : [], `${c.metadata?.name}`).toEqual([]);
  }
}

// ---------------------------------------------------------------------------

describe('finding offgate.yaml', () => {
  it('searches upward from the working directory', () => {
    const cwd = join(FIXTURES, 'discovery/apps/web');
    const r = loadConfig({ cwd });
    expect('config' in r && r.config).toBeTruthy();
    const config = (r as { config: Config }).config;
    expect(config.file).toBe(join('..', '..', 'offgate.yaml'));
    expect(config.path).toBe(join(FIXTURES, 'discovery/offgate.yaml'));
    const env = resolved(config);
    expect(env.source).toBe('environment "default" of ../../offgate.yaml (extends baseline)');
    expect(env.constraints.every((c) => spec(c).enforcementAction === 'warn')).toBe(true);
  });

  it('finds the hidden spelling .offgate.yaml', () => {
    expect(findConfigFile(join(FIXTURES, 'dotfile/sub'))).toBe(join(FIXTURES, 'dotfile/.offgate.yaml'));
  });

  it('takes the nearest file', () => {
    const root = tempDir();
    mkdirSync(join(root, 'a/b'), { recursive: true });
    writeFileSync(join(root, 'offgate.yaml'), 'environments: {far: {extends: baseline}}\n');
    writeFileSync(join(root, 'a/offgate.yaml'), 'environments: {near: {extends: restricted}}\n');
    const r = loadConfig({ cwd: join(root, 'a/b') });
    expect('config' in r && [...r.config!.environments.keys()]).toEqual(['near']);
  });

  it('returns no configuration when there is none, and the baseline preset then applies', () => {
    const r = loadConfig({ cwd: tempDir() });
    expect(r).toEqual({ config: null });
    const env = resolved(null);
    expect(env.source).toBe('bundled baseline preset (no offgate.yaml)');
    expect(env.environment).toBe('baseline');
  });

  it('refuses two configuration files in one directory', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'offgate.yaml'), 'environments: {a: {}}\n');
    writeFileSync(join(dir, '.offgate.yaml'), 'environments: {b: {}}\n');
    const r = loadConfig({ cwd: dir });
    expect('error' in r && r.error).toBe(`${dir}: offgate.yaml and .offgate.yaml both exist; keep one`);
  });

  it('reads --config instead of searching, relative to the working directory', () => {
    const r = loadConfig({ cwd: join(FIXTURES, 'discovery/apps/web'), configPath: '../../../chain.yaml' });
    expect('config' in r && r.config!.file).toBe('../../../chain.yaml');
    expect('config' in r && [...r.config!.environments.keys()]).toEqual(['production', 'staging', 'dev']);
  });

  it('reports a missing --config file', () => {
    const r = loadConfig({ cwd: FIXTURES, configPath: 'nope.yaml' });
    expect(r).toEqual({ error: 'nope.yaml: no such file (given with --config)', errors: ['nope.yaml: no such file (given with --config)'] });
  });
});

// ---------------------------------------------------------------------------

describe('presets', () => {
  const kindsOf = (r: ResolvedEnvironment) => r.constraints.map((c) => c.kind).sort();
  const bundle = (b: string) => bundledTemplates().filter((t) => t.metadata.bundles.includes(b)).map((t) => t.metadata.kind).sort();

  it.each(['baseline', 'restricted'])('%s turns on exactly the templates of its pod-security bundle', (preset) => {
    const r = resolved(null, preset);
    expect(kindsOf(r)).toEqual(bundle(`pod-security-${preset}`));
    expect(r.source).toBe(`bundled ${preset} preset`);
    expect(r.chain).toEqual([preset]);
    expectValid(r.constraints);
  });

  it('name every restriction, on or off', () => {
    for (const p of ['baseline', 'restricted'] as const) {
      expect(Object.keys(presetEnvironment(p).restrictions).sort()).toEqual(restrictionNames().sort());
    }
  });

  it('emit Constraints that match Pods and deny', () => {
    for (const c of resolved(null, 'restricted').constraints) {
      expect(c.apiVersion).toBe('constraints.gatekeeper.sh/v1beta1');
      expect(c.metadata?.name).toMatch(/^offgate-restricted-[a-z0-9-]+$/);
      expect(spec(c).match).toEqual({ kinds: [{ apiGroups: [''], kinds: ['Pod'] }] });
      expect(spec(c).enforcementAction).toBe('deny');
    }
  });

  it('carry the Pod Security Standards values', () => {
    const b = byRestriction(resolved(null, 'baseline'));
    const r = byRestriction(resolved(null, 'restricted'));
    expect(spec(b.get('capabilities')).parameters).toEqual({ allowedCapabilities: PSS_BASELINE_CAPABILITIES });
    expect(spec(r.get('capabilities')).parameters).toEqual({ allowedCapabilities: ['NET_BIND_SERVICE'], requiredDropCapabilities: ['ALL'] });
    expect(spec(b.get('host-network-ports')).parameters).toEqual({ hostNetwork: false, min: 0, max: 0 });
    expect(spec(b.get('seccompv2')).parameters).toEqual({ allowedProfiles: ['RuntimeDefault', 'Localhost', 'not configured'], allowedLocalhostFiles: ['*'] });
    expect(spec(r.get('seccompv2')).parameters).toEqual({ allowedProfiles: ['RuntimeDefault', 'Localhost'], allowedLocalhostFiles: ['*'] });
    expect(spec(r.get('volumes')).parameters).toEqual({ volumes: PSS_RESTRICTED_VOLUMES });
    expect(spec(r.get('users')).parameters).toEqual({ runAsUser: { rule: 'MustRunAsNonRoot' } });
    expect(spec(b.get('proc-mount')).parameters).toEqual({ procMount: 'Default' });
    expect(spec(b.get('host-filesystem')).parameters).toEqual({ allowedHostPaths: [] });
    expect(spec(b.get('privileged-containers')).parameters).toBeUndefined();
    expect(spec(b.get('forbidden-sysctls')).parameters?.allowedSysctls).toContain('net.ipv4.ping_group_range');
  });

  it('give every restriction parameters its template accepts when turned on with true', () => {
    const config = load(`environments:\n  all:\n    restrictions:\n${restrictionNames().map((r) => `      ${r}: true`).join('\n')}\n`);
    const r = resolved(config, 'all');
    expect(r.constraints).toHaveLength(19);
    expectValid(r.constraints);
    expect(spec(byRestriction(r).get('fsgroup')).parameters).toEqual(defaultParameters('fsgroup'));
  });

  // The presets are judged by what they do: a pod that meets the level passes, each
  // kind of breach is caught, by the bundled templates themselves.
  describe('verdicts', () => {
    const precompiled: PrecompiledTemplate[] = bundledTemplates().map((t) => ({
      kind: t.metadata.kind,
      wasm: loadBundledWasm(t),
      entrypoint: `${t.package.replace(/\./g, '/')}/violation`,
      template: renderedTemplate(t.folder),
    }));
    const kindsFlagging = (preset: string, podSpec: Record<string, unknown>): string[] => {
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: podSpec };
      const out = evaluate({
        objects: [{ object: pod }],
        constraints: resolved(null, preset).constraints.map((object) => ({ object })),
        precompiled,
        options: { cacheDir: null },
      });
      expect(out.errors).toEqual([]);
      return [...new Set(out.results.map((r) => r.constraint.kind))].sort();
    };
    const plain = { containers: [{ name: 'web', image: 'nginx:1.27' }] };
    const hardened = {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'web',
          image: 'nginx:1.27',
          ports: [{ containerPort: 8080 }],
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
        },
      ],
      volumes: [{ name: 'cache', emptyDir: {} }],
    };

    it('baseline admits a plain pod; restricted admits a hardened one', () => {
      expect(kindsFlagging('baseline', plain)).toEqual([]);
      expect(kindsFlagging('restricted', hardened)).toEqual([]);
    });

    it('restricted refuses the plain pod for what it leaves unset', () => {
      expect(kindsFlagging('restricted', plain)).toEqual(['K8sPSPAllowPrivilegeEscalationContainer', 'K8sPSPAllowedUsers', 'K8sPSPCapabilities', 'K8sPSPSeccompV2']);
    });

    it.each([
      ['privileged', { containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }] }, 'K8sPSPPrivilegedContainer'],
      ['host network', { hostNetwork: true, containers: [{ name: 'a', image: 'x' }] }, 'K8sPSPHostNetworkingPorts'],
      ['a host port', { containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 80 }] }] }, 'K8sPSPHostNetworkingPorts'],
      ['host PID', { hostPID: true, containers: [{ name: 'a', image: 'x' }] }, 'K8sPSPHostNamespace'],
      ['SYS_ADMIN', { containers: [{ name: 'a', image: 'x', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] }, 'K8sPSPCapabilities'],
      ['a hostPath volume', { volumes: [{ name: 'h', hostPath: { path: '/etc' } }], containers: [{ name: 'a', image: 'x' }] }, 'K8sPSPHostFilesystem'],
      ['seccomp Unconfined', { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'a', image: 'x' }] }, 'K8sPSPSeccompV2'],
      ['an unsafe sysctl', { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] }, containers: [{ name: 'a', image: 'x' }] }, 'K8sPSPForbiddenSysctls'],
      ['SELinux spc_t', { containers: [{ name: 'a', image: 'x', securityContext: { seLinuxOptions: { type: 'spc_t' } } }] }, 'K8sPSPSELinuxV2'],
      ['an unmasked /proc', { containers: [{ name: 'a', image: 'x', securityContext: { procMount: 'Unmasked' } }] }, 'K8sPSPProcMount'],
      ['AppArmor unconfined', { securityContext: { appArmorProfile: { type: 'Unconfined' } }, containers: [{ name: 'a', image: 'x' }] }, 'K8sPSPAppArmor'],
    ])('baseline refuses %s', (_, podSpec, kind) => {
      expect(kindsFlagging('baseline', podSpec)).toEqual([kind]);
    });

    it('baseline admits what the level allows: baseline capabilities, the safe sysctls, container_t, Localhost seccomp', () => {
      expect(
        kindsFlagging('baseline', {
          securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }], seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } },
          containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 0 }], securityContext: { capabilities: { add: ['CHOWN', 'NET_BIND_SERVICE'] }, seLinuxOptions: { type: 'container_t' } } }],
        }),
      ).toEqual([]);
    });
  });
});

// ---------------------------------------------------------------------------

describe('resolving environments', () => {
  const config = loadFixture('chain.yaml');

  it('production: restricted, with its own additions, removals and scope', () => {
    const r = resolved(config, 'production');
    expect(r.chain).toEqual(['production', 'restricted']);
    expect(r.source).toBe('environment "production" of chain.yaml (extends restricted)');
    const c = byRestriction(r);
    expect([...c.keys()].sort()).toEqual(
      [...Object.entries(presetEnvironment('restricted').restrictions).filter(([, s]) => s).map(([k]) => k), 'read-only-root-filesystem'].filter((k) => k !== 'apparmor').sort(),
    );
    expect(spec(c.get('host-network-ports')).parameters).toEqual({ hostNetwork: false, min: 8000, max: 9000 });
    // Parameters replace the preset's; the restriction's own action beats the environment's.
    expect(spec(c.get('capabilities'))).toMatchObject({ enforcementAction: 'warn', parameters: { allowedCapabilities: ['NET_BIND_SERVICE', 'CHOWN'], requiredDropCapabilities: ['ALL'] } });
    expect(spec(c.get('privileged-containers')).enforcementAction).toBe('deny');
    expect(spec(c.get('privileged-containers')).match.excludedNamespaces).toEqual(['kube-system', 'gatekeeper-system']);
    expect(spec(c.get('volumes')).match.excludedNamespaces).toEqual(['monitoring']);
    expect(spec(c.get('read-only-root-filesystem')).parameters).toBeUndefined();
    // `true` on a restriction the preset already had keeps its parameters.
    expect(spec(c.get('users')).parameters).toEqual({ runAsUser: { rule: 'MustRunAsNonRoot' } });
    expectValid(r.constraints);
  });

  it('staging: everything inherited warns; a restriction-level action in staging still wins', () => {
    const r = resolved(config, 'staging');
    expect(r.chain).toEqual(['staging', 'production', 'restricted']);
    expect(r.source).toBe('environment "staging" of chain.yaml (extends production → restricted)');
    const c = byRestriction(r);
    expect(c.has('users')).toBe(false);
    expect(spec(c.get('capabilities'))).toMatchObject({ enforcementAction: 'dryrun', parameters: { allowedCapabilities: ['NET_BIND_SERVICE', 'CHOWN'] } });
    for (const [name, constraint] of c) if (name !== 'capabilities') expect(spec(constraint).enforcementAction, name).toBe('warn');
    // Off in production, on again here: the restriction's defaults, not the preset's `false`.
    expect(spec(c.get('apparmor')).parameters).toEqual(defaultParameters('apparmor'));
    expect(spec(c.get('volumes')).match.excludedNamespaces).toEqual(['monitoring']);
    expect(spec(c.get('host-network-ports')).match.excludedNamespaces).toEqual(['kube-system', 'gatekeeper-system']);
    expectValid(r.constraints);
  });

  it('dev: a third level adds namespaces and parameters to an inherited restriction', () => {
    const r = resolved(config, 'dev');
    expect(r.chain).toEqual(['dev', 'staging', 'production', 'restricted']);
    const c = byRestriction(r);
    for (const constraint of c.values()) expect(spec(constraint).match.namespaces).toEqual(['dev-*']);
    expect(spec(c.get('read-only-root-filesystem'))).toMatchObject({ enforcementAction: 'warn', parameters: { exemptImages: ['registry.example/debug/*'] } });
    expect(spec(c.get('capabilities')).enforcementAction).toBe('dryrun');
    expect(r.constraints.map((x) => x.metadata?.name)).toContain('offgate-dev-read-only-root-filesystem');
    expectValid(r.constraints);
  });

  it('a child parameters object replaces the parent one as a whole', () => {
    const cfg = load(`environments:
  a: {restrictions: {host-network-ports: {hostNetwork: true, min: 1, max: 2}}}
  b: {extends: a, restrictions: {host-network-ports: {max: 10}}}
`);
    expect(spec(byRestriction(resolved(cfg, 'b')).get('host-network-ports')).parameters).toEqual({ max: 10 });
  });

  it('an environment without extends starts with nothing on', () => {
    const r = resolved(load('environments:\n  solo:\n    restrictions: {privileged-containers: true}\n'));
    expect(r.constraints.map((c) => c.kind)).toEqual(['K8sPSPPrivilegedContainer']);
    expect(r.source).toBe('environment "solo" of offgate.yaml');
  });

  it('picks "default" without --env, else the only environment, else asks', () => {
    expect(resolved(load('environments: {x: {}, default: {extends: baseline}}\n')).environment).toBe('default');
    expect(resolved(load('environments: {only: {extends: restricted}}\n')).environment).toBe('only');
    expect(resolveEnvironment(config)).toEqual({ error: 'chain.yaml: several environments (production, staging, dev) and none named "default": choose one with --env' });
  });

  it('--env takes a preset by name even with a configuration', () => {
    const r = resolved(config, 'restricted');
    expect(r.source).toBe('bundled restricted preset');
    expect(r.constraints[0]!.metadata?.name).toMatch(/^offgate-restricted-/);
  });

  it('reports an unknown --env, with a suggestion', () => {
    expect(resolveEnvironment(config, 'prod')).toEqual({ error: 'chain.yaml: unknown environment "prod" (did you mean "production"?)' });
    expect(resolveEnvironment(config, 'qa')).toEqual({ error: 'chain.yaml: unknown environment "qa" (environments and presets: production, staging, dev, baseline, restricted)' });
    expect(resolveEnvironment(null, 'restrcted')).toEqual({ error: 'unknown environment "restrcted": there is no offgate.yaml, and it is not a preset (did you mean "restricted"?)' });
  });

  it('guards configurations built in code against cycles and unknown parents', () => {
    const cyclic: Config = { file: 'x.yaml', path: 'x.yaml', environments: new Map([['a', { extends: 'b', restrictions: {} }], ['b', { extends: 'a', restrictions: {} }]]) };
    expect(resolveEnvironment(cyclic, 'a')).toEqual({ error: 'x.yaml: environment "a" extends itself: a → b → a' });
    const orphan: Config = { file: 'x.yaml', path: 'x.yaml', environments: new Map([['a', { extends: 'gone', restrictions: {} }]]) };
    expect(resolveEnvironment(orphan, 'a')).toEqual({ error: 'x.yaml: environment "a" extends unknown environment "gone"' });
  });

  it('reports a constraint its template refuses (configurations built in code)', () => {
    const bad: Config = { file: 'x.yaml', path: 'x.yaml', environments: new Map([['a', { restrictions: { 'host-network-ports': { parameters: { min: 'low' } } } }]]) };
    const r = resolveEnvironment(bad, 'a');
    expect('error' in r && r.error).toBe('environment "a" of x.yaml: K8sPSPHostNetworkingPorts/offgate-a-host-network-ports: spec.parameters.min: must be of type integer, got string');
  });
});

// ---------------------------------------------------------------------------

describe('errors in offgate.yaml', () => {
  it('reports every mistake of a file at once, one line each, at the offending key or value', () => {
    const r = loadConfig({ cwd: FIXTURES, configPath: 'errors.yaml' });
    expect('errors' in r && r.errors).toEqual([
      'errors.yaml:5:24: enforcementAction in environment "production" must be one of deny, dryrun, warn, got "block"',
      'errors.yaml:6:26: excludedNamespaces[0] in environment "production" must be a namespace name or pattern (lower case letters, digits, "-" and ":", with an optional "*" at either end), got the string "Kube-System"',
      'errors.yaml:8:7: unknown key "privilegd-containers" in environment "production" (did you mean "privileged-containers"?)',
      'errors.yaml:9:54: parameter "min" of restriction "host-network-ports" in environment "production" must be of type integer, got string',
      'errors.yaml:10:29: unknown key "ruel" in parameter "runAsUser" of restriction "users" in environment "production" (did you mean "rule"?)',
      'errors.yaml:11:23: unknown key "allowedCapabilites" in restriction "capabilities" of environment "production" (did you mean "allowedCapabilities"?)',
      'errors.yaml:12:17: restriction "apparmor" in environment "production" must be true, false or a mapping of parameters, got the string "yes"',
      'errors.yaml:4:14: environment "production" extends "restricetd", which is neither an environment nor a preset (did you mean "restricted"?)',
    ]);
    expect('error' in r && r.error).toBe('errors.yaml:5:24: enforcementAction in environment "production" must be one of deny, dryrun, warn, got "block"');
  });

  const cases: [string, string, string][] = [
    ['an unknown top-level key', 'enviroments: {}\n', 'offgate.yaml:1:1: unknown key "enviroments" (did you mean "environments"?)'],
    ['an unknown environment key', 'environments:\n  p:\n    extend: baseline\n', 'offgate.yaml:3:5: unknown key "extend" in environment "p" (did you mean "extends"?)'],
    ['a restriction outside "restrictions:"', 'environments:\n  p:\n    volumes: true\n', 'offgate.yaml:3:5: unknown key "volumes" in environment "p" (restrictions go under "restrictions:")'],
    ['a restriction nothing resembles', 'environments:\n  p:\n    restrictions: {gpu: true}\n', `offgate.yaml:3:20: unknown key "gpu" in environment "p" (restrictions: ${restrictionNames().join(', ')})`],
    ['a wrong type deep in the parameters', 'environments:\n  p:\n    restrictions:\n      host-filesystem:\n        allowedHostPaths:\n          - {pathPrefix: /var/log, readOnly: "yes"}\n', 'offgate.yaml:6:46: parameter "allowedHostPaths[0].readOnly" of restriction "host-filesystem" in environment "p" must be of type boolean, got string'],
    ['a value outside an enum', 'environments:\n  p:\n    restrictions:\n      users: {runAsUser: {rule: NonRoot}}\n', 'offgate.yaml:4:33: parameter "runAsUser.rule" of restriction "users" in environment "p" must be one of "MustRunAs", "MustRunAsNonRoot", "RunAsAny", got "NonRoot"'],
    ['parameters for a restriction that takes none', 'environments:\n  p:\n    restrictions:\n      host-namespaces: {hostPID: false}\n', 'offgate.yaml:4:25: unknown key "hostPID" in restriction "host-namespaces" of environment "p" (it takes no parameters, only enforcementAction, excludedNamespaces, namespaces, kinds, labelSelector, namespaceSelector, scope, name)'],
    ['a parameter without a value', 'environments:\n  p:\n    restrictions:\n      volumes: {volumes: }\n', 'offgate.yaml:4:17: parameter "volumes" of restriction "volumes" in environment "p" has no value'],
    ['a restriction without a value', 'environments:\n  p:\n    restrictions:\n      apparmor:\n', 'offgate.yaml:4:7: restriction "apparmor" in environment "p" has no value: write true, false or its parameters'],
    ['a restriction-level action', 'environments:\n  p:\n    restrictions:\n      volumes: {enforcementAction: wran}\n', 'offgate.yaml:4:36: enforcementAction of restriction "volumes" in environment "p" must be one of deny, dryrun, warn, got "wran" (did you mean "warn"?)'],
    ['namespaces that are not a list', 'environments:\n  p:\n    namespaces: shop\n', 'offgate.yaml:3:17: namespaces in environment "p" must be a list of namespace names or patterns, got the string "shop"'],
    ['an unknown preset', 'environments:\n  p:\n    extends: baseline-v2\n', 'offgate.yaml:3:14: environment "p" extends "baseline-v2", which is neither an environment nor a preset (did you mean "baseline"?)'],
    ['an extends cycle', 'environments:\n  a: {extends: b}\n  b: {extends: c}\n  c: {extends: a}\n', 'offgate.yaml:2:16: environment "a" extends itself: a → b → c → a'],
    ['an environment extending itself', 'environments:\n  a: {extends: a}\n', 'offgate.yaml:2:16: environment "a" extends itself: a → a'],
    ['an environment named after a preset', 'environments:\n  restricted: {}\n', 'offgate.yaml:2:3: environment name "restricted" is the name of a built-in preset; choose another name and write "extends: restricted"'],
    ['an environment name Constraints cannot carry', 'environments:\n  Prod_1: {}\n', 'offgate.yaml:2:3: environment name "Prod_1" must be lower case letters, digits and "-", starting and ending with a letter or digit (it becomes part of Constraint names)'],
    ['a YAML syntax error', 'environments:\n  p: {extends: baseline\n', 'offgate.yaml:2:24: unexpected end of the stream within a flow collection'],
    ['a duplicate key', 'environments:\n  p: {}\n  p: {}\n', 'offgate.yaml:3:3: duplicate key "p"'],
    ['a second document', 'environments:\n  p: {}\n---\nenvironments: {}\n', 'offgate.yaml:4:1: a second YAML document: offgate.yaml holds one'],
    ['an empty file', '# nothing yet\n', 'offgate.yaml:1:1: no environments: the file must define "environments:"'],
    ['no environment at all', 'environments:\n', 'offgate.yaml:1:1: no environments: define at least one under "environments:"'],
    ['an environment that is not a mapping', 'environments:\n  p: [baseline]\n', 'offgate.yaml:2:6: environment "p" must be a mapping (keys: extends, paths, enforcementAction, excludedNamespaces, namespaces, kinds, labelSelector, namespaceSelector, scope, name, restrictions), got a list'],
  ];

  it.each(cases)('%s', (_, text, error) => {
    expect(errorsOf(text)).toEqual([error]);
  });

  it('refuses environment names too long for Constraint names', () => {
    const max = maxEnvironmentNameLength();
    expect(errorsOf(`environments:\n  ${'e'.repeat(max)}: {extends: restricted}\n`)).toEqual([]);
    expect(errorsOf(`environments:\n  ${'e'.repeat(max + 1)}: {}\n`)[0]).toMatch(/^offgate\.yaml:2:3: environment name "e+" is longer than \d+ characters/);
    // The longest allowed name still gives valid Constraints.
    expectValid(resolved(load(`environments:\n  ${'e'.repeat(max)}: {extends: restricted, restrictions: {read-only-root-filesystem: true, allow-privilege-escalation: true}}\n`)).constraints);
  });

  it('reads anchors and aliases, each environment with its own copy of the parameters', () => {
    const config = load('environments:\n  a:\n    restrictions:\n      volumes: {volumes: &v [configMap, secret]}\n  b:\n    restrictions:\n      volumes: {volumes: *v}\n');
    const a = config.environments.get('a')!.restrictions.volumes as { parameters: { volumes: string[] } };
    const b = config.environments.get('b')!.restrictions.volumes as { parameters: { volumes: string[] } };
    expect(b.parameters.volumes).toEqual(['configMap', 'secret']);
    expect(b.parameters.volumes).not.toBe(a.parameters.volumes);
  });

  it('reads one document between markers', () => {
    expect(errorsOf('---\nenvironments:\n  p: {}\n---\n')).toEqual([]);
    expect(errorsOf('# config\n---\nenvironments:\n  p: {}\n...\n')).toEqual([]);
  });

  it('places a bad value reached through an alias where it is written', () => {
    const bad = (env: string) => `offgate.yaml:3:22: namespaces[0] in environment "${env}" must be a namespace name or pattern (lower case letters, digits, "-" and ":", with an optional "*" at either end), got the string "Shop"`;
    expect(errorsOf('environments:\n  p:\n    namespaces: &ns [Shop]\n  q:\n    namespaces: *ns\n')).toEqual([bad('p'), bad('q')]);
  });

  it('reports each cycle once, whichever member it is entered from', () => {
    expect(errorsOf('environments:\n  a: {extends: b}\n  b: {extends: a}\n  c: {extends: a}\n')).toEqual(['offgate.yaml:2:16: environment "a" extends itself: a → b → a']);
  });

  it('follows YAML anchors and aliases', () => {
    const cfg = load('environments:\n  a: {restrictions: {volumes: &v {volumes: [secret]}}}\n  b: {restrictions: {volumes: *v}}\n');
    expect(spec(byRestriction(resolved(cfg, 'b')).get('volumes')).parameters).toEqual({ volumes: ['secret'] });
  });

  it('suggests only what is close', () => {
    expect(closest('privileged', restrictionNames())).toBe('privileged-containers');
    expect(closest('seccompv3', restrictionNames())).toBe('seccompv2');
    expect(closest('zz', restrictionNames())).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------

describe('the starter offgate.yaml', () => {
  const text = starterConfig();

  it('loads without errors; default is baseline and production is restricted', () => {
    const config = load(text);
    expect([...config.environments.keys()]).toEqual(['default', 'production']);
    const names = (r: ResolvedEnvironment) => r.constraints.map((c) => c.kind);
    expect(names(resolved(config))).toEqual(names(resolved(null, 'baseline')));
    expect(names(resolved(config, 'production'))).toEqual(names(resolved(null, 'restricted')));
    expect(resolved(config).source).toBe('environment "default" of offgate.yaml (extends baseline)');
  });

  it('lists all 19 restrictions, with their titles and Portainer names', () => {
    expect([...STARTER_ORDER].sort()).toEqual(restrictionNames().sort());
    expect(STARTER_ORDER).toHaveLength(19);
    for (const name of restrictionNames()) {
      const m = restrictionTemplate(name).metadata;
      expect(text, name).toMatch(new RegExp(`^ {6}# ${name}:`, 'm'));
      expect(text, name).toContain(m.title);
      if (m.portainer) expect(text, name).toContain(m.portainer);
    }
  });

  it('still loads with every example uncommented, and then sets every parameter of every restriction', () => {
    const uncommented = text.replace(/^(\s*)# /gm, '$1');
    const config = load(uncommented);
    const env = config.environments.get('default')!;
    expect(Object.keys(env.restrictions).sort()).toEqual(restrictionNames().sort());
    for (const [name, setting] of Object.entries(env.restrictions)) {
      const declared = Object.keys((restrictionTemplate(name).metadata.parameters.properties as object | undefined) ?? {});
      const given = typeof setting === 'object' ? Object.keys(setting.parameters ?? {}) : [];
      expect(given.sort(), name).toEqual(declared.sort());
    }
    expectValid(resolved(config).constraints);
    expectValid(resolved(config, 'production').constraints);
  });
});
