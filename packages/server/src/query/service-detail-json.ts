import type { ErrorGroups, LatencyHistogram, OperationsSummary, TimeRange } from '../storage/index.js';
import { nanosToJson, rangeToJson, spanKindToJson, toErrorRate, toRatePerSecond, type RangeJson } from './json-figures.js';

/**
 * The native API's answers for a service's page (docs/api.md): times and durations as decimal
 * nanosecond strings, span kinds by name.
 */

/** One bucket of an operation's spans (see OperationSummaryBucket). */
export interface OperationSummaryBucketJson {
  startUnixNano: string;
  spans: number;
  errors: number;
  p95DurationNs: string | null;
}

/** One operation's spans over the range (see OperationSummary); `spanKind` by name. */
export interface OperationSummaryJson {
  name: string;
  spanKind: string;
  spans: number;
  errors: number;
  spansPerSecond: number;
  errorRate: number;
  p50DurationNs: string;
  p95DurationNs: string;
  p99DurationNs: string;
  buckets: OperationSummaryBucketJson[];
}

/** GET /pharos/v1/services/:service/operations/summary's answer. */
export interface OperationsSummaryJson extends RangeJson {
  bucketNs: string;
  operationCount: number;
  operations: OperationSummaryJson[];
}

/** One bucket of a latency histogram, with its bounds. */
export interface LatencyBucketJson {
  /** Exclusive, except for the first bucket, which starts at 0 inclusive. */
  lowerBoundNs: string;
  /** Inclusive; null for the last bucket, which has no upper bound. */
  upperBoundNs: string | null;
  spans: number;
  errors: number;
}

/** GET /pharos/v1/services/:service/latency's answer (see LatencyHistogram); `errors` counts error spans. */
export interface LatencyHistogramJson extends RangeJson {
  spans: number;
  errors: number;
  minDurationNs: string | null;
  maxDurationNs: string | null;
  p50DurationNs: string | null;
  p95DurationNs: string | null;
  p99DurationNs: string | null;
  buckets: LatencyBucketJson[];
}

/** One error group (see ErrorGroup). */
export interface ErrorGroupJson {
  exceptionType: string;
  message: string;
  spans: number;
  operations: Array<{ name: string; spans: number }>;
  operationCount: number;
  firstSeenUnixNano: string;
  lastSeenUnixNano: string;
  exampleTraceId: string;
  exampleSpanId: string;
}

/** GET /pharos/v1/services/:service/errors' answer (see ErrorGroups). */
export interface ErrorGroupsJson extends RangeJson {
  errorSpans: number;
  groupCount: number;
  groups: ErrorGroupJson[];
}

/**
 * The native API's operations summary: `spansPerSecond` = spans over the range's length in
 * seconds (0 for an empty range), `errorRate` = errors / spans.
 */
export function operationsSummaryToJson(range: TimeRange, summary: OperationsSummary): OperationsSummaryJson {
  return {
    ...rangeToJson(range),
    bucketNs: summary.bucketNs.toString(),
    operationCount: summary.operationCount,
    operations: summary.operations.map((o) => ({
      name: o.name,
      spanKind: spanKindToJson(o.spanKind),
      spans: o.spans,
      errors: o.errors,
      spansPerSecond: toRatePerSecond(o.spans, range),
      errorRate: toErrorRate(o.errors, o.spans),
      p50DurationNs: o.p50DurationNs.toString(),
      p95DurationNs: o.p95DurationNs.toString(),
      p99DurationNs: o.p99DurationNs.toString(),
      buckets: o.buckets.map((b) => ({ startUnixNano: b.startUnixNano.toString(), spans: b.spans, errors: b.errors, p95DurationNs: nanosToJson(b.p95DurationNs) })),
    })),
  };
}

/** The native API's latency histogram: every fixed bucket with its bounds, in order. */
export function latencyHistogramToJson(range: TimeRange, histogram: LatencyHistogram): LatencyHistogramJson {
  const bounds = histogram.boundsNs;
  return {
    ...rangeToJson(range),
    spans: histogram.spans,
    errors: histogram.errorSpans,
    minDurationNs: nanosToJson(histogram.minDurationNs),
    maxDurationNs: nanosToJson(histogram.maxDurationNs),
    p50DurationNs: nanosToJson(histogram.p50DurationNs),
    p95DurationNs: nanosToJson(histogram.p95DurationNs),
    p99DurationNs: nanosToJson(histogram.p99DurationNs),
    buckets: histogram.counts.map((spans, i) => ({
      lowerBoundNs: i === 0 ? '0' : bounds[i - 1].toString(),
      upperBoundNs: i < bounds.length ? bounds[i].toString() : null,
      spans,
      errors: histogram.errors[i] ?? 0,
    })),
  };
}

/** The native API's error groups. */
export function errorGroupsToJson(range: TimeRange, errors: ErrorGroups): ErrorGroupsJson {
  return {
    ...rangeToJson(range),
    errorSpans: errors.errorSpans,
    groupCount: errors.groupCount,
    groups: errors.groups.map((g) => ({
      exceptionType: g.exceptionType,
      message: g.message,
      spans: g.spans,
      operations: g.operations,
      operationCount: g.operationCount,
      firstSeenUnixNano: g.firstSeenUnixNano.toString(),
      lastSeenUnixNano: g.lastSeenUnixNano.toString(),
      exampleTraceId: g.exampleTraceId,
      exampleSpanId: g.exampleSpanId,
    })),
  };
}
