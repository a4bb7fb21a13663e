# K8sPSPHostFilesystem (spec §2.7): every hostPath volume must fall under an
# allowedHostPaths entry, matched by path components; an entry marked readOnly
# only admits a volume that no container (in any list) mounts writable.
package k8spsphostfilesystem

import data.lib.exclude_update.is_update
import data.lib.pods
import data.lib.results

violation[v] {
	not is_update(input.review)
	v := results.violations(findings)[_]
}

# One finding per offending hostPath volume; the message carries the whole
# volume, the pod name and the allowed list.
findings[[msg, path]] {
	volume := input.review.object.spec.volumes[i]
	volume.hostPath
	allowed := allowed_host_paths
	not volume_allowed(allowed, volume)
	path := sprintf("spec.volumes[%d].hostPath.path", [i])
	msg := sprintf("pod %v: hostPath volume %v is outside the allowed host paths %v", [input.review.object.metadata.name, volume, allowed])
}

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
