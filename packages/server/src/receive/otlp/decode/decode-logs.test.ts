import { describe, expect, it } from 'vitest';
import { TraceFlags, type HrTime, type SpanContext } from '@opentelemetry/api';
import { SeverityNumber, type LogAttributes, type LogBody } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { createAttributes, type AnyValue, type Attributes, type LogRecord } from '@pharos/core';
import { decodeLogsJson, decodeLogsProtobuf } from './index.js';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

function attrs(values: Record<string, AnyValue>): Attributes {
  return Object.assign(createAttributes(), values);
}

const resource = resourceFromAttributes({ 'service.name': 'cart', 'deployment.environment': 'test' }, { schemaUrl: 'https://example.com/schema' });
const scope = { name: 'cart-logger', version: '2.0.0', schemaUrl: 'https://example.com/scope-schema', attributes: { 'logger.kind': 'pino' } };
const otherScope = { name: 'other' };

function logRecord(input: {
  body?: LogBody;
  time?: HrTime;
  observed?: HrTime;
  severityNumber?: SeverityNumber;
  severityText?: string;
  attributes?: LogAttributes;
  dropped?: number;
  spanContext?: SpanContext;
  eventName?: string;
  scope?: ReadableLogRecord['instrumentationScope'];
}): ReadableLogRecord {
  return {
    hrTime: input.time ?? [1_700_000_000, 1],
    hrTimeObserved: input.observed ?? [1_700_000_000, 2],
    spanContext: input.spanContext,
    severityText: input.severityText,
    severityNumber: input.severityNumber,
    body: input.body,
    eventName: input.eventName,
    resource,
    instrumentationScope: input.scope ?? scope,
    attributes: input.attributes ?? {},
    droppedAttributesCount: input.dropped ?? 0,
  };
}

/** One log record per body type, plus the other fields. */
const BODIES: Array<{ name: string; body: LogBody | undefined; expected: AnyValue }> = [
  { name: 'string', body: 'user logged in', expected: 'user logged in' },
  { name: 'int', body: 123, expected: 123n },
  { name: 'negative int', body: -9_007_199_254_740_991, expected: -9_007_199_254_740_991n },
  { name: 'double', body: 3.25, expected: 3.25 },
  { name: 'bool', body: true, expected: true },
  { name: 'bytes', body: new Uint8Array([222, 173, 190, 239]), expected: new Uint8Array([222, 173, 190, 239]) },
  { name: 'array', body: ['a', 1, [true, 2.5]], expected: ['a', 1n, [true, 2.5]] },
  {
    name: 'map',
    body: { msg: 'hi', count: 2, nested: { ok: false, list: [] } },
    expected: attrs({ msg: 'hi', count: 2n, nested: attrs({ ok: false, list: [] }) }),
  },
  { name: 'empty', body: undefined, expected: null },
];

function serializeBoth(records: ReadableLogRecord[]): { protobuf: Uint8Array; json: string } {
  const protobuf = ProtobufLogsSerializer.serializeRequest(records);
  const json = JsonLogsSerializer.serializeRequest(records);
  if (protobuf === undefined || json === undefined) throw new Error('serializer returned nothing');
  return { protobuf, json: new TextDecoder().decode(json) };
}

