# K8sPSPHostNamespace (spec §2.8): a pod sharing the host's PID or IPC
# namespace (spec.hostPID / spec.hostIPC set) is refused. hostNetwork is
# K8sPSPHostNetworkingPorts' business.
package k8spsphostnamespace

import data.lib.exclude_update.is_update
import data.lib.results
import data.lib.words

violation[v] {
	not is_update(input.review)
	v := results.violations(findings)[_]
}

# The message is one per pod, naming every shared namespace, so hostPID and
# hostIPC together give one result listing both paths.
findings[[msg, path]] {
	field := ["hostPID", "hostIPC"][_]
	input.review.object.spec[field]
	path := concat(".", ["spec", field])
	msg := sprintf("pod %v shares the host's %v (%v), which is not allowed", [input.review.object.metadata.name, shared_text, settings_text])
}

shared := [f | f := ["hostPID", "hostIPC"][_]; input.review.object.spec[f]]

shared_text = "process and IPC namespaces" {
	count(shared) == 2
} else = "process namespace" {
	shared[_] == "hostPID"
} else = "IPC namespace"

settings_text := concat(", ", [sprintf("spec.%v: %v", [f, words.literal(input.review.object.spec[f])]) | f := shared[_]])
