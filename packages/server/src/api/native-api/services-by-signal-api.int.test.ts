import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexId, makeLog, makeSpan } from '../../storage/conformance/fixtures.js';
import { makeGaugePoint } from '../../storage/conformance/services-by-signal-cases.js';
import { openNativeApiTestBed, type NativeApiTestBed } from './native-api-test-bed.js';

/*
 * GET /pharos/v1/services?signal=…: which services the logs page (signal=logs) and trace
 * search (no signal: spans) offer. A real DuckDB store holds a service with only spans, one
 * with only log records (as a pino app with the OTel log bridge and no tracing sends), one
 * with only metric points and one with all three, ten minutes ago; plus a logs-only service
 * three hours ago, outside the last hour.
 */

let bed: NativeApiTestBed;
const MS = 1_000_000n;

beforeAll(async () => {
  const base = BigInt(Date.now() - 600_000) * MS;
  const span = (service: string, at: bigint) => makeSpan({ traceId: hexId(16), service, name: 'GET /', startUnixNano: at, durationNs: 2n * MS });
  const log = (service: string, at: bigint) => makeLog({ service, timeUnixNano: at, severityNumber: 13, body: 'disk almost full' });
  bed = await openNativeApiTestBed({
    spans: [span('api', base), span('shop', base + MS)],
    logs: [log('batch-job', base + 2n * MS), log('shop', base + 3n * MS), log('cron', base - 3n * 3_600_000n * MS)],
    points: [makeGaugePoint('node-exporter', base + 4n * MS), makeGaugePoint('shop', base + 5n * MS)],
  });
});

afterAll(async () => {
  await bed?.close();
});

const get = <T>(url: string, expectedStatus?: number) => bed.get<T>(url, expectedStatus);

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

  it('refuses an unknown signal given beside all or a known one, in any order', async () => {
    for (const query of ['signal=all&signal=bogus', 'signal=bogus&signal=all', 'signal=logs&signal=bogus', 'signal=ALL&signal=Bogus']) {
      const body = await get<{ error: { code: string; message: string } }>(`/pharos/v1/services?${query}`, 400);
      expect(body.error.code, query).toBe('PHAROS_ERR_QUERY_INVALID');
      expect(body.error.message, query).toMatch(/^Invalid parameter "signal": must be traces, logs, metrics or all, got "[Bb]ogus"$/);
    }
  });
});
