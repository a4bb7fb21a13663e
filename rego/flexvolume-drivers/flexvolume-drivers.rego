# K8sPSPFlexVolumes (spec §2.4): every flexVolume volume of the pod must use a
# driver listed in allowedFlexVolumes (exact match). With the parameter absent
# the message cannot be built, so nothing is reported (§1.2).
package k8spspflexvolumes

import data.lib.exclude_update.is_update
import data.lib.pods
import data.lib.results

violation[v] {
	not is_update(input.review)
	v := results.violations(findings)[_]
}

findings[[msg, path]] {
	some i
	volume := pods.pod.spec.volumes[i]
	volume.flexVolume
	not driver_allowed(volume)
	path := sprintf("spec.volumes[%d].flexVolume.driver", [i])
	msg := sprintf("pod %v mounts flexVolume %v, whose driver is not allowed; allowed drivers: %v", [input.review.object.metadata.name, volume, input.parameters.allowedFlexVolumes])
}

driver_allowed(volume) {
	input.parameters.allowedFlexVolumes[_].driver == volume.flexVolume.driver
}
