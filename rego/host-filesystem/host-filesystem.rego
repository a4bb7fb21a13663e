# K8sPSPHostFilesystem (spec §2.7): every hostPath volume must fall under an
# allowedHostPaths entry, matched by path components; an entry marked readOnly
# only admits a volume that no container (in any list) mounts writable.
package k8spsphostfilesystem

import data.lib.exclude_update.is_update
import data.lib.pods
import data.lib.results
import data.lib.words

violation[v] {
	not is_update(input.review)
	v := results.detailed(findings)[_]
}

# One finding per offending hostPath volume; the message names the pod, the
# volume, its host path and what is wrong with it; the details carry the whole
# volume and the allowed list.
findings[[msg, path, facts]] {
	volume := input.review.object.spec.volumes[i]
	volume.hostPath
	allowed := allowed_host_paths
	not volume_allowed(allowed, volume)
	path := sprintf("spec.volumes[%d].hostPath.path", [i])
	msg := sprintf("pod %v: hostPath volume %v %v", [input.review.object.metadata.name, words.value(object.get(volume, "name", "(unnamed)")), problem(allowed, volume)])
	facts := {"volume": volume, "allowedHostPaths": allowed}
}

# What is wrong with a refused volume. Under a prefix that is allowed read-only
# only, the path is fine and the mount is not: say so, naming the containers
# that mount it writable (the path being "outside" would suggest the opposite).
problem(allowed, volume) = s {
	not volume.hostPath.path
	s := sprintf("sets no path, so it is not under an allowed host path (%v)", [allowed_text(allowed)])
} else = s {
	prefix := read_only_prefix(allowed, volume.hostPath.path)
	writers := [c.name | c := pods.containers[_].container; writes(c, volume.name)]
	count(writers) > 0
	s := sprintf("mounts %v, which may only be mounted read-only (under %v), but %v %v %v it writable", [volume.hostPath.path, prefix, plural(writers, "container", "containers"), words.list(writers), plural(writers, "mounts", "mount")])
} else = s {
	prefix := read_only_prefix(allowed, volume.hostPath.path)
	not volume.name
	s := sprintf("mounts %v, which may only be mounted read-only (under %v), but the volume has no name, so its mounts cannot be checked", [volume.hostPath.path, prefix])
} else = s {
	s := sprintf("mounts %v, which is not under an allowed host path (%v)", [words.value(volume.hostPath.path), allowed_text(allowed)])
}

# The first read-only entry covering the path (only asked of refused volumes:
# no writable entry covers them).
read_only_prefix(allowed, host_path) = p {
	ps := [e.pathPrefix | e := allowed[_]; e.readOnly == true; path_matches(e.pathPrefix, host_path)]
	p := ps[0]
}

writes(c, volume_name) {
	mount := c.volumeMounts[_]
	mount.name == volume_name
	not mount.readOnly
}

allowed_text(allowed) = "none allowed" {
	count(allowed) == 0
} else = s {
	s := sprintf("allowed: %v", [concat(", ", [entry_text(e) | e := allowed[_]])])
}

entry_text(e) = s {
	e.readOnly == true
	s := sprintf("%v read-only", [words.value(object.get(e, "pathPrefix", "(no pathPrefix)"))])
} else = s {
	s := words.value(object.get(e, "pathPrefix", "(no pathPrefix)"))
}

plural(xs, one, many) = one {
	count(xs) == 1
} else = many

# Absent parameter: an empty list, so every hostPath volume violates.
allowed_host_paths := object.get(object.get(input, "parameters", {}), "allowedHostPaths", [])

# An entry whose readOnly is not true admits any volume under its prefix.
volume_allowed(allowed, volume) {
	entry := allowed[_]
	path_matches(entry.pathPrefix, volume.hostPath.path)
	not entry.readOnly == true
}

# A readOnly entry admits the volume only when no container mounts it writable.
# A volume without a name never passes here: OPA evaluates the argument of a
# negated call before the negation (spec §1.3), so a missing name fails the
# clause. The name is bound first to make that explicit.
volume_allowed(allowed, volume) {
	entry := allowed[_]
	entry.readOnly == true
	path_matches(entry.pathPrefix, volume.hostPath.path)
	volume_name := volume.name
	not writable_mount(volume_name)
}

# A mount is writable unless its readOnly is set.
writable_mount(volume_name) {
	c := pods.containers[_].container
	mount := c.volumeMounts[_]
	mount.name == volume_name
	not mount.readOnly
}

# Component-wise prefix: "/foo" covers "/foo", "/foo/" and "/foo/bar", not "/foobar".
path_matches(prefix, path) {
	a := path_components(prefix)
	b := path_components(path)
	count(a) <= count(b)
	not differs_before(a, b, count(a))
}

# "/" alone has no components, so it covers every path.
path_components("/") = [] {
	true
}

path_components(p) = parts {
	p != "/"
	parts := split(trim(p, "/"), "/")
}

differs_before(a, b, n) {
	a[i] != b[i]
	i < n
}
