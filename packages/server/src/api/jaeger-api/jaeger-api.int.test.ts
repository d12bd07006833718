import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PharosError } from '@pharos/core';
import { openSeededStore, type SeededStore } from '../../query/test-seed.js';
import type { QueryOptions, TelemetryStore } from '../../storage/index.js';
import type { QueryContext } from '../query-context.js';
import { registerJaegerApi } from './index.js';
import type { JaegerKeyValue, JaegerResponse, JaegerSpan, JaegerTrace } from './jaeger-json.js';

let seed: SeededStore;
let app: FastifyInstance;

beforeAll(async () => {
  seed = await openSeededStore();
  app = Fastify();
  registerJaegerApi(app, { store: seed.store, queryTimeoutMs: 10_000, maxQueryLimit: 50 });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await seed.dispose();
});

async function get<T>(url: string, expectedStatus = 200): Promise<JaegerResponse<T>> {
  const response = await app.inject({ method: 'GET', url });
  expect(response.statusCode, response.body).toBe(expectedStatus);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return response.json<JaegerResponse<T>>();
}

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const traceIds = (body: JaegerResponse<JaegerTrace[]>) => body.data.map((t) => t.traceID);
const tag = (tags: JaegerKeyValue[], key: string) => tags.find((t) => t.key === key);

describe('Jaeger services and operations', () => {
  it('lists services', async () => {
    expect(await get<string[]>('/api/services')).toEqual({ data: ['frontend', 'inventory', 'payment'], total: 3, limit: 0, offset: 0, errors: null });
  });

  it('lists operation names of a service (legacy route)', async () => {
    const body = await get<string[]>('/api/services/frontend/operations');
    expect(body.data).toEqual(['GET /home', 'GET /old', 'POST /charge', 'POST /checkout']);
    expect(body.total).toBe(4);
    expect((await get<string[]>('/api/services/nobody/operations')).data).toEqual([]);
    expect((await get<string[]>(`/api/services/${encodeURIComponent('a/b c')}/operations`)).data).toEqual([]);
  });

  it('lists operations with span kinds', async () => {
    const all = await get<Array<{ name: string; spanKind: string }>>('/api/operations?service=inventory');
    expect(all.data).toEqual([
      { name: 'GET /stock', spanKind: 'server' },
      { name: 'db.query', spanKind: 'internal' },
    ]);
    expect(all.total).toBe(2);
    const clients = await get<Array<{ name: string; spanKind: string }>>('/api/operations?service=frontend&spanKind=client');
    expect(clients.data).toEqual([{ name: 'POST /charge', spanKind: 'client' }]);
  });
});

