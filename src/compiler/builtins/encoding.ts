// Serialisation builtins: json.*, base64.*, base64url.*, hex.*, urlquery.* natively
// (src/runtime/builtins/encoding.ts); yaml.* through the host, whose SDK provides them.
import { type BuiltinDef, native, host } from './types';

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
  host('yaml.unmarshal', 1),
  host('yaml.is_valid', 1),
];
