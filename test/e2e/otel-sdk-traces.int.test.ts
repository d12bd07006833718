import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, createTraceState, trace, type Attributes, type HrTime, type SpanContext } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JaegerKeyValue, JaegerResponse, JaegerSpan, JaegerTrace } from '../../packages/server/src/api/jaeger-api/jaeger-json.js';
import type { OtlpResourceSpansJson, TraceSummaryJson } from '../../packages/server/src/query/index.js';
import { fetchJson, findSamples, parsePrometheusText, queryString, startInProcessPharos, type InProcessPharos } from '../helpers/in-process-pharos.js';
import {
  OTLP_PROTOCOLS,
  createTraceExporter,
  expectedOtlpJsonAttributes,
  hrTimeToMicros,
  hrTimeToNanoString,
  hrTimeToUnixNano,
  protocolSlug,
  sortByKey,
  type CheckedSpanExporter,
  type ExporterCompression,
  type OtlpJsonKeyValue,
  type OtlpProtocol,
  type SdkAnyValue,
} from '../helpers/otel-sdk-exporters.js';

/*
 * Requirement 9, traces: the OpenTelemetry JS SDK sends a small trace with each of its
 * three OTLP exporters to an in-process Pharos; the trace is read back through the Jaeger
 * API and the native API and compared field by field with the spans the SDK produced.
 */

const MAX_BODY_BYTES = 64 * 1024;
const SCOPE_NAME = 'otel-sdk-e2e';
const SCOPE_VERSION = '1.4.2';
const SCOPE_SCHEMA_URL = 'https://opentelemetry.io/schemas/1.26.0';
const RESOURCE_SCHEMA_URL = 'https://opentelemetry.io/schemas/1.25.0';

/** Attributes of every type the JS SDK accepts (AttributeValue). */
const ROOT_ATTRIBUTES: Attributes = {
  'http.method': 'GET',
  'http.route': '/checkout',
  'http.status_code': 200,
  'app.negative_int': -42,
  'app.large_int': 2 ** 40,
  'app.ratio': 0.25,
  'app.negative_double': -1.5e-7,
  'app.flag': true,
  'app.off': false,
  'app.empty': '',
  'app.unicode': 'grüße, 世界 ✓',
  'app.tags': ['blue', 'green'],
  'app.codes': [1, 2, 3],
  'app.weights': [1.5, 2.25],
  'app.bools': [true, false, true],
  'app.mixed_numbers': [1, 2.5],
  // Beyond 2^53: still exact (2^62 is a double), an int64 the Jaeger API writes as a decimal string.
  'app.huge_int': 2 ** 62,
};

/**
 * Non-finite doubles. The SDK's JSON encoder turns them into `null` (JSON has no NaN), so
 * only the protobuf and gRPC exporters can carry them; docs/api.md says they come back as
 * "NaN", "Infinity", "-Infinity".
 */
const NON_FINITE_ATTRIBUTES: Attributes = { 'app.nan': NaN, 'app.inf': Infinity, 'app.neg_inf': -Infinity };

/** Limits small enough that the "limited work" span drops attributes, events, event attributes and links. */
const SPAN_LIMITS = { attributeCountLimit: 24, eventCountLimit: 3, linkCountLimit: 1, attributePerEventCountLimit: 8, attributePerLinkCountLimit: 8 };

const EVENT_ATTRIBUTES: Attributes = { 'cache.key': 'user:42', 'cache.attempt': 3, 'cache.hit_ratio': 0.5, 'cache.cold': true, 'cache.shards': ['a', 'b'] };
const LINK_ATTRIBUTES: Attributes = { 'link.reason': 'retry-of', 'link.attempt': 2, 'link.weight': 0.5, 'link.final': false };

let pharos: InProcessPharos;
const exporters: CheckedSpanExporter[] = [];

beforeAll(async () => {
  pharos = await startInProcessPharos({ maxBodyBytes: MAX_BODY_BYTES });
});

