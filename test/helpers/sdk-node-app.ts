import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { JaegerKeyValue, JaegerResponse, JaegerSpan, JaegerTrace } from '../../packages/server/src/api/jaeger-api/jaeger-json.js';
import type { LogRecordJson, MetricPointJson, MetricSeriesJson } from '../../packages/server/src/query/index.js';
import { fetchJson, queryString } from './in-process-pharos.js';
import { REPO_ROOT, freePort } from './server-process.js';

/**
 * Support for the @pharos/node end-to-end tests: runs the small applications under
 * test/fixtures/sdk-node as child processes, the way a user runs a service
 * (`node --import @pharos/node/register app.mjs`, from the repository root so that
 * `@pharos/node` resolves through the workspace link to packages/sdk-node/dist), with an
 * environment holding no inherited OTEL_* variable; and reads back what reached Pharos.
 */

export const SDK_FIXTURES = path.join(REPO_ROOT, 'test/fixtures/sdk-node');

/** How a child process ended: its exit code, or the signal that ended it. */
export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Wall time from spawn to exit, in ms. */
  elapsedMs: number;
}

export interface AppProcess {
  child: ChildProcess;
  pid: number;
  /** What the process printed so far. */
  stdout(): string;
  stderr(): string;
  /** Every stdout line that parses as a JSON object (pino lines and the fixtures' own `{ fixture: ... }` lines). */
  jsonLines(): Record<string, unknown>[];
  /** Settles when the process has exited and closed its output. */
  closed: Promise<AppExit>;
  /** The process's exit, once it is known (for checks that must not wait). */
  exit(): AppExit | undefined;
}

export interface SpawnAppOptions {
  /** Start the SDK with `--import @pharos/node/register` (default true). */
  sdk?: boolean;
  /** More node flags, before the script (e.g. `--expose-gc`). */
  nodeArgs?: string[];
}

const running = new Set<AppProcess>();

/**
 * The parent environment without OTEL_*, PHAROS_* and NODE_OPTIONS (so that nothing of the
 * test runner's own configuration leaks into the application), plus `extra`.
 */
export function appEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('OTEL_') || key.startsWith('PHAROS_') || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * OTEL_* settings for a test application sending to `endpoint` as `serviceName`: short
 * batch delays and metric interval so that data arrives within a fraction of a second.
 * `extra` overrides any of them.
 */
export function otelEnv(endpoint: string, serviceName: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    ...(serviceName === undefined ? {} : { OTEL_SERVICE_NAME: serviceName }),
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_BLRP_SCHEDULE_DELAY: '100',
    OTEL_METRIC_EXPORT_INTERVAL: '250',
    ...extra,
  };
}

