import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PharosError, type Span } from '@pharos/core';
import type { ErrorGroupsJson, LatencyHistogramJson, OperationsSummaryJson } from '../../query/index.js';
import { attrs, hexId, makeSpan, resourceOf } from '../../storage/conformance/fixtures.js';
import type { QueryOptions, TelemetryStore } from '../../storage/index.js';
import { registerNativeApi } from './index.js';
import { openNativeApiTestBed, type NativeApiTestBed } from './native-api-test-bed.js';

/*
 * The service page's endpoints (operations summary, latency histogram, error groups) over a
 * real DuckDB store holding one shop's spans, ten minutes back: answers, defaults, bad input.
 */

const MS = 1_000_000n;
const SECOND = 1_000n * MS;
/** A service name that needs escaping in a URL path. */
const SHOP = 'shop/checkout v2';
const SHOP_PATH = `/pharos/v1/services/${encodeURIComponent(SHOP)}`;

let bed: NativeApiTestBed;
const baseUnixNano = BigInt(Date.now() - 600_000) * MS;
const baseMs = Number(baseUnixNano / MS);
/** start/end of a minute from base, in Unix ms. */
const minute = `start=${baseMs}&end=${baseMs + 60_000}`;
const spans: Span[] = [];

function add(o: { name: string; kind: Span['kind']; at: bigint; durationNs: bigint; error?: boolean; statusMessage?: string; exception?: [type: string, message: string] }): Span {
  const span = makeSpan({ traceId: hexId(16), service: SHOP, resource: resourceOf(SHOP), name: o.name, kind: o.kind, startUnixNano: o.at, durationNs: o.durationNs, statusCode: o.error === true ? 2 : 0 });
  span.statusMessage = o.statusMessage ?? '';
  if (o.exception !== undefined) {
    const [type, message] = o.exception;
    span.events = [{ timeUnixNano: o.at + MS, name: 'exception', attributes: attrs({ 'exception.type': type, 'exception.message': message, 'exception.stacktrace': `${type}: ${message}\n    at charge (pay.js:10:5)` }), droppedAttributesCount: 0 }];
  }
  spans.push(span);
  return span;
}

beforeAll(async () => {
  // POST /checkout: ten requests of 10..100 ms, one a second; the 3rd and 6th are declined, the 9th fails without exception.
  for (let k = 1n; k <= 10n; k++) {
    const declined = k === 3n || k === 6n;
    add({ name: 'POST /checkout', kind: 2, at: baseUnixNano + k * SECOND, durationNs: k * 10n * MS, error: declined || k === 9n, statusMessage: k === 9n ? 'upstream 503' : '', exception: declined ? ['PaymentError', 'card declined'] : undefined });
  }
  // GET /cart: four requests of 2 ms in the second half; SELECT cart: four client calls of 1 ms, the last deadlocks.
  for (let k = 1n; k <= 4n; k++) {
    add({ name: 'GET /cart', kind: 2, at: baseUnixNano + (30n + k) * SECOND, durationNs: 2n * MS });
    add({ name: 'SELECT cart', kind: 3, at: baseUnixNano + (30n + k) * SECOND + MS, durationNs: MS, error: k === 4n, exception: k === 4n ? ['DbError', 'deadlock detected'] : undefined });
  }
  bed = await openNativeApiTestBed({ spans, logs: [], points: [] }, { routerOptions: { maxParamLength: 1000 } });
});

afterAll(async () => {
  await bed?.close();
});

const get = <T>(url: string, expectedStatus?: number) => bed.get<T>(url, expectedStatus);

const at = (seconds: bigint) => (baseUnixNano + seconds * SECOND).toString();