afterAll(async () => {
  await pharos?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function addNanos(time: HrTime, nanos: number): HrTime {
  const total = hrTimeToUnixNano(time) + BigInt(nanos);
  return [Number(total / 1_000_000_000n), Number(total % 1_000_000_000n)];
}

/** One way of sending: an exporter protocol and its request compression. */
interface SendCase {
  protocol: OtlpProtocol;
  compression: ExporterCompression;
}

const SEND_CASES: SendCase[] = [
  ...OTLP_PROTOCOLS.map((protocol): SendCase => ({ protocol, compression: 'none' })),
  ...OTLP_PROTOCOLS.map((protocol): SendCase => ({ protocol, compression: 'gzip' })),
];

interface SentTrace {
  service: string;
  /** A second service, called by the CLIENT span (remote parent), with its own provider and exporter. */
  downstream: string;
  traceId: string;
  linked: SpanContext;
  /** The spans as the SDK exported them. */
  spans: ReadableSpan[];
}

/**
 * Builds a provider with `exporter` (and one for the downstream service with
 * `downstreamExporter`), creates the test trace, flushes, and checks every export succeeded.
 */
async function sendTrace({ protocol, compression }: SendCase, exporter: CheckedSpanExporter, downstreamExporter: CheckedSpanExporter): Promise<SentTrace> {
  const service = `otel-sdk-traces-${protocolSlug(protocol)}${compression === 'gzip' ? '-gzip' : ''}`;
  const resource = resourceFromAttributes(
    {
      'service.name': service,
      'service.version': '3.2.1',
      'service.instance.id': `instance-${protocolSlug(protocol)}`,
      'host.cores': 8,
      'host.load': 0.75,
      'deployment.canary': true,
      'deployment.zones': ['eu-1a', 'eu-1b'],
    },
    { schemaUrl: RESOURCE_SCHEMA_URL },
  );
  const provider = new BasicTracerProvider({ resource, spanLimits: SPAN_LIMITS, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer(SCOPE_NAME, SCOPE_VERSION, { schemaUrl: SCOPE_SCHEMA_URL });

  const linked: SpanContext = {
    traceId: randomHex(16),
    spanId: randomHex(8),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('vendor=opaque,other=1'),
  };
  const rootAttributes = protocol === 'http/json' ? ROOT_ATTRIBUTES : { ...ROOT_ATTRIBUTES, ...NON_FINITE_ATTRIBUTES };
  const root = tracer.startSpan('GET /checkout', { kind: SpanKind.SERVER, attributes: rootAttributes, links: [{ context: linked, attributes: LINK_ATTRIBUTES }] });
  const rootContext = trace.setSpan(ROOT_CONTEXT, root);
  await sleep(3);
  root.addEvent('cache.miss', EVENT_ATTRIBUTES);
  // An event at an exact nanosecond, to see that no precision is lost on the way.
  const nowMs = Date.now();
  root.addEvent('checkout.validated', { 'items.count': 3 }, addNanos([Math.floor(nowMs / 1000), (nowMs % 1000) * 1_000_000], 654_321));

  const client = tracer.startSpan('SELECT orders', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.rows': 0 } }, rootContext);
  // The downstream service continues the trace from the client span's propagated context.
  const downstream = `${service}-downstream`;
  const downstreamProvider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': downstream, 'service.instance.id': 'downstream-1' }),
    spanProcessors: [new SimpleSpanProcessor(downstreamExporter)],
  });
  // As a W3C traceparent/tracestate pair would arrive: remote, with vendor state the new span inherits.
  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, { ...client.spanContext(), isRemote: true, traceState: createTraceState('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE') });
  const served = downstreamProvider.getTracer('downstream-http').startSpan('GET /orders', { kind: SpanKind.SERVER, attributes: { 'http.status_code': 503 } }, remoteParent);
  await sleep(2);
  served.end();
  await downstreamProvider.forceFlush();
  await downstreamProvider.shutdown();
  downstreamExporter.log.assertAllSucceeded(`${protocol} downstream trace export`);

  client.setStatus({ code: SpanStatusCode.ERROR, message: 'connection refused' });
  client.end();

  const validate = tracer.startSpan('validate cart', { kind: SpanKind.INTERNAL }, rootContext);
  validate.recordException(new Error('cart is empty'));
  validate.end();

  // Over every limit: 26 attributes (24 kept), 5 events (the last 3 kept), an event with 10 attributes (8 kept), 2 links (1 kept).
  const manyAttributes: Attributes = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`work.attr_${String(i).padStart(2, '0')}`, i]));
  const otherLink: SpanContext = { traceId: randomHex(16), spanId: randomHex(8), traceFlags: TraceFlags.NONE };
  const limited = tracer.startSpan(
    'limited work',
    { kind: SpanKind.INTERNAL, attributes: manyAttributes, links: [{ context: linked }, { context: otherLink, attributes: { 'link.n': 2 } }] },
    rootContext,
  );
  for (let i = 1; i <= 4; i++) limited.addEvent(`step ${i}`, { 'step.n': i });
  limited.addEvent('wide event', Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`e.${i}`, `v${i}`])));
  limited.end();

  await sleep(2);
  root.setStatus({ code: SpanStatusCode.OK });
  root.end();

  await provider.forceFlush();
  await provider.shutdown();
  exporter.log.assertAllSucceeded(`${protocol} trace export`);
  const spans = [...exporter.spans(), ...downstreamExporter.spans()];
  expect(spans).toHaveLength(5);
  const limitedSpan = spans.find((s) => s.name === 'limited work');
  // The SDK applied its limits (so the counts below are worth comparing).
  expect([limitedSpan?.droppedAttributesCount, limitedSpan?.droppedEventsCount, limitedSpan?.droppedLinksCount]).toEqual([2, 2, 1]);
  return { service, downstream, traceId: root.spanContext().traceId, linked, spans };
}

function spanNamed(sent: SentTrace, name: string): ReadableSpan {
  const span = sent.spans.find((s) => s.name === name);
  if (span === undefined) throw new Error(`the SDK produced no span named ${name}`);
  return span;
}

/** OTLP span flags as the SDK encodes them: W3C trace flags plus HAS_IS_REMOTE (0x100) and IS_REMOTE (0x200). */
function otlpFlagsOf(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | 0x100 | (isRemote === true ? 0x200 : 0);
}

// --- native API expectations ------------------------------------------------------------

interface ExpectedSpanJson {
  traceId: string;
  spanId: string;
  traceState: string;
  parentSpanId: string;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpJsonKeyValue[];
  droppedAttributesCount: number;
  events: Array<{ timeUnixNano: string; name: string; attributes: OtlpJsonKeyValue[]; droppedAttributesCount: number }>;
  droppedEventsCount: number;
  links: Array<{ traceId: string; spanId: string; traceState: string; attributes: OtlpJsonKeyValue[]; droppedAttributesCount: number; flags: number }>;
  droppedLinksCount: number;
  status: { code: number; message: string };
}

function expectedSpanJson(span: ReadableSpan): ExpectedSpanJson {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    traceState: context.traceState?.serialize() ?? '',
    parentSpanId: span.parentSpanContext?.spanId ?? '',
    flags: otlpFlagsOf(context.traceFlags, span.parentSpanContext?.isRemote),
    name: span.name,
    // The API's SpanKind starts at INTERNAL = 0; OTLP's at UNSPECIFIED = 0.
    kind: span.kind + 1,
    startTimeUnixNano: hrTimeToNanoString(span.startTime),
    endTimeUnixNano: hrTimeToNanoString(span.endTime),
    attributes: expectedOtlpJsonAttributes(span.attributes as Record<string, SdkAnyValue>),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map((event) => ({
      timeUnixNano: hrTimeToNanoString(event.time),
      name: event.name,
      attributes: expectedOtlpJsonAttributes(event.attributes as Record<string, SdkAnyValue> | undefined),
      droppedAttributesCount: event.droppedAttributesCount ?? 0,
    })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      traceState: link.context.traceState?.serialize() ?? '',
      attributes: expectedOtlpJsonAttributes(link.attributes as Record<string, SdkAnyValue> | undefined),
      droppedAttributesCount: link.droppedAttributesCount ?? 0,
      flags: otlpFlagsOf(link.context.traceFlags, link.context.isRemote),
    })),
    droppedLinksCount: span.droppedLinksCount,
    status: { code: span.status.code, message: span.status.message ?? '' },
  };
}

