# K8sPSPReadOnlyRootFilesystem (spec §2.14): every checked container must set
# securityContext.readOnlyRootFilesystem to the boolean true. A missing
# securityContext, a missing field, false, or any non-boolean violates.
package k8spspreadonlyrootfilesystem

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
	not read_only_root(c)
	path := concat("", [entry.path, ".securityContext.readOnlyRootFilesystem"])
	msg := sprintf("container %v has a writable root filesystem; only containers with a read-only root filesystem are allowed", [c.name])
}

read_only_root(c) {
	c.securityContext.readOnlyRootFilesystem == true
}
