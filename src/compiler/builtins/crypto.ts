// crypto.* builtins, provided by the host with node:crypto (src/policy/host/crypto.ts).
import { type BuiltinDef, host } from './types';

export const builtins: BuiltinDef[] = [
  host('crypto.md5', 1),
  host('crypto.sha1', 1),
  host('crypto.sha256', 1),
  host('crypto.hmac.md5', 2),
  host('crypto.hmac.sha1', 2),
  host('crypto.hmac.sha256', 2),
  host('crypto.hmac.sha512', 2),
  host('crypto.hmac.equal', 2),
  host('crypto.x509.parse_certificates', 1),
  host('crypto.x509.parse_and_verify_certificates', 1),
  host('crypto.x509.parse_and_verify_certificates_with_options', 2),
  host('crypto.x509.parse_certificate_request', 1),
  host('crypto.x509.parse_keypair', 2),
  host('crypto.x509.parse_rsa_private_key', 1),
  host('crypto.parse_private_keys', 1),
];
