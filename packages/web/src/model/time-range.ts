/**
 * The time range every page shows, kept in the URL: `range=1h` for one of the relative
 * presets (ending at the server's now), or `from=<Unix ms>&to=<Unix ms>` for an absolute
 * window (chosen in the picker or by dragging across a chart). A URL with both uses `from`/`to`.
 */
export const TIME_RANGES = [
  { id: '5m', label: 'Last 5 minutes', seconds: 5 * 60 },
  { id: '15m', label: 'Last 15 minutes', seconds: 15 * 60 },
  { id: '1h', label: 'Last hour', seconds: 60 * 60 },
  { id: '6h', label: 'Last 6 hours', seconds: 6 * 60 * 60 },
  { id: '24h', label: 'Last 24 hours', seconds: 24 * 60 * 60 },
  { id: '7d', label: 'Last 7 days', seconds: 7 * 24 * 60 * 60 },
] as const;

export type TimeRangeId = (typeof TIME_RANGES)[number]['id'];

export const DEFAULT_TIME_RANGE: TimeRangeId = '1h';

/** A relative preset, or an absolute window [fromMs, toMs) in Unix milliseconds. */
export type TimeRange = { kind: 'relative'; id: TimeRangeId } | { kind: 'absolute'; fromMs: number; toMs: number };

/** The shortest absolute window the UI asks for (a drag narrower than this is a click). */
export const MIN_ABSOLUTE_RANGE_MS = 1000;

const relative = (id: TimeRangeId): TimeRange => ({ kind: 'relative', id });

/** The preset named by a `range=` value, or undefined. */
export function parseTimeRangeId(value: string | null): TimeRangeId | undefined {
  return TIME_RANGES.find((r) => r.id === value)?.id;
}

/** The range a URL query names; the default for anything missing or invalid. */
export function parseTimeRange(search: URLSearchParams): TimeRange {
  const fromMs = parseMs(search.get('from'));
  const toMs = parseMs(search.get('to'));
  if (fromMs !== undefined && toMs !== undefined && toMs - fromMs >= MIN_ABSOLUTE_RANGE_MS) return { kind: 'absolute', fromMs, toMs };
  return relative(parseTimeRangeId(search.get('range')) ?? DEFAULT_TIME_RANGE);
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
  return range.kind === 'relative' ? TIME_RANGES.find((r) => r.id === range.id)!.seconds * 1000 : range.toMs - range.fromMs;
}

/** `range` as absolute Unix ms, a relative one ending at `nowMs`. */
export function resolveRange(range: TimeRange, nowMs: number = Date.now()): { fromMs: number; toMs: number } {
  return range.kind === 'absolute' ? { fromMs: range.fromMs, toMs: range.toMs } : { fromMs: nowMs - rangeDurationMs(range), toMs: nowMs };
}

/** A short label for the picker: the preset's name, or the window's two ends in local time. */
export function describeTimeRange(range: TimeRange): string {
  if (range.kind === 'relative') return TIME_RANGES.find((r) => r.id === range.id)!.label;
  const format = (ms: number) => new Date(ms).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' });
  return `${format(range.fromMs)} to ${format(range.toMs)}`;
}

/** An absolute range from two Unix ms in either order, or undefined when narrower than MIN_ABSOLUTE_RANGE_MS. */
export function absoluteRange(aMs: number, bMs: number): TimeRange | undefined {
  const fromMs = Math.floor(Math.min(aMs, bMs));
  const toMs = Math.ceil(Math.max(aMs, bMs));
  return toMs - fromMs >= MIN_ABSOLUTE_RANGE_MS ? { kind: 'absolute', fromMs, toMs } : undefined;
}
