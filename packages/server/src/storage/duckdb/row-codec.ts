import {
  createAttributes,
  decodeAnyValueJson,
  decodeAttributesJson,
  encodeAnyValueJson,
  encodeAttributesJson,
  jsonString,
  serviceNameOf,
  type AnyValue,
  type Attributes,
  type InstrumentationScope,
  type LogRecord,
  type MetricDescriptor,
  type MetricPoint,
  type Resource,
  type Span,
  type SpanEvent,
  type SpanKind,
  type SpanLink,
  type StatusCode,
} from '@pharos/core';
import { LIST, UBIGINT, DOUBLE, listValue, type DuckDBAppender } from '@duckdb/node-api';

/**
 * Row encoding and decoding between the internal model and the DuckDB tables of
 * schema.ts. Appends are positional: the order of appendX calls is the column order.
 */

const UBIGINT_LIST = LIST(UBIGINT);
const DOUBLE_LIST = LIST(DOUBLE);

/** Hex id → unsigned integer (trace ids 128-bit, span ids 64-bit). '' → 0. */
export function hexToBigInt(hex: string): bigint {
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

/** Unsigned integer → hex id of `hexLength` characters; 0 or null → ''. */
export function bigIntToHex(value: bigint | null, hexLength: number): string {
  return value === null || value === 0n ? '' : value.toString(16).padStart(hexLength, '0');
}

/**
 * Whole nanoseconds from a duration DuckDB computed: a quantile_cont result (a double,
 * rounded to the nearest ns) or an integer column; null (nothing to measure) stays null.
 */
export function nanosOf(value: unknown): bigint | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'bigint' ? value : BigInt(Math.round(Number(value)));
}

/** Whole nanoseconds of entry `i` of a list-valued quantile_cont result (see nanosOf); null when absent. */
export function quantileNanosOf(quantiles: unknown, i: number): bigint | null {
  return Array.isArray(quantiles) ? nanosOf(quantiles[i]) : null;
}

/** Caches the JSON of resources and scopes, which many rows share. */
export class SharedJsonCache {
  private readonly resources = new WeakMap<Resource, string>();
  private readonly scopes = new WeakMap<InstrumentationScope, string>();
  private readonly descriptors = new WeakMap<MetricDescriptor, string>();

  resourceJson(resource: Resource): string {
    let json = this.resources.get(resource);
    if (json === undefined) this.resources.set(resource, (json = encodeAttributesJson(resource.attributes)));
    return json;
  }

  scopeJson(scope: InstrumentationScope): string {
    let json = this.scopes.get(scope);
    if (json === undefined) this.scopes.set(scope, (json = encodeAttributesJson(scope.attributes)));
    return json;
  }

  metadataJson(descriptor: MetricDescriptor): string {
    let json = this.descriptors.get(descriptor);
    if (json === undefined) this.descriptors.set(descriptor, (json = encodeAttributesJson(descriptor.metadata)));
    return json;
  }
}

/**
 * Numbers the distinct resource/scope pairs of one staged batch. Rows carry the number;
 * each pair is appended once to the resource/scope staging table.
 */
export class ResourceScopeRefs {
  private readonly byResource = new Map<Resource, Map<InstrumentationScope, number>>();
  private next = 1;

  constructor(
    private readonly appender: DuckDBAppender,
    private readonly cache: SharedJsonCache,
  ) {}

  refOf(resource: Resource, scope: InstrumentationScope): number {
    let scopes = this.byResource.get(resource);
    if (scopes === undefined) this.byResource.set(resource, (scopes = new Map()));
    let ref = scopes.get(scope);
    if (ref === undefined) {
      ref = this.next++;
      scopes.set(scope, ref);
      const a = this.appender;
      a.appendUInteger(ref);
      a.appendVarchar(this.cache.resourceJson(resource));
      a.appendUInteger(resource.droppedAttributesCount);
      a.appendVarchar(resource.schemaUrl);
      a.appendVarchar(scope.name);
      a.appendVarchar(scope.version);
      a.appendVarchar(this.cache.scopeJson(scope));
      a.appendUInteger(scope.droppedAttributesCount);
      a.appendVarchar(scope.schemaUrl);
      a.endRow();
    }
    return ref;
  }
}

