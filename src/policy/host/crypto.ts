// crypto.*: digests, HMACs and X.509 parsing with node:crypto, following
// OPA's topdown/crypto.go (its input forms — PEM, base64 of PEM, base64 of
// DER — and its messages). Certificates come out in the shape of Go's
// x509.Certificate as JSON, for the fields Node exposes.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { nowNs, obj, str, type HostTable, reportingAs } from './common';
import { base64StdDecode, DecodeError, pemDecode } from './encoding';
import { nodeCrypto, nodeNet } from './lazy';

/** A failure reported as the builtin's error (the caller adds the name). */
class CryptoError extends Error {}

function b64(s: string): Buffer {
  try {
    return base64StdDecode(s);
  } catch (e) {
    if (e instanceof DecodeError) throw new CryptoError(e.message);
    throw e;
  }
}

// A minimal DER reader: Node parses certificates but not certificate
// requests, and neither gives a Name's attributes in order with their OIDs.

interface Der { tag: number; body: Buffer; end: number }

function derAt(buf: Buffer, at: number): Der {
  if (at + 2 > buf.length) throw new CryptoError('asn1: structure error: truncated tag or length');
  const tag = buf[at];
  let len = buf[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > buf.length) throw new CryptoError('asn1: structure error: length too large');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
    start += n;
  }
  if (start + len > buf.length) throw new CryptoError('asn1: structure error: data truncated');
  return { tag, body: buf.subarray(start, start + len), end: start + len };
}

function derChildren(body: Buffer): Der[] {
  const out: Der[] = [];
  for (let at = 0; at < body.length;) {
    const d = derAt(body, at);
    out.push(d);
    at = d.end;
  }
  return out;
}

function oid(body: Buffer): number[] {
  const out = [Math.floor(body[0] / 40), body[0] % 40];
  let v = 0;
  for (let i = 1; i < body.length; i++) {
    v = v * 128 + (body[i] & 0x7f);
    if (!(body[i] & 0x80)) {
      out.push(v);
      v = 0;
    }
  }
  return out;
}

const NAME_FIELDS: Record<string, string> = {
  '2.5.4.6': 'Country', '2.5.4.10': 'Organization', '2.5.4.11': 'OrganizationalUnit', '2.5.4.7': 'Locality',
  '2.5.4.8': 'Province', '2.5.4.9': 'StreetAddress', '2.5.4.17': 'PostalCode',
};

/** A DER Name as Go's pkix.Name marshals to JSON. */
function pkixName(der: Der): Record<string, unknown> {
  const name: Record<string, unknown> = {
    Country: null, Organization: null, OrganizationalUnit: null, Locality: null, Province: null,
    StreetAddress: null, PostalCode: null, SerialNumber: '', CommonName: '', Names: [] as unknown[], ExtraNames: null,
  };
  for (const rdn of derChildren(der.body)) {
    for (const atv of derChildren(rdn.body)) {
      const [type, value] = derChildren(atv.body);
      const id = oid(type.body);
      const text = value.tag === 0x1e ? value.body.swap16().toString('utf16le') : value.body.toString('utf8');
      (name.Names as unknown[]).push({ Type: id, Value: text });
      const key = id.join('.');
      if (key === '2.5.4.3') name.CommonName = text;
      else if (key === '2.5.4.5') name.SerialNumber = text;
      else if (NAME_FIELDS[key]) name[NAME_FIELDS[key]] = [...((name[NAME_FIELDS[key]] as string[] | null) ?? []), text];
    }
  }
  return name;
}

// Certificates

/** Splits concatenated DER certificates (Go's x509.ParseCertificates takes them so). */
function splitDer(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < buf.length;) {
    let d: Der;
    try {
      d = derAt(buf, at);
    } catch {
      throw new CryptoError('x509: malformed certificate');
    }
    if (d.tag !== 0x30) throw new CryptoError('x509: malformed certificate');
    out.push(buf.subarray(at, d.end));
    at = d.end;
  }
  return out;
}

