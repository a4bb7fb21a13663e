// opa.runtime: OPA reports its configuration and environment; offgate has
// neither to report, so the document is empty, as OPA's is without config.
import type { HostTable } from './common';

export const builtins: HostTable = {
  'opa.runtime': () => ({}),
};
