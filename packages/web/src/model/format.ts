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
