/**
 * The hand-written protobuf walk against a generic decoder (protobufjs) over the same bytes:
 * protobufjs encodes messages with every OTLP field set (including what the JS SDK never
 * sends: summaries, exemplars, negative buckets, NaN, int64 extremes), then decodes them back;
 * its decoded object, written as OTLP/JSON, must decode to the same model as the bytes do.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { createAttributes, isPharosError, type AnyValue, type Attributes, type MetricPoint } from '@pharos/core';
import {
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeMetricsJson,
  decodeMetricsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
  type DecodeResult,
} from './index.js';
import { ProtobufReader } from './protobuf-reader.js';

const SCHEMA_TEXT = readFileSync(fileURLToPath(new URL('./otlp-v1.test.proto', import.meta.url)), 'utf8');

function loadSchema(text: string): protobuf.Root {
  return protobuf.parse(text, { keepCase: false }).root;
}

const root = loadSchema(SCHEMA_TEXT);

type Signal = 'traces' | 'logs' | 'metrics';
const REQUEST_TYPES: Record<Signal, string> = {
  traces: 'otlp.ExportTraceServiceRequest',
  logs: 'otlp.ExportLogsServiceRequest',
  metrics: 'otlp.ExportMetricsServiceRequest',
};
const DECODE_PROTOBUF: Record<Signal, (body: Uint8Array) => DecodeResult> = {
  traces: decodeTracesProtobuf,
  logs: decodeLogsProtobuf,
  metrics: decodeMetricsProtobuf,
};
const DECODE_JSON: Record<Signal, (text: string) => DecodeResult> = {
  traces: decodeTracesJson,
  logs: decodeLogsJson,
  metrics: decodeMetricsJson,
};

function encode(signal: Signal, object: Record<string, unknown>, schema: protobuf.Root = root): Uint8Array {
  const type = schema.lookupType(REQUEST_TYPES[signal]);
  const problem = type.verify(type.fromObject(object));
  if (problem !== null) throw new Error(problem);
  return type.encode(type.fromObject(object)).finish();
}

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** OTLP/JSON differs from proto3 JSON in one way that matters here: ids are hex, not base64. */
function base64IdsToHex(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(base64IdsToHex);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = ID_FIELDS.has(key) && typeof inner === 'string' ? Buffer.from(inner, 'base64').toString('hex') : base64IdsToHex(inner);
  }
  return out;
}

/** What protobufjs makes of the bytes, written as OTLP/JSON. */
function referenceJson(signal: Signal, bytes: Uint8Array): string {
  const type = root.lookupType(REQUEST_TYPES[signal]);
  const object = type.toObject(type.decode(bytes), { longs: String, enums: Number, bytes: String, json: true });
  return JSON.stringify(base64IdsToHex(object));
}

function expectSameAsProtobufjs(signal: Signal, bytes: Uint8Array): DecodeResult {
  const handWritten = DECODE_PROTOBUF[signal](bytes);
  const reference = DECODE_JSON[signal](referenceJson(signal, bytes));
  expect(handWritten).toEqual(reference);
  return handWritten;
}

function attrs(values: Record<string, AnyValue>): Attributes {
  return Object.assign(createAttributes(), values);
}

const id = (hex: string): Buffer => Buffer.from(hex, 'hex');
const TRACE_ID = '0102030405060708090a0b0c0d0e0f10';
const SPAN_ID = 'a1a2a3a4a5a6a7a8';
const PARENT_ID = 'b1b2b3b4b5b6b7b8';

