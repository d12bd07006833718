import type { ServicesSummary, TimeRange } from '../storage/index.js';

export interface ServiceSummaryBucketJson {
  startUnixNano: string;
  requests: number;
  errors: number;
  p95DurationNs: string | null;
}

export interface ServiceSummaryJson {
  name: string;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  errorRate: number;
  p50DurationNs: string | null;
  p95DurationNs: string | null;
  p99DurationNs: string | null;
  buckets: ServiceSummaryBucketJson[];
}

export interface ServicesSummaryJson {
  startUnixNano: string;
  endUnixNano: string;
  bucketNs: string;
  services: ServiceSummaryJson[];
}

const NANOS_PER_SECOND = 1e9;

/**
 * The native API's services summary: times and durations as decimal nanosecond strings
 * (null when there is no request to measure), `requestsPerSecond` = requests over the
 * range's length in seconds (0 for an empty range), `errorRate` = errors / requests
 * (0 without requests).
 */
export function servicesSummaryToJson(range: TimeRange, summary: ServicesSummary): ServicesSummaryJson {
  const rangeSeconds = Number(range.endUnixNano - range.startUnixNano) / NANOS_PER_SECOND;
  const text = (ns: bigint | null): string | null => (ns === null ? null : ns.toString());
  return {
    startUnixNano: range.startUnixNano.toString(),
    endUnixNano: range.endUnixNano.toString(),
    bucketNs: summary.bucketNs.toString(),
    services: summary.services.map((s) => ({
      name: s.name,
      requests: s.requests,
      errors: s.errors,
      requestsPerSecond: rangeSeconds > 0 ? s.requests / rangeSeconds : 0,
      errorRate: s.requests > 0 ? s.errors / s.requests : 0,
      p50DurationNs: text(s.p50DurationNs),
      p95DurationNs: text(s.p95DurationNs),
      p99DurationNs: text(s.p99DurationNs),
      buckets: s.buckets.map((b) => ({ startUnixNano: b.startUnixNano.toString(), requests: b.requests, errors: b.errors, p95DurationNs: text(b.p95DurationNs) })),
    })),
  };
}
