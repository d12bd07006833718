import { describe, expect, it } from 'vitest';
import { createAttributes, isPharosError, type AnyValue } from '@pharos/core';
import {
  MAX_ANY_VALUE_DEPTH,
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeMetricsJson,
  decodeMetricsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
  type DecodeResult,
} from './index.js';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function malformedMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isPharosError(error, 'PHAROS_ERR_OTLP_MALFORMED')) return error.message;
    throw error;
  }
  throw new Error('expected PHAROS_ERR_OTLP_MALFORMED, but decoding succeeded');
}

// ---------------------------------------------------------------------------
// Protobuf building blocks (hand-encoded, to make broken shapes on purpose)

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function lenField(field: number, content: number[] | Buffer): number[] {
  const bytes = Array.from(content);
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

/** Wraps `inner` (an encoded AnyValue) in `levels` ArrayValues, writing headers only (linear in depth). */
function nestedArrayAnyValue(levels: number, inner: number[]): Buffer {
  const headers: number[][] = [];
  let length = inner.length;
  for (let i = 0; i < levels; i++) {
    const arrayHeader = [0x0a, ...varint(length)]; // ArrayValue.values = 1
    const arrayLength = arrayHeader.length + length;
    const valueHeader = [0x2a, ...varint(arrayLength)]; // AnyValue.array_value = 5
    headers.push(arrayHeader, valueHeader);
    length = valueHeader.length + arrayLength;
  }
  return Buffer.from([...headers.reverse().flat(), ...inner]);
}

function logsRequestWithBody(body: Buffer): Buffer {
  const record = lenField(5, body); // LogRecord.body = 5
  const scopeLogs = lenField(2, record); // ScopeLogs.log_records = 2
  const resourceLogs = lenField(2, scopeLogs); // ResourceLogs.scope_logs = 2
  return Buffer.from(lenField(1, resourceLogs));
}

function nestedArrayJson(levels: number): string {
  return '{"arrayValue":{"values":['.repeat(levels) + '{"stringValue":"x"}' + ']}}'.repeat(levels);
}

function logsJsonWithBody(body: string): string {
  return `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${body}}]}]}]}`;
}

describe('AnyValue nesting limit', () => {
  const stringValue = [0x0a, 1, 0x78]; // AnyValue{string_value: "x"}

  it(`accepts ${MAX_ANY_VALUE_DEPTH - 1} levels of nested arrays and rejects deeper ones (protobuf)`, () => {
    const ok = decodeLogsProtobuf(logsRequestWithBody(nestedArrayAnyValue(MAX_ANY_VALUE_DEPTH - 1, stringValue)));
    let body: AnyValue = ok.batch.logs[0].body;
    for (let i = 0; i < MAX_ANY_VALUE_DEPTH - 1; i++) {
      expect(Array.isArray(body)).toBe(true);
      body = (body as AnyValue[])[0];
    }
    expect(body).toBe('x');
    const message = malformedMessage(() => decodeLogsProtobuf(logsRequestWithBody(nestedArrayAnyValue(MAX_ANY_VALUE_DEPTH, stringValue))));
    expect(message).toMatch(/AnyValue nested deeper than 32 levels/);
  });

  it('rejects hostile nesting without overflowing the stack (protobuf)', () => {
    expect(malformedMessage(() => decodeLogsProtobuf(logsRequestWithBody(nestedArrayAnyValue(50_000, stringValue))))).toMatch(/nested deeper/);
  });

  it('applies the same limit to JSON, including hostile nesting', () => {
    const ok = decodeLogsJson(logsJsonWithBody(nestedArrayJson(MAX_ANY_VALUE_DEPTH - 1)));
    expect(ok.batch.logs).toHaveLength(1);
    expect(malformedMessage(() => decodeLogsJson(logsJsonWithBody(nestedArrayJson(MAX_ANY_VALUE_DEPTH))))).toMatch(
      /resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.body(\.arrayValue\.values\[0\])+: AnyValue nested deeper than 32 levels/,
    );
    expect(malformedMessage(() => decodeLogsJson(logsJsonWithBody(nestedArrayJson(200_000))))).toMatch(/invalid OTLP JSON/);
  });

  it('counts kvlist nesting too', () => {
    const kv = (levels: number): string => '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(levels) + '{"boolValue":true}' + '}]}}'.repeat(levels);
    expect(decodeLogsJson(logsJsonWithBody(kv(MAX_ANY_VALUE_DEPTH - 1))).batch.logs).toHaveLength(1);
    expect(malformedMessage(() => decodeLogsJson(logsJsonWithBody(kv(MAX_ANY_VALUE_DEPTH))))).toMatch(/nested deeper/);
  });
});