/** One attribute per AnyValue variant and edge case. */
const ALL_VALUE_KINDS = [
  { key: 'string', value: { stringValue: 'héllo\nworld' } },
  { key: 'string.empty', value: { stringValue: '' } },
  { key: 'bool', value: { boolValue: false } },
  { key: 'int.max', value: { intValue: '9223372036854775807' } },
  { key: 'int.min', value: { intValue: '-9223372036854775808' } },
  { key: 'int.minus.one', value: { intValue: '-1' } },
  { key: 'int.zero', value: { intValue: '0' } },
  { key: 'double', value: { doubleValue: -1.25e-300 } },
  { key: 'double.nan', value: { doubleValue: NaN } },
  { key: 'double.inf', value: { doubleValue: Infinity } },
  { key: 'double.neg.inf', value: { doubleValue: -Infinity } },
  { key: 'bytes', value: { bytesValue: Buffer.from([0, 255, 128]) } },
  { key: 'bytes.empty', value: { bytesValue: Buffer.alloc(0) } },
  { key: 'array', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }, {}, { arrayValue: { values: [] } }] } } },
  {
    key: 'kvlist',
    value: { kvlistValue: { values: [{ key: 'k', value: { kvlistValue: { values: [{ key: 'deep', value: { boolValue: true } }] } } }, { key: 'unset' }] } },
  },
  { key: 'unset' },
  { key: 'unset.value', value: {} },
];

function expectedAllValueKinds(): Attributes {
  return attrs({
    'string': 'héllo\nworld',
    'string.empty': '',
    'bool': false,
    'int.max': 9223372036854775807n,
    'int.min': -9223372036854775808n,
    'int.minus.one': -1n,
    'int.zero': 0n,
    'double': -1.25e-300,
    'double.nan': NaN,
    'double.inf': Infinity,
    'double.neg.inf': -Infinity,
    'bytes': new Uint8Array([0, 255, 128]),
    'bytes.empty': new Uint8Array(0),
    'array': ['a', 2n, null, []],
    'kvlist': attrs({ k: attrs({ deep: true }), unset: null }),
    'unset': null,
    'unset.value': null,
  });
}

const RESOURCE = {
  attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }, ...ALL_VALUE_KINDS],
  droppedAttributesCount: 3,
};
const SCOPE = { name: 'lib', version: '1.0', attributes: [{ key: 'scope.k', value: { intValue: 5 } }], droppedAttributesCount: 1 };

const TRACES = {
  resourceSpans: [
    {
      resource: RESOURCE,
      schemaUrl: 'https://resource.schema',
      scopeSpans: [
        {
          scope: SCOPE,
          schemaUrl: 'https://scope.schema',
          spans: [
            {
              traceId: id(TRACE_ID),
              spanId: id(SPAN_ID),
              traceState: 'a=b',
              parentSpanId: id(PARENT_ID),
              flags: 0x301,
              name: 'full',
              kind: 'SPAN_KIND_CONSUMER',
              startTimeUnixNano: '18446744073709551615',
              endTimeUnixNano: '1700000000000000001',
              attributes: ALL_VALUE_KINDS,
              droppedAttributesCount: 4294967295,
              events: [{ timeUnixNano: '5', name: 'e', attributes: [{ key: 'x', value: { doubleValue: 0.5 } }], droppedAttributesCount: 2 }, {}],
              droppedEventsCount: 3,
              links: [
                { traceId: id(TRACE_ID), spanId: id(PARENT_ID), traceState: 'c=d', attributes: [{ key: 'l', value: { boolValue: true } }], droppedAttributesCount: 1, flags: 0xffffffff },
                { traceId: id('ff'), spanId: Buffer.alloc(0) },
              ],
              droppedLinksCount: 5,
              status: { message: 'bad things', code: 'STATUS_CODE_ERROR' },
            },
            { traceId: id(TRACE_ID), spanId: id(PARENT_ID), name: 'minimal' },
            { traceId: id(TRACE_ID), spanId: id(SPAN_ID), name: 'unknown enums', kind: 99, status: { code: 7 } },
            { traceId: id(TRACE_ID), name: 'no span id' },
          ],
        },
        { spans: [{ traceId: id(TRACE_ID), spanId: id(SPAN_ID), name: 'no scope' }] },
      ],
    },
    { scopeSpans: [{ spans: [{ traceId: id(TRACE_ID), spanId: id(SPAN_ID), name: 'no resource' }] }] },
    {},
  ],
};

