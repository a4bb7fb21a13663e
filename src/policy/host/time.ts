// time.*: OPA's time builtins (topdown/time.go). Nanoseconds are BigInt
// here and go back to the module as exact JSON; time zones come from Node's
// ICU (Intl); layouts are Go's (golayout.ts). time.now_ns is one value per
// evaluation, as OPA promises.
import { exact, fail, nowNs, str, typeName, type HostTable, reportingAs } from './common';
import { daysIn, goFormat, goParse, LayoutError, NAMED_LAYOUTS, utcMs, type Civil } from './golayout';

/** A failure reported as the builtin's error (the caller adds the name). */
class TimeError extends Error {}

const MIN_NS = -(2n ** 63n);
const MAX_NS = 2n ** 63n - 1n;
const NS_PER_MS = 1000000n;

function inRange(ns: bigint): bigint {
  if (ns < MIN_NS || ns > MAX_NS) throw new TimeError('time outside of valid range');
  return ns;
}

// Time zones

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const abbrevFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(cache: Map<string, Intl.DateTimeFormat>, zone: string, style: 'longOffset' | 'short'): Intl.DateTimeFormat {
  let f = cache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: style });
    cache.set(zone, f);
  }
  return f;
}

function checkZone(zone: string): string {
  if (zone === '' || zone === 'UTC') return 'UTC';
  const name = zone === 'Local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : zone;
  try {
    zoneFormat(offsetFormats, name, 'longOffset');
  } catch {
    throw new TimeError(`unknown time zone ${zone}`);
  }
  return name;
}

/** The zone's offset from UTC in seconds at `ms`, and its abbreviation when it has one. */
function zoneAt(zone: string, ms: number): { offset: number; abbrev: string } {
  if (zone === 'UTC') return { offset: 0, abbrev: 'UTC' };
  const date = new Date(Math.min(Math.max(ms, -8.64e15), 8.64e15));
  const long = zoneFormat(offsetFormats, zone, 'longOffset').formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT(?:([+-])(\d\d):(\d\d)(?::(\d\d))?)?$/.exec(long);
  const offset = m && m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) : 0;
  const short = zoneFormat(abbrevFormats, zone, 'short').formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? '';
  // ICU names only some zones (EST, PST); Go prints a numeric offset for the rest (+0530).
  return { offset, abbrev: /^[A-Z]{3,5}$/.test(short) ? short : '' };
}

/** The wall clock in `zone` of `ns` nanoseconds since the epoch. */
function civil(ns: bigint, zone: string): Civil {
  let ms = ns / NS_PER_MS;
  let sub = ns % NS_PER_MS;
  if (sub < 0n) {
    sub += NS_PER_MS;
    ms -= 1n;
  }
  const { offset, abbrev } = zoneAt(zone, Number(ms));
  const d = new Date(Number(ms) + offset * 1000);
  const start = utcMs(d.getUTCFullYear(), 1, 1, 0, 0, 0);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
    nanos: d.getUTCMilliseconds() * 1e6 + Number(sub), weekday: d.getUTCDay(),
    yday: Math.floor((d.getTime() - start) / 86400000) + 1, offset, abbrev,
  };
}

// Operands

/** A number of nanoseconds as OPA takes it: an integer within int64. */
function nanos(v: unknown, name: string, text?: unknown): bigint {
  if (typeof v !== 'number') fail(name, `operand 1 must be number but got ${typeName(v)}`);
  if (!Number.isInteger(v) || v < -(2 ** 63) || v >= 2 ** 63) throw new TimeError('timestamp too big');
  return exactInteger(text) ?? BigInt(v);
}

/**
 * The timestamp as the module holds it, from the JSON text the module passes beside the
 * operand (BuiltinDef.jsonTextFor): `1670006453141828752`, or an array whose first element
 * it is. Undefined when there is no such text or the number is not an integer literal.
 */
function exactInteger(text: unknown): bigint | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^\[?(-?\d+)(?:[,\]]|$)/.exec(text);
  return m ? BigInt(m[1]!) : undefined;
}

interface Zoned { ns: bigint; zone: string; layout: string }

/** OPA's tzTime: `ns` or `[ns, zone]` or `[ns, zone, layout]`. */
function zoned(name: string, a: unknown, text?: unknown): Zoned {
  if (Array.isArray(a)) {
    if (a.length === 0) fail(name, 'operand 1 must be one of {number, array} but got array');
    const zone = a.length > 1 ? checkZone(str(name, a[1], 1)) : 'UTC';
    const layout = a.length > 2 ? str(name, a[2], 1) : NAMED_LAYOUTS.RFC3339Nano;
    return { ns: nanos(a[0], name, text), zone, layout: NAMED_LAYOUTS[layout] ?? layout };
  }
  if (typeof a !== 'number') fail(name, `operand 1 must be one of {number, array} but got ${typeName(a)}`);
  return { ns: nanos(a, name, text), zone: 'UTC', layout: NAMED_LAYOUTS.RFC3339Nano };
}

// Builtins

function parseNs(layoutArg: unknown, value: unknown): ArrayBuffer {
  const layout = str('time.parse_ns', layoutArg, 1);
  const text = str('time.parse_ns', value, 2);
  return exact(parsedNs(NAMED_LAYOUTS[layout] ?? layout, text));
}

