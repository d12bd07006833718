import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JaegerSpan, JaegerTrace } from '../../packages/server/src/api/jaeger-api/jaeger-json.js';
import type { MetricPointJson } from '../../packages/server/src/query/index.js';
import { startInProcessPharos, type InProcessPharos } from '../helpers/in-process-pharos.js';
import { REPO_ROOT } from '../helpers/server-process.js';
import {
  SDK_FIXTURES,
  getJson,
  jaegerTrace,
  jaegerTraces,
  killAllApps,
  metricPoints,
  otelEnv,
  otlpAttribute,
  parentOf,
  serviceLogs,
  serviceSeries,
  spawnApp,
  startCountingSink,
  startHttpApp,
  tagOf,
  uniqueService,
  waitForExit,
  type AppProcess,
  type CountingSink,
  type FixtureStats,
} from '../helpers/sdk-node-app.js';

/*
 * What `node --import @pharos/node/register app.mjs` gives an ES-module express app with
 * no telemetry code: server spans named by route, fetch calls as client spans whose trace
 * continues in the called service (two processes, one trace), HTTP and runtime metrics,
 * a resource that says who sent it, and the OTEL_* switches (SDK off, sampler, an
 * instrumentation left out) doing what they say. Everything is read back from Pharos.
 */

const SDK_VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'packages/sdk-node/package.json'), 'utf8')) as { version: string }).version;
const ROOT_VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const VERSIONED_APP = JSON.parse(readFileSync(path.join(SDK_FIXTURES, 'versioned-app/package.json'), 'utf8')) as { name: string; version: string };

interface RunningApp {
  app: AppProcess;
  url: string;
  service: string;
}

let pharos: InProcessPharos;
let sink: CountingSink;
let frontend: RunningApp;
let backend: RunningApp;
let unsampled: RunningApp;
let noExpress: RunningApp;
let disabled: RunningApp;
let versioned: AppProcess;

const FRONTEND_USERS = 5;
const BACKEND_USERS = 3;
const UNSAMPLED_REQUESTS = 4;
const NO_EXPRESS_REQUESTS = 3;
const DISABLED_REQUESTS = 3;

async function startApp(prefix: string, endpoint: string, extra: Record<string, string> = {}): Promise<RunningApp> {
  const service = uniqueService(prefix);
  return { ...(await startHttpApp('http-app.mjs', otelEnv(endpoint, service, extra))), service };
}

async function getUsers(app: RunningApp, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const { status, body } = await getJson<{ id: string }>(`${app.url}/users/${i}`);
    expect([status, body.id]).toEqual([200, String(i)]);
  }
}

let proxied: { status: number; body: unknown };
let requestsDoneAt = 0;

beforeAll(async () => {
  [pharos, sink] = await Promise.all([startInProcessPharos(), startCountingSink()]);
  const otlp = pharos.otlpHttpUrl;
  versioned = spawnApp(path.join(SDK_FIXTURES, 'versioned-app/main.mjs'), otelEnv(otlp, undefined, { FIXTURE_ITEMS: '3', FIXTURE_END: 'natural' }));
  [frontend, backend, unsampled, noExpress, disabled] = await Promise.all([
    startApp('sdk-frontend', otlp),
    startApp('sdk-backend', otlp, { OTEL_RESOURCE_ATTRIBUTES: 'service.version=2.7.1,deployment.environment.name=e2e' }),
    startApp('sdk-unsampled', otlp, { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }),
    startApp('sdk-no-express', otlp, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'express' }),
    startApp('sdk-disabled', sink.url, { OTEL_SDK_DISABLED: 'true' }),
  ]);
  await Promise.all([
    getUsers(frontend, FRONTEND_USERS),
    getUsers(backend, BACKEND_USERS),
    getUsers(unsampled, UNSAMPLED_REQUESTS),
    getUsers(noExpress, NO_EXPRESS_REQUESTS),
    getUsers(disabled, DISABLED_REQUESTS),
  ]);
  const { status, body } = await getJson(`${frontend.url}/proxy/42?downstream=${encodeURIComponent(backend.url)}`);
  proxied = { status, body };
  requestsDoneAt = Date.now();
});

afterAll(async () => {
  await killAllApps();
  await Promise.all([pharos?.stop(), sink?.close()]);
});

/** Polls `read` until it passes its expectations (10 s at most): data takes a batch delay to arrive. */
function eventually<T>(read: () => Promise<T>): Promise<T> {
  return vi.waitFor(read, { timeout: 10_000, interval: 100 });
}

