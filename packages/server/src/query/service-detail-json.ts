import { SPAN_KIND_NAMES } from '@pharos/core';
import type { ErrorGroups, LatencyHistogram, OperationsSummary, TimeRange } from '../storage/index.js';

/**
 * The native API's answers for a service's page (docs/api.md): times and durations as decimal
 * nanosecond strings, span kinds by name.
 */

export interface OperationSummaryBucketJson {
  startUnixNano: string;
  spans: number;
  errors: number;
  p95DurationNs: string | null;
}

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

export interface OperationsSummaryJson {
  startUnixNano: string;
  endUnixNano: string;
  bucketNs: string;
  operationCount: number;
  operations: OperationSummaryJson[];
}

export interface LatencyBucketJson {
  /** Exclusive, except for the first bucket, which starts at 0 inclusive. */
  lowerBoundNs: string;
  /** Inclusive; null for the last bucket, which has no upper bound. */
  upperBoundNs: string | null;
  spans: number;
  errors: number;
}

export interface LatencyHistogramJson {
  startUnixNano: string;
  endUnixNano: string;
  spans: number;
  errors: number;
  minDurationNs: string | null;
  maxDurationNs: string | null;
  p50DurationNs: string | null;
  p95DurationNs: string | null;
  p99DurationNs: string | null;
  buckets: LatencyBucketJson[];
}

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

export interface ErrorGroupsJson {
  startUnixNano: string;
  endUnixNano: string;
  errorSpans: number;
  groupCount: number;
  groups: ErrorGroupJson[];
}

const NANOS_PER_SECOND = 1e9;

const text = (ns: bigint | null): string | null => (ns === null ? null : ns.toString());

/** Names an OTLP span kind: `unspecified`, `internal`, `server`, `client`, `producer`, `consumer`. */
function spanKindName(kind: number): string {
  return SPAN_KIND_NAMES[kind] ?? 'unspecified';
}

/**
 * The native API's operations summary: `spansPerSecond` = spans over the range's length in
 * seconds (0 for an empty range), `errorRate` = errors / spans.
 */
export function operationsSummaryToJson(range: TimeRange, summary: OperationsSummary): OperationsSummaryJson {
  const rangeSeconds = Number(range.endUnixNano - range.startUnixNano) / NANOS_PER_SECOND;
  return {
    startUnixNano: range.startUnixNano.toString(),
    endUnixNano: range.endUnixNano.toString(),
    bucketNs: summary.bucketNs.toString(),
    operationCount: summary.operationCount,
    operations: summary.operations.map((o) => ({
      name: o.name,
      spanKind: spanKindName(o.spanKind),
      spans: o.spans,
      errors: o.errors,
      spansPerSecond: rangeSeconds > 0 ? o.spans / rangeSeconds : 0,
      errorRate: o.spans > 0 ? o.errors / o.spans : 0,
      p50DurationNs: o.p50DurationNs.toString(),
      p95DurationNs: o.p95DurationNs.toString(),
      p99DurationNs: o.p99DurationNs.toString(),
      buckets: o.buckets.map((b) => ({ startUnixNano: b.startUnixNano.toString(), spans: b.spans, errors: b.errors, p95DurationNs: text(b.p95DurationNs) })),
    })),
  };
}

/** The native API's latency histogram: every fixed bucket with its bounds, in order. */
export function latencyHistogramToJson(range: TimeRange, histogram: LatencyHistogram): LatencyHistogramJson {
  const bounds = histogram.boundsNs;
  return {
    startUnixNano: range.startUnixNano.toString(),
    endUnixNano: range.endUnixNano.toString(),
    spans: histogram.spans,
    errors: histogram.errorSpans,
    minDurationNs: text(histogram.minDurationNs),
    maxDurationNs: text(histogram.maxDurationNs),
    p50DurationNs: text(histogram.p50DurationNs),
    p95DurationNs: text(histogram.p95DurationNs),
    p99DurationNs: text(histogram.p99DurationNs),
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
    startUnixNano: range.startUnixNano.toString(),
    endUnixNano: range.endUnixNano.toString(),
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
