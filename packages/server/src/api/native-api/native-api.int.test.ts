import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PharosError, attributesToOtlpJson, type Span } from '@pharos/core';
import type { LogHistogramJson, LogRecordJson, MetricPointJson, OtlpResourceSpansJson, ServicesSummaryJson, TraceSummaryJson } from '../../query/index.js';
import { openSeededStore, type SeededStore } from '../../query/test-seed.js';
import type { QueryOptions, StoreStats, TelemetryStore } from '../../storage/index.js';
import { registerNativeApi } from './index.js';

let seed: SeededStore;
let app: FastifyInstance;

beforeAll(async () => {
  seed = await openSeededStore();
  app = Fastify();
  registerNativeApi(app, { store: seed.store, queryTimeoutMs: 10_000, maxQueryLimit: 50 });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await seed.dispose();
});

async function get<T>(url: string, expectedStatus = 200): Promise<T> {
  const response = await app.inject({ method: 'GET', url });
  expect(response.statusCode, response.body).toBe(expectedStatus);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return response.json<T>();
}

const q = (params: Record<string, string | string[]>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  return search.toString();
};
const traceIdsOf = async (params: Record<string, string | string[]>) => (await get<{ traces: TraceSummaryJson[] }>(`/pharos/v1/traces?${q(params)}`)).traces.map((t) => t.traceId);

describe('native services and operations', () => {
  it('lists services', async () => {
    expect(await get('/pharos/v1/services')).toEqual({ services: ['frontend', 'inventory', 'payment'] });
  });

  it('lists services seen in a time range', async () => {
    expect(await get('/pharos/v1/services?start=now-5m')).toEqual({ services: [] });
    const base = Number(seed.baseUnixNano / 1_000_000n);
    expect(await get(`/pharos/v1/services?start=${base - 4 * 3_600_000}&end=${base - 2 * 3_600_000}`)).toEqual({ services: ['frontend'] });
  });

  it('lists operations with span kind names', async () => {
    expect(await get('/pharos/v1/services/inventory/operations')).toEqual({
      operations: [
        { name: 'GET /stock', spanKind: 'server' },
        { name: 'db.query', spanKind: 'internal' },
      ],
    });
    expect(await get('/pharos/v1/services/nobody/operations')).toEqual({ operations: [] });
  });
});

describe('native services summary', () => {
  const empty = (startUnixNano: bigint) => ({ startUnixNano: startUnixNano.toString(), requests: 0, errors: 0, p95DurationNs: null });

  it('answers request rate, error rate and percentiles per service, with buckets', async () => {
    const baseMs = Number(seed.baseUnixNano / 1_000_000n);
    const body = await get<ServicesSummaryJson>(`/pharos/v1/services/summary?${q({ start: String(baseMs), end: String(baseMs + 60_000), buckets: '6' })}`);
    const at = (i: number) => seed.baseUnixNano + BigInt(i) * 10_000_000_000n;
    const rest = (from: number) => [1, 2, 3, 4, 5].filter((i) => i >= from).map((i) => empty(at(i)));
    expect(body).toEqual({
      startUnixNano: seed.baseUnixNano.toString(),
      endUnixNano: (seed.baseUnixNano + 60_000_000_000n).toString(),
      bucketNs: '10000000000',
      services: [
        {
          // POST /checkout (50 ms) and GET /home (1.5 s); the client span POST /charge is not a request.
          name: 'frontend',
          requests: 2,
          errors: 0,
          requestsPerSecond: 2 / 60,
          errorRate: 0,
          p50DurationNs: '775000000',
          p95DurationNs: '1427500000',
          p99DurationNs: '1485500000',
          buckets: [
            { startUnixNano: at(0).toString(), requests: 1, errors: 0, p95DurationNs: '50000000' },
            { startUnixNano: at(1).toString(), requests: 1, errors: 0, p95DurationNs: '1500000000' },
            ...rest(2),
          ],
        },
        {
          // GET /stock twice (5 ms, 1.2 s); db.query is internal.
          name: 'inventory',
          requests: 2,
          errors: 0,
          requestsPerSecond: 2 / 60,
          errorRate: 0,
          p50DurationNs: '602500000',
          p95DurationNs: '1140250000',
          p99DurationNs: '1188050000',
          buckets: [
            { startUnixNano: at(0).toString(), requests: 1, errors: 0, p95DurationNs: '5000000' },
            { startUnixNano: at(1).toString(), requests: 1, errors: 0, p95DurationNs: '1200000000' },
            ...rest(2),
          ],
        },
        {
          name: 'payment',
          requests: 1,
          errors: 1,
          requestsPerSecond: 1 / 60,
          errorRate: 1,
          p50DurationNs: '30000000',
          p95DurationNs: '30000000',
          p99DurationNs: '30000000',
          buckets: [{ startUnixNano: at(0).toString(), requests: 1, errors: 1, p95DurationNs: '30000000' }, ...rest(1)],
        },
      ],
    });
  });

  it('defaults to the last hour in 30 buckets', async () => {
    const body = await get<ServicesSummaryJson>('/pharos/v1/services/summary');
    expect(BigInt(body.endUnixNano) - BigInt(body.startUnixNano)).toBe(3_600_000_000_000n);
    expect(body.bucketNs).toBe('120000000000');
    expect(body.services.map((s) => s.name)).toEqual(['frontend', 'inventory', 'payment']);
    for (const service of body.services) {
      expect(service.buckets).toHaveLength(30);
      expect(service.buckets.reduce((n, b) => n + b.requests, 0)).toBe(service.requests);
    }
    // traceD, three hours back, is outside the default range: frontend has its two recent requests only.
    expect(body.services[0].requests).toBe(2);
  });

  it('answers an empty list for a range without spans', async () => {
    expect(await get('/pharos/v1/services/summary?start=now-5m&buckets=5')).toMatchObject({ bucketNs: '60000000000', services: [] });
  });
});

