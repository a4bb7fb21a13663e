# K8sPSPHostNetworkingPorts (spec §2.9): host networking needs the hostNetwork
# parameter; every hostPort of a non-exempt container must lie within
# [min, max] (a missing bound does not limit). Host networking is never exempt.
package k8spsphostnetworkingports

import data.lib.exclude_update.is_update
import data.lib.exempt_container.is_exempt
import data.lib.pods
import data.lib.results
import data.lib.words

violation[v] {
	not is_update(input.review)
	v := results.detailed(findings)[_]
}

# All findings share one message, naming everything the pod is refused for: at
# most one result per pod, listing every offending path.
message := sprintf("pod %v uses %v, which the constraint does not allow (allowed: %v, %v)", [input.review.object.metadata.name, concat(" and ", used), network_allowed, ports_allowed])

facts := {"hostPorts": [p | [p, _] := refused_ports[_]], "parameters": object.get(input, "parameters", {})}

# What the pod uses that it may not: the host network, the refused host ports.
used := array.concat([u | uses_host_network; u := "the host network"], [u | count(refused_ports) > 0; u := ports_text])

uses_host_network {
	not input.parameters.hostNetwork
	input.review.object.spec.hostNetwork
}

# [hostPort, container name] of every port outside the range, in manifest order.
refused_ports := [[port.hostPort, entry.container.name] |
	entry := pods.containers[_]
	not is_exempt(entry.container)
	port := entry.container.ports[_]
	out_of_range(port.hostPort)
]

ports_text = s {
	count(refused_ports) == 1
	s := sprintf("host port %v", [port_text(refused_ports[0])])
} else = s {
	s := sprintf("host ports %v", [concat(", ", [port_text(p) | p := refused_ports[_]])])
}

port_text([port, name]) = sprintf("%v (container %v)", [port, words.value(name)])

network_allowed = "host network" {
	input.parameters.hostNetwork
} else = "no host network"

ports_allowed = "no host ports" {
	input.parameters.max == 0
} else = s {
	s := sprintf("host ports %v-%v", [input.parameters.min, input.parameters.max])
} else = s {
	s := sprintf("host ports from %v", [input.parameters.min])
} else = s {
	s := sprintf("host ports up to %v", [input.parameters.max])
} else = "any host port"

# H: host network without the parameter allowing it.
findings[[message, "spec.hostNetwork", facts]] {
	uses_host_network
}

# L and U: a hostPort outside the range, in any container list.
findings[[message, path, facts]] {
	entry := pods.containers[_]
	not is_exempt(entry.container)
	port := entry.container.ports[j]
	out_of_range(port.hostPort)
	path := sprintf("%s.ports[%d].hostPort", [entry.path, j])
}

out_of_range(host_port) {
	host_port < input.parameters.min
}

out_of_range(host_port) {
	host_port > input.parameters.max
}
