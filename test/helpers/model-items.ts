import { createAttributes, type AnyValue, type Attributes, type InstrumentationScope, type LogRecord, type MetricPoint, type Resource, type Span } from '@pharos/core';
import { randomHex } from './otlp-json.js';

/**
 * Items of the internal model (packages/core signals.ts), for tests that write to a
 * store directly and so bypass ingest's checks (e.g. data older than the retention).
 */

const MS = 1_000_000n;

function attributesOf(values: Record<string, AnyValue>): Attributes {
  return Object.assign(createAttributes(), values);
}

function resourceOf(service: string): Resource {
  return { attributes: attributesOf({ 'service.name': service }), droppedAttributesCount: 0, schemaUrl: '' };
}

const SCOPE: InstrumentationScope = { name: 'e2e-direct', version: '1.0.0', attributes: createAttributes(), droppedAttributesCount: 0, schemaUrl: '' };

/** `count` spans of one new trace of `service`, starting at `startMs` (ms since the epoch), 5 ms each. */
export function makeTraceSpans(service: string, startMs: number, count: number): { traceId: string; spans: Span[] } {
  const traceId = randomHex(16);
  const resource = resourceOf(service);
  const spans: Span[] = [];
  for (let i = 0; i < count; i++) {
    const start = BigInt(startMs) * MS + BigInt(i) * 1000n;
    spans.push({
      resource,
      scope: SCOPE,
      traceId,
      spanId: randomHex(8),
      parentSpanId: i === 0 ? '' : spans[0].spanId,
      traceState: '',
      flags: 1,
      name: i === 0 ? 'GET /direct' : `direct step ${i}`,
      kind: i === 0 ? 2 : 1,
      startTimeUnixNano: start,
      endTimeUnixNano: start + 5n * MS,
      attributes: attributesOf({ 'http.method': 'GET' }),
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      statusCode: 0,
      statusMessage: '',
    });
  }
  return { traceId, spans };
}

/** One log record of `service` at `timeMs`. */
export function makeLogRecord(service: string, timeMs: number, body: string, severityNumber = 9): LogRecord {
  return {
    resource: resourceOf(service),
    scope: SCOPE,
    timeUnixNano: BigInt(timeMs) * MS,
    observedTimeUnixNano: BigInt(timeMs) * MS,
    severityNumber,
    severityText: severityNumber >= 17 ? 'ERROR' : 'INFO',
    body,
    attributes: createAttributes(),
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
}

/** One gauge point of metric `name` for `service` at `timeMs`. */
export function makeGaugePoint(service: string, name: string, timeMs: number, value: number): MetricPoint {
  return {
    resource: resourceOf(service),
    scope: SCOPE,
    metric: { name, description: '', unit: '1', type: 'gauge', aggregationTemporality: 0, isMonotonic: false, metadata: createAttributes() },
    attributes: createAttributes(),
    startTimeUnixNano: 0n,
    timeUnixNano: BigInt(timeMs) * MS,
    flags: 0,
    exemplars: [],
    kind: 'number',
    value,
  };
}