/** The native trace detail with attributes sorted by key and spans sorted by id, for comparison. */
function normalizeNativeTrace(resourceSpans: OtlpResourceSpansJson[]): OtlpResourceSpansJson[] {
  const serviceOf = (rs: OtlpResourceSpansJson): string => JSON.stringify(rs.resource.attributes.find((kv) => kv.key === 'service.name')?.value ?? null);
  return [...resourceSpans].sort((a, b) => (serviceOf(a) < serviceOf(b) ? -1 : 1)).map((rs) => ({
    ...rs,
    resource: { ...rs.resource, attributes: sortByKey(rs.resource.attributes as OtlpJsonKeyValue[]) },
    scopeSpans: rs.scopeSpans.map((ss) => ({
      ...ss,
      scope: { ...ss.scope, attributes: sortByKey(ss.scope.attributes as OtlpJsonKeyValue[]) },
      spans: [...ss.spans]
        .sort((a, b) => (a.spanId < b.spanId ? -1 : 1))
        .map((span) => ({
          ...span,
          attributes: sortByKey(span.attributes as OtlpJsonKeyValue[]),
          events: span.events.map((e) => ({ ...e, attributes: sortByKey(e.attributes as OtlpJsonKeyValue[]) })),
          links: span.links.map((l) => ({ ...l, attributes: sortByKey(l.attributes as OtlpJsonKeyValue[]) })),
        })),
    })),
  }));
}

// --- Jaeger API expectations ------------------------------------------------------------

/** A Jaeger tag for an SDK attribute value, per the OTel → Jaeger mapping (arrays as JSON text). */
function expectedJaegerTag(key: string, value: SdkAnyValue): JaegerKeyValue {
  if (typeof value === 'string') return { key, type: 'string', value };
  if (typeof value === 'boolean') return { key, type: 'bool', value };
  if (typeof value === 'number') {
    // docs/api.md: an int64 beyond ±2^53 is its decimal string; NaN and ±Infinity are text.
    if (Number.isInteger(value)) return { key, type: 'int64', value: Number.isSafeInteger(value) ? value : BigInt(value).toString() };
    return { key, type: 'float64', value: Number.isFinite(value) ? value : String(value) };
  }
  if (value instanceof Uint8Array) return { key, type: 'binary', value: Buffer.from(value).toString('base64') };
  return { key, type: 'string', value: JSON.stringify(value) };
}

function expectedJaegerTags(attributes: Attributes | undefined): JaegerKeyValue[] {
  return Object.entries(attributes ?? {}).map(([key, value]) => expectedJaegerTag(key, value as SdkAnyValue));
}