describe('GET /pharos/v1/services/{service}/operations/summary', () => {
  it('answers rate, error rate and percentiles per operation, with buckets', async () => {
    const body = await get<OperationsSummaryJson>(`${SHOP_PATH}/operations/summary?${minute}&buckets=2`);
    const empty = (startUnixNano: string) => ({ startUnixNano, spans: 0, errors: 0, p95DurationNs: null });
    expect(body).toEqual({
      startUnixNano: baseUnixNano.toString(),
      endUnixNano: at(60n),
      bucketNs: '30000000000',
      operationCount: 3,
      operations: [
        {
          name: 'GET /cart',
          spanKind: 'server',
          spans: 4,
          errors: 0,
          spansPerSecond: 4 / 60,
          errorRate: 0,
          p50DurationNs: '2000000',
          p95DurationNs: '2000000',
          p99DurationNs: '2000000',
          buckets: [empty(at(0n)), { startUnixNano: at(30n), spans: 4, errors: 0, p95DurationNs: '2000000' }],
        },
        {
          // 10..100 ms: p50 55 ms, p95 at rank 8.55 = 95.5 ms, p99 at rank 8.91 = 99.1 ms.
          name: 'POST /checkout',
          spanKind: 'server',
          spans: 10,
          errors: 3,
          spansPerSecond: 10 / 60,
          errorRate: 0.3,
          p50DurationNs: '55000000',
          p95DurationNs: '95500000',
          p99DurationNs: '99100000',
          buckets: [{ startUnixNano: at(0n), spans: 10, errors: 3, p95DurationNs: '95500000' }, empty(at(30n))],
        },
        {
          name: 'SELECT cart',
          spanKind: 'client',
          spans: 4,
          errors: 1,
          spansPerSecond: 4 / 60,
          errorRate: 0.25,
          p50DurationNs: '1000000',
          p95DurationNs: '1000000',
          p99DurationNs: '1000000',
          buckets: [empty(at(0n)), { startUnixNano: at(30n), spans: 4, errors: 1, p95DurationNs: '1000000' }],
        },
      ],
    });
  });

  it('defaults to the last hour in 30 buckets, and cuts to `limit` operations with the most spans', async () => {
    const body = await get<OperationsSummaryJson>(`${SHOP_PATH}/operations/summary`);
    expect(BigInt(body.endUnixNano) - BigInt(body.startUnixNano)).toBe(3_600_000_000_000n);
    expect(body.bucketNs).toBe('120000000000');
    expect(body.operations.map((o) => [o.name, o.spans, o.buckets.length])).toEqual([
      ['GET /cart', 4, 30],
      ['POST /checkout', 10, 30],
      ['SELECT cart', 4, 30],
    ]);
    const one = await get<OperationsSummaryJson>(`${SHOP_PATH}/operations/summary?limit=1`);
    expect(one.operationCount).toBe(3);
    expect(one.operations.map((o) => o.name)).toEqual(['POST /checkout']);
  });

  it('answers no operations for an unknown service or a range without spans', async () => {
    expect(await get<OperationsSummaryJson>('/pharos/v1/services/nobody/operations/summary')).toMatchObject({ operationCount: 0, operations: [] });
    expect(await get<OperationsSummaryJson>(`${SHOP_PATH}/operations/summary?start=now-1m`)).toMatchObject({ operationCount: 0, operations: [] });
  });
});

describe('GET /pharos/v1/services/{service}/latency', () => {
  it("counts the service's requests per fixed duration bucket, with errors and percentiles", async () => {
    const body = await get<LatencyHistogramJson>(`${SHOP_PATH}/latency?${minute}`);
    // Requests only: POST /checkout (10..100 ms) and GET /cart (2 ms); SELECT cart is a client span.
    expect(body).toMatchObject({
      startUnixNano: baseUnixNano.toString(),
      endUnixNano: at(60n),
      spans: 14,
      errors: 3,
      minDurationNs: '2000000',
      maxDurationNs: '100000000',
      p50DurationNs: '35000000',
    });
    expect(body.buckets).toHaveLength(82);
    expect(body.buckets[0]).toEqual({ lowerBoundNs: '0', upperBoundNs: '1000', spans: 0, errors: 0 });
    expect(body.buckets[81]).toEqual({ lowerBoundNs: '100000000000', upperBoundNs: null, spans: 0, errors: 0 });
    for (let i = 1; i < body.buckets.length; i++) expect(body.buckets[i].lowerBoundNs).toBe(body.buckets[i - 1].upperBoundNs);
    const filled = body.buckets.filter((b) => b.spans > 0);
    expect(filled).toEqual([
      { lowerBoundNs: '1600000', upperBoundNs: '2000000', spans: 4, errors: 0 },
      { lowerBoundNs: '8000000', upperBoundNs: '10000000', spans: 1, errors: 0 },
      { lowerBoundNs: '16000000', upperBoundNs: '20000000', spans: 1, errors: 0 },
      { lowerBoundNs: '25000000', upperBoundNs: '31500000', spans: 1, errors: 1 },
      { lowerBoundNs: '31500000', upperBoundNs: '40000000', spans: 1, errors: 0 },
      { lowerBoundNs: '40000000', upperBoundNs: '50000000', spans: 1, errors: 0 },
      { lowerBoundNs: '50000000', upperBoundNs: '63000000', spans: 1, errors: 1 },
      { lowerBoundNs: '63000000', upperBoundNs: '80000000', spans: 2, errors: 0 },
      { lowerBoundNs: '80000000', upperBoundNs: '100000000', spans: 2, errors: 1 },
    ]);
  });

  it('narrows to one operation and kind', async () => {
    const select = await get<LatencyHistogramJson>(`${SHOP_PATH}/latency?${minute}&operation=SELECT%20cart&kind=client`);
    expect(select).toMatchObject({ spans: 4, errors: 1, p50DurationNs: '1000000', p99DurationNs: '1000000' });
    expect((await get<LatencyHistogramJson>(`${SHOP_PATH}/latency?${minute}&kind=CLIENT`)).spans).toBe(4);
    expect((await get<LatencyHistogramJson>(`${SHOP_PATH}/latency?${minute}&operation=POST%20%2Fcheckout`)).spans).toBe(10);
    expect(await get<LatencyHistogramJson>(`${SHOP_PATH}/latency?${minute}&operation=nothing`)).toMatchObject({ spans: 0, errors: 0, p50DurationNs: null, minDurationNs: null });
  });
});

