# K8sPSPHostProbesLifecycle (spec §2.10, Decision 1): each probe (liveness,
# readiness, startup) and lifecycle hook (postStart, preStop) of a non-exempt
# container is checked on its own: an httpGet or tcpSocket handler whose
# `host` is a non-empty string violates. This is the intended per-handler
# behaviour; unlike the library's Rego it never raises an evaluation error.
package k8spsphostprobeslifecycle

import data.lib.exclude_update.is_update
import data.lib.exempt_container.is_exempt
import data.lib.pods
import data.lib.results

violation[v] {
	not is_update(input.review)
	v := results.violations(findings)[_]
}

probes := ["livenessProbe", "readinessProbe", "startupProbe"]

hooks := ["postStart", "preStop"]

actions := ["httpGet", "tcpSocket"]

# Messages carry the container name, the host and "probe" or "lifecycle hook"
# (not which one): same container, kind and host collapse into one result.
findings[[msg, path]] {
	entry := pods.containers[_]
	c := entry.container
	not is_exempt(c)
	probe := probes[_]
	action := actions[_]
	host := c[probe][action].host
	names_a_host(host)
	path := sprintf("%s.%s.%s.host", [entry.path, probe, action])
	msg := sprintf("container %v has a probe that targets host %v; probes may only target the pod itself (leave host unset or empty)", [c.name, host])
}

findings[[msg, path]] {
	entry := pods.containers[_]
	c := entry.container
	not is_exempt(c)
	hook := hooks[_]
	action := actions[_]
	host := c.lifecycle[hook][action].host
	names_a_host(host)
	path := sprintf("%s.lifecycle.%s.%s.host", [entry.path, hook, action])
	msg := sprintf("container %v has a lifecycle hook that targets host %v; hooks may only target the pod itself (leave host unset or empty)", [c.name, host])
}

names_a_host(host) {
	is_string(host)
	host != ""
}
