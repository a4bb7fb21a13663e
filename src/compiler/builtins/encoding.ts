// Serialisation builtins: json.*, base64.*, base64url.*, hex.*, urlquery.* natively
// (src/runtime/builtins/encoding.ts); yaml.* through the host: yaml.marshal as the SDK
// provides it, yaml.unmarshal and yaml.is_valid by offgate (src/policy/host/yaml.ts: the
// SDK's undefined for every error and for a non-string is not OPA's), under names the
// SDK's own table does not hold.
import { type BuiltinDef, native, host, hostAs } from './types';

export const builtins: BuiltinDef[] = [
  native('json.marshal', 1),
  native('json.marshal_with_options', 2),
  native('json.unmarshal', 1),
  native('json.is_valid', 1),
  native('base64.encode', 1),
  native('base64.decode', 1),
  native('base64.is_valid', 1),
  native('base64url.encode', 1),
  native('base64url.encode_no_pad', 1),
  native('base64url.decode', 1),
  native('hex.encode', 1),
  native('hex.decode', 1),
  native('urlquery.encode', 1),
  native('urlquery.decode', 1),
  native('urlquery.encode_object', 1),
  native('urlquery.decode_object', 1),
  host('yaml.marshal', 1),
  hostAs('yaml.unmarshal', 1, 'offgate.yaml.unmarshal'),
  hostAs('yaml.is_valid', 1, 'offgate.yaml.is_valid'),
];