const LOGS = {
  resourceLogs: [
    {
      resource: RESOURCE,
      schemaUrl: 'https://resource.schema',
      scopeLogs: [
        {
          scope: SCOPE,
          schemaUrl: 'https://scope.schema',
          logRecords: [
            {
              timeUnixNano: '1700000000000000000',
              observedTimeUnixNano: '1700000000000000999',
              severityNumber: 24,
              severityText: 'FATAL4',
              body: { kvlistValue: { values: ALL_VALUE_KINDS } },
              attributes: ALL_VALUE_KINDS,
              droppedAttributesCount: 6,
              flags: 1,
              traceId: id(TRACE_ID),
              spanId: id(SPAN_ID),
              eventName: 'my.event',
            },
            { body: { stringValue: 'minimal' } },
            { body: { stringValue: 'unknown severity' }, severityNumber: 77 },
            { body: { stringValue: 'negative severity' }, severityNumber: -3 },
            { body: { stringValue: 'bad span id' }, traceId: id(TRACE_ID), spanId: id('0102') },
          ],
        },
      ],
    },
  ],
};

const EXEMPLARS = [
  { filteredAttributes: [{ key: 'user', value: { stringValue: 'u1' } }], timeUnixNano: '11', asDouble: 2.5, spanId: id(SPAN_ID), traceId: id(TRACE_ID) },
  { timeUnixNano: '12', asInt: '-42' },
  { timeUnixNano: '13', spanId: id('00'), traceId: id('00000000000000000000000000000000') },
];

const METRICS = {
  resourceMetrics: [
    {
      resource: RESOURCE,
      schemaUrl: 'https://resource.schema',
      scopeMetrics: [
        {
          scope: SCOPE,
          schemaUrl: 'https://scope.schema',
          metrics: [
            {
              name: 'g',
              description: 'a gauge',
              unit: '1',
              metadata: [{ key: 'prometheus.type', value: { stringValue: 'gauge' } }],
              gauge: {
                dataPoints: [
                  { attributes: ALL_VALUE_KINDS, startTimeUnixNano: '1', timeUnixNano: '2', asDouble: -0.5, exemplars: EXEMPLARS, flags: 0 },
                  { timeUnixNano: '3', asInt: '-9223372036854775808' },
                  { timeUnixNano: '4', asDouble: NaN },
                  { timeUnixNano: '5', flags: 1 },
                  { timeUnixNano: '6' },
                ],
              },
            },
            {
              name: 's',
              sum: {
                aggregationTemporality: 1,
                isMonotonic: true,
                dataPoints: [{ startTimeUnixNano: '1', timeUnixNano: '2', asInt: '9223372036854775807', exemplars: EXEMPLARS }],
              },
            },
            { name: 's2', sum: { aggregationTemporality: 5, dataPoints: [{ asDouble: 0 }] } },
            {
              name: 'h',
              unit: 'ms',
              histogram: {
                aggregationTemporality: 2,
                dataPoints: [
                  {
                    attributes: [{ key: 'route', value: { stringValue: '/x' } }],
                    startTimeUnixNano: '10',
                    timeUnixNano: '20',
                    count: '9007199254740991',
                    sum: 123.5,
                    bucketCounts: ['1', '0', '9007199254740990'],
                    explicitBounds: [-Infinity, 2.5],
                    exemplars: EXEMPLARS,
                    flags: 1,
                    min: -1,
                    max: 1e308,
                  },
                  { timeUnixNano: '21', count: '0' },
                ],
              },
            },
            {
              name: 'e',
              exponentialHistogram: {
                aggregationTemporality: 1,
                dataPoints: [
                  {
                    attributes: [{ key: 'k', value: { stringValue: 'v' } }],
                    startTimeUnixNano: '1',
                    timeUnixNano: '2',
                    count: '12',
                    sum: 40.25,
                    scale: -3,
                    zeroCount: '2',
                    positive: { offset: -5, bucketCounts: ['1', '0', '300', '18446744073709551615'] },
                    negative: { offset: 7, bucketCounts: ['4'] },
                    flags: 0,
                    exemplars: EXEMPLARS,
                    min: -8,
                    max: 16,
                    zeroThreshold: 1e-9,
                  },
                  { timeUnixNano: '3', count: '0', scale: 20 },
                ],
              },
            },
            {
              name: 'sm',
              description: 'a summary',
              summary: {
                dataPoints: [
                  {
                    attributes: [{ key: 'q', value: { stringValue: 'p' } }],
                    startTimeUnixNano: '100',
                    timeUnixNano: '200',
                    count: '42',
                    sum: 99.5,
                    quantileValues: [{ quantile: 0, value: 0.1 }, { quantile: 0.5, value: 1.5 }, { quantile: 1, value: 9 }, {}],
                    flags: 1,
                  },
                  { timeUnixNano: '201' },
                ],
              },
            },
            { name: 'no data' },
          ],
        },
      ],
    },
  ],
};

