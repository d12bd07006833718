import type { ServiceSummary, ServicesSummary, ServicesSummaryQuery } from './interface.js';
import { compareText } from './compare-text.js';

/** The most buckets a services summary may ask for. */
export const MAX_SUMMARY_BUCKETS = 500;

/**
 * The width of one bucket of a services summary: `ceil((end - start) / bucketCount)` ns,
 * at least 1, so that every span start in the range falls in bucket
 * `(start_ns - range.start) / bucketNs` (integer division) below `bucketCount`.
 */
export function summaryBucketNs(query: ServicesSummaryQuery): bigint {
  const spanNs = query.range.endUnixNano - query.range.startUnixNano;
  const count = BigInt(query.bucketCount);
  const width = (spanNs + count - 1n) / count;
  return width < 1n ? 1n : width;
}

/** One aggregate row a backend computes: a service's whole range (`bucket` undefined) or one bucket of it. */
export interface ServiceSummaryRow {
  service: string;
  /** Bucket index 0..bucketCount-1, or undefined for the service's total. */
  bucket: number | undefined;
  requests: number;
  errors: number;
  p50DurationNs: bigint | null;
  p95DurationNs: bigint | null;
  p99DurationNs: bigint | null;
}

/**
 * Builds the ServicesSummary from a backend's aggregate rows: one service per total row,
 * sorted by name (JavaScript string order, so every backend sorts alike), each
 * with exactly `bucketCount` buckets, empty ones zero with a null p95.
 */
export function assembleServicesSummary(query: ServicesSummaryQuery, rows: ServiceSummaryRow[]): ServicesSummary {
  const bucketNs = summaryBucketNs(query);
  const byName = new Map<string, ServiceSummary>();
  const serviceOf = (name: string): ServiceSummary => {
    let service = byName.get(name);
    if (service === undefined) {
      service = {
        name,
        requests: 0,
        errors: 0,
        p50DurationNs: null,
        p95DurationNs: null,
        p99DurationNs: null,
        buckets: Array.from({ length: query.bucketCount }, (_, i) => ({
          startUnixNano: query.range.startUnixNano + BigInt(i) * bucketNs,
          requests: 0,
          errors: 0,
          p95DurationNs: null,
        })),
      };
      byName.set(name, service);
    }
    return service;
  };
  for (const row of rows) {
    const service = serviceOf(row.service);
    if (row.bucket === undefined) {
      service.requests = row.requests;
      service.errors = row.errors;
      service.p50DurationNs = row.p50DurationNs;
      service.p95DurationNs = row.p95DurationNs;
      service.p99DurationNs = row.p99DurationNs;
    } else {
      const bucket = service.buckets[row.bucket];
      if (bucket === undefined) continue; // cannot happen for a start inside the range
      bucket.requests = row.requests;
      bucket.errors = row.errors;
      bucket.p95DurationNs = row.p95DurationNs;
    }
  }
  const services = [...byName.values()].sort((a, b) => compareText(a.name, b.name));
  return { bucketNs, services };
}
