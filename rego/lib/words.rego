# Values as a message shows them to a person (issue 16): lists and ranges in
# plain words, never as JSON, so that a message stays one short line.
package lib.words

# ["a", "b"] → "a, b"; an empty or missing list → "none".
list(xs) = s {
	count(xs) > 0
	s := concat(", ", [value(x) | x := xs[_]])
} else = "none"

# [{"min": 1, "max": 99}, {"min": 200, "max": 200}] → "1-99, 200"; a range missing
# a bound shows it as "?"; no ranges → "none".
ranges(rs) = s {
	count(rs) > 0
	s := concat(", ", [range(r) | r := rs[_]])
} else = "none"

range(r) = s {
	r.min == r.max
	s := sprintf("%v", [r.min])
} else = s {
	s := sprintf("%v-%v", [object.get(r, "min", "?"), object.get(r, "max", "?")])
}

# A value for a message: strings as they are (the empty one as ""), anything
# else as Rego prints it (numbers, booleans; null as "null").
value(x) = s {
	is_string(x)
	x != ""
	s := x
} else = "\"\"" {
	x == ""
} else = s {
	s := sprintf("%v", [x])
}

# A field's value as YAML would show it: strings quoted (so "false" differs from
# false), numbers and booleans bare.
literal(x) = s {
	is_string(x)
	s := json.marshal(x)
} else = s {
	s := sprintf("%v", [x])
}

# A field of obj and its value as a message names it: "a.b: false", or "a.b is
# not set" when obj lacks it.
field(obj, path) = s {
	not has_path(obj, path)
	s := sprintf("%v is not set", [concat(".", path)])
} else = s {
	s := sprintf("%v: %v", [concat(".", path), literal(object.get(obj, path, null))])
}

has_path(obj, path) {
	object.get(obj, path, missing) != missing
}

# object.get's default when a field is absent: no manifest holds this object.
missing := {"offgate.missing": true}

# A user or group id policy block ({"rule": ..., "ranges": [...]}) in words:
# "MustRunAs 100-200", "MayRunAs with no ranges", "MustRunAsNonRoot".
id_policy(params) = s {
	ranged_rules[params.rule]
	count(object.get(params, "ranges", [])) > 0
	s := sprintf("%v %v", [params.rule, ranges(params.ranges)])
} else = s {
	ranged_rules[params.rule]
	s := sprintf("%v with no ranges", [params.rule])
} else = s {
	s := value(object.get(params, "rule", "no rule"))
}

ranged_rules := {"MustRunAs", "MayRunAs"}
