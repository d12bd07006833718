export {
  type AnyValue,
  type Attributes,
  createAttributes,
  anyValueToOtlpJson,
  attributesToOtlpJson,
  anyValueToPlain,
} from './any-value.js';
export { encodeAnyValueJson, encodeAttributesJson, decodeAnyValueJson, decodeAttributesJson, jsonString } from './attribute-json.js';
export { type TraceIdHex, type SpanIdHex, normalizeTraceId } from './ids.js';
export {
  type UnixNano,
  NANOS_PER_MILLI,
  NANOS_PER_MICRO,
  NANOS_PER_SECOND,
  nowUnixNano,
  unixNanoToMillis,
  millisToUnixNano,
  parseDurationMs,
} from './time.js';
export {
  type Resource,
  type InstrumentationScope,
  type SpanKind,
  SPAN_KIND_NAMES,
  type StatusCode,
  STATUS_CODE_NAMES,
  type SpanEvent,
  type SpanLink,
  type Span,
  type LogRecord,
  type MetricType,
  type AggregationTemporality,
  type MetricDescriptor,
  type Exemplar,
  type NumberPoint,
  type HistogramPoint,
  type ExponentialBuckets,
  type ExponentialHistogramPoint,
  type SummaryPoint,
  type MetricPoint,
  type TelemetryBatch,
  createEmptyBatch,
  serviceNameOf,
} from './signals.js';
export { ERROR_CODES, type ErrorCode, PharosError, type PharosErrorOptions, isPharosError, wrapError, toPharosError } from './errors.js';
export { configSchema, type ConfigInput, type PharosConfig, parseConfig } from './config.js';
