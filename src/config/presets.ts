// The built-in presets, `baseline` and `restricted`: the two Pod Security Standards
// levels (kubernetes.io/docs/concepts/security/pod-security-standards) expressed as
// restrictions on offgate's bundled templates. Which restrictions are on follows the
// templates' `metadata.gatekeeper.sh/bundle` (spec §1.8); the parameters are chosen so
// that each Constraint refuses what the level refuses, no more and no less, except where
// a template cannot say exactly that (noted as "stricter than PSS").
//
// Also here: the parameters a restriction gets when an environment just says `true` and
// inherits no parameters (DEFAULT_PARAMETERS).
import type { Environment, Parameters, RestrictionSetting } from './model';

export const PRESET_NAMES = ['baseline', 'restricted'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export function isPreset(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

// ---------------------------------------------------------------------------
// Values from the Pod Security Standards

/** Baseline "Capabilities": the only capabilities a container may add. */
export const PSS_BASELINE_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];

/** Baseline "Sysctls": the safe set, the only sysctls a pod may set (as of Kubernetes 1.29+). */
export const PSS_SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];

/** Baseline "SELinux": the types a pod or container may ask for ("" = none). */
export const PSS_SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t', ''];

/** Restricted "Volume Types": every volume type that is not a host or network filesystem. */
export const PSS_RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

// ---------------------------------------------------------------------------
// baseline: prevents known privilege escalations; a plain pod passes unchanged.

const BASELINE_RESTRICTIONS: Record<string, RestrictionSetting> = {
  // "AppArmor": undefined, runtime/default or localhost/* profiles. A pod that sets
  // nothing counts as runtime/default for the template (§2.2). Stricter than PSS: the
  // template has no wildcard, so `localhost/<profile>` profiles are refused until listed.
  apparmor: { parameters: { allowedProfiles: ['runtime/default'] } },
  // "Capabilities": adding anything beyond the baseline list is forbidden; nothing has to be dropped.
  capabilities: { parameters: { allowedCapabilities: PSS_BASELINE_CAPABILITIES } },
  // "Sysctls": only the safe set. forbiddenSysctls is given (empty) because the template's
  // CEL source, which recent Gatekeeper runs by default, errors without it (§2.5).
  'forbidden-sysctls': { parameters: { allowedSysctls: PSS_SAFE_SYSCTLS, forbiddenSysctls: [] } },
  // "HostPath Volumes": forbidden; an empty allow-list refuses every hostPath volume (§2.7).
  'host-filesystem': { parameters: { allowedHostPaths: [] } },
  // "Host Namespaces": hostPID and hostIPC must be unset or false. No parameters.
  'host-namespaces': true,
  // "Host Namespaces" (hostNetwork) and "Host Ports": no host network, and hostPort unset
  // or 0 — a range of [0, 0] says exactly that (bounds are inclusive, §2.9).
  'host-network-ports': { parameters: { hostNetwork: false, min: 0, max: 0 } },
  // "Probes / Lifecycle Hooks" (1.34+): their httpGet/tcpSocket host must be unset or "".
  'host-probes-lifecycle': true,
  // "HostProcess": Windows HostProcess pods and containers are forbidden.
  'host-process': true,
  // "Privileged Containers": forbidden.
  'privileged-containers': true,
  // "/proc Mount Type": only the default (masked) /proc.
  'proc-mount': { parameters: { procMount: 'Default' } },
  // "Seccomp": anything but an explicit Unconfined. "not configured" admits containers
  // that set no profile anywhere; Localhost with any file ("*") is allowed.
  seccompv2: { parameters: { allowedProfiles: ['RuntimeDefault', 'Localhost', 'not configured'], allowedLocalhostFiles: ['*'] } },
  // "SELinux": type unset, "" or one of the container types; user and role unset or "".
  // An entry with a field means "unset or exactly this", so carrying user/role/level ""
  // admits the empty strings too (§2.17). Stricter than PSS: a non-empty MCS `level`
  // is refused, as the template cannot say "any level".
  selinux: {
    parameters: { allowedSELinuxOptions: PSS_SELINUX_TYPES.map((type) => ({ level: '', role: '', type, user: '' })) },
  },

  // Restricted only.
  'allow-privilege-escalation': false,
  users: false,
  volumes: false,

  // Not part of the Pod Security Standards (no bundle annotation, §1.8): flexVolume is
  // already refused by restricted's volume types, fsGroup by users' successor block,
  // read-only root filesystems are not a PSS control, and seccomp is superseded by seccompv2.
  'flexvolume-drivers': false,
  fsgroup: false,
  'read-only-root-filesystem': false,
  seccomp: false,
};

