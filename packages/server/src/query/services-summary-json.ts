import type { ServicesSummary, TimeRange } from '../storage/index.js';
import { nanosToJson, rangeToJson, toErrorRate, toRatePerSecond, type RangeJson } from './json-figures.js';

/** One bucket of a service's requests (see ServiceSummaryBucket). */
export interface ServiceSummaryBucketJson {
  startUnixNano: string;
  requests: number;
  errors: number;
  p95DurationNs: string | null;
}

/** One service's requests over the range (see ServiceSummary). */
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

/** GET /pharos/v1/services/summary's answer. */
export interface ServicesSummaryJson extends RangeJson {
  bucketNs: string;
  services: ServiceSummaryJson[];
}

/**
 * The native API's services summary: times and durations as decimal nanosecond strings
 * (null when there is no request to measure), `requestsPerSecond` = requests over the
 * range's length in seconds (0 for an empty range), `errorRate` = errors / requests
 * (0 without requests).
 */
export function servicesSummaryToJson(range: TimeRange, summary: ServicesSummary): ServicesSummaryJson {
  return {
    ...rangeToJson(range),
    bucketNs: summary.bucketNs.toString(),
    services: summary.services.map((s) => ({
      name: s.name,
      requests: s.requests,
      errors: s.errors,
      requestsPerSecond: toRatePerSecond(s.requests, range),
      errorRate: toErrorRate(s.errors, s.requests),
      p50DurationNs: nanosToJson(s.p50DurationNs),
      p95DurationNs: nanosToJson(s.p95DurationNs),
      p99DurationNs: nanosToJson(s.p99DurationNs),
      buckets: s.buckets.map((b) => ({ startUnixNano: b.startUnixNano.toString(), requests: b.requests, errors: b.errors, p95DurationNs: nanosToJson(b.p95DurationNs) })),
    })),
  };
}
