// offgate.yaml's JSON Schema (schema/offgate.schema.json) and reference (docs/configuration.md)
// are generated from the tables the loader checks against: they must be fresh, and the schema
// must accept and refuse what the loader does.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import { load as loadYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { schemaReference } from '../src/cli/init-command';
import { starterConfig } from '../src/config/init';
import { parseConfig } from '../src/config/load';
import { REFERENCE_FILE, SCHEMA_FILE, configJsonSchema, configReference } from '../src/config/reference';
import { packagePath } from '../src/paths';
import { offgate } from './helpers/cli';

describe('generated configuration files (run `npm run docs` if stale)', () => {
  it(`${SCHEMA_FILE} is fresh`, () => {
    expect(readFileSync(packagePath(SCHEMA_FILE), 'utf8')).toBe(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  });

  it(`${REFERENCE_FILE} is fresh`, () => {
    expect(readFileSync(packagePath(REFERENCE_FILE), 'utf8')).toBe(configReference());
  });

  it('the README links the reference', () => {
    expect(readFileSync(packagePath('README.md'), 'utf8')).toContain(`(${REFERENCE_FILE})`);
  });
});

describe('the schema and the loader agree', () => {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(configJsonSchema());
  const schemaAccepts = (text: string) => validate(loadYaml(text));
  const loaderAccepts = (text: string) => !('error' in parseConfig(text, 'offgate.yaml'));

  const uncommented = starterConfig().replace(/^(\s*)# /gm, '$1');
  const accepted: [string, string][] = [
    ['the starter file', starterConfig()],
    ['the starter file with every example on', uncommented],
    ['the fixtures chain', readFileSync(packagePath('fixtures/config/chain.yaml'), 'utf8')],
    ['policy folders', 'policy: [policy/, ../shared-policy]\nenvironments:\n  prod: {extends: baseline}\n'],
    ['scope keys on an environment and a restriction', 'environments:\n  prod:\n    extends: restricted\n    namespaces: ["team-*"]\n    restrictions:\n      users: {enforcementAction: warn, excludedNamespaces: [kube-system]}\n'],
  ];
  const refused: [string, string][] = [
    ['an unknown top-level key', 'environment:\n  prod: {}\n'],
    ['an unknown environment key', 'environments:\n  prod:\n    restriction: {}\n'],
    ['an unknown restriction', 'environments:\n  prod:\n    restrictions:\n      privileged: true\n'],
    ['an unknown enforcement action', 'environments:\n  prod:\n    enforcementAction: block\n'],
    ['a parameter of the wrong type', 'environments:\n  prod:\n    restrictions:\n      host-network-ports: {hostNetwork: "no"}\n'],
    ['an unknown parameter', 'environments:\n  prod:\n    restrictions:\n      privileged-containers: {exemptImage: [x]}\n'],
    ['a restriction set to a string', 'environments:\n  prod:\n    restrictions:\n      apparmor: "yes"\n'],
    ['policy as a string', 'policy: policy/\nenvironments:\n  prod: {}\n'],
    ['an environment name with capitals', 'environments:\n  Prod: {}\n'],
  ];

  it.each(accepted)('both accept %s', (_, text) => {
    expect(loaderAccepts(text)).toBe(true);
    expect(schemaAccepts(text), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(refused)('both refuse %s', (_, text) => {
    expect(loaderAccepts(text)).toBe(false);
    expect(schemaAccepts(text)).toBe(false);
  });
});

describe('offgate lint with a broken offgate.yaml', () => {
  it('reports every problem at once, each at its file:line:col, exit code 2', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'offgate-config-'));
    writeFileSync(join(cwd, 'offgate.yaml'), 'environments:\n  prod:\n    enforcementAction: block\n    restrictions:\n      privileged: true\n      host-network-ports: {hostNetwork: "no"}\n');
    writeFileSync(join(cwd, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n');
    const r = offgate(['lint', '--env', 'prod', 'pod.yaml'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter(Boolean).map((l) => l.replace(/^offgate: (offgate\.yaml:\d+:\d+):.*$/, '$1'))).toEqual(['offgate.yaml:3:24', 'offgate.yaml:5:7', 'offgate.yaml:6:41']);
  });
});

describe('offgate init', () => {
  it('names the schema for editors, at a path that exists from the file', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'offgate-init-'));
    expect(offgate(['init'], { cwd }).code).toBe(0);
    const first = readFileSync(join(cwd, 'offgate.yaml'), 'utf8').split('\n')[0]!;
    const m = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
    expect(m).not.toBeNull();
    const schema = JSON.parse(readFileSync(resolve(cwd, m![1]!), 'utf8'));
    expect(schema.title).toBe('offgate.yaml');
  });

  it('inside a project that has offgate in node_modules, the path is relative (it holds on every clone)', () => {
    const schema = '/p/node_modules/offgate/schema/offgate.schema.json';
    expect(schemaReference('/p/offgate.yaml', schema)).toBe('./node_modules/offgate/schema/offgate.schema.json');
    expect(schemaReference('/p/deploy/offgate.yaml', schema)).toBe('../node_modules/offgate/schema/offgate.schema.json');
    expect(schemaReference('/usr/lib/offgate/offgate.yaml', '/usr/lib/offgate/schema/offgate.schema.json')).toBe('./schema/offgate.schema.json');
    expect(schemaReference('/elsewhere/offgate.yaml', schema)).toBe(schema);
  });
});