describe('structurally broken protobuf', () => {
  it('rejects a nested length that runs past its parent', () => {
    // ResourceSpans claims 3 bytes; inside, ScopeSpans claims 10.
    const body = Buffer.from([0x0a, 3, 0x12, 10, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(malformedMessage(() => decodeTracesProtobuf(body))).toMatch(/length 10 at offset 3 runs past the end of its message \(1 bytes left\)/);
  });

  it('rejects impossible wire types and field number 0', () => {
    expect(malformedMessage(() => decodeTracesProtobuf(Buffer.from([0x0f])))).toMatch(/wire type 7/);
    expect(malformedMessage(() => decodeLogsProtobuf(Buffer.from([0x00, 0x00])))).toMatch(/field number 0/);
    expect(malformedMessage(() => decodeMetricsProtobuf(Buffer.from([0x0c])))).toMatch(/unexpected end of group/);
  });

  it('decodes random garbage or rejects it with PharosError, never anything else', () => {
    const next = random(1234);
    const decoders = [decodeTracesProtobuf, decodeLogsProtobuf, decodeMetricsProtobuf];
    let decoded = 0;
    for (let round = 0; round < 5000; round++) {
      const bytes = new Uint8Array(Math.floor(next() * 120));
      // Half the rounds favour small bytes, which look like plausible tags and lengths.
      const range = round % 2 === 0 ? 256 : 24;
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * range);
      for (const decode of decoders) {
        try {
          decode(bytes);
          decoded++;
        } catch (error) {
          expect(isPharosError(error, 'PHAROS_ERR_OTLP_MALFORMED'), String(error)).toBe(true);
        }
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});

describe('OTLP/JSON shape errors name the path', () => {
  const cases: Array<[string, () => DecodeResult, RegExp]> = [
    ['not JSON', () => decodeTracesJson('{"resourceSpans":'), /^invalid OTLP JSON: /],
    ['a top-level array', () => decodeTracesJson('[]'), /\(request\): expected an object/],
    ['a top-level null', () => decodeLogsJson('null'), /\(request\): expected an object/],
    ['resourceSpans not an array', () => decodeTracesJson('{"resourceSpans":{}}'), /resourceSpans: expected an array/],
    ['a resource that is a string', () => decodeTracesJson('{"resourceSpans":[{"resource":"x"}]}'), /resourceSpans\[0\]\.resource: expected an object/],
    [
      'a numeric trace id',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{}, { spans: [{}, {}, {}, { traceId: 123 }] }] }] })),
      /resourceSpans\[0\]\.scopeSpans\[1\]\.spans\[3\]\.traceId: expected 32 hex characters/,
    ],
    [
      'a base64 trace id',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'W47/95gDgQPSabYzgT/GDA==', spanId: SPAN_ID }] }] }] })),
      /spans\[0\]\.traceId: expected 32 hex characters/,
    ],
    [
      'an odd-length span id',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: 'abc' }] }] }] })),
      /spans\[0\]\.spanId: expected 16 hex characters/,
    ],
    [
      'a boolean time',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: SPAN_ID, startTimeUnixNano: true }] }] }] })),
      /spans\[0\]\.startTimeUnixNano: expected an unsigned 64-bit integer/,
    ],
    [
      'a negative time',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ endTimeUnixNano: '-1' }] }] }] })),
      /spans\[0\]\.endTimeUnixNano: expected an unsigned 64-bit integer/,
    ],
    [
      'a fractional time',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ endTimeUnixNano: 1.5 }] }] }] })),
      /endTimeUnixNano: expected an unsigned 64-bit integer/,
    ],
    [
      'a time beyond 2^64',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ endTimeUnixNano: '18446744073709551616' }] }] }] })),
      /endTimeUnixNano: expected an unsigned 64-bit integer/,
    ],
    [
      'an unknown enum name',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ kind: 'SPAN_KIND_BOGUS' }] }] }] })),
      /spans\[0\]\.kind: unknown enum value "SPAN_KIND_BOGUS"/,
    ],
    [
      'a fractional enum',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ status: { code: 1.5 } }] }] }] })),
      /spans\[0\]\.status\.code: expected an enum number or name/,
    ],
    [
      'attributes as an object',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: { a: 1 } }] }] }] })),
      /spans\[0\]\.attributes: expected an array/,
    ],
    [
      'a numeric attribute key',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 1 }] } }] })),
      /resourceSpans\[0\]\.resource\.attributes\[0\]\.key: expected a string/,
    ],
    [
      'an intValue that is not an integer',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'a', value: { intValue: 'abc' } }] } }] })),
      /resource\.attributes\[0\]\.value\.intValue: expected a signed 64-bit integer/,
    ],
    [
      'an intValue out of range',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'a', value: { intValue: '9223372036854775808' } }] } }] })),
      /intValue: expected a signed 64-bit integer/,
    ],
    [
      'a boolValue string',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'a', value: { boolValue: 'true' } }] } }] })),
      /value\.boolValue: expected true or false/,
    ],
    [
      'a doubleValue that is not a number',
      () => decodeTracesJson(JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'a', value: { doubleValue: 'abc' } }] } }] })),
      /value\.doubleValue: expected a number/,
    ],
    [
      'bytesValue that is not base64',
      () => decodeLogsJson(logsJsonWithBody('{"bytesValue":"!!!"}')),
      /logRecords\[0\]\.body\.bytesValue: expected base64 bytes/,
    ],
    [
      'an arrayValue that is an array',
      () => decodeLogsJson(logsJsonWithBody('{"arrayValue":[1]}')),
      /logRecords\[0\]\.body\.arrayValue: expected an object/,
    ],
    [
      'a dropped count that is negative',
      () => decodeLogsJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"droppedAttributesCount":-1}]}]}]}'),
      /logRecords\[0\]\.droppedAttributesCount: expected an unsigned 32-bit integer/,
    ],
    [
      'dataPoints that is a string',
      () => decodeMetricsJson('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","sum":{"dataPoints":"x"}}]}]}]}'),
      /resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.sum\.dataPoints: expected an array/,
    ],
    [
      'a negative histogram count',
      () => decodeMetricsJson('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"count":-1}]}}]}]}]}'),
      /histogram\.dataPoints\[0\]\.count: expected an unsigned 64-bit integer/,
    ],
    [
      'a bucket count that is not a number',
      () => decodeMetricsJson('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"bucketCounts":["1",true]}]}}]}]}]}'),
      /histogram\.dataPoints\[0\]\.bucketCounts\[1\]: expected an unsigned 64-bit integer/,
    ],
    [
      'a scale out of range',
      () => decodeMetricsJson('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"exponentialHistogram":{"dataPoints":[{"scale":3000000000}]}}]}]}]}'),
      /exponentialHistogram\.dataPoints\[0\]\.scale: expected a signed 32-bit integer/,
    ],
    [
      'a gauge that is an array',
      () => decodeMetricsJson('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":[]}]}]}]}'),
      /metrics\[0\]\.gauge: expected an object/,
    ],
  ];

  it.each(cases)('%s', (_name, decode, expected) => {
    const message = malformedMessage(decode);
    expect(message).toMatch(expected);
  });
});

