# K8sPSPFSGroup (spec §2.6): the pod-level spec.securityContext.fsGroup is
# judged against the constraint's `rule` and `ranges`. Containers and
# exemptImages play no part; without a `rule` parameter nothing is reported.
package k8spspfsgroup

import data.lib.exclude_update.is_update
import data.lib.results
import data.lib.words

violation[v] {
	not is_update(input.review)
	v := results.detailed(findings)[_]
}

# At most one finding per pod, naming its fsGroup (or its absence) and the
# policy; the parameters go to the details.
findings[[msg, path, facts]] {
	spec := input.review.object.spec
	rule := input.parameters.rule
	not fsgroup_allowed(rule, spec)
	path := "spec.securityContext.fsGroup"
	msg := sprintf("pod %v %v", [input.review.object.metadata.name, problem(rule, spec)])
	facts := {"fsGroup": object.get(spec, ["securityContext", "fsGroup"], null), "parameters": input.parameters}
}

# What is wrong, in words: a value outside the policy, a value missing, or a
# rule that allows nothing.
problem(rule, spec) = s {
	not ranged_rules[rule]
	s := sprintf("%v, but the fsGroup rule %v is none of RunAsAny, MustRunAs, MayRunAs, so nothing is allowed", [fsgroup_text(spec), words.value(rule)])
} else = s {
	words.has_path(spec, ["securityContext", "fsGroup"])
	s := sprintf("%v, which the fsGroup policy %v does not allow", [fsgroup_text(spec), words.id_policy(input.parameters)])
} else = s {
	s := sprintf("sets no fsGroup, and the fsGroup policy %v requires one", [words.id_policy(input.parameters)])
}

fsgroup_text(spec) = s {
	words.has_path(spec, ["securityContext", "fsGroup"])
	s := sprintf("runs with fsGroup %v", [words.literal(spec.securityContext.fsGroup)])
} else = "sets no fsGroup"

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
