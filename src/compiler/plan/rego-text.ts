// Rego text of a ground term, as `opa_value_parse` reads it: composite
// constants are stored as text and parsed once when the module starts.
import type { Term } from '../ast';
import { RegoError } from '../errors';

export function regoText(t: Term): string {
  switch (t.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return t.value ? 'true' : 'false';
    case 'number':
      return t.value;
    case 'string':
      return JSON.stringify(t.value);
    case 'array':
      return `[${t.items.map(regoText).join(',')}]`;
    case 'set':
      return t.items.length === 0 ? 'set()' : `{${t.items.map(regoText).join(',')}}`;
    case 'object':
      return `{${t.entries.map(([k, v]) => `${regoText(k)}:${regoText(v)}`).join(',')}}`;
    default:
      throw new RegoError('rego_compile_error', `not a constant: ${t.type}`, t.pos);
  }
}
