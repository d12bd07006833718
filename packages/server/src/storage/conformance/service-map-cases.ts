import { beforeAll, describe, expect, it } from 'vitest';
import type { AnyValue, Span } from '@pharos/core';
import type { ServiceMapNode, TelemetryStore, TimeRange } from '../interface.js';
import { hexId, makeSpan } from './fixtures.js';

const Q = { timeoutMs: 10_000 };
const MS = 1_000_000n;
const SECOND = 1_000n * MS;
const MINUTE = 60n * SECOND;

/**
 * Conformance cases of the service map and of the trace search's `parentService`, run by
 * describeStoreConformance with its store. They write into a window of their own, a bit
 * over five hours before `baseUnixNano` (and up to 90 minutes before it), so that the
 * suite's other data stays out of it.
 */
export function describeServiceMapCases(storeOf: () => TelemetryStore, baseUnixNano: bigint): void {
  describe('service map', () => {
    const w0 = baseUnixNano - 317n * MINUTE;
    const window: TimeRange = { startUnixNano: w0, endUnixNano: w0 + MINUTE };

    beforeAll(async () => {
      const spans: Span[] = [];
      const add = (o: { traceId: string; parent?: Span; service: string; name: string; kind: Span['kind']; at: bigint; ms: bigint; error?: boolean; attributes?: Record<string, AnyValue> }): Span => {
        const span = makeSpan({
          traceId: o.traceId,
          parentSpanId: o.parent?.spanId,
          service: o.service,
          name: o.name,
          kind: o.kind,
          startUnixNano: o.at,
          durationNs: o.ms * MS,
          statusCode: o.error === true ? 2 : 0,
          attributes: o.attributes,
        });
        spans.push(span);
        return span;
      };
      // Four checkouts: frontend → order (the 4th fails) → payment (the 1st and 2nd fail) and → postgresql (the 2nd fails).
      for (let i = 1n; i <= 4n; i++) {
        const traceId = hexId(16);
        const at = w0 + i * SECOND;
        const fe = add({ traceId, service: 'frontend', name: 'GET /', kind: 2, at, ms: 100n });
        const feCall = add({ traceId, parent: fe, service: 'frontend', name: 'POST /order', kind: 3, at: at + MS, ms: 80n });
        const ord = add({ traceId, parent: feCall, service: 'order', name: 'POST /order', kind: 2, at: at + 2n * MS, ms: i * 10n, error: i === 4n });
        add({ traceId, parent: ord, service: 'order', name: 'SELECT orders', kind: 3, at: at + 3n * MS, ms: i, error: i === 2n, attributes: { 'db.system': 'postgresql', 'db.namespace': 'orders' } });
        const payCall = add({ traceId, parent: ord, service: 'order', name: 'POST /charge', kind: 3, at: at + 4n * MS, ms: 20n, attributes: { 'peer.service': 'payment' } });
        add({ traceId, parent: payCall, service: 'payment', name: 'charge', kind: 2, at: at + 5n * MS, ms: i * 5n, error: i <= 2n });
      }
      // A background job of order: its calls to peers that send no spans, and to inventory from an INTERNAL span.
      const job = hexId(16);
      const jobAt = w0 + 10n * SECOND;
      const root = add({ traceId: job, service: 'order', name: 'job', kind: 1, at: jobAt, ms: 500n });
      add({ traceId: job, parent: root, service: 'order', name: 'publish', kind: 4, at: jobAt + MS, ms: 2n, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' } });
      add({ traceId: job, parent: root, service: 'order', name: 'POST /v1/refunds', kind: 3, at: jobAt + 2n * MS, ms: 300n, error: true, attributes: { 'server.address': 'api.stripe.com' } });
      add({ traceId: job, parent: root, service: 'order', name: 'anonymous call', kind: 3, at: jobAt + 3n * MS, ms: 9n });
      add({ traceId: job, parent: root, service: 'order', name: 'namespace only', kind: 3, at: jobAt + 3n * MS, ms: 9n, attributes: { 'db.namespace': 'orders', 'peer.service': '' } });
      const redis = add({ traceId: job, parent: root, service: 'order', name: 'GET', kind: 3, at: jobAt + 4n * MS, ms: 4n, attributes: { 'db.system': 'redis' } });
      add({ traceId: job, parent: redis, service: 'order', name: 'decode', kind: 1, at: jobAt + 5n * MS, ms: 1n });
      add({ traceId: job, parent: root, service: 'order', name: 'GET', kind: 3, at: jobAt + 6n * MS, ms: 6n, attributes: { 'peer.service': 'cache-db', 'db.system': 'redis' } });
      add({ traceId: job, parent: root, service: 'order', name: 'sqlite read', kind: 1, at: jobAt + 7n * MS, ms: 3n, attributes: { 'db.system': 'sqlite' } });
      add({ traceId: job, parent: root, service: 'order', name: 'SELECT', kind: 3, at: jobAt + 8n * MS, ms: 7n, attributes: { 'db.system.name': 'mysql', 'db.system': 'legacy', 'db.name': 'shop' } });
      add({ traceId: job, parent: root, service: 'inventory', name: 'reserve', kind: 2, at: jobAt + 9n * MS, ms: 8n });
      // frontend → inventory twice: once seen only from frontend's client span (peer.service), once as a direct child of a SERVER span.
      const y = hexId(16);
      add({ traceId: y, service: 'frontend', name: 'GET /stock', kind: 3, at: w0 + 20n * SECOND, ms: 12n, attributes: { 'peer.service': 'inventory' } });
      const z = hexId(16);
      const page = add({ traceId: z, service: 'frontend', name: 'GET /product', kind: 2, at: w0 + 21n * SECOND, ms: 20n });
      add({ traceId: z, parent: page, service: 'inventory', name: 'stock', kind: 2, at: w0 + 21n * SECOND + MS, ms: 2n });
      // Calls crossing the window's edges: a parent just before it (the call counts), a child at its end, a pair before it.
      const late = hexId(16);
      const early = add({ traceId: late, service: 'frontend', name: 'tick', kind: 1, at: w0 - MS, ms: 5000n });
      add({ traceId: late, parent: early, service: 'late', name: 'tock', kind: 2, at: w0 + 30n * SECOND, ms: 1n });
      const edge = hexId(16);
      const inside = add({ traceId: edge, service: 'frontend', name: 'last', kind: 3, at: w0 + MINUTE - MS, ms: 5n });
      add({ traceId: edge, parent: inside, service: 'ghost', name: 'boo', kind: 2, at: w0 + MINUTE, ms: 1n });
      const before = hexId(16);
      const old = add({ traceId: before, service: 'frontend', name: 'old', kind: 3, at: w0 - 2n * SECOND, ms: 5n, attributes: { 'db.system': 'oracle' } });
      add({ traceId: before, parent: old, service: 'ancient', name: 'old', kind: 2, at: w0 - SECOND, ms: 1n });
      // cron sends no span in the window: its call from before it makes it a node without requests.
      const nightly = hexId(16);
      const cron = add({ traceId: nightly, service: 'cron', name: 'nightly', kind: 2, at: w0 - 50n * MINUTE, ms: 3_600_000n });
      const cronCall = add({ traceId: nightly, parent: cron, service: 'cron', name: 'POST /rebuild', kind: 3, at: w0 - 50n * MINUTE + MS, ms: 3_600_000n });
      add({ traceId: nightly, parent: cronCall, service: 'worker', name: 'rebuild', kind: 2, at: w0 + 5n * SECOND, ms: 3n });
      // A parent more than CALL_MATCH_MARGIN_NS (an hour) before the window: no call.
      const weekly = hexId(16);
      const tooEarly = add({ traceId: weekly, service: 'frontend', name: 'weekly', kind: 3, at: w0 - 90n * MINUTE, ms: 3_600_000n });
      add({ traceId: weekly, parent: tooEarly, service: 'batch', name: 'run', kind: 2, at: w0 + 6n * SECOND, ms: 2n });
      // A call at the window's end to a service whose span starts after it: neither an edge nor a virtual node.
      const tail = hexId(16);
      const tailCall = add({ traceId: tail, service: 'frontend', name: 'GET /search', kind: 3, at: w0 + MINUTE - MS, ms: 9n, attributes: { 'server.address': 'search.internal' } });
      add({ traceId: tail, parent: tailCall, service: 'search', name: 'search', kind: 2, at: w0 + MINUTE + MS, ms: 7n });
      // One database named by callers on two semantic-convention versions, each call in its own trace.
      for (const [i, key] of ['db.system', 'db.system.name', 'db.system'].entries()) {
        const traceId = hexId(16);
        const task = add({ traceId, service: 'order', name: 'sync', kind: 1, at: w0 + 35n * SECOND + BigInt(i) * SECOND, ms: 20n });
        add({ traceId, parent: task, service: 'order', name: 'find', kind: 3, at: w0 + 35n * SECOND + BigInt(i) * SECOND + MS, ms: BigInt(i + 1), attributes: { [key]: 'mongodb' } });
      }
      await storeOf().append({ spans, logs: [], points: [] });
    });

    it('builds nodes and edges from parent/child spans across services, with requests, errors and exact p95', async () => {
      const map = await storeOf().getServiceMap(window, Q);
      const service = (name: string, requests: number, errors: number, p95DurationNs: bigint | null): ServiceMapNode => ({ name, kind: 'service', requests, errors, p95DurationNs });
      const conditions = (attributes: Array<[string, string]>) => attributes.map(([key, value]) => ({ key, op: '=' as const, value }));
      const peer = (name: string, kind: ServiceMapNode['kind'], attributes: Array<[string, string]>, requests: number, errors: number, p95DurationNs: bigint, others: Array<Array<[string, string]>> = []): ServiceMapNode => ({
        name,
        kind,
        requests,
        errors,
        p95DurationNs,
        peerAttributes: conditions(attributes),
        peerAttributeSets: [attributes, ...others].map(conditions),
      });
      expect(map.nodes).toEqual([
        peer('api.stripe.com', 'external', [['server.address', 'api.stripe.com']], 1, 1, 300n * MS),
        service('batch', 1, 0, 2n * MS),
        peer('cache-db', 'database', [['peer.service', 'cache-db']], 1, 0, 6n * MS),
        service('cron', 0, 0, null),
        // frontend: four checkouts of 100 ms and one product page of 20 ms; its CLIENT and INTERNAL spans are not requests.
        service('frontend', 5, 0, 100n * MS),
        // inventory: 8 ms and 2 ms: 2 + 0.95 * 6 = 7.7 ms.
        service('inventory', 2, 0, 7_700_000n),
        peer('kafka', 'messaging', [['messaging.system', 'kafka']], 1, 0, 2n * MS),
        service('late', 1, 0, MS),
        // Two calls by db.system, one by db.system.name: 1, 2 and 3 ms: 2 + 0.9 * 1 = 2.9 ms.
        peer('mongodb', 'database', [['db.system', 'mongodb']], 3, 0, 2_900_000n, [[['db.system.name', 'mongodb']]]),
        peer('mysql/shop', 'database', [['db.system.name', 'mysql'], ['db.name', 'shop']], 1, 0, 7n * MS),
        // order: 10, 20, 30, 40 ms: 30 + 0.85 * 10 = 38.5 ms.
        service('order', 4, 1, 38_500_000n),
        service('payment', 4, 2, 19_250_000n),
        peer('postgresql/orders', 'database', [['db.system', 'postgresql'], ['db.namespace', 'orders']], 4, 1, 3_850_000n),
        peer('redis', 'database', [['db.system', 'redis']], 1, 0, 4n * MS),
        service('worker', 1, 0, 3n * MS),
      ]);
      expect(map.edges).toEqual([
        { source: 'cron', target: 'worker', calls: 1, errors: 0, p95DurationNs: 3n * MS },
        { source: 'frontend', target: 'inventory', calls: 2, errors: 0, p95DurationNs: 11_500_000n },
        { source: 'frontend', target: 'late', calls: 1, errors: 0, p95DurationNs: MS },
        { source: 'frontend', target: 'order', calls: 4, errors: 1, p95DurationNs: 38_500_000n },
        { source: 'order', target: 'api.stripe.com', calls: 1, errors: 1, p95DurationNs: 300n * MS },
        { source: 'order', target: 'cache-db', calls: 1, errors: 0, p95DurationNs: 6n * MS },
        { source: 'order', target: 'inventory', calls: 1, errors: 0, p95DurationNs: 8n * MS },
        { source: 'order', target: 'kafka', calls: 1, errors: 0, p95DurationNs: 2n * MS },
        { source: 'order', target: 'mongodb', calls: 3, errors: 0, p95DurationNs: 2_900_000n },
        { source: 'order', target: 'mysql/shop', calls: 1, errors: 0, p95DurationNs: 7n * MS },
        { source: 'order', target: 'payment', calls: 4, errors: 2, p95DurationNs: 19_250_000n },
        { source: 'order', target: 'postgresql/orders', calls: 4, errors: 1, p95DurationNs: 3_850_000n },
        { source: 'order', target: 'redis', calls: 1, errors: 0, p95DurationNs: 4n * MS },
      ]);
    });

    it('answers an empty map for a range without spans', async () => {
      const far = 1000n * 86_400n * SECOND;
      expect(await storeOf().getServiceMap({ startUnixNano: far, endUnixNano: far + MINUTE }, Q)).toEqual({ nodes: [], edges: [] });
      expect(await storeOf().getServiceMap({ startUnixNano: w0 + 40n * SECOND, endUnixNano: w0 + 50n * SECOND }, Q)).toEqual({ nodes: [], edges: [] });
    });

    it('finds the traces of an edge by parentService, and of a virtual edge by its peer attributes', async () => {
      const count = async (query: { service?: string; parentService?: string; attributes?: ServiceMapNode['peerAttributes'] }) =>
        (await storeOf().searchTraces({ range: window, limit: 50, ...query, attributes: query.attributes ?? [] }, Q)).length;
      expect(await count({ service: 'payment', parentService: 'order' })).toBe(4);
      expect(await count({ service: 'order', parentService: 'frontend' })).toBe(4);
      expect(await count({ service: 'inventory', parentService: 'frontend' })).toBe(1);
      expect(await count({ service: 'inventory', parentService: 'order' })).toBe(1);
      // Without a service: every call out of order (payment in four traces, inventory in the job).
      expect(await count({ parentService: 'order' })).toBe(5);
      // Nested spans of one service are not calls between services.
      expect(await count({ service: 'order', parentService: 'order' })).toBe(0);
      expect(await count({ service: 'payment', parentService: 'frontend' })).toBe(0);
      // The parent may start up to an hour before the range, as the map counts calls.
      expect(await count({ service: 'late', parentService: 'frontend' })).toBe(1);
      expect(await count({ service: 'worker', parentService: 'cron' })).toBe(1);
      expect(await count({ service: 'batch', parentService: 'frontend' })).toBe(0);
      expect(await count({ service: 'search', parentService: 'frontend' })).toBe(0);
      expect(await count({ service: `x' OR 1=1 --`, parentService: `x' OR 1=1 --` })).toBe(0);
      const map = await storeOf().getServiceMap(window, Q);
      const postgres = map.nodes.find((n) => n.name === 'postgresql/orders')!;
      expect(await count({ service: 'order', attributes: postgres.peerAttributes })).toBe(4);
      const mysql = map.nodes.find((n) => n.name === 'mysql/shop')!;
      expect(await count({ service: 'order', attributes: mysql.peerAttributes })).toBe(1);
      // Named two ways: one search per attribute set, together all three calls (one per trace).
      const mongodb = map.nodes.find((n) => n.name === 'mongodb')!;
      const perSet = await Promise.all(mongodb.peerAttributeSets!.map((attributes) => count({ service: 'order', attributes })));
      expect(perSet).toEqual([2, 1]);
      expect(perSet[0] + perSet[1]).toBe(map.edges.find((e) => e.source === 'order' && e.target === 'mongodb')!.calls);
    });
  });
}
