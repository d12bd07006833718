import type { LogRecord, MetricPoint, MetricType, Span, SpanKind, StatusCode, TelemetryBatch, UnixNano } from '@pharos/core';

/** A half-open time window [startUnixNano, endUnixNano). */
export interface TimeRange {
  startUnixNano: UnixNano;
  endUnixNano: UnixNano;
}

/**
 * A condition on one attribute. Span and log filters match a span/record attribute or,
 * failing that, a resource attribute. `>`/`<`/`>=`/`<=` compare numerically; `=`/`!=`
 * compare the value's text (`200`, `true`, `GET`).
 */
export interface AttributeFilter {
  key: string;
  op: '=' | '!=' | '>' | '<' | '>=' | '<=' | 'exists';
  /** Ignored for `exists`. */
  value: string;
}

export interface TraceSearchQuery {
  range: TimeRange;
  /** Matches spans of this service (resource `service.name`). */
  service?: string;
  /** Matches spans with this name. */
  operation?: string;
  attributes: AttributeFilter[];
  minDurationNs?: bigint;
  maxDurationNs?: bigint;
  /** Traces with at least one span of this status (e.g. 2 = any error). */
  statusCode?: StatusCode;
  /** Matches spans of this kind (OTLP SpanKind: 2 server, 3 client, …). */
  spanKind?: SpanKind;
  /** Most traces returned, newest first. */
  limit: number;
}

/** One trace as a search result: enough for a result list without loading every span. */
export interface TraceSummary {
  traceId: string;
  rootServiceName: string;
  /** Empty when the root span has not arrived (yet). */
  rootSpanName: string;
  startTimeUnixNano: UnixNano;
  durationNs: bigint;
  spanCount: number;
  errorCount: number;
  services: Array<{ name: string; spanCount: number; errorCount: number }>;
}

/**
 * The services' RED summary over `range`: the range is cut into `bucketCount` buckets of
 * `ceil((end - start) / bucketCount)` ns each (at least 1 ns; the last one ends at `range.end`),
 * bucket i starting at `start + i * bucketNs`. A span belongs to the range and bucket of its start.
 */
export interface ServicesSummaryQuery {
  range: TimeRange;
  /** 1..500. */
  bucketCount: number;
}

/** Requests (spans of kind SERVER or CONSUMER) and errors among them (status ERROR) in one bucket. */
export interface ServiceSummaryBucket {
  startUnixNano: UnixNano;
  requests: number;
  errors: number;
  /** Null when the bucket holds no request. */
  p95DurationNs: bigint | null;
}

/**
 * One service's requests over the whole range. Percentiles are exact, linearly
 * interpolated (quantile_cont, ClickHouse quantileExactInclusive), rounded to whole
 * nanoseconds; a negative span duration counts as 0. Null when there is no request.
 */
export interface ServiceSummary {
  name: string;
  requests: number;
  errors: number;
  p50DurationNs: bigint | null;
  p95DurationNs: bigint | null;
  p99DurationNs: bigint | null;
  /** Exactly `bucketCount` entries, in time order; empty buckets hold zeros. */
  buckets: ServiceSummaryBucket[];
}

export interface ServicesSummary {
  bucketNs: bigint;
  /** Every service with any span in the range, sorted by name. */
  services: ServiceSummary[];
}

export interface Operation {
  name: string;
  spanKind: number;
}

/** A caller → callee edge between services, from parent/child spans. */
export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
}

/** Which log records a search or histogram covers; every condition must hold. */
export interface LogFilter {
  range: TimeRange;
  services: string[];
  /** Records with severityNumber >= this (1..24). */
  minSeverityNumber?: number;
  /**
   * Case-insensitive substring of the body: a string body as it is, a map, array, number
   * or boolean body as its JSON text; bytes and absent bodies never match.
   */
  text?: string;
  attributes: AttributeFilter[];
  traceId?: string;
}

