// The host side of the pure runtime builtins (bits, semver, globs_match, uri): their
// abort messages quote user text, which may be non-ASCII, and reach us through the SDK.
import { describe, expect, it } from 'vitest';
import { sdkAbortText } from '../src/policy/limits';

// What the SDK makes of UTF-8 bytes: one character per signed byte.
function asSdkReadsIt(text: string): string {
  return [...new TextEncoder().encode(text)].map((b) => String.fromCharCode(b < 0x80 ? b : 0xff00 | b)).join('');
}

describe('sdkAbortText', () => {
  it('puts non-ASCII text back together', () => {
    const msg = 'query.rego:4: eval_builtin_error: uri.parse: parse "http://h:٣٤/": invalid port ":٣٤" after host';
    expect(asSdkReadsIt(msg)).not.toBe(msg);
    expect(sdkAbortText(asSdkReadsIt(msg))).toBe(msg);
  });

  it('leaves ASCII messages and non-strings alone', () => {
    expect(sdkAbortText('offgate: out of memory')).toBe('offgate: out of memory');
    const err = new Error('x');
    expect(sdkAbortText(err)).toBe(err);
  });

  it('leaves a string that is not byte-per-character text alone', () => {
    expect(sdkAbortText('é \uffe9')).toBe('é \uffe9');
  });
});
