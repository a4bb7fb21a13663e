# The pod under review and the containers the templates walk (spec §1.4), each
# with the path of its entry in the manifest, so results can point at a line.
package lib.pods

pod := input.review.object

# Every container of every list: {"container": c, "path": "spec.initContainers[0]"}.
containers[{"container": c, "path": path}] {
	field := ["containers", "initContainers", "ephemeralContainers"][_]
	c := pod.spec[field][i]
	path := sprintf("spec.%s[%d]", [field, i])
}