describe('Jaeger trace search', () => {
  it('finds traces of a service in the last hour, newest first, with all their spans', async () => {
    const body = await get<JaegerTrace[]>('/api/traces?service=frontend');
    expect(traceIds(body)).toEqual([seed.traceC, seed.traceA]);
    expect(body).toMatchObject({ total: 0, limit: 0, offset: 0, errors: null });
    expect(body.data[1].spans.map((s) => s.operationName)).toEqual(['POST /checkout', 'POST /charge', 'charge']);
    expect(body.data[0].spans.map((s) => s.operationName)).toEqual(['GET /home', 'GET /stock']);
  });

  it('filters by operation', async () => {
    expect(traceIds(await get(`/api/traces?${q({ service: 'frontend', operation: 'POST /checkout' })}`))).toEqual([seed.traceA]);
    expect(traceIds(await get(`/api/traces?${q({ service: 'inventory', operation: 'GET /stock' })}`))).toEqual([seed.traceC, seed.traceB]);
  });

  it('filters by JSON tags', async () => {
    expect(traceIds(await get(`/api/traces?${q({ service: 'payment', tags: '{"http.status_code":"502"}' })}`))).toEqual([seed.traceA]);
    expect(traceIds(await get(`/api/traces?${q({ service: 'inventory', tags: '{"http.status_code":"200","http.route":"/stock"}' })}`))).toEqual([seed.traceB]);
    expect(traceIds(await get(`/api/traces?${q({ service: 'payment', tags: '{"http.status_code":"200"}' })}`))).toEqual([]);
  });

  it('filters by logfmt tags and tag=key:value', async () => {
    expect(traceIds(await get(`/api/traces?${q({ service: 'payment', tags: 'card.type=visa http.status_code=502' })}`))).toEqual([seed.traceA]);
    expect(traceIds(await get(`/api/traces?${q({ service: 'inventory', tags: 'db.system="postgres"' })}`))).toEqual([seed.traceB]);
    expect(traceIds(await get(`/api/traces?${q({ service: 'payment', tag: 'card.type:visa' })}`))).toEqual([seed.traceA]);
  });

  it('maps error=true to the span status', async () => {
    expect(traceIds(await get(`/api/traces?${q({ service: 'payment', tags: '{"error":"true"}' })}`))).toEqual([seed.traceA]);
    // Jaeger matches all conditions on one span: frontend's spans have no error status.
    expect(traceIds(await get(`/api/traces?${q({ service: 'frontend', tags: 'error=true' })}`))).toEqual([]);
    expect(traceIds(await get(`/api/traces?${q({ service: 'frontend', tags: 'otel.status_code=OK' })}`))).toEqual([seed.traceC]);
  });

  it('maps span.kind to the span kind', async () => {
    expect(traceIds(await get(`/api/traces?${q({ service: 'frontend', tags: '{"span.kind":"client"}' })}`))).toEqual([seed.traceA]);
    expect(traceIds(await get(`/api/traces?${q({ service: 'frontend', tags: 'span.kind=consumer' })}`))).toEqual([]);
    const bad = await app.inject({ method: 'GET', url: `/api/traces?${q({ service: 'frontend', tags: 'span.kind=sideways' })}` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].msg).toMatch(/span.kind must be one of/);
  });

  it('filters by duration', async () => {
    expect(traceIds(await get(`/api/traces?${q({ service: 'frontend', minDuration: '1.2s' })}`))).toEqual([seed.traceC]);
    expect(traceIds(await get(`/api/traces?${q({ service: 'frontend', minDuration: '45ms', maxDuration: '55ms' })}`))).toEqual([seed.traceA]);
    expect(traceIds(await get(`/api/traces?${q({ service: 'inventory', maxDuration: '10ms' })}`))).toEqual([seed.traceB]);
    expect(traceIds(await get(`/api/traces?${q({ service: 'inventory', minDuration: '2000us', maxDuration: '2000000ns' })}`))).toEqual([seed.traceB]);
  });

  it('honours start/end in microseconds and lookback', async () => {
    const base = seed.baseUnixNano / 1000n;
    const hour = 3_600_000_000n;
    expect(traceIds(await get(`/api/traces?${q({ service: 'frontend', start: String(base - 4n * hour), end: String(base - 2n * hour) })}`))).toEqual([seed.traceD]);
    // The end microsecond is inclusive, like Jaeger's StartTimeMax.
    expect(traceIds(await get(`/api/traces?${q({ service: 'frontend', start: String(base), end: String(base) })}`))).toEqual([seed.traceA]);
    expect(traceIds(await get(`/api/traces?${q({ service: 'frontend', lookback: '4h' })}`))).toEqual([seed.traceC, seed.traceA, seed.traceD]);
    expect(traceIds(await get(`/api/traces?${q({ service: 'frontend', lookback: '5m' })}`))).toEqual([]);
  });

  it('limits the number of traces (default 20, clamped to maxQueryLimit)', async () => {
    expect(traceIds(await get(`/api/traces?${q({ service: 'frontend', limit: '1' })}`))).toEqual([seed.traceC]);
    expect(traceIds(await get(`/api/traces?${q({ service: 'frontend', lookback: '4h', limit: '100000' })}`))).toHaveLength(3);
  });

  it('treats SQL-looking values as plain text', async () => {
    expect((await get<JaegerTrace[]>(`/api/traces?${q({ service: "x' OR '1'='1", tags: '{"a\'; DROP TABLE spans; --":"1"}' })}`)).data).toEqual([]);
    expect((await get<string[]>('/api/services')).data).toHaveLength(3);
  });

  it('fetches traces by traceID, reporting the missing ones like jaeger-query', async () => {
    const missing = 'f'.repeat(32);
    const body = await get<JaegerTrace[]>(`/api/traces?traceID=${seed.traceB}&traceID=${seed.traceA.toUpperCase()}&traceID=${missing}`);
    expect(traceIds(body)).toEqual([seed.traceB, seed.traceA]);
    expect(body.errors).toEqual([{ msg: 'trace not found', traceID: missing }]);
  });
});

