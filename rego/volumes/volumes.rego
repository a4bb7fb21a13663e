# K8sPSPVolumeTypes (spec §2.19): every volume type a pod uses (each key of a
# spec.volumes entry other than name) must be in the allowed list, or the list
# must hold "*".
package k8spspvolumetypes

import data.lib.exclude_update.is_update
import data.lib.pods
import data.lib.results
import data.lib.words

violation[v] {
	not is_update(input.review)
	v := results.detailed(findings)[_]
}

# One finding per volume using a disallowed type; the message names the type
# and every volume of that type, so volumes of the same type share one result.
findings[[msg, path, facts]] {
	volume := pods.pod.spec.volumes[i]
	volume[type]
	type != "name"
	not type_allowed(type)
	path := sprintf("spec.volumes[%d].%v", [i, type])
	names := [words.value(object.get(vol, "name", "(unnamed)")) | vol := pods.pod.spec.volumes[_]; vol[type]]
	msg := sprintf("pod %v uses volume type %v (%v %v), which is not allowed (allowed: %v)", [pods.pod.metadata.name, type, plural(names), words.list(names), words.list(input.parameters.volumes)])
	facts := {"volumeType": type, "volumes": names, "allowedVolumeTypes": input.parameters.volumes}
}

type_allowed(_) {
	input.parameters.volumes[_] == "*"
}

type_allowed(type) {
	type == input.parameters.volumes[_]
}

plural(names) = "volume" {
	count(names) == 1
} else = "volumes"
