import {
  PharosError,
  createAttributes,
  type AnyValue,
  type Attributes,
  type Exemplar,
  type ExponentialBuckets,
  type InstrumentationScope,
  type LogRecord,
  type MetricDescriptor,
  type MetricPoint,
  type MetricType,
  type Resource,
  type Span,
  type SpanEvent,
  type SpanLink,
} from '@pharos/core';
import {
  FLAG_NO_RECORDED_VALUE,
  MAX_ANY_VALUE_DEPTH,
  NO_VALUE_MESSAGE,
  Rejections,
  normalizeExemplarSpanId,
  normalizeExemplarTraceId,
  toTemporality,
  type DecodeResult,
  type MetricContext,
  acceptLogRecord,
  acceptSpan,
} from './decode-result.js';

/*
 * OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): the proto3
 * JSON mapping with the OTLP exceptions. Field names are lowerCamelCase (the original
 * snake_case names are accepted too, as protobuf JSON parsers do); trace and span ids are
 * hex strings, not base64; enums are integers (their names are accepted); 64-bit integers
 * are decimal strings or numbers; bytesValue is base64; doubles may be "NaN", "Infinity",
 * "-Infinity"; `null` means "not set"; unknown fields are ignored.
 *
 * The result is the same model, object for object, as the protobuf decoder gives for the
 * same data, including which items are rejected and why.
 */

type JsonObject = { [key: string]: unknown };

const NO_ITEMS: readonly unknown[] = Object.freeze([]);
const TWO_POW_64 = 1n << 64n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * Decodes an OTLP/JSON ExportTraceServiceRequest into spans.
 * Times are Unix nanoseconds (bigint); ids lowercase hex; a root span (parent_span_id
 * empty or all zero) has parentSpanId ''.
 * Spans whose ids have the wrong length or are all zero are dropped and counted in `rejected`.
 * An empty (or all-whitespace) body gives an empty batch. Throws
 * PharosError('PHAROS_ERR_OTLP_MALFORMED') naming the JSON path when the text is not JSON or
 * a field has the wrong type.
 */
export function decodeTracesJson(text: string): DecodeResult {
  const spans: Span[] = [];
  const rejections = new Rejections();
  walkExportRequest(text, TRACE_ENVELOPE, (item, path, resource, scope) => readSpan(item, path, resource, scope, spans, rejections));
  return { batch: { spans, logs: [], points: [] }, rejected: rejections.count, rejectionMessages: rejections.messages };
}

/**
 * Decodes an OTLP/JSON ExportLogsServiceRequest into log records.
 * Times are Unix nanoseconds (bigint); trace/span ids lowercase hex or '' when absent (or all zero).
 * Records whose ids have the wrong length are dropped and counted in `rejected`.
 * Throws PharosError('PHAROS_ERR_OTLP_MALFORMED') naming the JSON path on a shape error.
 */
export function decodeLogsJson(text: string): DecodeResult {
  const logs: LogRecord[] = [];
  const rejections = new Rejections();
  walkExportRequest(text, LOG_ENVELOPE, (item, path, resource, scope) => readLogRecord(item, path, resource, scope, logs, rejections));
  return { batch: { spans: [], logs, points: [] }, rejected: rejections.count, rejectionMessages: rejections.messages };
}

/**
 * Decodes an OTLP/JSON ExportMetricsServiceRequest into metric points, one shared
 * MetricDescriptor per OTLP Metric. Times are Unix nanoseconds (bigint); asInt values are
 * bigint, asDouble values number; counts are numbers. Gauge/sum points with no value (and no
 * NO_RECORDED_VALUE flag) are dropped and counted in `rejected`.
 * Throws PharosError('PHAROS_ERR_OTLP_MALFORMED') naming the JSON path on a shape error.
 */
