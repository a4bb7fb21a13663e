# Results as the library forms them (spec §1.2): one per distinct message. Ours
# also carry where: `details.path` is the first offending field's path and
# `details.paths` every path that produced the same message.
package lib.results

# findings: a set of [msg, path] pairs → a set of {"msg", "details"} results.
violations(findings) = {v |
	msg := {m | [m, _] := findings[_]}[_]
	paths := sort({p | findings[[msg, p]]})
	v := {"msg": msg, "details": {"path": paths[0], "paths": paths}}
}
