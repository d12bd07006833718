import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes as OtelAttributes, type HrTime, type Link, type SpanContext } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { createAttributes, type Attributes, type Span } from '@pharos/core';
import { decodeTracesJson, decodeTracesProtobuf } from './index.js';

const TRACE_A = '0af7651916cd43dd8448eb211c80319c';
const TRACE_B = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_1 = 'b7ad6b7169203331';
const SPAN_2 = '00f067aa0ba902b7';
const SPAN_3 = '53995c3f42cd8ad8';
const LINKED_SPAN = '1111111111111111';

/** AnyValue shapes the API's attribute types do not allow but the serializers encode. */
const RICH_ATTRIBUTES = {
  'str': 'hello',
  'empty.str': '',
  'unicode': 'grüße 🌍',
  'bool.true': true,
  'bool.false': false,
  'int': 42,
  'int.negative': -7,
  'int.zero': 0,
  'int.big': 2 ** 40,
  'double': 1.5,
  'double.negative': -0.25,
  'bytes': new Uint8Array([0, 1, 2, 254, 255]),
  'array.str': ['a', 'b'],
  'array.int': [1, 2, 3],
  'array.mixed': ['x', 7, 2.5, false],
  'array.empty': [],
  'kvlist': { inner: 'v', nested: { deep: [1, 'two', { three: true }] } },
  // Computed, so that it is an own key rather than the literal's prototype.
  ['__proto__']: 'plain key',
} as unknown as OtelAttributes;

function expectedRichAttributes(): Attributes {
  const attributes = createAttributes();
  const nested = createAttributes();
  const three = createAttributes();
  three['three'] = true;
  nested['deep'] = [1n, 'two', three];
  const kvlist = createAttributes();
  kvlist['inner'] = 'v';
  kvlist['nested'] = nested;
  Object.assign(attributes, {
    'str': 'hello',
    'empty.str': '',
    'unicode': 'grüße 🌍',
    'bool.true': true,
    'bool.false': false,
    'int': 42n,
    'int.negative': -7n,
    'int.zero': 0n,
    'int.big': 2n ** 40n,
    'double': 1.5,
    'double.negative': -0.25,
    'bytes': new Uint8Array([0, 1, 2, 254, 255]),
    'array.str': ['a', 'b'],
    'array.int': [1n, 2n, 3n],
    'array.mixed': ['x', 7n, 2.5, false],
    'array.empty': [],
    'kvlist': kvlist,
  });
  attributes['__proto__'] = 'plain key';
  return attributes;
}

function attrs(values: Record<string, unknown>): Attributes {
  const out = createAttributes();
  for (const key of Object.keys(values)) out[key] = values[key] as Attributes[string];
  return out;
}

function context(traceId: string, spanId: string, options: { sampled?: boolean; remote?: boolean; traceState?: string } = {}): SpanContext {
  return {
    traceId,
    spanId,
    traceFlags: options.sampled === false ? TraceFlags.NONE : TraceFlags.SAMPLED,
    isRemote: options.remote,
    traceState: options.traceState === undefined ? undefined : new TraceState(options.traceState),
  };
}

interface SpanInput {
  name: string;
  kind: SpanKind;
  ctx: SpanContext;
  parent?: SpanContext;
  start: HrTime;
  end: HrTime;
  attributes?: OtelAttributes;
  events?: TimedEvent[];
  links?: Link[];
  status?: { code: SpanStatusCode; message?: string };
  resource: ReadableSpan['resource'];
  scope: ReadableSpan['instrumentationScope'];
  dropped?: [number, number, number];
}

function readableSpan(input: SpanInput): ReadableSpan {
  return {
    name: input.name,
    kind: input.kind,
    spanContext: () => input.ctx,
    parentSpanContext: input.parent,
    startTime: input.start,
    endTime: input.end,
    status: input.status ?? { code: SpanStatusCode.UNSET },
    attributes: input.attributes ?? {},
    links: input.links ?? [],
    events: input.events ?? [],
    duration: [0, 0],
    ended: true,
    resource: input.resource,
    instrumentationScope: input.scope,
    droppedAttributesCount: input.dropped?.[0] ?? 0,
    droppedEventsCount: input.dropped?.[1] ?? 0,
    droppedLinksCount: input.dropped?.[2] ?? 0,
  };
}

