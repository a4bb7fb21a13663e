// providers.aws.sign_req: AWS Signature Version 4 of an http.send request
// object, offline, at the time given (OPA's topdown/providers.go and
// internal/providers/aws). Nothing is sent: the host computes the signed headers and
// the module puts them into the request it returns.
import { fail, obj, setText, typeName, type HostTable } from './common';
import { goJson } from './encoding';
import { checkHttpRequest } from './net';
import { nodeCrypto } from './lazy';

const NAME = 'providers.aws.sign_req';
const REQUIRED_CONFIG = ['aws_access_key', 'aws_region', 'aws_secret_access_key', 'aws_service'];
const REQUIRED_REQUEST = ['method', 'url'];
// Headers a proxy may change on the way, which AWS's own signer leaves out.
const IGNORED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id']);

function sha256Hex(data: string | Buffer): string {
  return nodeCrypto().createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, message: string): Buffer {
  return nodeCrypto().createHmac('sha256', key).update(message).digest();
}

/** Host, path and query of a URL as Go's url.Parse splits them (an empty path stays empty). */
function urlParts(url: string): { host: string; path: string; query: string } {
  const m = /^(?:[A-Za-z][A-Za-z0-9+.-]*:)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?/.exec(url);
  return { host: m?.[1] ?? '', path: m?.[2] ?? '', query: m?.[3] ?? '' };
}

function utcStamp(ns: bigint): { date: string; iso: string } {
  const d = new Date(Number(ns / 1000000n));
  const iso = d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return { date: iso.slice(0, 8), iso };
}

/**
 * The signed request's headers, as `{"headers": …}`: the module merges them into the
 * request (mergesIntoFirst in src/compiler/builtins/providers.ts), which keeps a body
 * holding sets as it is. `timeIsInt` comes from the module too (intFlagFor): OPA reads
 * the time with Int64(), which refuses `-1e9` or `1.0`, numbers JSON cannot tell apart.
 * Checks run in OPA's order, so the first problem is the one reported.
 */
function signReq(reqArg: unknown, configArg: unknown, timeArg: unknown, timeIsInt: unknown): unknown {
  const req = obj(NAME, reqArg, 1);
  // OPA numbers the second and third operands 1 in their type errors; kept as OPA says it.
  const config = obj(NAME, configArg, 1);
  const missing = REQUIRED_CONFIG.filter((k) => !(k in config));
  if (missing.length) fail(NAME, `operand 2 missing required AWS config parameters(s): ${setText(missing)}`);
  const invalid = REQUIRED_CONFIG.filter((k) => typeof config[k] !== 'string');
  if (invalid.length) fail(NAME, `operand 2 invalid values for required AWS config parameters(s): ${setText(invalid)}`);
  if (typeof timeArg !== 'number') fail(NAME, `operand 1 must be number but got ${typeName(timeArg)}`);
  if (timeIsInt !== true) fail(NAME, 'operand 3 could not convert time_ns value into a unix timestamp');
  checkHttpRequest(NAME, req, 1);
  const headersIn = req.headers ?? {};
  if (headersIn === null || typeof headersIn !== 'object' || Array.isArray(headersIn)) fail(NAME, `operand 0 must be object but got ${typeName(headersIn)}`);
  const invalidReq = REQUIRED_REQUEST.filter((k) => typeof req[k] !== 'string');
  if (invalidReq.length) fail(NAME, `operand 1 invalid values for required request parameters(s): ${setText(invalidReq)}`);
  let unsigned = false;
  if ('disable_payload_signing' in config) {
    if (typeof config.disable_payload_signing !== 'boolean') fail(NAME, "operand 2 invalid value for 'disable_payload_signing' in AWS config");
    unsigned = config.disable_payload_signing;
  }

  const service = config.aws_service as string;
  const region = config.aws_region as string;
  const token = typeof config.aws_session_token === 'string' ? config.aws_session_token : '';
  const payloadHash = unsigned ? 'UNSIGNED-PAYLOAD' : sha256Hex(payload(req));
  const { date, iso } = utcStamp(BigInt(timeArg));
  const url = urlParts(req.url as string);
  // Non-string header values are signed and returned empty, as OPA's objectToMap leaves them.
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(headersIn as Record<string, unknown>)) headers[k] = typeof v === 'string' ? v : '';

  const awsHeaders: Record<string, string> = { host: url.host, 'x-amz-date': iso };
  if (service === 's3' || service === 'glacier') awsHeaders['x-amz-content-sha256'] = payloadHash;
  if (token !== '') awsHeaders['x-amz-security-token'] = token;
  // The request's own headers are signed over the AWS ones of the same name (an
  // x-amz-content-sha256 given by the caller is signed as given), but the AWS ones are
  // what the request carries afterwards: OPA's signer does both, and its cases pin them.
  const toSign: Record<string, string> = { ...awsHeaders };
  for (const [k, v] of Object.entries(headers)) if (!IGNORED_HEADERS.has(k.toLowerCase())) toSign[k.toLowerCase()] = v;
  const names = Object.keys(toSign).sort();
  const canonical = [req.method as string, url.path, url.query, ...names.map((k) => `${k}:${toSign[k]}`), '', names.join(';'), payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', iso, scope, sha256Hex(canonical)].join('\n');
  let key = hmac(`AWS4${config.aws_secret_access_key as string}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const signature = hmac(key, stringToSign).toString('hex');

  const authorization = `AWS4-HMAC-SHA256 Credential=${config.aws_access_key as string}/${scope},SignedHeaders=${names.join(';')},Signature=${signature}`;
  return { headers: { ...headers, Authorization: authorization, ...awsHeaders } };
}

/** The bytes signed as the payload: raw_body as it is (even beside body), else body as JSON. */
function payload(req: Record<string, unknown>): string {
  if ('raw_body' in req) return typeof req.raw_body === 'string' ? req.raw_body : '';
  if ('body' in req) return goJson(req.body);
  return '';
}

export const builtins: HostTable = {
  [NAME]: signReq,
};
