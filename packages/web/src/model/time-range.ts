/**
 * The time range every page shows, kept in the URL: `range=1h` for a relative range ending at
 * the server's now (any whole number of s, m, h, d or w: `range=90m`), or `from=<Unix ms>&to=<Unix ms>`
 * for an absolute window (chosen in the picker, by zooming, or by dragging across a chart).
 * A URL with both uses `from`/`to`.
 */
export const TIME_RANGES = [
  { id: '5m', label: 'Last 5 minutes', seconds: 5 * 60 },
  { id: '15m', label: 'Last 15 minutes', seconds: 15 * 60 },
  { id: '30m', label: 'Last 30 minutes', seconds: 30 * 60 },
  { id: '1h', label: 'Last hour', seconds: 60 * 60 },
  { id: '3h', label: 'Last 3 hours', seconds: 3 * 60 * 60 },
  { id: '6h', label: 'Last 6 hours', seconds: 6 * 60 * 60 },
  { id: '12h', label: 'Last 12 hours', seconds: 12 * 60 * 60 },
  { id: '24h', label: 'Last 24 hours', seconds: 24 * 60 * 60 },
  { id: '2d', label: 'Last 2 days', seconds: 2 * 24 * 60 * 60 },
  { id: '7d', label: 'Last 7 days', seconds: 7 * 24 * 60 * 60 },
  { id: '30d', label: 'Last 30 days', seconds: 30 * 24 * 60 * 60 },
] as const;

/** A unit of a relative range's duration: seconds, minutes, hours, days or weeks. */
export type RangeDurationUnit = 's' | 'm' | 'h' | 'd' | 'w';

/**
 * How long a relative range is, as the URL's `range=` holds it: a whole number and one unit
 * (`15m`, `90m`, `2d`). Values from outside (a URL, the picker) come through parseRangeDuration,
 * which also keeps them within [MIN_RELATIVE_RANGE_MS, MAX_RELATIVE_RANGE_MS].
 */
export type RangeDuration = `${number}${RangeDurationUnit}`;

/** The range a URL without one shows. */
export const DEFAULT_TIME_RANGE: RangeDuration = '1h';

/** A relative range (the last `id`, ending now), or an absolute window [fromMs, toMs) in Unix milliseconds. */
export type TimeRange = { kind: 'relative'; id: RangeDuration } | { kind: 'absolute'; fromMs: number; toMs: number };

/** The shortest absolute window the UI asks for (a drag narrower than this is a click). */
export const MIN_ABSOLUTE_RANGE_MS = 1000;

/** The shortest relative range accepted from a URL or the picker. */
export const MIN_RELATIVE_RANGE_MS = 10_000;
/** The longest relative range accepted from a URL or the picker. */
export const MAX_RELATIVE_RANGE_MS = 400 * 86_400_000;

const UNIT_MS: Record<RangeDurationUnit, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const UNIT_WORDS: Record<RangeDurationUnit, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week' };

const relative = (id: RangeDuration): TimeRange => ({ kind: 'relative', id });

/** A duration's number and unit: its last character is the unit (the type says so), the rest the number. */
function splitDuration(duration: RangeDuration): { count: number; unit: RangeDurationUnit } {
  return { count: Number(duration.slice(0, -1)), unit: duration.slice(-1) as RangeDurationUnit };
}

/**
 * The relative range duration a `range=` value (or the `X` of `now-X`) names, in canonical
 * form (`090m` becomes `90m`); undefined when it is not one whole number and one unit of
 * s, m, h, d, w, or lies outside [MIN_RELATIVE_RANGE_MS, MAX_RELATIVE_RANGE_MS].
 */
export function parseRangeDuration(value: string | null): RangeDuration | undefined {
  const m = value === null ? null : /^0*(\d{1,6})([smhdw])$/.exec(value.trim());
  if (m === null) return undefined;
  const count = Number(m[1]);
  const unit = m[2] as RangeDurationUnit;
  const ms = count * UNIT_MS[unit];
  return ms >= MIN_RELATIVE_RANGE_MS && ms <= MAX_RELATIVE_RANGE_MS ? `${count}${unit}` : undefined;
}