describe('Jaeger trace by id', () => {
  let trace: JaegerTrace;
  const span = (name: string): JaegerSpan => trace.spans.find((s) => s.operationName === name)!;

  beforeAll(async () => {
    const body = await get<JaegerTrace[]>(`/api/traces/${seed.traceA}`);
    expect(body).toMatchObject({ total: 0, limit: 0, offset: 0, errors: null });
    expect(body.data).toHaveLength(1);
    trace = body.data[0];
  });

  it('has Jaeger trace shape', () => {
    expect(trace.traceID).toBe(seed.traceA);
    expect(trace.warnings).toBeNull();
    expect(Object.keys(trace).sort()).toEqual(['processes', 'spans', 'traceID', 'warnings']);
    expect(trace.spans).toHaveLength(3);
  });

  it('converts times to microseconds', () => {
    const root = span('POST /checkout');
    expect(root.startTime).toBe(Number(seed.baseUnixNano / 1000n));
    expect(root.duration).toBe(50_000);
    expect(span('charge').duration).toBe(30_000);
    expect(Object.keys(root).sort()).toEqual(['duration', 'flags', 'logs', 'operationName', 'processID', 'references', 'spanID', 'startTime', 'tags', 'traceID', 'warnings']);
    expect(root.flags).toBe(1);
    expect(root.warnings).toBeNull();
  });

  it('builds CHILD_OF references from parents and FOLLOWS_FROM from links', () => {
    const spanA = seed.spans[0];
    const root = span('POST /checkout');
    expect(root.spanID).toBe(spanA.spanId);
    expect(root.references).toEqual([{ refType: 'FOLLOWS_FROM', traceID: spanA.links[0].traceId, spanID: spanA.links[0].spanId }]);
    expect(span('POST /charge').references).toEqual([{ refType: 'CHILD_OF', traceID: seed.traceA, spanID: root.spanID }]);
    expect(span('charge').references).toEqual([{ refType: 'CHILD_OF', traceID: seed.traceA, spanID: span('POST /charge').spanID }]);
  });

  it('renders every attribute type as a typed tag', () => {
    const tags = span('POST /checkout').tags;
    expect(tag(tags, 'str.attr')).toEqual({ key: 'str.attr', type: 'string', value: 'hello "world"' });
    expect(tag(tags, 'bool.attr')).toEqual({ key: 'bool.attr', type: 'bool', value: true });
    expect(tag(tags, 'int.attr')).toEqual({ key: 'int.attr', type: 'int64', value: 42 });
    expect(tag(tags, 'big.int.attr')).toEqual({ key: 'big.int.attr', type: 'int64', value: '-9223372036854775808' });
    expect(tag(tags, 'double.attr')).toEqual({ key: 'double.attr', type: 'float64', value: 3.25 });
    expect(tag(tags, 'double.whole')).toEqual({ key: 'double.whole', type: 'float64', value: 7 });
    expect(tag(tags, 'bytes.attr')).toEqual({ key: 'bytes.attr', type: 'binary', value: Buffer.from([1, 2, 3, 255]).toString('base64') });
    expect(tag(tags, 'array.attr')).toEqual({ key: 'array.attr', type: 'string', value: '["a",1,2.5,false]' });
    expect(tag(tags, 'kvlist.attr')).toEqual({ key: 'kvlist.attr', type: 'string', value: '{"inner":"v","deep":{"n":1}}' });
    expect(tag(tags, 'empty.attr')).toEqual({ key: 'empty.attr', type: 'string', value: '' });
  });

  it('adds kind, scope, trace state and dropped counts as tags', () => {
    const tags = span('POST /checkout').tags;
    expect(tag(tags, 'span.kind')).toEqual({ key: 'span.kind', type: 'string', value: 'server' });
    expect(tag(tags, 'otel.scope.name')).toEqual({ key: 'otel.scope.name', type: 'string', value: 'conformance' });
    expect(tag(tags, 'otel.scope.version')).toEqual({ key: 'otel.scope.version', type: 'string', value: '1.0.0' });
    expect(tag(tags, 'w3c.tracestate')).toEqual({ key: 'w3c.tracestate', type: 'string', value: 'vendor=1' });
    expect(tag(tags, 'otel.dropped_attributes_count')).toEqual({ key: 'otel.dropped_attributes_count', type: 'int64', value: 2 });
    expect(tag(tags, 'otel.dropped_events_count')).toEqual({ key: 'otel.dropped_events_count', type: 'int64', value: 3 });
    expect(tag(tags, 'otel.dropped_links_count')).toEqual({ key: 'otel.dropped_links_count', type: 'int64', value: 4 });
    expect(tag(tags, 'error')).toBeUndefined();
    expect(tag(tags, 'otel.status_code')).toBeUndefined();
    expect(tag(span('POST /charge').tags, 'span.kind')?.value).toBe('client');
  });

  it('marks error spans with error=true and the OTel status tags', () => {
    const tags = span('charge').tags;
    expect(tag(tags, 'error')).toEqual({ key: 'error', type: 'bool', value: true });
    expect(tag(tags, 'otel.status_code')).toEqual({ key: 'otel.status_code', type: 'string', value: 'ERROR' });
    expect(tag(tags, 'otel.status_description')).toEqual({ key: 'otel.status_description', type: 'string', value: 'card declined' });
    expect(tag(tags, 'card.type')).toEqual({ key: 'card.type', type: 'string', value: 'visa' });
    expect(tag(tags, 'http.status_code')).toEqual({ key: 'http.status_code', type: 'int64', value: 502 });
  });

  it('turns span events into logs', () => {
    expect(span('POST /checkout').logs).toEqual([
      {
        timestamp: Number((seed.baseUnixNano + 1000n) / 1000n),
        fields: [
          { key: 'event', type: 'string', value: 'exception' },
          { key: 'exception.type', type: 'string', value: 'Error' },
          { key: 'exception.message', type: 'string', value: 'boom' },
          { key: 'otel.dropped_attributes_count', type: 'int64', value: 1 },
        ],
      },
    ]);
    expect(span('charge').logs).toEqual([]);
  });

  it('deduplicates processes by service and resource', () => {
    expect(trace.processes).toEqual({
      p1: {
        serviceName: 'frontend',
        tags: [
          { key: 'service.version', type: 'string', value: '1.2.3' },
          { key: 'host.name', type: 'string', value: 'web-1' },
        ],
      },
      p2: { serviceName: 'payment', tags: [] },
    });
    expect(trace.spans.map((s) => s.processID)).toEqual(['p1', 'p1', 'p2']);
  });

  it('accepts upper-case ids', async () => {
    expect((await get<JaegerTrace[]>(`/api/traces/${seed.traceA.toUpperCase()}`)).data[0].traceID).toBe(seed.traceA);
  });

  it('answers 404 in Jaeger shape for an unknown trace', async () => {
    expect(await get(`/api/traces/${'e'.repeat(32)}`, 404)).toEqual({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: 'trace not found' }] });
  });

  it('answers 400 in Jaeger shape for an invalid id', async () => {
    const body = await get('/api/traces/not-a-trace-id', 400);
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([{ code: 400, msg: 'Invalid parameter "traceID": must be a trace id of 1 to 32 hex characters, not all zero, got "not-a-trace-id"' }]);
  });
});

