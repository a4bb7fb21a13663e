# K8sPSPHostNamespace (spec §2.8): a pod sharing the host's PID or IPC
# namespace (spec.hostPID / spec.hostIPC set) is refused. hostNetwork is
# K8sPSPHostNetworkingPorts' business.
package k8spsphostnamespace

import data.lib.exclude_update.is_update
import data.lib.results

violation[v] {
	not is_update(input.review)
	v := results.violations(findings)[_]
}

# The message carries only the pod name, so hostPID and hostIPC together give
# one result listing both paths.
findings[[msg, path]] {
	field := ["hostPID", "hostIPC"][_]
	input.review.object.spec[field]
	path := concat(".", ["spec", field])
	msg := sprintf("pod %v shares a host namespace (process IDs or IPC); host namespaces may not be shared", [input.review.object.metadata.name])
}