function encodeEvents(events: SpanEvent[]): string {
  return `[${events
    .map((e) => `{"t":${e.timeUnixNano},"n":${jsonString(e.name)},"a":${encodeAttributesJson(e.attributes)},"d":${e.droppedAttributesCount}}`)
    .join(',')}]`;
}

function encodeLinks(links: SpanLink[]): string {
  return `[${links
    .map(
      (l) =>
        `{"tid":"${l.traceId}","sid":"${l.spanId}","ts":${jsonString(l.traceState)},"a":${encodeAttributesJson(l.attributes)},"d":${l.droppedAttributesCount},"f":${l.flags}}`,
    )
    .join(',')}]`;
}

/** Appends one span row (spans table). */
export function appendSpanRow(appender: DuckDBAppender, refs: ResourceScopeRefs, span: Span): void {
  appender.appendBigInt(span.startTimeUnixNano);
  appender.appendBigInt(span.endTimeUnixNano - span.startTimeUnixNano);
  appender.appendUHugeInt(hexToBigInt(span.traceId));
  appender.appendUBigInt(hexToBigInt(span.spanId));
  appender.appendUBigInt(hexToBigInt(span.parentSpanId));
  appender.appendVarchar(serviceNameOf(span.resource));
  appender.appendVarchar(span.name);
  appender.appendUTinyInt(span.kind);
  appender.appendUTinyInt(span.statusCode);
  appender.appendVarchar(span.statusMessage);
  appender.appendVarchar(encodeAttributesJson(span.attributes));
  const rare = encodeRareSpanFields(span);
  if (rare === undefined) appender.appendNull();
  else appender.appendVarchar(rare);
  appender.appendUInteger(refs.refOf(span.resource, span.scope));
}

/** The staged `rare_fields` object of a span (keys as in schema.ts), or undefined when all are defaults. */
function encodeRareSpanFields(span: Span): string | undefined {
  const parts: string[] = [];
  if (span.traceState !== '') parts.push(`"ts":${jsonString(span.traceState)}`);
  if (span.flags !== 0) parts.push(`"f":${span.flags}`);
  if (span.droppedAttributesCount !== 0) parts.push(`"da":${span.droppedAttributesCount}`);
  if (span.events.length > 0) parts.push(`"ev":${jsonString(encodeEvents(span.events))}`);
  if (span.droppedEventsCount !== 0) parts.push(`"de":${span.droppedEventsCount}`);
  if (span.links.length > 0) parts.push(`"li":${jsonString(encodeLinks(span.links))}`);
  if (span.droppedLinksCount !== 0) parts.push(`"dl":${span.droppedLinksCount}`);
  return parts.length === 0 ? undefined : `{${parts.join(',')}}`;
}

/** The time a log record is ordered and partitioned by. */
export function effectiveLogTime(record: LogRecord): bigint {
  return record.timeUnixNano !== 0n ? record.timeUnixNano : record.observedTimeUnixNano;
}

/** Appends one log row (logs table). */
export function appendLogRow(appender: DuckDBAppender, refs: ResourceScopeRefs, record: LogRecord): void {
  appender.appendBigInt(effectiveLogTime(record));
  appender.appendBigInt(record.timeUnixNano);
  appender.appendBigInt(record.observedTimeUnixNano);
  appender.appendVarchar(serviceNameOf(record.resource));
  appender.appendUTinyInt(record.severityNumber);
  appender.appendVarchar(record.severityText);
  if (typeof record.body === 'string') {
    appender.appendVarchar(record.body);
    appender.appendNull();
  } else {
    appender.appendNull();
    appender.appendVarchar(encodeAnyValueJson(record.body));
  }
  appender.appendVarchar(encodeAttributesJson(record.attributes));
  appender.appendUInteger(record.droppedAttributesCount);
  appender.appendUInteger(record.flags);
  if (record.traceId === '') appender.appendNull();
  else appender.appendUHugeInt(hexToBigInt(record.traceId));
  if (record.spanId === '') appender.appendNull();
  else appender.appendUBigInt(hexToBigInt(record.spanId));
  appender.appendVarchar(record.eventName);
  appender.appendUInteger(refs.refOf(record.resource, record.scope));
}

