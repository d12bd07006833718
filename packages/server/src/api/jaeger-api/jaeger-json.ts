import { anyValueToPlain, encodeAttributesJson, serviceNameOf, type AnyValue, type Attributes, type Span, type SpanKind } from '@pharos/core';

/**
 * The "UI" JSON model of jaeger-query's HTTP API (jaeger `model/json`), built from
 * OTLP spans the way the OpenTelemetry → Jaeger translation specifies.
 */

export type JaegerValueType = 'string' | 'bool' | 'int64' | 'float64' | 'binary';

export interface JaegerKeyValue {
  key: string;
  type: JaegerValueType;
  /** int64 beyond ±2^53 is a decimal string, binary is base64, as jaeger-query writes them. */
  value: string | number | boolean;
}

export interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}

export interface JaegerLog {
  /** Unix microseconds. */
  timestamp: number;
  fields: JaegerKeyValue[];
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: JaegerReference[];
  /** Unix microseconds. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags: JaegerKeyValue[];
  logs: JaegerLog[];
  processID: string;
  warnings: string[] | null;
  flags: number;
}

export interface JaegerProcess {
  serviceName: string;
  tags: JaegerKeyValue[];
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
}

export interface JaegerError {
  code?: number;
  msg: string;
  traceID?: string;
}

/** jaeger-query's envelope around every answer. */
export interface JaegerResponse<T> {
  data: T;
  total: number;
  limit: number;
  offset: number;
  errors: JaegerError[] | null;
}

/** Jaeger's span.kind tag values, indexed by OTLP SpanKind; unspecified has none. */
export const JAEGER_SPAN_KINDS: readonly string[] = ['', 'internal', 'server', 'client', 'producer', 'consumer'];

/** The Jaeger name of an OTLP span kind (`server`, ...; `""` for unspecified). */
export function jaegerSpanKindOf(kind: number): string {
  return JAEGER_SPAN_KINDS[kind] ?? '';
}

/** Wraps `data` in jaeger-query's envelope. */
export function jaegerResponse<T>(data: T, total = 0, errors: JaegerError[] | null = null): JaegerResponse<T> {
  return { data, total, limit: 0, offset: 0, errors };
}

/** jaeger-query's error envelope: `data: null` and one error with the HTTP status as code. */
export function jaegerErrorResponse(httpStatus: number, message: string): JaegerResponse<null> {
  return jaegerResponse(null, 0, [{ code: httpStatus, msg: message }]);
}

/**
 * One attribute as a Jaeger tag: strings, bools, int64 and float64 keep their type;
 * bytes become base64 `binary`; arrays and kvlists become JSON text (`string`); an
 * unset value is an empty string; NaN and ±Infinity are float64 tags with text values.
 */
export function toJaegerKeyValue(key: string, value: AnyValue): JaegerKeyValue {
  if (value === null) return { key, type: 'string', value: '' };
  switch (typeof value) {
    case 'string':
      return { key, type: 'string', value };
    case 'boolean':
      return { key, type: 'bool', value };
    case 'bigint':
      return { key, type: 'int64', value: anyValueToPlain(value) as number | string };
    case 'number':
      return { key, type: 'float64', value: Number.isFinite(value) ? value : String(value) };
  }
  if (value instanceof Uint8Array) return { key, type: 'binary', value: Buffer.from(value).toString('base64') };
  return { key, type: 'string', value: JSON.stringify(anyValueToPlain(value)) };
}

function attributesToTags(attributes: Attributes, skip?: ReadonlySet<string>): JaegerKeyValue[] {
  const tags: JaegerKeyValue[] = [];
  for (const key of Object.keys(attributes)) {
    if (skip === undefined || !skip.has(key)) tags.push(toJaegerKeyValue(key, attributes[key]));
  }
  return tags;
}

function toMicros(unixNano: bigint): number {
  return Number(unixNano / 1000n);
}

const ERROR_KEY = new Set(['error']);
const STATUS_NAMES = ['', 'OK', 'ERROR'];

function spanTags(span: Span): JaegerKeyValue[] {
  // Per the OTel → Jaeger mapping, an error status sets `error: true`, overriding any attribute of that name.
  const tags = attributesToTags(span.attributes, span.statusCode === 2 ? ERROR_KEY : undefined);
  if (span.scope.name !== '') tags.push({ key: 'otel.scope.name', type: 'string', value: span.scope.name });
  if (span.scope.version !== '') tags.push({ key: 'otel.scope.version', type: 'string', value: span.scope.version });
  const kind = jaegerSpanKindOf(span.kind as SpanKind);
  if (kind !== '') tags.push({ key: 'span.kind', type: 'string', value: kind });
  if (span.statusCode !== 0) tags.push({ key: 'otel.status_code', type: 'string', value: STATUS_NAMES[span.statusCode] });
  if (span.statusMessage !== '') tags.push({ key: 'otel.status_description', type: 'string', value: span.statusMessage });
  if (span.statusCode === 2) tags.push({ key: 'error', type: 'bool', value: true });
  if (span.traceState !== '') tags.push({ key: 'w3c.tracestate', type: 'string', value: span.traceState });
  if (span.droppedAttributesCount > 0) tags.push({ key: 'otel.dropped_attributes_count', type: 'int64', value: span.droppedAttributesCount });
  if (span.droppedEventsCount > 0) tags.push({ key: 'otel.dropped_events_count', type: 'int64', value: span.droppedEventsCount });
  if (span.droppedLinksCount > 0) tags.push({ key: 'otel.dropped_links_count', type: 'int64', value: span.droppedLinksCount });
  return tags;
}

function spanLogs(span: Span): JaegerLog[] {
  return span.events.map((event) => {
    const fields = attributesToTags(event.attributes);
    // An `event` attribute takes precedence over the event's name (OTel → Jaeger mapping).
    if (!Object.hasOwn(event.attributes, 'event')) fields.unshift({ key: 'event', type: 'string', value: event.name });
    if (event.droppedAttributesCount > 0) fields.push({ key: 'otel.dropped_attributes_count', type: 'int64', value: event.droppedAttributesCount });
    return { timestamp: toMicros(event.timeUnixNano), fields };
  });
}

function spanReferences(span: Span): JaegerReference[] {
  const refs: JaegerReference[] = [];
  if (span.parentSpanId !== '') refs.push({ refType: 'CHILD_OF', traceID: span.traceId, spanID: span.parentSpanId });
  for (const link of span.links) refs.push({ refType: 'FOLLOWS_FROM', traceID: link.traceId, spanID: link.spanId });
  return refs;
}

/**
 * Converts the spans of one trace to a Jaeger trace. Processes are deduplicated by
 * service name and resource attributes and named p1, p2, ... in order of appearance;
 * a process's tags are its resource attributes without `service.name`.
 */
export function spansToJaegerTrace(traceId: string, spans: Span[]): JaegerTrace {
  const processIds = new Map<string, string>();
  const processes: Record<string, JaegerProcess> = {};
  const jaegerSpans = spans.map((span): JaegerSpan => {
    const serviceName = serviceNameOf(span.resource);
    const processKey = `${serviceName}\u0000${encodeAttributesJson(span.resource.attributes)}`;
    let processID = processIds.get(processKey);
    if (processID === undefined) {
      processID = `p${processIds.size + 1}`;
      processIds.set(processKey, processID);
      processes[processID] = { serviceName, tags: attributesToTags(span.resource.attributes, new Set(['service.name'])) };
    }
    const durationNs = span.endTimeUnixNano - span.startTimeUnixNano;
    return {
      traceID: span.traceId,
      spanID: span.spanId,
      operationName: span.name,
      references: spanReferences(span),
      startTime: toMicros(span.startTimeUnixNano),
      duration: durationNs > 0n ? toMicros(durationNs) : 0,
      tags: spanTags(span),
      logs: spanLogs(span),
      processID,
      warnings: null,
      // Jaeger flags are the W3C trace flags (bit 0: sampled), the low byte of OTLP's span flags.
      flags: span.flags & 0xff,
    };
  });
  return { traceID: traceId, spans: jaegerSpans, processes, warnings: null };
}
