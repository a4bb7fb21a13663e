// Go's time layouts ("2006-01-02T15:04:05Z07:00"), formatting and parsing,
// as time.Format and time.Parse do them, for time.parse_ns and time.format.

export interface Civil {
  year: number; month: number; day: number; hour: number; minute: number; second: number;
  nanos: number; weekday: number; yday: number; offset: number; abbrev: string;
}

/** OPA accepts Go's layout constants by name. */
export const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
  Kitchen: '3:04PM',
  Stamp: 'Jan _2 15:04:05',
  StampMilli: 'Jan _2 15:04:05.000',
  StampMicro: 'Jan _2 15:04:05.000000',
  StampNano: 'Jan _2 15:04:05.000000000',
  DateTime: '2006-01-02 15:04:05',
  DateOnly: '2006-01-02',
  TimeOnly: '15:04:05',
};

type Std =
  | 'LongMonth' | 'Month' | 'NumMonth' | 'ZeroMonth' | 'LongWeekDay' | 'WeekDay' | 'Day' | 'UnderDay' | 'ZeroDay'
  | 'UnderYearDay' | 'ZeroYearDay' | 'Hour' | 'Hour12' | 'ZeroHour12' | 'Minute' | 'ZeroMinute' | 'Second' | 'ZeroSecond'
  | 'LongYear' | 'Year' | 'PM' | 'pm' | 'TZ' | 'ISO8601TZ' | 'ISO8601SecondsTZ' | 'ISO8601ShortTZ' | 'ISO8601ColonTZ'
  | 'ISO8601ColonSecondsTZ' | 'NumTZ' | 'NumSecondsTz' | 'NumShortTZ' | 'NumColonTZ' | 'NumColonSecondsTZ' | 'Frac0' | 'Frac9';

interface Chunk { literal: string; std?: Std; text: string; digits?: number }

const ZERO_STD: Std[] = ['ZeroMonth', 'ZeroDay', 'ZeroHour12', 'ZeroMinute', 'ZeroSecond', 'Year'];

/** Go's nextStdChunk, applied over the whole layout. */
function chunks(layout: string): Chunk[] {
  const out: Chunk[] = [];
  let literal = '';
  const push = (std: Std, text: string, digits?: number) => {
    out.push({ literal, std, text, digits });
    literal = '';
  };
  for (let i = 0; i < layout.length;) {
    const rest = layout.slice(i);
    const c = layout[i];
    let hit: [Std, number, number?] | undefined;
    if (c === 'J') {
      if (rest.startsWith('January')) hit = ['LongMonth', 7];
      else if (rest.startsWith('Jan')) hit = ['Month', 3];
    } else if (c === 'M') {
      if (rest.startsWith('Monday')) hit = ['LongWeekDay', 6];
      else if (rest.startsWith('Mon')) hit = ['WeekDay', 3];
      else if (rest.startsWith('MST')) hit = ['TZ', 3];
    } else if (c === '0') {
      if (rest.length >= 2 && rest[1] >= '1' && rest[1] <= '6') hit = [ZERO_STD[rest.charCodeAt(1) - 49], 2];
      else if (rest.startsWith('002')) hit = ['ZeroYearDay', 3];
    } else if (c === '1') {
      hit = rest.startsWith('15') ? ['Hour', 2] : ['NumMonth', 1];
    } else if (c === '2') {
      hit = rest.startsWith('2006') ? ['LongYear', 4] : ['Day', 1];
    } else if (c === '_') {
      if (rest.startsWith('_2')) {
        // _2006 is a literal underscore and a year.
        if (rest.startsWith('_2006')) {
          literal += '_';
          i += 1;
          continue;
        }
        hit = ['UnderDay', 2];
      } else if (rest.startsWith('__2')) {
        hit = ['UnderYearDay', 3];
      }
    } else if (c === '3' || c === '4' || c === '5') {
      hit = [({ 3: 'Hour12', 4: 'Minute', 5: 'Second' } as const)[c], 1];
    } else if (c === 'P' && rest.startsWith('PM')) {
      hit = ['PM', 2];
    } else if (c === 'p' && rest.startsWith('pm')) {
      hit = ['pm', 2];
    } else if (c === '-') {
      for (const [t, s] of [['-070000', 'NumSecondsTz'], ['-07:00:00', 'NumColonSecondsTZ'], ['-0700', 'NumTZ'], ['-07:00', 'NumColonTZ'], ['-07', 'NumShortTZ']] as const) {
        if (rest.startsWith(t)) { hit = [s, t.length]; break; }
      }
    } else if (c === 'Z') {
      for (const [t, s] of [['Z070000', 'ISO8601SecondsTZ'], ['Z07:00:00', 'ISO8601ColonSecondsTZ'], ['Z0700', 'ISO8601TZ'], ['Z07:00', 'ISO8601ColonTZ'], ['Z07', 'ISO8601ShortTZ']] as const) {
        if (rest.startsWith(t)) { hit = [s, t.length]; break; }
      }
    } else if ((c === '.' || c === ',') && (rest[1] === '0' || rest[1] === '9')) {
      let j = 1;
      while (j < rest.length && rest[j] === rest[1]) j++;
      if (!(j < rest.length && rest[j] >= '0' && rest[j] <= '9')) hit = [rest[1] === '0' ? 'Frac0' : 'Frac9', j, j - 1];
    }
    if (hit) {
      push(hit[0], rest.slice(0, hit[1]), hit[2]);
      i += hit[1];
    } else {
      literal += c;
      i++;
    }
  }
  if (literal) out.push({ literal, text: '' });
  return out;
}

