// Host builtins (src/policy/host/*): Rego compiled to WebAssembly and run by
// the SDK with offgate's host builtins, checked against OPA's documented
// behaviour (https://www.openpolicyagent.org/docs/policy-reference) and the
// published test vectors it relies on (RFC 7515, RFC 4231, AWS SigV4).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile';
import { builtinTable } from '../src/compiler/builtins';
import { HOST_BUILTIN_NAMES, hostBuiltins } from '../src/policy/host-builtins';
import { loadPolicySync } from '../src/policy/sdk';

const fixture = (name: string) => readFileSync(join(__dirname, 'host-fixtures', name), 'utf8');

type Outcome = { value: unknown } | { undefined: true } | { error: string };

/** Evaluates `x := <expr>` (with `rules` before it) and returns x, undefined, or the error. */
function evaluate(expr: string, options: { strict?: boolean; rules?: string; input?: unknown } = {}): Outcome {
  const source = `package t\n\n${options.rules ?? ''}\n\nx := ${expr}\n`;
  try {
    const wasm = compile({ modules: [{ file: 't.rego', source }], entrypoints: ['t/x'], strict: options.strict === true });
    const policy = loadPolicySync(wasm, undefined, hostBuiltins({ strict: options.strict === true }));
    const rs = policy.evaluate(options.input);
    return rs.length > 0 && rs[0].result !== undefined ? { value: rs[0].result } : { undefined: true };
  } catch (e) {
    return { error: e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e) };
  }
}

function value(expr: string, options: { rules?: string; input?: unknown } = {}): unknown {
  const got = evaluate(expr, options);
  if (!('value' in got)) throw new Error(`${expr}: ${JSON.stringify(got)}`);
  return got.value;
}

const q = JSON.stringify;

describe('registration', () => {
  it('every builtin the compiler declares for the host has an implementation, and no other', () => {
    // yaml.marshal is a host builtin the SDK itself provides; the others under their module names.
    const declared = [...builtinTable().values()].filter((d) => d.host && d.name !== 'yaml.marshal').map((d) => d.hostName ?? d.name).sort();
    expect([...HOST_BUILTIN_NAMES].sort()).toEqual(declared);
  });
});

describe('builtin errors', () => {
  it('are undefined by default and abort in strict mode, naming the builtin', () => {
    expect(evaluate('io.jwt.decode("nodots")')).toEqual({ undefined: true });
    const strict = evaluate('io.jwt.decode("nodots")', { strict: true });
    expect('error' in strict && strict.error).toContain('io.jwt.decode: encoded JWT had no period separators');
  });

  it('network builtins fail offline in any mode, and can be mocked with `with`', () => {
    const got = evaluate('http.send({"method": "get", "url": "https://example.com"})');
    expect('error' in got && got.error).toContain('http.send: not available offline');
    expect(value('r', { rules: 'mock(_) := {"status_code": 200}\n\nr := y if {\n  y := http.send({"method": "get", "url": "https://example.com"}) with http.send as mock\n}' })).toEqual({ status_code: 200 });
    const lookup = evaluate('net.lookup_ip_addr("example.com")');
    expect('error' in lookup && lookup.error).toContain('net.lookup_ip_addr: resolving "example.com" is not available offline');
    expect(value('net.lookup_ip_addr("10.1.2.3")')).toEqual(['10.1.2.3']);
    expect(value('net.lookup_ip_addr("::1")')).toEqual(['::1']);
  });
});

