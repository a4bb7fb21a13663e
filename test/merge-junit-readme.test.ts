// The README's shard/merge section run as CI would run it: the GitLab `parallel:` pipeline
// (four jobs, each on its own checkout, writing JUnit; then the merge job), the GitHub Actions
// matrix, and the merge commands the section shows — each command taken from the README
// itself, run by a shell with `offgate` on its PATH. And completion offers merge's formats.
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offgate } from './helpers/cli';
import { workspace } from './helpers/workspace';

const README = readFileSync(join(__dirname, '../README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('### A monorepo across CI jobs'), README.indexOf('## Test suites'));

/** A folder holding an `offgate` that runs the CLI the tests built, as `npm install -g` would. */
function shim(): string {
  const bin = mkdtempSync(join(tmpdir(), 'offgate-bin-'));
  writeFileSync(join(bin, 'offgate'), `#!/bin/sh\nexec "${process.execPath}" "${join(__dirname, '../bin/offgate.js')}" "$@"\n`);
  chmodSync(join(bin, 'offgate'), 0o755);
  return bin;
}
const BIN = shim();

/** A shell line run in `cwd` with `env`; its exit code and output. */
function sh(line: string, cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync('bash', ['-c', line], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', PATH: `${BIN}:${process.env.PATH}`, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The fenced block that begins with `first`. */
function block(first: string): string {
  const m = [...SECTION.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((x) => x[1]!).find((b) => b.startsWith(first));
  expect(m, first).toBeDefined();
  return m!;
}

/** The offgate commands of a CI job's script lines (`- offgate …` or `- run: offgate …`). */
function offgateLines(text: string): string[] {
  return [...text.matchAll(/^\s*- (?:run: )?(offgate .*)$/gm)].map((m) => m[1]!.replace(/\s+#.*$/, ''));
}

const pod = (name: string, privileged: boolean) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  containers:\n    - name: ${name}\n      image: nginx:1.27\n${privileged ? '      securityContext:\n        privileged: true\n' : ''}`;

/** A repository as CI checks it out: manifests of several teams, one that does not parse, a README. */
function repository(): string {
  const files: Record<string, string> = { 'README.md': '# platform\n', 'k8s/broken.yaml': 'kind: Pod\nmetadata: [\n', 'charts/web/values.yaml': 'replicas: 2\n' };
  for (let i = 0; i < 16; i++) files[`k8s/team-${i % 4}/app-${i}.yaml`] = pod(`app-${i}`, i % 3 === 0);
  return workspace(files, { git: true, prefix: 'offgate-readme-ci-' });
}

/** A fresh checkout of `repo` for one CI job. */
function checkout(repo: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'offgate-job-'));
  cpSync(repo, dir, { recursive: true });
  return dir;
}

/** Copies the files named like `pattern` (a `*` glob) from `from` into `to`: the artifacts a later job downloads. */
function artifacts(from: string, to: string, pattern: RegExp): void {
  for (const f of readdirSync(from)) if (pattern.test(f)) copyFileSync(join(from, f), join(to, f));
}

describe("the README's merge section, run as CI runs it", { timeout: 300_000 }, () => {
  const repo = repository();
  const single = offgate(['lint', '-o', 'junit', '.'], { cwd: repo });

  it('GitLab: four parallel jobs write JUnit, the merge job writes offgate.xml, the verdict is the single run\'s', () => {
    const pipeline = block('# GitLab CI');
    const [shardJob, mergeJob] = pipeline.split(/^offgate:$/m);
    const shardLines = offgateLines(shardJob!);
    const mergeLines = offgateLines(mergeJob!);
    expect(shardLines).toHaveLength(1);
    expect(mergeLines).toHaveLength(1);
    expect(pipeline).toMatch(/parallel: 4\n/);
    expect(pipeline).toMatch(/reports:\n\s+junit: offgate\.xml\n/);

    const merge = checkout(repo);
    for (let i = 1; i <= 4; i++) {
      const job = checkout(repo);
      const r = sh(shardLines[0]!, job, { CI_NODE_INDEX: String(i), CI_NODE_TOTAL: '4' });
      expect(r.code).toBe(0); // `|| true`
      artifacts(job, merge, /^shard-\d+\.xml$/);
    }
    const r = sh(mergeLines[0]!, merge);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(single.code);
    expect(single.code).toBe(2); // k8s/broken.yaml
    const xml = readFileSync(join(merge, 'offgate.xml'), 'utf8');
    expect(xml.length).toBe(single.stdout.length);
    expect(xml).toMatch(/<system-out>\d+ denied · 1 input error · 16 objects in 17 files · 1 file skipped: not Kubernetes objects&#10;constraints: bundled baseline preset \(no offgate.yaml\)<\/system-out>/);

    // The section's other commands, on the same artifacts.
    const [writeFile, failOnWarn] = block('offgate merge').trim().split('\n').map((l) => l.replace(/\s+#.*$/, ''));
    expect(sh(writeFile!, merge).code).toBe(2);
    expect(readFileSync(join(merge, 'offgate.xml'), 'utf8')).toBe(xml);
    const warn = sh(failOnWarn!, merge);
    expect(warn.code).toBe(2);
    expect(warn.stdout).toBe(xml);
  });

  it('GitLab with JSON shards: the merge into JUnit gives the same test cases', () => {
    const line = /`(offgate merge -o junit --output-file offgate\.xml shard-\*\.json)`/.exec(SECTION)?.[1];
    expect(line).toBeDefined();
    const merge = checkout(repo);
    const xmlDir = checkout(repo);
    for (let i = 1; i <= 4; i++) {
      // Each job on its own checkout: a report written beside the manifests would be linted by the next.
      const jsonJob = checkout(repo);
      const xmlJob = checkout(repo);
      sh(`offgate lint --shard ${i}/4 -o json --output-file shard-${i}.json . || true`, jsonJob);
      sh(`offgate lint --shard ${i}/4 -o junit --output-file shard-${i}.xml . || true`, xmlJob);
      artifacts(jsonJob, merge, /^shard-\d+\.json$/);
      artifacts(xmlJob, xmlDir, /^shard-\d+\.xml$/);
    }
    expect(sh(line!, merge).code).toBe(2);
    expect(sh('offgate merge --output-file offgate.xml shard-*.xml', xmlDir).code).toBe(2);
    const cases = (xml: string) => [...xml.matchAll(/^ {4}<testcase [\s\S]*?<\/testcase>\n/gm)].map((m) => m[0]).sort();
    expect(cases(readFileSync(join(merge, 'offgate.xml'), 'utf8'))).toEqual(cases(readFileSync(join(xmlDir, 'offgate.xml'), 'utf8')));
  });

  it('GitHub Actions: the matrix writes JSON, the report job annotates and writes SARIF', () => {
    const workflow = block('# GitHub Actions');
    const [lintJob, reportJob] = workflow.split(/^ {2}report:$/m);
    const shardLines = offgateLines(lintJob!);
    const reportLines = offgateLines(reportJob!);
    expect(shardLines).toHaveLength(1);
    expect(reportLines).toHaveLength(2);
    expect(workflow).toMatch(/matrix: \{ shard: \[1, 2, 3, 4\] \}/);

    const report = checkout(repo);
    for (let i = 1; i <= 4; i++) {
      const job = checkout(repo);
      expect(sh(shardLines[0]!.replace(/\$\{\{ matrix\.shard \}\}/g, String(i)), job).code).toBe(0);
      artifacts(job, report, /^shard-\d+\.json$/);
    }
    const annotations = sh(reportLines[0]!, report);
    expect(annotations.code).toBe(2);
    expect(annotations.stdout).toMatch(/^::error file=k8s\/broken\.yaml,/m);
    expect(annotations.stdout).toMatch(/^::error file=k8s\/team-0\/app-0\.yaml,/m);
    expect(sh(reportLines[1]!, report).code).toBe(0); // `|| true`
    const sarif = JSON.parse(readFileSync(join(report, 'offgate.sarif'), 'utf8'));
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].results.length).toBe((single.stdout.match(/<failure /g) ?? []).length);
  });

  it('completion offers merge its formats and --fail-on values', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'offgate-completion-')), 'offgate.bash');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, offgate(['completion', 'bash']).stdout);
    const complete = (words: string[]) => {
      const cmd = `source '${file}'; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _offgate; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return spawnSync('bash', ['-c', cmd], { encoding: 'utf8' }).stdout.trim().split('\n');
    };
    expect(complete(['offgate', 'merge', '-o', 'j'])).toEqual(['json', 'junit']);
    expect(complete(['offgate', 'merge', '--fail-on', ''])).toEqual(['deny', 'warn', 'none']);
  });
});
