# K8sPSPCapabilities (spec §2.3): per checked container, capabilities it adds
# must be in allowedCapabilities (unless that lists "*"), and it must drop every
# requiredDropCapabilities entry, or ALL. Comparisons ignore case.
package k8spspcapabilities

import data.lib.exclude_update.is_update
import data.lib.exempt_container.is_exempt
import data.lib.pods
import data.lib.results
import data.lib.words

violation[v] {
	not is_update(input.review)
	v := results.detailed(findings)[_]
}

# Additions: one result per container, pointing at each capability it may not
# add, and naming them all.
findings[[msg, path, facts]] {
	entry := pods.containers[_]
	c := entry.container
	not is_exempt(c)
	allowed := {l | l := lower(input.parameters.allowedCapabilities[_])}
	not allowed["*"]
	some i
	added := lower(c.securityContext.capabilities.add[i])
	not allowed[added]
	path := sprintf("%s.securityContext.capabilities.add[%d]", [entry.path, i])
	refused := [cap | cap := c.securityContext.capabilities.add[_]; not allowed[lower(cap)]]
	msg := sprintf("%s %v adds %v %v, which %v not allowed (allowed: %v)", [list_label(entry.path), c.name, plural(refused, "capability", "capabilities"), words.list(refused), plural(refused, "is", "are"), words.list(allowed_list)])
	facts := {"capabilities": refused, "allowedCapabilities": allowed_list}
}

# Drops: one result per container that misses a required drop without dropping
# ALL, naming the capabilities it does not drop.
findings[[msg, path, facts]] {
	entry := pods.containers[_]
	c := entry.container
	not is_exempt(c)
	required := {l | l := lower(input.parameters.requiredDropCapabilities[_])}
	dropped := {l | l := lower(c.securityContext.capabilities.drop[_])}
	count(required - dropped) > 0
	not dropped["all"]
	path := concat("", [entry.path, ".securityContext.capabilities.drop"])
	kept := [cap | cap := input.parameters.requiredDropCapabilities[_]; not dropped[lower(cap)]]
	msg := sprintf("%s %v %v", [list_label(entry.path), c.name, missing_drops(kept, required)])
	facts := {"capabilities": kept, "requiredDropCapabilities": input.parameters.requiredDropCapabilities}
}

# What a container fails to drop, in words. Dropping ALL always satisfies the
# requirement; when ALL is itself required nothing else does.
missing_drops(kept, required) = "does not drop ALL capabilities (capabilities.drop must list ALL)" {
	required["all"]
} else = s {
	s := sprintf("does not drop %v %v (required drops: %v, or ALL)", [plural(kept, "capability", "capabilities"), words.list(kept), words.list(input.parameters.requiredDropCapabilities)])
}

# The allowed list as given; absent, nothing may be added.
allowed_list := object.get(object.get(input, "parameters", {}), "allowedCapabilities", [])

plural(xs, one, many) = one {
	count(xs) == 1
} else = many

list_label(path) = "container" {
	startswith(path, "spec.containers[")
}

list_label(path) = "init container" {
	startswith(path, "spec.initContainers[")
}

list_label(path) = "ephemeral container" {
	startswith(path, "spec.ephemeralContainers[")
}
