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
  /**
   * Matches spans whose parent span belongs to this service and which belong to another
   * service: calls across services, e.g. with `service` the calls from `parentService`
   * to `service` (a service-map edge). The parent span may start up to CALL_MATCH_MARGIN_NS
   * (an hour) before the range, and before its end, the rule the service map counts calls by.
   */
  parentService?: string;
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

/**
 * One service's operations (span name and kind) over `range`, cut into buckets exactly as a
 * services summary's (see ServicesSummaryQuery).
 */
export interface OperationsSummaryQuery {
  range: TimeRange;
  service: string;
  /** 1..MAX_SUMMARY_BUCKETS. */
  bucketCount: number;
  /** At most this many operations, those with the most spans (ties by name, then kind). */
  limit: number;
}

/** Spans of one operation in one bucket, errors among them (status ERROR) and their p95. */
export interface OperationSummaryBucket {
  startUnixNano: UnixNano;
  spans: number;
  errors: number;
  /** Null when the bucket holds no span. */
  p95DurationNs: bigint | null;
}

/**
 * One operation's spans over the whole range, whatever their kind: percentiles as in
 * ServiceSummary (exact, interpolated, whole ns, negative durations as 0).
 */
export interface OperationSummary {
  name: string;
  spanKind: SpanKind;
  spans: number;
  errors: number;
  p50DurationNs: bigint;
  p95DurationNs: bigint;
  p99DurationNs: bigint;
  /** Exactly `bucketCount` entries, in time order; empty buckets hold zeros. */
  buckets: OperationSummaryBucket[];
}

/** One service's operations over a range (see OperationsSummaryQuery), with the bucket width used. */
export interface OperationsSummary {
  bucketNs: bigint;
  /** How many operations the service has in the range (more than `operations` holds when the limit cut). */
  operationCount: number;
  /** Sorted by name, then span kind. */
  operations: OperationSummary[];
}

/**
 * The duration distribution of one service's spans over `range`: its requests (SERVER and
 * CONSUMER spans) by default; with `operation`, the spans of that name; with `spanKind`,
 * only spans of that kind (both may be given).
 */
export interface LatencyHistogramQuery {
  range: TimeRange;
  service: string;
  operation?: string;
  spanKind?: SpanKind;
}

/**
 * Span counts per fixed duration bucket (LATENCY_BUCKET_BOUNDS_NS): bucket i holds the
 * durations in (bound[i-1], bound[i]], the first one [0, bound[0]], the last one above the
 * last bound. Percentiles as in ServiceSummary; null, like min and max, without spans.
 */
export interface LatencyHistogram {
  /** LATENCY_BUCKET_BOUNDS_NS: the inclusive upper bounds of all buckets but the last. */
  boundsNs: readonly bigint[];
  /** `boundsNs.length + 1` entries. */
  counts: number[];
  /** Spans with status ERROR per bucket, `boundsNs.length + 1` entries. */
  errors: number[];
  spans: number;
  errorSpans: number;
  minDurationNs: bigint | null;
  maxDurationNs: bigint | null;
  p50DurationNs: bigint | null;
  p95DurationNs: bigint | null;
  p99DurationNs: bigint | null;
}

/** The most frequent errors of one service over `range`. */
export interface ErrorGroupsQuery {
  range: TimeRange;
  service: string;
  /** At most this many groups, the most frequent first. */
  limit: number;
}

/**
 * Error spans (status ERROR) that failed the same way. A span's failure is its last
 * `exception` event's `exception.type` and `exception.message` (the status message when
 * the event has no message); a span without exception event has an empty type and its
 * status message. Times are span starts within the range.
 */
export interface ErrorGroup {
  exceptionType: string;
  message: string;
  spans: number;
  /** The span names it occurs in, most spans first (ties by name), at most MAX_ERROR_GROUP_OPERATIONS. */
  operations: Array<{ name: string; spans: number }>;
  /** How many distinct span names it occurs in. */
  operationCount: number;
  firstSeenUnixNano: UnixNano;
  lastSeenUnixNano: UnixNano;
  /** The latest span of the group (ties: the largest span id). */
  exampleTraceId: string;
  exampleSpanId: string;
}

