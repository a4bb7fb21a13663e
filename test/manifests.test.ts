// Reading manifests (src/manifests): inputs, documents, Lists, JSON, YAML 1.1 scalars, errors
// as values, and the positions of origins and field paths.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReadError, parseFieldPath, parseManifestText, readManifests, type ManifestObject } from '../src/manifests';

const FIXTURES = join(import.meta.dirname, 'fixtures-manifests');

/** 1-based line and column of the `nth` (0-based) occurrence of `needle` in `text`. */
function at(text: string, needle: string, nth = 0): { line: number; column: number } {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`${JSON.stringify(needle)} #${nth} not in text`);
  }
  const before = text.slice(0, i);
  return { line: before.split('\n').length, column: i - before.lastIndexOf('\n') };
}

function parse(text: string, file = 'm.yaml', yamlVersion?: '1.1' | '1.2') {
  return parseManifestText(text, file, { yamlVersion });
}

function only(text: string, file = 'm.yaml'): ManifestObject {
  const { objects, errors } = parse(text, file);
  expect(errors).toEqual([]);
  expect(objects).toHaveLength(1);
  return objects[0];
}

describe('parseFieldPath', () => {
  it('reads dots, indexes and quoted keys', () => {
    expect(parseFieldPath('a.b[0]["x.y"]')).toEqual(['a', 'b', 0, 'x.y']);
    expect(parseFieldPath('spec.template.spec.containers[1].securityContext.privileged')).toEqual([
      'spec', 'template', 'spec', 'containers', 1, 'securityContext', 'privileged',
    ]);
    expect(parseFieldPath(`metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]`)).toEqual([
      'metadata', 'annotations', 'container.apparmor.security.beta.kubernetes.io/app',
    ]);
    expect(parseFieldPath(`labels['app.kubernetes.io/name']`)).toEqual(['labels', 'app.kubernetes.io/name']);
    expect(parseFieldPath('a["say \\"hi\\""]')).toEqual(['a', 'say "hi"']);
    expect(parseFieldPath('m[name]')).toEqual(['m', 'name']);
    expect(parseFieldPath('[2][0]')).toEqual([2, 0]);
  });

  it('takes jq-style and JSON-pointer paths, and the root', () => {
    expect(parseFieldPath('.spec.containers[0]')).toEqual(['spec', 'containers', 0]);
    expect(parseFieldPath('/spec/containers/0/a~1b~0c')).toEqual(['spec', 'containers', '0', 'a/b~c']);
    expect(parseFieldPath('')).toEqual([]);
    expect(parseFieldPath('.')).toEqual([]);
  });

  it('rejects malformed paths', () => {
    for (const bad of ['a..b', 'a.', 'a[', 'a[]', 'a["x]', 'a["x"b]', 'a[0]b', '.[0].']) {
      expect(() => parseFieldPath(bad), bad).toThrow(/invalid field path/);
    }
  });
});