describe('hand-written protobuf decoding equals protobufjs decoding of the same bytes', () => {
  it('traces: every field', () => {
    const result = expectSameAsProtobufjs('traces', encode('traces', TRACES));
    expect(result.batch.spans.map((s) => s.name)).toEqual(['full', 'minimal', 'unknown enums', 'no scope', 'no resource']);
    expect(result.rejected).toBe(1);
    const [full, minimal, unknownEnums, noScope, noResource] = result.batch.spans;
    expect(full.resource).toEqual({ attributes: attrs({ 'service.name': 'svc', ...expectedAllValueKinds() }), droppedAttributesCount: 3, schemaUrl: 'https://resource.schema' });
    expect(full.scope).toEqual({ name: 'lib', version: '1.0', attributes: attrs({ 'scope.k': 5n }), droppedAttributesCount: 1, schemaUrl: 'https://scope.schema' });
    expect(full.attributes).toEqual(expectedAllValueKinds());
    expect(full).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      parentSpanId: PARENT_ID,
      traceState: 'a=b',
      flags: 0x301,
      kind: 5,
      startTimeUnixNano: 18446744073709551615n,
      endTimeUnixNano: 1700000000000000001n,
      droppedAttributesCount: 4294967295,
      droppedEventsCount: 3,
      droppedLinksCount: 5,
      statusCode: 2,
      statusMessage: 'bad things',
    });
    expect(full.events).toEqual([
      { timeUnixNano: 5n, name: 'e', attributes: attrs({ x: 0.5 }), droppedAttributesCount: 2 },
      { timeUnixNano: 0n, name: '', attributes: createAttributes(), droppedAttributesCount: 0 },
    ]);
    expect(full.links).toEqual([
      { traceId: TRACE_ID, spanId: PARENT_ID, traceState: 'c=d', attributes: attrs({ l: true }), droppedAttributesCount: 1, flags: 0xffffffff },
      { traceId: 'ff', spanId: '', traceState: '', attributes: createAttributes(), droppedAttributesCount: 0, flags: 0 },
    ]);
    expect(minimal).toMatchObject({ parentSpanId: '', kind: 0, statusCode: 0, statusMessage: '', flags: 0, startTimeUnixNano: 0n, events: [], links: [] });
    expect(unknownEnums).toMatchObject({ kind: 0, statusCode: 0 });
    expect(noScope.scope).toEqual({ name: '', version: '', attributes: createAttributes(), droppedAttributesCount: 0, schemaUrl: '' });
    expect(noScope.resource).toBe(full.resource);
    expect(noResource.resource).toEqual({ attributes: createAttributes(), droppedAttributesCount: 0, schemaUrl: '' });
  });

  it('logs: every field and every body', () => {
    const result = expectSameAsProtobufjs('logs', encode('logs', LOGS));
    expect(result.batch.logs.map((l) => l.body)).toEqual([expectedAllValueKinds(), 'minimal', 'unknown severity', 'negative severity']);
    expect(result.rejected).toBe(1);
    expect(result.rejectionMessages).toEqual(['log record rejected: span_id must be empty or 8 bytes (got 2 bytes)']);
    const [full, minimal, unknownSeverity, negativeSeverity] = result.batch.logs;
    expect(full).toMatchObject({
      timeUnixNano: 1700000000000000000n,
      observedTimeUnixNano: 1700000000000000999n,
      severityNumber: 24,
      severityText: 'FATAL4',
      droppedAttributesCount: 6,
      flags: 1,
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      eventName: 'my.event',
    });
    expect(full.attributes).toEqual(expectedAllValueKinds());
    expect(minimal).toMatchObject({ timeUnixNano: 0n, observedTimeUnixNano: 0n, severityNumber: 0, traceId: '', spanId: '', flags: 0 });
    expect(unknownSeverity.severityNumber).toBe(0);
    expect(negativeSeverity.severityNumber).toBe(0);
  });

  it('metrics: every point type, summaries and exemplars', () => {
    const result = expectSameAsProtobufjs('metrics', encode('metrics', METRICS));
    const points = result.batch.points;
    expect(points.map((p) => `${p.metric.name}:${p.kind}`)).toEqual([
      'g:number',
      'g:number',
      'g:number',
      'g:number',
      's:number',
      's2:number',
      'h:histogram',
      'h:histogram',
      'e:exponential_histogram',
      'e:exponential_histogram',
      'sm:summary',
      'sm:summary',
    ]);
    expect(result.rejected).toBe(1);
    expect(result.rejectionMessages).toEqual(['metric point rejected: no value (neither as_double nor as_int) and no NO_RECORDED_VALUE flag']);

    const byName = (name: string): MetricPoint[] => points.filter((p) => p.metric.name === name);
    const [g1, g2, g3, g4] = byName('g');
    expect(g1.metric).toEqual({
      name: 'g',
      description: 'a gauge',
      unit: '1',
      type: 'gauge',
      aggregationTemporality: 0,
      isMonotonic: false,
      metadata: attrs({ 'prometheus.type': 'gauge' }),
    });
    expect(g1).toMatchObject({ kind: 'number', value: -0.5, startTimeUnixNano: 1n, timeUnixNano: 2n, flags: 0 });
    expect(g1.attributes).toEqual(expectedAllValueKinds());
    expect(g1.exemplars).toEqual([
      { timeUnixNano: 11n, value: 2.5, filteredAttributes: attrs({ user: 'u1' }), traceId: TRACE_ID, spanId: SPAN_ID },
      { timeUnixNano: 12n, value: -42n, filteredAttributes: createAttributes(), traceId: '', spanId: '' },
      { timeUnixNano: 13n, value: 0, filteredAttributes: createAttributes(), traceId: '', spanId: '' },
    ]);
    expect(g2).toMatchObject({ value: -9223372036854775808n });
    expect(g3).toMatchObject({ value: NaN });
    expect(g4).toMatchObject({ value: 0, flags: 1 });

    const [s] = byName('s');
    expect(s).toMatchObject({ kind: 'number', value: 9223372036854775807n });
    expect(s.metric).toMatchObject({ type: 'sum', aggregationTemporality: 1, isMonotonic: true });
    expect(s.exemplars).toHaveLength(3);
    expect(byName('s2')[0].metric).toMatchObject({ type: 'sum', aggregationTemporality: 0, isMonotonic: false });

    const [h1, h2] = byName('h');
    expect(h1).toMatchObject({
      kind: 'histogram',
      startTimeUnixNano: 10n,
      timeUnixNano: 20n,
      count: 9007199254740991,
      sum: 123.5,
      bucketCounts: [1, 0, 9007199254740990],
      explicitBounds: [-Infinity, 2.5],
      flags: 1,
      min: -1,
      max: 1e308,
    });
    expect(h1.metric).toMatchObject({ type: 'histogram', unit: 'ms', aggregationTemporality: 2 });
    expect(h1.exemplars).toHaveLength(3);
    expect(h2).toEqual({ ...h2, count: 0, sum: undefined, min: undefined, max: undefined, bucketCounts: [], explicitBounds: [] });

    const [e1, e2] = byName('e');
    expect(e1).toMatchObject({
      kind: 'exponential_histogram',
      count: 12,
      sum: 40.25,
      scale: -3,
      zeroCount: 2,
      zeroThreshold: 1e-9,
      positive: { offset: -5, bucketCounts: [1, 0, 300, 2 ** 64] },
      negative: { offset: 7, bucketCounts: [4] },
      min: -8,
      max: 16,
    });
    expect(e1.metric).toMatchObject({ type: 'exponential_histogram', aggregationTemporality: 1 });
    expect(e1.exemplars).toHaveLength(3);
    expect(e2).toMatchObject({ scale: 20, sum: undefined, positive: { offset: 0, bucketCounts: [] }, negative: { offset: 0, bucketCounts: [] } });

    const [sm1, sm2] = byName('sm');
    expect(sm1).toMatchObject({
      kind: 'summary',
      startTimeUnixNano: 100n,
      timeUnixNano: 200n,
      count: 42,
      sum: 99.5,
      flags: 1,
      exemplars: [],
      quantileValues: [
        { quantile: 0, value: 0.1 },
        { quantile: 0.5, value: 1.5 },
        { quantile: 1, value: 9 },
        { quantile: 0, value: 0 },
      ],
    });
    expect(sm1.attributes).toEqual(attrs({ q: 'p' }));
    expect(sm1.metric).toMatchObject({ name: 'sm', description: 'a summary', type: 'summary', aggregationTemporality: 0 });
    expect(sm2).toMatchObject({ count: 0, sum: 0, quantileValues: [] });
  });

  it('accepts repeated scalars unpacked as well as packed', () => {
    const unpacked = loadSchema(
      SCHEMA_TEXT.replace('repeated fixed64 bucket_counts = 6;', 'repeated fixed64 bucket_counts = 6 [packed = false];')
        .replace('repeated double explicit_bounds = 7;', 'repeated double explicit_bounds = 7 [packed = false];')
        .replace('repeated uint64 bucket_counts = 2;', 'repeated uint64 bucket_counts = 2 [packed = false];'),
    );
    const packedBytes = encode('metrics', METRICS);
    const unpackedBytes = encode('metrics', METRICS, unpacked);
    expect(Buffer.compare(packedBytes, unpackedBytes)).not.toBe(0);
    expect(decodeMetricsProtobuf(unpackedBytes)).toEqual(decodeMetricsProtobuf(packedBytes));
  });

  it('skips unknown fields of every wire type, and known fields sent with another wire type', () => {
    const extended = loadSchema(
      SCHEMA_TEXT.replace(
        'message Span {',
        `message Span {
  uint64 future_varint = 100;
  fixed64 future_fixed64 = 101;
  string future_string = 102;
  fixed32 future_fixed32 = 103;
  Resource future_message = 104;`,
      )
        .replace('message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }', 'message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; string future = 2; }')
        .replace('message Resource {', 'message Resource {\n  repeated string entity_refs = 3;')
        // Status.code as fixed32 and Span.kind as a string: wrong wire types for those field numbers.
        .replace('StatusCode code = 3;', 'fixed32 code = 3;')
        .replace('SpanKind kind = 6;', 'string kind = 6;'),
    );
    const base = { traceId: id(TRACE_ID), spanId: id(SPAN_ID), name: 'n' };
    const plain = encode('traces', { resourceSpans: [{ resource: { attributes: [{ key: 'a', value: { stringValue: 'b' } }] }, scopeSpans: [{ spans: [base] }] }] });
    const withUnknown = encode(
      'traces',
      {
        future: 'x',
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'a', value: { stringValue: 'b' } }], entityRefs: ['e'] },
            scopeSpans: [
              {
                spans: [
                  {
                    ...base,
                    futureVarint: '18446744073709551615',
                    futureFixed64: '1',
                    futureString: 'abc',
                    futureFixed32: 7,
                    futureMessage: { droppedAttributesCount: 1 },
                    kind: 'SERVER',
                    status: { code: 2 },
                  },
                ],
              },
            ],
          },
        ],
      },
      extended,
    );
    expect(withUnknown.length).toBeGreaterThan(plain.length);
    expect(decodeTracesProtobuf(withUnknown)).toEqual(decodeTracesProtobuf(plain));
  });

  it('merges repeated occurrences of singular message fields and lets the last scalar win', () => {
    // Two `resource` fields and a duplicated attribute key: protobuf merges the messages.
    const first = encode('traces', { resourceSpans: [{ resource: { attributes: [{ key: 'a', value: { stringValue: '1' } }] }, scopeSpans: [{ spans: [{ traceId: id(TRACE_ID), spanId: id(SPAN_ID), name: 'n' }] }] }] });
    const type = root.lookupType('otlp.ResourceSpans');
    const extra = type.encode(type.fromObject({ resource: { attributes: [{ key: 'a', value: { stringValue: '2' } }, { key: 'b', value: { stringValue: '3' } }] }, schemaUrl: 'late' })).finish();
    // Append the extra fields inside the first ResourceSpans by re-encoding its length prefix.
    const inner = Buffer.concat([Buffer.from(first.subarray(2)), Buffer.from(extra)]);
    expect(first[0]).toBe(0x0a);
    expect(first[1]).toBe(first.length - 2);
    const merged = Buffer.concat([Buffer.from([0x0a, inner.length]), inner]);
    const result = decodeTracesProtobuf(merged);
    expect(result.batch.spans[0].resource).toEqual({ attributes: attrs({ a: '2', b: '3' }), droppedAttributesCount: 0, schemaUrl: 'late' });
  });
});