/** A service name no other test uses: `<prefix>-<8 hex>`. */
export function uniqueService(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Spawns `node [--import @pharos/node/register] <fixture>` from the repository root, in its own process group. */
export function spawnApp(fixture: string, env: Record<string, string>, options: SpawnAppOptions = {}): AppProcess {
  const script = path.isAbsolute(fixture) ? fixture : path.join(SDK_FIXTURES, fixture);
  const args = [...(options.sdk === false ? [] : ['--import', '@pharos/node/register']), ...(options.nodeArgs ?? []), script];
  const startedAt = Date.now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: appEnv(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not spawn ${script}`);
  let stdout = '';
  let stderr = '';
  let ended: AppExit | undefined;
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.once('exit', (code, signal) => (ended = { code, signal, elapsedMs: Date.now() - startedAt }));
  const closed = new Promise<AppExit>((resolve) => child.once('close', (code, signal) => resolve(ended ?? { code, signal, elapsedMs: Date.now() - startedAt })));
  const app: AppProcess = {
    child,
    pid: child.pid,
    stdout: () => stdout,
    stderr: () => stderr,
    jsonLines: () => parseJsonLines(stdout),
    closed,
    exit: () => ended,
  };
  running.add(app);
  void closed.then(() => running.delete(app));
  return app;
}

function parseJsonLines(text: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partly written line: the next read has it whole
    }
  }
  return lines;
}

/** The first `{ fixture: event, ... }` line `app` printed, waiting for it at most `timeoutMs`; fails early if the app ends. */
export async function waitForFixtureLine(app: AppProcess, event: string, timeoutMs = 15_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = app.jsonLines().find((l) => l.fixture === event);
    if (line !== undefined) return line;
    const ended = app.exit();
    if (ended !== undefined) {
      // give the pipe a moment to deliver the rest of the output
      await app.closed;
      const late = app.jsonLines().find((l) => l.fixture === event);
      if (late !== undefined) return late;
      throw new Error(`the app ended (${JSON.stringify(ended)}) before printing "${event}":\n${app.stdout()}\n${app.stderr()}`);
    }
    if (Date.now() > deadline) throw new Error(`the app did not print "${event}" within ${timeoutMs} ms:\n${app.stdout()}\n${app.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts `fixture` and waits for its `{ fixture: 'listening', port }` line; returns the app and its base URL. */
export async function startHttpApp(fixture: string, env: Record<string, string>, options: SpawnAppOptions = {}): Promise<{ app: AppProcess; url: string }> {
  const app = spawnApp(fixture, env, options);
  const line = await waitForFixtureLine(app, 'listening');
  return { app, url: `http://127.0.0.1:${String(line.port)}` };
}

/** Resolves with how `app` ended, or rejects after `timeoutMs` (the caller's afterAll kills it). */
export async function waitForExit(app: AppProcess, timeoutMs: number): Promise<AppExit> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      app.closed,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`the app did not end within ${timeoutMs} ms:\n${app.stdout()}\n${app.stderr()}`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends `signal` to `app` (the process itself, not its group) and waits, bounded, for it to end. */
export async function signalAndWait(app: AppProcess, signal: NodeJS.Signals, timeoutMs: number): Promise<AppExit & { afterSignalMs: number }> {
  const sentAt = Date.now();
  app.child.kill(signal);
  const ended = await waitForExit(app, timeoutMs);
  return { ...ended, afterSignalMs: Date.now() - sentAt };
}

/** SIGKILLs every app spawned here that has not ended, and waits for them. For afterAll. */
export async function killAllApps(): Promise<void> {
  const apps = [...running];
  for (const app of apps) {
    try {
      process.kill(-app.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.all(apps.map((app) => waitForExit(app, 10_000).catch(() => undefined)));
}

/** GETs `url` and returns the status, the parsed JSON body and the time it took in ms. */
export async function getJson<T>(url: string): Promise<{ status: number; body: T; elapsedMs: number }> {
  const startedAt = performance.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  const elapsedMs = performance.now() - startedAt;
  try {
    return { status: response.status, body: JSON.parse(text) as T, elapsedMs };
  } catch {
    throw new Error(`GET ${url}: ${response.status}, not JSON: ${text}`);
  }
}

/** A TCP server that accepts connections, reads and discards everything, and never answers. */
export interface BlackHole {
  port: number;
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startBlackHole(): Promise<BlackHole> {
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
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP proxy in front of `targetUrl`'s host and port that counts the connections and the HTTP requests through it. */
export interface CountingProxy {
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** HTTP requests sent through it so far (request lines `POST /v1/...`). */
  requests(): number;
  close(): Promise<void>;
}

export async function startCountingProxy(targetUrl: string): Promise<CountingProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let requests = 0;
  const REQUEST_LINE = 'POST /v1/';
  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    // Each request line, even one split across chunks: search each chunk with the end of the last.
    let tail = '';
    client.on('data', (chunk: Buffer) => {
      const text = tail + chunk.toString('latin1');
      requests += text.split(REQUEST_LINE).length - 1;
      tail = text.slice(-(REQUEST_LINE.length - 1));
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections: () => connections,
    requests: () => requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port nothing listens on (best effort: it was free a moment ago). */
export async function closedPort(): Promise<number> {
  return freePort();
}

/** An HTTP server that answers 200 to everything and counts the requests, by path. */
export interface CountingSink {
  url: string;
  requests(): string[];
  close(): Promise<void>;
}

export async function startCountingSink(): Promise<CountingSink> {
  const seen: string[] = [];
  const server = http.createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => [...seen],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every trace of `service` in the Jaeger API (up to `limit`), over the last hour. */
export async function jaegerTraces(apiUrl: string, service: string, limit = 100): Promise<JaegerTrace[]> {
  return (await fetchJson<JaegerResponse<JaegerTrace[]>>(apiUrl, `/api/traces?${queryString({ service, limit, lookback: '1h' })}`)).body.data;
}

/** One trace by id in the Jaeger API; undefined when Pharos does not have it (404). */
export async function jaegerTrace(apiUrl: string, traceId: string): Promise<JaegerTrace | undefined> {
  const response = await fetch(`${apiUrl}/api/traces/${traceId}`, { signal: AbortSignal.timeout(10_000) });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET /api/traces/${traceId}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as JaegerResponse<JaegerTrace[]>).data[0];
}

/** The log records of `service` (newest first, up to 1000). */
export async function serviceLogs(apiUrl: string, service: string): Promise<LogRecordJson[]> {
  return (await fetchJson<{ logs: LogRecordJson[] }>(apiUrl, `/pharos/v1/logs?${queryString({ service, limit: 1000 })}`)).body.logs;
}

/** The metric series of `service` (`metric` narrows them to one metric). */
export async function serviceSeries(apiUrl: string, service: string, metric?: string): Promise<MetricSeriesJson[]> {
  const params = { match: `service.name=${service}`, ...(metric === undefined ? {} : { metric }) };
  return (await fetchJson<{ series: MetricSeriesJson[] }>(apiUrl, `/pharos/v1/metrics/series?${queryString(params)}`)).body.series;
}

/** The points of `metric` for `service` whose labels match every `matchers` entry (`key=value`), oldest first. */
export async function metricPoints(apiUrl: string, service: string, metric: string, matchers: string[] = []): Promise<MetricPointJson[]> {
  const params = { metric, match: [`service.name=${service}`, ...matchers], limit: 10_000 };
  return (await fetchJson<{ points: MetricPointJson[] }>(apiUrl, `/pharos/v1/metrics/points?${queryString(params)}`)).body.points;
}

/** A Jaeger tag's value by key (undefined when absent). */
export function tagOf(tags: JaegerKeyValue[], key: string): string | number | boolean | undefined {
  return tags.find((t) => t.key === key)?.value;
}

/** The span's parent span id (its CHILD_OF reference), or undefined for a root. */
export function parentOf(span: JaegerSpan): string | undefined {
  return span.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
}

/** The value of the attribute `key` in an OTLP/JSON attribute list, unwrapped (intValue as a number); undefined when absent. */
export function otlpAttribute(attributes: Array<{ key: string; value: unknown }>, key: string): unknown {
  const value = attributes.find((a) => a.key === key)?.value as Record<string, unknown> | undefined;
  if (value === undefined) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('boolValue' in value) return value.boolValue;
  return value;
}

/** The shape of @pharos/node's telemetryStats(), as the fixtures print or serve it. */
export interface FixtureStats {
  traces: { exported: number; droppedQueueFull: number; droppedExportFailed: number };
  metrics: { exported: number; droppedQueueFull: number; droppedExportFailed: number };
  logs: { exported: number; droppedQueueFull: number; droppedExportFailed: number };
}

/** The `p`-quantile (0..1) of `values`, nearest rank. */
export function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