describe('documents', () => {
  it('reads every document of a stream, skipping empty ones, each with its origin', () => {
    const text = [
      '# leading comment',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: one}',
      '---',
      '---',
      '# only a comment',
      '---   # marker with a comment',
      '  apiVersion: v1',
      '  kind: ConfigMap',
      '  metadata: {name: two}',
      '...',
      '--- {apiVersion: v1, kind: ConfigMap, metadata: {name: three}}',
      '--- ~',
      '---',
      'apiVersion: v1',
      'kind: Secret',
      '',
    ].join('\n');
    const { objects, errors } = parse(text);
    expect(errors).toEqual([]);
    expect(objects.map((o) => (o.object.metadata as { name?: string } | undefined)?.name ?? o.object.kind)).toEqual([
      'one', 'two', 'three', 'Secret',
    ]);
    expect(objects.map((o) => o.origin)).toEqual([
      { file: 'm.yaml', ...at(text, 'apiVersion') },
      { file: 'm.yaml', ...at(text, 'apiVersion', 1) },
      { file: 'm.yaml', ...at(text, '{apiVersion') },
      { file: 'm.yaml', ...at(text, 'apiVersion', 3) },
    ]);
  });

  it('positions fields in documents after the first', () => {
    const text = readFixture('helm-output.yaml');
    const { objects, errors } = parse(text, 'helm-output.yaml');
    expect(errors).toEqual([]);
    expect(objects.map((o) => o.object.kind)).toEqual(['ServiceAccount', 'Service', 'Deployment']);
    const [sa, svc, deploy] = objects;
    expect(sa.origin).toMatchObject(at(text, 'apiVersion'));
    expect(svc.locate('spec.ports[0].targetPort')).toMatchObject(at(text, 'targetPort'));
    expect(deploy.origin).toMatchObject(at(text, 'apiVersion', 2));
    expect(deploy.locate('spec.template.spec.containers[0].securityContext.privileged')).toMatchObject(at(text, 'privileged'));
    expect(deploy.locate('spec.template.spec.containers[1].securityContext.runAsNonRoot')).toMatchObject(at(text, 'runAsNonRoot'));
    expect(deploy.locate('spec.template.spec.volumes[0].configMap.defaultMode')).toMatchObject(at(text, 'defaultMode'));
    expect(deploy.locate('metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]')).toMatchObject(
      at(text, '"container.apparmor'),
    );
    // Values as the API server reads them: yes is true, 0644 is octal.
    const pod = (deploy.object.spec as any).template.spec;
    expect(pod.containers[0].securityContext.privileged).toBe(true);
    expect(pod.volumes[0].configMap.defaultMode).toBe(0o644);
  });

  it('handles Windows line endings and a byte order mark', () => {
    const text = '\uFEFFapiVersion: v1\r\nkind: Pod\r\nspec:\r\n  containers:\r\n    - name: a\r\n      image: x\r\n';
    const pod = only(text);
    expect(pod.object).toEqual({ apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'a', image: 'x' }] } });
    expect(pod.origin).toMatchObject({ line: 1, column: 1 });
    expect(pod.locate('spec.containers[0].image')).toMatchObject({ line: 6, column: 7 });
  });
});

