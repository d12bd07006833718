import {
  createAttributes,
  type AnyValue,
  type Attributes,
  type Exemplar,
  type ExponentialBuckets,
  type InstrumentationScope,
  type LogRecord,
  type MetricDescriptor,
  type MetricPoint,
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
import { ProtobufReader, malformedProtobuf, WIRE_I64, WIRE_LEN, WIRE_VARINT, WIRE_I32 } from './protobuf-reader.js';

/*
 * A hand-written walk over OTLP protobuf bytes straight into the model (the ingest hot
 * path): no intermediate KeyValue objects, attributes written into createAttributes()
 * objects, ids hex-decoded from the request buffer. Field numbers follow
 * opentelemetry-proto v1 (common, resource, trace, logs, metrics and the collector
 * Export*ServiceRequest messages). Unknown fields, and known fields carrying an
 * unexpected wire type, are skipped as protobuf requires.
 *
 * Resource and scope objects are created when their enclosing ResourceX/ScopeX message
 * starts and filled as their fields arrive, because `schema_url` (and even `resource`)
 * may follow the items on the wire while the items already point at them.
 */

const VARINT = WIRE_VARINT;
const I64 = WIRE_I64;
const LEN = WIRE_LEN;
const I32 = WIRE_I32;

/**
 * Decodes an OTLP ExportTraceServiceRequest (protobuf bytes) into spans.
 * Times are Unix nanoseconds (bigint); ids lowercase hex; a root span (parent_span_id
 * empty or all zero) has parentSpanId ''.
 * Spans with an invalid trace_id/span_id/parent_span_id are dropped and counted in `rejected`.
 * An empty body gives an empty batch. Throws PharosError('PHAROS_ERR_OTLP_MALFORMED') when
 * the bytes are not a well-formed protobuf message.
 */
export function decodeTracesProtobuf(body: Uint8Array): DecodeResult {
  const spans: Span[] = [];
  const rejections = new Rejections();
  readExportRequest(body, (r, resource, scope) => readSpan(r, resource, scope, spans, rejections));
  return { batch: { spans, logs: [], points: [] }, rejected: rejections.count, rejectionMessages: rejections.messages };
}

/**
 * Decodes an OTLP ExportLogsServiceRequest (protobuf bytes) into log records.
 * Times are Unix nanoseconds (bigint); trace/span ids lowercase hex or '' when absent (or all zero).
 * Records whose trace_id/span_id have the wrong length are dropped and counted in `rejected`.
 * Throws PharosError('PHAROS_ERR_OTLP_MALFORMED') on bytes that are not a well-formed message.
 */
export function decodeLogsProtobuf(body: Uint8Array): DecodeResult {
  const logs: LogRecord[] = [];
  const rejections = new Rejections();
  readExportRequest(body, (r, resource, scope) => readLogRecord(r, resource, scope, logs, rejections));
  return { batch: { spans: [], logs, points: [] }, rejected: rejections.count, rejectionMessages: rejections.messages };
}

/**
 * Decodes an OTLP ExportMetricsServiceRequest (protobuf bytes) into metric points, one
 * shared MetricDescriptor per OTLP Metric. Times are Unix nanoseconds (bigint); as_int values
 * are bigint, as_double values number; counts are numbers (exact up to 2^53).
 * Gauge/sum points carrying no value (and no NO_RECORDED_VALUE flag) are dropped and
 * counted in `rejected`. Throws PharosError('PHAROS_ERR_OTLP_MALFORMED') on malformed bytes.
 */
export function decodeMetricsProtobuf(body: Uint8Array): DecodeResult {
  const points: MetricPoint[] = [];
  const rejections = new Rejections();
  readExportRequest(body, (r, resource, scope) => readMetric(r, { resource, scope, points, rejections }));
  return { batch: { spans: [], logs: [], points }, rejected: rejections.count, rejectionMessages: rejections.messages };
}

/** Reads one item (span, log record or metric) of a scope; the item is the reader's current message. */
type ItemReader = (r: ProtobufReader, resource: Resource, scope: InstrumentationScope) => void;

/**
 * Walks the envelope the three export requests share, calling `readItem` per item:
 *   Export*ServiceRequest { repeated Resource* resource_* = 1; }
 *   Resource* { Resource resource = 1; repeated Scope* scope_* = 2; string schema_url = 3; }
 *   Scope* { InstrumentationScope scope = 1; repeated <item> items = 2; string schema_url = 3; }
 */
function readExportRequest(body: Uint8Array, readItem: ItemReader): void {
  const r = new ProtobufReader(body);
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) readResourceEnvelope(r, readItem);
    else r.skipField(tag);
  }
}