/** The trace id pino wrote on the stdout line whose `path` is `urlPath` (the middleware's line). */
function traceIdOfRequest(app: AppProcess, urlPath: string): string {
  const line = app.jsonLines().find((l) => l.path === urlPath && typeof l.trace_id === 'string');
  if (line === undefined) throw new Error(`no log line for ${urlPath}:\n${app.stdout()}`);
  return String(line.trace_id);
}

async function readTrace(traceId: string, spanCount: number): Promise<JaegerTrace> {
  return eventually(async () => {
    const trace = await jaegerTrace(pharos.apiUrl, traceId);
    expect(trace?.spans).toHaveLength(spanCount);
    return trace!;
  });
}

function serviceOf(trace: JaegerTrace, span: JaegerSpan): string {
  return trace.processes[span.processID].serviceName;
}

/** The newest point of `metric` for `service` with labels `matchers`, once there is one passing `check`. */
async function latestPoint(service: string, metric: string, matchers: string[], check: (p: MetricPointJson) => void = () => undefined): Promise<MetricPointJson> {
  return eventually(async () => {
    const points = await metricPoints(pharos.apiUrl, service, metric, matchers);
    expect(points.length).toBeGreaterThan(0);
    const latest = points[points.length - 1];
    check(latest);
    return latest;
  });
}

describe('auto-instrumentation of an ES-module express app', () => {
  it('names each server span by its route (GET /users/:id, http.route) with the express handler span under it', async () => {
    const trace = await readTrace(traceIdOfRequest(frontend.app, '/users/3'), 2);
    const server = trace.spans.find((s) => tagOf(s.tags, 'span.kind') === 'server')!;
    expect(server.operationName).toBe('GET /users/:id');
    expect(parentOf(server)).toBeUndefined();
    expect(tagOf(server.tags, 'http.route')).toBe('/users/:id');
    expect(tagOf(server.tags, 'http.request.method')).toBe('GET');
    expect(tagOf(server.tags, 'url.path')).toBe('/users/3');
    expect(tagOf(server.tags, 'http.response.status_code')).toBe(200);
    expect(tagOf(server.tags, 'otel.scope.name')).toBe('@opentelemetry/instrumentation-http');
    const handler = trace.spans.find((s) => s !== server)!;
    expect(parentOf(handler)).toBe(server.spanID);
    expect(tagOf(handler.tags, 'otel.scope.name')).toBe('@opentelemetry/instrumentation-express');
    expect(tagOf(handler.tags, 'express.type')).toBe('request_handler');
    expect(tagOf(handler.tags, 'http.route')).toBe('/users/:id');

    // Every request got its trace (the search also returns the proxy trace, whose GET /users/:id is the backend's).
    const userSpans = await eventually(async () => {
      const traces = await jaegerTraces(pharos.apiUrl, frontend.service);
      const spans = traces.flatMap((t) => t.spans.filter((s) => s.operationName === 'GET /users/:id' && serviceOf(t, s) === frontend.service));
      expect(spans).toHaveLength(FRONTEND_USERS);
      return spans;
    });
    expect(userSpans.map((s) => tagOf(s.tags, 'url.path')).sort()).toEqual(Array.from({ length: FRONTEND_USERS }, (_, i) => `/users/${i}`));
  });

  it('follows a fetch to another instrumented service: one trace over two processes, traceparent propagated', async () => {
    expect(proxied).toEqual({ status: 200, body: { via: 'proxy', user: { id: '42', name: 'user 42' } } });
    const trace = await readTrace(traceIdOfRequest(frontend.app, '/proxy/42'), 5);
    expect(Object.values(trace.processes).map((p) => p.serviceName).sort()).toEqual([backend.service, frontend.service].sort());

    const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
    const frontServer = trace.spans.find((s) => s.operationName === 'GET /proxy/:id')!;
    expect(serviceOf(trace, frontServer)).toBe(frontend.service);
    expect(parentOf(frontServer)).toBeUndefined();

    const client = trace.spans.find((s) => tagOf(s.tags, 'span.kind') === 'client')!;
    expect(serviceOf(trace, client)).toBe(frontend.service);
    expect(tagOf(client.tags, 'otel.scope.name')).toBe('@opentelemetry/instrumentation-undici');
    expect(tagOf(client.tags, 'url.full')).toBe(`${backend.url}/users/42`);
    expect(tagOf(client.tags, 'http.request.method')).toBe('GET');
    expect(tagOf(client.tags, 'http.response.status_code')).toBe(200);
    // The client span sits under the frontend's request (its express handler span).
    const clientParent = byId.get(parentOf(client)!)!;
    expect(serviceOf(trace, clientParent)).toBe(frontend.service);
    expect(parentOf(clientParent)).toBe(frontServer.spanID);

    const backServer = trace.spans.find((s) => s.operationName === 'GET /users/:id')!;
    expect(serviceOf(trace, backServer)).toBe(backend.service);
    expect(parentOf(backServer)).toBe(client.spanID);
    expect(tagOf(backServer.tags, 'url.path')).toBe('/users/42');

    // The backend's handler log joins the same trace.
    const backendLog = await eventually(async () => {
      const log = (await serviceLogs(pharos.apiUrl, backend.service)).find((l) => otlpAttribute(l.attributes, 'userId') === '42');
      expect(log).toBeDefined();
      return log!;
    });
    expect(backendLog.traceId).toBe(trace.traceID);
    expect(byId.get(backendLog.spanId)?.operationName).toBe('request handler');
    expect(parentOf(byId.get(backendLog.spanId)!)).toBe(backServer.spanID);
  });

  it('ties each pino log to the span active where it was written: the server span in middleware, the handler span in the handler', async () => {
    const traceId = traceIdOfRequest(frontend.app, '/users/1');
    const trace = await readTrace(traceId, 2);
    const server = trace.spans.find((s) => tagOf(s.tags, 'span.kind') === 'server')!;
    const handler = trace.spans.find((s) => s !== server)!;
    const lines = frontend.app.jsonLines().filter((l) => l.trace_id === traceId);
    expect(lines.map((l) => [l.msg, l.span_id])).toEqual([
      ['request received', server.spanID],
      ['loading user', handler.spanID],
    ]);
    const logs = await eventually(async () => {
      const found = (await serviceLogs(pharos.apiUrl, frontend.service)).filter((l) => l.traceId === traceId);
      expect(found).toHaveLength(2);
      return found;
    });
    expect(logs.map((l) => [(l.body as { stringValue: string }).stringValue, l.spanId]).sort()).toEqual([
      ['loading user', handler.spanID],
      ['request received', server.spanID],
    ]);
  });
});