/** One service's error spans in a range, grouped (see ErrorGroup); the groups cut to the query's limit. */
export interface ErrorGroups {
  /** Error spans of the service in the range, in every group. */
  errorSpans: number;
  /** How many groups there are (more than `groups` holds when the limit cut). */
  groupCount: number;
  /** Most spans first; ties: the latest last seen first, then by type and message. */
  groups: ErrorGroup[];
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

/**
 * What a service-map node stands for: an instrumented service (it sends spans), or a peer
 * known only from its callers' CLIENT/PRODUCER spans (a virtual node): a database, a
 * messaging system or another external system.
 */
export type ServiceMapNodeKind = 'service' | 'database' | 'messaging' | 'external';

/**
 * One node of the service map. Durations count a negative span duration as 0; the p95 is
 * exact and interpolated as in ServiceSummary; null when there is nothing to measure.
 */
export interface ServiceMapNode {
  name: string;
  kind: ServiceMapNodeKind;
  /** A service: its requests (SERVER/CONSUMER spans). A virtual node: the CLIENT/PRODUCER spans calling it. */
  requests: number;
  /** Those of `requests` with status ERROR. */
  errors: number;
  p95DurationNs: bigint | null;
  /**
   * Virtual nodes only: the attribute conditions (all `=`) that select, in one trace search,
   * the callers' CLIENT/PRODUCER spans calling this node (`db.system=postgresql`): the first
   * of `peerAttributeSets`. They find all its calls when every caller names it alike.
   */
  peerAttributes?: AttributeFilter[];
  /**
   * Virtual nodes only: each distinct set of attributes naming this node in its calls, most
   * calls first (ties in JavaScript string order). Callers on different semantic-convention
   * versions name one database `db.system.name=mysql` or `db.system=mysql`; one trace search
   * per set finds all the node's calls.
   */
  peerAttributeSets?: AttributeFilter[][];
}

/**
 * Calls from service `source` to node `target`: a span of `target` whose parent span belongs
 * to `source` (figures of the callee span), or, for a virtual target, a CLIENT/PRODUCER span of
 * `source` naming the peer with no child span in another service (figures of that span).
 */
export interface ServiceMapEdge {
  source: string;
  target: string;
  calls: number;
  /** Calls whose callee (or, to a virtual node, client) span has status ERROR. */
  errors: number;
  p95DurationNs: bigint | null;
}

/**
 * The service map of a range: every service with a span starting in the range, the virtual
 * nodes its calls name, and the edges between them. A call counts in the range its callee
 * span starts in; its caller span may start up to CALL_MATCH_MARGIN_NS (an hour) before the
 * range, the rule TraceSearchQuery.parentService follows, so that a search finds the calls
 * an edge counts (a caller service with no span in the range is a node with 0 requests).
 * A CLIENT/PRODUCER span calls a virtual node when no span of another service that starts
 * in the range or up to CALL_MATCH_MARGIN_NS after it is its child. The node is named by the
 * calling span's `peer.service`, else its database (`db.system.name`/`db.system`, with `/`
 * and `db.namespace`/`db.name` when present), else `messaging.system`, else
 * `server.address`/`net.peer.name`; a span with none of them is left out. Its kind is that
 * of most of its calls. A virtual name equal to a service's name joins that service's node.
 * Nodes are sorted by name, edges by source then target (JavaScript string order).
 */
export interface ServiceMap {
  nodes: ServiceMapNode[];
  edges: ServiceMapEdge[];
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

/** A kind of telemetry a service can be listed by: its spans, log records or metric points. */
export type ServiceSignal = 'traces' | 'logs' | 'metrics';

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
  /** Names (resource `service.name`, sorted) of the services with spans in `range` (all retained data when undefined). */
  listServices(range: TimeRange | undefined, options: QueryOptions): Promise<string[]>;
  /**
   * Like listServices, for services with data of any of `signals`: the logs page lists those with
   * log records, including services that send no spans. Each name once; none for no signals.
   */
  listServicesBySignal(signals: readonly ServiceSignal[], range: TimeRange | undefined, options: QueryOptions): Promise<string[]>;
  listOperations(service: string, range: TimeRange | undefined, options: QueryOptions): Promise<Operation[]>;
  getDependencies(range: TimeRange, options: QueryOptions): Promise<DependencyLink[]>;
  /** Request rate, errors and duration percentiles per service, overall and per time bucket. */
  summarizeServices(query: ServicesSummaryQuery, options: QueryOptions): Promise<ServicesSummary>;
  /** Span rate, errors and duration percentiles per operation of one service, overall and per time bucket. */
  summarizeOperations(query: OperationsSummaryQuery, options: QueryOptions): Promise<OperationsSummary>;
  /** Span counts of one service per fixed, log-spaced duration bucket, with percentiles. */
  histogramLatency(query: LatencyHistogramQuery, options: QueryOptions): Promise<LatencyHistogram>;
  /** One service's error spans grouped by exception type and message, the most frequent first. */
  groupErrors(query: ErrorGroupsQuery, options: QueryOptions): Promise<ErrorGroups>;
  /** Services and the peers they call, with requests, errors and p95 on nodes and edges (see ServiceMap). */
  getServiceMap(range: TimeRange, options: QueryOptions): Promise<ServiceMap>;

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