describe('GET /pharos/v1/services/{service}/errors', () => {
  it('groups error spans by exception type and message, the most frequent first', async () => {
    const body = await get<ErrorGroupsJson>(`${SHOP_PATH}/errors?${minute}`);
    const example = (span: Span) => ({ exampleTraceId: span.traceId, exampleSpanId: span.spanId });
    const checkout = (k: number) => spans.filter((s) => s.name === 'POST /checkout')[k - 1];
    const deadlock = spans.filter((s) => s.name === 'SELECT cart')[3];
    expect(body).toEqual({
      startUnixNano: baseUnixNano.toString(),
      endUnixNano: at(60n),
      errorSpans: 4,
      groupCount: 3,
      groups: [
        {
          exceptionType: 'PaymentError',
          message: 'card declined',
          spans: 2,
          operations: [{ name: 'POST /checkout', spans: 2 }],
          operationCount: 1,
          firstSeenUnixNano: at(3n),
          lastSeenUnixNano: at(6n),
          ...example(checkout(6)),
        },
        {
          exceptionType: 'DbError',
          message: 'deadlock detected',
          spans: 1,
          operations: [{ name: 'SELECT cart', spans: 1 }],
          operationCount: 1,
          firstSeenUnixNano: (baseUnixNano + 34n * SECOND + MS).toString(),
          lastSeenUnixNano: (baseUnixNano + 34n * SECOND + MS).toString(),
          ...example(deadlock),
        },
        {
          exceptionType: '',
          message: 'upstream 503',
          spans: 1,
          operations: [{ name: 'POST /checkout', spans: 1 }],
          operationCount: 1,
          firstSeenUnixNano: at(9n),
          lastSeenUnixNano: at(9n),
          ...example(checkout(9)),
        },
      ],
    });
  });

  it('defaults to the last hour and ten groups, and takes a limit', async () => {
    const body = await get<ErrorGroupsJson>(`${SHOP_PATH}/errors`);
    expect(BigInt(body.endUnixNano) - BigInt(body.startUnixNano)).toBe(3_600_000_000_000n);
    expect(body.groups).toHaveLength(3);
    const one = await get<ErrorGroupsJson>(`${SHOP_PATH}/errors?limit=1`);
    expect(one).toMatchObject({ errorSpans: 4, groupCount: 3 });
    expect(one.groups.map((g) => g.exceptionType)).toEqual(['PaymentError']);
    expect(await get<ErrorGroupsJson>('/pharos/v1/services/nobody/errors')).toMatchObject({ errorSpans: 0, groupCount: 0, groups: [] });
  });
});

