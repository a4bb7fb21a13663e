# K8sPSPSELinuxV2 (spec §2.17): SELinux options set at pod level or on a
# container must match one of the allowed combinations. The two levels are
# judged independently; only the container check honours exemptImages.
package k8spspselinux

import data.lib.exclude_update.is_update
import data.lib.exempt_container.is_exempt
import data.lib.pods
import data.lib.results
import data.lib.words

violation[v] {
	not is_update(input.review)
	v := results.detailed(findings)[_]
}

# Pod level: never exempted by image.
findings[[msg, path, facts]] {
	options := pods.pod.spec.securityContext.seLinuxOptions
	options != false
	not options_allowed(options)
	path := "spec.securityContext.seLinuxOptions"
	msg := sprintf("pod %v sets SELinux options %v, which match none of the allowed combinations (allowed: %v)", [pods.pod.metadata.name, options_text(options), allowed_text])
	facts := {"seLinuxOptions": options, "allowedSELinuxOptions": input.parameters.allowedSELinuxOptions}
}

# Container level, every list.
findings[[msg, path, facts]] {
	entry := pods.containers[_]
	c := entry.container
	not is_exempt(c)
	options := c.securityContext.seLinuxOptions
	options != false
	not options_allowed(options)
	path := concat("", [entry.path, ".securityContext.seLinuxOptions"])
	msg := sprintf("container %v of pod %v sets SELinux options %v, which match none of the allowed combinations (allowed: %v)", [c.name, pods.pod.metadata.name, options_text(options), allowed_text])
	facts := {"seLinuxOptions": options, "allowedSELinuxOptions": input.parameters.allowedSELinuxOptions}
}

option_fields := ["user", "role", "type", "level"]

# "user system_u, type spc_t": the fields set, in the order Kubernetes lists them
# (an empty string says no more than an absent field, so it is left out).
options_text(options) = s {
	parts := [sprintf("%v %v", [f, words.value(options[f])]) | f := option_fields[_]; is_set(options, f); options[f] != ""]
	count(parts) > 0
	s := concat(", ", parts)
} else = "(none set)"

# The allowed combinations, "; " between them; an empty list allows none.
allowed_text = s {
	count(input.parameters.allowedSELinuxOptions) > 0
	s := concat("; ", [options_text(e) | e := input.parameters.allowedSELinuxOptions[_]])
} else = "none"

# Some entry accepts every one of the four fields.
options_allowed(options) {
	entry := input.parameters.allowedSELinuxOptions[_]
	field_allowed(options, entry, "level")
	field_allowed(options, entry, "role")
	field_allowed(options, entry, "type")
	field_allowed(options, entry, "user")
}

# The entry names the same value...
field_allowed(options, entry, field) {
	entry[field] == options[field]
}

# ...or the options do not set the field (a false value counts as unset).
field_allowed(options, _, field) {
	not is_set(options, field)
}

is_set(obj, field) {
	obj[field]
}
