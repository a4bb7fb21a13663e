# K8sPSPFSGroup (spec §2.6): the pod-level spec.securityContext.fsGroup is
# judged against the constraint's `rule` and `ranges`. Containers and
# exemptImages play no part; without a `rule` parameter nothing is reported.
package k8spspfsgroup

import data.lib.exclude_update.is_update
import data.lib.results

violation[v] {
	not is_update(input.review)
	v := results.violations(findings)[_]
}

# At most one finding per pod: the message carries only the pod name and the
# parameters, so it is the same whatever went wrong.
findings[[msg, path]] {
	spec := input.review.object.spec
	rule := input.parameters.rule
	not fsgroup_allowed(rule, spec)
	path := "spec.securityContext.fsGroup"
	msg := sprintf("pod %v: spec.securityContext.fsGroup is missing or not permitted; the constraint allows %v", [input.review.object.metadata.name, input.parameters])
}

# RunAsAny: any fsGroup, or none.
fsgroup_allowed("RunAsAny", _) {
	true
}

# MayRunAs: leaving fsGroup unset (or having no pod security context) is fine.
fsgroup_allowed("MayRunAs", spec) {
	not spec.securityContext.fsGroup
}

# MustRunAs and MayRunAs: a set fsGroup inside at least one inclusive range.
# Missing or empty `ranges` admits no value; any other rule admits nothing.
fsgroup_allowed(rule, spec) {
	ranged_rules[rule]
	in_some_range(spec.securityContext.fsGroup)
}

ranged_rules := {"MustRunAs", "MayRunAs"}

# A range without `min` or `max` never matches (the comparison is undefined).
in_some_range(value) {
	r := input.parameters.ranges[_]
	r.min <= value
	value <= r.max
}
