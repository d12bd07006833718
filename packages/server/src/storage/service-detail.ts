import type { SpanKind } from '@pharos/core';
import type { LatencyHistogram, OperationSummary, OperationsSummary, OperationsSummaryQuery } from './interface.js';
import { compareText } from './compare-text.js';
import { summaryBucketNs } from './services-summary.js';

/**
 * Backend-neutral parts of a service's detail queries (operations summary, latency
 * histogram, error groups): fixed bucket boundaries and the assembly of the rows a backend
 * computes, so that every backend answers alike.
 */

/** The R10 preferred numbers (ISO 3): ten steps per decade, each about 1.26 times the last, with short labels. */
const R10_STEPS = [1, 1.25, 1.6, 2, 2.5, 3.15, 4, 5, 6.3, 8];

/**
 * The latency histogram's bucket bounds in ns: 1 µs, 1.25 µs, 1.6 µs, 2 µs … 80 s, 100 s
 * (the R10 series, ten per decade, 81 bounds). Fixed, so that histograms of any range,
 * service or backend line up; fine enough (±13 %) to show the shape of one service's
 * latency, which usually spans one to three decades. Bounds are inclusive upper bounds,
 * as in OTLP explicit-bucket histograms and Prometheus `le`.
 */
export const LATENCY_BUCKET_BOUNDS_NS: readonly bigint[] = (() => {
  const bounds: bigint[] = [];
  for (let decadeNs = 1_000n; decadeNs < 100_000_000_000n; decadeNs *= 10n) {
    for (const step of R10_STEPS) bounds.push((decadeNs * BigInt(Math.round(step * 100))) / 100n);
  }
  bounds.push(100_000_000_000n);
  return bounds;
})();

/** The most operations an operations summary may return. */
export const MAX_OPERATIONS_LIMIT = 1000;

/** The most operations listed per error group. */
export const MAX_ERROR_GROUP_OPERATIONS = 10;

/** One aggregate row a backend computes for an operations summary: an operation's total (`bucket` undefined) or one bucket of it. */
export interface OperationSummaryRow {
  name: string;
  spanKind: SpanKind;
  bucket: number | undefined;
  spans: number;
  errors: number;
  p50DurationNs: bigint | null;
  p95DurationNs: bigint | null;
  p99DurationNs: bigint | null;
}

/**
 * Builds the OperationsSummary from a backend's rows: the `limit` operations with the most
 * spans (ties by name, then kind, in JavaScript string order), sorted by name and kind, each
 * with exactly `bucketCount` buckets (see summaryBucketNs), empty ones zero with a null p95.
 */
export function assembleOperationsSummary(query: OperationsSummaryQuery, rows: OperationSummaryRow[]): OperationsSummary {
  const bucketNs = summaryBucketNs(query);
  const keyOf = (row: { name: string; spanKind: number }) => `${row.spanKind}\u0000${row.name}`;
  const byKey = new Map<string, OperationSummary>();
  for (const row of rows) {
    if (row.bucket !== undefined) continue;
    byKey.set(keyOf(row), {
      name: row.name,
      spanKind: row.spanKind,
      spans: row.spans,
      errors: row.errors,
      p50DurationNs: row.p50DurationNs ?? 0n,
      p95DurationNs: row.p95DurationNs ?? 0n,
      p99DurationNs: row.p99DurationNs ?? 0n,
      buckets: Array.from({ length: query.bucketCount }, (_, i) => ({
        startUnixNano: query.range.startUnixNano + BigInt(i) * bucketNs,
        spans: 0,
        errors: 0,
        p95DurationNs: null,
      })),
    });
  }
  for (const row of rows) {
    if (row.bucket === undefined) continue;
    const bucket = byKey.get(keyOf(row))?.buckets[row.bucket];
    if (bucket === undefined) continue; // cannot happen for a start inside the range
    bucket.spans = row.spans;
    bucket.errors = row.errors;
    bucket.p95DurationNs = row.p95DurationNs;
  }
  const byNameAndKind = (a: OperationSummary, b: OperationSummary) => compareText(a.name, b.name) || a.spanKind - b.spanKind;
  const all = [...byKey.values()];
  const kept = all.length <= query.limit ? all : [...all].sort((a, b) => b.spans - a.spans || byNameAndKind(a, b)).slice(0, query.limit);
  return { bucketNs, operationCount: all.length, operations: kept.sort(byNameAndKind) };
}

/** What a backend computes for a latency histogram: counts per bucket index (0..bounds), totals and percentiles. */
export interface LatencyHistogramRow extends Omit<LatencyHistogram, 'boundsNs' | 'counts' | 'errors'> {
  /** Spans per bucket index; missing indexes count 0. */
  counts: Map<number, number>;
  /** Error spans per bucket index; missing indexes count 0. */
  errors: Map<number, number>;
}

/** Builds the LatencyHistogram (every bucket present, in bound order) from a backend's row. */
export function assembleLatencyHistogram(row: LatencyHistogramRow): LatencyHistogram {
  const length = LATENCY_BUCKET_BOUNDS_NS.length + 1;
  return {
    ...row,
    boundsNs: LATENCY_BUCKET_BOUNDS_NS,
    counts: Array.from({ length }, (_, i) => row.counts.get(i) ?? 0),
    errors: Array.from({ length }, (_, i) => row.errors.get(i) ?? 0),
  };
}

/** The index of the latency bucket holding `durationNs` (negative durations count as 0). */
export function latencyBucketIndexOf(durationNs: bigint): number {
  let low = 0;
  let high = LATENCY_BUCKET_BOUNDS_NS.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (durationNs <= LATENCY_BUCKET_BOUNDS_NS[mid]) high = mid;
    else low = mid + 1;
  }
  return low;
}