describe('service page endpoints refuse bad input with 400', () => {
  const cases: Array<[url: string, parameter: string, why: RegExp]> = [
    [`${SHOP_PATH}/operations/summary?buckets=0`, 'buckets', /whole number from 1 to 500, got "0"/],
    [`${SHOP_PATH}/operations/summary?buckets=501`, 'buckets', /whole number from 1 to 500/],
    [`${SHOP_PATH}/operations/summary?buckets=2&buckets=3`, 'buckets', /given 2 times/],
    [`${SHOP_PATH}/operations/summary?limit=0`, 'limit', /at least 1/],
    [`${SHOP_PATH}/operations/summary?limit=many`, 'limit', /whole number/],
    [`${SHOP_PATH}/operations/summary?start=now&end=now-1h`, 'start', /is after end/],
    [`${SHOP_PATH}/operations/summary?end=soon`, 'end', /must be RFC 3339/],
    [`${SHOP_PATH}/latency?kind=sideways`, 'kind', /must be one of server, client, producer, consumer, internal/],
    [`${SHOP_PATH}/latency?kind=unspecified`, 'kind', /must be one of server/],
    [`${SHOP_PATH}/latency?operation=a&operation=b`, 'operation', /given 2 times/],
    [`${SHOP_PATH}/latency?operation=${'x'.repeat(1025)}`, 'operation', /1025 characters long/],
    [`${SHOP_PATH}/latency?start=yesterday`, 'start', /must be RFC 3339/],
    [`${SHOP_PATH}/errors?limit=-1`, 'limit', /whole number of at least 1/],
    [`${SHOP_PATH}/errors?limit=1.5`, 'limit', /whole number/],
    [`${SHOP_PATH}/errors?start=-5`, 'start', /before 1970/],
    [`${SHOP_PATH}/errors?end=now-abc`, 'end', /not a duration/],
  ];
  for (const [url, parameter, why] of cases) {
    it(`${url.slice(0, 100)} → 400 about ${parameter}`, async () => {
      const body = await get<{ error: { code: string; message: string } }>(url, 400);
      expect(body.error.code).toBe('PHAROS_ERR_QUERY_INVALID');
      expect(body.error.message).toContain(`Invalid parameter "${parameter}"`);
      expect(body.error.message).toMatch(why);
    });
  }

  it('treats SQL-looking names as data', async () => {
    const hostile = encodeURIComponent(`x' OR 1=1 --`);
    expect(await get(`/pharos/v1/services/${hostile}/errors`)).toMatchObject({ groups: [] });
    expect(await get(`/pharos/v1/services/${hostile}/latency?operation=${hostile}`)).toMatchObject({ spans: 0 });
    expect(await get(`/pharos/v1/services/${hostile}/operations/summary`)).toMatchObject({ operations: [] });
  });
});

describe('service page endpoints and storage', () => {
  function appWith(overrides: Partial<TelemetryStore>): FastifyInstance {
    const wrapped = Object.assign(Object.create(bed.store) as TelemetryStore, overrides);
    const other = Fastify();
    registerNativeApi(other, { store: wrapped, queryTimeoutMs: 4321, maxQueryLimit: 50 }, { version: 'test' });
    return other;
  }

  it('passes the query timeout, the service and the limits to storage', async () => {
    const seen: unknown[][] = [];
    const spy = appWith({
      summarizeOperations: async (...args) => (seen.push(['summarizeOperations', ...args]), bed.store.summarizeOperations(...args)),
      histogramLatency: async (...args) => (seen.push(['histogramLatency', ...args]), bed.store.histogramLatency(...args)),
      groupErrors: async (...args) => (seen.push(['groupErrors', ...args]), bed.store.groupErrors(...args)),
    });
    for (const url of [`${SHOP_PATH}/operations/summary?limit=5000`, `${SHOP_PATH}/latency?kind=server&operation=GET%20%2Fcart`, `${SHOP_PATH}/errors?limit=5000`]) {
      expect((await spy.inject({ url })).statusCode).toBe(200);
    }
    await spy.close();
    const timeout: QueryOptions = { timeoutMs: 4321 };
    expect(seen).toEqual([
      ['summarizeOperations', expect.objectContaining({ service: SHOP, bucketCount: 30, limit: 50 }), timeout],
      ['histogramLatency', expect.objectContaining({ service: SHOP, operation: 'GET /cart', spanKind: 2 }), timeout],
      ['groupErrors', expect.objectContaining({ service: SHOP, limit: 50 }), timeout],
    ]);
  });

  it('maps a storage timeout to 503', async () => {
    const failing = appWith({
      groupErrors: async () => {
        throw new PharosError('PHAROS_ERR_QUERY_TIMEOUT', 'the query ran longer than 4321 ms and was cancelled', { retryAfterSeconds: 2 });
      },
    });
    const response = await failing.inject({ url: `${SHOP_PATH}/errors` });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: { code: 'PHAROS_ERR_QUERY_TIMEOUT', message: 'the query ran longer than 4321 ms and was cancelled' } });
    await failing.close();
  });
});