describe('locate', () => {
  const text = [
    'apiVersion: v1', //                                     1
    'kind: Pod',
    'metadata:',
    '  name: web',
    '  labels: {app: web, "app.kubernetes.io/name": web}', // 5
    '  annotations:',
    '    "container.apparmor.security.beta.kubernetes.io/app": runtime/default',
    "    'quoted.single': x",
    'spec:',
    '  containers:', //                                      10
    '    - name: app',
    '      image: nginx',
    '      args:',
    '        - |',
    '          echo hi', //                                  15
    '        - --flag',
    '      securityContext:',
    '        privileged: true',
    '        capabilities: {add: [NET_ADMIN, SYS_TIME]}',
    '    -   name: sidecar', //                              20
    '        image: busybox',
    '    - {name: flow, image: alpine, securityContext: {runAsUser: 0}}',
    '  volumes:',
    '  - name: empty',
    '    emptyDir:', //                                      25
    '  hostNetwork: true   # comment',
    '',
  ].join('\n');
  const pod = only(text);

  it.each([
    ['', 'apiVersion'],
    ['kind', 'kind'],
    ['metadata.name', 'name: web'],
    ['metadata.labels.app', 'app: web'],
    ['metadata.labels["app.kubernetes.io/name"]', '"app.kubernetes.io/name"'],
    ['metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]', '"container.apparmor'],
    ["metadata.annotations['quoted.single']", "'quoted.single'"],
    ['spec.containers', 'containers'],
    ['spec.containers[0]', 'name: app'],
    ['spec.containers[0].image', 'image: nginx'],
    ['spec.containers[0].args[0]', '|'],
    ['spec.containers[0].args[1]', '--flag'],
    ['spec.containers[0].securityContext.privileged', 'privileged'],
    ['spec.containers[0].securityContext.capabilities.add[1]', 'SYS_TIME'],
    ['spec.containers[1]', 'name: sidecar'],
    ['spec.containers[1].image', 'image: busybox'],
    ['spec.containers[2]', '{name: flow'],
    ['spec.containers[2].image', 'image: alpine'],
    ['spec.containers[2].securityContext.runAsUser', 'runAsUser'],
    ['spec.volumes[0].emptyDir', 'emptyDir'],
    ['spec.hostNetwork', 'hostNetwork'],
    ['/spec/containers/1/image', 'image: busybox'],
  ])('%s', (path, needle) => {
    expect(pod.locate(path)).toEqual({ file: 'm.yaml', ...at(text, needle) });
  });

  it.each([
    // missing field: the deepest existing ancestor
    ['spec.containers[0].securityContext.allowPrivilegeEscalation', 'securityContext'],
    ['spec.containers[1].securityContext.allowPrivilegeEscalation', 'name: sidecar'],
    ['spec.containers[2].securityContext.allowPrivilegeEscalation', 'securityContext: {runAsUser'],
    ['spec.containers[7].image', 'containers'],
    ['spec.initContainers[0]', 'spec:'],
    ['status.phase', 'apiVersion'],
    ['metadata.labels.missing', 'labels'],
    ['spec.containers[0].image.deeper', 'image: nginx'],
    ['spec.volumes[0].emptyDir.medium', 'emptyDir'],
    // an invalid path is followed as far as it reads
    ['spec.containers[0].image..x', 'image: nginx'],
  ])('%s (missing) → %s', (path, needle) => {
    expect(pod.locate(path)).toEqual({ file: 'm.yaml', ...at(text, needle) });
  });

  it('takes a path as segments', () => {
    expect(pod.locate(['spec', 'containers', 1, 'image'])).toMatchObject(at(text, 'image: busybox'));
    expect(pod.locate(['spec', 'containers', '1', 'image'])).toMatchObject(at(text, 'image: busybox'));
  });

  it('follows aliases and merge keys', () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'x-defaults: &defaults',
      '  image: nginx',
      '  securityContext: &sc {privileged: true}',
      'spec:',
      '  containers:',
      '    - <<: *defaults',
      '      name: a',
      '    - name: b',
      '      securityContext: *sc',
      '    - <<: [{image: own}, *defaults]',
      '      name: c',
      '',
    ].join('\n');
    const o = only(text);
    const containers = (o.object.spec as any).containers;
    expect(containers[0]).toEqual({ image: 'nginx', securityContext: { privileged: true }, name: 'a' });
    expect(containers[1].securityContext).toEqual({ privileged: true });
    expect(containers[2].image).toBe('own');
    expect(o.locate('spec.containers[0].name')).toMatchObject(at(text, 'name: a'));
    // a merged key is where it is written, in the anchored mapping
    expect(o.locate('spec.containers[0].image')).toMatchObject(at(text, 'image: nginx'));
    expect(o.locate('spec.containers[0].securityContext.privileged')).toMatchObject(at(text, 'privileged'));
    expect(o.locate('spec.containers[1].securityContext')).toMatchObject(at(text, 'securityContext: *sc'));
    expect(o.locate('spec.containers[1].securityContext.privileged')).toMatchObject(at(text, 'privileged'));
    expect(o.locate('spec.containers[1].securityContext.runAsUser')).toMatchObject(at(text, 'securityContext: *sc'));
    expect(o.locate('spec.containers[2].image')).toMatchObject(at(text, 'image: own'));
  });

  it('points at the last of duplicate keys, whose value is kept', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n';
    const { objects, errors } = parse(text);
    expect((objects[0].object.metadata as any).name).toBe('b');
    expect(objects[0].locate('metadata.name')).toMatchObject(at(text, 'name: b'));
    expect(errors.map(formatReadError)).toEqual([`m.yaml:${at(text, 'name: b').line}:3: duplicate key "name"`]);
  });

  it('places many paths of one plain block document, sharing their prefixes', () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'spec:',
      '  containers:',
      '    - name: a',
      '      securityContext: {}',
      '      ports: []   # none',
      '    - name: b',
      '      securityContext:',
      '        capabilities:',
      '          add: []',
      '          drop:',
      '            - ALL',
      '  spec: x',
      '',
    ].join('\n');
    const o = only(text);
    const expected: [string, string][] = [
      ['spec.containers[1].securityContext.capabilities.drop[0]', 'ALL'],
      ['spec.containers[1].securityContext.capabilities.add', 'add'],
      ['spec.containers[1].securityContext.capabilities.add[0]', 'add'],
      ['spec.containers[0].securityContext', 'securityContext: {}'],
      ['spec.containers[0].securityContext.privileged', 'securityContext: {}'],
      ['spec.containers[0].ports[0].hostPort', 'ports: []'],
      ['spec.containers[1].securityContext.runAsUser', 'securityContext:\n'],
      ['spec.spec', 'spec: x'],
      ['spec.spec.spec', 'spec: x'],
    ];
    // Twice over: the second time from what the first walk found.
    for (let round = 0; round < 2; round++) {
      for (const [path, needle] of expected) expect(o.locate(path), path).toEqual({ file: 'm.yaml', ...at(text, needle) });
    }
  });

  it('finds keys by the value they load as', () => {
    // In YAML 1.1 an unquoted `on:` key is the boolean true, so the object has a "true" key.
    const text = 'kind: X\ndata:\n  on: 1\n  0x10: 2\n';
    const o = only(text);
    expect(o.object.data).toEqual({ true: 1, 16: 2 });
    expect(o.locate('data.true')).toMatchObject(at(text, 'on:'));
    expect(o.locate('data["16"]')).toMatchObject(at(text, '0x10'));
  });
});