describe('Jaeger dependencies', () => {
  it('lists caller → callee links between services', async () => {
    const body = await get<Array<{ parent: string; child: string; callCount: number }>>(`/api/dependencies?endTs=${Date.now()}&lookback=86400000`);
    expect(body).toEqual({
      data: [
        { parent: 'frontend', child: 'inventory', callCount: 1 },
        { parent: 'frontend', child: 'payment', callCount: 1 },
      ],
      total: 0,
      limit: 0,
      offset: 0,
      errors: null,
    });
  });

  it('defaults to the last 24 hours and can filter by service', async () => {
    expect((await get<unknown[]>('/api/dependencies')).data).toHaveLength(2);
    expect((await get<Array<{ child: string }>>('/api/dependencies?service=payment')).data).toEqual([{ parent: 'frontend', child: 'payment', callCount: 1 }]);
    const before = Number(seed.baseUnixNano / 1_000_000n) - 1000;
    expect((await get<unknown[]>(`/api/dependencies?endTs=${before}&lookback=60000`)).data).toEqual([]);
  });
});

describe('Jaeger API refuses hostile input with 400', () => {
  const cases: Array<[url: string, parameter: string, why: RegExp]> = [
    ['/api/traces', 'service', /is required/],
    ['/api/traces?service=', 'service', /is required/],
    ['/api/traces?service=a&limit=-5', 'limit', /whole number of at least 1/],
    ['/api/traces?service=a&limit=0', 'limit', /at least 1/],
    ['/api/traces?service=a&limit=abc', 'limit', /whole number/],
    ['/api/traces?service=a&limit=NaN', 'limit', /whole number/],
    ['/api/traces?service=a&limit=1e3', 'limit', /whole number/],
    ['/api/traces?service=a&limit=1;DROP%20TABLE%20spans', 'limit', /whole number/],
    ['/api/traces?service=a&limit=1&limit=2', 'limit', /given 2 times/],
    ['/api/traces?service=a&service=b', 'service', /given 2 times/],
    ['/api/traces?service=a&start=abc', 'start', /whole number of microseconds/],
    ['/api/traces?service=a&start=1e30', 'start', /whole number of microseconds/],
    ['/api/traces?service=a&start=1.5', 'start', /whole number of microseconds/],
    ['/api/traces?service=a&start=-1', 'start', /before 1970/],
    ['/api/traces?service=a&end=99999999999999999999999', 'end', /after 2262/],
    ['/api/traces?service=a&start=2000&end=1000', 'start', /"2000" is after end "1000"/],
    ['/api/traces?service=a&lookback=forever', 'lookback', /must be a duration/],
    ['/api/traces?service=a&lookback=100000000w', 'lookback', /longer than any time range/],
    ['/api/traces?service=a&minDuration=abc', 'minDuration', /must be a duration such as/],
    ['/api/traces?service=a&minDuration=-1s', 'minDuration', /must not be negative/],
    ['/api/traces?service=a&maxDuration=1parsec', 'maxDuration', /must be a duration/],
    ['/api/traces?service=a&minDuration=2s&maxDuration=1s', 'maxDuration', /"1s" is less than minDuration "2s"/],
    ['/api/traces?service=a&minDuration=99999999999999999999h', 'minDuration', /longer than any time range/],
    ['/api/traces?service=a&tags=%7Bbad', 'tags', /is not valid JSON/],
    ['/api/traces?service=a&tags=%5B1%2C2%5D', 'tags', /is not valid JSON|must be a JSON object/],
    ['/api/traces?service=a&tags=%7B%22a%22%3A%7B%7D%7D', 'tags', /must have a string, number or boolean value/],
    ['/api/traces?service=a&tags=a%3D%22open', 'tags', /unterminated quoted string/],
    ['/api/traces?service=a&tags=otel.status_code%3DMAYBE', 'tags', /otel.status_code must be OK, ERROR or UNSET/],
    ['/api/traces?service=a&tag=novalue', 'tag', /must be key:value/],
    ['/api/traces?traceID=xyz', 'traceID', /must be a trace id/],
    [`/api/traces?traceID=${'0'.repeat(32)}`, 'traceID', /not all zero/],
    [`/api/traces?traceID=${'a'.repeat(33)}`, 'traceID', /must be a trace id/],
    ['/api/traces/0', 'traceID', /not all zero/],
    ['/api/traces/%27%3B%20DROP%20TABLE%20spans', 'traceID', /must be a trace id/],
    ['/api/operations', 'service', /is required/],
    ['/api/operations?service=a&spanKind=sideways', 'spanKind', /must be one of server, client/],
    ['/api/dependencies?endTs=abc', 'endTs', /whole number of milliseconds/],
    ['/api/dependencies?endTs=99999999999999999', 'endTs', /after 2262/],
    ['/api/dependencies?lookback=-1', 'lookback', /non-negative number of milliseconds/],
    ['/api/dependencies?lookback=1h', 'lookback', /number of milliseconds/],
  ];
  for (const [url, parameter, why] of cases) {
    it(`${url} → 400 about ${parameter}`, async () => {
      const body = await get<null>(url, 400);
      expect(body.data).toBeNull();
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0].code).toBe(400);
      expect(body.errors![0].msg).toContain(`Invalid parameter "${parameter}"`);
      expect(body.errors![0].msg).toMatch(why);
    });
  }
});