const shopResource = resourceFromAttributes(
  { 'service.name': 'checkout', 'service.version': '1.2.3', 'host.cpus': 4, 'sample.ratio': 0.5, 'debug': true, 'tags': ['a', 'b'] },
  { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' },
);
const otherResource = resourceFromAttributes({ 'service.name': 'payment' });
// Scope attributes are not in the core InstrumentationScope type, but the serializers write them.
const httpScope = {
  name: '@opentelemetry/instrumentation-http',
  version: '0.50.0',
  schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
  attributes: { 'scope.attr': 'x', 'scope.count': 3 },
  droppedAttributesCount: 2,
} as ReadableSpan['instrumentationScope'];
const bareScope = { name: 'bare' };

function buildSpans(): ReadableSpan[] {
  return [
    readableSpan({
      name: 'GET /cart',
      kind: SpanKind.SERVER,
      ctx: context(TRACE_A, SPAN_1, { traceState: 'vendor=value,other=1' }),
      start: [1_700_000_000, 123_456_789],
      end: [1_700_000_001, 5],
      attributes: RICH_ATTRIBUTES,
      events: [
        { name: 'exception', time: [1_700_000_000, 500_000_000], attributes: { 'exception.type': 'Error', 'exception.escaped': false }, droppedAttributesCount: 1 },
        { name: 'no attributes', time: [1_700_000_000, 600_000_000] },
      ],
      links: [
        { context: context(TRACE_B, LINKED_SPAN, { remote: true, traceState: 'k=v' }), attributes: { 'link.kind': 'follows', 'link.n': 2 }, droppedAttributesCount: 3 },
        { context: context(TRACE_B, SPAN_3, { sampled: false }) },
      ],
      status: { code: SpanStatusCode.ERROR, message: 'boom' },
      resource: shopResource,
      scope: httpScope,
      dropped: [5, 6, 7],
    }),
    readableSpan({
      name: 'SELECT cart',
      kind: SpanKind.CLIENT,
      ctx: context(TRACE_A, SPAN_2),
      parent: context(TRACE_A, SPAN_1, { remote: true }),
      start: [1_700_000_000, 200_000_000],
      end: [1_700_000_000, 300_000_000],
      attributes: { 'db.system': 'postgresql' },
      status: { code: SpanStatusCode.OK },
      resource: shopResource,
      scope: httpScope,
    }),
    readableSpan({ name: 'internal', kind: SpanKind.INTERNAL, ctx: context(TRACE_A, SPAN_3), parent: context(TRACE_A, SPAN_2), start: [1, 0], end: [2, 0], resource: shopResource, scope: bareScope }),
    readableSpan({ name: 'produce', kind: SpanKind.PRODUCER, ctx: context(TRACE_B, SPAN_1), start: [1_700_000_000, 0], end: [1_700_000_000, 1], resource: otherResource, scope: bareScope }),
    readableSpan({ name: 'consume', kind: SpanKind.CONSUMER, ctx: context(TRACE_B, SPAN_2), start: [1_700_000_000, 0], end: [1_700_000_000, 1], resource: otherResource, scope: bareScope }),
  ];
}

function serializeBoth(spans: ReadableSpan[]): { protobuf: Uint8Array; json: string } {
  const protobuf = ProtobufTraceSerializer.serializeRequest(spans);
  const json = JsonTraceSerializer.serializeRequest(spans);
  if (protobuf === undefined || json === undefined) throw new Error('serializer returned nothing');
  return { protobuf, json: new TextDecoder().decode(json) };
}

function byName(spans: Span[], name: string): Span {
  const span = spans.find((s) => s.name === name);
  if (span === undefined) throw new Error(`no span ${name}`);
  return span;
}

describe('decodeTracesProtobuf / decodeTracesJson with the OpenTelemetry JS serializers', () => {
  const { protobuf, json } = serializeBoth(buildSpans());
  const fromProtobuf = decodeTracesProtobuf(protobuf);
  const fromJson = decodeTracesJson(json);

  it('decodes every span, rejecting none', () => {
    expect(fromProtobuf.batch.spans).toHaveLength(5);
    expect(fromProtobuf.rejected).toBe(0);
    expect(fromProtobuf.rejectionMessages).toEqual([]);
    expect(fromProtobuf.batch.logs).toEqual([]);
    expect(fromProtobuf.batch.points).toEqual([]);
  });

  it('gives the same model from protobuf and from JSON', () => {
    expect(fromJson).toEqual(fromProtobuf);
    expect(fromJson.batch.spans.map((s) => s.name)).toEqual(fromProtobuf.batch.spans.map((s) => s.name));
  });

  it('decodes every span field with the expected values', () => {
    for (const result of [fromProtobuf, fromJson]) {
      const root = byName(result.batch.spans, 'GET /cart');
      expect(root).toEqual({
        resource: {
          attributes: attrs({ 'service.name': 'checkout', 'service.version': '1.2.3', 'host.cpus': 4n, 'sample.ratio': 0.5, 'debug': true, 'tags': ['a', 'b'] }),
          droppedAttributesCount: 0,
          schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        },
        scope: {
          name: '@opentelemetry/instrumentation-http',
          version: '0.50.0',
          attributes: attrs({ 'scope.attr': 'x', 'scope.count': 3n }),
          droppedAttributesCount: 2,
          schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
        },
        traceId: TRACE_A,
        spanId: SPAN_1,
        parentSpanId: '',
        traceState: 'vendor=value,other=1',
        flags: 0x101,
        name: 'GET /cart',
        kind: 2,
        startTimeUnixNano: 1_700_000_000_123_456_789n,
        endTimeUnixNano: 1_700_000_001_000_000_005n,
        attributes: expectedRichAttributes(),
        droppedAttributesCount: 5,
        events: [
          { timeUnixNano: 1_700_000_000_500_000_000n, name: 'exception', attributes: attrs({ 'exception.type': 'Error', 'exception.escaped': false }), droppedAttributesCount: 1 },
          { timeUnixNano: 1_700_000_000_600_000_000n, name: 'no attributes', attributes: createAttributes(), droppedAttributesCount: 0 },
        ],
        droppedEventsCount: 6,
        links: [
          { traceId: TRACE_B, spanId: LINKED_SPAN, traceState: 'k=v', attributes: attrs({ 'link.kind': 'follows', 'link.n': 2n }), droppedAttributesCount: 3, flags: 0x301 },
          { traceId: TRACE_B, spanId: SPAN_3, traceState: '', attributes: createAttributes(), droppedAttributesCount: 0, flags: 0x100 },
        ],
        droppedLinksCount: 7,
        statusCode: 2,
        statusMessage: 'boom',
      } satisfies Span);
      // Attribute objects have no prototype, so `__proto__` is an ordinary key.
      expect(Object.getPrototypeOf(root.attributes)).toBeNull();
      expect(root.attributes['bytes']).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(root.attributes['bytes'])).toBe(false);

      const child = byName(result.batch.spans, 'SELECT cart');
      expect(child.parentSpanId).toBe(SPAN_1);
      expect(child.kind).toBe(3);
      expect(child.flags).toBe(0x301);
      expect(child.statusCode).toBe(1);
      expect(child.statusMessage).toBe('');
      expect(child.resource).toBe(root.resource);
      expect(child.scope).toBe(root.scope);

      const internal = byName(result.batch.spans, 'internal');
      expect(internal.kind).toBe(1);
      expect(internal.startTimeUnixNano).toBe(1_000_000_000n);
      expect(internal.resource).toBe(root.resource);
      expect(internal.scope).not.toBe(root.scope);
      expect(internal.scope).toEqual({ name: 'bare', version: '', attributes: createAttributes(), droppedAttributesCount: 0, schemaUrl: '' });

      expect(byName(result.batch.spans, 'produce').kind).toBe(4);
      const consume = byName(result.batch.spans, 'consume');
      expect(consume.kind).toBe(5);
      expect(consume.resource).not.toBe(root.resource);
      expect(consume.resource.attributes).toEqual(attrs({ 'service.name': 'payment' }));
      expect(consume.resource.schemaUrl).toBe('');
    }
  });

  it('decodes an empty request to an empty batch', () => {
    const empty = serializeBoth([]);
    const expected = { batch: { spans: [], logs: [], points: [] }, rejected: 0, rejectionMessages: [] };
    expect(decodeTracesProtobuf(empty.protobuf)).toEqual(expected);
    expect(decodeTracesJson(empty.json)).toEqual(expected);
    expect(decodeTracesProtobuf(new Uint8Array(0))).toEqual(expected);
    expect(decodeTracesJson('')).toEqual(expected);
    expect(decodeTracesJson('  \n')).toEqual(expected);
    expect(decodeTracesJson('{}')).toEqual(expected);
  });

  it('accepts a Buffer and a Uint8Array that is a window into a larger buffer', () => {
    const padded = new Uint8Array(protobuf.length + 20);
    padded.set(protobuf, 10);
    expect(decodeTracesProtobuf(padded.subarray(10, 10 + protobuf.length))).toEqual(fromProtobuf);
    expect(decodeTracesProtobuf(Buffer.from(protobuf))).toEqual(fromProtobuf);
  });
});

