import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PharosError, type AnyValue, type Span } from '@pharos/core';
import type { ServiceMapJson, TraceSummaryJson } from '../../query/index.js';
import { hexId, makeSpan } from '../../storage/conformance/fixtures.js';
import type { QueryOptions, TelemetryStore } from '../../storage/index.js';
import { registerNativeApi } from './index.js';
import { openNativeApiTestBed, toQueryString as q, type NativeApiTestBed } from './native-api-test-bed.js';

/*
 * GET /pharos/v1/service-map and the trace search's parentService, over a real DuckDB store
 * holding six checkouts ten minutes ago: frontend → order → payment (two payments fail), and
 * order → a PostgreSQL database that sends no spans (a virtual node).
 */

const MS = 1_000_000n;
const CHECKOUTS = 6;
let bed: NativeApiTestBed;
let baseUnixNano: bigint;
const checkoutTraceIds: string[] = [];
let lonelyTraceId: string;

beforeAll(async () => {
  baseUnixNano = BigInt(Date.now() - 600_000) * MS;
  const spans: Span[] = [];
  const add = (traceId: string, parent: Span | undefined, service: string, name: string, kind: Span['kind'], at: bigint, ms: bigint, error = false, attributes: Record<string, AnyValue> = {}) => {
    const span = makeSpan({ traceId, parentSpanId: parent?.spanId, service, name, kind, startUnixNano: at, durationNs: ms * MS, statusCode: error ? 2 : 0, attributes });
    spans.push(span);
    return span;
  };
  for (let i = 0; i < CHECKOUTS; i++) {
    const traceId = hexId(16);
    checkoutTraceIds.push(traceId);
    const at = baseUnixNano + BigInt(i) * 1000n * MS;
    const root = add(traceId, undefined, 'frontend', 'POST /checkout', 2, at, 200n);
    const call = add(traceId, root, 'frontend', 'POST order', 3, at + MS, 150n);
    const order = add(traceId, call, 'order', 'POST /orders', 2, at + 2n * MS, 100n + BigInt(i) * 10n);
    add(traceId, order, 'order', 'INSERT orders', 3, at + 3n * MS, 5n, false, { 'db.system': 'postgresql' });
    const pay = add(traceId, order, 'order', 'POST payment', 3, at + 10n * MS, 50n);
    add(traceId, pay, 'payment', 'POST /charge', 2, at + 11n * MS, 40n, i % 3 === 0);
  }
  // A trace of order alone: its spans are nobody's callee.
  lonelyTraceId = hexId(16);
  add(lonelyTraceId, undefined, 'order', 'GET /health', 2, baseUnixNano + 9000n * MS, 1n);
  bed = await openNativeApiTestBed({ spans, logs: [], points: [] });
});

afterAll(async () => {
  await bed?.close();
});

const get = <T>(url: string, expectedStatus?: number) => bed.get<T>(url, expectedStatus);