describe('Lists', () => {
  it('unpacks kind: List into its items, each with its own origin and positions', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'metadata: {}',
      'items:',
      '- apiVersion: v1',
      '  kind: ConfigMap',
      '  metadata:',
      '    name: first',
      '- apiVersion: v1',
      '  kind: Pod',
      '  metadata: {name: second}',
      '  spec:',
      '    containers:',
      '    - name: app',
      '      image: nginx',
      '- apiVersion: v1',
      '  kind: List',
      '  items:',
      '    - {apiVersion: v1, kind: Secret, metadata: {name: nested}}',
      '',
    ].join('\n');
    const { objects, errors } = parse(text);
    expect(errors).toEqual([]);
    expect(objects.map((o) => (o.object.metadata as any).name)).toEqual(['first', 'second', 'nested']);
    expect(objects.map((o) => o.origin)).toEqual([
      { file: 'm.yaml', ...at(text, 'apiVersion', 1) },
      { file: 'm.yaml', ...at(text, 'apiVersion', 2) },
      { file: 'm.yaml', ...at(text, '{apiVersion') },
    ]);
    expect(objects[0].locate('metadata.name')).toMatchObject(at(text, 'name: first'));
    expect(objects[1].locate('spec.containers[0].image')).toMatchObject(at(text, 'image: nginx'));
    expect(objects[1].locate('spec.containers[0].securityContext')).toMatchObject(at(text, 'name: app'));
    expect(objects[2].locate('metadata.name')).toMatchObject(at(text, 'name: nested'));
    expect(objects[2].locate('spec')).toMatchObject(at(text, '{apiVersion'));
  });

  it('gives the items of a typed list their kind, as kubectl does (JSON from kubectl get -o json)', () => {
    const text = readFixture('pods-list.json');
    const { objects, errors } = parse(text, 'pods-list.json');
    expect(errors).toEqual([]);
    expect(objects.map((o) => [o.object.apiVersion, o.object.kind, (o.object.metadata as any).name])).toEqual([
      ['v1', 'Pod', 'a'],
      ['v1', 'Pod', 'b'],
    ]);
    expect(objects[0].origin).toEqual({ file: 'pods-list.json', ...at(text, '{', 1) });
    expect(objects[1].locate('spec.containers[0].securityContext.privileged')).toMatchObject(at(text, '"privileged"'));
    expect(objects[1].locate('kind')).toEqual(objects[1].origin); // added, so not in the text
  });

  it('places items that use anchors from elsewhere in the List, and flow lists', () => {
    const text = [
      'kind: List',
      'items:',
      '- &base',
      '  kind: ConfigMap',
      '  data: {a: "1"}',
      '- <<: *base',
      '  metadata: {name: merged}',
      '---',
      'kind: List',
      'items:',
      '  [ {kind: Secret, metadata: {name: flow}} ]',
      '',
    ].join('\n');
    const { objects, errors } = parse(text);
    expect(errors).toEqual([]);
    expect(objects.map((o) => o.object.kind)).toEqual(['ConfigMap', 'ConfigMap', 'Secret']);
    expect(objects[1].origin).toMatchObject(at(text, '<<'));
    expect(objects[1].locate('metadata.name')).toMatchObject(at(text, 'name: merged'));
    expect(objects[1].locate('data.a')).toMatchObject(at(text, 'a: "1"'));
    expect(objects[2].origin).toMatchObject(at(text, '{kind: Secret'));
    expect(objects[2].locate('metadata.name')).toMatchObject(at(text, 'name: flow'));
  });

  it('reports items that are not objects, and reads the others', () => {
    const text = 'kind: List\nitems:\n  - kind: A\n  - just text\n  - kind: B\n';
    const { objects, errors } = parse(text);
    expect(objects.map((o) => o.object.kind)).toEqual(['A', 'B']);
    expect(errors.map(formatReadError)).toEqual([`m.yaml:4:5: item 1 of List is a string, not an object`]);
  });

  it('keeps an object whose kind ends in List but has no items list', () => {
    const o = only('apiVersion: example.com/v1\nkind: AllowList\nspec:\n  items: [a]\n');
    expect(o.object.kind).toBe('AllowList');
  });
});

