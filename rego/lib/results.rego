# Results as the library forms them (spec §1.2): one per distinct message. Ours
# also carry where: `details.path` is the first offending field's path and
# `details.paths` every path that produced the same message.
package lib.results

# findings: a set of [msg, path] pairs → a set of {"msg", "details"} results.
# A set iterates in Rego's order: pairs sorted by message, then by path. So each
# message's paths are one run of consecutive pairs, already sorted and distinct,
# and one walk over the pairs groups them (looking up each message's paths in the
# set instead scans it once per message: quadratic in the containers of a Pod).
#
# The results come out in message order, which is not the set's (it compares
# "details" first): added one by one, each would go into the middle of the set,
# moving everything after it. Sorted first, they are each added at its end.
violations(findings) = {v | v := sort(_grouped([[m, p, {}] | [m, p] := findings[_]]))[_]}

# findings: a set of [msg, path, facts] triples, facts an object of the values
# the message names in words (the capability, the allowed list...), kept whole
# for the report's details (-o json): as violations, with the facts of each
# message's first finding merged into its details.
detailed(findings) = {v | v := sort(_grouped([[m, p, f] | [m, p, f] := findings[_]]))[_]}

_grouped(pairs) = [v |
	starts := [i | _ = pairs[i]; _starts_run(pairs, i)]
	ends := array.concat(array.slice(starts, 1, count(starts)), [count(pairs)])
	start := starts[k]
	paths := [p | [_, p, _] := array.slice(pairs, start, ends[k])[_]]
	v := {"msg": pairs[start][0], "details": object.union(pairs[start][2], {"path": paths[0], "paths": paths})}
]

_starts_run(_, i) {
	i == 0
}

_starts_run(pairs, i) {
	pairs[i - 1][0] != pairs[i][0]
}
