# K8sPSPAppArmor (spec §2.2): the AppArmor profile each checked container runs
# with must be one of allowedProfiles, compared exactly (no wildcards). Evaluated
# on UPDATE too. With allowedProfiles absent the message cannot be built, so
# nothing is reported (§1.2).
package k8spspapparmor

import data.lib.exempt_container.is_exempt
import data.lib.pods
import data.lib.results
import data.lib.words

violation[v] {
	v := results.detailed(findings)[_]
}

findings[[msg, path, facts]] {
	entry := pods.containers[_]
	c := entry.container
	not is_exempt(c)
	not profile_allowed(c)
	path := profile_path(entry)
	msg := sprintf("container %v of pod %v runs with AppArmor profile %v, which is not allowed (allowed: %v)", [c.name, input.review.object.metadata.name, profile_text(c), words.list(input.parameters.allowedProfiles)])
	facts := {"profile": profile_text(c), "allowedProfiles": input.parameters.allowedProfiles}
}

# The profile as the message names it; a setting that translates to no profile
# is described instead.
profile_text(c) = s {
	s := words.value(profile(c))
} else = s {
	setting := untranslated(c)
	setting.type == "Localhost"
	s := "Localhost with no localhostProfile"
} else = s {
	s := sprintf("of unknown type %v", [words.value(untranslated(c).type)])
} else = "with no type"

untranslated(c) = s {
	s := container_setting(c)
	s != null
} else = pod_setting

# A container with no translatable profile is never allowed.
profile_allowed(c) {
	profile(c) == input.parameters.allowedProfiles[_]
}

annotation_key(c) = k {
	k := sprintf("container.apparmor.security.beta.kubernetes.io/%v", [c.name])
}

container_setting(c) = s {
	s := object.get(c, ["securityContext", "appArmorProfile"], null)
}

pod_setting = s {
	s := object.get(pods.pod, ["spec", "securityContext", "appArmorProfile"], null)
}

has_annotation(c) {
	pods.pod.metadata.annotations[annotation_key(c)]
}

# 1. The container's own appArmorProfile.
profile(c) = p {
	container_setting(c) != null
	p := translate(container_setting(c))
}

# 2. Else the per-container annotation, verbatim.
profile(c) = p {
	container_setting(c) == null
	has_annotation(c)
	p := pods.pod.metadata.annotations[annotation_key(c)]
}

# 3. Else the pod's appArmorProfile; nothing at all means runtime/default.
profile(c) = p {
	container_setting(c) == null
	not has_annotation(c)
	pod_setting != null
	p := translate(pod_setting)
}

profile(c) = "runtime/default" {
	container_setting(c) == null
	not has_annotation(c)
	pod_setting == null
}

# Field form → annotation form; undefined for an unknown or missing type, and for
# Localhost without localhostProfile.
translate(setting) = "runtime/default" {
	setting.type == "RuntimeDefault"
}

translate(setting) = "unconfined" {
	setting.type == "Unconfined"
}

translate(setting) = p {
	setting.type == "Localhost"
	p := sprintf("localhost/%s", [setting.localhostProfile])
}

# Where the deciding setting is (or, when nothing is set, where it belongs).
profile_path(entry) = p {
	container_setting(entry.container) != null
	p := concat("", [entry.path, ".securityContext.appArmorProfile"])
}

profile_path(entry) = p {
	container_setting(entry.container) == null
	has_annotation(entry.container)
	p := concat("", ["metadata.annotations[\"", annotation_key(entry.container), "\"]"])
}

profile_path(entry) = "spec.securityContext.appArmorProfile" {
	container_setting(entry.container) == null
	not has_annotation(entry.container)
	pod_setting != null
}

profile_path(entry) = p {
	container_setting(entry.container) == null
	not has_annotation(entry.container)
	pod_setting == null
	p := concat("", [entry.path, ".securityContext.appArmorProfile"])
}