describe('JSON', () => {
  it('reads a JSON file, tabs and all, with positions', () => {
    const text = '{\n\t"apiVersion": "v1",\n\t"kind": "Pod",\n\t"spec": {\n\t\t"containers": [{"name": "a", "image": "x"}]\n\t}\n}\n';
    const o = only(text, 'pod.json');
    expect(o.object.kind).toBe('Pod');
    expect(o.origin).toMatchObject({ line: 1, column: 1 });
    expect(o.locate('spec.containers[0].image')).toMatchObject(at(text, '"image"'));
  });

  it('reads a stream of JSON values', () => {
    const text = '{"kind": "A"}\n{"kind": "B",\n "x": 1}{"kind": "C"}\n';
    const { objects, errors } = parse(text, 'stream.json');
    expect(errors).toEqual([]);
    expect(objects.map((o) => o.object.kind)).toEqual(['A', 'B', 'C']);
    expect(objects.map((o) => o.origin.line)).toEqual([1, 2, 3]);
    expect(objects[1].locate('x')).toMatchObject(at(text, '"x"'));
  });

  it('reports where JSON is invalid', () => {
    const text = '{"kind": "A"}\n{"kind": "B",\n  "x": nope}\n';
    const { objects, errors } = parse(text, 'bad.json');
    expect(objects.map((o) => o.object.kind)).toEqual(['A']);
    expect(errors.map(formatReadError)).toEqual(['bad.json:3:8: unexpected letter']);
  });

  it('sniffs JSON in other files and stdin, and falls back to YAML for flow mappings', () => {
    expect(only('{"kind": "A"}', '-').object).toEqual({ kind: 'A' });
    expect(only('{kind: A, spec: {replicas: 0644}}', '-').object).toEqual({ kind: 'A', spec: { replicas: 420 } });
  });
});

describe('YAML scalars', () => {
  const text = [
    'a: yes', 'b: No', 'c: on', 'd: OFF', 'e: y', 'f: n', 'g: True', 'h: "yes"',
    'i: 0644', 'j: 0o17', 'k: 0x1F', 'l: 1_000', 'm: 1e3', 'nn: 08', 'o: 1:20', 'p: 2024-01-02',
    'q: .5', 'r: -0', 's: 1e999', 't: ~', 'u:', 'v: 0b101', 'w: +12', 'x: 12.50', 'yy: .inf', 'z: null',
  ].join('\n');

  it('follows go-yaml v2 (YAML 1.1), as kubectl and the API server do, by default', () => {
    expect(only(text).object).toEqual({
      a: true, b: false, c: true, d: false, e: true, f: false, g: true, h: 'yes',
      i: 420, j: 15, k: 31, l: 1000, m: 1000, nn: 8, o: '1:20', p: '2024-01-02',
      q: 0.5, r: 0, s: '1e999', t: null, u: null, v: 5, w: 12, x: 12.5, yy: Infinity, z: null,
    });
  });

  it('follows the YAML 1.2 core schema on request', () => {
    const { objects, errors } = parse(text, 'm.yaml', '1.2');
    expect(errors).toEqual([]);
    expect(objects[0].object).toMatchObject({
      a: 'yes', b: 'No', c: 'on', d: 'OFF', e: 'y', f: 'n', g: true, h: 'yes',
      i: 644, j: 15, k: 31, m: 1000, o: '1:20', p: '2024-01-02', t: null, u: null, w: 12,
    });
  });

  it('keeps unknown tags as untagged values', () => {
    expect(only('kind: X\na: !foo bar\nb: !!binary aGk=\nc: !custom {d: 1}\ne: !seq [1]\n').object).toEqual({
      kind: 'X', a: 'bar', b: 'aGk=', c: { d: 1 }, e: [1],
    });
  });

  it('rejects an unknown yamlVersion', () => {
    expect(() => parseManifestText('a: 1', 'm.yaml', { yamlVersion: '1.3' as '1.2' })).toThrow(/yamlVersion/);
  });
});

