import { anyValueToOtlpJson, attributesToOtlpJson, serviceNameOf, type LogRecord } from '@pharos/core';
import type { LogHistogram, SeverityBand, TimeRange } from '../storage/index.js';
import { rangeToJson, type RangeJson } from './json-figures.js';
import { resourceToOtlpJson, scopeToOtlpJson, type OtlpKeyValueJson, type OtlpResourceJson, type OtlpScopeJson } from './trace-json.js';

/** A log record as OTLP-style JSON, flattened with its service, resource and scope. */
export interface LogRecordJson {
  serviceName: string;
  resource: OtlpResourceJson & { schemaUrl: string };
  scope: OtlpScopeJson & { schemaUrl: string };
  /** "0" when the source did not set a time; observedTimeUnixNano then orders the record. */
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  /** OTLP/JSON AnyValue (`{"stringValue": ...}`, `{}` when unset). */
  body: Record<string, unknown>;
  attributes: OtlpKeyValueJson[];
  droppedAttributesCount: number;
  flags: number;
  /** Empty when the record is not tied to a trace. */
  traceId: string;
  spanId: string;
  eventName: string;
}

/** Converts a log record to JSON: nanosecond times as decimal strings, values as OTLP/JSON. */
export function logRecordToJson(record: LogRecord): LogRecordJson {
  return {
    serviceName: serviceNameOf(record.resource),
    resource: { ...resourceToOtlpJson(record.resource), schemaUrl: record.resource.schemaUrl },
    scope: { ...scopeToOtlpJson(record.scope), schemaUrl: record.scope.schemaUrl },
    timeUnixNano: record.timeUnixNano.toString(),
    observedTimeUnixNano: record.observedTimeUnixNano.toString(),
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    body: anyValueToOtlpJson(record.body),
    attributes: attributesToOtlpJson(record.attributes),
    droppedAttributesCount: record.droppedAttributesCount,
    flags: record.flags,
    traceId: record.traceId,
    spanId: record.spanId,
    eventName: record.eventName,
  };
}

/** The native API's log histogram: times and the bucket width as decimal nanosecond strings. */
export interface LogHistogramJson extends RangeJson {
  bucketNs: string;
  buckets: Array<{ startUnixNano: string; counts: Record<SeverityBand, number> }>;
}

/** Converts a log histogram over `range` to the native API's JSON. */
export function logHistogramToJson(range: TimeRange, histogram: LogHistogram): LogHistogramJson {
  return {
    ...rangeToJson(range),
    bucketNs: histogram.bucketNs.toString(),
    buckets: histogram.buckets.map((b) => ({ startUnixNano: b.startUnixNano.toString(), counts: { ...b.counts } })),
  };
}