function readResourceEnvelope(r: ProtobufReader, readItem: ItemReader): void {
  const outer = r.enterMessage();
  const resource = createResource();
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        readResource(r, resource);
        break;
      case (2 << 3) | LEN:
        readScopeEnvelope(r, resource, readItem);
        break;
      case (3 << 3) | LEN:
        resource.schemaUrl = r.readString();
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
}

function readScopeEnvelope(r: ProtobufReader, resource: Resource, readItem: ItemReader): void {
  const outer = r.enterMessage();
  const scope = createScope();
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        readScope(r, scope);
        break;
      case (2 << 3) | LEN:
        readItem(r, resource, scope);
        break;
      case (3 << 3) | LEN:
        scope.schemaUrl = r.readString();
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
}

// ---------------------------------------------------------------------------
// common.proto, resource.proto

/** KeyValue { string key = 1; AnyValue value = 2; } written into `attributes` (last duplicate wins). */
function readKeyValue(r: ProtobufReader, attributes: Attributes, depth: number): void {
  const outer = r.enterMessage();
  let key = '';
  let value: AnyValue = null;
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        key = r.readString();
        break;
      case (2 << 3) | LEN:
        value = readAnyValue(r, depth);
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
  attributes[key] = value;
}

/**
 * AnyValue { oneof { string_value 1; bool_value 2; int64 int_value 3; double double_value 4;
 * ArrayValue array_value 5; KeyValueList kvlist_value 6; bytes bytes_value 7 } }. Unset → null.
 */
