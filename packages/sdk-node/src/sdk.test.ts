import http from 'node:http';
import net from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSdk } from './sdk.js';
import { INSTRUMENTATION_NAMES } from './settings.js';

/*
 * startSdk's stop(): the whole pipeline (bound processors, batch processors, counting OTLP
 * exporters, metric reader) against an endpoint that never answers and one that does. A stop
 * that times out counts everything still queued or being exported as dropped, prints it in the
 * final counts, and nothing the shutdown does afterwards changes the counts. Telemetry is made
 * through the global API, as an application does; no instrumentation is loaded.
 */

const SPANS = 7;
const RECORDS = 5;
/** The OTLP exporters' own timeout here: a black-holed export fails this long after it starts, after stop() gave up. */
const EXPORTER_TIMEOUT_MS = 1000;
const STOP_TIMEOUT_MS = 300;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  // NodeSDK registers the global providers and never unregisters them.
  trace.disable();
  metrics.disable();
  logs.disable();
  context.disable();
  propagation.disable();
  vi.unstubAllEnvs();
});

/**
 * Starts the SDK against `endpoint`, exports held back (60 s delays) so that only the stop sends
 * anything (`env` adds OTEL_* settings), and ends `spans` spans and writes RECORDS log records.
 */
function start(endpoint: string, { spans = SPANS, env = {} }: { spans?: number; env?: Record<string, string> } = {}) {
  vi.stubEnv('OTEL_EXPORTER_OTLP_TIMEOUT', String(EXPORTER_TIMEOUT_MS));
  const warnings: string[] = [];
  const sdk = startSdk(
    {
      endpoint,
      serviceName: 'sdk-stop-test',
      metricExportIntervalMs: 60_000,
      disabledInstrumentations: [...INSTRUMENTATION_NAMES],
      warn: (message) => warnings.push(message),
    },
    { OTEL_BSP_SCHEDULE_DELAY: '60000', OTEL_BLRP_SCHEDULE_DELAY: '60000', ...env },
  );
  let stopped: Promise<boolean> | undefined;
  cleanups.push(async () => {
    // Let a shutdown the test gave up on end before the next test (bounded by the exporter timeout).
    await (stopped ?? sdk.stop(5000));
    await new Promise((resolve) => setTimeout(resolve, EXPORTER_TIMEOUT_MS + 200));
  });
  const tracer = trace.getTracer('sdk-stop-test');
  const logger = logs.getLogger('sdk-stop-test');
  for (let i = 0; i < spans; i++) tracer.startSpan(`work ${i}`).end();
  for (let i = 0; i < RECORDS; i++) logger.emit({ body: `record ${i}` });
  return {
    sdk,
    warnings,
    stop: (timeoutMs: number) => (stopped = sdk.stop(timeoutMs)),
  };
}

/** Accepts connections and never answers; `open()` is the connections not yet closed by the client. */
async function startBlackHole(): Promise<{ url: string; accepted: () => number; open: () => number }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, accepted: () => accepted, open: () => sockets.size };
}

/** Answers 200 to every request and records `METHOD path`. */
async function startSink(): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, requests };
}

const finalLine = (count: number, unit: string) => `@pharos/node: ${count} ${unit} dropped in all (0 because the export queue was full, ${count} because exports failed or had not finished at shutdown).`;

describe('startSdk: stop()', () => {
  it('timing out against an endpoint that never answers: counts every span, log record and metric point still being exported as dropped, and prints it', async () => {
    const hole = await startBlackHole();
    const { sdk, warnings, stop } = start(hole.url);
    const startedAt = performance.now();
    expect(await stop(STOP_TIMEOUT_MS)).toBe(false);
    const stopMs = performance.now() - startedAt;
    expect(stopMs).toBeGreaterThanOrEqual(STOP_TIMEOUT_MS - 5);
    expect(stopMs).toBeLessThan(STOP_TIMEOUT_MS + 500);

    const { traces, logs: records, metrics: points } = sdk.ledger.stats;
    expect(traces).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: SPANS });
    expect(records).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: RECORDS });
    // The metric reader's last collection (the process metrics), its export hung.
    expect(points.exported).toBe(0);
    expect(points.droppedQueueFull).toBe(0);
    expect(points.droppedExportFailed).toBeGreaterThan(0);
    // No export had failed yet: the final counts are the only lines, one per signal.
    expect(warnings).toEqual([finalLine(SPANS, 'spans'), finalLine(points.droppedExportFailed, 'metric points'), finalLine(RECORDS, 'log records')]);

    // The shutdown goes on: each export fails at its own timeout, its request closed. Those late
    // failures change no count and print nothing.
    const counted = structuredClone(sdk.ledger.stats);
    await vi.waitFor(
      () => {
        expect(hole.accepted()).toBeGreaterThanOrEqual(3);
        expect(hole.open()).toBe(0);
      },
      { timeout: EXPORTER_TIMEOUT_MS + 3000, interval: 50 },
    );
    await nextTurn();
    expect(sdk.ledger.stats).toEqual(counted);
    expect(warnings).toHaveLength(3);
  });

  it('failing early (a batch refused at once) while other batches are still being sent: waits for them within the timeout, and counts those that had not ended', async () => {
    const hole = await startBlackHole();
    // One span per batch: at the stop, 40 exports at once, beyond the OTLP exporter's 30 in
    // flight. The first 30 hang, the other 10 fail at once, and with them the batch processor's shutdown.
    const { sdk, warnings, stop } = start(hole.url, { spans: 40, env: { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1' } });
    const startedAt = performance.now();
    expect(await stop(STOP_TIMEOUT_MS)).toBe(false);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(STOP_TIMEOUT_MS - 5);
    expect(sdk.ledger.stats.traces).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: 40 });
    expect(sdk.ledger.stats.logs).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: RECORDS });
    const points = sdk.ledger.stats.metrics.droppedExportFailed;
    expect(warnings).toEqual([
      `@pharos/node: could not send 1 spans to ${hole.url}/v1/traces: Concurrent export limit reached; 1 spans dropped so far. The application is not affected.`,
      finalLine(40, 'spans'),
      finalLine(points, 'metric points'),
      finalLine(RECORDS, 'log records'),
    ]);
  });

  it('in time against an endpoint that answers: everything exported, nothing counted as dropped, nothing printed', async () => {
    const sink = await startSink();
    const { sdk, warnings, stop } = start(sink.url);
    expect(await stop(5000)).toBe(true);
    const { traces, logs: records, metrics: points } = sdk.ledger.stats;
    expect(traces).toEqual({ exported: SPANS, droppedQueueFull: 0, droppedExportFailed: 0 });
    expect(records).toEqual({ exported: RECORDS, droppedQueueFull: 0, droppedExportFailed: 0 });
    expect(points.exported).toBeGreaterThan(0);
    expect(points.droppedQueueFull + points.droppedExportFailed).toBe(0);
    expect(warnings).toEqual([]);
    expect([...sink.requests].sort()).toEqual(['POST /v1/logs', 'POST /v1/metrics', 'POST /v1/traces']);
  });
});
