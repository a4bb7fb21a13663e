# K8sPSPSeccompV2 (spec §2.16): the seccomp profile of every container, read
# from its securityContext.seccompProfile, else the pod's, else "not
# configured" (annotations are ignored), must be an accepted type, or, for
# Localhost, come with an accepted file. UPDATE requests are evaluated too
# (spec §1.6).
#
# Duplicate container names (spec §2.16 "Other edge", §1.2 item 3): as in the
# library, containers are indexed by name across the three lists, so two
# containers sharing a name but differing in any field make the evaluation
# fail with a conflict error, which Gatekeeper reports as one result carrying
# the error text. The Decisions (spec §4) do not change this for this
# template, so we reproduce it: containers_by_name is evaluated in full
# whenever the template is not switched off by "*" and a name repeats (only
# then can it conflict: see index_holds). Identical duplicates are
# one entry there, and give one (collapsed) result here.
package k8spspseccompv2

import data.lib.exempt_container.is_exempt
import data.lib.pods
import data.lib.results
import data.lib.words

violation[v] {
	not every_profile_allowed
	v := results.detailed(findings)[_]
}

# An allowedProfiles entry "*" switches the template off.
every_profile_allowed {
	input.parameters.allowedProfiles[_] == "*"
}

# allowedLocalhostFiles "*" accepts any Localhost profile, whether or not
# Localhost is in allowedProfiles.
any_local_file_allowed {
	input.parameters.allowedLocalhostFiles[_] == "*"
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
	accepted := accepted_entries
	entry := pods.containers[_]
	c := entry.container
	_ = c.name # a container without a name is not in the index
	not is_exempt(c)
	found := profile_of(entry)
	not profile_accepted(found, accepted)
	path := found.path
	msg := message(found, c.name, accepted)
	facts := {"profile": object.remove(found, ["where", "path"]), "accepted": sort([e | e := accepted[_]])}
}

# The accepted entries: {"type": t} for every allowedProfiles entry but
# Localhost; for Localhost, one {"type": "Localhost", "file": f} per file of
# allowedLocalhostFiles, or a single one with the empty file name when that
# parameter is absent (none when it is []).
accepted_entries[e] {
	t := input.parameters.allowedProfiles[_]
	t != "Localhost"
	e := {"type": t}
}

accepted_entries[e] {
	input.parameters.allowedProfiles[_] == "Localhost"
	f := input.parameters.allowedLocalhostFiles[_]
	e := {"type": "Localhost", "file": f}
}

accepted_entries[e] {
	input.parameters.allowedProfiles[_] == "Localhost"
	not local_files_given
	e := {"type": "Localhost", "file": ""}
}

local_files_given {
	_ = input.parameters.allowedLocalhostFiles
}

profile_accepted(found, accepted) {
	found.type != "Localhost"
	e := accepted[_]
	e.type == found.type
}

profile_accepted(found, _) {
	found.type == "Localhost"
	any_local_file_allowed
}

profile_accepted(found, accepted) {
	found.type == "Localhost"
	e := accepted[_]
	e.type == "Localhost"
	e.file == found.file
}

container_field_set(c) {
	c.securityContext.seccompProfile
}

pod_field_set {
	pods.pod.spec.securityContext.seccompProfile
}

# The profile a container runs with: {type, file, where (for the message), path}.
# A seccompProfile field without type gives none: the container passes.
profile_of(entry) = {"type": t, "file": f, "where": "the container's securityContext", "path": path} {
	container_field_set(entry.container)
	sp := entry.container.securityContext.seccompProfile
	t := sp.type
	f := object.get(sp, "localhostProfile", "")
	path := concat("", [entry.path, ".securityContext.seccompProfile"])
}

profile_of(entry) = {"type": t, "file": f, "where": "the pod's securityContext", "path": "spec.securityContext.seccompProfile"} {
	not container_field_set(entry.container)
	sp := pods.pod.spec.securityContext.seccompProfile
	t := sp.type
	f := object.get(sp, "localhostProfile", "")
}

profile_of(entry) = {"type": "not configured", "file": "", "where": "nowhere: no seccomp setting found", "path": path} {
	not container_field_set(entry.container)
	not pod_field_set
	path := concat("", [entry.path, ".securityContext.seccompProfile"])
}

message(found, name, accepted) = msg {
	found.type == "not configured"
	found.where == "nowhere: no seccomp setting found"
	msg := sprintf("container %v has no seccomp profile (none in its or the pod's securityContext), which is not allowed (allowed: %v)", [name, accepted_text(accepted)])
}

message(found, name, accepted) = msg {
	found.where != "nowhere: no seccomp setting found"
	msg := sprintf("container %v uses seccomp profile %v (from %v), which is not allowed (allowed: %v)", [name, entry_text(found), found.where, accepted_text(accepted)])
}

# The accepted entries as text: each type, and Localhost with file f (or with
# no file), sorted, comma-separated.
accepted_text(accepted) = concat(", ", sort({s | e := accepted[_]; s := entry_text(e)})) {
	count(accepted) > 0
} else = "none"

entry_text(e) = words.value(e.type) {
	e.type != "Localhost"
}

entry_text(e) = "Localhost with no file" {
	e.type == "Localhost"
	e.file == ""
}

entry_text(e) = sprintf("Localhost with file %v", [words.value(e.file)]) {
	e.type == "Localhost"
	e.file != ""
}
