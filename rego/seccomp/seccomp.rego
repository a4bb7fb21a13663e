# K8sPSPSeccomp (spec §2.15), the annotation-era seccomp check. Each container's
# profile is read, in this order, from its securityContext.seccompProfile, the
# pod's securityContext.seccompProfile, the annotation
# container.seccomp.security.alpha.kubernetes.io/<name>, the annotation
# seccomp.security.alpha.kubernetes.io/pod, else it is "not configured"; field
# types are spelled the annotation way. The profile must be in the allow-set A
# (see allowed_profiles), or be any localhost/ profile when A has localhost/*.
# UPDATE requests are evaluated too (spec §1.6).
#
# Duplicate container names (spec §2.15 "Other edge", §1.2 item 3): the library
# indexes containers by name across the three lists, so two containers sharing
# a name but differing in any field make the evaluation fail with a conflict
# error, which Gatekeeper reports as one result carrying the error text. The
# Decisions (spec §4) do not change this for this template, so we reproduce it:
# containers_by_name is evaluated in full whenever the template is not switched
# off by "*" and a name repeats (only then can it conflict: see index_holds),
# and conflicts exactly where the library's index does. Identical
# duplicates are one entry there, and give one (collapsed) result here.
package k8spspseccomp

import data.lib.exempt_container.is_exempt
import data.lib.pods
import data.lib.results
import data.lib.words

pod_annotation_key := "seccomp.security.alpha.kubernetes.io/pod"

container_annotation_prefix := "container.seccomp.security.alpha.kubernetes.io/"

violation[v] {
	not every_profile_allowed
	v := results.detailed(findings)[_]
}

# An allowedProfiles entry "*" switches the template off.
every_profile_allowed {
	input.parameters.allowedProfiles[_] == "*"
}

# Containers by name, as the library indexes them (see the header): a name
# shared by two different containers is a conflict, i.e. an evaluation error.
containers_by_name[name] = c {
	c := pods.containers[_].container
	name := c.name
}

# The index can only conflict where a name repeats, so it is built only then,
# with the same outcome. Built for every Pod, it is quadratic in the Pod's
# containers (an object whose keys come out of order: each insertion moves the
# entries after it); finding a repeat among the sorted names is n log n.
index_holds {
	not name_repeats
}

index_holds {
	name_repeats
	_ = containers_by_name
}

name_repeats {
	names := sort([c.name | c := pods.containers[_].container])
	name := names[i]
	next := i + 1
	names[next] == name
}

findings[[msg, path, facts]] {
	index_holds
	allowed := allowed_profiles
	entry := pods.containers[_]
	c := entry.container
	_ = c.name # a container without a name is not in the index
	not is_exempt(c)
	found := profile_of(entry)
	not profile_allowed(found.profile, allowed)
	path := found.path
	msg := sprintf("container %v %v, which is not allowed (allowed: %v)", [c.name, profile_text(found), words.list(sort(allowed))])
	facts := {"profile": found.profile, "allowedProfiles": sort(allowed)}
}

profile_text(found) = "has no seccomp profile (no seccompProfile field or seccomp annotation)" {
	found.profile == "not configured"
	found.where == "nowhere: no seccomp setting found"
} else = s {
	s := sprintf("uses seccomp profile %v (from %v)", [words.value(found.profile), found.where])
}

# The allow-set A: every allowedProfiles entry as written, plus, only when
# allowedLocalhostFiles has entries, the annotation spelling of each
# securityContext-style entry (one without "/") for each file.
allowed_profiles[p] {
	p := input.parameters.allowedProfiles[_]
}

allowed_profiles[p] {
	entry := input.parameters.allowedProfiles[_]
	not contains(entry, "/")
	file := input.parameters.allowedLocalhostFiles[_]
	p := annotation_spellings(entry, file)[_]
}

annotation_spellings(entry, _) = ["runtime/default", "docker/default"] {
	entry == "RuntimeDefault"
}

annotation_spellings(entry, _) = ["unconfined"] {
	entry == "Unconfined"
}

annotation_spellings(entry, file) = [p] {
	entry == "Localhost"
	p := concat("", ["localhost/", file])
}

profile_allowed(profile, allowed) {
	profile == allowed[_]
}

profile_allowed(profile, allowed) {
	startswith(profile, "localhost/")
	allowed["localhost/*"]
}

# How a RuntimeDefault field is spelled: the spelling allowedProfiles uses,
# runtime/default first, docker/default next, runtime/default otherwise.
runtime_default_spelling = "runtime/default" {
	input.parameters.allowedProfiles[_] == "runtime/default"
} else = "docker/default" {
	input.parameters.allowedProfiles[_] == "docker/default"
} else = "runtime/default"

# A seccompProfile field in annotation spelling; undefined (so the container
# passes) for any other type, or for Localhost without localhostProfile.
field_profile(sp) = runtime_default_spelling {
	sp.type == "RuntimeDefault"
}

field_profile(sp) = "unconfined" {
	sp.type == "Unconfined"
}

field_profile(sp) = p {
	sp.type == "Localhost"
	p := concat("", ["localhost/", sp.localhostProfile])
}

container_field_set(c) {
	c.securityContext.seccompProfile
}

pod_field_set {
	pods.pod.spec.securityContext.seccompProfile
}

annotation_set(key) {
	pods.pod.metadata.annotations[key]
}

annotation_path(key) = concat("", ["metadata.annotations[\"", key, "\"]"])

# The profile a container runs with: {profile, where (for the message), path}.
profile_of(entry) = {"profile": p, "where": "the container's securityContext", "path": path} {
	container_field_set(entry.container)
	p := field_profile(entry.container.securityContext.seccompProfile)
	path := concat("", [entry.path, ".securityContext.seccompProfile"])
}

profile_of(entry) = {"profile": p, "where": "the pod's securityContext", "path": "spec.securityContext.seccompProfile"} {
	not container_field_set(entry.container)
	pod_field_set
	p := field_profile(pods.pod.spec.securityContext.seccompProfile)
}

profile_of(entry) = {"profile": p, "where": where, "path": annotation_path(key)} {
	not container_field_set(entry.container)
	not pod_field_set
	key := concat("", [container_annotation_prefix, entry.container.name])
	annotation_set(key)
	p := pods.pod.metadata.annotations[key]
	where := sprintf("annotation %v", [key])
}

profile_of(entry) = {"profile": p, "where": where, "path": annotation_path(pod_annotation_key)} {
	not container_field_set(entry.container)
	not pod_field_set
	key := concat("", [container_annotation_prefix, entry.container.name])
	not annotation_set(key)
	annotation_set(pod_annotation_key)
	p := pods.pod.metadata.annotations[pod_annotation_key]
	where := sprintf("annotation %v", [pod_annotation_key])
}

profile_of(entry) = {"profile": "not configured", "where": "nowhere: no seccomp setting found", "path": path} {
	not container_field_set(entry.container)
	not pod_field_set
	key := concat("", [container_annotation_prefix, entry.container.name])
	not annotation_set(key)
	not annotation_set(pod_annotation_key)
	path := concat("", [entry.path, ".securityContext.seccompProfile"])
}
