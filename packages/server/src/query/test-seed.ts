import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { MetricPoint, Span } from '@pharos/core';
import { hexId, makeFullBatch, makeSpan, resourceOf } from '../storage/conformance/fixtures.js';
import { openDuckDbStore, type DuckDbStore } from '../storage/index.js';

/**
 * Test support for the query API tests: a real DuckDB store in a temp dir holding
 * makeFullBatch's data plus a few traces chosen to tell search parameters apart.
 *
 *   traceA  makeFullBatch: frontend POST /checkout → frontend POST /charge → payment charge (error)
 *   traceB  inventory GET /stock (5 ms, http.status_code=200) → inventory db.query (internal, db.system)
 *   traceC  frontend GET /home (1.5 s, status ok, 200) → inventory GET /stock (1.2 s, 200)
 *   traceD  frontend GET /old, three hours before the others (outside the default last hour)
 */
export interface SeededStore {
  store: DuckDbStore;
  baseUnixNano: bigint;
  traceA: string;
  traceB: string;
  traceC: string;
  traceD: string;
  spans: Span[];
  points: MetricPoint[];
  dispose(): Promise<void>;
}

const MS = 1_000_000n;

/** Opens a fresh store and appends the seed data, ten minutes before now. */
export async function openSeededStore(): Promise<SeededStore> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-query-api-'));
  const store = await openDuckDbStore({ dataDir });
  const baseUnixNano = BigInt(Date.now() - 600_000) * MS;
  const full = makeFullBatch(baseUnixNano);

  const traceB = hexId(16);
  const inventory = resourceOf('inventory', { 'host.name': 'inv-1' });
  const stock = makeSpan({ traceId: traceB, service: 'inventory', name: 'GET /stock', startUnixNano: baseUnixNano + 5_000n * MS, durationNs: 5n * MS, resource: inventory, attributes: { 'http.status_code': 200n, 'http.route': '/stock' } });
  const query = makeSpan({ traceId: traceB, parentSpanId: stock.spanId, service: 'inventory', name: 'db.query', kind: 1, startUnixNano: baseUnixNano + 5_001n * MS, durationNs: 2n * MS, resource: inventory, attributes: { 'db.system': 'postgres' } });

  const traceC = hexId(16);
  const home = makeSpan({ traceId: traceC, service: 'frontend', name: 'GET /home', startUnixNano: baseUnixNano + 10_000n * MS, durationNs: 1_500n * MS, statusCode: 1, attributes: { 'http.status_code': 200n } });
  const stockC = makeSpan({ traceId: traceC, parentSpanId: home.spanId, service: 'inventory', name: 'GET /stock', startUnixNano: baseUnixNano + 10_100n * MS, durationNs: 1_200n * MS, resource: inventory, attributes: { 'http.status_code': 200n } });

  const traceD = hexId(16);
  const old = makeSpan({ traceId: traceD, service: 'frontend', name: 'GET /old', startUnixNano: baseUnixNano - 3n * 3_600_000n * MS, durationNs: 3n * MS });

  const bigCounter: MetricPoint = { ...full.batch.points[0], metric: { ...full.batch.points[0].metric, name: 'big.counter', type: 'sum', aggregationTemporality: 2, isMonotonic: true }, kind: 'number', value: 2n ** 60n };
  const points = [...full.batch.points, bigCounter];
  const spans = [...full.batch.spans, stock, query, home, stockC, old];
  await store.append({ spans, logs: full.batch.logs, points });
  return {
    store,
    baseUnixNano,
    traceA: full.traceId,
    traceB,
    traceC,
    traceD,
    spans,
    points,
    dispose: async () => {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
