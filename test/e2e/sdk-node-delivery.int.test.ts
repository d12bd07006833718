import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JaegerTrace } from '../../packages/server/src/api/jaeger-api/jaeger-json.js';
import type { LogRecordJson } from '../../packages/server/src/query/index.js';
import { startInProcessPharos, type InProcessPharos } from '../helpers/in-process-pharos.js';
import {
  getJson,
  jaegerTrace,
  jaegerTraces,
  killAllApps,
  otelEnv,
  otlpAttribute,
  parentOf,
  serviceLogs,
  serviceSeries,
  signalAndWait,
  spawnApp,
  startCountingProxy,
  startHttpApp,
  tagOf,
  uniqueService,
  waitForExit,
  waitForFixtureLine,
  type AppExit,
  type AppProcess,
  type CountingProxy,
  type FixtureStats,
} from '../helpers/sdk-node-app.js';

/*
 * What an application buffered reaches Pharos however the process ends: `await shutdown()`
 * then process.exit(0), SIGTERM to an application with no handler of its own (the register
 * hook flushes, then the signal ends the process), and a natural exit. The batch delays are
 * 60 s, so that only the flush at the end can have delivered anything. And pino log records
 * carry the trace and span of the request they were written in, in Pharos and on stdout. An
 * application that keeps serving keeps exporting, over kept-alive connections (whose sockets
 * the SDK leaves unreferenced), with nothing to say on stderr.
 */

/** Spans (a root and its children) and log records each emit-and-end.mjs run writes. */
const ITEMS = 25;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000;

let pharos: InProcessPharos;

interface EndedJob {
  service: string;
  app: AppProcess;
  traceId: string;
  exit: AppExit & { afterSignalMs?: number };
}

/** Runs emit-and-end.mjs with `end` and waits for the process to end (signalling it for `signal`). */
async function runJob(end: 'shutdown' | 'natural' | 'signal'): Promise<EndedJob> {
  const service = uniqueService(`sdk-job-${end}`);
  const app = spawnApp(
    'emit-and-end.mjs',
    otelEnv(pharos.otlpHttpUrl, service, {
      OTEL_BSP_SCHEDULE_DELAY: '60000',
      OTEL_BLRP_SCHEDULE_DELAY: '60000',
      OTEL_METRIC_EXPORT_INTERVAL: '60000',
      FIXTURE_ITEMS: String(ITEMS),
      FIXTURE_END: end,
    }),
  );
  const emitted = await waitForFixtureLine(app, 'emitted');
  let exit: EndedJob['exit'];
  if (end === 'signal') {
    await waitForFixtureLine(app, 'waiting');
    exit = await signalAndWait(app, 'SIGTERM', DEFAULT_SHUTDOWN_TIMEOUT_MS + 10_000);
  } else {
    exit = await waitForExit(app, DEFAULT_SHUTDOWN_TIMEOUT_MS + 10_000);
  }
  return { service, app, traceId: String(emitted.traceId), exit };
}

const jobs: Partial<Record<'shutdown' | 'natural' | 'signal', EndedJob>> = {};
let orders: { app: AppProcess; url: string; service: string };
/** http-app.mjs with the short test delays (100 ms batches, 250 ms metrics), exporting through a proxy that counts connections and requests. */
let serving: { app: AppProcess; url: string; service: string; proxy: CountingProxy };

beforeAll(async () => {
  pharos = await startInProcessPharos();
  const ordersService = uniqueService('sdk-orders');
  const servingService = uniqueService('sdk-serving');
  const proxy = await startCountingProxy(pharos.otlpHttpUrl);
  const [shutdownJob, naturalJob, signalJob, ordersApp, servingApp] = await Promise.all([
    runJob('shutdown'),
    runJob('natural'),
    runJob('signal'),
    startHttpApp('node-http-app.mjs', otelEnv(pharos.otlpHttpUrl, ordersService)),
    startHttpApp('http-app.mjs', otelEnv(proxy.url, servingService)),
  ]);
  Object.assign(jobs, { shutdown: shutdownJob, natural: naturalJob, signal: signalJob });
  orders = { ...ordersApp, service: ordersService };
  serving = { ...servingApp, service: servingService, proxy };
});

afterAll(async () => {
  await killAllApps();
  await serving?.proxy.close();
  await pharos?.stop();
});

