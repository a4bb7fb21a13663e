# K8sPSPProcMount (spec §2.13): a container that sets securityContext.procMount
# (present and not null) must use the "default" proc mount, unless the
# constraint allows "unmasked". The parameter is matched case-insensitively;
# absent or unrecognised, it behaves as "default". Containers without a
# procMount always pass (spec.hostUsers is not read).
package k8spspprocmount

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
	c.securityContext.procMount != null
	not is_exempt(c)
	allowed := allowed_proc_mount
	not proc_mount_permitted(allowed, c)
	path := concat("", [entry.path, ".securityContext.procMount"])
	# Only "default" refuses anything, so Default is all that is allowed here.
	msg := sprintf("container %v uses proc mount type %v, which is not allowed (allowed: Default)", [c.name, words.value(c.securityContext.procMount)])
	facts := {"procMount": c.securityContext.procMount, "allowedProcMount": allowed}
}

# The most permissive type the constraint allows, lower-cased: "unmasked" only
# when the parameter says so (in any case); anything else means "default".
allowed_proc_mount = "unmasked" {
	lower(input.parameters.procMount) == "unmasked"
} else = "default"

proc_mount_permitted(allowed, _) {
	allowed == "unmasked"
}

proc_mount_permitted(allowed, c) {
	allowed == "default"
	lower(c.securityContext.procMount) == "default"
}
