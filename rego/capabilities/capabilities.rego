# K8sPSPCapabilities (spec §2.3): per checked container, capabilities it adds
# must be in allowedCapabilities (unless that lists "*"), and it must drop every
# requiredDropCapabilities entry, or ALL. Comparisons ignore case.
package k8spspcapabilities

import data.lib.exclude_update.is_update
import data.lib.exempt_container.is_exempt
import data.lib.pods
import data.lib.results

violation[v] {
	not is_update(input.review)
	v := results.violations(findings)[_]
}

# Additions: one result per container, pointing at each capability it may not add.
findings[[msg, path]] {
	entry := pods.containers[_]
	c := entry.container
	not is_exempt(c)
	allowed := {l | l := lower(input.parameters.allowedCapabilities[_])}
	not allowed["*"]
	some i
	added := lower(c.securityContext.capabilities.add[i])
	not allowed[added]
	path := sprintf("%s.securityContext.capabilities.add[%d]", [entry.path, i])
	msg := sprintf("%s %v adds a capability that is not allowed; allowed capabilities: %v", [list_label(entry.path), c.name, allowed_shown])
}

# Drops: one result per container that misses a required drop without dropping ALL.
findings[[msg, path]] {
	entry := pods.containers[_]
	c := entry.container
	not is_exempt(c)
	required := {l | l := lower(input.parameters.requiredDropCapabilities[_])}
	dropped := {l | l := lower(c.securityContext.capabilities.drop[_])}
	count(required - dropped) > 0
	not dropped["all"]
	path := concat("", [entry.path, ".securityContext.capabilities.drop"])
	msg := sprintf("%s %v does not drop every required capability; it must drop all of %v, or ALL", [list_label(entry.path), c.name, input.parameters.requiredDropCapabilities])
}

# The allowed list as the message shows it: the parameter as given, or a word
# saying that no capability may be added when the parameter is absent.
allowed_shown = x {
	x := input.parameters.allowedCapabilities
}

allowed_shown = "none" {
	not has_allowed_param
}

has_allowed_param {
	_ = input.parameters.allowedCapabilities
}

list_label(path) = "container" {
	startswith(path, "spec.containers[")
}

list_label(path) = "init container" {
	startswith(path, "spec.initContainers[")
}

list_label(path) = "ephemeral container" {
	startswith(path, "spec.ephemeralContainers[")
}
