// The module cache's checksums (src/checksum.ts): an entry changed in any way, cut short or
// grown by zeros no longer matches its checksum; entry names are 64 hex digits that differ
// with their text.
import { describe, expect, it } from 'vitest';
import { checksum, entryName } from '../src/checksum';

describe('checksum', () => {
  const bytes = Uint8Array.from({ length: 70_001 }, (_, i) => (i * 7919) % 251);

  it('is 16 hex digits, the same for the same bytes, wherever they sit in memory', () => {
    const sum = checksum(bytes);
    expect(sum).toMatch(/^[0-9a-f]{16}$/);
    const offset = new Uint8Array(bytes.length + 3);
    offset.set(bytes, 3);
    expect(checksum(offset.subarray(3))).toBe(sum);
    expect(checksum(bytes)).toBe(sum);
  });

  it('changes with any flipped bit, a byte cut off or zeros added', () => {
    const sum = checksum(bytes);
    for (const at of [0, 1, 2, 3, 4, 1000, 35_000, 69_999, 70_000]) {
      for (const bit of [0, 3, 7]) {
        const changed = bytes.slice();
        changed[at]! ^= 1 << bit;
        expect(checksum(changed), `byte ${at} bit ${bit}`).not.toBe(sum);
      }
    }
    expect(checksum(bytes.subarray(0, bytes.length - 1))).not.toBe(sum);
    for (const zeros of [1, 2, 3, 4, 8]) expect(checksum(new Uint8Array([...bytes, ...new Array(zeros).fill(0)])), `${zeros} zeros`).not.toBe(sum);
    expect(new Set([0, 1, 2, 3, 4].map((n) => checksum(new Uint8Array(n)))).size).toBe(5);
  });

  it('grows its memory for an entry larger than it has seen', () => {
    const large = new Uint8Array(3 * 65536 + 5).fill(9);
    expect(checksum(large)).not.toBe(checksum(large.subarray(1)));
  });
});

describe('entryName', () => {
  it('is 64 hex digits, the same for the same text, another for another', () => {
    const names = ['', 'a', 'b', 'ab', 'ba', 'template-set\0x', 'template-set\0y', 'é'].map(entryName);
    for (const n of names) expect(n).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(names).size).toBe(names.length);
    expect(entryName('template-set\0x')).toBe(names[5]);
  });
});
