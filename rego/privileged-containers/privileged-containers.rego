# K8sPSPPrivilegedContainer (spec §2.12): a container whose
# securityContext.privileged is set (any value but false) is refused.
package k8spspprivileged

import data.lib.exclude_update.is_update
import data.lib.exempt_container.is_exempt
import data.lib.pods
import data.lib.results

violation[v] {
	not is_update(input.review)
	v := results.violations(findings)[_]
}

findings[[msg, path]] {
	entry := pods.containers[_]
	c := entry.container
	not is_exempt(c)
	c.securityContext.privileged
	path := concat("", [entry.path, ".securityContext.privileged"])
	msg := sprintf("container %v runs privileged (securityContext: %v); privileged mode is not allowed", [c.name, c.securityContext])
}