function appendOptionalDouble(appender: DuckDBAppender, value: number | undefined): void {
  if (value === undefined) appender.appendNull();
  else appender.appendDouble(value);
}

function appendCounts(appender: DuckDBAppender, counts: number[] | undefined): void {
  if (counts === undefined) appender.appendNull();
  else appender.appendList(listValue(counts.map((c) => BigInt(c))), UBIGINT_LIST);
}

function appendDoubles(appender: DuckDBAppender, values: number[] | undefined): void {
  if (values === undefined) appender.appendNull();
  else appender.appendList(listValue(values), DOUBLE_LIST);
}

function encodeExemplars(point: MetricPoint): string | undefined {
  if (point.exemplars.length === 0) return undefined;
  return `[${point.exemplars
    .map(
      (e) =>
        `{"t":${e.timeUnixNano},"v":${encodeAnyValueJson(e.value)},"a":${encodeAttributesJson(e.filteredAttributes)},"tid":"${e.traceId}","sid":"${e.spanId}"}`,
    )
    .join(',')}]`;
}

/** Appends one metric point row (metrics table). */
export function appendPointRow(appender: DuckDBAppender, cache: SharedJsonCache, refs: ResourceScopeRefs, point: MetricPoint): void {
  const m = point.metric;
  appender.appendBigInt(point.timeUnixNano);
  appender.appendBigInt(point.startTimeUnixNano);
  appender.appendVarchar(serviceNameOf(point.resource));
  appender.appendVarchar(m.name);
  appender.appendVarchar(m.type);
  appender.appendVarchar(m.unit);
  appender.appendVarchar(m.description);
  appender.appendUTinyInt(m.aggregationTemporality);
  appender.appendBoolean(m.isMonotonic);
  appender.appendVarchar(cache.metadataJson(m));
  appender.appendVarchar(encodeAttributesJson(point.attributes));
  appender.appendUInteger(point.flags);
  // value_double, value_int
  if (point.kind === 'number' && typeof point.value === 'number') appender.appendDouble(point.value);
  else appender.appendNull();
  if (point.kind === 'number' && typeof point.value === 'bigint') appender.appendBigInt(point.value);
  else appender.appendNull();
  if (point.kind === 'number') {
    for (let i = 0; i < 4; i++) appender.appendNull(); // count, sum, min, max
  } else {
    appender.appendUBigInt(BigInt(point.count));
    appendOptionalDouble(appender, point.sum);
    appendOptionalDouble(appender, point.kind === 'summary' ? undefined : point.min);
    appendOptionalDouble(appender, point.kind === 'summary' ? undefined : point.max);
  }
  appendCounts(appender, point.kind === 'histogram' ? point.bucketCounts : undefined);
  appendDoubles(appender, point.kind === 'histogram' ? point.explicitBounds : undefined);
  if (point.kind === 'exponential_histogram') {
    appender.appendInteger(point.scale);
    appender.appendUBigInt(BigInt(point.zeroCount));
    appender.appendDouble(point.zeroThreshold);
    appender.appendInteger(point.positive.offset);
    appendCounts(appender, point.positive.bucketCounts);
    appender.appendInteger(point.negative.offset);
    appendCounts(appender, point.negative.bucketCounts);
  } else {
    for (let i = 0; i < 7; i++) appender.appendNull();
  }
  appendDoubles(appender, point.kind === 'summary' ? point.quantileValues.map((q) => q.quantile) : undefined);
  appendDoubles(appender, point.kind === 'summary' ? point.quantileValues.map((q) => q.value) : undefined);
  const exemplars = encodeExemplars(point);
  if (exemplars === undefined) appender.appendNull();
  else appender.appendVarchar(exemplars);
  appender.appendUInteger(refs.refOf(point.resource, point.scope));
}

