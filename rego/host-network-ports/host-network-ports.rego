# K8sPSPHostNetworkingPorts (spec §2.9): host networking needs the hostNetwork
# parameter; every hostPort of a non-exempt container must lie within
# [min, max] (a missing bound does not limit). Host networking is never exempt.
package k8spsphostnetworkingports

import data.lib.exclude_update.is_update
import data.lib.exempt_container.is_exempt
import data.lib.pods
import data.lib.results

violation[v] {
	not is_update(input.review)
	v := results.violations(findings)[_]
}

# All findings share one message (pod name and parameters): at most one result
# per pod, listing every offending path.
message := sprintf("pod %v uses the host network or a host port that the constraint does not allow; allowed: %v", [input.review.object.metadata.name, input.parameters])

# H: host network without the parameter allowing it.
findings[[msg, path]] {
	not input.parameters.hostNetwork
	input.review.object.spec.hostNetwork
	path := "spec.hostNetwork"
	msg := message
}

# L and U: a hostPort outside the range, in any container list.
findings[[msg, path]] {
	entry := pods.containers[_]
	not is_exempt(entry.container)
	port := entry.container.ports[j]
	out_of_range(port.hostPort)
	path := sprintf("%s.ports[%d].hostPort", [entry.path, j])
	msg := message
}

out_of_range(host_port) {
	host_port < input.parameters.min
}

out_of_range(host_port) {
	host_port > input.parameters.max
}
