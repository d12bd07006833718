import type { AnyValue, Attributes } from './any-value.js';
import type { SpanIdHex, TraceIdHex } from './ids.js';
import type { UnixNano } from './time.js';

/**
 * The internal model of all three OTLP signals. Items are flat (one object per
 * span, log record or metric point) and point at their shared Resource and Scope
 * objects, which is how storage lays them out: a row per item.
 */

export interface Resource {
  attributes: Attributes;
  droppedAttributesCount: number;
  schemaUrl: string;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  schemaUrl: string;
}

/** OTLP Span.SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
export type SpanKind = 0 | 1 | 2 | 3 | 4 | 5;
export const SPAN_KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

/** OTLP Status.StatusCode: 0 unset, 1 ok, 2 error. */
export type StatusCode = 0 | 1 | 2;
export const STATUS_CODE_NAMES = ['unset', 'ok', 'error'] as const;

export interface SpanEvent {
  timeUnixNano: UnixNano;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: TraceIdHex;
  spanId: SpanIdHex;
  traceState: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
}

export interface Span {
  resource: Resource;
  scope: InstrumentationScope;
  traceId: TraceIdHex;
  spanId: SpanIdHex;
  /** Empty string for a root span. */
  parentSpanId: SpanIdHex;
  traceState: string;
  flags: number;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: UnixNano;
  endTimeUnixNano: UnixNano;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  statusCode: StatusCode;
  statusMessage: string;
}

export interface LogRecord {
  resource: Resource;
  scope: InstrumentationScope;
  /** 0 when the source did not know; storage then orders by observedTimeUnixNano. */
  timeUnixNano: UnixNano;
  observedTimeUnixNano: UnixNano;
  /** OTLP SeverityNumber, 0 (unspecified) to 24 (FATAL4). */
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
  /** Empty string when the record is not tied to a trace. */
  traceId: TraceIdHex;
  spanId: SpanIdHex;
  eventName: string;
}

export type MetricType = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';

/** OTLP AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative. */
export type AggregationTemporality = 0 | 1 | 2;

/** What all points of one OTLP Metric share. */
export interface MetricDescriptor {
  name: string;
  description: string;
  unit: string;
  type: MetricType;
  /** Sums and histograms only; 0 otherwise. */
  aggregationTemporality: AggregationTemporality;
  /** Sums only; false otherwise. */
  isMonotonic: boolean;
  metadata: Attributes;
}

export interface Exemplar {
  timeUnixNano: UnixNano;
  /** asDouble → number, asInt → bigint. */
  value: number | bigint;
  filteredAttributes: Attributes;
  traceId: TraceIdHex;
  spanId: SpanIdHex;
}

interface PointBase {
  resource: Resource;
  scope: InstrumentationScope;
  metric: MetricDescriptor;
  attributes: Attributes;
  startTimeUnixNano: UnixNano;
  timeUnixNano: UnixNano;
  /** OTLP DataPointFlags (bit 0: no recorded value, i.e. a staleness marker). */
  flags: number;
  exemplars: Exemplar[];
}

/** A gauge or sum point. asDouble → number, asInt → bigint. */
export interface NumberPoint extends PointBase {
  kind: 'number';
  value: number | bigint;
}

export interface HistogramPoint extends PointBase {
  kind: 'histogram';
  count: number;
  /** Undefined when the source did not set it (OTLP optional field). */
  sum: number | undefined;
  min: number | undefined;
  max: number | undefined;
  bucketCounts: number[];
  explicitBounds: number[];
}

export interface ExponentialBuckets {
  offset: number;
  bucketCounts: number[];
}

export interface ExponentialHistogramPoint extends PointBase {
  kind: 'exponential_histogram';
  count: number;
  sum: number | undefined;
  min: number | undefined;
  max: number | undefined;
  scale: number;
  zeroCount: number;
  zeroThreshold: number;
  positive: ExponentialBuckets;
  negative: ExponentialBuckets;
}

export interface SummaryPoint extends PointBase {
  kind: 'summary';
  count: number;
  sum: number;
  quantileValues: Array<{ quantile: number; value: number }>;
}

export type MetricPoint = NumberPoint | HistogramPoint | ExponentialHistogramPoint | SummaryPoint;

/** What one decoded export request holds, ready to validate and write. */
export interface TelemetryBatch {
  spans: Span[];
  logs: LogRecord[];
  points: MetricPoint[];
}

/** Returns an empty batch. */
export function createEmptyBatch(): TelemetryBatch {
  return { spans: [], logs: [], points: [] };
}

/** The service a resource belongs to (`service.name`), or `unknown_service` as the SDKs default. */
export function serviceNameOf(resource: Resource): string {
  const name = resource.attributes['service.name'];
  return typeof name === 'string' && name !== '' ? name : 'unknown_service';
}