describe('native trace search', () => {
  it('filters by span kind', async () => {
    const { traces } = await get<{ traces: TraceSummaryJson[] }>('/pharos/v1/traces?service=frontend&kind=client');
    expect(traces.map((t) => t.traceId)).toEqual([seed.traceA]);
    const bad = await app.inject({ method: 'GET', url: '/pharos/v1/traces?kind=sideways' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/"kind": must be one of server/);
  });

  it('returns trace summaries with nanosecond strings', async () => {
    const { traces } = await get<{ traces: TraceSummaryJson[] }>('/pharos/v1/traces?service=frontend');
    expect(traces.map((t) => t.traceId)).toEqual([seed.traceC, seed.traceA]);
    expect(traces[1]).toEqual({
      traceId: seed.traceA,
      rootServiceName: 'frontend',
      rootSpanName: 'POST /checkout',
      startTimeUnixNano: seed.baseUnixNano.toString(),
      durationNs: '50000000',
      spanCount: 3,
      errorCount: 1,
      services: [
        { name: 'frontend', spanCount: 2, errorCount: 0 },
        { name: 'payment', spanCount: 1, errorCount: 1 },
      ],
    });
  });

  it('filters by every parameter', async () => {
    expect(await traceIdsOf({})).toEqual([seed.traceC, seed.traceB, seed.traceA]);
    expect(await traceIdsOf({ service: 'inventory', operation: 'GET /stock' })).toEqual([seed.traceC, seed.traceB]);
    expect(await traceIdsOf({ attr: 'http.status_code>=500' })).toEqual([seed.traceA]);
    expect(await traceIdsOf({ attr: 'http.status_code<300' })).toEqual([seed.traceC, seed.traceB]);
    expect(await traceIdsOf({ attr: 'http.status_code>200' })).toEqual([seed.traceA]);
    expect(await traceIdsOf({ attr: 'http.status_code<=200', service: 'frontend' })).toEqual([seed.traceC]);
    expect(await traceIdsOf({ attr: 'card.type=visa' })).toEqual([seed.traceA]);
    expect(await traceIdsOf({ attr: ['http.status_code=200', 'http.route=/stock'] })).toEqual([seed.traceB]);
    expect(await traceIdsOf({ attr: 'db.system' })).toEqual([seed.traceB]);
    expect(await traceIdsOf({ attr: 'http.status_code!=200', service: 'inventory' })).toEqual([seed.traceB]);
    expect(await traceIdsOf({ attr: 'host.name=inv-1' })).toEqual([seed.traceC, seed.traceB]); // a resource attribute
    expect(await traceIdsOf({ status: 'error' })).toEqual([seed.traceA]);
    expect(await traceIdsOf({ status: 'OK' })).toEqual([seed.traceC]);
    expect(await traceIdsOf({ minDuration: '1.5s' })).toEqual([seed.traceC]);
    expect(await traceIdsOf({ minDuration: '1.5001s' })).toEqual([]);
    expect(await traceIdsOf({ maxDuration: '5ms' })).toEqual([seed.traceB]);
    expect(await traceIdsOf({ minDuration: '2ms', maxDuration: '2ms' })).toEqual([seed.traceB]);
    expect(await traceIdsOf({ limit: '2' })).toEqual([seed.traceC, seed.traceB]);
    expect(await traceIdsOf({ start: 'now-4h' })).toEqual([seed.traceC, seed.traceB, seed.traceA, seed.traceD]);
  });

  it('accepts RFC 3339 and Unix-millisecond ranges', async () => {
    const baseMs = Number(seed.baseUnixNano / 1_000_000n);
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(await traceIdsOf({ start: iso(baseMs - 4 * 3_600_000), end: iso(baseMs - 2 * 3_600_000) })).toEqual([seed.traceD]);
    expect(await traceIdsOf({ start: String(baseMs), end: String(baseMs + 6000) })).toEqual([seed.traceB, seed.traceA]);
    // The end is exclusive: a range ending at traceA's first nanosecond does not hold it.
    expect(await traceIdsOf({ start: String(baseMs - 1000), end: String(baseMs) })).toEqual([]);
    const offset = new Date(baseMs + 3_600_000).toISOString().replace('Z', '+01:00');
    expect(await traceIdsOf({ start: offset, end: 'now' })).toEqual([seed.traceC, seed.traceB, seed.traceA]);
  });
});

function expectedOtlpSpan(span: Span): Record<string, unknown> {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    traceState: span.traceState,
    parentSpanId: span.parentSpanId,
    flags: span.flags,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano.toString(),
    endTimeUnixNano: span.endTimeUnixNano.toString(),
    attributes: attributesToOtlpJson(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map((e) => ({ timeUnixNano: e.timeUnixNano.toString(), name: e.name, attributes: attributesToOtlpJson(e.attributes), droppedAttributesCount: e.droppedAttributesCount })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, traceState: l.traceState, attributes: attributesToOtlpJson(l.attributes), droppedAttributesCount: l.droppedAttributesCount, flags: l.flags })),
    droppedLinksCount: span.droppedLinksCount,
    status: { code: span.statusCode, message: span.statusMessage },
  };
}