/** The range a URL query names; the default for anything missing or invalid. */
export function parseTimeRange(search: URLSearchParams): TimeRange {
  const fromMs = parseMs(search.get('from'));
  const toMs = parseMs(search.get('to'));
  if (fromMs !== undefined && toMs !== undefined && toMs - fromMs >= MIN_ABSOLUTE_RANGE_MS) return { kind: 'absolute', fromMs, toMs };
  return relative(parseRangeDuration(search.get('range')) ?? DEFAULT_TIME_RANGE);
}

function parseMs(value: string | null): number | undefined {
  if (value === null || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

/** The URL query parameters that name `range` (the others set to undefined, so they are removed). */
export function timeRangeQuery(range: TimeRange): { range?: string; from?: string; to?: string } {
  return range.kind === 'relative' ? { range: range.id, from: undefined, to: undefined } : { range: undefined, from: String(range.fromMs), to: String(range.toMs) };
}

/** `range` as a query string fragment (`range=1h` or `from=…&to=…`), for links. */
export function timeRangeSearch(range: TimeRange): string {
  return range.kind === 'relative' ? `range=${range.id}` : `from=${range.fromMs}&to=${range.toMs}`;
}

/** A stable text for `range`, for request keys. */
export function timeRangeKey(range: TimeRange): string {
  return range.kind === 'relative' ? range.id : `${range.fromMs}-${range.toMs}`;
}

/** The native API's `start`/`end`: `now-1h`/`now` (resolved by the server) or Unix ms. */
export function rangeParams(range: TimeRange): { start: string; end: string } {
  return range.kind === 'relative' ? { start: `now-${range.id}`, end: 'now' } : { start: String(range.fromMs), end: String(range.toMs) };
}

/** How long `range` is, in ms. */
export function rangeDurationMs(range: TimeRange): number {
  if (range.kind === 'absolute') return range.toMs - range.fromMs;
  const { count, unit } = splitDuration(range.id);
  return count * UNIT_MS[unit];
}

/** `range` as absolute Unix ms, a relative one ending at `nowMs`. */
export function resolveRange(range: TimeRange, nowMs: number = Date.now()): { fromMs: number; toMs: number } {
  return range.kind === 'absolute' ? { fromMs: range.fromMs, toMs: range.toMs } : { fromMs: nowMs - rangeDurationMs(range), toMs: nowMs };
}

/** `ms` as local `YYYY-MM-DD HH:mm:ss` (the form the picker shows and reads). */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * A short label for the picker: the relative range's name (`Last hour`, `Last 90 minutes`),
 * or the window's two ends in local time (`2026-11-25 10:00:00 to 10:30:00` within one day).
 */
export function describeTimeRange(range: TimeRange): string {
  if (range.kind === 'relative') {
    const preset = TIME_RANGES.find((r) => r.id === range.id);
    if (preset !== undefined) return preset.label;
    const parts = splitDuration(range.id);
    return `Last ${parts.count} ${UNIT_WORDS[parts.unit]}${parts.count === 1 ? '' : 's'}`;
  }
  const from = formatDateTime(range.fromMs);
  const to = formatDateTime(range.toMs);
  return from.slice(0, 10) === to.slice(0, 10) ? `${from} to ${to.slice(11)}` : `${from} to ${to}`;
}

/** An absolute range from two Unix ms in either order, or undefined when narrower than MIN_ABSOLUTE_RANGE_MS. */
export function absoluteRange(aMs: number, bMs: number): TimeRange | undefined {
  const fromMs = Math.floor(Math.min(aMs, bMs));
  const toMs = Math.ceil(Math.max(aMs, bMs));
  return toMs - fromMs >= MIN_ABSOLUTE_RANGE_MS ? { kind: 'absolute', fromMs, toMs } : undefined;
}

/**
 * Twice as wide, the way Grafana zooms out: a relative range doubles and stays relative
 * (`1h` becomes `2h`, up to MAX_RELATIVE_RANGE_MS); an absolute one keeps its centre, but
 * never ends after `nowMs` (it then ends at `nowMs`, still twice as wide).
 */
export function zoomOutRange(range: TimeRange, nowMs: number = Date.now()): TimeRange {
  if (range.kind === 'relative') {
    const parts = splitDuration(range.id);
    const doubled = parseRangeDuration(`${parts.count * 2}${parts.unit}`);
    return doubled === undefined ? range : relative(doubled);
  }
  const widthMs = range.toMs - range.fromMs;
  let toMs = range.toMs + widthMs / 2;
  if (toMs > nowMs) toMs = Math.max(nowMs, range.toMs);
  return absoluteRange(toMs - 2 * widthMs, toMs) ?? range;
}

/**
 * `range` moved by half its width: back (`-1`, always possible) or forward (`1`, never past
 * `nowMs`; undefined when the range already ends at or after `nowMs`, as a relative one does).
 * The result is absolute.
 */
export function shiftRange(range: TimeRange, direction: -1 | 1, nowMs: number = Date.now()): TimeRange | undefined {
  const { fromMs, toMs } = resolveRange(range, nowMs);
  const widthMs = toMs - fromMs;
  if (direction === 1) {
    if (range.kind === 'relative' || toMs >= nowMs) return undefined;
    const nextTo = Math.min(nowMs, toMs + widthMs / 2);
    return absoluteRange(nextTo - widthMs, nextTo);
  }
  return absoluteRange(fromMs - widthMs / 2, toMs - widthMs / 2);
}

/** One end of a range as typed in the picker: `now`, `now-<duration>`, or a local date and time. */
export type TimeExpression = { kind: 'now'; offsetMs: number; text: RangeDuration | '' } | { kind: 'instant'; ms: number };

/**
 * Reads `now`, `now-15m` (any duration parseRangeDuration accepts), a local date and time
 * `YYYY-MM-DD HH:mm[:ss]` (a `T` may replace the space; a date alone means midnight), or Unix
 * milliseconds. Undefined for anything else or a date that does not exist.
 */
export function parseTimeExpression(text: string): TimeExpression | undefined {
  const trimmed = text.trim();
  if (trimmed === 'now') return { kind: 'now', offsetMs: 0, text: '' };
  const rel = /^now\s*-\s*(\S+)$/.exec(trimmed);
  if (rel !== null) {
    const id = parseRangeDuration(rel[1]);
    return id === undefined ? undefined : { kind: 'now', offsetMs: rangeDurationMs(relative(id)), text: id };
  }
  if (/^\d{12,15}$/.test(trimmed)) return { kind: 'instant', ms: Number(trimmed) };
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(trimmed);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(year, month - 1, day, hour, minute, second);
  // Date rolls 2026-02-30 over to March: a changed day means the date does not exist.
  if (date.getDate() !== day || date.getMonth() !== month - 1) return undefined;
  return { kind: 'instant', ms: date.getTime() };
}

/**
 * The range the picker's From and To fields name, or the problem to show. `now-X` to `now`
 * is the relative range X (it follows the clock); any other pair is resolved at `nowMs` into
 * an absolute window, which must be at least MIN_ABSOLUTE_RANGE_MS long.
 */
export function rangeFromInputs(fromText: string, toText: string, nowMs: number = Date.now()): { range: TimeRange } | { problem: string } {
  const from = parseTimeExpression(fromText);
  if (from === undefined) return { problem: `“From” is not a time: use now-1h or ${formatDateTime(nowMs - 3_600_000)}.` };
  const to = parseTimeExpression(toText);
  if (to === undefined) return { problem: `“To” is not a time: use now or ${formatDateTime(nowMs)}.` };
  if (from.kind === 'now' && to.kind === 'now' && to.offsetMs === 0 && from.text !== '') return { range: relative(from.text) };
  const fromMs = from.kind === 'now' ? nowMs - from.offsetMs : from.ms;
  const toMs = to.kind === 'now' ? nowMs - to.offsetMs : to.ms;
  if (toMs <= fromMs) return { problem: '“To” must be after “From”.' };
  const range = absoluteRange(fromMs, toMs);
  return range === undefined ? { problem: '“To” must be at least a second after “From”.' } : { range };
}

/** The picker's From and To texts for `range`: `now-1h` and `now`, or two local date-times. */
export function rangeToInputs(range: TimeRange): { fromText: string; toText: string } {
  return range.kind === 'relative' ? { fromText: `now-${range.id}`, toText: 'now' } : { fromText: formatDateTime(range.fromMs), toText: formatDateTime(range.toMs) };
}