const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatOffset(offset: number, std: Std): string {
  if (std.startsWith('ISO8601') && offset === 0) return 'Z';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = pad(Math.floor(abs / 3600), 2);
  const m = pad(Math.floor(abs / 60) % 60, 2);
  const s = pad(abs % 60, 2);
  switch (std) {
    case 'ISO8601ShortTZ': case 'NumShortTZ': return sign + h;
    case 'ISO8601TZ': case 'NumTZ': return sign + h + m;
    case 'ISO8601ColonTZ': case 'NumColonTZ': return `${sign}${h}:${m}`;
    case 'ISO8601SecondsTZ': case 'NumSecondsTz': return sign + h + m + s;
    default: return `${sign}${h}:${m}:${s}`;
  }
}

/** time.Time.Format. */
export function goFormat(t: Civil, layout: string): string {
  let out = '';
  for (const ch of chunks(layout)) {
    out += ch.literal;
    if (!ch.std) continue;
    const h12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
    switch (ch.std) {
      case 'LongMonth': out += LONG_MONTHS[t.month - 1]; break;
      case 'Month': out += LONG_MONTHS[t.month - 1].slice(0, 3); break;
      case 'NumMonth': out += t.month; break;
      case 'ZeroMonth': out += pad(t.month, 2); break;
      case 'LongWeekDay': out += LONG_DAYS[t.weekday]; break;
      case 'WeekDay': out += LONG_DAYS[t.weekday].slice(0, 3); break;
      case 'Day': out += t.day; break;
      case 'UnderDay': out += t.day < 10 ? ` ${t.day}` : t.day; break;
      case 'ZeroDay': out += pad(t.day, 2); break;
      case 'UnderYearDay': out += String(t.yday).padStart(3, ' '); break;
      case 'ZeroYearDay': out += pad(t.yday, 3); break;
      case 'Hour': out += pad(t.hour, 2); break;
      case 'Hour12': out += h12; break;
      case 'ZeroHour12': out += pad(h12, 2); break;
      case 'Minute': out += t.minute; break;
      case 'ZeroMinute': out += pad(t.minute, 2); break;
      case 'Second': out += t.second; break;
      case 'ZeroSecond': out += pad(t.second, 2); break;
      case 'LongYear': out += t.year < 0 ? `-${pad(-t.year, 4)}` : pad(t.year, 4); break;
      case 'Year': out += pad(((t.year % 100) + 100) % 100, 2); break;
      case 'PM': out += t.hour >= 12 ? 'PM' : 'AM'; break;
      case 'pm': out += t.hour >= 12 ? 'pm' : 'am'; break;
      case 'TZ': out += t.abbrev !== '' ? t.abbrev : formatOffset(t.offset, 'NumTZ'); break;
      case 'Frac0': out += ch.text[0] + pad(t.nanos, 9).slice(0, ch.digits); break;
      case 'Frac9': {
        const digits = pad(t.nanos, 9).slice(0, ch.digits).replace(/0+$/, '');
        if (digits) out += ch.text[0] + digits;
        break;
      }
      default: out += formatOffset(t.offset, ch.std);
    }
  }
  return out;
}