describe('Jaeger API and storage errors', () => {
  function appWith(overrides: Partial<TelemetryStore>): FastifyInstance {
    const store = Object.assign(Object.create(seed.store) as TelemetryStore, overrides);
    const ctx: QueryContext = { store, queryTimeoutMs: 1234, maxQueryLimit: 50 };
    const failing = Fastify();
    registerJaegerApi(failing, ctx);
    return failing;
  }

  it('maps a storage timeout to 503', async () => {
    const failing = appWith({
      listServices: async () => {
        throw new PharosError('PHAROS_ERR_QUERY_TIMEOUT', 'the query ran longer than 1234 ms and was cancelled');
      },
    });
    const response = await failing.inject({ url: '/api/services' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 503, msg: 'the query ran longer than 1234 ms and was cancelled' }] });
    await failing.close();
  });

  it('maps an unexpected error to 500 without crashing', async () => {
    const failing = appWith({
      getDependencies: async () => {
        throw new TypeError('boom');
      },
    });
    const response = await failing.inject({ url: '/api/dependencies' });
    expect(response.statusCode).toBe(500);
    expect(response.json<JaegerResponse<null>>().errors![0]).toEqual({ code: 500, msg: 'handling the query: boom' });
    await failing.close();
  });

  it('passes the query timeout to every storage call', async () => {
    const seen: QueryOptions[] = [];
    const record = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
      seen.push(args[args.length - 1] as QueryOptions);
      return fn(...args);
    };
    const s = seed.store;
    const spy = appWith({
      listServices: record(s.listServices.bind(s)),
      listOperations: record(s.listOperations.bind(s)),
      searchTraces: record(s.searchTraces.bind(s)),
      getTraces: record(s.getTraces.bind(s)),
      getDependencies: record(s.getDependencies.bind(s)),
    });
    for (const url of ['/api/services', '/api/services/frontend/operations', '/api/operations?service=frontend', '/api/traces?service=frontend', `/api/traces/${seed.traceA}`, `/api/traces?traceID=${seed.traceA}`, '/api/dependencies']) {
      expect((await spy.inject({ url })).statusCode).toBe(200);
    }
    expect(seen.length).toBe(8);
    for (const options of seen) expect(options).toEqual({ timeoutMs: 1234 });
    await spy.close();
  });
});