describe('metrics', () => {
  it('http.server.request.duration: a histogram per route, counting every request', async () => {
    const users = await latestPoint(frontend.service, 'http.server.request.duration', ['http.route=/users/:id'], (p) => {
      expect(p.kind === 'histogram' && p.count).toBe(FRONTEND_USERS);
    });
    expect(users.metric).toMatchObject({ type: 'histogram', unit: 's', aggregationTemporality: 2 });
    expect(users.labels).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': '200', 'url.scheme': 'http' });
    await latestPoint(frontend.service, 'http.server.request.duration', ['http.route=/proxy/:id'], (p) => expect(p.kind === 'histogram' && p.count).toBe(1));
    await latestPoint(backend.service, 'http.server.request.duration', ['http.route=/users/:id'], (p) => expect(p.kind === 'histogram' && p.count).toBe(BACKEND_USERS + 1));
  });

  it('http.client.request.duration: the outgoing fetch, by server address and port', async () => {
    const port = new URL(backend.url).port;
    const point = await latestPoint(frontend.service, 'http.client.request.duration', ['server.address=127.0.0.1', `server.port=${port}`], (p) => {
      expect(p.kind === 'histogram' && p.count).toBe(1);
    });
    expect(point.metric).toMatchObject({ type: 'histogram', unit: 's' });
    expect(point.labels).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': '200' });
  });

  it("http.client.request.duration leaves out the SDK's own OTLP exports, and still measures the application's fetch", async () => {
    const otlpPort = new URL(pharos.otlpHttpUrl).port;
    const backendPort = new URL(backend.url).port;
    const exporting = [frontend, backend, unsampled, noExpress];
    // Two more metric exports from every app: each had, by then, sent OTLP requests (a metric
    // export is one) whose durations the next collection would have carried.
    const pointsOf = (app: RunningApp) => metricPoints(pharos.apiUrl, app.service, 'process.cpu.time', ['cpu.mode=user']).then((p) => p.length);
    const before = await Promise.all(exporting.map(pointsOf));
    await eventually(async () => {
      const now = await Promise.all(exporting.map(pointsOf));
      for (const [i, count] of now.entries()) expect(count, exporting[i].service).toBeGreaterThanOrEqual(before[i] + 2);
    });

    const frontendSeries = await serviceSeries(pharos.apiUrl, frontend.service, 'http.client.request.duration');
    expect(frontendSeries.map((s) => s.labels['server.port'])).toContain(backendPort);
    for (const app of exporting) {
      const series = app === frontend ? frontendSeries : await serviceSeries(pharos.apiUrl, app.service, 'http.client.request.duration');
      const ports = series.map((s) => s.labels['server.port']);
      expect(ports, app.service).not.toContain(otlpPort);
      // The frontend's one outgoing request (the fetch to the backend) is the only one measured.
      expect(ports, app.service).toEqual(app === frontend ? [backendPort] : []);
    }
  });

  it('runtime and process metrics: event loop delay, heap, CPU time, memory', async () => {
    const expected = ['nodejs.eventloop.delay.p99', 'nodejs.eventloop.utilization', 'v8js.memory.heap.used', 'process.cpu.time', 'process.cpu.utilization', 'process.memory.usage'];
    const series = await eventually(async () => {
      const found = await serviceSeries(pharos.apiUrl, frontend.service);
      expect(found.map((s) => s.metric)).toEqual(expect.arrayContaining(expected));
      return found;
    });
    expect(series.filter((s) => s.metric === 'process.cpu.time').map((s) => s.labels['cpu.mode']).sort()).toEqual(['system', 'user']);
    expect(series.filter((s) => s.metric === 'v8js.memory.heap.used').map((s) => s.labels['v8js.heap.space.name'])).toContain('old_space');

    const rss = await latestPoint(frontend.service, 'process.memory.usage', []);
    expect(rss.metric).toMatchObject({ type: 'sum', unit: 'By' });
    expect(rss.kind === 'number' && Number(rss.value)).toBeGreaterThan(20e6);
    expect(rss.kind === 'number' && Number(rss.value)).toBeLessThan(2e9);
    const cpu = await latestPoint(frontend.service, 'process.cpu.time', ['cpu.mode=user']);
    expect(cpu.metric).toMatchObject({ type: 'sum', unit: 's', isMonotonic: true });
    expect(cpu.kind === 'number' && Number(cpu.value)).toBeGreaterThan(0);
    const heap = await latestPoint(frontend.service, 'v8js.memory.heap.used', ['v8js.heap.space.name=old_space']);
    expect(heap.kind === 'number' && Number(heap.value)).toBeGreaterThan(1e6);
    const delay = await latestPoint(frontend.service, 'nodejs.eventloop.delay.p99', []);
    expect(delay.metric.unit).toBe('s');
    expect(delay.kind === 'number' && Number(delay.value)).toBeGreaterThan(0);
    expect(delay.kind === 'number' && Number(delay.value)).toBeLessThan(5);
  });
});