describe('decodeLogsProtobuf / decodeLogsJson with the OpenTelemetry JS serializers', () => {
  const records = [
    ...BODIES.map(({ name, body }) => logRecord({ body, attributes: { 'body.type': name } })),
    logRecord({
      body: 'with everything',
      time: [1_700_000_123, 456_000_789],
      observed: [1_700_000_124, 0],
      severityNumber: SeverityNumber.ERROR3,
      severityText: 'error',
      attributes: { 'http.status': 500, 'retry': 1.5, 'kv': { a: ['x'] }, 'bin': new Uint8Array([1]) },
      dropped: 4,
      spanContext: { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED },
      eventName: 'checkout.failed',
    }),
    logRecord({ body: 'other scope', time: [0, 0], severityNumber: SeverityNumber.INFO, scope: otherScope }),
  ];
  const { protobuf, json } = serializeBoth(records);
  const fromProtobuf = decodeLogsProtobuf(protobuf);
  const fromJson = decodeLogsJson(json);

  it('decodes every record and gives the same model from protobuf and JSON', () => {
    expect(fromProtobuf.batch.logs).toHaveLength(records.length);
    expect(fromProtobuf.rejected).toBe(0);
    expect(fromJson).toEqual(fromProtobuf);
  });

  it('decodes log bodies of every AnyValue type', () => {
    for (const result of [fromProtobuf, fromJson]) {
      for (const { name, expected } of BODIES) {
        const record = result.batch.logs.find((log) => log.attributes['body.type'] === name);
        expect(record?.body, name).toEqual(expected);
      }
      const bytes = result.batch.logs.find((log) => log.attributes['body.type'] === 'bytes');
      expect(bytes?.body).toBeInstanceOf(Uint8Array);
    }
  });

  it('decodes every log record field', () => {
    for (const result of [fromProtobuf, fromJson]) {
      const full = result.batch.logs.find((log) => log.body === 'with everything');
      expect(full).toEqual({
        resource: {
          attributes: attrs({ 'service.name': 'cart', 'deployment.environment': 'test' }),
          droppedAttributesCount: 0,
          schemaUrl: 'https://example.com/schema',
        },
        scope: {
          name: 'cart-logger',
          version: '2.0.0',
          attributes: attrs({ 'logger.kind': 'pino' }),
          droppedAttributesCount: 0,
          schemaUrl: 'https://example.com/scope-schema',
        },
        timeUnixNano: 1_700_000_123_456_000_789n,
        observedTimeUnixNano: 1_700_000_124_000_000_000n,
        severityNumber: 19,
        severityText: 'error',
        body: 'with everything',
        attributes: attrs({ 'http.status': 500n, 'retry': 1.5, 'kv': attrs({ a: ['x'] }), 'bin': new Uint8Array([1]) }),
        droppedAttributesCount: 4,
        flags: 1,
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        eventName: 'checkout.failed',
      } satisfies LogRecord);

      const plain = result.batch.logs.find((log) => log.body === 'user logged in');
      expect(plain?.traceId).toBe('');
      expect(plain?.spanId).toBe('');
      expect(plain?.flags).toBe(0);
      expect(plain?.severityNumber).toBe(0);
      expect(plain?.eventName).toBe('');
      expect(plain?.scope).toBe(full?.scope);

      const other = result.batch.logs.find((log) => log.body === 'other scope');
      expect(other?.timeUnixNano).toBe(0n);
      expect(other?.severityNumber).toBe(9);
      expect(other?.scope.name).toBe('other');
      expect(other?.resource).toBe(full?.resource);
    }
  });
});

describe('log id validation (partial success)', () => {
  it('rejects wrong-length ids, keeps empty ones and treats all-zero ids as absent', () => {
    const withContext = (traceId: string, spanId: string, body: string): ReadableLogRecord =>
      logRecord({ body, spanContext: { traceId, spanId, traceFlags: TraceFlags.NONE } });
    const records = [
      withContext(TRACE_ID, SPAN_ID, 'ok'),
      withContext('abcd', SPAN_ID, 'short trace'),
      withContext(TRACE_ID, 'ab', 'short span'),
      withContext('0'.repeat(32), '0'.repeat(16), 'zero ids'),
      logRecord({ body: 'no context' }),
    ];
    const { protobuf, json } = serializeBoth(records);
    const fromProtobuf = decodeLogsProtobuf(protobuf);
    expect(fromProtobuf.batch.logs.map((log) => log.body)).toEqual(['ok', 'zero ids', 'no context']);
    expect(fromProtobuf.batch.logs.map((log) => [log.traceId, log.spanId])).toEqual([
      [TRACE_ID, SPAN_ID],
      ['', ''],
      ['', ''],
    ]);
    expect(fromProtobuf.rejected).toBe(2);
    expect(fromProtobuf.rejectionMessages).toEqual([
      'log record rejected: trace_id must be empty or 16 bytes (got 2 bytes)',
      'log record rejected: span_id must be empty or 8 bytes (got 1 bytes)',
    ]);
    expect(decodeLogsJson(json)).toEqual(fromProtobuf);
  });

  it('decodes an empty request to an empty batch', () => {
    const { protobuf, json } = serializeBoth([]);
    const expected = { batch: { spans: [], logs: [], points: [] }, rejected: 0, rejectionMessages: [] };
    expect(decodeLogsProtobuf(protobuf)).toEqual(expected);
    expect(decodeLogsJson(json)).toEqual(expected);
    expect(decodeLogsJson('{"resourceLogs":[]}')).toEqual(expected);
  });
});
