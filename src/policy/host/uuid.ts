// uuid.rfc4122 (random version 4, one per key and evaluation as OPA caches
// it) and uuid.parse (google/uuid's accepted forms and the fields OPA
// decodes from versions 1 and 2).
import { once, str, type HostTable } from './common';
import { nodeCrypto } from './lazy';

function rfc4122(k: unknown): string {
  return once(`uuid.rfc4122\u0000${JSON.stringify(k)}`, () => {
    const b = nodeCrypto().randomBytes(16);
    b[8] = (b[8] & ~0xc0) | 0x80;
    b[6] = (b[6] & ~0xf0) | 0x40;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  });
}

/** The 16 bytes of a UUID in one of google/uuid's forms, or undefined. */
function uuidBytes(s: string): Buffer | undefined {
  let hex: string;
  if (s.length === 32) {
    hex = s;
  } else {
    if (s.length === 36 + 9) {
      if (s.slice(0, 9).toLowerCase() !== 'urn:uuid:') return undefined;
      s = s.slice(9);
    } else if (s.length === 36 + 2) {
      // google/uuid looks only at the middle 36 bytes of this form.
      s = s.slice(1, 37);
    } else if (s.length !== 36) {
      return undefined;
    }
    if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return undefined;
    hex = s.slice(0, 8) + s.slice(9, 13) + s.slice(14, 18) + s.slice(19, 23) + s.slice(24);
  }
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return undefined;
  return Buffer.from(hex, 'hex');
}

function variant(b: number): string {
  if ((b & 0xc0) === 0x80) return 'RFC4122';
  if ((b & 0xe0) === 0xc0) return 'Microsoft';
  if ((b & 0xe0) === 0xe0) return 'Future';
  return 'Reserved';
}

function macVariables(b: number): string {
  if ((b & 3) === 3) return 'local:multicast';
  if ((b & 1) === 1) return 'global:multicast';
  if ((b & 2) === 2) return 'local:unicast';
  return 'global:unicast';
}

const DOMAINS = ['Person', 'Group', 'Org'];
/** 100-nanosecond intervals from 1582-10-15 (the UUID epoch) to 1970-01-01. */
const GREGORIAN_TO_UNIX = 122192928000000000n;

function parse(s: unknown): unknown {
  const b = uuidBytes(str('uuid.parse', s, 1));
  if (!b) return undefined;
  const version = b[6] >> 4;
  const out: Record<string, unknown> = { version, variant: variant(b[8]) };
  if (version === 1 || version === 2) {
    const t = BigInt(b.readUInt32BE(0)) | (BigInt(b.readUInt16BE(4)) << 32n) | (BigInt(b.readUInt16BE(6) & 0xfff) << 48n);
    const since = t - GREGORIAN_TO_UNIX;
    out.time = Number((since / 10000000n) * 1000000000n + (since % 10000000n) * 100n);
    out.macvariables = macVariables(b[10]);
    out.nodeid = [...b.subarray(10)].map((x) => x.toString(16).padStart(2, '0')).join('-');
    out.clocksequence = b.readUInt16BE(8) & 0x3fff;
    if (version === 2) {
      out.id = b.readUInt32BE(0);
      out.domain = DOMAINS[b[9]] ?? `Domain${b[9]}`;
    }
  }
  return out;
}

export const builtins: HostTable = {
  'uuid.rfc4122': rfc4122,
  'uuid.parse': parse,
};