function certsFromPem(text: string): Buffer[] {
  const ders: Buffer[] = [];
  for (let block = pemDecode(text); block; block = pemDecode(block.rest)) {
    if (block.type !== 'CERTIFICATE') throw new CryptoError(`PEM block type is '${block.type}', expected CERTIFICATE`);
    ders.push(...splitDer(block.der));
  }
  return ders;
}

function parseCerts(input: string): X509Certificate[] {
  let ders: Buffer[];
  if (input.startsWith('-----BEGIN')) {
    ders = certsFromPem(input);
  } else {
    const raw = b64(input);
    ders = raw.subarray(0, 10).toString('latin1').startsWith('-----BEGIN') ? certsFromPem(raw.toString('latin1')) : splitDer(raw);
  }
  return ders.map((der) => {
    try {
      return new (nodeCrypto().X509Certificate)(der);
    } catch {
      throw new CryptoError('x509: malformed certificate');
    }
  });
}

/** The TBSCertificate's issuer and subject Names (fields 3 and 5, after the optional version). */
function certNames(cert: X509Certificate): { issuer: Record<string, unknown>; subject: Record<string, unknown> } {
  const [tbs] = derChildren(derAt(cert.raw, 0).body);
  const fields = derChildren(tbs.body);
  const off = fields[0].tag === 0xa0 ? 1 : 0;
  return { issuer: pkixName(fields[off + 2]), subject: pkixName(fields[off + 4]) };
}

/** Node's subjectAltName text ("DNS:a, URI:b, IP Address:c") by kind. */
function altNames(cert: X509Certificate): { dns: string[]; email: string[]; ip: string[]; uri: string[] } {
  const out = { dns: [] as string[], email: [] as string[], ip: [] as string[], uri: [] as string[] };
  for (const part of (cert.subjectAltName ?? '').split(/, (?=[A-Za-z ]+:)/)) {
    const i = part.indexOf(':');
    if (i < 0) continue;
    const kind = part.slice(0, i);
    const value = part.slice(i + 1);
    if (kind === 'DNS') out.dns.push(value);
    else if (kind === 'email') out.email.push(value);
    else if (kind === 'IP Address') out.ip.push(value);
    else if (kind === 'URI') out.uri.push(value);
  }
  return out;
}

/** Go's x509.PublicKeyAlgorithm numbers (0 unknown). */
function publicKeyAlgorithm(key: KeyObject): number {
  const numbers: Record<string, number> = { rsa: 1, 'rsa-pss': 1, dsa: 2, ec: 3, ed25519: 4 };
  return numbers[key.asymmetricKeyType ?? ''] ?? 0;
}

function rfc3339(date: string): string {
  return new Date(date).toISOString().replace('.000Z', 'Z');
}