describe('GET /pharos/v1/service-map', () => {
  it('answers nodes and edges with requests, errors, rates and p95 as nanosecond strings', async () => {
    const startMs = Number(baseUnixNano / MS) - 1000;
    const body = await get<ServiceMapJson>(`/pharos/v1/service-map?${q({ start: String(startMs), end: String(startMs + 60_000) })}`);
    const perSecond = (n: number) => n / 60;
    expect(body).toEqual({
      startUnixNano: (BigInt(startMs) * MS).toString(),
      endUnixNano: (BigInt(startMs + 60_000) * MS).toString(),
      nodes: [
        { name: 'frontend', kind: 'service', requests: 6, errors: 0, requestsPerSecond: perSecond(6), errorRate: 0, p95DurationNs: '200000000' },
        // 1 ms (the health check) and 100, 110, ..., 150 ms: rank 0.95 * 6 = 5.7 → 140 + 0.7 * 10 = 147 ms.
        { name: 'order', kind: 'service', requests: 7, errors: 0, requestsPerSecond: perSecond(7), errorRate: 0, p95DurationNs: '147000000' },
        { name: 'payment', kind: 'service', requests: 6, errors: 2, requestsPerSecond: perSecond(6), errorRate: 2 / 6, p95DurationNs: '40000000' },
        { name: 'postgresql', kind: 'database', requests: 6, errors: 0, requestsPerSecond: perSecond(6), errorRate: 0, p95DurationNs: '5000000', peerAttributes: ['db.system=postgresql'], peerAttributeSets: [['db.system=postgresql']] },
      ],
      edges: [
        // 100, 110, ..., 150 ms: rank 0.95 * 5 = 4.75 → 140 + 0.75 * 10 = 147.5 ms.
        { source: 'frontend', target: 'order', calls: 6, errors: 0, callsPerSecond: perSecond(6), errorRate: 0, p95DurationNs: '147500000' },
        { source: 'order', target: 'payment', calls: 6, errors: 2, callsPerSecond: perSecond(6), errorRate: 2 / 6, p95DurationNs: '40000000' },
        { source: 'order', target: 'postgresql', calls: 6, errors: 0, callsPerSecond: perSecond(6), errorRate: 0, p95DurationNs: '5000000' },
      ],
    });
  });

  it('defaults to the last hour and answers an empty map for a range without spans', async () => {
    const body = await get<ServiceMapJson>('/pharos/v1/service-map');
    expect(body.nodes.map((n) => n.name)).toEqual(['frontend', 'order', 'payment', 'postgresql']);
    expect(BigInt(body.endUnixNano) - BigInt(body.startUnixNano)).toBe(3_600_000n * MS);
    expect(await get<ServiceMapJson>('/pharos/v1/service-map?start=now-1m')).toMatchObject({ nodes: [], edges: [] });
    expect(await get<ServiceMapJson>('/pharos/v1/service-map?start=2001-01-01T00:00:00Z&end=2001-01-01T01:00:00Z')).toEqual({
      startUnixNano: '978307200000000000',
      endUnixNano: '978310800000000000',
      nodes: [],
      edges: [],
    });
  });

  it.each([
    ['/pharos/v1/service-map?start=later', 'start', /must be RFC 3339/],
    ['/pharos/v1/service-map?end=soon', 'end', /must be RFC 3339/],
    ['/pharos/v1/service-map?start=now&end=now-1h', 'start', /is after end/],
    ['/pharos/v1/service-map?start=now-1h&start=now-2h', 'start', /given 2 times/],
    ['/pharos/v1/traces?parentService=a&parentService=b', 'parentService', /given 2 times/],
    [`/pharos/v1/traces?parentService=${'x'.repeat(1025)}`, 'parentService', /1025 characters long; the limit is 1024/],
  ])('%s → 400 about %s', async (url, parameter, why) => {
    const body = await get<{ error: { code: string; message: string } }>(url, 400);
    expect(body.error.code).toBe('PHAROS_ERR_QUERY_INVALID');
    expect(body.error.message).toContain(`Invalid parameter "${parameter}"`);
    expect(body.error.message).toMatch(why);
  });

  it('maps a storage timeout to 503 and passes the query timeout to storage', async () => {
    const seen: QueryOptions[] = [];
    const failing: TelemetryStore = Object.assign(Object.create(bed.store) as TelemetryStore, {
      getServiceMap: async (_range: unknown, options: QueryOptions) => {
        seen.push(options);
        throw new PharosError('PHAROS_ERR_QUERY_TIMEOUT', 'the query ran longer than 4321 ms and was cancelled');
      },
    });
    const other = Fastify();
    registerNativeApi(other, { store: failing, queryTimeoutMs: 4321, maxQueryLimit: 50 });
    const response = await other.inject({ url: '/pharos/v1/service-map' });
    await other.close();
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: { code: 'PHAROS_ERR_QUERY_TIMEOUT', message: 'the query ran longer than 4321 ms and was cancelled' } });
    expect(seen).toEqual([{ timeoutMs: 4321 }]);
  });
});

describe('GET /pharos/v1/traces with parentService', () => {
  const traceIdsOf = async (params: Record<string, string | string[]>) =>
    (await get<{ traces: TraceSummaryJson[] }>(`/pharos/v1/traces?${q({ limit: '50', ...params })}`)).traces.map((t) => t.traceId).sort();

  it("finds an edge's traces: spans of service whose parent belongs to parentService", async () => {
    const all = [...checkoutTraceIds].sort();
    expect(await traceIdsOf({ service: 'payment', parentService: 'order' })).toEqual(all);
    expect(await traceIdsOf({ service: 'order', parentService: 'frontend' })).toEqual(all);
    // order's lonely health check is a request of order, but not a call from frontend.
    expect(await traceIdsOf({ service: 'order' })).toEqual([...all, lonelyTraceId].sort());
    expect(await traceIdsOf({ service: 'payment', parentService: 'frontend' })).toEqual([]);
    expect(await traceIdsOf({ service: 'order', parentService: 'order' })).toEqual([]);
    // With the other filters: the failed payments only.
    const failed = checkoutTraceIds.filter((_, i) => i % 3 === 0).sort();
    expect(await traceIdsOf({ service: 'payment', parentService: 'order', status: 'error' })).toEqual(failed);
  });

  it("finds a virtual edge's traces with the caller and the node's peer attributes", async () => {
    const map = await get<ServiceMapJson>('/pharos/v1/service-map');
    const postgres = map.nodes.find((n) => n.name === 'postgresql')!;
    expect(await traceIdsOf({ service: 'order', attr: postgres.peerAttributes! })).toEqual([...checkoutTraceIds].sort());
    expect(await traceIdsOf({ service: 'frontend', attr: postgres.peerAttributes! })).toEqual([]);
  });
});