export interface LogSearchQuery extends LogFilter {
  limit: number;
  /** An opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

/**
 * Log counts over time: the range is cut into `bucketCount` buckets exactly as a services
 * summary's (see ServicesSummaryQuery); a record belongs to the bucket of its time (its
 * observed time when it has none), as it does for the range.
 */
export interface LogHistogramQuery extends LogFilter {
  /** 1..MAX_LOG_HISTOGRAM_BUCKETS. */
  bucketCount: number;
}

/**
 * Severity bands by OTLP SeverityNumber: trace 1-4, debug 5-8, info 9-12, warn 13-16,
 * error 17-20, fatal 21-24 (and above). 0 (unspecified) counts as info: sources that set
 * no severity (plain stdout lines, most bridges without levels) are mostly informational,
 * and a record must land in some band so that the bands add up to the total.
 */
export type SeverityBand = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogHistogramBucket {
  startUnixNano: UnixNano;
  counts: Record<SeverityBand, number>;
}

export interface LogHistogram {
  bucketNs: bigint;
  /** Exactly `bucketCount` entries, in time order; empty buckets hold zeros. */
  buckets: LogHistogramBucket[];
}

export interface LogPage {
  records: LogRecord[];
  /** Present when more (older) records may follow. */
  nextCursor?: string;
}

export interface MetricInfo {
  name: string;
  type: MetricType;
  unit: string;
  description: string;
}

/**
 * Metric series selection: a metric name and label matchers. Labels are the point
 * attributes plus `service.name` from the resource.
 */
export interface MetricSelector {
  range: TimeRange;
  metricName?: string;
  matchers: AttributeFilter[];
  limit: number;
}

export interface MetricSeries {
  metricName: string;
  labels: Record<string, string>;
}

export interface PartitionInfo {
  signal: 'spans' | 'logs' | 'metrics';
  /** UTC day, YYYY-MM-DD. */
  day: string;
  rowCount: number;
}

export interface StoreStats {
  spanCount: number;
  logCount: number;
  pointCount: number;
  partitions: PartitionInfo[];
  /** Size of the store's files on disk (including space freed inside them and not yet reused). */
  diskBytes: number;
  /** Bytes of the store holding data (allocated blocks); free space inside the files is reused for new data. */
  usedBytes: number;
}

/** Options every query takes. */
export interface QueryOptions {
  /** The query is cancelled and fails with PHAROS_ERR_QUERY_TIMEOUT after this many ms. */
  timeoutMs: number;
}

/** Options of one append. */
export interface AppendOptions {
  /**
   * The ingest log position this batch completes. Stored in the same transaction as the
   * batch, so after a crash ingest replays exactly the records that storage lacks.
   */
  ingestPosition?: bigint;
}

/**
 * Where telemetry is kept. The append side commits a whole batch or nothing; when
 * `append` resolves, the batch is durable (it survives `kill -9` and a restart), so
 * ingest may acknowledge it. The query side only reads. Errors are PharosErrors:
 * PHAROS_ERR_STORAGE_WRITE on append, PHAROS_ERR_QUERY_TIMEOUT / PHAROS_ERR_QUERY_FAILED
 * on queries. One conformance suite (storage/conformance) runs against every backend.
 */
export interface TelemetryStore {
  append(batch: TelemetryBatch, options?: AppendOptions): Promise<void>;
  /** The last `ingestPosition` committed (0 for a new store). */
  readIngestPosition(): Promise<bigint>;

  searchTraces(query: TraceSearchQuery, options: QueryOptions): Promise<TraceSummary[]>;
  /** Every span of each trace, in start-time order; ids with no spans are absent from the map. */
  getTraces(traceIds: string[], options: QueryOptions): Promise<Map<string, Span[]>>;
  listServices(range: TimeRange | undefined, options: QueryOptions): Promise<string[]>;
  listOperations(service: string, range: TimeRange | undefined, options: QueryOptions): Promise<Operation[]>;
  getDependencies(range: TimeRange, options: QueryOptions): Promise<DependencyLink[]>;
  /** Request rate, errors and duration percentiles per service, overall and per time bucket. */
  summarizeServices(query: ServicesSummaryQuery, options: QueryOptions): Promise<ServicesSummary>;

  searchLogs(query: LogSearchQuery, options: QueryOptions): Promise<LogPage>;
  /** Counts of the records a search with the same filter finds, per time bucket and severity band. */
  histogramLogs(query: LogHistogramQuery, options: QueryOptions): Promise<LogHistogram>;

  listMetrics(range: TimeRange, options: QueryOptions): Promise<MetricInfo[]>;
  listLabelNames(selector: MetricSelector, options: QueryOptions): Promise<string[]>;
  listLabelValues(label: string, selector: MetricSelector, options: QueryOptions): Promise<string[]>;
  findSeries(selector: MetricSelector, options: QueryOptions): Promise<MetricSeries[]>;
  /** Points in time order; the selector's limit caps the number of points. */
  readPoints(selector: MetricSelector, options: QueryOptions): Promise<MetricPoint[]>;

  getStats(options: QueryOptions): Promise<StoreStats>;
  /** Drops every whole-day partition that ends at or before `cutoffUnixNano`; returns what it dropped. */
  dropPartitionsBefore(cutoffUnixNano: UnixNano): Promise<PartitionInfo[]>;
  /** Waits for running writes, then releases the store. */
  close(): Promise<void>;
}