function sortTags(tags: readonly JaegerKeyValue[]): JaegerKeyValue[] {
  return [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const JAEGER_KINDS = ['internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_NAMES = ['', 'OK', 'ERROR'];

function expectedJaegerSpan(span: ReadableSpan, processID: string): JaegerSpan {
  const context = span.spanContext();
  const tags = expectedJaegerTags(span.attributes);
  tags.push({ key: 'otel.scope.name', type: 'string', value: span.instrumentationScope.name });
  if (span.instrumentationScope.version !== undefined && span.instrumentationScope.version !== '') tags.push({ key: 'otel.scope.version', type: 'string', value: span.instrumentationScope.version });
  tags.push({ key: 'span.kind', type: 'string', value: JAEGER_KINDS[span.kind] });
  if (span.status.code !== SpanStatusCode.UNSET) tags.push({ key: 'otel.status_code', type: 'string', value: STATUS_NAMES[span.status.code] });
  if (span.status.message !== undefined && span.status.message !== '') tags.push({ key: 'otel.status_description', type: 'string', value: span.status.message });
  if (span.status.code === SpanStatusCode.ERROR) tags.push({ key: 'error', type: 'bool', value: true });
  const traceState = context.traceState?.serialize() ?? '';
  if (traceState !== '') tags.push({ key: 'w3c.tracestate', type: 'string', value: traceState });
  if (span.droppedAttributesCount > 0) tags.push({ key: 'otel.dropped_attributes_count', type: 'int64', value: span.droppedAttributesCount });
  if (span.droppedEventsCount > 0) tags.push({ key: 'otel.dropped_events_count', type: 'int64', value: span.droppedEventsCount });
  if (span.droppedLinksCount > 0) tags.push({ key: 'otel.dropped_links_count', type: 'int64', value: span.droppedLinksCount });
  const references: JaegerSpan['references'] = [];
  if (span.parentSpanContext !== undefined) references.push({ refType: 'CHILD_OF', traceID: context.traceId, spanID: span.parentSpanContext.spanId });
  for (const link of span.links) references.push({ refType: 'FOLLOWS_FROM', traceID: link.context.traceId, spanID: link.context.spanId });
  return {
    traceID: context.traceId,
    spanID: context.spanId,
    operationName: span.name,
    references,
    startTime: hrTimeToMicros(span.startTime),
    duration: Number((hrTimeToUnixNano(span.endTime) - hrTimeToUnixNano(span.startTime)) / 1000n),
    tags: sortTags(tags),
    logs: span.events.map((event) => ({
      timestamp: hrTimeToMicros(event.time),
      fields: [
        { key: 'event', type: 'string', value: event.name },
        ...sortTags([
          ...expectedJaegerTags(event.attributes),
          ...((event.droppedAttributesCount ?? 0) > 0 ? [{ key: 'otel.dropped_attributes_count', type: 'int64' as const, value: event.droppedAttributesCount ?? 0 }] : []),
        ]),
      ],
    })),
    processID,
    warnings: null,
    flags: context.traceFlags & 0xff,
  };
}

/** A Jaeger span with tags and log fields in a comparable order (`event` first, as the mapping puts it). */
function normalizeJaegerSpan(span: JaegerSpan): JaegerSpan {
  return {
    ...span,
    tags: sortTags(span.tags),
    logs: span.logs.map((log) => {
      const event = log.fields.filter((f) => f.key === 'event');
      return { ...log, fields: [...event, ...sortTags(log.fields.filter((f) => f.key !== 'event'))] };
    }),
  };
}

// --- the tests ------------------------------------------------------------------------------

describe.each(SEND_CASES)('OpenTelemetry JS SDK traces over $protocol (compression: $compression)', (sendCase) => {
  const { protocol } = sendCase;
  let sent: SentTrace;

  beforeAll(async () => {
    const exporter = createTraceExporter(protocol, pharos, sendCase.compression);
    const downstreamExporter = createTraceExporter(protocol, pharos, sendCase.compression);
    exporters.push(exporter, downstreamExporter);
    sent = await sendTrace(sendCase, exporter, downstreamExporter);
  });

  it('GET /pharos/v1/traces/{id} returns every field the SDK produced', async () => {
    const { body } = await fetchJson<{ traceId: string; resourceSpans: OtlpResourceSpansJson[] }>(pharos.apiUrl, `/pharos/v1/traces/${sent.traceId}`);
    expect(body.traceId).toBe(sent.traceId);
    const ofService = (service: string) => sent.spans.filter((s) => s.resource.attributes['service.name'] === service);
    const [mine, theirs] = [ofService(sent.service), ofService(sent.downstream)];
    const bySpanId = (a: ExpectedSpanJson, b: ExpectedSpanJson) => (a.spanId < b.spanId ? -1 : 1);
    const expected = [
      {
        resource: { attributes: expectedOtlpJsonAttributes(mine[0].resource.attributes as Record<string, SdkAnyValue>), droppedAttributesCount: 0 },
        scopeSpans: [
          {
            scope: { name: SCOPE_NAME, version: SCOPE_VERSION, attributes: [], droppedAttributesCount: 0 },
            spans: mine.map(expectedSpanJson).sort(bySpanId),
            schemaUrl: SCOPE_SCHEMA_URL,
          },
        ],
        schemaUrl: RESOURCE_SCHEMA_URL,
      },
      {
        resource: { attributes: expectedOtlpJsonAttributes(theirs[0].resource.attributes as Record<string, SdkAnyValue>), droppedAttributesCount: 0 },
        // A tracer without version or schema URL: both empty.
        scopeSpans: [{ scope: { name: 'downstream-http', version: '', attributes: [], droppedAttributesCount: 0 }, spans: theirs.map(expectedSpanJson), schemaUrl: '' }],
        schemaUrl: '',
      },
    ];
    expect(normalizeNativeTrace(body.resourceSpans)).toEqual(expected);
    // The downstream span has a remote parent: OTLP flags 0x301 (sampled, HAS_IS_REMOTE, IS_REMOTE).
    expect(expected[1].scopeSpans[0].spans[0]).toMatchObject({
      flags: 0x301,
      parentSpanId: spanNamed(sent, 'SELECT orders').spanContext().spanId,
      traceState: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    });
  });

  it('keeps the exact OTLP value type of every attribute (int vs double, arrays element by element)', async () => {
    const { body } = await fetchJson<{ resourceSpans: OtlpResourceSpansJson[] }>(pharos.apiUrl, `/pharos/v1/traces/${sent.traceId}`);
    const root = body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).find((s) => s.name === 'GET /checkout');
    const byKey = new Map((root?.attributes ?? []).map((kv) => [kv.key, kv.value]));
    expect(byKey.get('http.status_code')).toEqual({ intValue: '200' });
    expect(byKey.get('app.large_int')).toEqual({ intValue: String(2 ** 40) });
    expect(byKey.get('app.negative_int')).toEqual({ intValue: '-42' });
    expect(byKey.get('app.ratio')).toEqual({ doubleValue: 0.25 });
    expect(byKey.get('app.negative_double')).toEqual({ doubleValue: -1.5e-7 });
    expect(byKey.get('app.flag')).toEqual({ boolValue: true });
    expect(byKey.get('app.off')).toEqual({ boolValue: false });
    expect(byKey.get('app.empty')).toEqual({ stringValue: '' });
    expect(byKey.get('app.codes')).toEqual({ arrayValue: { values: [{ intValue: '1' }, { intValue: '2' }, { intValue: '3' }] } });
    expect(byKey.get('app.weights')).toEqual({ arrayValue: { values: [{ doubleValue: 1.5 }, { doubleValue: 2.25 }] } });
    expect(byKey.get('app.bools')).toEqual({ arrayValue: { values: [{ boolValue: true }, { boolValue: false }, { boolValue: true }] } });
    expect(byKey.get('app.mixed_numbers')).toEqual({ arrayValue: { values: [{ intValue: '1' }, { doubleValue: 2.5 }] } });
    expect(byKey.get('app.tags')).toEqual({ arrayValue: { values: [{ stringValue: 'blue' }, { stringValue: 'green' }] } });
    expect(byKey.get('app.huge_int')).toEqual({ intValue: '4611686018427387904' });
    if (protocol !== 'http/json') {
      expect(byKey.get('app.nan')).toEqual({ doubleValue: 'NaN' });
      expect(byKey.get('app.inf')).toEqual({ doubleValue: 'Infinity' });
      expect(byKey.get('app.neg_inf')).toEqual({ doubleValue: '-Infinity' });
    }
  });

  it('keeps the dropped attribute, event and link counts the SDK reported', async () => {
    const { body } = await fetchJson<{ resourceSpans: OtlpResourceSpansJson[] }>(pharos.apiUrl, `/pharos/v1/traces/${sent.traceId}`);
    const limited = body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).find((s) => s.name === 'limited work');
    expect(limited).toMatchObject({ droppedAttributesCount: 2, droppedEventsCount: 2, droppedLinksCount: 1 });
    expect(limited?.attributes).toHaveLength(24);
    expect(limited?.events.map((e) => [e.name, e.attributes.length, e.droppedAttributesCount])).toEqual([
      ['step 3', 1, 0],
      ['step 4', 1, 0],
      ['wide event', 8, 2],
    ]);
    const jaeger = await fetchJson<JaegerResponse<JaegerTrace[]>>(pharos.apiUrl, `/api/traces/${sent.traceId}`);
    const jaegerLimited = jaeger.body.data[0].spans.find((s) => s.operationName === 'limited work');
    expect(jaegerLimited?.tags).toContainEqual({ key: 'otel.dropped_attributes_count', type: 'int64', value: 2 });
    expect(jaegerLimited?.tags).toContainEqual({ key: 'otel.dropped_events_count', type: 'int64', value: 2 });
    expect(jaegerLimited?.tags).toContainEqual({ key: 'otel.dropped_links_count', type: 'int64', value: 1 });
    expect(jaegerLimited?.logs[2].fields).toContainEqual({ key: 'otel.dropped_attributes_count', type: 'int64', value: 2 });
  });

  it('GET /api/traces/{id} returns the Jaeger form: typed tags, references, logs, process', async () => {
    const { body } = await fetchJson<JaegerResponse<JaegerTrace[]>>(pharos.apiUrl, `/api/traces/${sent.traceId}`);
    expect(body.errors).toBeNull();
    expect(body.data).toHaveLength(1);
    const jaegerTrace = body.data[0];
    expect(jaegerTrace.traceID).toBe(sent.traceId);
    // One process per service (resource), named p1, p2; compared here by service name.
    expect(Object.keys(jaegerTrace.processes).sort()).toEqual(['p1', 'p2']);
    const processes = Object.values(jaegerTrace.processes)
      .map((p) => ({ serviceName: p.serviceName, tags: sortTags(p.tags) }))
      .sort((a, b) => (a.serviceName < b.serviceName ? -1 : 1));
    const resourceOf = (service: string) => sent.spans.find((s) => s.resource.attributes['service.name'] === service)?.resource.attributes ?? {};
    const processTags = (service: string) => sortTags(expectedJaegerTags(Object.fromEntries(Object.entries(resourceOf(service)).filter(([key]) => key !== 'service.name'))));
    expect(processes).toEqual([
      { serviceName: sent.service, tags: processTags(sent.service) },
      { serviceName: sent.downstream, tags: processTags(sent.downstream) },
    ]);
    const actual = [...jaegerTrace.spans]
      .sort((a, b) => (a.spanID < b.spanID ? -1 : 1))
      .map(normalizeJaegerSpan)
      .map((s) => ({ ...s, processID: jaegerTrace.processes[s.processID]?.serviceName ?? `missing process ${s.processID}` }));
    const expected = [...sent.spans]
      .sort((a, b) => (a.spanContext().spanId < b.spanContext().spanId ? -1 : 1))
      .map((s) => expectedJaegerSpan(s, String(s.resource.attributes['service.name'])));
    expect(actual).toEqual(expected);
    const served = jaegerTrace.spans.find((s) => s.operationName === 'GET /orders');
    expect(served?.references).toEqual([{ refType: 'CHILD_OF', traceID: sent.traceId, spanID: spanNamed(sent, 'SELECT orders').spanContext().spanId }]);
    expect(served?.tags).toContainEqual({ key: 'w3c.tracestate', type: 'string', value: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' });

    // Spot checks of the mapping, independent of the generic expectation above.
    const root = jaegerTrace.spans.find((s) => s.operationName === 'GET /checkout');
    expect(root?.references).toEqual([{ refType: 'FOLLOWS_FROM', traceID: sent.linked.traceId, spanID: sent.linked.spanId }]);
    expect(root?.tags).toContainEqual({ key: 'http.status_code', type: 'int64', value: 200 });
    expect(root?.tags).toContainEqual({ key: 'app.ratio', type: 'float64', value: 0.25 });
    expect(root?.tags).toContainEqual({ key: 'app.flag', type: 'bool', value: true });
    expect(root?.tags).toContainEqual({ key: 'app.codes', type: 'string', value: '[1,2,3]' });
    expect(root?.tags).toContainEqual({ key: 'app.huge_int', type: 'int64', value: '4611686018427387904' });
    if (protocol !== 'http/json') expect(root?.tags).toContainEqual({ key: 'app.nan', type: 'float64', value: 'NaN' });
    expect(root?.logs[0].fields).toContainEqual({ key: 'event', type: 'string', value: 'cache.miss' });
    const client = jaegerTrace.spans.find((s) => s.operationName === 'SELECT orders');
    expect(client?.references).toEqual([{ refType: 'CHILD_OF', traceID: sent.traceId, spanID: root?.spanID }]);
    expect(client?.tags).toContainEqual({ key: 'error', type: 'bool', value: true });
    expect(client?.tags).toContainEqual({ key: 'otel.status_description', type: 'string', value: 'connection refused' });
    const validate = jaegerTrace.spans.find((s) => s.operationName === 'validate cart');
    expect(validate?.logs.map((l) => l.fields.find((f) => f.key === 'event')?.value)).toEqual(['exception']);
    expect(validate?.logs[0].fields).toContainEqual({ key: 'exception.message', type: 'string', value: 'cart is empty' });
    expect(validate?.logs[0].fields).toContainEqual({ key: 'exception.type', type: 'string', value: 'Error' });
  });

  it('finds the trace with the native search (service, operation, attr, status, duration)', async () => {
    const root = spanNamed(sent, 'GET /checkout');
    const searches: Array<Record<string, string | string[]>> = [
      { service: sent.service },
      { service: sent.service, operation: 'SELECT orders' },
      { service: sent.service, attr: 'http.status_code=200' },
      { service: sent.service, attr: ['http.status_code>=200', 'app.ratio<0.3', 'app.flag=true'] },
      { service: sent.service, attr: 'service.version=3.2.1' },
      { service: sent.service, attr: 'host.cores=8' },
      { service: sent.service, status: 'error' },
      { service: sent.service, attr: 'db.system=postgresql', status: 'error' },
      { service: sent.downstream },
      { service: sent.downstream, attr: 'http.status_code=503' },
      { service: sent.service, operation: 'GET /checkout', minDuration: '1ms', maxDuration: '1m' },
    ];
    for (const params of searches) {
      const { body } = await fetchJson<{ traces: TraceSummaryJson[] }>(pharos.apiUrl, `/pharos/v1/traces?${queryString(params)}`);
      expect(body.traces.map((t) => t.traceId), JSON.stringify(params)).toEqual([sent.traceId]);
    }
    // Conditions that must hold on one span: no span is both the client span and has http.status_code.
    const none = await fetchJson<{ traces: TraceSummaryJson[] }>(pharos.apiUrl, `/pharos/v1/traces?${queryString({ service: sent.service, operation: 'SELECT orders', attr: 'http.status_code=200' })}`);
    expect(none.body.traces).toEqual([]);
    const noMatch: Array<Record<string, string>> = [
      { service: sent.service, attr: 'http.status_code=404' },
      { service: sent.service, minDuration: '1h' },
      { service: sent.service, operation: 'GET /checkout', maxDuration: '1us' },
      { service: sent.service, status: 'error', operation: 'GET /checkout' },
    ];
    for (const params of noMatch) {
      const { body } = await fetchJson<{ traces: TraceSummaryJson[] }>(pharos.apiUrl, `/pharos/v1/traces?${queryString(params)}`);
      expect(body.traces, JSON.stringify(params)).toEqual([]);
    }

    const { body } = await fetchJson<{ traces: TraceSummaryJson[] }>(pharos.apiUrl, `/pharos/v1/traces?${queryString({ service: sent.service })}`);
    const starts = sent.spans.map((s) => hrTimeToUnixNano(s.startTime));
    const ends = sent.spans.map((s) => hrTimeToUnixNano(s.endTime));
    const minStart = starts.reduce((a, b) => (a < b ? a : b));
    const maxEnd = ends.reduce((a, b) => (a > b ? a : b));
    expect(body.traces[0]).toEqual({
      traceId: sent.traceId,
      rootServiceName: sent.service,
      rootSpanName: 'GET /checkout',
      startTimeUnixNano: hrTimeToNanoString(root.startTime),
      durationNs: String(maxEnd - minStart),
      spanCount: 5,
      errorCount: 1,
      services: [
        { name: sent.service, spanCount: 4, errorCount: 1 },
        { name: sent.downstream, spanCount: 1, errorCount: 0 },
      ].sort((a, b) => (a.name < b.name ? -1 : 1)),
    });
  });

  it('finds the trace with the Jaeger search (tags as JSON and logfmt, error=true, operation)', async () => {
    const searches: Array<Record<string, string>> = [
      { service: sent.service },
      { service: sent.service, tags: JSON.stringify({ 'http.method': 'GET', 'http.status_code': '200' }) },
      { service: sent.service, tags: 'http.route=/checkout app.flag=true' },
      { service: sent.service, tags: JSON.stringify({ error: 'true' }) },
      { service: sent.service, operation: 'SELECT orders', tags: 'error=true' },
      { service: sent.service, tag: 'db.system:postgresql' },
      { service: sent.service, operation: 'GET /checkout', minDuration: '1ms' },
    ];
    for (const params of searches) {
      const { body } = await fetchJson<JaegerResponse<JaegerTrace[]>>(pharos.apiUrl, `/api/traces?${queryString(params)}`);
      expect(body.data.map((t) => t.traceID), JSON.stringify(params)).toEqual([sent.traceId]);
      expect(body.data[0].spans).toHaveLength(5);
    }
    const { body } = await fetchJson<JaegerResponse<JaegerTrace[]>>(pharos.apiUrl, `/api/traces?${queryString({ service: sent.service, tags: 'http.status_code=500' })}`);
    expect(body.data).toEqual([]);
    // Jaeger times are microseconds; `end` is inclusive.
    const rootStartMicros = hrTimeToMicros(spanNamed(sent, 'GET /checkout').startTime);
    const inRange = await fetchJson<JaegerResponse<JaegerTrace[]>>(pharos.apiUrl, `/api/traces?${queryString({ service: sent.service, start: rootStartMicros - 1000, end: rootStartMicros + 60_000_000 })}`);
    expect(inRange.body.data.map((t) => t.traceID)).toEqual([sent.traceId]);
    const before = await fetchJson<JaegerResponse<JaegerTrace[]>>(pharos.apiUrl, `/api/traces?${queryString({ service: sent.service, start: rootStartMicros - 60_000_000, end: rootStartMicros - 60_000_000 + 1000 })}`);
    expect(before.body.data).toEqual([]);
  });

  it('shows the call from the service to the downstream service in /api/dependencies', async () => {
    const { body } = await fetchJson<JaegerResponse<Array<{ parent: string; child: string; callCount: number }>>>(pharos.apiUrl, `/api/dependencies?${queryString({ endTs: Date.now(), lookback: 3_600_000, service: sent.downstream })}`);
    expect(body.data).toEqual([{ parent: sent.service, child: sent.downstream, callCount: 1 }]);
  });

  it('lists the service and its operations in both APIs', async () => {
    const jaegerServices = await fetchJson<JaegerResponse<string[]>>(pharos.apiUrl, '/api/services');
    expect(jaegerServices.body.data).toContain(sent.service);
    expect(jaegerServices.body.data).toContain(sent.downstream);
    const nativeServices = await fetchJson<{ services: string[] }>(pharos.apiUrl, '/pharos/v1/services');
    expect(nativeServices.body.services).toContain(sent.service);
    expect(nativeServices.body.services).toContain(sent.downstream);
    expect([...nativeServices.body.services].sort()).toEqual(nativeServices.body.services);
    const downstreamOperations = await fetchJson<{ operations: Array<{ name: string; spanKind: string }> }>(pharos.apiUrl, `/pharos/v1/services/${encodeURIComponent(sent.downstream)}/operations`);
    expect(downstreamOperations.body.operations).toEqual([{ name: 'GET /orders', spanKind: 'server' }]);

    const jaegerOperations = await fetchJson<JaegerResponse<string[]>>(pharos.apiUrl, `/api/services/${encodeURIComponent(sent.service)}/operations`);
    expect([...jaegerOperations.body.data].sort()).toEqual(['GET /checkout', 'SELECT orders', 'limited work', 'validate cart']);
    const jaegerKinds = await fetchJson<JaegerResponse<Array<{ name: string; spanKind: string }>>>(pharos.apiUrl, `/api/operations?${queryString({ service: sent.service })}`);
    expect([...jaegerKinds.body.data].sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual([
      { name: 'GET /checkout', spanKind: 'server' },
      { name: 'SELECT orders', spanKind: 'client' },
      { name: 'limited work', spanKind: 'internal' },
      { name: 'validate cart', spanKind: 'internal' },
    ]);
    const nativeOperations = await fetchJson<{ operations: Array<{ name: string; spanKind: string }> }>(pharos.apiUrl, `/pharos/v1/services/${encodeURIComponent(sent.service)}/operations`);
    expect([...nativeOperations.body.operations].sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual([
      { name: 'GET /checkout', spanKind: 'server' },
      { name: 'SELECT orders', spanKind: 'client' },
      { name: 'limited work', spanKind: 'internal' },
      { name: 'validate cart', spanKind: 'internal' },
    ]);
  });
});

// --- gRPC edge cases with a raw grpc-js client ----------------------------------------------

const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** Sends `body` as the raw bytes of an Export call; resolves with the gRPC status and the response bytes. */
function rawGrpcExport(address: string, path: string, body: Buffer, options: { gzip?: boolean } = {}): Promise<{ code: grpc.status; details: string; response?: Buffer }> {
  // Compression algorithm 2 is gzip in grpc-js' channel options.
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), options.gzip === true ? { 'grpc.default_compression_algorithm': 2 } : {});
  const identity = (value: Buffer): Buffer => value;
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, identity, identity, body, { deadline: Date.now() + 15_000 }, (error, response) => {
      client.close();
      if (error) resolve({ code: error.code, details: error.details });
      else resolve({ code: grpc.status.OK, details: '', response });
    });
  });
}

