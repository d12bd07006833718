import {
  createAttributes,
  type AnyValue,
  type Attributes,
  type InstrumentationScope,
  type LogRecord,
  type MetricDescriptor,
  type MetricPoint,
  type Resource,
  type Span,
  type TelemetryBatch,
} from '@pharos/core';

/** Attributes from a plain object (test helper). */
export function attrs(values: Record<string, AnyValue>): Attributes {
  return Object.assign(createAttributes(), values);
}

/** A resource for `service`. */
export function resourceOf(service: string, extra: Record<string, AnyValue> = {}): Resource {
  return { attributes: attrs({ 'service.name': service, ...extra }), droppedAttributesCount: 0, schemaUrl: '' };
}

export const TEST_SCOPE: InstrumentationScope = {
  name: 'conformance',
  version: '1.0.0',
  attributes: attrs({ 'scope.attr': 'yes' }),
  droppedAttributesCount: 0,
  schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
};

const EVERY_VALUE_TYPE: Record<string, AnyValue> = {
  'str.attr': 'hello "world"',
  'bool.attr': true,
  'int.attr': 42n,
  'big.int.attr': -9223372036854775808n,
  'double.attr': 3.25,
  'double.whole': 7,
  'bytes.attr': new Uint8Array([1, 2, 3, 255]),
  'array.attr': ['a', 1n, 2.5, false],
  'kvlist.attr': attrs({ inner: 'v', deep: attrs({ n: 1n }) }),
  'empty.attr': null,
};

let counter = 0;
/** A fresh random-looking hex id of `bytes` bytes (never all zero). */
export function hexId(bytes: number): string {
  counter++;
  return (counter.toString(16) + Math.random().toString(16).slice(2)).padEnd(bytes * 2, '7').slice(0, bytes * 2);
}

export interface SpanOptions {
  traceId: string;
  spanId?: string;
  parentSpanId?: string;
  service: string;
  name: string;
  startUnixNano: bigint;
  durationNs: bigint;
  kind?: Span['kind'];
  statusCode?: Span['statusCode'];
  attributes?: Record<string, AnyValue>;
  resource?: Resource;
}

/** Builds a span with sensible defaults. */
export function makeSpan(o: SpanOptions): Span {
  return {
    resource: o.resource ?? resourceOf(o.service),
    scope: TEST_SCOPE,
    traceId: o.traceId,
    spanId: o.spanId ?? hexId(8),
    parentSpanId: o.parentSpanId ?? '',
    traceState: '',
    flags: 1,
    name: o.name,
    kind: o.kind ?? 2,
    startTimeUnixNano: o.startUnixNano,
    endTimeUnixNano: o.startUnixNano + o.durationNs,
    attributes: attrs(o.attributes ?? {}),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    statusCode: o.statusCode ?? 0,
    statusMessage: '',
  };
}

export interface LogOptions {
  service: string;
  timeUnixNano: bigint;
  /** Defaults to timeUnixNano; when the time is 0, the observed time orders and buckets the record. */
  observedTimeUnixNano?: bigint;
  severityNumber: number;
  body: AnyValue;
  attributes?: Record<string, AnyValue>;
  traceId?: string;
}

/** Builds a log record with sensible defaults. */
export function makeLog(o: LogOptions): LogRecord {
  return {
    resource: resourceOf(o.service),
    scope: TEST_SCOPE,
    timeUnixNano: o.timeUnixNano,
    observedTimeUnixNano: o.observedTimeUnixNano ?? o.timeUnixNano,
    severityNumber: o.severityNumber,
    severityText: '',
    body: o.body,
    attributes: attrs(o.attributes ?? {}),
    droppedAttributesCount: 0,
    flags: 0,
    traceId: o.traceId ?? '',
    spanId: '',
    eventName: '',
  };
}

/**
 * A batch exercising every field: a 3-span trace over two services with every attribute
 * value type, events and links; logs with every body type; every metric point type.
 */