/** Waits (bounded) until Pharos holds the job's whole trace and every one of its log records. */
async function readJob(job: EndedJob): Promise<{ trace: JaegerTrace; logs: LogRecordJson[] }> {
  return vi.waitFor(
    async () => {
      const trace = await jaegerTrace(pharos.apiUrl, job.traceId);
      const logs = await serviceLogs(pharos.apiUrl, job.service);
      expect(trace?.spans.length ?? 0).toBeGreaterThanOrEqual(ITEMS);
      expect(logs.length).toBeGreaterThanOrEqual(ITEMS);
      return { trace: trace!, logs };
    },
    { timeout: 10_000, interval: 100 },
  );
}

/** The whole trace and every log record of the job are in Pharos, the logs tied to the root span. */
async function expectEverythingDelivered(job: EndedJob): Promise<void> {
  const { trace, logs } = await readJob(job);
  expect(trace.spans).toHaveLength(ITEMS);
  expect(Object.values(trace.processes).map((p) => p.serviceName)).toEqual([job.service]);
  const root = trace.spans.find((s) => s.operationName === 'batch job');
  expect(root).toBeDefined();
  expect(parentOf(root!)).toBeUndefined();
  const steps = trace.spans.filter((s) => s !== root);
  expect(steps.map((s) => s.operationName).sort()).toEqual(Array.from({ length: ITEMS - 1 }, (_, i) => `step ${i + 1}`).sort());
  for (const step of steps) {
    expect(parentOf(step)).toBe(root!.spanID);
    expect(tagOf(step.tags, 'step.seq')).toBe(Number(step.operationName.slice('step '.length)));
  }

  expect(logs).toHaveLength(ITEMS);
  expect(logs.map((l) => otlpAttribute(l.attributes, 'seq')).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: ITEMS }, (_, i) => i));
  for (const log of logs) {
    expect(log.body).toEqual({ stringValue: `step ${String(otlpAttribute(log.attributes, 'seq'))} done` });
    expect(log.severityText).toBe('info');
    expect([log.traceId, log.spanId]).toEqual([job.traceId, root!.spanID]);
    expect(log.scope.name).toBe('@opentelemetry/instrumentation-pino');
  }
}

function statsLine(job: EndedJob): FixtureStats {
  const line = job.app.jsonLines().find((l) => l.fixture === 'stats');
  if (line === undefined) throw new Error(`no stats line:\n${job.app.stdout()}\n${job.app.stderr()}`);
  return line.stats as FixtureStats;
}

describe('@pharos/node delivers what is buffered when the process ends', () => {
  it('`await shutdown()` then process.exit(0): every span and log record is in Pharos', async () => {
    const job = jobs.shutdown!;
    expect(job.exit).toMatchObject({ code: 0, signal: null });
    expect(job.app.stderr()).toBe('');
    const shutDown = job.app.jsonLines().find((l) => l.fixture === 'shut down');
    expect(Number(shutDown?.shutdownMs)).toBeLessThan(DEFAULT_SHUTDOWN_TIMEOUT_MS);
    const stats = statsLine(job);
    expect(stats.traces).toEqual({ exported: ITEMS, droppedQueueFull: 0, droppedExportFailed: 0 });
    expect(stats.logs).toEqual({ exported: ITEMS, droppedQueueFull: 0, droppedExportFailed: 0 });
    expect(stats.metrics.exported).toBeGreaterThan(0);
    await expectEverythingDelivered(job);
    // The metric reader flushed too: the process metrics of a 60 s interval that never came round.
    const series = await serviceSeries(pharos.apiUrl, job.service);
    expect(series.map((s) => s.metric)).toEqual(expect.arrayContaining(['process.cpu.time', 'process.memory.usage', 'v8js.memory.heap.used']));
  });

  it('SIGTERM to an app with no handler of its own: the register hook flushes, then the signal ends the process', async () => {
    const job = jobs.signal!;
    expect(job.exit.signal).toBe('SIGTERM');
    expect(job.exit.afterSignalMs).toBeLessThan(DEFAULT_SHUTDOWN_TIMEOUT_MS);
    expect(job.app.stderr()).toBe('');
    await expectEverythingDelivered(job);
  });

  it('a natural exit (the event loop empties) flushes', async () => {
    const job = jobs.natural!;
    expect(job.exit).toMatchObject({ code: 0, signal: null });
    expect(job.app.stderr()).toBe('');
    const stats = statsLine(job);
    expect(stats.traces).toEqual({ exported: ITEMS, droppedQueueFull: 0, droppedExportFailed: 0 });
    expect(stats.logs).toEqual({ exported: ITEMS, droppedQueueFull: 0, droppedExportFailed: 0 });
    await expectEverythingDelivered(job);
  });

  it('pino writes the trace_id and span_id of the active span on each stdout line', () => {
    for (const job of Object.values(jobs)) {
      const lines = job.app.jsonLines().filter((l) => typeof l.seq === 'number');
      expect(lines).toHaveLength(ITEMS);
      for (const line of lines) expect(line).toMatchObject({ trace_id: job.traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/), trace_flags: '01' });
      expect(new Set(lines.map((l) => l.span_id)).size).toBe(1);
    }
  });
});

