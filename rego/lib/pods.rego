# The pod under review and the containers the templates walk (spec §1.4), each
# with the path of its entry in the manifest, so results can point at a line.
package lib.pods

pod := input.review.object

# Every container of every list: {"container": c, "path": "spec.initContainers[0]"}.
# An array, not a set: the entries are distinct (their paths are), and a set of them
# is kept sorted by comparing whole containers, at every insertion, in every template
# (each evaluates with its own input, so nothing is shared): ~17 x n log n deep
# comparisons for a Pod of n containers, the bulk of linting a large one.
containers := [{"container": c, "path": path} |
	field := ["containers", "initContainers", "ephemeralContainers"][_]
	c := pod.spec[field][i]
	path := sprintf("spec.%s[%d]", [field, i])
]
