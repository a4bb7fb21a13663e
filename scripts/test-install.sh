#!/usr/bin/env bash
# npm run test:install: every documented way to install offgate, tried on a clean clone of
# this repository's HEAD as a user would, each then linting a privileged Pod (exit code 1,
# naming the file):
#   1. npm pack, then npm install --omit=dev of the tarball (also: pack prints only the name,
#      which pre-commit relies on);
#   2. npm install -g of a git+file:// URL;
#   3. pre-commit try-repo with the offgate hook (skipped, saying so, without pre-commit),
#      which must also pass a commit of YAML that is not Kubernetes (a workflow, a compose file);
#   4. a TypeScript consumer importing "offgate" and "offgate/compiler" type-checks against
#      the installed package and runs.
# Nothing is installed outside a temporary folder (npm's global prefix is redirected there).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export npm_config_prefix="$work/global" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export NO_COLOR=1

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'test:install: FAILED: %s\n' "$*" >&2; exit 1; }

# The Pod: privileged, as in a CI job running Docker in Docker.
mkdir -p "$work/manifests"
cat > "$work/manifests/pod.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: dind
spec:
  containers:
    - name: docker
      image: docker:dind
      securityContext:
        privileged: true
YAML

# Runs OFFGATE lint on the Pod; it must exit 1 and name the file.
expect_rejected() {
  local what="$1" offgate="$2" out code=0
  out="$(cd "$work/manifests" && "$offgate" lint pod.yaml 2>&1)" || code=$?
  [[ $code -eq 1 ]] || fail "$what: offgate lint exited $code, not 1: $out"
  [[ "$out" == *pod.yaml* && "$out" == *privileged* ]] || fail "$what: the report does not name pod.yaml: $out"
  echo "ok: $what rejects the privileged Pod, naming pod.yaml"
}

step "clean clone of HEAD"
git clone -q "$repo" "$work/clone"

step "1. npm pack, npm install --omit=dev of the tarball"
tarball="$(cd "$work/clone" && npm pack --silent 2>/dev/null)"
[[ "$tarball" =~ ^offgate-[0-9][^[:space:]]*\.tgz$ ]] || fail "npm pack printed more than the tarball's name: $tarball"
mkdir "$work/project"
(cd "$work/project" && npm init -y >/dev/null && npm install --omit=dev --no-save "$work/clone/$tarball" >/dev/null)
expect_rejected "tarball install" "$work/project/node_modules/.bin/offgate"

step "2. npm install -g git+file://"
npm install -g "git+file://$work/clone" >/dev/null
expect_rejected "git install" "$work/global/bin/offgate"

step "3. pre-commit try-repo"
if command -v pre-commit >/dev/null; then
  export PRE_COMMIT_HOME="$work/pre-commit-home"
  (cd "$work/manifests" && git init -q && git add pod.yaml)
  code=0
  out="$(cd "$work/manifests" && pre-commit try-repo "$work/clone" offgate --files pod.yaml 2>&1)" || code=$?
  [[ $code -eq 1 && "$out" == *pod.yaml* && "$out" == *privileged* ]] || fail "pre-commit try-repo exited $code: $out"
  echo "ok: pre-commit's offgate hook fails on the privileged Pod, naming pod.yaml"
  # YAML of other tools in the commit (a workflow, a compose file) must not fail it.
  mkdir -p "$work/manifests/.github/workflows"
  printf 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n' > "$work/manifests/.github/workflows/ci.yaml"
  printf 'services:\n  web:\n    image: nginx\n' > "$work/manifests/docker-compose.yml"
  (cd "$work/manifests" && git add .github docker-compose.yml)
  code=0
  out="$(cd "$work/manifests" && pre-commit try-repo --verbose "$work/clone" offgate --files .github/workflows/ci.yaml docker-compose.yml 2>&1)" || code=$?
  [[ $code -eq 0 && "$out" == *Passed* && "$out" == *"2 files skipped"* ]] || fail "pre-commit on a workflow and a compose file exited $code: $out"
  echo "ok: the hook passes a commit of a GitHub workflow and a compose file (reported as skipped)"
else
  echo "skipped: pre-commit is not on PATH (apt-get install pre-commit, or pip install pre-commit)"
fi

step "4. a TypeScript consumer of the library API"
cat > "$work/project/consumer.mts" <<'TS'
import { lint, type LintResult } from 'offgate';
import { compileRego, evaluate, type CompileResult } from 'offgate/compiler';

const result: LintResult = await lint({ paths: ['pod.yaml'], cwd: process.argv[2] });
if (result.exitCode !== 1 || result.report.results[0]?.file !== 'pod.yaml') throw new Error(`lint: ${JSON.stringify(result)}`);

const compiled: CompileResult = compileRego({
  modules: [{ file: 'p.rego', source: 'package p\n\nallow if input.user == "admin"\n' }],
  entrypoints: ['p/allow'],
});
if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.text).join('\n'));
const allowed = evaluate(compiled.wasm, { user: 'admin' });
if (JSON.stringify(allowed) !== '[true]') throw new Error(`evaluate: ${JSON.stringify(allowed)}`);

const broken = compileRego({ modules: [{ file: 'bad.rego', source: 'package p\nallow if {\n' }], entrypoints: ['p/allow'] });
if (broken.ok || broken.errors[0]?.file !== 'bad.rego' || typeof broken.errors[0]?.line !== 'number') throw new Error('a compile error without its position');
console.log('consumer ok');
TS
tsc="$repo/node_modules/typescript/bin/tsc"
(cd "$work/project" && node "$tsc" --strict --target es2022 --module nodenext --moduleResolution nodenext --skipLibCheck false --types node --typeRoots "$repo/node_modules/@types" --outDir out consumer.mts) || fail "the consumer does not type-check against the installed package"
(cd "$work/project" && node out/consumer.mjs "$work/manifests") || fail "the consumer does not run"
echo "ok: the consumer type-checks and runs"

printf '\ntest:install: every install path works\n'