describe('errors', () => {
  it('reports bad YAML with its position and still reads the other documents', () => {
    const text = [
      'kind: A',
      '---',
      'kind: B',
      'metadata:',
      '  name: [unclosed',
      '---',
      'kind: C',
      'spec:',
      '  x: 1',
      '---',
      'kind: D',
      '',
    ].join('\n');
    const { objects, errors } = parse(text);
    expect(objects.map((o) => o.object.kind)).toEqual(['A', 'C', 'D']);
    expect(errors).toHaveLength(1);
    // found at the next `---`, reported after the last thing written before it
    expect(formatReadError(errors[0])).toBe('m.yaml:5:18: unexpected end of the stream within a flow collection');
    // positions after the bad document are unaffected
    expect(objects[1].origin).toMatchObject(at(text, 'kind: C'));
    expect(objects[1].locate('spec.x')).toMatchObject(at(text, 'x: 1'));
  });

  it('recovers after `...` and directives too', () => {
    const text = 'kind: A\nbad: "unterminated\n...\n%YAML 1.1\n---\nkind: B\n';
    const { objects, errors } = parse(text);
    expect(objects.map((o) => o.object.kind)).toEqual(['B']);
    expect(errors.map(formatReadError)).toEqual(['m.yaml:3:1: unexpected end of the document within a double quoted scalar']);
  });

  it('rejects recursive and exploding aliases, as go-yaml does', () => {
    const recursive = 'kind: A\nspec: &s\n  self: *s\n---\nkind: B\n';
    const r = parse(recursive);
    expect(r.objects.map((o) => o.object.kind)).toEqual(['B']);
    expect(r.errors.map(formatReadError)).toEqual(['m.yaml:1:1: an anchor is used inside itself (recursive alias)']);
    const laughs = ['kind: A', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) laughs.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const l = parse(laughs.join('\n'));
    expect(l.objects).toEqual([]);
    expect(l.errors.map(formatReadError)).toEqual(['m.yaml:1:1: document contains excessive aliasing (more than 1000000 nodes once aliases are expanded)']);
  });

  it('reports an indentation error on its line', () => {
    const text = 'kind: A\nmetadata:\n  name: a\n    bad: indent\n---\nkind: B\n';
    const { objects, errors } = parse(text);
    expect(objects.map((o) => o.object.kind)).toEqual(['B']);
    expect(errors.map((e) => e.line)).toEqual([4]);
  });

  it('reports documents that are not objects', () => {
    const text = 'kind: A\n---\njust a string\n---\n- a\n- list\n---\n42\n---\nkind: B\n';
    const { objects, errors } = parse(text);
    expect(objects.map((o) => o.object.kind)).toEqual(['A', 'B']);
    expect(errors.map(formatReadError)).toEqual([
      'm.yaml:3:1: document is a string, not an object',
      'm.yaml:5:1: document is a list, not an object',
      'm.yaml:8:1: document is a number, not an object',
    ]);
  });

  it('reports duplicate keys and keeps the last value', () => {
    const text = 'kind: A\n---\nkind: B\nspec:\n  replicas: 1\n  "replicas": 2\n---\nkind: C\n';
    const { objects, errors } = parse(text);
    expect(objects.map((o) => o.object.kind)).toEqual(['A', 'B', 'C']);
    expect((objects[1].object.spec as any).replicas).toBe(2);
    expect(errors.map(formatReadError)).toEqual(['m.yaml:6:3: duplicate key "replicas"']);
  });

  it('formats errors on one line, with as much position as known', () => {
    expect(formatReadError({ file: 'a.yaml', line: 3, column: 7, message: 'bad\n  thing' })).toBe('a.yaml:3:7: bad thing');
    expect(formatReadError({ file: 'a.yaml', message: 'no such file or directory' })).toBe('a.yaml: no such file or directory');
  });
});

