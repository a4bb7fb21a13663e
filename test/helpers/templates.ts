// ConstraintTemplates written as a user would, for tests that hand offgate policies of
// their own: the Rego indented into `rego: |` under the one admission target.

/** A templates.gatekeeper.sh/v1 ConstraintTemplate of `kind` named `name`, its Rego as given. */
export function constraintTemplate(kind: string, rego: string, name = kind.toLowerCase()): string {
  return `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: ${name}
spec:
  crd:
    spec:
      names:
        kind: ${kind}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
${rego.split('\n').map((l) => `        ${l}`).join('\n')}
`;
}
