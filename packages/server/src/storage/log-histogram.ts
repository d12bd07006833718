import type { LogHistogram, LogHistogramQuery, SeverityBand } from './interface.js';
import { summaryBucketNs } from './services-summary.js';

/** The most buckets a log histogram may ask for. */
export const MAX_LOG_HISTOGRAM_BUCKETS = 500;

/** The bands in severity order, as the API and UI list them. */
export const SEVERITY_BANDS: readonly SeverityBand[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/**
 * The width of one histogram bucket: `ceil((end - start) / bucketCount)` ns, at least 1
 * (the same cut as a services summary), so every time in the range falls in bucket
 * `(time - start) / bucketNs` below `bucketCount`.
 */
export function logHistogramBucketNs(query: LogHistogramQuery): bigint {
  return summaryBucketNs(query);
}

/** One aggregate row a backend computes: the records of one severity band in one bucket. */
export interface LogHistogramRow {
  /** Bucket index 0..bucketCount-1. */
  bucket: number;
  band: SeverityBand;
  count: number;
}

/** Builds the LogHistogram from a backend's rows: `bucketCount` buckets, every band present, zeros where no row says otherwise. */
export function assembleLogHistogram(query: LogHistogramQuery, rows: LogHistogramRow[]): LogHistogram {
  const bucketNs = logHistogramBucketNs(query);
  const buckets = Array.from({ length: query.bucketCount }, (_, i) => ({
    startUnixNano: query.range.startUnixNano + BigInt(i) * bucketNs,
    counts: { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0 },
  }));
  for (const row of rows) {
    const bucket = buckets[row.bucket];
    if (bucket !== undefined) bucket.counts[row.band] += row.count; // always defined for a time inside the range
  }
  return { bucketNs, buckets };
}