describe('native trace detail', () => {
  it('returns the trace as OTLP/JSON equal to the written spans', async () => {
    const body = await get<{ traceId: string; resourceSpans: OtlpResourceSpansJson[] }>(`/pharos/v1/traces/${seed.traceA}`);
    const [root, client, charge] = seed.spans;
    const scope = { name: 'conformance', version: '1.0.0', attributes: [{ key: 'scope.attr', value: { stringValue: 'yes' } }], droppedAttributesCount: 0 };
    expect(body).toEqual({
      traceId: seed.traceA,
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'frontend' } },
              { key: 'service.version', value: { stringValue: '1.2.3' } },
              { key: 'host.name', value: { stringValue: 'web-1' } },
            ],
            droppedAttributesCount: 0,
          },
          scopeSpans: [{ scope, spans: [expectedOtlpSpan(root), expectedOtlpSpan(client)], schemaUrl: 'https://opentelemetry.io/schemas/1.24.0' }],
          schemaUrl: '',
        },
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payment' } }], droppedAttributesCount: 0 },
          scopeSpans: [{ scope, spans: [expectedOtlpSpan(charge)], schemaUrl: 'https://opentelemetry.io/schemas/1.24.0' }],
          schemaUrl: '',
        },
      ],
    });
  });

  it('spells out every attribute type in OTLP/JSON', async () => {
    const body = await get<{ resourceSpans: OtlpResourceSpansJson[] }>(`/pharos/v1/traces/${seed.traceA}`);
    const attributes = Object.fromEntries(body.resourceSpans[0].scopeSpans[0].spans[0].attributes.map((kv) => [kv.key, kv.value]));
    expect(attributes).toEqual({
      'str.attr': { stringValue: 'hello "world"' },
      'bool.attr': { boolValue: true },
      'int.attr': { intValue: '42' },
      'big.int.attr': { intValue: '-9223372036854775808' },
      'double.attr': { doubleValue: 3.25 },
      'double.whole': { doubleValue: 7 },
      'bytes.attr': { bytesValue: 'AQID/w==' },
      'array.attr': { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, { doubleValue: 2.5 }, { boolValue: false }] } },
      'kvlist.attr': { kvlistValue: { values: [{ key: 'inner', value: { stringValue: 'v' } }, { key: 'deep', value: { kvlistValue: { values: [{ key: 'n', value: { intValue: '1' } }] } } }] } },
      'empty.attr': {},
    });
  });

  it('answers 404 with the native error shape', async () => {
    const id = 'e'.repeat(32);
    expect(await get(`/pharos/v1/traces/${id}`, 404)).toEqual({ error: { code: 'PHAROS_ERR_NOT_FOUND', message: `trace ${id} not found` } });
  });

  it('answers 400 for an invalid id', async () => {
    expect(await get('/pharos/v1/traces/xyz', 400)).toEqual({
      error: { code: 'PHAROS_ERR_QUERY_INVALID', message: 'Invalid parameter "traceId": must be a trace id of 1 to 32 hex characters, not all zero, got "xyz"' },
    });
  });
});