describe('crypto', () => {
  it('digests and HMACs as hex (RFC 4231 test case 2 for HMAC-SHA256)', () => {
    expect(value('crypto.md5("")')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(value('crypto.sha1("abc")')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(value('crypto.sha256("abc")')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(value('crypto.hmac.sha256("what do ya want for nothing?", "Jefe")')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(value('crypto.hmac.equal("abc", "abc")')).toBe(true);
    expect(value('crypto.hmac.equal("abc", "abd")')).toBe(false);
  });

  it('parses certificates from PEM or base64, in Go\'s x509.Certificate shape', () => {
    const leaf = fixture('leaf.pem');
    const certs = value(`crypto.x509.parse_certificates(${q(leaf)})`) as Record<string, unknown>[];
    expect(certs).toHaveLength(1);
    expect((certs[0].Subject as Record<string, unknown>).CommonName).toBe('leaf.offgate.test');
    expect((certs[0].Issuer as Record<string, unknown>).Organization).toEqual(['offgate tests']);
    expect(certs[0].DNSNames).toEqual(['leaf.offgate.test']);
    expect(certs[0].URIStrings).toEqual(['spiffe://offgate.test/leaf']);
    const b64 = Buffer.from(leaf).toString('base64');
    expect(value(`[c.Subject.CommonName | some c in crypto.x509.parse_certificates(${q(b64)})]`)).toEqual(['leaf.offgate.test']);
    const bad = evaluate('crypto.x509.parse_certificates("foobar")', { strict: true });
    expect('error' in bad && bad.error).toContain('crypto.x509.parse_certificates: illegal base64 data at input byte 4');
    // Go names the first byte of the unpadded last quantum.
  });

  it('verifies a chain given root first, leaf last', () => {
    const chain = fixture('ca.pem') + fixture('leaf.pem');
    const rules = `r := [ok, [c.Subject.CommonName | some c in certs]] if {\n  [ok, certs] := crypto.x509.parse_and_verify_certificates(${q(chain)})\n}`;
    expect(value('r', { rules })).toEqual([true, ['leaf.offgate.test', 'offgate test root']]);
    // One certificate is no chain; a chain whose root did not sign the leaf does not verify.
    expect(value(`crypto.x509.parse_and_verify_certificates(${q(fixture('leaf.pem'))})`)).toEqual([false, []]);
    expect(value(`crypto.x509.parse_and_verify_certificates(${q(fixture('ca.pem') + fixture('ca.pem'))})[0]`)).toBe(true);
    expect(value(`crypto.x509.parse_and_verify_certificates(${q(fixture('leaf.pem') + fixture('ca.pem'))})`)).toEqual([false, []]);
    expect(value(`crypto.x509.parse_and_verify_certificates_with_options(${q(chain)}, {"DNSName": "leaf.offgate.test"})[0]`)).toBe(true);
    expect(value(`crypto.x509.parse_and_verify_certificates_with_options(${q(chain)}, {"DNSName": "other.test"})[0]`)).toBe(false);
    // Both certificates expire in 2126.
    expect(value(`crypto.x509.parse_and_verify_certificates_with_options(${q(chain)}, {"CurrentTime": 4954000000000000000})[0]`)).toBe(false);
  });

  it('parses certificate requests, key pairs and private keys', () => {
    expect(value(`crypto.x509.parse_certificate_request(${q(fixture('leaf.csr'))}).Subject.CommonName`)).toBe('leaf.offgate.test');
    const pair = value(`crypto.x509.parse_keypair(${q(fixture('leaf.pem'))}, ${q(fixture('leaf.key'))})`) as Record<string, unknown>;
    expect((pair.Certificate as string[])[0]).toBe(fixture('leaf.pem').split('\n').filter((l) => !l.startsWith('-----')).join(''));
    const mismatch = evaluate(`crypto.x509.parse_keypair(${q(fixture('ca.pem'))}, ${q(fixture('leaf.key'))})`, { strict: true });
    expect('error' in mismatch && mismatch.error).toContain('tls: private key does not match public key');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pkcs1 = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    const jwk = value(`crypto.x509.parse_rsa_private_key(${q(pkcs1)})`) as Record<string, unknown>;
    expect(jwk).toEqual(privateKey.export({ format: 'jwk' }));
    expect(value(`count(crypto.parse_private_keys(${q(pkcs1 + fixture('leaf.key'))}))`)).toBe(2);
    expect(value('crypto.parse_private_keys("")')).toBe(null);
    expect(value('crypto.parse_private_keys("nope")')).toEqual([]);
  });
});

describe('io.jwt', () => {
  // RFC 7515 appendix A.1: HS256 with this key signs this header and payload to this token.
  const rfcKey = { kty: 'oct', k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow' };
  const rfcHeader = '{"typ":"JWT",\r\n "alg":"HS256"}';
  const rfcPayload = '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}';
  const rfcToken = 'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

  it('signs RFC 7515 A.1 as the RFC does, and verifies it', () => {
    expect(value(`io.jwt.encode_sign_raw(${q(rfcHeader)}, ${q(rfcPayload)}, ${q(JSON.stringify(rfcKey))})`)).toBe(rfcToken);
    const [header, payload] = value(`io.jwt.decode(${q(rfcToken)})`) as unknown[];
    expect(header).toEqual({ typ: 'JWT', alg: 'HS256' });
    expect(payload).toEqual({ iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true });
    // verify_hs256 takes the secret as text, so sign with a key whose bytes are text.
    const token = value(`io.jwt.encode_sign({"alg": "HS256"}, {"sub": "me"}, {"kty": "oct", "k": ${q(Buffer.from('s3cret').toString('base64url'))}})`) as string;
    expect(value(`io.jwt.verify_hs256(${q(token)}, "s3cret")`)).toBe(true);
    expect(value(`io.jwt.verify_hs256(${q(token)}, "other")`)).toBe(false);
  });

  it('decode_verify checks signature, alg, iss, aud, exp and nbf against the given time', () => {
    const token = value(`io.jwt.encode_sign({"alg": "HS256"}, {"iss": "me", "aud": "you", "nbf": 1000, "exp": 2000}, {"kty": "oct", "k": ${q(Buffer.from('k').toString('base64url'))}})`) as string;
    const at = (constraints: string) => value(`io.jwt.decode_verify(${q(token)}, ${constraints})[0]`);
    expect(at('{"secret": "k", "time": 1500e9, "aud": "you"}')).toBe(true);
    expect(at('{"secret": "k", "time": 1500e9}')).toBe(false); // a token with aud needs the aud constraint
    expect(at('{"secret": "x", "time": 1500e9, "aud": "you"}')).toBe(false);
    expect(at('{"secret": "k", "time": 2500e9, "aud": "you"}')).toBe(false);
    expect(at('{"secret": "k", "time": 500e9, "aud": "you"}')).toBe(false);
    expect(at('{"secret": "k", "time": 1500e9, "aud": "you", "iss": "other"}')).toBe(false);
    expect(at('{"secret": "k", "time": 1500e9, "aud": "you", "alg": "RS256"}')).toBe(false);
    expect(value(`io.jwt.decode_verify(${q(token)}, {"secret": "k", "time": 1500e9, "aud": "you"})[2].iss`)).toBe('me');
    const noKey = evaluate(`io.jwt.decode_verify(${q(token)}, {"time": 1})`, { strict: true });
    expect('error' in noKey && noKey.error).toContain('io.jwt.decode_verify: no key constraint');
  });

  it('signs and verifies RS256, PS256, ES256 and EdDSA with JWK private keys and PEM or JWK public keys', () => {
    const cases: [string, string, Parameters<typeof generateKeyPairSync>[1]][] = [
      ['RS256', 'rs256', { modulusLength: 2048 }], ['PS256', 'ps256', { modulusLength: 2048 }],
      ['ES256', 'es256', { namedCurve: 'P-256' }], ['EdDSA', 'eddsa', {}],
    ];
    for (const [alg, fn, opts] of cases) {
      const type = alg === 'EdDSA' ? 'ed25519' : alg.startsWith('ES') ? 'ec' : 'rsa';
      const keyPair = () => generateKeyPairSync(type as 'rsa', opts as never) as unknown as { privateKey: KeyObject; publicKey: KeyObject };
      const { privateKey, publicKey } = keyPair();
      const jwk = JSON.stringify(privateKey.export({ format: 'jwk' }));
      const token = value(`io.jwt.encode_sign({"alg": ${q(alg)}}, {"sub": "me"}, ${jwk})`) as string;
      const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
      expect(value(`io.jwt.verify_${fn}(${q(token)}, ${q(pem)})`), alg).toBe(true);
      expect(value(`io.jwt.verify_${fn}(${q(token)}, ${q(JSON.stringify({ keys: [publicKey.export({ format: 'jwk' })] }))})`), alg).toBe(true);
      expect(value(`io.jwt.decode_verify(${q(token)}, {"cert": ${q(pem)}})[0]`), alg).toBe(true);
      const other = keyPair().publicKey.export({ format: 'pem', type: 'spki' }).toString();
      expect(value(`io.jwt.verify_${fn}(${q(token)}, ${q(other)})`), alg).toBe(false);
    }
  });

  it('verifies with the key of a certificate', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const token = value(`io.jwt.encode_sign({"alg": "ES256"}, {"a": 1}, ${JSON.stringify(key.privateKey.export({ format: 'jwk' }))})`) as string;
    // The leaf certificate holds a different key: a certificate is read, and its key does not verify.
    expect(value(`io.jwt.verify_es256(${q(token)}, ${q(fixture('leaf.pem'))})`)).toBe(false);
  });
});

describe('time', () => {
  it('parses RFC 3339 and Go layouts to nanoseconds, exactly', () => {
    expect(value('time.parse_rfc3339_ns("2017-06-02T19:00:00.123456789-07:00")')).toBe(1496455200123456789);
    expect(value('format_int(time.parse_rfc3339_ns("2017-06-02T19:00:00.123456789-07:00") % 1000, 10)')).toBe('789');
    expect(value('time.parse_ns("2006-01-02", "2020-02-29")')).toBe(1582934400000000000);
    expect(value('time.parse_ns("RFC822Z", "02 Jun 17 19:00 -0700")')).toBe(1496455200000000000);
    expect(value('time.parse_ns("Jan _2 2006 3:04PM", "Feb  3 2021 4:05PM")')).toBe(1612368300000000000);
    const bad = evaluate('time.parse_ns("2006-01-02", "2020-02-30")', { strict: true });
    expect('error' in bad && bad.error).toContain('time.parse_ns: parsing time "2020-02-30": day out of range');
    const range = evaluate('time.parse_rfc3339_ns("2262-04-11T23:47:16.854775808Z")', { strict: true });
    expect('error' in range && range.error).toContain('time outside of valid range');
  });

  it('parses Go durations', () => {
    expect(value('time.parse_duration_ns("1h30m")')).toBe(5400e9);
    expect(value('time.parse_duration_ns("-1.5s")')).toBe(-1.5e9);
    expect(value('time.parse_duration_ns("300us")')).toBe(300000);
    const bad = evaluate('time.parse_duration_ns("1d")', { strict: true });
    expect('error' in bad && bad.error).toContain('time: unknown unit "d" in duration "1d"');
  });

  it('gives date, clock and weekday in UTC or a named zone', () => {
    const t = 1517832000000000000; // 2018-02-05T12:00:00Z, a Monday
    expect(value(`time.date(${t})`)).toEqual([2018, 2, 5]);
    expect(value(`time.clock(${t})`)).toEqual([12, 0, 0]);
    expect(value(`time.clock([${t}, "America/New_York"])`)).toEqual([7, 0, 0]);
    expect(value(`time.date([${t}, "Pacific/Kiritimati"])`)).toEqual([2018, 2, 6]);
    expect(value(`time.weekday(${t})`)).toBe('Monday');
    expect(value(`time.weekday([${t}, "Pacific/Kiritimati"])`)).toBe('Tuesday');
    const zone = evaluate(`time.date([${t}, "Mars/Olympus"])`, { strict: true });
    expect('error' in zone && zone.error).toContain('unknown time zone Mars/Olympus');
  });

  it('formats with Go layouts and zones', () => {
    const t = 1670006453000000000;
    expect(value(`time.format(${t})`)).toBe('2022-12-02T18:40:53Z');
    expect(value(`time.format([${t}, "Asia/Kolkata"])`)).toBe('2022-12-03T00:10:53+05:30');
    expect(value(`time.format([${t}, "America/New_York", "Mon Jan _2 15:04:05 MST 2006"])`)).toBe('Fri Dec  2 13:40:53 EST 2022');
    expect(value(`time.format([${t}, "UTC", "RFC1123Z"])`)).toBe('Fri, 02 Dec 2022 18:40:53 +0000');
    expect(value(`time.format([${t}, "UTC", "3:04:05.000pm"])`)).toBe('6:40:53.000pm');
  });

  it('adds dates as Go normalises them, and diffs', () => {
    // 2020-01-31 plus one month is "February 31st", which normalises to March 2nd.
    const jan31 = 1580428800000000000;
    expect(value(`time.date(time.add_date(${jan31}, 0, 1, 0))`)).toEqual([2020, 3, 2]);
    expect(value(`time.diff(time.parse_ns("2006-01-02", "2004-02-29"), time.parse_ns("2006-01-02", "2005-03-01"))`)).toEqual([1, 0, 1, 0, 0, 0]);
    expect(value(`time.diff(${jan31}, ${jan31 + 3661e9})`)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('gives one time.now_ns for a whole evaluation', () => {
    expect(value('count({time.now_ns() | numbers.range(1, 50)[_]})')).toBe(1);
    const now = value('time.now_ns()') as number;
    expect(Math.abs(now / 1e6 - Date.now())).toBeLessThan(60000);
  });
});

describe('rand and uuid', () => {
  it('rand.intn: within [0, n), the same for the same arguments in one evaluation', () => {
    expect(value('count({rand.intn("k", 1000) | numbers.range(1, 50)[_]})')).toBe(1);
    const n = value('rand.intn("k", 10)') as number;
    expect(Number.isInteger(n) && n >= 0 && n < 10).toBe(true);
    expect(value('rand.intn("k", 0)')).toBe(0);
  });

  it('uuid.rfc4122: a version 4 UUID, the same for the same key in one evaluation', () => {
    const id = value('uuid.rfc4122("a")') as string;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(value('count({uuid.rfc4122("a") | numbers.range(1, 50)[_]})')).toBe(1);
    expect(value('uuid.rfc4122("a") == uuid.rfc4122("b")')).toBe(false);
  });

  it('uuid.parse: version and variant, and the time fields of versions 1 and 2', () => {
    expect(value('uuid.parse("00000000-0000-4000-8000-000000000000")')).toEqual({ version: 4, variant: 'RFC4122' });
    expect(value('uuid.parse("urn:uuid:6bea8ef2-d3d3-3cd1-84e0-9bab06a52ece")')).toEqual({ version: 3, variant: 'RFC4122' });
    const v1 = value('uuid.parse("c232ab00-9414-11ec-b3c8-9f6bdeced846")') as Record<string, unknown>;
    expect(v1).toMatchObject({ version: 1, variant: 'RFC4122', clocksequence: 13256, nodeid: '9f-6b-de-ce-d8-46', macvariables: 'local:multicast' });
    expect(value(`time.format(${(v1.time as number)})`)).toBe('2022-02-22T19:22:22Z');
    expect(evaluate('uuid.parse("not-a-uuid")')).toEqual({ undefined: true });
  });
});

describe('graphql', () => {
  const schema = 'type Query { hero(episode: Episode!): Character }\nenum Episode { NEWHOPE EMPIRE }\ntype Character { name: String! friends: [Character] }';

  it('parses queries into gqlparser\'s AST as OPA returns it', () => {
    expect(value('graphql.parse_query("query Q($e: Episode = EMPIRE) { hero(episode: $e) { name } }")')).toEqual({
      Operations: [{
        Name: 'Q', Operation: 'query',
        VariableDefinitions: [{ Variable: 'e', Type: { NamedType: 'Episode', NonNull: false }, DefaultValue: { Raw: 'EMPIRE', Kind: 7, ExpectedTypeHasDefault: false }, Used: false }],
        SelectionSet: [{ Alias: 'hero', Name: 'hero', Arguments: [{ Name: 'episode', Value: { Raw: 'e', Kind: 0, ExpectedTypeHasDefault: false } }], SelectionSet: [{ Alias: 'name', Name: 'name' }] }],
      }],
    });
    const bad = evaluate('graphql.parse_query("{ hero(")', { strict: true });
    expect('error' in bad && bad.error).toContain('graphql.parse_query: Expected Name, found <EOF> in GraphQL string at location 1:8');
  });

  it('parses schemas', () => {
    const ast = value(`graphql.parse_schema(${q(schema)})`) as { Definitions: { Kind: string; Name: string }[] };
    expect(ast.Definitions.map((d) => [d.Kind, d.Name])).toEqual([['OBJECT', 'Query'], ['ENUM', 'Episode'], ['OBJECT', 'Character']]);
  });

  it('validates queries against schemas', () => {
    expect(value(`graphql.is_valid("{ hero(episode: EMPIRE) { name friends { name } } }", ${q(schema)})`)).toBe(true);
    expect(value(`graphql.is_valid("{ hero { name } }", ${q(schema)})`)).toBe(false);
    expect(value(`graphql.is_valid("{ hero(episode: EMPIRE) { age } }", ${q(schema)})`)).toBe(false);
    expect(value(`graphql.parse_and_verify("{ hero { name } }", ${q(schema)})`)).toEqual([false, {}, {}]);
    expect(value(`graphql.parse_and_verify("{ hero(episode: NEWHOPE) { name } }", ${q(schema)})[0]`)).toBe(true);
    const bad = evaluate(`graphql.parse("{ hero { name } }", ${q(schema)})`, { strict: true });
    expect('error' in bad && bad.error).toContain('graphql.parse: Field "hero" argument "episode" of type "Episode!" is required, but it was not provided in GraphQL string at location 1:3');
    // A query and schema given as the ASTs the parsers returned validate as their text does.
    expect(value(`graphql.is_valid(graphql.parse_query("{ hero(episode: EMPIRE) { name } }"), graphql.parse_schema(${q(schema)}))`)).toBe(true);
  });

  it('checks schemas', () => {
    expect(value(`graphql.schema_is_valid(${q(schema)})`)).toBe(true);
    expect(value('graphql.schema_is_valid("type Query { a: Missing }")')).toBe(false);
    expect(value('graphql.schema_is_valid("input I { o: O } type O { a: String } type Query { f(i: I): String }")')).toBe(false);
  });
});

describe('JSON Schema', () => {
  const schema = '{"type": "object", "properties": {"id": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}}}, "required": ["id"]}';

  it('verify_schema: [true, null], or false and gojsonschema\'s reason', () => {
    expect(value(`json.verify_schema(${q(schema)})`)).toEqual([true, null]);
    expect(value('json.verify_schema({"type": "integer"})')).toEqual([true, null]);
    expect(value('json.verify_schema({"type": "int"})')).toEqual([false, 'jsonschema: has a primitive type that is NOT VALID -- given: /int/ Expected valid values are:[array boolean integer number null object string]']);
  });

  it('match_schema: [true, []], or false and errors with field, type and description', () => {
    expect(value(`json.match_schema({"id": 1, "tags": ["a"]}, ${q(schema)})`)).toEqual([true, []]);
    expect(value(`json.match_schema({"tags": ["a", 2]}, ${q(schema)})`)).toEqual([false, [
      { error: '(root): id is required', type: 'required', field: '(root)', desc: 'id is required' },
      { error: 'tags.1: Invalid type. Expected: string, given: integer', type: 'invalid_type', field: 'tags.1', desc: 'Invalid type. Expected: string, given: integer' },
    ]]);
  });
});

describe('providers.aws.sign_req', () => {
  it('signs AWS\'s SigV4 test suite request "get-vanilla"', () => {
    const signed = value(`providers.aws.sign_req({"method": "GET", "url": "https://example.amazonaws.com/"}, {
      "aws_access_key": "AKIDEXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
      "aws_service": "service", "aws_region": "us-east-1"}, 1440938160000000000)`) as { headers: Record<string, string> };
    expect(signed.headers).toEqual({
      Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,SignedHeaders=host;x-amz-date,Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
    });
  });

  it('reports missing configuration as OPA does', () => {
    const got = evaluate('providers.aws.sign_req({"method": "get", "url": "http://example.com"}, {"aws_service": "s3"}, 0)', { strict: true });
    expect('error' in got && got.error).toContain('providers.aws.sign_req: operand 2 missing required AWS config parameters(s): {"aws_access_key", "aws_region", "aws_secret_access_key"}');
  });
});