describe('span id validation (partial success)', () => {
  const good = (name: string, traceId: string, spanId: string, parent?: string): ReadableSpan =>
    readableSpan({
      name,
      kind: SpanKind.INTERNAL,
      ctx: context(traceId, spanId),
      parent: parent === undefined ? undefined : context(traceId, parent),
      start: [1, 0],
      end: [2, 0],
      resource: otherResource,
      scope: bareScope,
    });

  it('drops spans with short, long or all-zero ids and counts them', () => {
    const spans = [
      good('ok', TRACE_A, SPAN_1),
      good('short trace', 'abcd', SPAN_1),
      good('zero trace', '0'.repeat(32), SPAN_1),
      good('long span', TRACE_A, `${SPAN_1}aa`),
      good('zero span', TRACE_A, '0'.repeat(16)),
      good('bad parent', TRACE_A, SPAN_2, 'abcdef'),
      good('ok child', TRACE_A, SPAN_3, SPAN_1),
      good('zero parent', TRACE_B, SPAN_3, '0'.repeat(16)),
    ];
    const { protobuf, json } = serializeBoth(spans);
    const fromProtobuf = decodeTracesProtobuf(protobuf);
    const fromJson = decodeTracesJson(json);
    expect(fromProtobuf.batch.spans.map((s) => [s.name, s.parentSpanId])).toEqual([
      ['ok', ''],
      ['ok child', SPAN_1],
      ['zero parent', ''],
    ]);
    expect(fromProtobuf.rejected).toBe(5);
    expect(fromProtobuf.rejectionMessages).toEqual([
      'span rejected: trace_id must be 16 bytes and not all zero (got 2 bytes)',
      'span rejected: trace_id must be 16 bytes and not all zero (got 16 zero bytes)',
      'span rejected: span_id must be 8 bytes and not all zero (got 9 bytes)',
      'span rejected: span_id must be 8 bytes and not all zero (got 8 zero bytes)',
      'span rejected: parent_span_id must be empty or 8 bytes (got 3 bytes)',
    ]);
    expect(fromJson).toEqual(fromProtobuf);
  });

  it('rejects spans with no ids at all, and keeps at most 10 distinct messages', () => {
    const spans: ReadableSpan[] = [];
    for (let i = 1; i <= 15; i++) spans.push(good(`bad ${i}`, 'ab'.repeat(i), SPAN_1));
    spans.push(good('bad again', 'ab', SPAN_1));
    const { protobuf } = serializeBoth(spans);
    const result = decodeTracesProtobuf(protobuf);
    expect(result.rejected).toBe(16);
    expect(result.batch.spans).toHaveLength(0);
    expect(result.rejectionMessages).toHaveLength(10);
    expect(new Set(result.rejectionMessages).size).toBe(10);

    const noIds = decodeTracesJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x' }] }] }] }));
    expect(noIds.rejected).toBe(1);
    expect(noIds.rejectionMessages).toEqual(['span rejected: trace_id must be 16 bytes and not all zero (got none)']);
  });
});