/** Decodes a MAP(VARCHAR, JSON) column value (`[{key, value}]` from the JS reader) into attributes. */
export function decodeAttributesMap(value: unknown): Attributes {
  const attributes = createAttributes();
  if (!Array.isArray(value)) return attributes;
  for (const entry of value as Array<{ key: unknown; value: unknown }>) {
    attributes[String(entry.key)] = decodeAnyValueJson(String(entry.value));
  }
  return attributes;
}

// ---- decoding rows read back (row objects from DuckDBResultReader.getRowObjectsJS) ----

type Row = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : 0);
const big = (v: unknown): bigint => (typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : 0n);
const optNum = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : num(v));
const nums = (v: unknown): number[] => (Array.isArray(v) ? v.map(num) : []);

/** Shares Resource and Scope objects between rows of one query result. */
export class SharedObjectCache {
  private readonly resources = new Map<string, Resource>();
  private readonly scopes = new Map<string, InstrumentationScope>();

  resourceOf(row: Row): Resource {
    const key = `${str(row.resource_attributes)}\u0000${num(row.resource_dropped_attributes_count)}\u0000${str(row.resource_schema_url)}`;
    let resource = this.resources.get(key);
    if (resource === undefined) {
      resource = {
        attributes: decodeAttributesJson(str(row.resource_attributes)),
        droppedAttributesCount: num(row.resource_dropped_attributes_count),
        schemaUrl: str(row.resource_schema_url),
      };
      this.resources.set(key, resource);
    }
    return resource;
  }

  scopeOf(row: Row): InstrumentationScope {
    const key = [row.scope_name, row.scope_version, row.scope_attributes, row.scope_dropped_attributes_count, row.scope_schema_url].join('\u0000');
    let scope = this.scopes.get(key);
    if (scope === undefined) {
      scope = {
        name: str(row.scope_name),
        version: str(row.scope_version),
        attributes: decodeAttributesJson(str(row.scope_attributes)),
        droppedAttributesCount: num(row.scope_dropped_attributes_count),
        schemaUrl: str(row.scope_schema_url),
      };
      this.scopes.set(key, scope);
    }
    return scope;
  }
}

function asObject(value: AnyValue): Attributes {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array) ? value : createAttributes();
}

function decodeJsonArray(text: unknown): Attributes[] {
  if (typeof text !== 'string' || text === '') return [];
  const value = decodeAnyValueJson(text);
  return Array.isArray(value) ? value.map(asObject) : [];
}

function decodeEvents(text: unknown): SpanEvent[] {
  return decodeJsonArray(text).map((e) => ({
    timeUnixNano: big(e.t),
    name: str(e.n),
    attributes: asObject(e.a ?? null),
    droppedAttributesCount: num(e.d),
  }));
}

function decodeLinks(text: unknown): SpanLink[] {
  return decodeJsonArray(text).map((l) => ({
    traceId: str(l.tid),
    spanId: str(l.sid),
    traceState: str(l.ts),
    attributes: asObject(l.a ?? null),
    droppedAttributesCount: num(l.d),
    flags: num(l.f),
  }));
}

/** Rebuilds a span from a spans-table row. */
export function rowToSpan(row: Row, shared: SharedObjectCache): Span {
  const start = big(row.start_ns);
  return {
    resource: shared.resourceOf(row),
    scope: shared.scopeOf(row),
    traceId: bigIntToHex(big(row.trace_id), 32),
    spanId: bigIntToHex(big(row.span_id), 16),
    parentSpanId: bigIntToHex(big(row.parent_span_id), 16),
    traceState: str(row.trace_state),
    flags: num(row.flags),
    name: str(row.name),
    kind: num(row.kind) as SpanKind,
    startTimeUnixNano: start,
    endTimeUnixNano: start + big(row.duration_ns),
    attributes: decodeAttributesMap(row.attributes),
    droppedAttributesCount: num(row.dropped_attributes_count),
    events: decodeEvents(row.events),
    droppedEventsCount: num(row.dropped_events_count),
    links: decodeLinks(row.links),
    droppedLinksCount: num(row.dropped_links_count),
    statusCode: num(row.status_code) as StatusCode,
    statusMessage: str(row.status_message),
  };
}

