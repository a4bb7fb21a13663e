// The compiler API's errors, placed as the CLI places them: a ConstraintTemplate's Rego error at
// its line and column in the template's text, not at the module's own line.
import { describe, expect, it } from 'vitest';
import { compileTemplate } from '../src/api/compiler';

const template = (rego: string) => `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sowner
spec:
  crd:
    spec:
      names:
        kind: K8sOwner
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: ${rego}
`;

describe('compileTemplate errors', () => {
  it("a literal block's error at its line and column in the text", () => {
    const r = compileTemplate(template('|\n        package k8sowner\n        violation[{"msg": msg}] {\n          msg := sprintf("x %v", [undefined_thing])\n        }'), { file: 'owner.yaml' });
    expect(r).toEqual({
      ok: false,
      errors: [{ code: 'rego_unsafe_var_error', message: 'var undefined_thing is unsafe', file: 'owner.yaml', line: 15, column: 35, text: 'owner.yaml:15:35: rego_unsafe_var_error: var undefined_thing is unsafe' }],
    });
  });

  it('a quoted module: at the rego: key', () => {
    const r = compileTemplate(template('"package k8sowner\\nviolation[{\\"msg\\": msg}] { msg := x }"'), { file: 'owner.yaml' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => [e.file, e.line, e.column])).toEqual([['owner.yaml', 12, 7]]);
  });

  it('an object (no text): the module position stays', () => {
    const r = compileTemplate({ apiVersion: 'templates.gatekeeper.sh/v1', kind: 'ConstraintTemplate', metadata: { name: 'k8sowner' }, spec: { crd: { spec: { names: { kind: 'K8sOwner' } } }, targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: 'package k8sowner\nviolation[{"msg": msg}] { msg := x }' }] } }, { file: 'owner.yaml' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ file: 'owner.yaml#rego', line: 2 });
  });
});