export class LayoutError extends Error {}

export interface Parsed {
  year: number; month: number; day: number; hour: number; minute: number; second: number; nanos: number;
  /** Seconds east of UTC; undefined when the value named no offset (UTC then). */
  offset?: number;
}

/** time.Parse: the value's fields, checked as Go checks them. */
export function goParse(layout: string, value: string): Parsed {
  const original = value;
  const err = (chunkText: string, rest: string, extra = ''): never => {
    throw new LayoutError(`parsing time ${JSON.stringify(original)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(chunkText)}${extra}`);
  };
  const p: Parsed = { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0 };
  let pm: boolean | undefined;
  let yday = -1;
  const list = chunks(layout);
  const num = (fixed: boolean, std: Chunk): number => {
    const m = /^\d{1,2}/.exec(value);
    if (!m || (fixed && m[0].length !== 2)) return err(std.text, value);
    value = value.slice(m[0].length);
    return Number(m[0]);
  };
  for (let k = 0; k < list.length; k++) {
    const ch = list[k];
    if (!value.startsWith(ch.literal)) err(ch.literal, value);
    value = value.slice(ch.literal.length);
    if (!ch.std) continue;
    const hold = value;
    switch (ch.std) {
      case 'Year': {
        if (!/^\d\d/.test(value)) err(ch.text, hold);
        const y = Number(value.slice(0, 2));
        p.year = y >= 69 ? 1900 + y : 2000 + y;
        value = value.slice(2);
        break;
      }
      case 'LongYear':
        if (!/^\d{4}/.test(value)) err(ch.text, hold);
        p.year = Number(value.slice(0, 4));
        value = value.slice(4);
        break;
      case 'Month': case 'LongMonth': {
        const names = ch.std === 'Month' ? LONG_MONTHS.map((n) => n.slice(0, 3)) : LONG_MONTHS;
        const i = names.findIndex((n) => value.slice(0, n.length).toLowerCase() === n.toLowerCase());
        if (i < 0) err(ch.text, hold);
        p.month = i + 1;
        value = value.slice(names[i].length);
        break;
      }
      case 'NumMonth': case 'ZeroMonth':
        p.month = num(ch.std === 'ZeroMonth', ch);
        if (p.month < 1 || p.month > 12) err(ch.text, hold, ': month out of range');
        break;
      case 'WeekDay': case 'LongWeekDay': {
        const names = ch.std === 'WeekDay' ? LONG_DAYS.map((n) => n.slice(0, 3)) : LONG_DAYS;
        const i = names.findIndex((n) => value.slice(0, n.length).toLowerCase() === n.toLowerCase());
        if (i < 0) err(ch.text, hold);
        value = value.slice(names[i].length);
        break;
      }
      case 'Day': case 'UnderDay': case 'ZeroDay':
        if (ch.std === 'UnderDay' && value[0] === ' ') value = value.slice(1);
        p.day = num(ch.std === 'ZeroDay', ch);
        break;
      case 'UnderYearDay': case 'ZeroYearDay': {
        if (ch.std === 'UnderYearDay') value = value.replace(/^ {1,2}/, '');
        const m = ch.std === 'ZeroYearDay' ? /^\d{3}/.exec(value) : /^\d{1,3}/.exec(value);
        if (!m) err(ch.text, hold);
        yday = Number(m![0]);
        value = value.slice(m![0].length);
        break;
      }
      case 'Hour':
        p.hour = num(false, ch);
        if (p.hour > 23) err(ch.text, hold, ': hour out of range');
        break;
      case 'Hour12': case 'ZeroHour12':
        p.hour = num(ch.std === 'ZeroHour12', ch);
        if (p.hour > 12) err(ch.text, hold, ': hour out of range');
        break;
      case 'Minute': case 'ZeroMinute':
        p.minute = num(ch.std === 'ZeroMinute', ch);
        if (p.minute > 59) err(ch.text, hold, ': minute out of range');
        break;
      case 'Second': case 'ZeroSecond': {
        p.second = num(ch.std === 'ZeroSecond', ch);
        if (p.second > 59) err(ch.text, hold, ': second out of range');
        // Go takes a fraction after the seconds even when the layout has none.
        const next = list[k + 1];
        const m = /^[.,](\d+)/.exec(value);
        if (m && !(next && next.literal === '' && (next.std === 'Frac0' || next.std === 'Frac9'))) {
          p.nanos = fraction(m[1]);
          value = value.slice(m[0].length);
        }
        break;
      }
      case 'PM': case 'pm': {
        const s = value.slice(0, 2).toUpperCase();
        if (s !== 'AM' && s !== 'PM') err(ch.text, hold);
        pm = s === 'PM';
        value = value.slice(2);
        break;
      }
      case 'Frac0': {
        const m = new RegExp(`^[.,](\\d{${ch.digits}})`).exec(value);
        if (!m) err(ch.text, hold);
        p.nanos = fraction(m![1]);
        value = value.slice(m![0].length);
        break;
      }
      case 'Frac9': {
        const m = /^[.,](\d+)/.exec(value);
        if (m) {
          p.nanos = fraction(m[1]);
          value = value.slice(m[0].length);
        }
        break;
      }
      case 'TZ': {
        if (value.startsWith('UTC')) {
          p.offset = 0;
          value = value.slice(3);
          break;
        }
        const m = /^(?:GMT[+-]\d{1,2}|[A-Z]{3,5})/.exec(value);
        if (!m) err(ch.text, hold);
        const gmt = /^GMT([+-]\d{1,2})$/.exec(m![0]);
        // An abbreviation names no offset Go can know without the zone; it takes UTC.
        p.offset = gmt ? Number(gmt[1]) * 3600 : 0;
        value = value.slice(m![0].length);
        break;
      }
      default: {
        if (ch.std.startsWith('ISO8601') && value[0] === 'Z') {
          p.offset = 0;
          value = value.slice(1);
          break;
        }
        const shapes: Record<string, RegExp> = {
          ISO8601ShortTZ: /^([+-])(\d\d)/, NumShortTZ: /^([+-])(\d\d)/,
          ISO8601TZ: /^([+-])(\d\d)(\d\d)/, NumTZ: /^([+-])(\d\d)(\d\d)/,
          ISO8601ColonTZ: /^([+-])(\d\d):(\d\d)/, NumColonTZ: /^([+-])(\d\d):(\d\d)/,
          ISO8601SecondsTZ: /^([+-])(\d\d)(\d\d)(\d\d)/, NumSecondsTz: /^([+-])(\d\d)(\d\d)(\d\d)/,
          ISO8601ColonSecondsTZ: /^([+-])(\d\d):(\d\d):(\d\d)/, NumColonSecondsTZ: /^([+-])(\d\d):(\d\d):(\d\d)/,
        };
        const m = shapes[ch.std].exec(value);
        if (!m) err(ch.text, hold);
        const secs = Number(m![2]) * 3600 + Number(m![3] ?? 0) * 60 + Number(m![4] ?? 0);
        p.offset = m![1] === '-' ? -secs : secs;
        value = value.slice(m![0].length);
      }
    }
  }
  if (value !== '') throw new LayoutError(`parsing time ${JSON.stringify(original)}: extra text: ${JSON.stringify(value)}`);
  if (pm === true && p.hour < 12) p.hour += 12;
  else if (pm === false && p.hour === 12) p.hour = 0;
  if (yday >= 0) {
    const d = new Date(utcMs(p.year, 1, yday, 0, 0, 0));
    p.month = d.getUTCMonth() + 1;
    p.day = d.getUTCDate();
  }
  if (p.day < 1 || p.day > daysIn(p.year, p.month)) throw new LayoutError(`parsing time ${JSON.stringify(original)}: day out of range`);
  return p;
}

function fraction(digits: string): number {
  return Number(digits.slice(0, 9).padEnd(9, '0'));
}

export function daysIn(year: number, month: number): number {
  return new Date(utcMs(year, month + 1, 0, 0, 0, 0)).getUTCDate();
}

/** Date.UTC, normalising out-of-range fields as Go's time.Date does, without Date.UTC's 1900 offset for years 0-99. */
export function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}
