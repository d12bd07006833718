import type { HrTime } from '@opentelemetry/api';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { AggregationTemporalityPreference, OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { InstrumentType, PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { InProcessPharos } from './in-process-pharos.js';

/**
 * The three OTLP exporters of the OpenTelemetry JS SDK, pointed at an in-process Pharos,
 * each wrapped so that a test sees what was exported and fails when an export fails
 * (the SDK only reports export failures through callbacks and its diagnostic logger).
 */

/** The OTLP protocols of the JS SDK's exporters (OTEL_EXPORTER_OTLP_PROTOCOL values). */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];

/** A name-safe form of a protocol, for service names: `http-protobuf`, `http-json`, `grpc`. */
export function protocolSlug(protocol: OtlpProtocol): string {
  return protocol.replace('/', '-');
}

/** What an exporter reported: the ExportResult of each call (0 = SUCCESS, 1 = FAILED). */
interface ExportResultLike {
  code: number;
  error?: Error;
}

/** Records every export call's outcome; `assertAllSucceeded` throws listing each failure. */
export class ExportLog<T> {
  readonly exported: T[] = [];
  readonly failures: string[] = [];
  calls = 0;
  succeeded = 0;

  record(items: T, result: ExportResultLike): void {
    this.calls++;
    if (result.code === 0) {
      this.succeeded++;
      this.exported.push(items);
    } else {
      this.failures.push(result.error?.message ?? `export result code ${result.code}`);
    }
  }

  /** Throws when any export failed or none was made. */
  assertAllSucceeded(what: string): void {
    if (this.failures.length > 0) throw new Error(`${what}: ${this.failures.length} of ${this.calls} exports failed: ${this.failures.join(' | ')}`);
    if (this.calls === 0) throw new Error(`${what}: nothing was exported`);
  }
}

/** A SpanExporter that delegates to `inner` and records every result and the exported spans. */
export class CheckedSpanExporter implements SpanExporter {
  readonly log = new ExportLog<ReadableSpan[]>();
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], resultCallback: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans, (result) => {
      this.log.record(spans, result);
      resultCallback(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
  /** Every span exported successfully. */
  spans(): ReadableSpan[] {
    return this.log.exported.flat();
  }
}

/** A LogRecordExporter that delegates to `inner` and records every result and the exported records. */
export class CheckedLogExporter implements LogRecordExporter {
  readonly log = new ExportLog<ReadableLogRecord[]>();
  constructor(private readonly inner: LogRecordExporter) {}
  export(logs: ReadableLogRecord[], resultCallback: Parameters<LogRecordExporter['export']>[1]): void {
    this.inner.export(logs, (result) => {
      this.log.record(logs, result);
      resultCallback(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  records(): ReadableLogRecord[] {
    return this.log.exported.flat();
  }
}

/**
 * A PushMetricExporter that delegates to `inner` (including its temporality and
 * aggregation preferences) and records every result and the exported ResourceMetrics.
 */
export class CheckedMetricExporter implements PushMetricExporter {
  readonly log = new ExportLog<ResourceMetrics>();
  constructor(private readonly inner: PushMetricExporter) {}
  export(metrics: ResourceMetrics, resultCallback: Parameters<PushMetricExporter['export']>[1]): void {
    this.inner.export(metrics, (result) => {
      this.log.record(metrics, result);
      resultCallback(result);
    });
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  selectAggregationTemporality(instrumentType: InstrumentType): ReturnType<NonNullable<PushMetricExporter['selectAggregationTemporality']>> {
    if (this.inner.selectAggregationTemporality === undefined) throw new Error('the wrapped exporter has no temporality preference');
    return this.inner.selectAggregationTemporality(instrumentType);
  }
  selectAggregation(instrumentType: InstrumentType): ReturnType<NonNullable<PushMetricExporter['selectAggregation']>> {
    if (this.inner.selectAggregation === undefined) throw new Error('the wrapped exporter has no aggregation preference');
    return this.inner.selectAggregation(instrumentType);
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

const TIMEOUT_MS = 15_000;

/** Request compression of the trace and log exporters: none, or gzip (Content-Encoding / grpc-encoding). */
export type ExporterCompression = 'none' | 'gzip';

function compressionOf(compression: ExporterCompression): CompressionAlgorithm {
  return compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
}

/** The SDK's trace exporter for `protocol`, sending to `pharos`, wrapped in a CheckedSpanExporter. */
export function createTraceExporter(protocol: OtlpProtocol, pharos: InProcessPharos, compression: ExporterCompression = 'none'): CheckedSpanExporter {
  const common = { timeoutMillis: TIMEOUT_MS, compression: compressionOf(compression) };
  switch (protocol) {
    case 'http/protobuf':
      return new CheckedSpanExporter(new ProtoTraceExporter({ url: `${pharos.otlpHttpUrl}/v1/traces`, ...common }));
    case 'http/json':
      return new CheckedSpanExporter(new JsonTraceExporter({ url: `${pharos.otlpHttpUrl}/v1/traces`, ...common }));
    case 'grpc':
      return new CheckedSpanExporter(new GrpcTraceExporter({ url: pharos.grpcUrl, ...common }));
  }
}

/** The SDK's log exporter for `protocol`, sending to `pharos`, wrapped in a CheckedLogExporter. */
export function createLogExporter(protocol: OtlpProtocol, pharos: InProcessPharos, compression: ExporterCompression = 'none'): CheckedLogExporter {
  const common = { timeoutMillis: TIMEOUT_MS, compression: compressionOf(compression) };
  switch (protocol) {
    case 'http/protobuf':
      return new CheckedLogExporter(new ProtoLogExporter({ url: `${pharos.otlpHttpUrl}/v1/logs`, ...common }));
    case 'http/json':
      return new CheckedLogExporter(new JsonLogExporter({ url: `${pharos.otlpHttpUrl}/v1/logs`, ...common }));
    case 'grpc':
      return new CheckedLogExporter(new GrpcLogExporter({ url: pharos.grpcUrl, ...common }));
  }
}

/**
 * The SDK's metric exporter for `protocol`, sending to `pharos`, wrapped in a
 * CheckedMetricExporter; `temporality` is the exporter's temporalityPreference.
 */
export function createMetricExporter(protocol: OtlpProtocol, pharos: InProcessPharos, temporality: 'cumulative' | 'delta' = 'cumulative'): CheckedMetricExporter {
  const temporalityPreference = temporality === 'delta' ? AggregationTemporalityPreference.DELTA : AggregationTemporalityPreference.CUMULATIVE;
  switch (protocol) {
    case 'http/protobuf':
      return new CheckedMetricExporter(new ProtoMetricExporter({ url: `${pharos.otlpHttpUrl}/v1/metrics`, timeoutMillis: TIMEOUT_MS, temporalityPreference }));
    case 'http/json':
      return new CheckedMetricExporter(new JsonMetricExporter({ url: `${pharos.otlpHttpUrl}/v1/metrics`, timeoutMillis: TIMEOUT_MS, temporalityPreference }));
    case 'grpc':
      return new CheckedMetricExporter(new GrpcMetricExporter({ url: pharos.grpcUrl, timeoutMillis: TIMEOUT_MS, temporalityPreference }));
  }
}

/** An SDK HrTime ([seconds, nanoseconds]) as Unix nanoseconds, exactly as the OTLP encoders compute it. */
export function hrTimeToUnixNano(time: HrTime): bigint {
  return BigInt(Math.trunc(time[0])) * 1_000_000_000n + BigInt(Math.trunc(time[1]));
}

/** An SDK HrTime as the decimal nanosecond string the native API returns. */
export function hrTimeToNanoString(time: HrTime): string {
  return hrTimeToUnixNano(time).toString();
}

/** An SDK HrTime as Unix microseconds (truncated), the way the Jaeger API reports times. */
export function hrTimeToMicros(time: HrTime): number {
  return Number(hrTimeToUnixNano(time) / 1000n);
}

/** An OTLP/JSON KeyValue as the native API returns it. */
export interface OtlpJsonKeyValue {
  key: string;
  value: OtlpJsonAnyValue;
}

/** An OTLP/JSON AnyValue as the native API returns it (`intValue` a decimal string, bytes base64). */
export type OtlpJsonAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string }
  | { bytesValue: string }
  | { arrayValue: { values: OtlpJsonAnyValue[] } }
  | { kvlistValue: { values: OtlpJsonKeyValue[] } }
  | Record<string, never>;

/** A value the SDK accepts as an attribute or log body (the api-logs AnyValue, which includes AttributeValue). */
export type SdkAnyValue = string | number | boolean | Uint8Array | null | undefined | SdkAnyValue[] | { [key: string]: SdkAnyValue };

/**
 * The OTLP/JSON form of an SDK value, as the OTLP spec and Pharos' docs/api.md define it:
 * an integral JS number is an `intValue` (decimal string), any other number a
 * `doubleValue`, bytes base64, arrays and maps nested, null/undefined `{}`.
 * (This is the protobuf encoders' mapping too, which the JSON encoder follows.)
 */
export function expectedOtlpJsonValue(value: SdkAnyValue): OtlpJsonAnyValue {
  if (value === null || value === undefined) return {};
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return { intValue: BigInt(value).toString() };
    // docs/api.md: NaN and ±Infinity are the strings "NaN", "Infinity", "-Infinity".
    return { doubleValue: Number.isFinite(value) ? value : String(value) };
  }
  if (value instanceof Uint8Array) return { bytesValue: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(expectedOtlpJsonValue) } };
  return { kvlistValue: { values: Object.entries(value).map(([key, v]) => ({ key, value: expectedOtlpJsonValue(v) })) } };
}

/** Expected OTLP/JSON attributes of an SDK attribute map, sorted by key. */
export function expectedOtlpJsonAttributes(attributes: Readonly<Record<string, SdkAnyValue>> | undefined): OtlpJsonKeyValue[] {
  return sortByKey(Object.entries(attributes ?? {}).map(([key, value]) => ({ key, value: expectedOtlpJsonValue(value) })));
}

/** KeyValues sorted by key (OTLP attribute order carries no meaning), nested kvlists too. */
export function sortByKey(values: readonly OtlpJsonKeyValue[]): OtlpJsonKeyValue[] {
  return [...values].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((kv) => ({ key: kv.key, value: sortNested(kv.value) }));
}

/** An OTLP/JSON value with the keys of every nested kvlist sorted. */
export function sortNested(value: OtlpJsonAnyValue): OtlpJsonAnyValue {
  if ('kvlistValue' in value) return { kvlistValue: { values: sortByKey(value.kvlistValue.values) } };
  if ('arrayValue' in value) return { arrayValue: { values: value.arrayValue.values.map(sortNested) } };
  return value;
}