describe('native logs', () => {
  type LogPageJson = { logs: LogRecordJson[]; nextCursor?: string };
  const logsOf = (params: Record<string, string | string[]>) => get<LogPageJson>(`/pharos/v1/logs?${q(params)}`);
  const bodiesOf = (page: LogPageJson) => page.logs.map((l) => l.body);

  it('returns records newest first as OTLP-style JSON', async () => {
    const page = await logsOf({});
    expect(page.logs).toHaveLength(8);
    expect(page.nextCursor).toBeUndefined();
    // Record 7 has no time; its observed time (the newest) orders it.
    expect(page.logs.map((l) => l.attributes.find((a) => a.key === 'log.n')?.value)).toEqual([7, 6, 5, 4, 3, 2, 1, 0].map((n) => ({ intValue: String(n) })));
    const error = page.logs[7];
    expect(error).toEqual({
      serviceName: 'payment',
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payment' } }], droppedAttributesCount: 0, schemaUrl: '' },
      scope: { name: 'conformance', version: '1.0.0', attributes: [{ key: 'scope.attr', value: { stringValue: 'yes' } }], droppedAttributesCount: 0, schemaUrl: 'https://opentelemetry.io/schemas/1.24.0' },
      timeUnixNano: seed.baseUnixNano.toString(),
      observedTimeUnixNano: (seed.baseUnixNano + 500n).toString(),
      severityNumber: 17,
      severityText: 'ERROR',
      body: { stringValue: 'payment failed: card declined' },
      attributes: [
        { key: 'card.type', value: { stringValue: 'visa' } },
        { key: 'log.n', value: { intValue: '0' } },
      ],
      droppedAttributesCount: 0,
      flags: 1,
      traceId: seed.traceA,
      spanId: seed.spans[2].spanId,
      eventName: '',
    });
    expect(page.logs[0]).toMatchObject({ serviceName: 'frontend', timeUnixNano: '0', observedTimeUnixNano: (seed.baseUnixNano + 7_000_500n).toString(), body: {}, traceId: '', spanId: '' });
    expect(page.logs[1]).toMatchObject({ eventName: 'checkout.done', body: { kvlistValue: { values: [{ key: 'msg', value: { stringValue: 'structured' } }, { key: 'code', value: { intValue: '7' } }] } } });
    expect(bodiesOf(page).slice(2, 7)).toEqual([
      { arrayValue: { values: [{ stringValue: 'x' }, { intValue: '1' }] } },
      { bytesValue: Buffer.from([9, 8]).toString('base64') },
      { boolValue: true },
      { doubleValue: 1.5 },
      { intValue: '12' },
    ]);
  });

  it('pages with a cursor', async () => {
    const all = (await logsOf({})).logs;
    const seen: LogRecordJson[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page: LogPageJson = await logsOf(cursor === undefined ? { limit: '3' } : { limit: '3', cursor });
      sizes.push(page.logs.length);
      seen.push(...page.logs);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(sizes).toEqual([3, 3, 2]);
    expect(seen).toEqual(all);
  });

  it('filters by service, severity, text, attribute and trace id', async () => {
    expect((await logsOf({ service: 'payment' })).logs).toHaveLength(1);
    expect((await logsOf({ service: ['payment', 'frontend'] })).logs).toHaveLength(8);
    expect((await logsOf({ service: 'nobody' })).logs).toHaveLength(0);
    expect((await logsOf({ severity: 'error' })).logs.map((l) => l.severityNumber)).toEqual([17]);
    expect((await logsOf({ severity: '17' })).logs).toHaveLength(1);
    expect((await logsOf({ severity: 'info' })).logs).toHaveLength(8);
    expect((await logsOf({ severity: 'FATAL' })).logs).toHaveLength(0);
    expect(bodiesOf(await logsOf({ q: 'CARD declined' }))).toEqual([{ stringValue: 'payment failed: card declined' }]);
    expect(bodiesOf(await logsOf({ q: 'structured' }))).toHaveLength(1);
    expect((await logsOf({ attr: 'card.type=visa' })).logs).toHaveLength(1);
    expect((await logsOf({ attr: 'log.n>=5' })).logs).toHaveLength(3);
    expect((await logsOf({ attr: ['log.n>=2', 'log.n<4'] })).logs).toHaveLength(2);
    expect((await logsOf({ traceId: seed.traceA })).logs.map((l) => l.traceId)).toEqual([seed.traceA]);
    expect((await logsOf({ start: 'now-1m' })).logs).toHaveLength(0);
  });
});

describe('native log histogram', () => {
  const zero = { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0 };
  const histogramOf = (params: Record<string, string | string[]>) => get<LogHistogramJson>(`/pharos/v1/logs/histogram?${q(params)}`);
  const totalOf = (h: LogHistogramJson) => h.buckets.reduce((n, b) => n + Object.values(b.counts).reduce((m, c) => m + c, 0), 0);

  it('counts records per bucket and severity band', async () => {
    const baseMs = Number(seed.baseUnixNano / 1_000_000n);
    const body = await histogramOf({ start: String(baseMs), end: String(baseMs + 60_000), buckets: '6' });
    // The eight records lie within 8 ms of base: bucket 0. One is an error, the rest info.
    expect(body).toEqual({
      startUnixNano: seed.baseUnixNano.toString(),
      endUnixNano: (seed.baseUnixNano + 60_000_000_000n).toString(),
      bucketNs: '10000000000',
      buckets: [0, 1, 2, 3, 4, 5].map((i) => ({ startUnixNano: (seed.baseUnixNano + BigInt(i) * 10_000_000_000n).toString(), counts: i === 0 ? { ...zero, info: 7, error: 1 } : zero })),
    });
  });

  it('defaults to the last hour in 60 buckets', async () => {
    const body = await histogramOf({});
    expect(body.buckets).toHaveLength(60);
    expect(BigInt(body.bucketNs)).toBe(60_000_000_000n);
    expect(BigInt(body.endUnixNano) - BigInt(body.startUnixNano)).toBe(3_600_000_000_000n);
    expect(totalOf(body)).toBe(8);
  });

  it('takes the same filters as the log search', async () => {
    const cases: Array<Record<string, string | string[]>> = [
      { service: 'payment' },
      { service: ['payment', 'frontend'] },
      { severity: 'error' },
      { severity: 'FATAL' },
      { q: 'CARD declined' },
      { attr: 'log.n>=5' },
      { attr: ['log.n>=2', 'log.n<4'] },
      { traceId: seed.traceA },
      { start: 'now-1m' },
    ];
    for (const params of cases) {
      const found = (await get<{ logs: LogRecordJson[] }>(`/pharos/v1/logs?${q(params)}`)).logs.length;
      expect({ params, total: totalOf(await histogramOf(params)) }).toEqual({ params, total: found });
    }
    expect(totalOf(await histogramOf({ severity: 'error' }))).toBe(1);
  });
});

describe('native metrics', () => {
  it('lists metrics', async () => {
    const { metrics } = await get<{ metrics: Array<{ name: string; type: string; unit: string; description: string }> }>('/pharos/v1/metrics');
    expect(metrics.map((m) => m.name)).toEqual(['big.counter', 'bytes.delta', 'cpu.utilization', 'duration', 'duration.exp', 'latency.summary', 'queue.depth', 'requests']);
    expect(metrics.find((m) => m.name === 'duration')).toEqual({ name: 'duration', type: 'histogram', unit: 's', description: 'duration description' });
    expect(await get('/pharos/v1/metrics?start=now-1m')).toEqual({ metrics: [] });
  });

  it('lists label names and values', async () => {
    expect(await get('/pharos/v1/metrics/labels?metric=requests')).toEqual({ labels: ['http.status_code', 'route', 'service.name'] });
    expect(await get(`/pharos/v1/metrics/labels?${q({ match: 'route=/charge' })}`)).toEqual({ labels: ['http.status_code', 'route', 'service.name'] });
    expect(await get('/pharos/v1/metrics/labels/route/values')).toEqual({ values: ['/charge'] });
    expect(await get('/pharos/v1/metrics/labels/service.name/values?metric=requests')).toEqual({ values: ['payment'] });
    expect(await get('/pharos/v1/metrics/labels/http.status_code/values?metric=requests')).toEqual({ values: ['200'] });
  });

  it('finds series', async () => {
    expect(await get('/pharos/v1/metrics/series?metric=requests')).toEqual({ series: [{ metric: 'requests', labels: { 'service.name': 'payment', route: '/charge', 'http.status_code': '200' } }] });
    const routed = await get<{ series: Array<{ metric: string }> }>(`/pharos/v1/metrics/series?${q({ match: 'route=/charge' })}`);
    expect(routed.series.map((s) => s.metric).sort()).toEqual(['duration', 'requests']);
    expect((await get<{ series: unknown[] }>('/pharos/v1/metrics/series?limit=2')).series).toHaveLength(2);
  });

  const pointOf = async (metric: string): Promise<MetricPointJson> => {
    const { points } = await get<{ points: MetricPointJson[] }>(`/pharos/v1/metrics/points?metric=${metric}`);
    expect(points).toHaveLength(1);
    return points[0];
  };

  it('returns number points with exact values and exemplars', async () => {
    const base = seed.baseUnixNano;
    expect(await pointOf('requests')).toEqual({
      metric: { name: 'requests', type: 'sum', unit: '1', description: 'requests description', aggregationTemporality: 2, isMonotonic: true },
      serviceName: 'payment',
      labels: { 'service.name': 'payment', route: '/charge', 'http.status_code': '200' },
      attributes: [
        { key: 'route', value: { stringValue: '/charge' } },
        { key: 'http.status_code', value: { intValue: '200' } },
      ],
      startTimeUnixNano: (base - 60_000_000_000n).toString(),
      timeUnixNano: base.toString(),
      flags: 0,
      exemplars: [{ timeUnixNano: (base - 5n).toString(), value: 1, valueType: 'int', filteredAttributes: [{ key: 'user', value: { stringValue: 'u1' } }], traceId: seed.traceA, spanId: seed.spans[2].spanId }],
      kind: 'number',
      value: 1234,
      valueType: 'int',
    });
    expect(await pointOf('queue.depth')).toMatchObject({ kind: 'number', value: 17, valueType: 'int', labels: { queue: 'orders', 'service.name': 'payment' } });
    expect(await pointOf('cpu.utilization')).toMatchObject({ kind: 'number', value: 0.75, valueType: 'double', labels: { cpu: '0' } });
    expect(await pointOf('bytes.delta')).toMatchObject({ kind: 'number', value: -3.5, valueType: 'double', metric: { aggregationTemporality: 1 } });
    expect(await pointOf('big.counter')).toMatchObject({ kind: 'number', value: (2n ** 60n).toString(), valueType: 'int' });
  });

  it('returns histogram, exponential histogram and summary points', async () => {
    expect(await pointOf('duration')).toMatchObject({
      kind: 'histogram',
      count: 10,
      sum: 2.5,
      min: 0.01,
      max: 1.2,
      bucketCounts: [1, 4, 3, 2],
      explicitBounds: [0.05, 0.1, 0.5],
      exemplars: [{ value: 1.2, valueType: 'double', traceId: seed.traceA, filteredAttributes: [] }],
    });
    expect(await pointOf('duration.exp')).toMatchObject({
      kind: 'exponential_histogram',
      count: 9,
      sum: 20.5,
      min: null,
      max: null,
      scale: 3,
      zeroCount: 1,
      zeroThreshold: 0.001,
      positive: { offset: -2, bucketCounts: [1, 2, 3] },
      negative: { offset: 1, bucketCounts: [2] },
    });
    expect(await pointOf('latency.summary')).toMatchObject({
      kind: 'summary',
      count: 100,
      sum: 55.5,
      quantileValues: [
        { quantile: 0.5, value: 0.4 },
        { quantile: 0.99, value: 1.9 },
      ],
    });
  });

  it('filters points by label matchers and limits them', async () => {
    expect((await get<{ points: unknown[] }>(`/pharos/v1/metrics/points?${q({ metric: 'requests', match: 'http.status_code>=500' })}`)).points).toEqual([]);
    expect((await get<{ points: unknown[] }>(`/pharos/v1/metrics/points?${q({ metric: 'requests', match: ['http.status_code=200', 'service.name=payment'] })}`)).points).toHaveLength(1);
    expect((await get<{ points: unknown[] }>('/pharos/v1/metrics/points?metric=requests&start=now-1m')).points).toEqual([]);
  });
});

describe('native status', () => {
  it('reports the version and store stats', async () => {
    const body = await get<{ version: string; stats: StoreStats }>('/pharos/v1/status');
    expect(body.version).toBe('0.1.0');
    expect(body.stats).toMatchObject({ spanCount: 8, logCount: 8, pointCount: 8 });
    expect(body.stats.diskBytes).toBeGreaterThanOrEqual(0);
    expect(body.stats.partitions.map((p) => p.signal)).toEqual(expect.arrayContaining(['spans', 'logs', 'metrics']));
  });
});

describe('native API refuses hostile input with 400', () => {
  const cases: Array<[url: string, parameter: string, why: RegExp]> = [
    ['/pharos/v1/traces?start=yesterday', 'start', /must be RFC 3339/],
    ['/pharos/v1/traces?start=2024-13-01T00:00:00Z', 'start', /must be RFC 3339/],
    ['/pharos/v1/traces?start=2024-02-30T00:00:00Z', 'start', /must be RFC 3339/],
    ['/pharos/v1/traces?end=now-abc', 'end', /not a duration/],
    ['/pharos/v1/traces?start=now&end=now-1h', 'start', /is after end/],
    ['/pharos/v1/traces?start=-5', 'start', /before 1970/],
    ['/pharos/v1/traces?end=99999999999999999999', 'end', /after 2262/],
    ['/pharos/v1/traces?start=now-100000000w', 'start', /before 1970/],
    ['/pharos/v1/traces?start=1&start=2', 'start', /given 2 times/],
    ['/pharos/v1/traces?limit=-1', 'limit', /whole number of at least 1/],
    ['/pharos/v1/traces?limit=1.5', 'limit', /whole number/],
    ['/pharos/v1/traces?limit=0', 'limit', /at least 1/],
    ['/pharos/v1/traces?limit=%27%20OR%201%3D1', 'limit', /whole number/],
    ['/pharos/v1/traces?attr==value', 'attr', /has no attribute key/],
    ['/pharos/v1/traces?attr=x%3Eabc', 'attr', /needs a number/],
    ['/pharos/v1/traces?attr=x%3E%3D', 'attr', /needs a number/],
    ['/pharos/v1/traces?status=broken', 'status', /must be one of error, ok, unset/],
    ['/pharos/v1/traces?minDuration=1parsec', 'minDuration', /must be a duration/],
    ['/pharos/v1/traces?minDuration=NaN', 'minDuration', /must be a duration/],
    ['/pharos/v1/traces?minDuration=2s&maxDuration=1s', 'maxDuration', /less than minDuration/],
    [`/pharos/v1/traces?service=${'x'.repeat(2000)}`, 'service', /2000 characters long/],
    ['/pharos/v1/traces/zz', 'traceId', /must be a trace id/],
    [`/pharos/v1/traces/${'0'.repeat(32)}`, 'traceId', /not all zero/],
    ['/pharos/v1/logs?severity=25', 'severity', /from 1 to 24/],
    ['/pharos/v1/logs?severity=loud', 'severity', /one of trace, debug, info, warn, error, fatal/],
    ['/pharos/v1/logs?traceId=zz', 'traceId', /must be a trace id/],
    [`/pharos/v1/logs?q=${'x'.repeat(1025)}`, 'q', /1025 characters long/],
    ['/pharos/v1/logs?limit=abc', 'limit', /whole number/],
    ['/pharos/v1/logs?attr=%3E5', 'attr', /has no attribute key/],
    ['/pharos/v1/logs?start=tomorrow', 'start', /must be RFC 3339/],
    ['/pharos/v1/services?start=never', 'start', /must be RFC 3339/],
    ['/pharos/v1/services/frontend/operations?end=-1', 'end', /before 1970/],
    ['/pharos/v1/metrics?start=now%2Bforever', 'start', /not a duration/],
    ['/pharos/v1/metrics/points', 'metric', /is required/],
    ['/pharos/v1/metrics/points?metric=requests&limit=-3', 'limit', /whole number/],
    ['/pharos/v1/metrics/points?metric=a&metric=b', 'metric', /given 2 times/],
    ['/pharos/v1/metrics/series?match=a%3Cb', 'match', /needs a number/],
    ['/pharos/v1/metrics/labels?match==x', 'match', /has no attribute key/],
    ['/pharos/v1/metrics/labels/route/values?start=later', 'start', /must be RFC 3339/],
    ['/pharos/v1/logs/histogram?buckets=0', 'buckets', /whole number from 1 to 500, got "0"/],
    ['/pharos/v1/logs/histogram?buckets=501', 'buckets', /whole number from 1 to 500, got "501"/],
    ['/pharos/v1/logs/histogram?buckets=x', 'buckets', /whole number from 1 to 500/],
    ['/pharos/v1/logs/histogram?severity=loud', 'severity', /one of trace, debug, info, warn, error, fatal/],
    ['/pharos/v1/logs/histogram?attr=%3E5', 'attr', /has no attribute key/],
    ['/pharos/v1/logs/histogram?start=now&end=now-1h', 'start', /is after end/],
    ['/pharos/v1/services/summary?buckets=0', 'buckets', /whole number from 1 to 500, got "0"/],
    ['/pharos/v1/services/summary?buckets=501', 'buckets', /whole number from 1 to 500, got "501"/],
    ['/pharos/v1/services/summary?buckets=1.5', 'buckets', /whole number from 1 to 500/],
    ['/pharos/v1/services/summary?buckets=ten', 'buckets', /whole number from 1 to 500/],
    ['/pharos/v1/services/summary?buckets=3&buckets=4', 'buckets', /given 2 times/],
    ['/pharos/v1/services/summary?start=now&end=now-1h', 'start', /is after end/],
    ['/pharos/v1/services/summary?end=soon', 'end', /must be RFC 3339/],
  ];
  for (const [url, parameter, why] of cases) {
    it(`${url.slice(0, 90)} → 400 about ${parameter}`, async () => {
      const body = await get<{ error: { code: string; message: string } }>(url, 400);
      expect(body.error.code).toBe('PHAROS_ERR_QUERY_INVALID');
      expect(body.error.message).toContain(`Invalid parameter "${parameter}"`);
      expect(body.error.message).toMatch(why);
    });
  }

  it('refuses a forged log cursor with 400', async () => {
    const body = await get<{ error: { code: string; message: string } }>(`/pharos/v1/logs?cursor=${Buffer.from("1'; DROP TABLE logs").toString('base64url')}`, 400);
    expect(body.error).toEqual({ code: 'PHAROS_ERR_QUERY_INVALID', message: 'Invalid parameter "cursor": not a cursor returned by a previous page' });
  });

  it('treats SQL-looking text as data', async () => {
    expect(await get(`/pharos/v1/logs?${q({ q: "'); DROP TABLE logs; --", service: "x' OR 1=1 --" })}`)).toEqual({ logs: [] });
    expect(await get(`/pharos/v1/traces?${q({ attr: 'a"\'); DROP TABLE spans; --=1' })}`)).toEqual({ traces: [] });
    expect((await get<{ services: string[] }>('/pharos/v1/services')).services).toHaveLength(3);
  });
});

describe('native API and storage errors', () => {
  function appWith(overrides: Partial<TelemetryStore>): FastifyInstance {
    const store = Object.assign(Object.create(seed.store) as TelemetryStore, overrides);
    const failing = Fastify();
    registerNativeApi(failing, { store, queryTimeoutMs: 4321, maxQueryLimit: 50 }, { version: 'test' });
    return failing;
  }

  it('maps a storage timeout to 503', async () => {
    const failing = appWith({
      searchLogs: async () => {
        throw new PharosError('PHAROS_ERR_QUERY_TIMEOUT', 'the query ran longer than 4321 ms and was cancelled', { retryAfterSeconds: 2 });
      },
    });
    const response = await failing.inject({ url: '/pharos/v1/logs' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.json()).toEqual({ error: { code: 'PHAROS_ERR_QUERY_TIMEOUT', message: 'the query ran longer than 4321 ms and was cancelled' } });
    await failing.close();
  });

  it('maps an unexpected error to 500 without crashing', async () => {
    const failing = appWith({
      getStats: async () => {
        throw new Error('disk on fire');
      },
    });
    const response = await failing.inject({ url: '/pharos/v1/status' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'PHAROS_ERR_INTERNAL', message: 'handling the query: disk on fire' } });
    await failing.close();
  });

  it('passes the query timeout to every storage call', async () => {
    const seen: Array<[string, QueryOptions]> = [];
    const s = seed.store;
    const record = <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
      seen.push([name, args[args.length - 1] as QueryOptions]);
      return fn(...args);
    };
    const spy = appWith({
      listServices: record('listServices', s.listServices.bind(s)),
      listOperations: record('listOperations', s.listOperations.bind(s)),
      searchTraces: record('searchTraces', s.searchTraces.bind(s)),
      getTraces: record('getTraces', s.getTraces.bind(s)),
      searchLogs: record('searchLogs', s.searchLogs.bind(s)),
      listMetrics: record('listMetrics', s.listMetrics.bind(s)),
      listLabelNames: record('listLabelNames', s.listLabelNames.bind(s)),
      listLabelValues: record('listLabelValues', s.listLabelValues.bind(s)),
      findSeries: record('findSeries', s.findSeries.bind(s)),
      readPoints: record('readPoints', s.readPoints.bind(s)),
      getStats: record('getStats', s.getStats.bind(s)),
      summarizeServices: record('summarizeServices', s.summarizeServices.bind(s)),
    });
    const urls = [
      '/pharos/v1/services',
      '/pharos/v1/services/frontend/operations',
      '/pharos/v1/traces',
      `/pharos/v1/traces/${seed.traceA}`,
      '/pharos/v1/logs',
      '/pharos/v1/metrics',
      '/pharos/v1/metrics/labels',
      '/pharos/v1/metrics/labels/route/values',
      '/pharos/v1/metrics/series',
      '/pharos/v1/metrics/points?metric=requests',
      '/pharos/v1/status',
      '/pharos/v1/services/summary',
    ];
    for (const url of urls) expect((await spy.inject({ url })).statusCode, url).toBe(200);
    expect(seen.map(([name]) => name)).toHaveLength(12);
    for (const [, options] of seen) expect(options).toEqual({ timeoutMs: 4321 });
    const status = await spy.inject({ url: '/pharos/v1/status' });
    expect(status.json<{ version: string }>().version).toBe('test');
    await spy.close();
  });
});
