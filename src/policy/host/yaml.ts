// yaml.unmarshal and yaml.is_valid as OPA has them (sigs.k8s.io/yaml over go-yaml v2):
// the text's first document, read by offgate's own YAML reader (YAML 1.1 scalars as
// go-yaml resolves them, the same depth and alias bounds as manifests). An error is a
// builtin error worded as go-yaml words it where offgate knows the wording (an unclosed
// flow collection or quoted string), else `yaml: line N: <the reader's reason>`.
//
// The SDK ships its own yaml.*, which it looks up before the caller's builtins; the
// compiler lists these two as offgate.yaml.* (src/compiler/builtins/encoding.ts).
// yaml.marshal stays the SDK's.
import { parseYamlValues, type ReadError } from '../../manifests/parse';
import { fail, str, type HostTable } from './common';

/** The first document's value (null for none), or the go-yaml style error text. */
function unmarshal(text: string): { value: unknown } | { error: string } {
  const got = parseYamlValues(text, 'yaml');
  if (got.error) return { error: goYamlError(text, got.error) };
  return { value: got.values.length > 0 ? got.values[0] : null };
}

// go-yaml's message for the reader's error. Its line numbers for an error at the end of
// the text: a parser error names the stream end's 0-based line, counted after the line
// break go-yaml adds to a text not ending in one; a scanner error (in a quoted string)
// names the 1-based line where the text stops.
function goYamlError(text: string, e: ReadError): string {
  const breaks = text.split('\n').length - 1;
  if (/within a flow collection/.test(e.message)) {
    const closer = unclosedFlow(text);
    if (closer) return `yaml: line ${breaks + (text.endsWith('\n') ? 0 : 1)}: did not find expected ',' or '${closer}'`;
  }
  if (/within a (?:single|double) quoted scalar/.test(e.message)) {
    return `yaml: line ${breaks + 1}: found unexpected end of stream`;
  }
  return `yaml: line ${e.line ?? 1}: ${e.message}`;
}

/** The closing bracket of the innermost flow collection the text leaves open, if any. */
function unclosedFlow(text: string): string | undefined {
  const open: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      // Skip a quoted string: '' escapes a single quote, a backslash escapes in double quotes.
      for (i++; i < text.length; i++) {
        if (c === '"' && text[i] === '\\') i++;
        else if (text[i] === c && !(c === "'" && text[i + 1] === "'")) break;
        else if (c === "'" && text[i] === "'") i++;
      }
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      open.push(c === '[' ? ']' : '}');
    } else if ((c === ']' || c === '}') && open[open.length - 1] === c) {
      open.pop();
    }
  }
  return open[open.length - 1];
}

export const builtins: HostTable = {
  'offgate.yaml.unmarshal': (x) => {
    const got = unmarshal(str('yaml.unmarshal', x, 1));
    if ('error' in got) fail('yaml.unmarshal', got.error);
    return got.value;
  },
  // Any value may be asked about: only a string holding YAML is valid.
  'offgate.yaml.is_valid': (x) => typeof x === 'string' && 'value' in unmarshal(x),
};