/** A protobuf message holding only unknown field 15 (bytes) of `size` bytes: well-formed, and carries no span. */
function unknownFieldMessage(size: number): Buffer {
  const length: number[] = [];
  let n = size;
  while (n >= 0x80) {
    length.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  length.push(n);
  return Buffer.concat([Buffer.from([(15 << 3) | 2, ...length]), Buffer.alloc(size, 0x61)]);
}

describe('OTLP/gRPC edge cases (raw @grpc/grpc-js client)', () => {
  it('answers INVALID_ARGUMENT with a message for bytes that are not a protobuf message', async () => {
    // Field 1 (resource_spans) claims 16 bytes, but only one follows.
    const result = await rawGrpcExport(pharos.grpcAddress, TRACE_EXPORT_PATH, Buffer.from([0x0a, 0x10, 0x01]));
    expect(result.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(result.details).toMatch(/PHAROS_ERR_OTLP_MALFORMED/);
    expect(result.details.length).toBeGreaterThan('PHAROS_ERR_OTLP_MALFORMED: '.length);
  });

  it('answers OK with an empty ExportTraceServiceResponse for an empty request', async () => {
    const result = await rawGrpcExport(pharos.grpcAddress, TRACE_EXPORT_PATH, Buffer.alloc(0));
    expect(result).toMatchObject({ code: grpc.status.OK });
    // No partial_success to report: an empty message (or one with an empty partial_success).
    expect(result.response?.length ?? 0).toBeLessThanOrEqual(2);
  });

  it('accepts a well-formed message under maxBodyBytes and refuses one over it with RESOURCE_EXHAUSTED', async () => {
    const under = await rawGrpcExport(pharos.grpcAddress, TRACE_EXPORT_PATH, unknownFieldMessage(MAX_BODY_BYTES / 2));
    expect(under.code).toBe(grpc.status.OK);
    const over = await rawGrpcExport(pharos.grpcAddress, TRACE_EXPORT_PATH, unknownFieldMessage(MAX_BODY_BYTES + 1024));
    expect(over.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(over.details).not.toBe('');
  });

  it('applies maxBodyBytes after gzip decompression', async () => {
    const under = await rawGrpcExport(pharos.grpcAddress, TRACE_EXPORT_PATH, unknownFieldMessage(MAX_BODY_BYTES / 2), { gzip: true });
    expect(under.code).toBe(grpc.status.OK);
    // About 300 bytes on the wire, four times the limit once inflated.
    const bomb = await rawGrpcExport(pharos.grpcAddress, TRACE_EXPORT_PATH, unknownFieldMessage(MAX_BODY_BYTES * 4), { gzip: true });
    expect(bomb.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it('answers UNIMPLEMENTED for an unknown method', async () => {
    const result = await rawGrpcExport(pharos.grpcAddress, '/opentelemetry.proto.collector.trace.v1.TraceService/Nope', Buffer.alloc(0));
    expect(result.code).toBe(grpc.status.UNIMPLEMENTED);
  });
});

// --- volume: batches from all three exporters at once ------------------------------------------

describe('volume: BatchSpanProcessor batches from the three exporters at once', () => {
  const TRACES_PER_PROTOCOL = 20;
  const SPANS_PER_TRACE = 100;
  let volume: InProcessPharos;

  beforeAll(async () => {
    volume = await startInProcessPharos();
  });

  afterAll(async () => {
    await volume?.stop();
  });

  it('stores every span of every batch, whichever exporter sent it', async () => {
    const send = async (protocol: OtlpProtocol): Promise<{ service: string; traceIds: string[]; exporter: CheckedSpanExporter }> => {
      const service = `otel-sdk-volume-${protocolSlug(protocol)}`;
      const exporter = createTraceExporter(protocol, volume);
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 512, maxQueueSize: 4096, scheduledDelayMillis: 20 })],
      });
      const tracer = provider.getTracer('volume');
      const traceIds: string[] = [];
      for (let t = 0; t < TRACES_PER_PROTOCOL; t++) {
        const root = tracer.startSpan(`request ${t}`, { kind: SpanKind.SERVER, attributes: { 'request.n': t } });
        const rootContext = trace.setSpan(ROOT_CONTEXT, root);
        for (let i = 1; i < SPANS_PER_TRACE; i++) {
          tracer.startSpan(`step ${i}`, { attributes: { 'step.n': i, 'step.label': `t${t}-s${i}`, 'step.ratio': i / 7 } }, rootContext).end();
        }
        root.end();
        traceIds.push(root.spanContext().traceId);
        // Let the batch processor export while spans are still being made.
        if (t % 5 === 4) await sleep(5);
      }
      await provider.forceFlush();
      await provider.shutdown();
      exporter.log.assertAllSucceeded(`${protocol} batched trace export`);
      return { service, traceIds, exporter };
    };
    const results = await Promise.all(OTLP_PROTOCOLS.map(send));

    for (const { service, traceIds, exporter } of results) {
      expect(exporter.spans()).toHaveLength(TRACES_PER_PROTOCOL * SPANS_PER_TRACE);
      const { body } = await fetchJson<{ traces: TraceSummaryJson[] }>(volume.apiUrl, `/pharos/v1/traces?${queryString({ service, limit: 100 })}`);
      expect(body.traces.map((t) => t.traceId).sort()).toEqual([...traceIds].sort());
      for (const summary of body.traces) expect(summary).toMatchObject({ spanCount: SPANS_PER_TRACE, errorCount: 0, rootServiceName: service });
      const jaeger = await fetchJson<JaegerResponse<JaegerTrace[]>>(volume.apiUrl, `/api/traces?${queryString({ traceID: traceIds })}`);
      expect(jaeger.body.errors).toBeNull();
      expect(jaeger.body.data.map((t) => t.spans.length)).toEqual(traceIds.map(() => SPANS_PER_TRACE));
    }
    // Spot check one span of the gRPC run field by field.
    const grpcRun = results[OTLP_PROTOCOLS.indexOf('grpc')];
    const sample = grpcRun.exporter.spans().find((sp) => sp.name === 'step 42');
    if (sample === undefined) throw new Error('no sample span');
    const detail = await fetchJson<{ resourceSpans: OtlpResourceSpansJson[] }>(volume.apiUrl, `/pharos/v1/traces/${sample.spanContext().traceId}`);
    const stored = detail.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).find((sp) => sp.spanId === sample.spanContext().spanId);
    expect(stored === undefined ? undefined : { ...stored, attributes: sortByKey(stored.attributes as OtlpJsonKeyValue[]) }).toEqual(expectedSpanJson(sample));

    const samples = parsePrometheusText(await (await fetch(`${volume.apiUrl}/metrics`)).text());
    const total = OTLP_PROTOCOLS.length * TRACES_PER_PROTOCOL * SPANS_PER_TRACE;
    expect(findSamples(samples, 'pharos_ingest_items_received_total', { signal: 'traces' })[0]?.value).toBe(total);
    expect(findSamples(samples, 'pharos_ingest_items_written_total', { signal: 'traces' })[0]?.value).toBe(total);
    expect(findSamples(samples, 'pharos_ingest_queue_items')[0]?.value).toBe(0);
  });
});

