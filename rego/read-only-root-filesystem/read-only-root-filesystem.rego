# K8sPSPReadOnlyRootFilesystem (spec §2.14): every checked container must set
# securityContext.readOnlyRootFilesystem to the boolean true. A missing
# securityContext, a missing field, false, or any non-boolean violates.
package k8spspreadonlyrootfilesystem

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
	not read_only_root(c)
	path := concat("", [entry.path, ".securityContext.readOnlyRootFilesystem"])
	setting := words.field(c, ["securityContext", "readOnlyRootFilesystem"])
	msg := sprintf("container %v has a writable root filesystem (%v); it must be true", [c.name, setting])
}

read_only_root(c) {
	c.securityContext.readOnlyRootFilesystem == true
}
