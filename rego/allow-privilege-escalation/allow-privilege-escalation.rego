# K8sPSPAllowPrivilegeEscalationContainer (spec §2.1): every checked container
# must say securityContext.allowPrivilegeEscalation: false (the boolean).
# Anything else (no securityContext, no field, true, null, "false") violates.
package k8spspallowprivilegeescalationcontainer

import data.lib.exclude_update.is_update
import data.lib.exempt_container.is_exempt
import data.lib.pods
import data.lib.results
import data.lib.words

violation[v] {
	not is_update(input.review)
	v := results.violations(findings)[_]
}

findings[[msg, path]] {
	entry := pods.containers[_]
	c := entry.container
	not is_exempt(c)
	not escalation_disabled(c)
	path := concat("", [entry.path, ".securityContext.allowPrivilegeEscalation"])
	setting := words.field(c, ["securityContext", "allowPrivilegeEscalation"])
	msg := sprintf("container %v may escalate privileges (%v); it must be false", [c.name, setting])
}

escalation_disabled(c) {
	c.securityContext.allowPrivilegeEscalation == false
}
