// `offgate config show [--env X] [-o yaml|json]` (issue 15 item 3): the effective constraints
// of an environment, each value with where it was set: a line of offgate.yaml, an
// environment it extends, a preset, a default. Through the built CLI, and the provenance
// function others reuse (src/config/provenance.ts).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../src/config/load';
import { environmentProvenance, type ConstraintProvenance, type EnvironmentProvenance } from '../src/config/provenance';
import { offgate } from './helpers/cli';

// Line numbers below are this file's: keep them in step when editing it.
const OFFGATE_YAML = `environments:
  production:
    extends: restricted
    excludedNamespaces: [kube-system]
    paths: [k8s/prod/]
    restrictions:
      capabilities:
        allowedCapabilities: [NET_BIND_SERVICE]
        requiredDropCapabilities: [ALL]
        labelSelector: {matchLabels: {tier: web}}
      apparmor: false
  staging:
    extends: production
    enforcementAction: warn
    restrictions:
      host-network-ports: {hostNetwork: false, min: 8000, max: 9000}
`;

function repo(text = OFFGATE_YAML): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-show-'));
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'offgate.yaml'), text);
  return dir;
}

function byRestriction(doc: EnvironmentProvenance, restriction: string): ConstraintProvenance {
  const c = doc.constraints.find((x) => x.restriction === restriction);
  if (!c) throw new Error(`no ${restriction}`);
  return c;
}

describe('offgate config show', () => {
  it('yaml (the default): every value of the environment with where it was set', () => {
    const r = offgate(['config', 'show', '--env', 'staging'], { cwd: repo() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = parse(r.stdout) as EnvironmentProvenance;
    expect(doc.environment).toBe('staging');
    expect(doc.source).toBe('environment "staging" of offgate.yaml (extends production → restricted)');
    expect(doc.chain).toEqual(['staging', 'production', 'restricted']);
    expect(doc.constraints.map((c) => c.restriction)).not.toContain('apparmor');

    const caps = byRestriction(doc, 'capabilities');
    expect(caps.name).toBe('offgate-staging-capabilities');
    expect(caps.kind).toBe('K8sPSPCapabilities');
    expect(caps.on).toBe('offgate.yaml:8:9 (environment production, extended)');
    expect(caps.enforcementAction).toEqual({ value: 'warn', from: 'offgate.yaml:14:24' });
    expect(caps.parameters).toEqual({
      allowedCapabilities: { value: ['NET_BIND_SERVICE'], from: 'offgate.yaml:8:30 (environment production, extended)' },
      requiredDropCapabilities: { value: ['ALL'], from: 'offgate.yaml:9:35 (environment production, extended)' },
    });
    expect(caps.match).toEqual({
      kinds: { value: [{ apiGroups: [''], kinds: ['Pod'] }], from: 'default (offgate: Pods, and workloads through their Pods)' },
      excludedNamespaces: { value: ['kube-system'], from: 'offgate.yaml:4:25 (environment production, extended)' },
      labelSelector: { value: { matchLabels: { tier: 'web' } }, from: 'offgate.yaml:10:24 (environment production, extended)' },
    });

    const ports = byRestriction(doc, 'host-network-ports');
    expect(ports.on).toBe('offgate.yaml:16:27');
    expect(ports.parameters.min).toEqual({ value: 8000, from: 'offgate.yaml:16:53' });

    const users = byRestriction(doc, 'users');
    expect(users.on).toBe('preset restricted');
    expect(users.parameters.runAsUser).toEqual({ value: { rule: 'MustRunAsNonRoot' }, from: 'preset restricted' });
  });

  it('yaml keeps each value on one line next to its origin', () => {
    const r = offgate(['config', 'show', '--env', 'production'], { cwd: repo() });
    expect(r.stdout).toContain('      excludedNamespaces:\n        value: [kube-system]\n        from: offgate.yaml:4:25\n');
    expect(r.stdout).toContain('paths:\n  value: [k8s/prod/]\n  from: offgate.yaml:5:12\n');
  });

  it('-o json: the same document', () => {
    const cwd = repo();
    const json = offgate(['config', 'show', '--env', 'staging', '-o', 'json'], { cwd });
    const yaml = offgate(['config', 'show', '--env', 'staging'], { cwd });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(parse(yaml.stdout));
  });

  it('a preset, and the default environment without --env', () => {
    const preset = parse(offgate(['config', 'show', '--env', 'baseline'], { cwd: repo() }).stdout) as EnvironmentProvenance;
    expect(preset.source).toBe('bundled baseline preset');
    expect(byRestriction(preset, 'privileged-containers').enforcementAction).toEqual({ value: 'deny', from: 'default (Gatekeeper)' });
    const only = parse(offgate(['config', 'show'], { cwd: repo('environments:\n  default:\n    extends: baseline\n    restrictions:\n      volumes: true\n') }).stdout) as EnvironmentProvenance;
    expect(only.environment).toBe('default');
    expect(byRestriction(only, 'volumes').parameters.volumes!.from).toBe("default (the restriction's parameters for true)");
  });

  it('an unknown environment: one line, exit 2', () => {
    const r = offgate(['config', 'show', '--env', 'prodution'], { cwd: repo() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('offgate: offgate.yaml: unknown environment "prodution" (did you mean "production"?)\n');
  });

  it('a broken offgate.yaml: every error at its file:line:col, exit 2; an unknown format too', () => {
    const r = offgate(['config', 'show'], { cwd: repo('environments:\n  prod:\n    scope: Everything\n    labelSelector: {matchLabels: {a: "b c"}}\n') });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').map((l) => l.replace(/^offgate: (offgate\.yaml:\d+:\d+):.*$/, '$1'))).toEqual(['offgate.yaml:3:12', 'offgate.yaml:4:38']);
    const format = offgate(['config', 'show', '-o', 'xml'], { cwd: repo() });
    expect(format.code).toBe(2);
    expect(format.stderr).toBe('offgate: config show: unknown output format "xml" (expected: yaml or json)\n');
  });
});

describe('environmentProvenance (for explain and others)', () => {
  it('gives the values the constraints carry, each with its origin', () => {
    const parsed = parseConfig(OFFGATE_YAML, 'offgate.yaml');
    if ('error' in parsed) throw new Error(parsed.error);
    const shown = environmentProvenance(parsed.config, 'production');
    if ('error' in shown) throw new Error(shown.error);
    expect(shown.paths).toEqual({ value: ['k8s/prod/'], from: 'offgate.yaml:5:12' });
    expect(byRestriction(shown, 'capabilities').parameters.allowedCapabilities!.from).toBe('offgate.yaml:8:30');
    expect(environmentProvenance(parsed.config, 'nope')).toEqual({ error: 'offgate.yaml: unknown environment "nope" (environments and presets: production, staging, baseline, restricted)' });
  });
});
