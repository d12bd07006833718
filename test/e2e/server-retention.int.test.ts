import { rm } from 'node:fs/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDuckDbStore } from '../../packages/server/src/storage/index.js';
import { makeGaugePoint, makeLogRecord, makeTraceSpans } from '../helpers/model-items.js';
import { getJson, jsonLogsRequest, jsonMetricsRequest, jsonSpansRequest, postOtlpJson, utcDay, type StatusBody } from '../helpers/otlp-json-signals.js';
import { killAllSpawned, startServer, stopServer } from '../helpers/pharos-process.js';
import { tempDataDir } from '../helpers/server-process.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface TraceBody {
  traceId: string;
  resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ spanId: string; startTimeUnixNano: string }> }> }>;
}

function spansOf(trace: TraceBody): Array<{ spanId: string; startTimeUnixNano: string }> {
  return trace.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
}

describe('retention', () => {
  const dirs: string[] = [];
  afterEach(killAllSpawned);
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('with --retention 1d, ingest keeps items inside the window and reports the others as partial success', async () => {
    const dataDir = await tempDataDir('pharos-retention-ingest-');
    dirs.push(dataDir);
    const server = await startServer(dataDir, ['--retention', '1d', '--log-level', 'warn']);
    const now = Date.now();
    const service = 'retention-svc';

    // All inside: 12 h ago, now, and 23 h ahead (the window reaches 24 h ahead of the server clock).
    const inside = jsonSpansRequest(service, [{ startMs: now - 12 * HOUR_MS, name: 'twelve hours ago' }, { startMs: now }, { startMs: now + 23 * HOUR_MS }]);
    const insideAnswer = await postOtlpJson(server.otlpHttpUrl, 'traces', inside.body);
    expect(insideAnswer).toMatchObject({ status: 200, json: {} });

    // One span inside, one older than the retention, one more than 24 h ahead.
    const mixed = jsonSpansRequest(service, [{ startMs: now - HOUR_MS }, { startMs: now - 3 * DAY_MS }, { startMs: now + 2 * DAY_MS }]);
    const mixedAnswer = await postOtlpJson(server.otlpHttpUrl, 'traces', mixed.body);
    expect(mixedAnswer.status).toBe(200);
    expect(mixedAnswer.json).toEqual({
      partialSuccess: { rejectedSpans: '2', errorMessage: expect.stringMatching(/2 span\(s\) rejected: timestamp outside the accepted window \(retention 24 h back, 24 h ahead/) },
    });

    const logsAnswer = await postOtlpJson(
      server.otlpHttpUrl,
      'logs',
      jsonLogsRequest(service, [
        { timeMs: now - 12 * HOUR_MS, severityNumber: 9, severityText: 'INFO', body: 'kept log' },
        { timeMs: now - 2 * DAY_MS, severityNumber: 9, severityText: 'INFO', body: 'too old log' },
      ]),
    );
    expect(logsAnswer.status).toBe(200);
    expect(logsAnswer.json).toEqual({ partialSuccess: { rejectedLogRecords: '1', errorMessage: expect.stringMatching(/1 log record\(s\) rejected: timestamp outside/) } });

    const metricsAnswer = await postOtlpJson(
      server.otlpHttpUrl,
      'metrics',
      jsonMetricsRequest(service, [
        {
          name: 'retention.gauge',
          kind: 'gauge',
          points: [
            { timeMs: now - HOUR_MS, value: 1 },
            { timeMs: now - 3 * DAY_MS, value: 2 },
            { timeMs: now + 25 * HOUR_MS, value: 3 },
          ],
        },
      ]),
    );
    expect(metricsAnswer.status).toBe(200);
    expect(metricsAnswer.json).toEqual({ partialSuccess: { rejectedDataPoints: '2', errorMessage: expect.stringMatching(/2 metric point\(s\) rejected: timestamp outside/) } });

    // What was kept is queryable; what was refused is not stored.
    const insideTrace = await getJson<TraceBody>(server.apiUrl, `/pharos/v1/traces/${inside.traceId}`);
    expect(insideTrace.status).toBe(200);
    expect(spansOf(insideTrace.body).map((s) => s.spanId).sort()).toEqual([...inside.spanIds].sort());
    const mixedTrace = await getJson<TraceBody>(server.apiUrl, `/pharos/v1/traces/${mixed.traceId}`);
    expect(mixedTrace.status).toBe(200);
    expect(spansOf(mixedTrace.body).map((s) => s.spanId)).toEqual([mixed.spanIds[0]]);
    const search = await getJson<{ traces: Array<{ traceId: string }> }>(server.apiUrl, `/pharos/v1/traces?service=${service}&start=now-1d&end=now&operation=${encodeURIComponent('twelve hours ago')}`);
    expect(search.body.traces.map((t) => t.traceId)).toEqual([inside.traceId]);
    const logs = await getJson<{ logs: Array<{ body: { stringValue?: string } }> }>(server.apiUrl, `/pharos/v1/logs?service=${service}&start=now-2d&end=now`);
    expect(logs.body.logs.map((l) => l.body.stringValue)).toEqual(['kept log']);

    const status = await getJson<StatusBody>(server.apiUrl, '/pharos/v1/status');
    expect(status.body.stats).toMatchObject({ spanCount: 4, logCount: 1, pointCount: 1 });
    expect(status.body.stats.partitions.some((p) => p.day === utcDay(now - 3 * DAY_MS) || p.day === utcDay(now - 2 * DAY_MS))).toBe(false);

    expect(await stopServer(server)).toEqual({ code: 0, signal: null });
  });

  it('drops whole-day partitions older than --retention at start-up and keeps today', async () => {
    const dataDir = await tempDataDir('pharos-retention-startup-');
    dirs.push(dataDir);
    const now = Date.now();
    const oldMs = now - 3 * DAY_MS;
    const oldDay = utcDay(oldMs);
    const today = utcDay(now);

    // Written straight to the store, as data kept under an earlier, longer retention would be.
    const old = makeTraceSpans('retention-old', oldMs, 2);
    const fresh = makeTraceSpans('retention-new', now, 3);
    const store = await openDuckDbStore({ dataDir });
    try {
      await store.append({
        spans: [...old.spans, ...fresh.spans],
        logs: [makeLogRecord('retention-old', oldMs, 'old log'), makeLogRecord('retention-new', now, 'new log')],
        points: [makeGaugePoint('retention-old', 'retention.direct', oldMs, 1), makeGaugePoint('retention-new', 'retention.direct', now, 2)],
      });
      const before = await store.getStats({ timeoutMs: 10_000 });
      expect(before.partitions.filter((p) => p.day === oldDay).map((p) => p.signal).sort()).toEqual(['logs', 'metrics', 'spans']);
    } finally {
      await store.close();
    }

    const server = await startServer(dataDir, ['--retention', '1d', '--log-level', 'info']);
    const status = await getJson<StatusBody>(server.apiUrl, '/pharos/v1/status');
    expect(status.body.stats.partitions.filter((p) => p.day === oldDay)).toEqual([]);
    expect(status.body.stats.partitions.filter((p) => p.day === today)).toEqual([
      { signal: 'logs', day: today, rowCount: 1 },
      { signal: 'metrics', day: today, rowCount: 1 },
      { signal: 'spans', day: today, rowCount: 3 },
    ]);
    expect(status.body.stats).toMatchObject({ spanCount: 3, logCount: 1, pointCount: 1 });
    expect(server.proc.output()).toMatch(/retention: dropped old partitions/);
    expect(server.proc.output()).toContain(`spans/${oldDay}`);

    const gone = await getJson<{ error: { code: string } }>(server.apiUrl, `/pharos/v1/traces/${old.traceId}`);
    expect(gone).toEqual({ status: 404, body: { error: { code: 'PHAROS_ERR_NOT_FOUND', message: expect.any(String) } } });
    const kept = await getJson<TraceBody>(server.apiUrl, `/pharos/v1/traces/${fresh.traceId}`);
    expect(kept.status).toBe(200);
    expect(spansOf(kept.body)).toHaveLength(3);
    const services = await getJson<{ services: string[] }>(server.apiUrl, '/pharos/v1/services');
    expect(services.body.services).toEqual(['retention-new']);
    const oldLogs = await getJson<{ logs: unknown[] }>(server.apiUrl, `/pharos/v1/logs?start=now-4d&end=now-2d`);
    expect(oldLogs.body.logs).toEqual([]);

    expect(await stopServer(server)).toEqual({ code: 0, signal: null });
    // The drop is durable: the store opened again has no partition of that day.
    const reopened = await openDuckDbStore({ dataDir });
    try {
      const after = await reopened.getStats({ timeoutMs: 10_000 });
      expect(after.partitions.filter((p) => p.day === oldDay)).toEqual([]);
      expect(after.spanCount).toBe(3);
    } finally {
      await reopened.close();
    }
  });
});
