// Sizes as people write them on a command line or in an environment variable: `64MiB`,
// `10MB`, `512k`, `1.5Gi`, or a plain byte count. Decimal units (k, M, G, T) are
// powers of 1000 and binary ones (Ki, Mi, Gi, Ti) powers of 1024, as Kubernetes
// quantities are; a trailing B is optional and case does not matter.

const SIZE = /^(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?))?b?$/i;
const POWER: Record<string, number> = { k: 1, m: 2, g: 3, t: 4 };

/** The byte count `text` stands for, or undefined when it is no size. */
export function parseSize(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  if (!m) return undefined;
  const base = m[3] ? 1024 : 1000;
  const bytes = Math.floor(Number(m[1]) * (m[2] ? base ** POWER[m[2].toLowerCase()]! : 1));
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** `64 MiB`, `1.5 KiB`, `12 bytes`: for messages and `offgate version`. */
export function formatSize(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes;
  let unit = 'bytes';
  for (const u of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}
