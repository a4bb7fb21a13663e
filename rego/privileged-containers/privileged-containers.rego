# K8sPSPPrivilegedContainer (spec §2.12): a container whose
# securityContext.privileged is set (any value but false) is refused.
package k8spspprivileged

import data.lib.exclude_update.is_update
import data.lib.exempt_container.is_exempt
import data.lib.pods
import data.lib.results
import data.lib.words

violation[v] {
	not is_update(input.review)
	v := results.detailed(findings)[_]
}

findings[[msg, path, facts]] {
	entry := pods.containers[_]
	c := entry.container
	not is_exempt(c)
	c.securityContext.privileged
	path := concat("", [entry.path, ".securityContext.privileged"])
	msg := sprintf("container %v runs privileged (securityContext.privileged: %v), which is not allowed", [c.name, words.literal(c.securityContext.privileged)])
	facts := {"container": c.name, "securityContext": c.securityContext}
}
