// Defaults of `offgate lint`'s limits, as `--help` shows them; apart from the command so
// that wiring the options does not load the linter.
export const LINT_DEFAULTS = {
  /** --timeout: Gatekeeper's maximum webhook timeout, in seconds. */
  timeout: '30',
  maxFileSize: '64MiB',
  gatekeeperNamespace: 'gatekeeper-system',
} as const;