// ---------------------------------------------------------------------------
// restricted: baseline plus current pod-hardening best practice.

const RESTRICTED_RESTRICTIONS: Record<string, RestrictionSetting> = {
  ...BASELINE_RESTRICTIONS,
  // "Privilege Escalation": allowPrivilegeEscalation must be false.
  'allow-privilege-escalation': true,
  // "Capabilities": drop ALL, add back NET_BIND_SERVICE at most.
  capabilities: { parameters: { allowedCapabilities: ['NET_BIND_SERVICE'], requiredDropCapabilities: ['ALL'] } },
  // "Seccomp": must be set, on the pod or every container, to RuntimeDefault or Localhost.
  seccompv2: { parameters: { allowedProfiles: ['RuntimeDefault', 'Localhost'], allowedLocalhostFiles: ['*'] } },
  // "Running as Non-root" and "Running as Non-root user": runAsNonRoot true and no
  // runAsUser 0 — MustRunAsNonRoot refuses both a missing runAsNonRoot and uid 0 (§2.18).
  users: { parameters: { runAsUser: { rule: 'MustRunAsNonRoot' } } },
  // "Volume Types": only the listed types.
  volumes: { parameters: { volumes: PSS_RESTRICTED_VOLUMES } },
};

const PRESETS: Record<PresetName, Environment> = {
  baseline: { restrictions: BASELINE_RESTRICTIONS },
  restricted: { restrictions: RESTRICTED_RESTRICTIONS },
};

/** A preset as an environment (a fresh copy: callers may not change the presets). */
export function presetEnvironment(name: PresetName): Environment {
  return structuredClone(PRESETS[name]);
}

// ---------------------------------------------------------------------------
// `restriction: true` with nothing inherited

/**
 * The parameters of a restriction turned on with `true` (or with only scope keys) when
 * no environment it extends gives any: what the restriction means in the Pod Security
 * Standards — baseline's parameters when baseline has it, restricted's otherwise — and,
 * for the four restrictions outside PSS, the value a hardened PodSecurityPolicy used.
 * Without this, `true` would often mean "check nothing" (apparmor, selinux, volumes and
 * users report nothing without parameters) or "refuse everything" (seccompv2).
 */
export function defaultParameters(restriction: string): Parameters {
  for (const preset of PRESET_NAMES) {
    const setting = PRESETS[preset].restrictions[restriction];
    if (setting === true) return {};
    if (typeof setting === 'object') return structuredClone(setting.parameters ?? {});
  }
  return structuredClone(OUTSIDE_PSS_DEFAULTS[restriction] ?? {});
}

const OUTSIDE_PSS_DEFAULTS: Record<string, Parameters> = {
  // Portainer's "Restrict drivers" with no driver chosen: no flexVolume at all.
  'flexvolume-drivers': { allowedFlexVolumes: [] },
  // Forbid the root group (the Kubernetes docs' restricted PSP used ranges 1–65535);
  // MayRunAs, so that pods need not set an fsGroup.
  fsgroup: { rule: 'MayRunAs', ranges: [{ min: 1, max: 65535 }] },
  // Every container must mount its root filesystem read-only; no parameters needed.
  'read-only-root-filesystem': {},
  // The annotation-era template compares annotation spellings; these admit RuntimeDefault
  // (read as runtime/default or docker/default) and any Localhost profile, like restricted.
  seccomp: { allowedProfiles: ['runtime/default', 'docker/default', 'localhost/*'] },
};
