# K8sPSPHostProcess (spec §2.11): Windows HostProcess (windowsOptions.hostProcess
# exactly true) is refused at pod level and, for non-exempt containers in any
# list, at container level. The pod-level check is never exempt.
package k8spsphostprocess

import data.lib.exclude_update.is_update
import data.lib.exempt_container.is_exempt
import data.lib.pods
import data.lib.results

violation[v] {
	not is_update(input.review)
	v := results.violations(findings)[_]
}

# Pod level: the message carries the pod name.
findings[[msg, path]] {
	input.review.object.spec.securityContext.windowsOptions.hostProcess == true
	path := "spec.securityContext.windowsOptions.hostProcess"
	msg := sprintf("pod %v runs as a Windows HostProcess (spec.securityContext.windowsOptions.hostProcess: true), which is not allowed", [input.review.object.metadata.name])
}

# Container level: the message carries the container name.
findings[[msg, path]] {
	entry := pods.containers[_]
	c := entry.container
	not is_exempt(c)
	c.securityContext.windowsOptions.hostProcess == true
	path := concat("", [entry.path, ".securityContext.windowsOptions.hostProcess"])
	msg := sprintf("container %v runs as a Windows HostProcess (securityContext.windowsOptions.hostProcess: true), which is not allowed", [c.name])
}
