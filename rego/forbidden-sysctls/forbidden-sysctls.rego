# K8sPSPForbiddenSysctls (spec §2.5): each sysctl named in the pod's
# spec.securityContext.sysctls is checked by two independent rules: it must not
# match forbiddenSysctls, and, when allowedSysctls is given, it must match it.
package k8spspforbiddensysctls

import data.lib.exclude_update.is_update
import data.lib.pods
import data.lib.results
import data.lib.words

violation[v] {
	not is_update(input.review)
	v := results.detailed(findings)[_]
}

# R1: forbidden.
findings[[msg, path, facts]] {
	some i
	name := pods.pod.spec.securityContext.sysctls[i].name
	matches_any(name, input.parameters.forbiddenSysctls)
	path := sprintf("spec.securityContext.sysctls[%d].name", [i])
	msg := sprintf("pod %v sets sysctl %v, which is forbidden (forbidden: %v)", [input.review.object.metadata.name, name, words.list(input.parameters.forbiddenSysctls)])
	facts := {"sysctl": name, "forbiddenSysctls": input.parameters.forbiddenSysctls}
}

# R2: not on the allow-list (only when there is one).
findings[[msg, path, facts]] {
	some i
	name := pods.pod.spec.securityContext.sysctls[i].name
	not allowed(name)
	path := sprintf("spec.securityContext.sysctls[%d].name", [i])
	msg := sprintf("pod %v sets sysctl %v, which is not allowed (allowed: %v)", [input.review.object.metadata.name, name, words.list(input.parameters.allowedSysctls)])
	facts := {"sysctl": name, "allowedSysctls": input.parameters.allowedSysctls}
}

allowed(name) {
	not input.parameters.allowedSysctls
}

allowed(name) {
	matches_any(name, input.parameters.allowedSysctls)
}

# A pattern is "*" (everything), a prefix ending in "*", or an exact name.
matches_any(name, patterns) {
	patterns[_] == "*"
}

matches_any(name, patterns) {
	patterns[_] == name
}

matches_any(name, patterns) {
	pattern := patterns[_]
	endswith(pattern, "*")
	startswith(name, trim_suffix(pattern, "*"))
}
