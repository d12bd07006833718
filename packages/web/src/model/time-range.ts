/** The time ranges the header offers; the choice lives in the URL as `range=`. */
export const TIME_RANGES = [
  { id: '15m', label: 'Last 15 minutes', seconds: 15 * 60 },
  { id: '1h', label: 'Last hour', seconds: 60 * 60 },
  { id: '6h', label: 'Last 6 hours', seconds: 6 * 60 * 60 },
  { id: '24h', label: 'Last 24 hours', seconds: 24 * 60 * 60 },
] as const;

export type TimeRangeId = (typeof TIME_RANGES)[number]['id'];

export const DEFAULT_TIME_RANGE: TimeRangeId = '1h';

/** The range named by a `range=` query value; the default for anything else. */
export function parseTimeRange(value: string | null): TimeRangeId {
  return TIME_RANGES.find((r) => r.id === value)?.id ?? DEFAULT_TIME_RANGE;
}

/** The native API's `start`/`end` for a range: relative to the server's now. */
export function rangeParams(range: TimeRangeId): { start: string; end: string } {
  return { start: `now-${range}`, end: 'now' };
}