function readAnyValue(r: ProtobufReader, depth: number): AnyValue {
  if (depth >= MAX_ANY_VALUE_DEPTH) throw malformedProtobuf(`AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  const outer = r.enterMessage();
  let value: AnyValue = null;
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        value = r.readString();
        break;
      case (2 << 3) | VARINT:
        value = r.readBool();
        break;
      case (3 << 3) | VARINT:
        value = r.readInt64();
        break;
      case (4 << 3) | I64:
        value = r.readDouble();
        break;
      case (5 << 3) | LEN:
        value = readArrayValue(r, depth + 1);
        break;
      case (6 << 3) | LEN:
        value = readKeyValueList(r, depth + 1);
        break;
      case (7 << 3) | LEN:
        value = r.readBytes();
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
  return value;
}

/** ArrayValue { repeated AnyValue values = 1; } */
function readArrayValue(r: ProtobufReader, depth: number): AnyValue[] {
  const outer = r.enterMessage();
  const values: AnyValue[] = [];
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) values.push(readAnyValue(r, depth));
    else r.skipField(tag);
  }
  r.leaveMessage(outer);
  return values;
}

/** KeyValueList { repeated KeyValue values = 1; } */
function readKeyValueList(r: ProtobufReader, depth: number): Attributes {
  const outer = r.enterMessage();
  const attributes = createAttributes();
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) readKeyValue(r, attributes, depth);
    else r.skipField(tag);
  }
  r.leaveMessage(outer);
  return attributes;
}

function createResource(): Resource {
  return { attributes: createAttributes(), droppedAttributesCount: 0, schemaUrl: '' };
}

function createScope(): InstrumentationScope {
  return { name: '', version: '', attributes: createAttributes(), droppedAttributesCount: 0, schemaUrl: '' };
}

/** Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; } */
function readResource(r: ProtobufReader, resource: Resource): void {
  const outer = r.enterMessage();
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        readKeyValue(r, resource.attributes, 0);
        break;
      case (2 << 3) | VARINT:
        resource.droppedAttributesCount = r.readVarint32();
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
}

/** InstrumentationScope { name 1; version 2; repeated KeyValue attributes 3; uint32 dropped_attributes_count 4; } */
function readScope(r: ProtobufReader, scope: InstrumentationScope): void {
  const outer = r.enterMessage();
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        scope.name = r.readString();
        break;
      case (2 << 3) | LEN:
        scope.version = r.readString();
        break;
      case (3 << 3) | LEN:
        readKeyValue(r, scope.attributes, 0);
        break;
      case (4 << 3) | VARINT:
        scope.droppedAttributesCount = r.readVarint32();
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
}

// ---------------------------------------------------------------------------
// trace.proto

/** Span: trace_id 1, span_id 2, trace_state 3, parent_span_id 4, name 5, kind 6, start 7, end 8,
 * attributes 9, dropped_attributes_count 10, events 11, dropped_events_count 12, links 13,
 * dropped_links_count 14, status 15 { message 2, code 3 }, flags 16 (fixed32). */
function readSpan(r: ProtobufReader, resource: Resource, scope: InstrumentationScope, spans: Span[], rejections: Rejections): void {
  const outer = r.enterMessage();
  let traceId = '';
  let spanId = '';
  let traceState = '';
  let parentSpanId = '';
  let flags = 0;
  let name = '';
  let kind = 0;
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  const attributes = createAttributes();
  let droppedAttributesCount = 0;
  const events: SpanEvent[] = [];
  let droppedEventsCount = 0;
  const links: SpanLink[] = [];
  let droppedLinksCount = 0;
  let statusCode = 0;
  let statusMessage = '';
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        traceId = r.readBytesHex();
        break;
      case (2 << 3) | LEN:
        spanId = r.readBytesHex();
        break;
      case (3 << 3) | LEN:
        traceState = r.readString();
        break;
      case (4 << 3) | LEN:
        parentSpanId = r.readBytesHex();
        break;
      case (5 << 3) | LEN:
        name = r.readString();
        break;
      case (6 << 3) | VARINT:
        kind = r.readInt32();
        break;
      case (7 << 3) | I64:
        startTimeUnixNano = r.readFixed64();
        break;
      case (8 << 3) | I64:
        endTimeUnixNano = r.readFixed64();
        break;
      case (9 << 3) | LEN:
        readKeyValue(r, attributes, 0);
        break;
      case (10 << 3) | VARINT:
        droppedAttributesCount = r.readVarint32();
        break;
      case (11 << 3) | LEN:
        events.push(readEvent(r));
        break;
      case (12 << 3) | VARINT:
        droppedEventsCount = r.readVarint32();
        break;
      case (13 << 3) | LEN:
        links.push(readLink(r));
        break;
      case (14 << 3) | VARINT:
        droppedLinksCount = r.readVarint32();
        break;
      case (15 << 3) | LEN: {
        const statusOuter = r.enterMessage();
        while (r.pos < r.limit) {
          const statusTag = r.readTag();
          if (statusTag === ((2 << 3) | LEN)) statusMessage = r.readString();
          else if (statusTag === ((3 << 3) | VARINT)) statusCode = r.readInt32();
          else r.skipField(statusTag);
        }
        r.leaveMessage(statusOuter);
        break;
      }
      case (16 << 3) | I32:
        flags = r.readFixed32();
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
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

/** Span.Event { fixed64 time_unix_nano = 1; name 2; attributes 3; dropped_attributes_count 4; } */
function readEvent(r: ProtobufReader): SpanEvent {
  const outer = r.enterMessage();
  const event: SpanEvent = { timeUnixNano: 0n, name: '', attributes: createAttributes(), droppedAttributesCount: 0 };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | I64:
        event.timeUnixNano = r.readFixed64();
        break;
      case (2 << 3) | LEN:
        event.name = r.readString();
        break;
      case (3 << 3) | LEN:
        readKeyValue(r, event.attributes, 0);
        break;
      case (4 << 3) | VARINT:
        event.droppedAttributesCount = r.readVarint32();
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
  return event;
}

/** Span.Link { trace_id 1; span_id 2; trace_state 3; attributes 4; dropped_attributes_count 5; fixed32 flags 6; }
 * Link ids are kept as received (hex), not validated: a bad link does not make the span invalid. */
function readLink(r: ProtobufReader): SpanLink {
  const outer = r.enterMessage();
  const link: SpanLink = { traceId: '', spanId: '', traceState: '', attributes: createAttributes(), droppedAttributesCount: 0, flags: 0 };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        link.traceId = r.readBytesHex();
        break;
      case (2 << 3) | LEN:
        link.spanId = r.readBytesHex();
        break;
      case (3 << 3) | LEN:
        link.traceState = r.readString();
        break;
      case (4 << 3) | LEN:
        readKeyValue(r, link.attributes, 0);
        break;
      case (5 << 3) | VARINT:
        link.droppedAttributesCount = r.readVarint32();
        break;
      case (6 << 3) | I32:
        link.flags = r.readFixed32();
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
  return link;
}

// ---------------------------------------------------------------------------
// logs.proto

/** LogRecord: time 1 (fixed64), severity_number 2, severity_text 3, body 5, attributes 6,
 * dropped_attributes_count 7, flags 8 (fixed32), trace_id 9, span_id 10, observed_time 11 (fixed64), event_name 12. */
function readLogRecord(r: ProtobufReader, resource: Resource, scope: InstrumentationScope, logs: LogRecord[], rejections: Rejections): void {
  const outer = r.enterMessage();
  let timeUnixNano = 0n;
  let observedTimeUnixNano = 0n;
  let severityNumber = 0;
  let severityText = '';
  let body: AnyValue = null;
  const attributes = createAttributes();
  let droppedAttributesCount = 0;
  let flags = 0;
  let traceId = '';
  let spanId = '';
  let eventName = '';
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | I64:
        timeUnixNano = r.readFixed64();
        break;
      case (2 << 3) | VARINT:
        severityNumber = r.readInt32();
        break;
      case (3 << 3) | LEN:
        severityText = r.readString();
        break;
      case (5 << 3) | LEN:
        body = readAnyValue(r, 0);
        break;
      case (6 << 3) | LEN:
        readKeyValue(r, attributes, 0);
        break;
      case (7 << 3) | VARINT:
        droppedAttributesCount = r.readVarint32();
        break;
      case (8 << 3) | I32:
        flags = r.readFixed32();
        break;
      case (9 << 3) | LEN:
        traceId = r.readBytesHex();
        break;
      case (10 << 3) | LEN:
        spanId = r.readBytesHex();
        break;
      case (11 << 3) | I64:
        observedTimeUnixNano = r.readFixed64();
        break;
      case (12 << 3) | LEN:
        eventName = r.readString();
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
  acceptLogRecord(
    { resource, scope, timeUnixNano, observedTimeUnixNano, severityNumber, severityText, body, attributes, droppedAttributesCount, flags, traceId, spanId, eventName },
    logs,
    rejections,
  );
}

// ---------------------------------------------------------------------------
// metrics.proto


/** Metric { name 1; description 2; unit 3; oneof data { Gauge gauge 5; Sum sum 7; Histogram histogram 9;
 * ExponentialHistogram exponential_histogram 10; Summary summary 11 } repeated KeyValue metadata 12; } */
function readMetric(r: ProtobufReader, ctx: MetricContext): void {
  const outer = r.enterMessage();
  const metric: MetricDescriptor = {
    name: '',
    description: '',
    unit: '',
    type: 'gauge',
    aggregationTemporality: 0,
    isMonotonic: false,
    metadata: createAttributes(),
  };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        metric.name = r.readString();
        break;
      case (2 << 3) | LEN:
        metric.description = r.readString();
        break;
      case (3 << 3) | LEN:
        metric.unit = r.readString();
        break;
      case (5 << 3) | LEN:
        metric.type = 'gauge';
        readMetricData(r, ctx, metric, readNumberPoint);
        break;
      case (7 << 3) | LEN:
        metric.type = 'sum';
        readMetricData(r, ctx, metric, readNumberPoint);
        break;
      case (9 << 3) | LEN:
        metric.type = 'histogram';
        readMetricData(r, ctx, metric, readHistogramPoint);
        break;
      case (10 << 3) | LEN:
        metric.type = 'exponential_histogram';
        readMetricData(r, ctx, metric, readExponentialHistogramPoint);
        break;
      case (11 << 3) | LEN:
        metric.type = 'summary';
        readMetricData(r, ctx, metric, readSummaryPoint);
        break;
      case (12 << 3) | LEN:
        readKeyValue(r, metric.metadata, 0);
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
}

type PointReader = (r: ProtobufReader, ctx: MetricContext, metric: MetricDescriptor) => void;

/**
 * Gauge { data_points 1 }, Sum { data_points 1; aggregation_temporality 2; bool is_monotonic 3 },
 * Histogram / ExponentialHistogram { data_points 1; aggregation_temporality 2 }, Summary { data_points 1 }:
 * fields 2 and 3 are read whatever the type, since they only occur where they are defined.
 */
function readMetricData(r: ProtobufReader, ctx: MetricContext, metric: MetricDescriptor, readPoint: PointReader): void {
  const outer = r.enterMessage();
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        readPoint(r, ctx, metric);
        break;
      case (2 << 3) | VARINT:
        if (metric.type === 'gauge' || metric.type === 'summary') r.skipField(tag);
        else metric.aggregationTemporality = toTemporality(r.readInt32());
        break;
      case (3 << 3) | VARINT:
        if (metric.type === 'sum') metric.isMonotonic = r.readBool();
        else r.skipField(tag);
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
}

/** NumberDataPoint: attributes 7, start 2, time 3, as_double 4, as_int 6 (sfixed64), exemplars 5, flags 8. */
function readNumberPoint(r: ProtobufReader, ctx: MetricContext, metric: MetricDescriptor): void {
  const outer = r.enterMessage();
  const attributes = createAttributes();
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let flags = 0;
  const exemplars: Exemplar[] = [];
  let value: number | bigint | undefined;
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (7 << 3) | LEN:
        readKeyValue(r, attributes, 0);
        break;
      case (2 << 3) | I64:
        startTimeUnixNano = r.readFixed64();
        break;
      case (3 << 3) | I64:
        timeUnixNano = r.readFixed64();
        break;
      case (4 << 3) | I64:
        value = r.readDouble();
        break;
      case (6 << 3) | I64:
        value = r.readSfixed64();
        break;
      case (5 << 3) | LEN:
        exemplars.push(readExemplar(r));
        break;
      case (8 << 3) | VARINT:
        flags = r.readVarint32();
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
  if (value === undefined) {
    if ((flags & FLAG_NO_RECORDED_VALUE) === 0) {
      ctx.rejections.add(NO_VALUE_MESSAGE);
      return;
    }
    value = 0;
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

/** HistogramDataPoint: attributes 9, start 2, time 3, count 4 (fixed64), sum 5, bucket_counts 6 (fixed64),
 * explicit_bounds 7 (double), exemplars 8, flags 10, min 11, max 12. */
function readHistogramPoint(r: ProtobufReader, ctx: MetricContext, metric: MetricDescriptor): void {
  const outer = r.enterMessage();
  const attributes = createAttributes();
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let flags = 0;
  const exemplars: Exemplar[] = [];
  let count = 0;
  let sum: number | undefined;
  let min: number | undefined;
  let max: number | undefined;
  const bucketCounts: number[] = [];
  const explicitBounds: number[] = [];
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (9 << 3) | LEN:
        readKeyValue(r, attributes, 0);
        break;
      case (2 << 3) | I64:
        startTimeUnixNano = r.readFixed64();
        break;
      case (3 << 3) | I64:
        timeUnixNano = r.readFixed64();
        break;
      case (4 << 3) | I64:
        count = r.readFixed64Number();
        break;
      case (5 << 3) | I64:
        sum = r.readDouble();
        break;
      case (6 << 3) | LEN:
        r.readPackedFixed64Numbers(bucketCounts);
        break;
      case (6 << 3) | I64:
        bucketCounts.push(r.readFixed64Number());
        break;
      case (7 << 3) | LEN:
        r.readPackedDoubles(explicitBounds);
        break;
      case (7 << 3) | I64:
        explicitBounds.push(r.readDouble());
        break;
      case (8 << 3) | LEN:
        exemplars.push(readExemplar(r));
        break;
      case (10 << 3) | VARINT:
        flags = r.readVarint32();
        break;
      case (11 << 3) | I64:
        min = r.readDouble();
        break;
      case (12 << 3) | I64:
        max = r.readDouble();
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
  ctx.points.push({
    resource: ctx.resource,
    scope: ctx.scope,
    metric,
    attributes,
    startTimeUnixNano,
    timeUnixNano,
    flags,
    exemplars,
    kind: 'histogram',
    count,
    sum,
    min,
    max,
    bucketCounts,
    explicitBounds,
  });
}

/** ExponentialHistogramDataPoint: attributes 1, start 2, time 3, count 4 (fixed64), sum 5, scale 6 (sint32),
 * zero_count 7 (fixed64), positive 8, negative 9, flags 10, exemplars 11, min 12, max 13, zero_threshold 14. */
function readExponentialHistogramPoint(r: ProtobufReader, ctx: MetricContext, metric: MetricDescriptor): void {
  const outer = r.enterMessage();
  const attributes = createAttributes();
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let flags = 0;
  const exemplars: Exemplar[] = [];
  let count = 0;
  let sum: number | undefined;
  let min: number | undefined;
  let max: number | undefined;
  let scale = 0;
  let zeroCount = 0;
  let zeroThreshold = 0;
  const positive: ExponentialBuckets = { offset: 0, bucketCounts: [] };
  const negative: ExponentialBuckets = { offset: 0, bucketCounts: [] };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        readKeyValue(r, attributes, 0);
        break;
      case (2 << 3) | I64:
        startTimeUnixNano = r.readFixed64();
        break;
      case (3 << 3) | I64:
        timeUnixNano = r.readFixed64();
        break;
      case (4 << 3) | I64:
        count = r.readFixed64Number();
        break;
      case (5 << 3) | I64:
        sum = r.readDouble();
        break;
      case (6 << 3) | VARINT:
        scale = r.readSint32();
        break;
      case (7 << 3) | I64:
        zeroCount = r.readFixed64Number();
        break;
      case (8 << 3) | LEN:
        readBuckets(r, positive);
        break;
      case (9 << 3) | LEN:
        readBuckets(r, negative);
        break;
      case (10 << 3) | VARINT:
        flags = r.readVarint32();
        break;
      case (11 << 3) | LEN:
        exemplars.push(readExemplar(r));
        break;
      case (12 << 3) | I64:
        min = r.readDouble();
        break;
      case (13 << 3) | I64:
        max = r.readDouble();
        break;
      case (14 << 3) | I64:
        zeroThreshold = r.readDouble();
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
  ctx.points.push({
    resource: ctx.resource,
    scope: ctx.scope,
    metric,
    attributes,
    startTimeUnixNano,
    timeUnixNano,
    flags,
    exemplars,
    kind: 'exponential_histogram',
    count,
    sum,
    min,
    max,
    scale,
    zeroCount,
    zeroThreshold,
    positive,
    negative,
  });
}

/** ExponentialHistogramDataPoint.Buckets { sint32 offset = 1; repeated uint64 bucket_counts = 2; } */
function readBuckets(r: ProtobufReader, buckets: ExponentialBuckets): void {
  const outer = r.enterMessage();
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | VARINT:
        buckets.offset = r.readSint32();
        break;
      case (2 << 3) | LEN:
        r.readPackedUint64Numbers(buckets.bucketCounts);
        break;
      case (2 << 3) | VARINT:
        buckets.bucketCounts.push(r.readUint64Number());
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
}

/** SummaryDataPoint: attributes 7, start 2, time 3, count 4 (fixed64), sum 5 (double),
 * quantile_values 6 { quantile 1, value 2 }, flags 8. */
function readSummaryPoint(r: ProtobufReader, ctx: MetricContext, metric: MetricDescriptor): void {
  const outer = r.enterMessage();
  const attributes = createAttributes();
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let flags = 0;
  let count = 0;
  let sum = 0;
  const quantileValues: Array<{ quantile: number; value: number }> = [];
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (7 << 3) | LEN:
        readKeyValue(r, attributes, 0);
        break;
      case (2 << 3) | I64:
        startTimeUnixNano = r.readFixed64();
        break;
      case (3 << 3) | I64:
        timeUnixNano = r.readFixed64();
        break;
      case (4 << 3) | I64:
        count = r.readFixed64Number();
        break;
      case (5 << 3) | I64:
        sum = r.readDouble();
        break;
      case (6 << 3) | LEN: {
        const quantileOuter = r.enterMessage();
        let quantile = 0;
        let value = 0;
        while (r.pos < r.limit) {
          const quantileTag = r.readTag();
          if (quantileTag === ((1 << 3) | I64)) quantile = r.readDouble();
          else if (quantileTag === ((2 << 3) | I64)) value = r.readDouble();
          else r.skipField(quantileTag);
        }
        r.leaveMessage(quantileOuter);
        quantileValues.push({ quantile, value });
        break;
      }
      case (8 << 3) | VARINT:
        flags = r.readVarint32();
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
  ctx.points.push({
    resource: ctx.resource,
    scope: ctx.scope,
    metric,
    attributes,
    startTimeUnixNano,
    timeUnixNano,
    flags,
    exemplars: [],
    kind: 'summary',
    count,
    sum,
    quantileValues,
  });
}

/** Exemplar: filtered_attributes 7, time 2 (fixed64), as_double 3, as_int 6 (sfixed64), span_id 4, trace_id 5. */
function readExemplar(r: ProtobufReader): Exemplar {
  const outer = r.enterMessage();
  const exemplar: Exemplar = { timeUnixNano: 0n, value: 0, filteredAttributes: createAttributes(), traceId: '', spanId: '' };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (7 << 3) | LEN:
        readKeyValue(r, exemplar.filteredAttributes, 0);
        break;
      case (2 << 3) | I64:
        exemplar.timeUnixNano = r.readFixed64();
        break;
      case (3 << 3) | I64:
        exemplar.value = r.readDouble();
        break;
      case (6 << 3) | I64:
        exemplar.value = r.readSfixed64();
        break;
      case (4 << 3) | LEN:
        exemplar.spanId = normalizeExemplarSpanId(r.readBytesHex());
        break;
      case (5 << 3) | LEN:
        exemplar.traceId = normalizeExemplarTraceId(r.readBytesHex());
        break;
      default:
        r.skipField(tag);
    }
  }
  r.leaveMessage(outer);
  return exemplar;
}