describe('OTLP/JSON tolerance', () => {
  it('accepts snake_case proto field names, enum names, uppercase hex, numbers as strings and nulls', () => {
    const snake = decodeTracesJson(
      JSON.stringify({
        resource_spans: [
          {
            resource: { attributes: [{ key: 'a', value: { string_value: 's' } }, { key: 'b', value: { int_value: 5 } }], dropped_attributes_count: '2' },
            schema_url: 'r',
            scope_spans: [
              {
                scope: { name: 'n', version: null },
                schema_url: 's',
                spans: [
                  {
                    trace_id: TRACE_ID.toUpperCase(),
                    span_id: SPAN_ID.toUpperCase(),
                    parent_span_id: '',
                    trace_state: null,
                    name: 'x',
                    kind: 'SPAN_KIND_SERVER',
                    start_time_unix_nano: 1700000000000000000,
                    end_time_unix_nano: '1700000000000000001',
                    dropped_attributes_count: 1,
                    events: [{ time_unix_nano: '3', dropped_attributes_count: 0 }],
                    dropped_events_count: 2,
                    links: null,
                    dropped_links_count: '4',
                    status: { code: 'STATUS_CODE_OK', message: null },
                    flags: '257',
                    unknown_field: { anything: [1, 2] },
                  },
                ],
              },
            ],
          },
        ],
        somethingNew: true,
      }),
    );
    expect(snake.rejected).toBe(0);
    const [span] = snake.batch.spans;
    expect(span).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      parentSpanId: '',
      traceState: '',
      kind: 2,
      startTimeUnixNano: 1700000000000000000n,
      endTimeUnixNano: 1700000000000000001n,
      droppedAttributesCount: 1,
      droppedEventsCount: 2,
      links: [],
      droppedLinksCount: 4,
      statusCode: 1,
      statusMessage: '',
      flags: 257,
    });
    expect(span.events).toEqual([{ timeUnixNano: 3n, name: '', attributes: createAttributes(), droppedAttributesCount: 0 }]);
    expect(span.resource).toEqual({ attributes: Object.assign(createAttributes(), { a: 's', b: 5n }), droppedAttributesCount: 2, schemaUrl: 'r' });
    expect(span.scope).toMatchObject({ name: 'n', version: '', schemaUrl: 's' });
  });

  it('accepts the special double strings, numeric strings and enum names in logs and metrics', () => {
    const logs = decodeLogsJson(
      JSON.stringify({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  { severityNumber: 'SEVERITY_NUMBER_WARN', body: { doubleValue: 'NaN' }, attributes: [{ key: 'i', value: { doubleValue: 'Infinity' } }, { key: 'n', value: { doubleValue: '-Infinity' } }, { key: 'd', value: { doubleValue: '2.5' } }, { key: 'b', value: { bytes_value: 'AQID' } }, { key: 'u', value: { bytesValue: '-_8' } }] },
                  { severity_number: '17', body: { kvlist_value: { values: [{ key: 'k', value: { array_value: { values: [{ bool_value: true }] } } }] } } },
                ],
              },
            ],
          },
        ],
      }),
    );
    const [warn, error] = logs.batch.logs;
    expect(warn.severityNumber).toBe(13);
    expect(warn.body).toBeNaN();
    expect(warn.attributes).toEqual(Object.assign(createAttributes(), { i: Infinity, n: -Infinity, d: 2.5, b: new Uint8Array([1, 2, 3]), u: new Uint8Array([0xfb, 0xff]) }));
    expect(error.severityNumber).toBe(17);
    expect(error.body).toEqual(Object.assign(createAttributes(), { k: [true] }));

    const metrics = decodeMetricsJson(
      JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  { name: 'c', sum: { aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA', isMonotonic: true, dataPoints: [{ asInt: 5 }, { asInt: '-6' }, { asDouble: '-Infinity' }] } },
                  { name: 'h', histogram: { aggregation_temporality: 2, data_points: [{ count: 3, sum: 'NaN', bucket_counts: ['1', 2], explicit_bounds: ['Infinity'] }] } },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(metrics.batch.points.map((p) => (p.kind === 'number' ? p.value : p.kind))).toEqual([5n, -6n, -Infinity, 'histogram']);
    expect(metrics.batch.points[0].metric).toMatchObject({ type: 'sum', aggregationTemporality: 1, isMonotonic: true });
    expect(metrics.batch.points[3]).toMatchObject({ count: 3, sum: NaN, bucketCounts: [1, 2], explicitBounds: [Infinity] });
    expect(metrics.batch.points[3].metric.aggregationTemporality).toBe(2);
  });

  it('treats invalid ids in JSON the same as in protobuf: wrong length → rejected item, not a malformed request', () => {
    const result = decodeTracesJson(
      JSON.stringify({
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_ID.slice(0, 16), spanId: SPAN_ID }, { traceId: TRACE_ID, spanId: SPAN_ID, name: 'ok' }] }] }],
      }),
    );
    expect(result.batch.spans.map((s) => s.name)).toEqual(['ok']);
    expect(result.rejected).toBe(1);
    expect(result.rejectionMessages).toEqual(['span rejected: trace_id must be 16 bytes and not all zero (got 8 bytes)']);
  });
});
