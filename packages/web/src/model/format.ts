/** Display formatting; inputs carry their units in their names. */

/** Milliseconds from a decimal nanosecond string (null stays null). */
export function nsToMs(durationNs: string | null): number | null {
  return durationNs === null ? null : Number(durationNs) / 1e6;
}

/** A duration in milliseconds for a table cell: `0.42`, `12.3`, `1,234`; `–` when absent. */
export function formatMs(durationMs: number | null): string {
  if (durationMs === null || !Number.isFinite(durationMs)) return '–';
  if (durationMs < 1) return durationMs.toFixed(2);
  if (durationMs < 100) return durationMs.toFixed(1);
  return Math.round(durationMs).toLocaleString('en-US');
}

/** A duration with a unit chosen by size: `850µs`, `12.3ms`, `1.52s`. */
export function formatDurationNs(durationNs: string | number): string {
  const ns = Number(durationNs);
  if (ns < 1_000) return `${ns}ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 1 : 0)}µs`;
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(ns < 10_000_000 ? 2 : 1)}ms`;
  return `${(ns / 1_000_000_000).toFixed(2)}s`;
}

/** Units of formatCompactDuration, largest first: [nanoseconds per unit, symbol]. */
const COMPACT_DURATION_UNITS: ReadonlyArray<readonly [number, string]> = [
  [3_600e9, 'h'],
  [60e9, 'min'],
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
];

/**
 * A duration in nanoseconds for axis ticks and bucket labels, three significant digits at
 * most: `0`, `500ns`, `1.25µs`, `16ms`, `1.5min`, `2h`. The unit is the largest that shows the
 * value exactly in under 1000 of it (so a round tick stays round: `100s`, not `1.67min`),
 * else the largest the value reaches, rounded (`16.7min`).
 */
export function formatCompactDuration(durationNs: number): string {
  if (durationNs === 0) return '0';
  const reached = COMPACT_DURATION_UNITS.filter(([unitNs]) => durationNs >= unitNs);
  const isExact = ([unitNs]: readonly [number, string]) => {
    const value = durationNs / unitNs;
    return value < 1000 && Number(value.toPrecision(3)) === value;
  };
  const [unitNs, unit] = reached.find(isExact) ?? reached[0] ?? COMPACT_DURATION_UNITS[COMPACT_DURATION_UNITS.length - 1];
  return `${Number((durationNs / unitNs).toPrecision(3))}${unit}`;
}

/** A rate: `0.25`, `12.4`, `1,240`. */
export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0';
  if (perSecond < 1) return perSecond.toFixed(3);
  if (perSecond < 100) return perSecond.toFixed(1);
  return Math.round(perSecond).toLocaleString('en-US');
}

/** A fraction 0-1 as a percentage: `0%`, `0.4%`, `33.3%`. */
export function formatPercent(fraction: number): string {
  if (fraction === 0) return '0%';
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 2 : 1)}%`;
}

/** A Unix-nanosecond time as local date and time with milliseconds. */
export function formatTimeUnixNano(timeUnixNano: string): string {
  const date = new Date(Number(BigInt(timeUnixNano) / 1_000_000n));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