export function decodeMetricsJson(text: string): DecodeResult {
  const points: MetricPoint[] = [];
  const rejections = new Rejections();
  walkExportRequest(text, METRIC_ENVELOPE, (item, path, resource, scope) => readMetric(item, path, { resource, scope, points, rejections }));
  return { batch: { spans: [], logs: [], points }, rejected: rejections.count, rejectionMessages: rejections.messages };
}

/** Field names (camelCase, snake_case) of one signal's request envelope. */
interface Envelope {
  resources: [string, string];
  scopes: [string, string];
  items: [string, string];
}
const TRACE_ENVELOPE: Envelope = { resources: ['resourceSpans', 'resource_spans'], scopes: ['scopeSpans', 'scope_spans'], items: ['spans', 'spans'] };
const LOG_ENVELOPE: Envelope = { resources: ['resourceLogs', 'resource_logs'], scopes: ['scopeLogs', 'scope_logs'], items: ['logRecords', 'log_records'] };
const METRIC_ENVELOPE: Envelope = { resources: ['resourceMetrics', 'resource_metrics'], scopes: ['scopeMetrics', 'scope_metrics'], items: ['metrics', 'metrics'] };

/**
 * Walks the envelope the three export requests share (resources, their scopes, the
 * scopes' items), calling `readItem` with each item object and its JSON path.
 */
function walkExportRequest(
  text: string,
  envelope: Envelope,
  readItem: (item: JsonObject, path: string, resource: Resource, scope: InstrumentationScope) => void,
): void {
  const request = parseRequest(text);
  if (request === undefined) return;
  const [resourcesName] = envelope.resources;
  const resources = arrayAt(field(request, ...envelope.resources), resourcesName);
  for (let i = 0; i < resources.length; i++) {
    const path = `${resourcesName}[${i}]`;
    const resourceItem = requiredObjectAt(resources[i], path);
    const resource = readResourceOf(resourceItem, path);
    const scopes = arrayAt(field(resourceItem, ...envelope.scopes), `${path}.${envelope.scopes[0]}`);
    for (let j = 0; j < scopes.length; j++) {
      const scopePath = `${path}.${envelope.scopes[0]}[${j}]`;
      const scopeItem = requiredObjectAt(scopes[j], scopePath);
      const scope = readScopeOf(scopeItem, scopePath);
      const items = arrayAt(field(scopeItem, ...envelope.items), `${scopePath}.${envelope.items[0]}`);
      for (let k = 0; k < items.length; k++) {
        const itemPath = `${scopePath}.${envelope.items[0]}[${k}]`;
        readItem(requiredObjectAt(items[k], itemPath), itemPath, resource, scope);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Typed access to parsed JSON

function malformed(path: string, expected: string): PharosError {
  return new PharosError('PHAROS_ERR_OTLP_MALFORMED', `invalid OTLP JSON: ${path}: ${expected}`);
}

function parseRequest(text: string): JsonObject | undefined {
  if (!/\S/.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new PharosError('PHAROS_ERR_OTLP_MALFORMED', `invalid OTLP JSON: ${detail}`, { cause: error });
  }
  return requiredObjectAt(parsed, '(request)');
}

/** Reads `camel`, falling back to the proto field name `snake`. */
function field(object: JsonObject, camel: string, snake: string): unknown {
  const value = object[camel];
  return value !== undefined && value !== null ? value : object[snake];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requiredObjectAt(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw malformed(path, 'expected an object');
  return value;
}

function objectAt(value: unknown, path: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  return requiredObjectAt(value, path);
}

function arrayAt(value: unknown, path: string): readonly unknown[] {
  if (value === undefined || value === null) return NO_ITEMS;
  if (!Array.isArray(value)) throw malformed(path, 'expected an array');
  return value;
}

function stringAt(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw malformed(path, 'expected a string');
  return value;
}

function boolAt(value: unknown, path: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw malformed(path, 'expected true or false');
  return value;
}

/** uint32 / fixed32: a number or a decimal string. */
function uint32At(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  const n = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw malformed(path, 'expected an unsigned 32-bit integer');
  }
  return n;
}

/** An enum: its number (any int32; unknown ones map to "unspecified" later) or its name. */
function enumAt(value: unknown, path: string, names: ReadonlyMap<string, number>): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'string') {
    const known = names.get(value);
    if (known !== undefined) return known;
    if (/^-?\d{1,10}$/.test(value)) return Number(value) | 0;
    throw malformed(path, `unknown enum value "${truncate(value)}"`);
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
    throw malformed(path, 'expected an enum number or name');
  }
  return value;
}

/** fixed64 / uint64 as bigint: a decimal string or an integral number. */
function uint64At(value: unknown, path: string): bigint {
  if (value === undefined || value === null) return 0n;
  let n: bigint | undefined;
  if (typeof value === 'string') {
    if (/^\d{1,20}$/.test(value)) n = BigInt(value);
  } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    n = BigInt(value);
  }
  if (n === undefined || n >= TWO_POW_64) throw malformed(path, 'expected an unsigned 64-bit integer (decimal string or number)');
  return n;
}

/** int64 / sfixed64 as bigint: a decimal string or an integral number. */
function int64At(value: unknown, path: string): bigint {
  let n: bigint | undefined;
  if (typeof value === 'string') {
    if (/^-?\d{1,19}$/.test(value)) n = BigInt(value);
  } else if (typeof value === 'number' && Number.isInteger(value)) {
    n = BigInt(value);
  }
  if (n === undefined || n < INT64_MIN || n > INT64_MAX) throw malformed(path, 'expected a signed 64-bit integer (decimal string or number)');
  return n;
}

/** Counts (fixed64/uint64) as JS numbers, exact up to 2^53. */
function countAt(value: unknown, path: string): number {
  return Number(uint64At(value, path));
}

/** A double: a number, "NaN", "Infinity", "-Infinity", or a numeric string. */
function doubleAt(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return NaN;
    if (value === 'Infinity') return Infinity;
    if (value === '-Infinity') return -Infinity;
    if (!/^\s*$/.test(value)) {
      const n = Number(value);
      if (!Number.isNaN(n)) return n;
    }
  }
  throw malformed(path, 'expected a number (or "NaN", "Infinity", "-Infinity")');
}