export function makeFullBatch(baseUnixNano: bigint): { batch: TelemetryBatch; traceId: string } {
  const traceId = hexId(16);
  const frontend = resourceOf('frontend', { 'service.version': '1.2.3', 'host.name': 'web-1' });
  const payment = resourceOf('payment');
  const root = makeSpan({ traceId, service: 'frontend', name: 'POST /checkout', startUnixNano: baseUnixNano, durationNs: 50_000_000n, resource: frontend, attributes: EVERY_VALUE_TYPE });
  root.traceState = 'vendor=1';
  root.droppedAttributesCount = 2;
  root.events = [{ timeUnixNano: baseUnixNano + 1000n, name: 'exception', attributes: attrs({ 'exception.type': 'Error', 'exception.message': 'boom' }), droppedAttributesCount: 1 }];
  root.links = [{ traceId: hexId(16), spanId: hexId(8), traceState: 'a=b', attributes: attrs({ 'link.kind': 'follows' }), droppedAttributesCount: 0, flags: 1 }];
  root.droppedEventsCount = 3;
  root.droppedLinksCount = 4;
  const client = makeSpan({ traceId, parentSpanId: root.spanId, service: 'frontend', name: 'POST /charge', kind: 3, startUnixNano: baseUnixNano + 1_000_000n, durationNs: 40_000_000n, resource: frontend });
  const charge = makeSpan({
    traceId,
    parentSpanId: client.spanId,
    service: 'payment',
    name: 'charge',
    startUnixNano: baseUnixNano + 2_000_000n,
    durationNs: 30_000_000n,
    resource: payment,
    statusCode: 2,
    attributes: { 'card.type': 'visa', 'http.status_code': 502n },
  });
  charge.statusMessage = 'card declined';

  const bodies: AnyValue[] = ['payment failed: card declined', 12n, 1.5, true, new Uint8Array([9, 8]), ['x', 1n], attrs({ msg: 'structured', code: 7n }), null];
  const logs: LogRecord[] = bodies.map((body, i) => ({
    resource: i === 0 ? payment : frontend,
    scope: TEST_SCOPE,
    timeUnixNano: i === 7 ? 0n : baseUnixNano + BigInt(i) * 1_000_000n,
    observedTimeUnixNano: baseUnixNano + BigInt(i) * 1_000_000n + 500n,
    severityNumber: i === 0 ? 17 : 9,
    severityText: i === 0 ? 'ERROR' : 'INFO',
    body,
    attributes: attrs(i === 0 ? { 'card.type': 'visa', 'log.n': BigInt(i) } : { 'log.n': BigInt(i) }),
    droppedAttributesCount: 0,
    flags: i === 0 ? 1 : 0,
    traceId: i === 0 ? traceId : '',
    spanId: i === 0 ? charge.spanId : '',
    eventName: i === 6 ? 'checkout.done' : '',
  }));

  const d = (name: string, type: MetricDescriptor['type'], temporality: MetricDescriptor['aggregationTemporality'], isMonotonic: boolean): MetricDescriptor => ({
    name,
    description: `${name} description`,
    unit: type === 'histogram' ? 's' : '1',
    type,
    aggregationTemporality: temporality,
    isMonotonic,
    metadata: attrs({}),
  });
  const base = { resource: payment, scope: TEST_SCOPE, startTimeUnixNano: baseUnixNano - 60_000_000_000n, timeUnixNano: baseUnixNano, flags: 0, exemplars: [] };
  const points: MetricPoint[] = [
    { ...base, metric: d('queue.depth', 'gauge', 0, false), kind: 'number', value: 17n, attributes: attrs({ queue: 'orders' }) },
    { ...base, metric: d('cpu.utilization', 'gauge', 0, false), kind: 'number', value: 0.75, attributes: attrs({ cpu: 0n }) },
    {
      ...base,
      metric: d('requests', 'sum', 2, true),
      kind: 'number',
      value: 1234n,
      attributes: attrs({ route: '/charge', 'http.status_code': 200n }),
      exemplars: [{ timeUnixNano: baseUnixNano - 5n, value: 1n, filteredAttributes: attrs({ user: 'u1' }), traceId, spanId: charge.spanId }],
    },
    { ...base, metric: d('bytes.delta', 'sum', 1, false), kind: 'number', value: -3.5, attributes: attrs({}) },
    {
      ...base,
      metric: d('duration', 'histogram', 2, false),
      kind: 'histogram',
      attributes: attrs({ route: '/charge' }),
      count: 10,
      sum: 2.5,
      min: 0.01,
      max: 1.2,
      bucketCounts: [1, 4, 3, 2],
      explicitBounds: [0.05, 0.1, 0.5],
      exemplars: [{ timeUnixNano: baseUnixNano - 7n, value: 1.2, filteredAttributes: attrs({}), traceId, spanId: charge.spanId }],
    },
    {
      ...base,
      metric: d('duration.exp', 'exponential_histogram', 1, false),
      kind: 'exponential_histogram',
      attributes: attrs({}),
      count: 9,
      sum: 20.5,
      min: undefined,
      max: undefined,
      scale: 3,
      zeroCount: 1,
      zeroThreshold: 0.001,
      positive: { offset: -2, bucketCounts: [1, 2, 3] },
      negative: { offset: 1, bucketCounts: [2] },
    },
    {
      ...base,
      metric: d('latency.summary', 'summary', 0, false),
      kind: 'summary',
      attributes: attrs({}),
      count: 100,
      sum: 55.5,
      quantileValues: [
        { quantile: 0.5, value: 0.4 },
        { quantile: 0.99, value: 1.9 },
      ],
    },
  ];
  return { batch: { spans: [root, client, charge], logs, points }, traceId };
}