/** A certificate as OPA returns it (Go's x509.Certificate as JSON, plus URIStrings). */
function certJson(cert: X509Certificate): Record<string, unknown> {
  const { issuer, subject } = certNames(cert);
  const alt = altNames(cert);
  const serial = BigInt(`0x${cert.serialNumber}`);
  return {
    Raw: cert.raw.toString('base64'),
    Version: 3,
    SerialNumber: serial <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(serial) : serial.toString(),
    Issuer: issuer,
    Subject: subject,
    NotBefore: rfc3339(cert.validFrom),
    NotAfter: rfc3339(cert.validTo),
    IsCA: cert.ca,
    DNSNames: alt.dns.length ? alt.dns : null,
    EmailAddresses: alt.email.length ? alt.email : null,
    IPAddresses: alt.ip.length ? alt.ip : null,
    URIStrings: alt.uri.length ? alt.uri : null,
    ExtKeyUsage: cert.keyUsage ?? null,
    PublicKeyAlgorithm: publicKeyAlgorithm(cert.publicKey),
  };
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_USAGE = '2.5.29.37.0';
const USAGES: Record<string, string> = {
  KeyUsageAny: ANY_USAGE, KeyUsageServerAuth: SERVER_AUTH, KeyUsageClientAuth: '1.3.6.1.5.5.7.3.2',
  KeyUsageCodeSigning: '1.3.6.1.5.5.7.3.3', KeyUsageEmailProtection: '1.3.6.1.5.5.7.3.4',
  KeyUsageIPSECEndSystem: '1.3.6.1.5.5.7.3.5', KeyUsageIPSECTunnel: '1.3.6.1.5.5.7.3.6', KeyUsageIPSECUser: '1.3.6.1.5.5.7.3.7',
  KeyUsageTimeStamping: '1.3.6.1.5.5.7.3.8', KeyUsageOCSPSigning: '1.3.6.1.5.5.7.3.9',
  KeyUsageMicrosoftServerGatedCrypto: '1.3.6.1.4.1.311.10.3.3', KeyUsageNetscapeServerGatedCrypto: '2.16.840.1.113730.4.1',
  KeyUsageMicrosoftCommercialCodeSigning: '1.3.6.1.4.1.311.2.1.22', KeyUsageMicrosoftKernelCodeSigning: '1.3.6.1.4.1.311.61.1.1',
};

interface VerifyOptions { dnsName?: string; timeMs: number; usages: string[] }

function valid(cert: X509Certificate, timeMs: number): boolean {
  return Date.parse(cert.validFrom) <= timeMs && timeMs <= Date.parse(cert.validTo);
}

function usageAllowed(cert: X509Certificate, usages: string[]): boolean {
  const eku = cert.keyUsage;
  if (!eku || eku.length === 0 || eku.includes(ANY_USAGE) || usages.includes(ANY_USAGE)) return true;
  return usages.some((u) => eku.includes(u));
}

/**
 * The chain from the last certificate (the leaf) through the middle ones up
 * to the first (the root), as Go's Certificate.Verify checks it: signatures,
 * validity at the given time, CA issuers, the host name, extended key usages
 * (server authentication when none are asked for).
 */
function verifyChain(certs: X509Certificate[], o: VerifyOptions): X509Certificate[] | undefined {
  if (certs.length < 2) return undefined;
  const root = certs[0];
  const intermediates = certs.slice(1, -1);
  const leaf = certs[certs.length - 1];
  const usages = o.usages.length ? o.usages : [SERVER_AUTH];
  if (o.dnsName !== undefined && (nodeNet().isIP(o.dnsName) ? !leaf.checkIP(o.dnsName) : !leaf.checkHost(o.dnsName))) return undefined;
  const search = (chain: X509Certificate[]): X509Certificate[] | undefined => {
    const last = chain[chain.length - 1];
    if (!valid(last, o.timeMs) || !usageAllowed(last, usages)) return undefined;
    if (last.raw.equals(root.raw)) return chain;
    for (const issuer of [root, ...intermediates]) {
      if (chain.some((c) => c.raw.equals(issuer.raw))) continue;
      if (issuer.ca && last.checkIssued(issuer) && last.verify(issuer.publicKey)) {
        const found = search([...chain, issuer]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return search([leaf]);
}

function verifyOptions(options: Record<string, unknown>): VerifyOptions {
  const o: VerifyOptions = { timeMs: nowNs() / 1e6, usages: [] };
  for (const [k, v] of Object.entries(options)) {
    switch (k) {
      case 'DNSName':
        if (typeof v !== 'string') throw new CryptoError("'DNSName' should be a string");
        o.dnsName = v.replace(/^"+|"+$/g, '');
        break;
      case 'CurrentTime':
        if (typeof v !== 'number') throw new CryptoError("'CurrentTime' should be a number");
        if (!Number.isInteger(v)) throw new CryptoError("'CurrentTime' should be a valid int64 number");
        o.timeMs = v / 1e6;
        break;
      case 'MaxConstraintComparisons':
        if (typeof v !== 'number') throw new CryptoError("'MaxConstraintComparisons' should be a number");
        break;
      case 'KeyUsages': {
        if (!Array.isArray(v)) throw new CryptoError("'KeyUsages' should be an Array or Set");
        const invalid = v.filter((u): u is string => typeof u === 'string' && !USAGES[u.replace(/^"+|"+$/g, '')]);
        if (invalid.length) throw new CryptoError(`invalid entries for 'KeyUsages' found: [${invalid.join(' ')}]`);
        for (const u of v) if (typeof u === 'string') o.usages.push(USAGES[u.replace(/^"+|"+$/g, '')]);
        break;
      }
      default:
        throw new CryptoError('invalid key option');
    }
  }
  return o;
}

function parseAndVerify(input: string, options: VerifyOptions | (() => VerifyOptions)): unknown[] {
  let certs: X509Certificate[];
  try {
    certs = parseCerts(input);
  } catch (e) {
    if (e instanceof CryptoError) return [false, []];
    throw e;
  }
  const chain = verifyChain(certs, typeof options === 'function' ? options() : options);
  return chain ? [true, chain.map(certJson)] : [false, []];
}

// Certificate requests

function parseCsr(input: string): Record<string, unknown> {
  let der = input.startsWith('-----BEGIN CERTIFICATE REQUEST-----') ? Buffer.from(input) : b64(input);
  const block = pemDecode(der.toString('latin1'));
  if (block && block.type !== 'CERTIFICATE REQUEST') throw new CryptoError('invalid PEM-encoded certificate signing request');
  if (block) der = block.der;
  const outer = derAt(der, 0);
  if (outer.tag !== 0x30) throw new CryptoError('asn1: structure error: tags don\'t match');
  const [info, sigAlg, signature] = derChildren(outer.body);
  if (!info || !sigAlg || !signature || info.tag !== 0x30) throw new CryptoError('asn1: structure error: tags don\'t match');
  const [version, subject, spki] = derChildren(info.body);
  if (version?.tag !== 0x02 || subject?.tag !== 0x30 || spki?.tag !== 0x30) throw new CryptoError('asn1: structure error: tags don\'t match');
  const spkiDer = info.body.subarray(subject.end, spki.end);
  let key: KeyObject;
  try {
    key = nodeCrypto().createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });
  } catch (e) {
    throw new CryptoError(`x509: failed to parse public key: ${(e as Error).message}`);
  }
  return {
    Raw: der.toString('base64'),
    Version: version.body.readUIntBE(0, Math.min(version.body.length, 6)),
    Signature: signature.body.subarray(1).toString('base64'),
    Subject: pkixName(subject),
    PublicKeyAlgorithm: publicKeyAlgorithm(key),
  };
}


// Private keys

/** The private keys of PEM text (or base64 of it): PKCS #1, PKCS #8 and SEC 1 blocks, others skipped. */
function privateKeys(text: string): KeyObject[] {
  try {
    text = base64StdDecode(text).toString('latin1');
  } catch {
    // Not base64: PEM text as it is.
  }
  const keys: KeyObject[] = [];
  for (let block = pemDecode(text); block; block = pemDecode(block.rest)) {
    const type = { 'RSA PRIVATE KEY': 'pkcs1', 'PRIVATE KEY': 'pkcs8', 'EC PRIVATE KEY': 'sec1' }[block.type] as 'pkcs1' | 'pkcs8' | 'sec1' | undefined;
    if (!type) continue;
    try {
      keys.push(nodeCrypto().createPrivateKey({ key: block.der, format: 'der', type }));
    } catch (e) {
      throw new CryptoError(`x509: failed to parse private key: ${(e as Error).message}`);
    }
  }
  return keys;
}

function parseRsaPrivateKey(input: string): unknown {
  if (input === '') throw new CryptoError('input PEM data was empty');
  const text = input.startsWith('-----BEGIN') ? input : b64(input).toString('latin1');
  const keys = privateKeys(text);
  return keys.length ? keys[0].export({ format: 'jwk' }) : null;
}

function parsePrivateKeys(input: string): unknown {
  if (input === '') return null;
  return privateKeys(input).map((k) => k.export({ format: 'jwk' }));
}

// Key pairs

function pemOrBase64(s: string): string {
  return s.startsWith('-----BEGIN ') ? s : b64(s).toString('latin1');
}

function parseKeypair(certText: string, keyText: string): Record<string, unknown> {
  let certPem = pemOrBase64(certText);
  let keyPem = pemOrBase64(keyText);
  // DER input: Go wraps it in a PEM block of the expected type.
  if (!certPem.startsWith('-----BEGIN ')) certPem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(certPem, 'latin1').toString('base64')}\n-----END CERTIFICATE-----\n`;
  if (!keyPem.startsWith('-----BEGIN')) keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(keyPem, 'latin1').toString('base64')}\n-----END PRIVATE KEY-----\n`;
  const ders: Buffer[] = [];
  for (let block = pemDecode(certPem); block; block = pemDecode(block.rest)) if (block.type === 'CERTIFICATE') ders.push(block.der);
  if (ders.length === 0) throw new CryptoError('tls: failed to find any PEM data in certificate input');
  const keys = privateKeys(keyPem);
  if (keys.length === 0) throw new CryptoError('tls: failed to find any PEM data in key input');
  let leaf: X509Certificate;
  try {
    leaf = new (nodeCrypto().X509Certificate)(ders[0]);
  } catch {
    throw new CryptoError('x509: malformed certificate');
  }
  if (!leaf.checkPrivateKey(keys[0])) throw new CryptoError('tls: private key does not match public key');
  return { Certificate: ders.map((d) => d.toString('base64')), PrivateKey: keys[0].export({ format: 'jwk' }), Leaf: certJson(leaf) };
}

// Digests

function digest(name: string, algorithm: string) {
  return (s: unknown) => nodeCrypto().createHash(algorithm).update(str(name, s, 1)).digest('hex');
}

function hmac(name: string, algorithm: string) {
  return (message: unknown, key: unknown) => nodeCrypto().createHmac(algorithm, str(name, key, 2)).update(str(name, message, 1)).digest('hex');
}

function hmacEqual(a: unknown, b: unknown): boolean {
  const x = Buffer.from(str('crypto.hmac.equal', a, 1));
  const y = Buffer.from(str('crypto.hmac.equal', b, 2));
  return x.length === y.length && nodeCrypto().timingSafeEqual(x, y);
}

/** `fn` as builtin `name`, its CryptoError reported as that builtin's error. */
const named = (name: string, fn: (...args: unknown[]) => unknown) => reportingAs(name, CryptoError, fn);

const table: Record<string, (...args: unknown[]) => unknown> = {
  'crypto.md5': digest('crypto.md5', 'md5'),
  'crypto.sha1': digest('crypto.sha1', 'sha1'),
  'crypto.sha256': digest('crypto.sha256', 'sha256'),
  'crypto.hmac.md5': hmac('crypto.hmac.md5', 'md5'),
  'crypto.hmac.sha1': hmac('crypto.hmac.sha1', 'sha1'),
  'crypto.hmac.sha256': hmac('crypto.hmac.sha256', 'sha256'),
  'crypto.hmac.sha512': hmac('crypto.hmac.sha512', 'sha512'),
  'crypto.hmac.equal': hmacEqual,
  'crypto.x509.parse_certificates': (s) => parseCerts(str('crypto.x509.parse_certificates', s, 1)).map(certJson),
  'crypto.x509.parse_and_verify_certificates': (s) =>
    parseAndVerify(str('crypto.x509.parse_and_verify_certificates', s, 1), () => verifyOptions({})),
  'crypto.x509.parse_and_verify_certificates_with_options': (s, o) => {
    const name = 'crypto.x509.parse_and_verify_certificates_with_options';
    const input = str(name, s, 1);
    const options = obj(name, o, 2);
    return parseAndVerify(input, () => verifyOptions(options));
  },
  'crypto.x509.parse_certificate_request': (s) => parseCsr(str('crypto.x509.parse_certificate_request', s, 1)),
  'crypto.x509.parse_keypair': (c, k) => parseKeypair(str('crypto.x509.parse_keypair', c, 1), str('crypto.x509.parse_keypair', k, 2)),
  'crypto.x509.parse_rsa_private_key': (s) => parseRsaPrivateKey(str('crypto.x509.parse_rsa_private_key', s, 1)),
  'crypto.parse_private_keys': (s) => parsePrivateKeys(str('crypto.parse_private_keys', s, 1)),
};

export const builtins: HostTable = Object.fromEntries(Object.entries(table).map(([name, fn]) => [name, named(name, fn)]));
