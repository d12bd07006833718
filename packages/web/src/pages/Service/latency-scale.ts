import type { LatencyBucket } from '../../api';
import { formatCompactDuration } from '../../model/format';
import { buildLogTicks } from '../../model/log-scale';

/**
 * Geometry of the latency histogram (pure, unit-tested). The server's buckets are fixed and
 * log-spaced (docs/api.md, `/services/{service}/latency`), so drawing every bucket with the
 * same width gives a logarithmic duration axis without any further scaling.
 */

/** The fewest buckets the chart shows, so that one busy bucket does not fill the whole width. */
export const MIN_VISIBLE_BUCKETS = 16;
/** Empty buckets kept on each side of the data, so the tails are visibly empty. */
const PADDING_BUCKETS = 2;

/** The bucket indexes [first, last] the chart shows: the non-empty ones, padded and widened to MIN_VISIBLE_BUCKETS. */
export function selectVisibleBuckets(buckets: readonly LatencyBucket[]): { first: number; last: number } {
  const lastIndex = buckets.length - 1;
  let first = buckets.findIndex((b) => b.spans > 0);
  if (first < 0) return { first: 0, last: Math.min(lastIndex, MIN_VISIBLE_BUCKETS - 1) };
  let last = buckets.length - 1 - [...buckets].reverse().findIndex((b) => b.spans > 0);
  first = Math.max(0, first - PADDING_BUCKETS);
  last = Math.min(lastIndex, last + PADDING_BUCKETS);
  while (last - first + 1 < Math.min(MIN_VISIBLE_BUCKETS, buckets.length)) {
    // Widen on both sides alike, then on whichever side still has room.
    if (first > 0) first--;
    if (last - first + 1 < MIN_VISIBLE_BUCKETS && last < lastIndex) last++;
  }
  return { first, last };
}

/**
 * Where a duration lies on the bucket axis, in buckets: `i + f` for a duration in bucket i,
 * `f` its logarithmic position between the bucket's bounds (linear in the first bucket,
 * which starts at 0; the middle of the unbounded last one).
 */
export function locateDuration(buckets: readonly LatencyBucket[], durationNs: number): number {
  const index = buckets.findIndex((b) => b.upperBoundNs === null || durationNs <= Number(b.upperBoundNs));
  if (index < 0) return buckets.length;
  const bucket = buckets[index];
  if (bucket.upperBoundNs === null) return index + 0.5;
  const lower = Number(bucket.lowerBoundNs);
  const upper = Number(bucket.upperBoundNs);
  if (lower <= 0) return index + Math.max(0, durationNs) / upper;
  return index + Math.max(0, Math.log(Math.max(durationNs, lower) / lower) / Math.log(upper / lower));
}

/**
 * Axis ticks: the bucket bounds that are powers of ten (1 µs, 10 µs … 100 s), and the 2 and 5
 * steps too when fewer than three decades are visible (the R10 bounds hold 1, 2 and 5 but
 * not 3). `position` is in buckets from the first visible bucket's left edge (a bucket's
 * upper bound is its right edge).
 */
export function buildDurationTicks(buckets: readonly LatencyBucket[], first: number, last: number): Array<{ position: number; durationNs: number }> {
  const positionByNs = new Map<number, number>();
  for (let i = first; i <= last; i++) {
    const upper = buckets[i].upperBoundNs;
    if (upper !== null) positionByNs.set(Number(upper), i - first + 1);
  }
  if (positionByNs.size === 0) return [];
  const lowestNs = Math.min(...positionByNs.keys());
  const highestNs = Math.max(...positionByNs.keys());
  const onBounds = (mantissas: number[]) =>
    buildLogTicks(lowestNs, highestNs, mantissas).flatMap((durationNs) => {
      const position = positionByNs.get(durationNs);
      return position === undefined ? [] : [{ position, durationNs }];
    });
  const decades = onBounds([1]);
  return decades.length >= 3 ? decades : onBounds([1, 2, 5]);
}

/**
 * A duration in nanoseconds as the trace search's duration parameter, exactly and short:
 * `1.25ms`, `100s`, `800us`, `0` (parse-params' units).
 */
export function formatDurationParam(durationNs: string): string {
  const ns = BigInt(durationNs);
  if (ns === 0n) return '0';
  const units: Array<[bigint, string, number]> = [
    [1_000_000_000n, 's', 9],
    [1_000_000n, 'ms', 6],
    [1_000n, 'us', 3],
  ];
  const [unitNs, unit, digits] = units.find(([u]) => ns >= u) ?? [1n, 'ns', 0];
  const whole = ns / unitNs;
  const fraction = (ns % unitNs).toString().padStart(digits, '0').replace(/0+$/, '');
  return `${whole}${fraction === '' ? '' : `.${fraction}`}${unit}`;
}

/** A bucket's duration range for people: `1.25ms – 1.6ms`, `≤ 1µs` for the first, `> 100s` for the last. */
export function describeBucket(bucket: LatencyBucket): string {
  const format = (ns: string) => formatCompactDuration(Number(ns));
  if (bucket.upperBoundNs === null) return `> ${format(bucket.lowerBoundNs)}`;
  if (bucket.lowerBoundNs === '0') return `≤ ${format(bucket.upperBoundNs)}`;
  return `${format(bucket.lowerBoundNs)} – ${format(bucket.upperBoundNs)}`;
}