describe('resource', () => {
  it('says who sent the data: service name and version (OTEL_RESOURCE_ATTRIBUTES), host, process, the distro', async () => {
    const trace = await readTrace(traceIdOfRequest(backend.app, '/users/0'), 2);
    const [process] = Object.values(trace.processes);
    const pid = backend.app.pid;
    expect(process.serviceName).toBe(backend.service);
    const tags = Object.fromEntries(process.tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({
      'service.version': '2.7.1',
      'deployment.environment.name': 'e2e',
      'host.name': os.hostname(),
      'process.pid': pid,
      'process.runtime.name': 'nodejs',
      'telemetry.distro.name': '@pharos/node',
      'telemetry.distro.version': SDK_VERSION,
      'telemetry.sdk.language': 'nodejs',
    });
    // Logs carry the same resource.
    const logs = await eventually(async () => {
      const found = await serviceLogs(pharos.apiUrl, backend.service);
      expect(found.length).toBeGreaterThan(0);
      return found;
    });
    expect(otlpAttribute(logs[0].resource.attributes, 'service.version')).toBe('2.7.1');
    expect(otlpAttribute(logs[0].resource.attributes, 'process.pid')).toBe(pid);
    expect(otlpAttribute(logs[0].resource.attributes, 'telemetry.distro.name')).toBe('@pharos/node');
  });

  it('without OTEL_RESOURCE_ATTRIBUTES, service.version is the nearest package.json\'s; OTEL_SERVICE_NAME still names the service', async () => {
    // http-app.mjs's nearest package.json is the repository's own.
    const trace = await readTrace(traceIdOfRequest(frontend.app, '/users/2'), 2);
    const [process] = Object.values(trace.processes);
    expect(process.serviceName).toBe(frontend.service);
    expect(tagOf(process.tags, 'service.version')).toBe(ROOT_VERSION);
  });

  it('without OTEL_SERVICE_NAME, the app\'s own package.json names the service and its version', async () => {
    const exit = await waitForExit(versioned, 15_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    const traces = await eventually(async () => {
      const found = await jaegerTraces(pharos.apiUrl, VERSIONED_APP.name);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(traces[0].spans).toHaveLength(3);
    const [process] = Object.values(traces[0].processes);
    expect(process.serviceName).toBe(VERSIONED_APP.name);
    expect(tagOf(process.tags, 'service.version')).toBe(VERSIONED_APP.version);
    const logs = await serviceLogs(pharos.apiUrl, VERSIONED_APP.name);
    expect(logs).toHaveLength(3);
    expect(otlpAttribute(logs[0].resource.attributes, 'service.version')).toBe(VERSIONED_APP.version);
  });
});

describe('OTEL_* switches', () => {
  it('OTEL_SDK_DISABLED=true: the app works, nothing is instrumented and nothing is sent', async () => {
    const { body } = await getJson<{ started: boolean; stats: FixtureStats }>(`${disabled.url}/stats`);
    const zero = { exported: 0, droppedQueueFull: 0, droppedExportFailed: 0 };
    expect(body).toEqual({ started: false, stats: { traces: zero, metrics: zero, logs: zero } });
    const lines = disabled.app.jsonLines().filter((l) => typeof l.msg === 'string');
    expect(lines).toHaveLength(2 * DISABLED_REQUESTS);
    for (const line of lines) expect(line).not.toHaveProperty('trace_id');
    // Several batch delays and metric intervals (100 ms, 250 ms) after the requests: not one export.
    await new Promise((r) => setTimeout(r, Math.max(0, requestsDoneAt + 1500 - Date.now())));
    expect(sink.requests()).toEqual([]);
    expect(disabled.app.stderr()).toBe('');
  });

  it('OTEL_TRACES_SAMPLER=traceidratio with ratio 0: no spans, but logs and metrics still flow', async () => {
    const logs = await eventually(async () => {
      const found = await serviceLogs(pharos.apiUrl, unsampled.service);
      expect(found).toHaveLength(2 * UNSAMPLED_REQUESTS);
      return found;
    });
    expect(logs.filter((l) => (l.body as { stringValue?: string }).stringValue === 'loading user')).toHaveLength(UNSAMPLED_REQUESTS);
    await latestPoint(unsampled.service, 'http.server.request.duration', ['http.route=/users/:id'], (p) => expect(p.kind === 'histogram' && p.count).toBe(UNSAMPLED_REQUESTS));
    // The logs and metrics came through the same exporter cadence as spans would have.
    expect(await jaegerTraces(pharos.apiUrl, unsampled.service)).toEqual([]);
    const { body } = await getJson<{ stats: FixtureStats }>(`${unsampled.url}/stats`);
    // Unsampled spans are not drops.
    expect(body.stats.traces).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: 0 });
    expect(body.stats.logs.exported).toBe(2 * UNSAMPLED_REQUESTS);
  });

  it('OTEL_NODE_DISABLED_INSTRUMENTATIONS=express: server spans only, no express handler spans', async () => {
    const traces = await eventually(async () => {
      const found = await jaegerTraces(pharos.apiUrl, noExpress.service);
      expect(found).toHaveLength(NO_EXPRESS_REQUESTS);
      return found;
    });
    for (const trace of traces) {
      expect(trace.spans).toHaveLength(1);
      const [span] = trace.spans;
      expect(tagOf(span.tags, 'span.kind')).toBe('server');
      expect(tagOf(span.tags, 'otel.scope.name')).toBe('@opentelemetry/instrumentation-http');
      // Without express's instrumentation nobody tells the HTTP span its route.
      expect(span.operationName).toBe('GET');
      expect(tagOf(span.tags, 'http.route')).toBeUndefined();
    }
    // pino is still instrumented: the handler's log is tied to the server span.
    const logs = await eventually(async () => {
      const found = await serviceLogs(pharos.apiUrl, noExpress.service);
      expect(found).toHaveLength(2 * NO_EXPRESS_REQUESTS);
      return found;
    });
    const spanIds = new Set(traces.map((t) => t.spans[0].spanID));
    for (const log of logs) expect(spanIds.has(log.spanId)).toBe(true);
    expect(noExpress.app.stderr()).toBe('');
  });
});