function parsedNs(layout: string, text: string): bigint {
  let p;
  try {
    p = goParse(layout, text);
  } catch (e) {
    if (e instanceof LayoutError) throw new TimeError(e.message);
    throw e;
  }
  const ms = BigInt(utcMs(p.year, p.month, p.day, p.hour, p.minute, p.second));
  return inRange(ms * NS_PER_MS + BigInt(p.nanos) - BigInt(p.offset ?? 0) * 1000000000n);
}

const UNITS: Record<string, bigint> = { ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1000000n, s: 1000000000n, m: 60000000000n, h: 3600000000000n };

/** Go's time.ParseDuration. */
function parseDuration(s: unknown): ArrayBuffer {
  const text = str('time.parse_duration_ns', s, 1);
  const invalid = () => new TimeError(`time: invalid duration ${JSON.stringify(text)}`);
  let rest = text;
  let negative = false;
  if (rest[0] === '-' || rest[0] === '+') {
    negative = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return exact(0n);
  if (rest === '') throw invalid();
  let total = 0n;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?([^\d.]+)/.exec(rest);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) throw invalid();
    const unit = UNITS[m[3]];
    if (unit === undefined) throw new TimeError(`time: unknown unit ${JSON.stringify(m[3])} in duration ${JSON.stringify(text)}`);
    const whole = BigInt(m[1] || '0');
    const frac = m[2] ?? '';
    total += whole * unit + (frac ? (BigInt(frac) * unit) / 10n ** BigInt(frac.length) : 0n);
    if (total > MAX_NS + (negative ? 1n : 0n)) throw invalid();
    rest = rest.slice(m[0].length);
  }
  return exact(negative ? -total : total);
}

function date(a: unknown, aText?: unknown): number[] {
  const z = zoned('time.date', a, aText);
  const c = civil(z.ns, z.zone);
  return [c.year, c.month, c.day];
}

function clock(a: unknown, aText?: unknown): number[] {
  const z = zoned('time.clock', a, aText);
  const c = civil(z.ns, z.zone);
  return [c.hour, c.minute, c.second];
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function weekday(a: unknown, aText?: unknown): string {
  const z = zoned('time.weekday', a, aText);
  return WEEKDAYS[civil(z.ns, z.zone).weekday];
}

function int(name: string, v: unknown, pos: number): number {
  if (typeof v !== 'number') fail(name, `operand ${pos} must be number but got ${typeName(v)}`);
  if (!Number.isInteger(v)) fail(name, `operand ${pos} must be integer number but got floating-point number`);
  return v;
}

/** time.Time.AddDate in UTC: Go normalises overflowing months and days the way Date does. */
function addDate(ns: unknown, years: unknown, months: unknown, days: unknown): ArrayBuffer {
  const name = 'time.add_date';
  const t = nanos(ns, name);
  const y = int(name, years, 2);
  const m = int(name, months, 3);
  const d = int(name, days, 4);
  const c = civil(t, 'UTC');
  const ms = BigInt(utcMs(c.year + y, c.month + m, c.day + d, c.hour, c.minute, c.second));
  return exact(inRange(ms * NS_PER_MS + BigInt(c.nanos)));
}

/** OPA's time.diff: [years, months, days, hours, minutes, seconds] between two times, in the first one's zone. */
function diff(a: unknown, b: unknown, aText?: unknown, bText?: unknown): number[] {
  const x = zoned('time.diff', a, aText);
  const y = zoned('time.diff', b, bText);
  let [t1, t2] = [x.ns, y.ns];
  if (t1 > t2) [t1, t2] = [t2, t1];
  const c1 = civil(t1, x.zone);
  const c2 = civil(t2, x.zone);
  let year = c2.year - c1.year;
  let month = c2.month - c1.month;
  let day = c2.day - c1.day;
  let hour = c2.hour - c1.hour;
  let min = c2.minute - c1.minute;
  let sec = c2.second - c1.second;
  if (sec < 0) { sec += 60; min--; }
  if (min < 0) { min += 60; hour--; }
  if (hour < 0) { hour += 24; day--; }
  if (day < 0) { day += daysIn(c1.year, c1.month); month--; }
  if (month < 0) { month += 12; year--; }
  return [year, month, day, hour, min, sec];
}

function format(a: unknown, aText?: unknown): string {
  const z = zoned('time.format', a, aText);
  return goFormat(civil(z.ns, z.zone), z.layout);
}

/** `fn` as builtin `name`, its TimeError reported as that builtin's error. */
const named = (name: string, fn: (...args: unknown[]) => unknown) => reportingAs(name, TimeError, fn);

const table: Record<string, (...args: unknown[]) => unknown> = {
  'time.now_ns': () => exact(BigInt(nowNs())),
  'time.parse_ns': parseNs,
  'time.parse_rfc3339_ns': (v) => exact(parsedNs(NAMED_LAYOUTS.RFC3339, str('time.parse_rfc3339_ns', v, 1))),
  'time.parse_duration_ns': parseDuration,
  'time.date': date,
  'time.clock': clock,
  'time.weekday': weekday,
  'time.add_date': addDate,
  'time.diff': diff,
  'time.format': format,
};

export const builtins: HostTable = Object.fromEntries(Object.entries(table).map(([name, fn]) => [name, named(name, fn)]));
