import type {
  AggregationTemporality,
  InstrumentationScope,
  LogRecord,
  MetricPoint,
  Resource,
  Span,
  SpanKind,
  StatusCode,
  TelemetryBatch,
} from '@pharos/core';

/**
 * What decoding one OTLP export request gives: the items that passed the per-item
 * checks, and how many items were dropped (for the OTLP partial-success response:
 * rejected spans, log records or data points, depending on the signal).
 */
export interface DecodeResult {
  batch: TelemetryBatch;
  /** Items dropped because they were individually invalid (the request itself was well formed). */
  rejected: number;
  /** Up to MAX_REJECTION_MESSAGES distinct reasons, in the order first seen. */
  rejectionMessages: string[];
}

/** Deepest AnyValue nesting (arrays and kvlists) accepted; deeper input is hostile or broken. */
export const MAX_ANY_VALUE_DEPTH = 32;

/** How many distinct rejection messages a DecodeResult keeps. */
export const MAX_REJECTION_MESSAGES = 10;

/** Counts rejected items and keeps the first few distinct reasons. */
export class Rejections {
  count = 0;
  readonly messages: string[] = [];

  /** Records one rejected item. */
  add(message: string): void {
    this.count++;
    if (this.messages.length < MAX_REJECTION_MESSAGES && !this.messages.includes(message)) this.messages.push(message);
  }
}

const ZERO_TRACE_ID_HEX = '0'.repeat(32);
const ZERO_SPAN_ID_HEX = '0'.repeat(16);

/**
 * Checks the ids of a span, given as lowercase hex of the bytes received ('' when absent).
 * Returns why the span must be rejected, or undefined when it is valid.
 */
export function checkSpanIds(traceIdHex: string, spanIdHex: string, parentSpanIdHex: string): string | undefined {
  if (traceIdHex.length !== 32 || traceIdHex === ZERO_TRACE_ID_HEX) {
    return `span rejected: trace_id must be 16 bytes and not all zero (got ${describeId(traceIdHex)})`;
  }
  if (spanIdHex.length !== 16 || spanIdHex === ZERO_SPAN_ID_HEX) {
    return `span rejected: span_id must be 8 bytes and not all zero (got ${describeId(spanIdHex)})`;
  }
  if (parentSpanIdHex.length !== 0 && parentSpanIdHex.length !== 16) {
    return `span rejected: parent_span_id must be empty or 8 bytes (got ${parentSpanIdHex.length / 2} bytes)`;
  }
  return undefined;
}

/**
 * Checks the optional ids of a log record (lowercase hex, '' when absent).
 * Returns why the record must be rejected, or undefined when it is valid.
 */
export function checkLogIds(traceIdHex: string, spanIdHex: string): string | undefined {
  if (traceIdHex.length !== 0 && traceIdHex.length !== 32) {
    return `log record rejected: trace_id must be empty or 16 bytes (got ${traceIdHex.length / 2} bytes)`;
  }
  if (spanIdHex.length !== 0 && spanIdHex.length !== 16) {
    return `log record rejected: span_id must be empty or 8 bytes (got ${spanIdHex.length / 2} bytes)`;
  }
  return undefined;
}

/** An all-zero trace id means "no trace" on a log record or exemplar; it is stored as ''. */
export function normalizeOptionalTraceId(hex: string): string {
  return hex === ZERO_TRACE_ID_HEX ? '' : hex;
}

/** An all-zero span id means "no span" on a log record or exemplar; it is stored as ''. */
export function normalizeOptionalSpanId(hex: string): string {
  return hex === ZERO_SPAN_ID_HEX ? '' : hex;
}

/** Exemplar ids are informational: a wrong-length or all-zero id is dropped to '' rather than failing the point. */
export function normalizeExemplarTraceId(hex: string): string {
  return hex.length === 32 && hex !== ZERO_TRACE_ID_HEX ? hex : '';
}

/** See normalizeExemplarTraceId. */
export function normalizeExemplarSpanId(hex: string): string {
  return hex.length === 16 && hex !== ZERO_SPAN_ID_HEX ? hex : '';
}

/** Why a number point without a value is rejected. */
export const NO_VALUE_MESSAGE = 'metric point rejected: no value (neither as_double nor as_int) and no NO_RECORDED_VALUE flag';

/** DataPointFlags.FLAG_NO_RECORDED_VALUE. */
export const FLAG_NO_RECORDED_VALUE = 1;

function describeId(hex: string): string {
  if (hex.length === 0) return 'none';
  return /^0+$/.test(hex) ? `${hex.length / 2} zero bytes` : `${hex.length / 2} bytes`;
}

// Enum values outside the range proto3 defines today are kept as "unspecified", so the
// model's narrow union types hold; a newer sender's new value is not a malformed request.

/** Maps an OTLP SpanKind number onto the model (unknown values → 0, unspecified). */
export function toSpanKind(value: number): SpanKind {
  return value >= 0 && value <= 5 ? (value as SpanKind) : 0;
}

/** Maps an OTLP Status.StatusCode number onto the model (unknown values → 0, unset). */
export function toStatusCode(value: number): StatusCode {
  return value >= 0 && value <= 2 ? (value as StatusCode) : 0;
}

/** Maps an OTLP AggregationTemporality number onto the model (unknown values → 0, unspecified). */
export function toTemporality(value: number): AggregationTemporality {
  return value >= 0 && value <= 2 ? (value as AggregationTemporality) : 0;
}

/** Maps an OTLP SeverityNumber onto 0..24 (unknown values → 0, unspecified). */
export function toSeverityNumber(value: number): number {
  return value >= 0 && value <= 24 ? value : 0;
}

/** What every data point of one Metric shares while it is being read (both decoders). */
export interface MetricContext {
  resource: Resource;
  scope: InstrumentationScope;
  points: MetricPoint[];
  rejections: Rejections;
}

/**
 * Adds a decoded log record, its ids as received (lowercase hex, '' when absent), or
 * counts it rejected when an id has the wrong length. All-zero ids become ''; an unknown
 * severity number becomes 0.
 */
export function acceptLogRecord(record: LogRecord, logs: LogRecord[], rejections: Rejections): void {
  const problem = checkLogIds(record.traceId, record.spanId);
  if (problem !== undefined) {
    rejections.add(problem);
    return;
  }
  record.traceId = normalizeOptionalTraceId(record.traceId);
  record.spanId = normalizeOptionalSpanId(record.spanId);
  record.severityNumber = toSeverityNumber(record.severityNumber);
  logs.push(record);
}

/** A span as a decoder reads it: enums still raw numbers, ids as received. */
export type DecodedSpan = Omit<Span, 'kind' | 'statusCode'> & { kind: number; statusCode: number };

/**
 * Adds a decoded span, or counts it rejected when an id is malformed. An all-zero parent
 * id becomes '' (a root span); unknown kind or status numbers become 0.
 */
export function acceptSpan(decoded: DecodedSpan, spans: Span[], rejections: Rejections): void {
  const problem = checkSpanIds(decoded.traceId, decoded.spanId, decoded.parentSpanId);
  if (problem !== undefined) {
    rejections.add(problem);
    return;
  }
  const span = decoded as unknown as Span;
  span.parentSpanId = normalizeOptionalSpanId(decoded.parentSpanId);
  span.kind = toSpanKind(decoded.kind);
  span.statusCode = toStatusCode(decoded.statusCode);
  spans.push(span);
}