describe('truncated and corrupted protobuf bodies', () => {
  const payloads: Array<[Signal, Uint8Array]> = [
    ['traces', encode('traces', TRACES)],
    ['logs', encode('logs', LOGS)],
    ['metrics', encode('metrics', METRICS)],
  ];

  /** Decoding must either succeed or throw PHAROS_ERR_OTLP_MALFORMED: no other error, no hang. */
  function decodeOrMalformed(signal: Signal, bytes: Uint8Array): 'ok' | 'malformed' {
    try {
      DECODE_PROTOBUF[signal](bytes);
      return 'ok';
    } catch (error) {
      if (!isPharosError(error, 'PHAROS_ERR_OTLP_MALFORMED')) throw error;
      return 'malformed';
    }
  }

  it.each(payloads)('%s: every prefix throws MALFORMED unless it ends between top-level fields', (signal, bytes) => {
    const boundaries = new Set([0]);
    const top = new ProtobufReader(bytes);
    while (!top.atEnd()) {
      top.skipField(top.readTag());
      boundaries.add(top.pos);
    }
    expect(boundaries.size).toBeGreaterThan(1);
    for (let length = 0; length < bytes.length; length++) {
      expect(decodeOrMalformed(signal, bytes.subarray(0, length)), `prefix of ${length} bytes`).toBe(boundaries.has(length) ? 'ok' : 'malformed');
    }
  });

  it.each(payloads)('%s: every single-byte corruption decodes or throws MALFORMED', (signal, bytes) => {
    const copy = new Uint8Array(bytes);
    for (let offset = 0; offset < bytes.length; offset++) {
      for (const value of [0x00, 0xff, 0x80, 0x7f, bytes[offset] ^ 0x01, bytes[offset] ^ 0x40]) {
        copy[offset] = value;
        decodeOrMalformed(signal, copy);
      }
      copy[offset] = bytes[offset];
    }
  });

  it.each(payloads)('%s: every JSON prefix throws MALFORMED', (signal, bytes) => {
    const json = referenceJson(signal, bytes);
    for (let length = 1; length < json.length; length += 7) {
      expect(() => DECODE_JSON[signal](json.slice(0, length))).toThrow(expect.objectContaining({ code: 'PHAROS_ERR_OTLP_MALFORMED' }));
    }
  });
});