/** Rebuilds a log record from a logs-table row. */
export function rowToLog(row: Row, shared: SharedObjectCache): LogRecord {
  return {
    resource: shared.resourceOf(row),
    scope: shared.scopeOf(row),
    timeUnixNano: big(row.time_ns),
    observedTimeUnixNano: big(row.observed_time_ns),
    severityNumber: num(row.severity_number),
    severityText: str(row.severity_text),
    body: typeof row.body_string === 'string' ? row.body_string : decodeAnyValueJson(str(row.body_value)),
    attributes: decodeAttributesMap(row.attributes),
    droppedAttributesCount: num(row.dropped_attributes_count),
    flags: num(row.flags),
    traceId: row.trace_id === null ? '' : bigIntToHex(big(row.trace_id), 32),
    spanId: row.span_id === null ? '' : bigIntToHex(big(row.span_id), 16),
    eventName: str(row.event_name),
  };
}

/** Rebuilds a metric point from a metrics-table row. */
export function rowToPoint(row: Row, shared: SharedObjectCache, descriptors: Map<string, MetricDescriptor>): MetricPoint {
  const descriptorKey = [row.metric_name, row.metric_type, row.metric_unit, row.metric_description, row.temporality, row.is_monotonic, row.metric_metadata].join('\u0000');
  let metric = descriptors.get(descriptorKey);
  if (metric === undefined) {
    metric = {
      name: str(row.metric_name),
      description: str(row.metric_description),
      unit: str(row.metric_unit),
      type: str(row.metric_type) as MetricDescriptor['type'],
      aggregationTemporality: num(row.temporality) as MetricDescriptor['aggregationTemporality'],
      isMonotonic: row.is_monotonic === true,
      metadata: decodeAttributesJson(str(row.metric_metadata)),
    };
    descriptors.set(descriptorKey, metric);
  }
  const base = {
    resource: shared.resourceOf(row),
    scope: shared.scopeOf(row),
    metric,
    attributes: decodeAttributesMap(row.attributes),
    startTimeUnixNano: big(row.start_time_ns),
    timeUnixNano: big(row.time_ns),
    flags: num(row.flags),
    exemplars: decodeJsonArray(row.exemplars).map((e) => ({
      timeUnixNano: big(e.t),
      value: typeof e.v === 'bigint' ? e.v : num(e.v),
      filteredAttributes: asObject(e.a ?? null),
      traceId: str(e.tid),
      spanId: str(e.sid),
    })),
  };
  switch (metric.type) {
    case 'gauge':
    case 'sum':
      return { ...base, kind: 'number', value: row.value_int !== null && row.value_int !== undefined ? big(row.value_int) : num(row.value_double) };
    case 'histogram':
      return {
        ...base,
        kind: 'histogram',
        count: num(row.count),
        sum: optNum(row.sum),
        min: optNum(row.min),
        max: optNum(row.max),
        bucketCounts: nums(row.bucket_counts),
        explicitBounds: nums(row.explicit_bounds),
      };
    case 'exponential_histogram':
      return {
        ...base,
        kind: 'exponential_histogram',
        count: num(row.count),
        sum: optNum(row.sum),
        min: optNum(row.min),
        max: optNum(row.max),
        scale: num(row.scale),
        zeroCount: num(row.zero_count),
        zeroThreshold: num(row.zero_threshold),
        positive: { offset: num(row.positive_offset), bucketCounts: nums(row.positive_counts) },
        negative: { offset: num(row.negative_offset), bucketCounts: nums(row.negative_counts) },
      };
    case 'summary': {
      const quantiles = nums(row.quantiles);
      const values = nums(row.quantile_values);
      return {
        ...base,
        kind: 'summary',
        count: num(row.count),
        sum: num(row.sum),
        quantileValues: quantiles.map((quantile, i) => ({ quantile, value: values[i] })),
      };
    }
  }
}

/** Renders attributes as label text: strings as they are, other values as JSON. */
export function attributeText(value: AnyValue): string {
  return typeof value === 'string' ? value : encodeAnyValueJson(value).replace(/^(-?\d+)\.0$/, '$1');
}

