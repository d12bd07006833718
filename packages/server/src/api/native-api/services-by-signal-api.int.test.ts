import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexId, makeLog, makeSpan } from '../../storage/conformance/fixtures.js';
import { makeGaugePoint } from '../../storage/conformance/services-by-signal-cases.js';
import { openDuckDbStore, type DuckDbStore } from '../../storage/index.js';
import { registerNativeApi } from './index.js';

/*
 * GET /pharos/v1/services?signal=…: which services the logs page (signal=logs) and trace
 * search (no signal: spans) offer. A real DuckDB store holds a service with only spans, one
 * with only log records (as a pino app with the OTel log bridge and no tracing sends), one
 * with only metric points and one with all three, ten minutes ago; plus a logs-only service
 * three hours ago, outside the last hour.
 */

let dataDir: string;
let store: DuckDbStore;
let app: FastifyInstance;
const MS = 1_000_000n;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-services-by-signal-'));
  store = await openDuckDbStore({ dataDir });
  const base = BigInt(Date.now() - 600_000) * MS;
  const span = (service: string, at: bigint) => makeSpan({ traceId: hexId(16), service, name: 'GET /', startUnixNano: at, durationNs: 2n * MS });
  const log = (service: string, at: bigint) => makeLog({ service, timeUnixNano: at, severityNumber: 13, body: 'disk almost full' });
  await store.append({
    spans: [span('api', base), span('shop', base + MS)],
    logs: [log('batch-job', base + 2n * MS), log('shop', base + 3n * MS), log('cron', base - 3n * 3_600_000n * MS)],
    points: [makeGaugePoint('node-exporter', base + 4n * MS), makeGaugePoint('shop', base + 5n * MS)],
  });
  app = Fastify();
  registerNativeApi(app, { store, queryTimeoutMs: 10_000, maxQueryLimit: 50 });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function get<T>(url: string, expectedStatus = 200): Promise<T> {
  const response = await app.inject({ method: 'GET', url });
  expect(response.statusCode, response.body).toBe(expectedStatus);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return response.json<T>();
}

describe('GET /pharos/v1/services?signal=', () => {
  it('lists services with spans when no signal is given (trace search and older clients)', async () => {
    expect(await get('/pharos/v1/services')).toEqual({ services: ['api', 'shop'] });
    expect(await get('/pharos/v1/services?signal=traces')).toEqual({ services: ['api', 'shop'] });
  });

  it('lists services that sent log records, including those that sent nothing else', async () => {
    expect(await get('/pharos/v1/services?signal=logs')).toEqual({ services: ['batch-job', 'cron', 'shop'] });
    expect(await get('/pharos/v1/services?signal=logs&start=now-1h&end=now')).toEqual({ services: ['batch-job', 'shop'] });
  });

  it('lists services with metric points', async () => {
    expect(await get('/pharos/v1/services?signal=metrics&start=now-1h')).toEqual({ services: ['node-exporter', 'shop'] });
  });

  it('lists each service once for several signals, or all of them', async () => {
    expect(await get('/pharos/v1/services?signal=logs&signal=metrics&start=now-1h')).toEqual({ services: ['batch-job', 'node-exporter', 'shop'] });
    expect(await get('/pharos/v1/services?signal=all&start=now-1h')).toEqual({ services: ['api', 'batch-job', 'node-exporter', 'shop'] });
    expect(await get('/pharos/v1/services?signal=ALL')).toEqual({ services: ['api', 'batch-job', 'cron', 'node-exporter', 'shop'] });
  });

  it('answers an empty list for a range without data', async () => {
    expect(await get('/pharos/v1/services?signal=logs&start=now-5m')).toEqual({ services: [] });
  });

  it('refuses an unknown signal with a 400 naming the parameter', async () => {
    const body = await get<{ error: { code: string; message: string } }>('/pharos/v1/services?signal=spans', 400);
    expect(body).toEqual({ error: { code: 'PHAROS_ERR_QUERY_INVALID', message: 'Invalid parameter "signal": must be traces, logs, metrics or all, got "spans"' } });
  });
});