describe('a pino log written in a node:http request handler', () => {
  it('carries the trace id and span id of that request\'s server span, in Pharos and on stdout', async () => {
    const orderId = `order-${Date.now()}`;
    const { status, body } = await getJson<{ orderId: string }>(`${orders.url}/orders/${orderId}`);
    expect([status, body]).toEqual([200, { orderId }]);

    const { log, span } = await vi.waitFor(
      async () => {
        const logs = await serviceLogs(pharos.apiUrl, orders.service);
        const traces = await jaegerTraces(pharos.apiUrl, orders.service);
        const found = logs.find((l) => otlpAttribute(l.attributes, 'orderId') === orderId);
        const server = traces.flatMap((t) => t.spans).find((s) => tagOf(s.tags, 'url.path') === `/orders/${orderId}`);
        expect(found).toBeDefined();
        expect(server).toBeDefined();
        return { log: found!, span: server! };
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(tagOf(span.tags, 'span.kind')).toBe('server');
    expect(span.operationName).toBe('GET');
    expect(parentOf(span)).toBeUndefined();
    expect(log.body).toEqual({ stringValue: 'order looked up' });
    expect([log.traceId, log.spanId]).toEqual([span.traceID, span.spanID]);

    const line = orders.app.jsonLines().find((l) => l.orderId === orderId);
    expect(line).toMatchObject({ msg: 'order looked up', trace_id: span.traceID, span_id: span.spanID, trace_flags: '01' });
    await signalAndWait(orders.app, 'SIGTERM', DEFAULT_SHUTDOWN_TIMEOUT_MS + 5000);
  });
});

describe('an application that keeps serving', () => {
  it('stays up and keeps exporting over kept-alive connections: everything delivered, nothing printed, until it is stopped', async () => {
    const REQUESTS = 40;
    for (let i = 0; i < REQUESTS; i++) {
      const { status, body } = await getJson<{ id: string; name: string }>(`${serving.url}/users/${i}`);
      expect([status, body]).toEqual([200, { id: String(i), name: `user ${i}` }]);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Each request logs twice (middleware and handler), and makes two spans (server and handler).
    const logs = await vi.waitFor(
      async () => {
        const found = await serviceLogs(pharos.apiUrl, serving.service);
        expect(found.length).toBeGreaterThanOrEqual(2 * REQUESTS);
        return found;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(logs).toHaveLength(2 * REQUESTS);
    const stats = await vi.waitFor(
      async () => {
        const answer = (await getJson<{ started: boolean; stats: FixtureStats }>(`${serving.url}/stats`)).body;
        expect(answer.started).toBe(true);
        expect(answer.stats.logs.exported).toBe(2 * REQUESTS);
        expect(answer.stats.traces.exported).toBeGreaterThanOrEqual(2 * REQUESTS);
        return answer.stats;
      },
      { timeout: 10_000, interval: 200 },
    );
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      expect(stats[signal].droppedQueueFull + stats[signal].droppedExportFailed, signal).toBe(0);
    }
    expect(stats.metrics.exported).toBeGreaterThan(0);
    // Many exports (70-odd here: about one a request for spans and for logs, one a 250 ms interval
    // for metrics), over the few connections the agents keep alive and reuse: one a signal, more
    // only if exports overlap. Each socket is reused well beyond the 10 listeners Node warns at.
    const context = JSON.stringify({ connections: serving.proxy.connections(), requests: serving.proxy.requests(), stderr: serving.app.stderr() });
    expect(serving.proxy.requests(), context).toBeGreaterThanOrEqual(40);
    expect(serving.proxy.connections(), context).toBeGreaterThanOrEqual(3);
    expect(serving.proxy.connections(), context).toBeLessThanOrEqual(6);
    // The unreferenced sockets do not end a process that is still serving, and reusing them
    // warns nothing (no listener piled up on a reused socket).
    expect(serving.app.exit()).toBeUndefined();
    expect(serving.app.stderr()).toBe('');
    const end = await signalAndWait(serving.app, 'SIGTERM', DEFAULT_SHUTDOWN_TIMEOUT_MS + 5000);
    expect(end.signal).toBe('SIGTERM');
    expect(end.afterSignalMs).toBeLessThan(DEFAULT_SHUTDOWN_TIMEOUT_MS);
    expect(serving.app.stderr()).toBe('');
  });
});