describe('readManifests', () => {
  let dir: string;
  const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'offgate-manifests-'));
    const files: Record<string, string> = {
      'tree/b.yaml': pod('b'),
      'tree/a.yml': `${pod('a1')}---\n${pod('a2')}`,
      'tree/c.json': JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'c' } }),
      'tree/notes.txt': 'not a manifest',
      'tree/README.md': '# no',
      'tree/sub/d.yaml': pod('d'),
      'tree/sub/deeper/e.YAML': pod('e'),
      'tree/sub-z.yaml': pod('subz'),
      'tree/.hidden/h.yaml': pod('hidden'),
      'tree/.dotfile.yaml': pod('dotfile'),
      'tree/node_modules/pkg/n.yaml': pod('node-module'),
      'bad.yaml': `${pod('before')}---\nkind: [\n---\n${pod('after')}`,
      'template.tpl': pod('tpl'),
    };
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    symlinkSync(join(dir, 'tree/b.yaml'), join(dir, 'tree/sub/link.yaml'));
    symlinkSync(join(dir, 'tree'), join(dir, 'tree/sub/loop'));
    symlinkSync(join(dir, 'nowhere.yaml'), join(dir, 'dangling.yaml'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const names = (r: { objects: ManifestObject[] }) => r.objects.map((o) => (o.object.metadata as any).name);

  it('walks a folder recursively in lexical order, reading only manifest files', async () => {
    const r = await readManifests(['tree'], { cwd: dir });
    expect(r.errors).toEqual([]);
    expect(r.files).toEqual([
      'tree/a.yml', 'tree/b.yaml', 'tree/c.json', 'tree/sub/d.yaml', 'tree/sub/deeper/e.YAML', 'tree/sub-z.yaml',
    ]);
    // tree/sub/link.yaml is tree/b.yaml again, and tree/sub/loop is not followed
    expect(names(r)).toEqual(['a1', 'a2', 'b', 'c', 'd', 'e', 'subz']);
    expect(r.objects[1].origin).toEqual({ file: 'tree/a.yml', line: 6, column: 1 });
  });

  it('walks the folder it is given even when its name starts with a dot', async () => {
    const r = await readManifests(['.'], { cwd: join(dir, 'tree/.hidden') });
    expect(names(r)).toEqual(['hidden']);
    expect(r.files).toEqual(['h.yaml']);
  });

  it('reads a file named explicitly whatever its extension', async () => {
    const r = await readManifests(['template.tpl', join(dir, 'tree/.dotfile.yaml')], { cwd: dir });
    expect(names(r)).toEqual(['tpl', 'dotfile']);
  });

  it('expands globs in lexical order', async () => {
    const r = await readManifests(['tree/**/*.yaml'], { cwd: dir });
    expect(r.errors).toEqual([]);
    // glob looks one level into the symbolic link tree/sub/loop; every file is read once
    expect(r.files).toEqual(['tree/b.yaml', 'tree/sub-z.yaml', 'tree/sub/d.yaml']);
  });

  it('reads stdin for -, from a string or a stream', async () => {
    const fromString = await readManifests(['-'], { stdin: pod('piped') });
    expect(names(fromString)).toEqual(['piped']);
    expect(fromString.objects[0].origin).toEqual({ file: '-', line: 1, column: 1 });
    expect(fromString.files).toEqual(['-']);
    const fromStream = await readManifests(['-', '-'], { stdin: Readable.from([Buffer.from(pod('st')), '---\n', pod('ream')]) });
    expect(names(fromStream)).toEqual(['st', 'ream']);
    expect(fromStream.objects[1].locate('metadata.name')).toEqual({ file: '-', line: 9, column: 3 });
  });

  it('reports what cannot be read as errors, in input order, and reads the rest', async () => {
    const r = await readManifests(['missing.yaml', 'tree/b.yaml', 'nothing/*.yaml', 'bad.yaml', 'dangling.yaml', 'tree/b.yaml'], { cwd: dir });
    expect(names(r)).toEqual(['b', 'before', 'after']);
    expect(r.files).toEqual(['tree/b.yaml', 'bad.yaml']);
    expect(r.errors.map(formatReadError)).toEqual([
      'missing.yaml: no such file or directory',
      'nothing/*.yaml: no file matches this pattern',
      'bad.yaml:6:8: unexpected end of the stream within a flow collection',
      'dangling.yaml: no such file or directory',
    ]);
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable folder (not as root, who reads everything)', async () => {
    chmodSync(join(dir, 'tree/sub/deeper'), 0o000);
    try {
      const r = await readManifests(['tree/sub'], { cwd: dir });
      expect(r.errors.map(formatReadError)).toEqual(['tree/sub/deeper: permission denied']);
    } finally {
      chmodSync(join(dir, 'tree/sub/deeper'), 0o755);
    }
  });

  it('passes yamlVersion on', async () => {
    const r = await readManifests(['-'], { stdin: 'kind: A\nflag: yes\n', yamlVersion: '1.2' });
    expect(r.objects[0].object.flag).toBe('yes');
  });
});

function readFixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}
