// time.*: OPA's time builtins. time.now_ns is one value per evaluation.
import { exact, nowNs, type HostTable } from './common';

export const builtins: HostTable = {
  'time.now_ns': () => exact(BigInt(nowNs())),
};
