// io.jwt.*: decoding, verification and signing of JSON Web Tokens (JWS
// compact serialization) with node:crypto, following OPA's topdown/tokens.go:
// its checks, their order and their error messages. Keys are PEM
// certificates or public keys, or JWKs and JWK sets, as OPA accepts them.
import type { KeyObject } from 'node:crypto';
import { fail, nowNs, obj, str, typeName, BuiltinError, type HostTable } from './common';
import { base64UrlDecode, base64UrlEncode, DecodeError, goJson, pemDecode } from './encoding';
import { nodeCrypto } from './lazy';

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512', 'EdDSA'];

/** A failure OPA reports as the builtin's error (the caller adds the name). */
class JwtError extends Error {}

function decodeOrThrow(s: string, prefix = ''): Buffer {
  try {
    return base64UrlDecode(s);
  } catch (e) {
    if (e instanceof DecodeError) throw new JwtError(prefix + e.message);
    throw e;
  }
}

interface Token { header: string; payload: string; signature: string }

function splitToken(jwt: unknown): Token {
  if (typeof jwt !== 'string') throw new JwtError(`operand 1 must be string but got ${typeName(jwt)}`);
  if (!jwt.includes('.')) throw new JwtError('encoded JWT had no period separators');
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new JwtError(`encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0], payload: parts[1], signature: parts[2] };
}

function jsonObject(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new JwtError(`invalid JSON: ${(e as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new JwtError('decoded JSON type was not an Object');
  return v as Record<string, unknown>;
}

function decodeHeader(t: Token): Record<string, unknown> {
  const text = decodeOrThrow(t.header, 'JWT header had invalid encoding: ').toString('utf8');
  let header: Record<string, unknown>;
  try {
    header = jsonObject(text);
  } catch (e) {
    throw new JwtError(`bad JWT header: ${(e as Error).message}`);
  }
  // A JWE (RFC 7516 section 9) has "enc"; OPA supports signed tokens only.
  if ('enc' in header) throw new JwtError('JWT is a JWE object, which is not supported');
  return header;
}

function decode(jwt: unknown): unknown[] {
  const t = splitToken(jwt);
  const header = decodeHeader(t);
  let payload = decodeOrThrow(t.payload, 'JWT payload had invalid encoding: ').toString('utf8');
  if (header.cty === 'JWT') {
    // A nested token is quoted in its parent's payload (as jwt.io does it).
    payload = payload.replace(/^["']+|["']+$/g, '');
    return decode(payload);
  }
  const claims = jsonObject(payload);
  const signature = decodeOrThrow(t.signature, 'JWT signature had invalid encoding: ');
  return [header, claims, signature.toString('hex')];
}

// Keys

interface VerificationKey { key: KeyObject | Buffer; alg: string; kid: string }

function jwkKey(jwk: Record<string, unknown>, priv: boolean): KeyObject | Buffer {
  if (jwk.kty === 'oct') {
    if (typeof jwk.k !== 'string') throw new JwtError('failed to parse a JWK key: oct key without "k"');
    return Buffer.from(jwk.k, 'base64url');
  }
  // node:crypto takes a JWK's own members; "alg", "kid", "use" are ours to read.
  const input = { key: jwk as never, format: 'jwk' as const };
  return priv && 'd' in jwk ? nodeCrypto().createPrivateKey(input) : nodeCrypto().createPublicKey(input);
}

/** The keys of a PEM certificate or public key, or of a JWK or JWK set (OPA's getKeysFromCertOrJWK). */
function verificationKeys(text: string): VerificationKey[] {
  const block = pemDecode(text);
  if (block) {
    if (block.rest.length > 0) throw new JwtError('extra data after a PEM certificate block');
    if (block.type === 'CERTIFICATE') {
      try {
        return [{ key: new (nodeCrypto().X509Certificate)(block.der).publicKey, alg: '', kid: '' }];
      } catch (e) {
        throw new JwtError(`failed to parse a PEM certificate: ${(e as Error).message}`);
      }
    }
    if (block.type === 'PUBLIC KEY') {
      try {
        return [{ key: nodeCrypto().createPublicKey({ key: block.der, format: 'der', type: 'spki' }), alg: '', kid: '' }];
      } catch (e) {
        throw new JwtError(`failed to parse a PEM public key: ${(e as Error).message}`);
      }
    }
    throw new JwtError('failed to extract a Key from the PEM certificate');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
  } catch (e) {
    throw new JwtError(`failed to parse a JWK key (set): ${(e as Error).message}`);
  }
  const set = parsed as Record<string, unknown>;
  const jwks = Array.isArray(set.keys) ? (set.keys as Record<string, unknown>[]) : [set];
  const keys: VerificationKey[] = [];
  for (const jwk of jwks) {
    const alg = typeof jwk.alg === 'string' ? jwk.alg : '';
    // Keys for algorithms OPA does not know are skipped, not errors.
    if (alg !== '' && !ALGORITHMS.includes(alg)) continue;
    let key: KeyObject | Buffer;
    try {
      key = jwkKey(jwk, false);
    } catch (e) {
      throw new JwtError(`failed to parse a JWK key (set): ${(e as Error).message}`);
    }
    keys.push({ key, alg, kid: typeof jwk.kid === 'string' ? jwk.kid : '' });
  }
  return keys;
}

// Signatures

function hashOf(alg: string): string {
  return `sha${alg.slice(2)}`;
}

/** Whether `signature` is `alg`'s signature of `data` with `key`; false for any mismatch of key and algorithm. */
function verifies(alg: string, key: KeyObject | Buffer, data: Buffer, signature: Buffer): boolean {
  try {
    const family = alg.slice(0, 2);
    if (family === 'HS') {
      const secret = Buffer.isBuffer(key) ? key : undefined;
      if (!secret) return false;
      const mac = nodeCrypto().createHmac(hashOf(alg), secret).update(data).digest();
      return mac.length === signature.length && nodeCrypto().timingSafeEqual(mac, signature);
    }
    if (Buffer.isBuffer(key)) return false;
    switch (family) {
      case 'RS':
        return key.asymmetricKeyType === 'rsa' && nodeCrypto().verify(hashOf(alg), data, key, signature);
      case 'PS':
        return (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') &&
          nodeCrypto().verify(hashOf(alg), data, { key, padding: nodeCrypto().constants.RSA_PKCS1_PSS_PADDING, saltLength: nodeCrypto().constants.RSA_PSS_SALTLEN_AUTO }, signature);
      case 'ES':
        return key.asymmetricKeyType === 'ec' && nodeCrypto().verify(hashOf(alg), data, { key, dsaEncoding: 'ieee-p1363' }, signature);
      case 'Ed':
        return alg === 'EdDSA' && key.asymmetricKeyType === 'ed25519' && nodeCrypto().verify(null, data, key, signature);
    }
  } catch {
    // A key of the wrong shape for the algorithm verifies nothing.
  }
  return false;
}

/** io.jwt.verify_<alg>: whether some key of `keyText` signed the token with `alg`. */
function verifyWithKeys(alg: string) {
  return (jwt: unknown, keyText: unknown): boolean => {
    const t = splitToken(jwt);
    const keys = verificationKeys(str(`io.jwt.verify_${alg.toLowerCase()}`, keyText, 2));
    const signature = decodeOrThrow(t.signature);
    const header = parseHeader(decodeHeader(t));
    const data = Buffer.from(`${t.header}.${t.payload}`);
    if (header.kid !== '') {
      const byKid = keys.find((k) => k.kid === header.kid);
      if (byKid) return verifies(alg, byKid.key, data, signature);
    }
    return keys.some((k) => (k.alg === '' || k.alg === header.alg) && verifies(alg, k.key, data, signature));
  };
}

function verifyHs(alg: string) {
  return (jwt: unknown, secret: unknown): boolean => {
    const name = `io.jwt.verify_${alg.toLowerCase()}`;
    const token = str(name, jwt, 1);
    const key = str(name, secret, 2);
    const t = splitToken(token);
    const mac = nodeCrypto().createHmac(hashOf(alg), key).update(`${t.header}.${t.payload}`).digest();
    const signature = decodeOrThrow(t.signature);
    return mac.length === signature.length && nodeCrypto().timingSafeEqual(mac, signature);
  };
}

// decode_verify

interface Header { alg: string; kid: string; typ: string; cty: string; crit: Set<string>; unknown: string[] }

function parseHeader(h: Record<string, unknown>): Header {
  const header: Header = { alg: '', kid: '', typ: '', cty: '', crit: new Set(), unknown: [] };
  for (const [k, v] of Object.entries(h)) {
    if (k === 'alg' || k === 'kid' || k === 'typ' || k === 'cty') {
      if (typeof v !== 'string') throw new JwtError(`${k}: must be a string`);
      header[k] = v;
    } else if (k === 'crit') {
      if (!Array.isArray(v)) throw new JwtError('crit: must be a list');
      for (const x of v) if (typeof x === 'string') header.crit.add(x);
      if (header.crit.size === 0) throw new JwtError('crit: must be a nonempty list');
    } else {
      header.unknown.push(k);
    }
  }
  return header;
}

interface Constraints { secret: string; alg: string; iss: string; aud: string; keys?: VerificationKey[]; time: number }

function constraintsOf(o: Record<string, unknown>): Constraints {
  const c: Constraints = { secret: '', alg: '', iss: '', aud: '', time: -1 };
  for (const [k, v] of Object.entries(o)) {
    switch (k) {
      case 'cert':
        if (typeof v !== 'string') throw new JwtError('cert constraint: must be a string');
        c.keys = verificationKeys(v);
        break;
      case 'secret': case 'alg': case 'iss': case 'aud':
        if (typeof v !== 'string') throw new JwtError(`${k} constraint: must be a string`);
        c[k] = v;
        break;
      case 'time':
        c.time = timeConstraint(v);
        break;
      default:
        throw new JwtError(`unknown token validation constraint: ${k}`);
    }
  }
  if (c.time === -1) c.time = timeConstraint(nowNs());
  const keys = (c.keys ? 1 : 0) + (c.secret !== '' ? 1 : 0);
  if (keys > 1) throw new JwtError('duplicate key constraints');
  if (keys < 1) throw new JwtError('no key constraint');
  return c;
}

function timeConstraint(v: unknown): number {
  if (typeof v !== 'number') throw new JwtError('token time constraint: must be a number');
  if (v < 0) throw new JwtError('token time constraint: must not be negative');
  return v;
}

function signatureVerifies(c: Constraints, header: Header, data: Buffer, signature: Buffer): boolean {
  if (c.keys) {
    if (header.kid !== '') {
      const byKid = c.keys.find((k) => k.kid === header.kid);
      if (byKid) return verifies(header.alg, byKid.key, data, signature);
    }
    return c.keys.some((k) => (k.alg === '' || k.alg === header.alg) && verifies(header.alg, k.key, data, signature));
  }
  return verifies(header.alg, Buffer.from(c.secret), data, signature);
}

function audienceMatches(aud: unknown, want: string): boolean {
  if (typeof aud === 'string') return aud === want;
  return Array.isArray(aud) && aud.some((x) => x === want);
}

function decodeVerify(jwt: unknown, constraints: unknown): unknown[] {
  const c = constraintsOf(obj('io.jwt.decode_verify', constraints, 2));
  const unverified = [false, {}, {}];
  let token = jwt;
  let header: Record<string, unknown>;
  let payloadText: string;
  for (;;) {
    const t = splitToken(token);
    header = decodeHeader(t);
    const h = parseHeader(header);
    // RFC 7515 4.1.1: alg is required; 4.1.11: an unknown critical header invalidates.
    if (h.alg === '' || h.unknown.some((u) => h.crit.has(u))) return unverified;
    if (c.alg !== '' && c.alg !== h.alg) return unverified;
    const signature = decodeOrThrow(t.signature);
    if (!signatureVerifies(c, h, Buffer.from(`${t.header}.${t.payload}`), signature)) return unverified;
    payloadText = decodeOrThrow(t.payload, 'JWT payload had invalid encoding: ').toString('utf8');
    if (h.cty.toUpperCase() !== 'JWT') break;
    token = payloadText;
  }
  const payload = jsonObject(payloadText);
  if (c.iss !== '' && payload.iss !== c.iss) return unverified;
  if ('aud' in payload) {
    if (!audienceMatches(payload.aud, c.aud)) return unverified;
  } else if (c.aud !== '') {
    return unverified;
  }
  const seconds = c.time / 1e9;
  if ('exp' in payload) {
    if (typeof payload.exp !== 'number') throw new JwtError('exp value must be a number');
    if (!(seconds < payload.exp)) return unverified;
  }
  if ('nbf' in payload) {
    if (typeof payload.nbf !== 'number') throw new JwtError('nbf value must be a number');
    if (seconds < payload.nbf) return unverified;
  }
  return [true, header, payload];
}

// Signing

function signingKey(jwkText: string): KeyObject | Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwkText);
  } catch (e) {
    throw new JwtError(`failed to parse JWK: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new JwtError('failed to parse JWK: not a JSON object');
  const set = parsed as Record<string, unknown>;
  const jwks = Array.isArray(set.keys) ? (set.keys as Record<string, unknown>[]) : [set];
  if (jwks.length === 0) throw new JwtError('no keys found in JWK set');
  try {
    return jwkKey(jwks[0], true);
  } catch (e) {
    if (e instanceof JwtError) throw e;
    throw new JwtError(`failed to parse JWK: ${(e as Error).message}`);
  }
}

/** The header's "alg" as jwx reads it, with its messages. */
function headerAlg(headerText: string): { alg: string; typ?: string } {
  const pre = "missing or invalid 'alg' header: ";
  if (headerText.trim() === '') throw new JwtError(`${pre}cannot parse JSON: cannot parse empty string`);
  let h: unknown;
  try {
    h = JSON.parse(headerText);
  } catch {
    if (headerText.trim().startsWith('{')) throw new JwtError(`${pre}cannot parse JSON`);
    h = undefined;
  }
  const o = h !== null && typeof h === 'object' && !Array.isArray(h) ? (h as Record<string, unknown>) : {};
  if (typeof o.alg !== 'string') throw new JwtError(`${pre}jwsbb: header "alg" not found`);
  return { alg: o.alg, typ: typeof o.typ === 'string' ? o.typ : undefined };
}

function signWith(alg: string, key: KeyObject | Buffer, data: Buffer): Buffer {
  const family = alg.slice(0, 2);
  if (family === 'HS') {
    if (!Buffer.isBuffer(key)) throw new JwtError(`invalid key type for ${alg}: an oct (symmetric) JWK is required`);
    return nodeCrypto().createHmac(hashOf(alg), key).update(data).digest();
  }
  if (Buffer.isBuffer(key) || key.type !== 'private') throw new JwtError(`invalid key for ${alg}: a private JWK is required`);
  try {
    switch (family) {
      case 'RS': return nodeCrypto().sign(hashOf(alg), data, key);
      case 'PS': return nodeCrypto().sign(hashOf(alg), data, { key, padding: nodeCrypto().constants.RSA_PKCS1_PSS_PADDING, saltLength: nodeCrypto().constants.RSA_PSS_SALTLEN_DIGEST });
      case 'ES': return nodeCrypto().sign(hashOf(alg), data, { key, dsaEncoding: 'ieee-p1363' });
      default: return nodeCrypto().sign(null, data, key);
    }
  } catch (e) {
    throw new JwtError(`failed to sign with ${alg}: ${(e as Error).message}`);
  }
}

function encodeSignRaw(headerText: string, payloadText: string, jwkText: string): string {
  const key = signingKey(jwkText);
  const { alg, typ } = headerAlg(headerText);
  if (!ALGORITHMS.includes(alg)) throw new JwtError(`unknown JWS algorithm: ${alg}`);
  if ((typ === undefined || typ === 'JWT') && !isJson(payloadText)) throw new JwtError('type is JWT but payload is not JSON');
  const signingInput = `${base64UrlEncode(headerText)}.${base64UrlEncode(payloadText)}`;
  return `${signingInput}.${base64UrlEncode(signWith(alg, key, Buffer.from(signingInput)))}`;
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** Runs `fn`, reporting its JwtError as `name`'s builtin error. */
function named<A extends unknown[]>(name: string, fn: (...args: A) => unknown): (...args: A) => unknown {
  return (...args: A) => {
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof JwtError) fail(name, e.message);
      if (e instanceof BuiltinError) throw e;
      fail(name, (e as Error).message);
    }
  };
}

const table: HostTable = {
  'io.jwt.decode': decode,
  'io.jwt.decode_verify': decodeVerify,
  'io.jwt.encode_sign': (h: unknown, p: unknown, k: unknown) =>
    encodeSignRaw(goJson(obj('io.jwt.encode_sign', h, 1)), goJson(obj('io.jwt.encode_sign', p, 2)), goJson(obj('io.jwt.encode_sign', k, 3))),
  'io.jwt.encode_sign_raw': (h: unknown, p: unknown, k: unknown) =>
    encodeSignRaw(str('io.jwt.encode_sign_raw', h, 1), str('io.jwt.encode_sign_raw', p, 2), str('io.jwt.encode_sign_raw', k, 3)),
};
for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']) table[`io.jwt.verify_${alg.toLowerCase()}`] = verifyWithKeys(alg);
for (const alg of ['HS256', 'HS384', 'HS512']) table[`io.jwt.verify_${alg.toLowerCase()}`] = verifyHs(alg);

export const builtins: HostTable = Object.fromEntries(Object.entries(table).map(([name, fn]) => [name, named(name, fn)]));
