# K8sPSPFlexVolumes (spec §2.4): every flexVolume volume of the pod must use a
# driver listed in allowedFlexVolumes (exact match). With the parameter absent
# the message cannot be built, so nothing is reported (§1.2).
package k8spspflexvolumes

import data.lib.exclude_update.is_update
import data.lib.pods
import data.lib.results
import data.lib.words

violation[v] {
	not is_update(input.review)
	v := results.detailed(findings)[_]
}

findings[[msg, path, facts]] {
	some i
	volume := pods.pod.spec.volumes[i]
	volume.flexVolume
	not driver_allowed(volume)
	path := sprintf("spec.volumes[%d].flexVolume.driver", [i])
	allowed := input.parameters.allowedFlexVolumes
	drivers := [d | d := allowed[_].driver]
	msg := sprintf("pod %v mounts flexVolume %v %v, which is not allowed (allowed drivers: %v)", [input.review.object.metadata.name, words.value(object.get(volume, "name", "(unnamed)")), driver_text(volume), words.list(drivers)])
	facts := {"volume": volume, "allowedFlexVolumes": allowed}
}

driver_text(volume) = s {
	s := sprintf("with driver %v", [words.value(volume.flexVolume.driver)])
} else = "with no driver"

driver_allowed(volume) {
	input.parameters.allowedFlexVolumes[_].driver == volume.flexVolume.driver
}
