# K8sPSPAllowedUsers (spec §2.18): the user and group ids each checked container
# runs with (its own securityContext value, or the pod's when the review is of a
# Pod) must fit the runAsUser / runAsGroup / supplementalGroups / fsGroup blocks.
package k8spspallowedusers

import data.lib.exclude_update.is_update
import data.lib.exempt_container.is_exempt
import data.lib.pods
import data.lib.results
import data.lib.words

violation[v] {
	not is_update(input.review)
	v := results.detailed(findings)[_]
}

group_fields := ["runAsGroup", "supplementalGroups", "fsGroup"]

# Non-exempt containers of all three lists, with their paths.
checked[entry] {
	entry := pods.containers[_]
	not is_exempt(entry.container)
}

# ---------------------------------------------------------------- effective values

# The container's own key wins whatever its value (false and null included)...
effective(field, entry) = [value, path] {
	value := entry.container.securityContext[field]
	path := concat("", [entry.path, ".securityContext.", field])
}

# ...otherwise the pod's value, but only when the review is of a Pod.
effective(field, entry) = [value, path] {
	not has_own(entry.container, field)
	input.review.kind.kind == "Pod"
	value := pods.pod.spec.securityContext[field]
	path := concat("", ["spec.securityContext.", field])
}

has_own(container, field) {
	container.securityContext[field] = _
}

# The effective value exists and is not false (§0 "set").
is_set(field, entry) {
	[value, _] := effective(field, entry)
	value != false
}

# Where a missing value should be written: fsGroup and supplementalGroups are
# pod-level fields in Kubernetes, the others belong to the container.
missing_path(field, entry) = path {
	field != "fsGroup"
	field != "supplementalGroups"
	path := concat("", [entry.path, ".securityContext.", field])
}

missing_path(field, _) = path {
	field == "fsGroup"
	path := "spec.securityContext.fsGroup"
}

missing_path(field, _) = path {
	field == "supplementalGroups"
	path := "spec.securityContext.supplementalGroups"
}

in_range(value, ranges) {
	r := ranges[_]
	value >= r.min
	value <= r.max
}

# A false value under MustRunAs is reported once, as missing (the library's two
# clauses would both fire there and conflict).
false_under_must_run_as(rule, value) {
	rule == "MustRunAs"
	value == false
}

# ---------------------------------------------------------------- runAsUser

user_allowed(rule, _, _) {
	rule == "RunAsAny"
}

user_allowed(rule, user, _) {
	rule == "MustRunAsNonRoot"
	user != 0
}

# Absent ranges leave nothing to match: every present user fails.
user_allowed(rule, user, params) {
	rule == "MustRunAs"
	in_range(user, params.ranges)
}

# A present user outside the policy.
findings[[msg, path, facts]] {
	params := input.parameters.runAsUser
	rule := params.rule
	entry := checked[_]
	[user, path] := effective("runAsUser", entry)
	not user_allowed(rule, user, params)
	not false_under_must_run_as(rule, user)
	msg := sprintf("container %v would run as user %v, which the runAsUser policy %v does not allow", [entry.container.name, words.literal(user), words.id_policy(params)])
	facts := {"runAsUser": user, "policy": params}
}

# MustRunAs without any user.
findings[[msg, path, facts]] {
	input.parameters.runAsUser.rule == "MustRunAs"
	entry := checked[_]
	not is_set("runAsUser", entry)
	path := missing_path("runAsUser", entry)
	msg := sprintf("container %v sets no runAsUser, and the runAsUser policy %v requires one", [entry.container.name, words.id_policy(input.parameters.runAsUser)])
	facts := {"policy": input.parameters.runAsUser}
}

# MustRunAsNonRoot with neither a user nor runAsNonRoot.
findings[[msg, path, facts]] {
	input.parameters.runAsUser.rule == "MustRunAsNonRoot"
	entry := checked[_]
	not is_set("runAsUser", entry)
	not is_set("runAsNonRoot", entry)
	path := concat("", [entry.path, ".securityContext.runAsNonRoot"])
	msg := sprintf("container %v sets neither runAsNonRoot nor runAsUser, and the runAsUser policy MustRunAsNonRoot requires one of them (runAsNonRoot: true, or a non-zero runAsUser)", [entry.container.name])
	facts := {"policy": input.parameters.runAsUser}
}

# ---------------------------------------------------------------- group ids

value_allowed(rule, _, _) {
	rule == "RunAsAny"
}

value_allowed(rule, value, ranges) {
	rule == "MayRunAs"
	in_range(value, ranges)
}

value_allowed(rule, value, ranges) {
	rule == "MustRunAs"
	in_range(value, ranges)
}

# A present single value outside the policy. Needs the block's ranges key: a
# block without one never flags a present value (§1.3).
findings[[msg, path, facts]] {
	field := group_fields[_]
	params := input.parameters[field]
	rule := params.rule
	ranges := params.ranges
	entry := checked[_]
	[value, path] := effective(field, entry)
	not is_array(value)
	not value_allowed(rule, value, ranges)
	not false_under_must_run_as(rule, value)
	msg := sprintf("container %v would run with %v %v, which the %v policy %v does not allow", [entry.container.name, field, words.literal(value), field, words.id_policy(params)])
	facts := {field: value, "policy": params}
}

# An array value (supplementalGroups): one result per container, listing the
# path of every element outside the policy, and naming them.
findings[[msg, path, facts]] {
	field := group_fields[_]
	params := input.parameters[field]
	rule := params.rule
	ranges := params.ranges
	entry := checked[_]
	[values, base] := effective(field, entry)
	is_array(values)
	value := values[i]
	not value_allowed(rule, value, ranges)
	path := sprintf("%s[%d]", [base, i])
	refused := [x | x := values[_]; not value_allowed(rule, x, ranges)]
	msg := sprintf("container %v would run with %v %v, which the %v policy %v does not allow", [entry.container.name, field, words.list(refused), field, words.id_policy(params)])
	facts := {field: values, "policy": params}
}

# MustRunAs without any value.
findings[[msg, path, facts]] {
	field := group_fields[_]
	params := input.parameters[field]
	params.rule == "MustRunAs"
	entry := checked[_]
	not is_set(field, entry)
	path := missing_path(field, entry)
	msg := sprintf("container %v sets no %v, and the %v policy %v requires one", [entry.container.name, field, field, words.id_policy(params)])
	facts := {"policy": params}
}
