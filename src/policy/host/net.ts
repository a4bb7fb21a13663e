// Builtins that mean the network. offgate evaluates offline: http.send
// always fails (unless mocked with `with`), and net.lookup_ip_addr answers
// only what needs no resolver, IP literals and localhost.
import { fail, obj, offline, setText, str, type HostTable } from './common';
import { nodeNet } from './lazy';

// The request fields http.send knows (OPA's topdown/http.go); any other is an error.
const REQUEST_KEYS = new Set([
  'method', 'url', 'body', 'enable_redirect', 'force_json_decode', 'force_yaml_decode', 'headers', 'raw_body',
  'tls_use_system_certs', 'tls_ca_cert', 'tls_ca_cert_file', 'tls_ca_cert_env_variable', 'tls_client_cert',
  'tls_client_cert_file', 'tls_client_cert_env_variable', 'tls_client_key', 'tls_client_key_file',
  'tls_client_key_env_variable', 'tls_insecure_skip_verify', 'tls_server_name', 'timeout', 'cache', 'force_cache',
  'force_cache_duration_seconds', 'raise_error', 'caching_mode', 'max_retry_attempts', 'cache_ignored_headers',
]);
const REQUIRED_KEYS = ['method', 'url'];

/**
 * OPA's check of an http.send request object (shared with providers.aws.sign_req):
 * unknown fields first, then missing required ones.
 */
export function checkHttpRequest(name: string, req: Record<string, unknown>, pos: number): void {
  const unknown = Object.keys(req).filter((k) => !REQUEST_KEYS.has(k));
  if (unknown.length) fail(name, `operand ${pos} invalid request parameters(s): ${setText(unknown)}`);
  const missing = REQUIRED_KEYS.filter((k) => !(k in req));
  if (missing.length) fail(name, `operand ${pos} missing required request parameters(s): ${setText(missing)}`);
}

/**
 * A request that is not well formed is reported as OPA reports it, before anything
 * would reach the network; a well-formed one cannot be sent offline. OPA turns the
 * checks' errors into a `{"status_code": 0, "error": …}` response when the request says
 * `raise_error: false`, and so does this (the message without OPA's source position,
 * which a host builtin does not know).
 */
function send(reqArg: unknown): unknown {
  const req = obj('http.send', reqArg, 1);
  const raise = req.raise_error ?? true;
  if (typeof raise !== 'boolean') fail('http.send', 'invalid value for raise_error field');
  try {
    checkHttpRequest('http.send', req, 1);
  } catch (e) {
    if (raise) throw e;
    return { status_code: 0, error: { code: 'eval_http_send_internal_error', message: (e as Error).message } };
  }
  offline('http.send');
}

function lookupIpAddr(name: unknown): string[] {
  const host = str('net.lookup_ip_addr', name, 1);
  if (nodeNet().isIP(host)) return [host];
  if (host.toLowerCase() === 'localhost' || host.toLowerCase().endsWith('.localhost')) return ['127.0.0.1'];
  offline('net.lookup_ip_addr', `resolving ${JSON.stringify(host)} is `);
}

export const builtins: HostTable = {
  'http.send': send,
  'net.lookup_ip_addr': lookupIpAddr,
};
