// Encodings several host builtins share with Go's behaviour: OPA's
// base64url.decode (padding optional, errors naming the byte) and
// encoding/json's Marshal (sorted keys, HTML-safe escapes).

/** Thrown with Go's message; callers prefix it the way OPA does. */
export class DecodeError extends Error {}

const URL_ALPHABET = /[A-Za-z0-9_-]/;

/** OPA's base64url.decode: padding is optional (RFC 7515 appendix C). */
export function base64UrlDecode(s: string): Buffer {
  if (!s.endsWith('=')) {
    switch (s.length % 4) {
      case 0: break;
      case 2: s += '=='; break;
      case 3: s += '='; break;
      default: throw new DecodeError(`illegal base64url string: ${s}`);
    }
  }
  return goBase64(s, URL_ALPHABET, 'base64url', (length) => length);
}

/**
 * Go's padded base64 decoding of `text` in `alphabet`: errors name the first byte it cannot
 * take; `unpaddedAt` says which byte Go names when the padding is missing.
 */
function goBase64(text: string, alphabet: RegExp, encoding: 'base64' | 'base64url', unpaddedAt: (length: number) => number): Buffer {
  const pad = text.indexOf('=');
  const body = pad < 0 ? text : text.slice(0, pad);
  for (let i = 0; i < body.length; i++) {
    if (!alphabet.test(body[i])) throw new DecodeError(`illegal base64 data at input byte ${i}`);
  }
  if (pad >= 0) {
    const padding = text.slice(pad);
    const need = (4 - (body.length % 4)) % 4;
    if (body.length % 4 === 1 || padding.length !== need || !/^=*$/.test(padding)) throw new DecodeError(`illegal base64 data at input byte ${pad}`);
  } else if (text.length % 4 !== 0) {
    throw new DecodeError(`illegal base64 data at input byte ${unpaddedAt(text.length)}`);
  }
  return Buffer.from(body, encoding);
}

export function base64UrlEncode(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

/** encoding/json's Marshal of a JSON value: object keys sorted, <, >, & escaped. */
export function goJson(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${goJson(k)}:${goJson(o[k])}`).join(',')}}`;
}

const STD_ALPHABET = /[A-Za-z0-9+/]/;

/** Go's base64.StdEncoding.DecodeString: padding required, errors naming the byte. */
export function base64StdDecode(s: string): Buffer {
  // Go skips line breaks inside base64 text.
  return goBase64(s.replace(/[\r\n]/g, ''), STD_ALPHABET, 'base64', (length) => length - (length % 4));
}

export interface PemBlock { type: string; der: Buffer; rest: string }

/** The first PEM block of `s` and the text after it, as Go's pem.Decode; undefined when there is none. */
export function pemDecode(s: string): PemBlock | undefined {
  const m = /-----BEGIN ([^-\r\n]*)-----\r?\n([\s\S]*?)-----END \1-----[ \t]*(?:\r?\n|$)/.exec(s);
  if (!m) return undefined;
  // Headers (RFC 1421 "Name: value" lines) are not part of the base64 body.
  const body = m[2].split(/\r?\n/).filter((l) => !l.includes(':')).join('');
  return { type: m[1], der: Buffer.from(body, 'base64'), rest: s.slice(m.index + m[0].length) };
}