function optionalDoubleAt(value: unknown, path: string): number | undefined {
  return value === undefined || value === null ? undefined : doubleAt(value, path);
}

function doubleOrZeroAt(value: unknown, path: string): number {
  return value === undefined || value === null ? 0 : doubleAt(value, path);
}

const HEX_RE = /^[0-9a-fA-F]*$/;

/** A trace or span id: hex (any case) of any even length; the length itself is checked by the caller. */
function hexIdAt(value: unknown, path: string, expectedBytes: number): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string' || value.length % 2 !== 0 || !HEX_RE.test(value)) {
    throw malformed(path, `expected ${expectedBytes * 2} hex characters`);
  }
  return value.toLowerCase();
}

const BASE64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

function bytesAt(value: unknown, path: string): Uint8Array {
  if (typeof value !== 'string' || !BASE64_RE.test(value)) throw malformed(path, 'expected base64 bytes');
  const decoded = Buffer.from(value, 'base64');
  const out = new Uint8Array(decoded.length);
  out.set(decoded);
  return out;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function enumNames(prefix: string, names: readonly string[]): ReadonlyMap<string, number> {
  return new Map(names.map((name, index) => [`${prefix}${name}`, index]));
}

const SPAN_KIND_NAMES = enumNames('SPAN_KIND_', ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']);
const STATUS_CODE_NAMES = enumNames('STATUS_CODE_', ['UNSET', 'OK', 'ERROR']);
const TEMPORALITY_NAMES = enumNames('AGGREGATION_TEMPORALITY_', ['UNSPECIFIED', 'DELTA', 'CUMULATIVE']);
const SEVERITY_NAMES = enumNames('SEVERITY_NUMBER_', [
  'UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) => [level, `${level}2`, `${level}3`, `${level}4`]),
]);

// ---------------------------------------------------------------------------
// common.proto, resource.proto

/** A KeyValue list into `attributes` (last duplicate key wins). */
function readAttributesInto(value: unknown, path: string, attributes: Attributes, depth: number): void {
  const items = arrayAt(value, path);
  for (let i = 0; i < items.length; i++) {
    const itemPath = `${path}[${i}]`;
    const item = requiredObjectAt(items[i], itemPath);
    const key = stringAt(item.key, `${itemPath}.key`);
    attributes[key] = readAnyValue(item.value, `${itemPath}.value`, depth);
  }
}

function readAttributes(value: unknown, path: string): Attributes {
  const attributes = createAttributes();
  readAttributesInto(value, path, attributes, 0);
  return attributes;
}

/** AnyValue: exactly one of stringValue, boolValue, intValue, doubleValue, arrayValue, kvlistValue, bytesValue; none → null. */
function readAnyValue(value: unknown, path: string, depth: number): AnyValue {
  if (depth >= MAX_ANY_VALUE_DEPTH) throw malformed(path, `AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  const object = objectAt(value, path);
  if (object === undefined) return null;
  let v = field(object, 'stringValue', 'string_value');
  if (v !== undefined && v !== null) return stringAt(v, `${path}.stringValue`);
  v = field(object, 'boolValue', 'bool_value');
  if (v !== undefined && v !== null) return boolAt(v, `${path}.boolValue`);
  v = field(object, 'intValue', 'int_value');
  if (v !== undefined && v !== null) return int64At(v, `${path}.intValue`);
  v = field(object, 'doubleValue', 'double_value');
  if (v !== undefined && v !== null) return doubleAt(v, `${path}.doubleValue`);
  v = field(object, 'arrayValue', 'array_value');
  if (v !== undefined && v !== null) {
    const arrayPath = `${path}.arrayValue`;
    const items = arrayAt(requiredObjectAt(v, arrayPath).values, `${arrayPath}.values`);
    const out: AnyValue[] = new Array<AnyValue>(items.length);
    for (let i = 0; i < items.length; i++) out[i] = readAnyValue(items[i], `${arrayPath}.values[${i}]`, depth + 1);
    return out;
  }
  v = field(object, 'kvlistValue', 'kvlist_value');
  if (v !== undefined && v !== null) {
    const kvlistPath = `${path}.kvlistValue`;
    const attributes = createAttributes();
    readAttributesInto(requiredObjectAt(v, kvlistPath).values, `${kvlistPath}.values`, attributes, depth + 1);
    return attributes;
  }
  v = field(object, 'bytesValue', 'bytes_value');
  if (v !== undefined && v !== null) return bytesAt(v, `${path}.bytesValue`);
  return null;
}

/** ResourceX.resource and ResourceX.schemaUrl. */
function readResourceOf(item: JsonObject, path: string): Resource {
  const resourcePath = `${path}.resource`;
  const object = objectAt(item.resource, resourcePath);
  return {
    attributes: object === undefined ? createAttributes() : readAttributes(object.attributes, `${resourcePath}.attributes`),
    droppedAttributesCount:
      object === undefined ? 0 : uint32At(field(object, 'droppedAttributesCount', 'dropped_attributes_count'), `${resourcePath}.droppedAttributesCount`),
    schemaUrl: stringAt(field(item, 'schemaUrl', 'schema_url'), `${path}.schemaUrl`),
  };
}

/** ScopeX.scope and ScopeX.schemaUrl. */
function readScopeOf(item: JsonObject, path: string): InstrumentationScope {
  const scopePath = `${path}.scope`;
  const object = objectAt(item.scope, scopePath);
  return {
    name: object === undefined ? '' : stringAt(object.name, `${scopePath}.name`),
    version: object === undefined ? '' : stringAt(object.version, `${scopePath}.version`),
    attributes: object === undefined ? createAttributes() : readAttributes(object.attributes, `${scopePath}.attributes`),
    droppedAttributesCount:
      object === undefined ? 0 : uint32At(field(object, 'droppedAttributesCount', 'dropped_attributes_count'), `${scopePath}.droppedAttributesCount`),
    schemaUrl: stringAt(field(item, 'schemaUrl', 'schema_url'), `${path}.schemaUrl`),
  };
}

// ---------------------------------------------------------------------------
// Traces

function readSpan(object: JsonObject, path: string, resource: Resource, scope: InstrumentationScope, spans: Span[], rejections: Rejections): void {
  const traceId = hexIdAt(field(object, 'traceId', 'trace_id'), `${path}.traceId`, 16);
  const spanId = hexIdAt(field(object, 'spanId', 'span_id'), `${path}.spanId`, 8);
  const parentSpanId = hexIdAt(field(object, 'parentSpanId', 'parent_span_id'), `${path}.parentSpanId`, 8);
  const traceState = stringAt(field(object, 'traceState', 'trace_state'), `${path}.traceState`);
  const flags = uint32At(object.flags, `${path}.flags`);
  const name = stringAt(object.name, `${path}.name`);
  const kind = enumAt(object.kind, `${path}.kind`, SPAN_KIND_NAMES);
  const startTimeUnixNano = uint64At(field(object, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`);
  const endTimeUnixNano = uint64At(field(object, 'endTimeUnixNano', 'end_time_unix_nano'), `${path}.endTimeUnixNano`);
  const attributes = readAttributes(object.attributes, `${path}.attributes`);
  const droppedAttributesCount = uint32At(field(object, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`);
  const eventItems = arrayAt(object.events, `${path}.events`);
  const events: SpanEvent[] = new Array<SpanEvent>(eventItems.length);
  for (let i = 0; i < eventItems.length; i++) events[i] = readEvent(eventItems[i], `${path}.events[${i}]`);
  const droppedEventsCount = uint32At(field(object, 'droppedEventsCount', 'dropped_events_count'), `${path}.droppedEventsCount`);
  const linkItems = arrayAt(object.links, `${path}.links`);
  const links: SpanLink[] = new Array<SpanLink>(linkItems.length);
  for (let i = 0; i < linkItems.length; i++) links[i] = readLink(linkItems[i], `${path}.links[${i}]`);
  const droppedLinksCount = uint32At(field(object, 'droppedLinksCount', 'dropped_links_count'), `${path}.droppedLinksCount`);
  const status = objectAt(object.status, `${path}.status`);
  const statusCode = status === undefined ? 0 : enumAt(status.code, `${path}.status.code`, STATUS_CODE_NAMES);
  const statusMessage = status === undefined ? '' : stringAt(status.message, `${path}.status.message`);

  acceptSpan(
    {
      resource,
      scope,
      traceId,
      spanId,
      parentSpanId,
      traceState,
      flags,
      name,
      kind,
      startTimeUnixNano,
      endTimeUnixNano,
      attributes,
      droppedAttributesCount,
      events,
      droppedEventsCount,
      links,
      droppedLinksCount,
      statusCode,
      statusMessage,
    },
    spans,
    rejections,
  );
}

function readEvent(value: unknown, path: string): SpanEvent {
  const object = requiredObjectAt(value, path);
  return {
    timeUnixNano: uint64At(field(object, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`),
    name: stringAt(object.name, `${path}.name`),
    attributes: readAttributes(object.attributes, `${path}.attributes`),
    droppedAttributesCount: uint32At(field(object, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`),
  };
}

function readLink(value: unknown, path: string): SpanLink {
  const object = requiredObjectAt(value, path);
  return {
    traceId: hexIdAt(field(object, 'traceId', 'trace_id'), `${path}.traceId`, 16),
    spanId: hexIdAt(field(object, 'spanId', 'span_id'), `${path}.spanId`, 8),
    traceState: stringAt(field(object, 'traceState', 'trace_state'), `${path}.traceState`),
    attributes: readAttributes(object.attributes, `${path}.attributes`),
    droppedAttributesCount: uint32At(field(object, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`),
    flags: uint32At(object.flags, `${path}.flags`),
  };
}

// ---------------------------------------------------------------------------
// Logs

function readLogRecord(object: JsonObject, path: string, resource: Resource, scope: InstrumentationScope, logs: LogRecord[], rejections: Rejections): void {
  const timeUnixNano = uint64At(field(object, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`);
  const observedTimeUnixNano = uint64At(field(object, 'observedTimeUnixNano', 'observed_time_unix_nano'), `${path}.observedTimeUnixNano`);
  const severityNumber = enumAt(field(object, 'severityNumber', 'severity_number'), `${path}.severityNumber`, SEVERITY_NAMES);
  const severityText = stringAt(field(object, 'severityText', 'severity_text'), `${path}.severityText`);
  const body = readAnyValue(object.body, `${path}.body`, 0);
  const attributes = readAttributes(object.attributes, `${path}.attributes`);
  const droppedAttributesCount = uint32At(field(object, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`);
  const flags = uint32At(object.flags, `${path}.flags`);
  const traceId = hexIdAt(field(object, 'traceId', 'trace_id'), `${path}.traceId`, 16);
  const spanId = hexIdAt(field(object, 'spanId', 'span_id'), `${path}.spanId`, 8);
  const eventName = stringAt(field(object, 'eventName', 'event_name'), `${path}.eventName`);

  acceptLogRecord(
    { resource, scope, timeUnixNano, observedTimeUnixNano, severityNumber, severityText, body, attributes, droppedAttributesCount, flags, traceId, spanId, eventName },
    logs,
    rejections,
  );
}

// ---------------------------------------------------------------------------
// Metrics


const DATA_FIELDS: ReadonlyArray<readonly [MetricType, string, string]> = [
  ['gauge', 'gauge', 'gauge'],
  ['sum', 'sum', 'sum'],
  ['histogram', 'histogram', 'histogram'],
  ['exponential_histogram', 'exponentialHistogram', 'exponential_histogram'],
  ['summary', 'summary', 'summary'],
];

function readMetric(object: JsonObject, path: string, ctx: MetricContext): void {
  const metric: MetricDescriptor = {
    name: stringAt(object.name, `${path}.name`),
    description: stringAt(object.description, `${path}.description`),
    unit: stringAt(object.unit, `${path}.unit`),
    type: 'gauge',
    aggregationTemporality: 0,
    isMonotonic: false,
    metadata: readAttributes(object.metadata, `${path}.metadata`),
  };
  for (const [type, camel, snake] of DATA_FIELDS) {
    const dataPath = `${path}.${camel}`;
    const data = objectAt(field(object, camel, snake), dataPath);
    if (data === undefined) continue;
    metric.type = type;
    if (type === 'sum' || type === 'histogram' || type === 'exponential_histogram') {
      metric.aggregationTemporality = toTemporality(
        enumAt(field(data, 'aggregationTemporality', 'aggregation_temporality'), `${dataPath}.aggregationTemporality`, TEMPORALITY_NAMES),
      );
    }
    if (type === 'sum') metric.isMonotonic = boolAt(field(data, 'isMonotonic', 'is_monotonic'), `${dataPath}.isMonotonic`);
    const items = arrayAt(field(data, 'dataPoints', 'data_points'), `${dataPath}.dataPoints`);
    for (let i = 0; i < items.length; i++) {
      const pointPath = `${dataPath}.dataPoints[${i}]`;
      const point = requiredObjectAt(items[i], pointPath);
      switch (type) {
        case 'gauge':
        case 'sum':
          readNumberPoint(point, pointPath, ctx, metric);
          break;
        case 'histogram':
          readHistogramPoint(point, pointPath, ctx, metric);
          break;
        case 'exponential_histogram':
          readExponentialHistogramPoint(point, pointPath, ctx, metric);
          break;
        case 'summary':
          readSummaryPoint(point, pointPath, ctx, metric);
          break;
      }
    }
    // `data` is a oneof: the first one present is the metric's data.
    break;
  }
}

function readExemplars(value: unknown, path: string): Exemplar[] {
  const items = arrayAt(value, path);
  const exemplars: Exemplar[] = new Array<Exemplar>(items.length);
  for (let i = 0; i < items.length; i++) {
    const itemPath = `${path}[${i}]`;
    const object = requiredObjectAt(items[i], itemPath);
    const asInt = field(object, 'asInt', 'as_int');
    exemplars[i] = {
      timeUnixNano: uint64At(field(object, 'timeUnixNano', 'time_unix_nano'), `${itemPath}.timeUnixNano`),
      value:
        asInt !== undefined && asInt !== null
          ? int64At(asInt, `${itemPath}.asInt`)
          : doubleOrZeroAt(field(object, 'asDouble', 'as_double'), `${itemPath}.asDouble`),
      filteredAttributes: readAttributes(field(object, 'filteredAttributes', 'filtered_attributes'), `${itemPath}.filteredAttributes`),
      traceId: normalizeExemplarTraceId(hexIdAt(field(object, 'traceId', 'trace_id'), `${itemPath}.traceId`, 16)),
      spanId: normalizeExemplarSpanId(hexIdAt(field(object, 'spanId', 'span_id'), `${itemPath}.spanId`, 8)),
    };
  }
  return exemplars;
}

function readNumberPoint(object: JsonObject, path: string, ctx: MetricContext, metric: MetricDescriptor): void {
  const attributes = readAttributes(object.attributes, `${path}.attributes`);
  const startTimeUnixNano = uint64At(field(object, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`);
  const timeUnixNano = uint64At(field(object, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`);
  const flags = uint32At(object.flags, `${path}.flags`);
  const exemplars = readExemplars(object.exemplars, `${path}.exemplars`);
  const asInt = field(object, 'asInt', 'as_int');
  const asDouble = field(object, 'asDouble', 'as_double');
  let value: number | bigint;
  if (asInt !== undefined && asInt !== null) value = int64At(asInt, `${path}.asInt`);
  else if (asDouble !== undefined && asDouble !== null) value = doubleAt(asDouble, `${path}.asDouble`);
  else if ((flags & FLAG_NO_RECORDED_VALUE) !== 0) value = 0;
  else {
    ctx.rejections.add(NO_VALUE_MESSAGE);
    return;
  }
  ctx.points.push({
    resource: ctx.resource,
    scope: ctx.scope,
    metric,
    attributes,
    startTimeUnixNano,
    timeUnixNano,
    flags,
    exemplars,
    kind: 'number',
    value,
  });
}

function readNumberList(value: unknown, path: string, read: (item: unknown, itemPath: string) => number): number[] {
  const items = arrayAt(value, path);
  const out: number[] = new Array<number>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = read(items[i], `${path}[${i}]`);
  return out;
}

function readHistogramPoint(object: JsonObject, path: string, ctx: MetricContext, metric: MetricDescriptor): void {
  ctx.points.push({
    resource: ctx.resource,
    scope: ctx.scope,
    metric,
    attributes: readAttributes(object.attributes, `${path}.attributes`),
    startTimeUnixNano: uint64At(field(object, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`),
    timeUnixNano: uint64At(field(object, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`),
    flags: uint32At(object.flags, `${path}.flags`),
    exemplars: readExemplars(object.exemplars, `${path}.exemplars`),
    kind: 'histogram',
    count: countAt(object.count, `${path}.count`),
    sum: optionalDoubleAt(object.sum, `${path}.sum`),
    min: optionalDoubleAt(object.min, `${path}.min`),
    max: optionalDoubleAt(object.max, `${path}.max`),
    bucketCounts: readNumberList(field(object, 'bucketCounts', 'bucket_counts'), `${path}.bucketCounts`, countAt),
    explicitBounds: readNumberList(field(object, 'explicitBounds', 'explicit_bounds'), `${path}.explicitBounds`, doubleAt),
  });
}

function readBuckets(value: unknown, path: string): ExponentialBuckets {
  const object = objectAt(value, path);
  if (object === undefined) return { offset: 0, bucketCounts: [] };
  const offset = object.offset === undefined || object.offset === null ? 0 : Number(int64At(object.offset, `${path}.offset`));
  if (offset < -0x80000000 || offset > 0x7fffffff) throw malformed(`${path}.offset`, 'expected a signed 32-bit integer');
  return { offset, bucketCounts: readNumberList(field(object, 'bucketCounts', 'bucket_counts'), `${path}.bucketCounts`, countAt) };
}

function readExponentialHistogramPoint(object: JsonObject, path: string, ctx: MetricContext, metric: MetricDescriptor): void {
  const scale = object.scale === undefined || object.scale === null ? 0 : Number(int64At(object.scale, `${path}.scale`));
  if (scale < -0x80000000 || scale > 0x7fffffff) throw malformed(`${path}.scale`, 'expected a signed 32-bit integer');
  ctx.points.push({
    resource: ctx.resource,
    scope: ctx.scope,
    metric,
    attributes: readAttributes(object.attributes, `${path}.attributes`),
    startTimeUnixNano: uint64At(field(object, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`),
    timeUnixNano: uint64At(field(object, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`),
    flags: uint32At(object.flags, `${path}.flags`),
    exemplars: readExemplars(object.exemplars, `${path}.exemplars`),
    kind: 'exponential_histogram',
    count: countAt(object.count, `${path}.count`),
    sum: optionalDoubleAt(object.sum, `${path}.sum`),
    min: optionalDoubleAt(object.min, `${path}.min`),
    max: optionalDoubleAt(object.max, `${path}.max`),
    scale,
    zeroCount: countAt(field(object, 'zeroCount', 'zero_count'), `${path}.zeroCount`),
    zeroThreshold: doubleOrZeroAt(field(object, 'zeroThreshold', 'zero_threshold'), `${path}.zeroThreshold`),
    positive: readBuckets(object.positive, `${path}.positive`),
    negative: readBuckets(object.negative, `${path}.negative`),
  });
}

function readSummaryPoint(object: JsonObject, path: string, ctx: MetricContext, metric: MetricDescriptor): void {
  const quantilePath = `${path}.quantileValues`;
  const quantileItems = arrayAt(field(object, 'quantileValues', 'quantile_values'), quantilePath);
  const quantileValues: Array<{ quantile: number; value: number }> = new Array<{ quantile: number; value: number }>(quantileItems.length);
  for (let i = 0; i < quantileItems.length; i++) {
    const itemPath = `${quantilePath}[${i}]`;
    const item = requiredObjectAt(quantileItems[i], itemPath);
    quantileValues[i] = { quantile: doubleOrZeroAt(item.quantile, `${itemPath}.quantile`), value: doubleOrZeroAt(item.value, `${itemPath}.value`) };
  }
  ctx.points.push({
    resource: ctx.resource,
    scope: ctx.scope,
    metric,
    attributes: readAttributes(object.attributes, `${path}.attributes`),
    startTimeUnixNano: uint64At(field(object, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`),
    timeUnixNano: uint64At(field(object, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`),
    flags: uint32At(object.flags, `${path}.flags`),
    exemplars: [],
    kind: 'summary',
    count: countAt(object.count, `${path}.count`),
    sum: doubleOrZeroAt(object.sum, `${path}.sum`),
    quantileValues,
  });
}