// --- Pharos' own metrics -----------------------------------------------------------------------

describe("Pharos' own /metrics after the SDK sends", () => {
  it('counts received and written spans, shows an empty queue and write durations', async () => {
    const response = await fetch(`${pharos.apiUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const samples = parsePrometheusText(await response.text());
    const spansSent = exporters.reduce((sum, e) => sum + e.spans().length, 0);
    expect(spansSent).toBe(SEND_CASES.length * 5);

    const value = (name: string, labels: Record<string, string> = {}): number => {
      const found = findSamples(samples, name, labels);
      expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
      return found[0].value;
    };
    expect(value('pharos_ingest_items_received_total', { signal: 'traces' })).toBe(spansSent);
    expect(value('pharos_ingest_items_written_total', { signal: 'traces' })).toBe(spansSent);
    expect(value('pharos_ingest_queue_items')).toBe(0);
    // Each SDK span went out in its own request (SimpleSpanProcessor): at least one commit, at most one per request plus the raw gRPC ones.
    const commits = value('pharos_ingest_write_duration_seconds_count');
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(spansSent + 3);
    const sum = value('pharos_ingest_write_duration_seconds_sum');
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(commits * 10);
    const buckets = findSamples(samples, 'pharos_ingest_write_duration_seconds_bucket').sort((a, b) => Number(a.labels.le === '+Inf' ? Infinity : a.labels.le) - Number(b.labels.le === '+Inf' ? Infinity : b.labels.le));
    expect(buckets.length).toBeGreaterThan(1);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i].value).toBeGreaterThanOrEqual(buckets[i - 1].value);
    expect(buckets[buckets.length - 1]).toMatchObject({ labels: { le: '+Inf' }, value: commits });
    // The malformed gRPC request is counted with its status.
    expect(value('pharos_ingest_requests_total', { transport: 'grpc', signal: 'traces', status: String(grpc.status.INVALID_ARGUMENT) })).toBe(1);
  });
});
