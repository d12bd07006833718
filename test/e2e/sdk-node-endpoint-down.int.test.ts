import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  getJson,
  killAllApps,
  otelEnv,
  quantile,
  signalAndWait,
  spawnApp,
  startBlackHole,
  startHttpApp,
  uniqueService,
  waitForExit,
  waitForFixtureLine,
  type AppProcess,
  type BlackHole,
  type FixtureStats,
} from '../helpers/sdk-node-app.js';

/*
 * @pharos/node must never hurt the application it instruments. Here the telemetry
 * endpoint is down, in the two ways it can be: a closed port (connection refused at once)
 * and a "black hole" that accepts connections and never answers. The same express app runs
 * with the SDK against each, and without the SDK as the reference: it must answer the same,
 * as fast, warn once per signal on stderr, count what it dropped, and stop in bounded time.
 * A flood of spans against the black hole shows the queue bound: drops are counted, memory
 * stays flat and the application is never held up.
 *
 * OTEL_EXPORTER_OTLP_TIMEOUT=1000 (default 10 s) lets an export fail within the test's time.
 */

const WARMUP_ROUNDS = 20;
const MEASURED_ROUNDS = 150;
const ROUNDS = WARMUP_ROUNDS + MEASURED_ROUNDS;
/** The SDK's default shutdown timeout (index.ts), which bounds the register hook's flush on SIGTERM. */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000;
const WARNING_TAIL = 'The application is not affected.';

interface StatsAnswer {
  started: boolean;
  stats: FixtureStats;
}

interface AppUnderTest {
  name: 'no SDK' | 'refused' | 'black hole';
  app: AppProcess;
  url: string;
  /** The OTLP base URL the SDK sends to (undefined without the SDK). */
  endpoint?: string;
  latenciesMs: number[];
}

let blackHole: BlackHole;
let refusedEndpoint: string;
const apps: AppUnderTest[] = [];

interface FloodReport {
  spans: number;
  stats: FixtureStats;
  heapGrowthBytes: number;
  rssGrowthBytes: number;
  floodMs: number;
  slowestTurnMs: number;
  loopDelayMaxMs: number;
  shutdownMs: number;
}
const FLOOD_SPANS = 20_000;
/** span-flood.mjs ends this many spans before it measures (outside the flood). */
const FLOOD_WARMUP_SPANS = 100;
const FLOOD_QUEUE = 500;
const FLOOD_SHUTDOWN_MS = 1000;
let shortJob: AppProcess;
let badUrlJob: AppProcess;
const SHORT_JOB_ITEMS = 25;
let bounded: { app: AppProcess; report: FloodReport };
let unbounded: { app: AppProcess; report: FloodReport };

async function runFlood(maxQueueSize: number): Promise<{ app: AppProcess; report: FloodReport }> {
  const app = spawnApp(
    'span-flood.mjs',
    otelEnv(blackHole.url, uniqueService('sdk-flood'), {
      OTEL_BSP_MAX_QUEUE_SIZE: String(maxQueueSize),
      // The default 1 s delay and 10 s export timeout: exports hang for the whole test.
      OTEL_BSP_SCHEDULE_DELAY: '1000',
      OTEL_METRIC_EXPORT_INTERVAL: '60000',
      FIXTURE_SPANS: String(FLOOD_SPANS),
      FIXTURE_SHUTDOWN_MS: String(FLOOD_SHUTDOWN_MS),
    }),
    { nodeArgs: ['--expose-gc', '--max-semi-space-size=1'] },
  );
  const line = await waitForFixtureLine(app, 'flooded', 30_000);
  return { app, report: line as unknown as FloodReport };
}

beforeAll(async () => {
  blackHole = await startBlackHole();
  refusedEndpoint = `http://127.0.0.1:${await closedPort()}`;
  const sdkEnv = (endpoint: string, prefix: string) => otelEnv(endpoint, uniqueService(prefix), { OTEL_EXPORTER_OTLP_TIMEOUT: '1000' });
  const floods = Promise.all([runFlood(FLOOD_QUEUE), runFlood(FLOOD_SPANS + 10_000)]);
  shortJob = spawnApp('emit-and-end.mjs', { ...sdkEnv(blackHole.url, 'sdk-short-job'), FIXTURE_ITEMS: String(SHORT_JOB_ITEMS), FIXTURE_END: 'natural' });
  badUrlJob = spawnApp('emit-and-end.mjs', { ...sdkEnv('not a url', 'sdk-bad-url'), FIXTURE_END: 'shutdown' });
  const started = await Promise.all([
    startHttpApp('http-app.mjs', {}, { sdk: false }),
    startHttpApp('http-app.mjs', sdkEnv(refusedEndpoint, 'sdk-refused')),
    startHttpApp('http-app.mjs', sdkEnv(blackHole.url, 'sdk-black-hole')),
  ]);
  apps.push(
    { name: 'no SDK', ...started[0], latenciesMs: [] },
    { name: 'refused', ...started[1], endpoint: refusedEndpoint, latenciesMs: [] },
    { name: 'black hole', ...started[2], endpoint: blackHole.url, latenciesMs: [] },
  );
  [bounded, unbounded] = await floods;
});

afterAll(async () => {
  await killAllApps();
  await blackHole?.close();
});

describe('an express app whose telemetry endpoint is down', () => {
  it('answers every request correctly, and as fast as the same app without the SDK', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved, so that whatever else loads the machine weighs on every app alike.
      for (const target of round % 2 === 0 ? apps : [...apps].reverse()) {
        const { status, body, elapsedMs } = await getJson<{ id: string; name: string }>(`${target.url}/users/${round}`);
        expect(status, target.name).toBe(200);
        expect(body, target.name).toEqual({ id: String(round), name: `user ${round}` });
        if (round >= WARMUP_ROUNDS) target.latenciesMs.push(elapsedMs);
      }
    }
    const [plain, refused, hole] = apps.map((a) => ({ p50: quantile(a.latenciesMs, 0.5), p90: quantile(a.latenciesMs, 0.9) }));
    const summary = JSON.stringify({ plain, refused, hole });
    expect(refused.p50, summary).toBeLessThan(plain.p50 + 3);
    expect(hole.p50, summary).toBeLessThan(plain.p50 + 3);
    expect(refused.p90, summary).toBeLessThan(plain.p90 + 10);
    expect(hole.p90, summary).toBeLessThan(plain.p90 + 10);
  });

  it('counts every span, log record and metric point it could not send, and exports none', async () => {
    const [, refused, hole] = apps;
    for (const target of [refused, hole]) {
      let last: StatsAnswer | undefined;
      const deadline = Date.now() + 15_000;
      // Each request logged twice (middleware and handler), so the logs' count is exact;
      // spans: the server span and the express handler span of each request, plus /stats's own.
      while (Date.now() < deadline) {
        last = (await getJson<StatsAnswer>(`${target.url}/stats`)).body;
        const { traces, logs, metrics } = last.stats;
        if (logs.droppedExportFailed === 2 * ROUNDS && traces.droppedExportFailed >= 2 * ROUNDS && metrics.droppedExportFailed > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(last?.started, target.name).toBe(true);
      const { traces, logs, metrics } = last!.stats;
      expect(logs, target.name).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: 2 * ROUNDS });
      expect(traces.exported, target.name).toBe(0);
      expect(traces.droppedQueueFull, target.name).toBe(0);
      expect(traces.droppedExportFailed, target.name).toBeGreaterThanOrEqual(2 * ROUNDS);
      expect(metrics.exported, target.name).toBe(0);
      expect(metrics.droppedExportFailed, target.name).toBeGreaterThan(0);
    }
    // The black hole did see the SDK's connections: it was tried, not skipped.
    expect(blackHole.connections()).toBeGreaterThan(0);
  });

  it('warns on stderr once per signal, with the count and the destination, and prints nothing else', () => {
    const [plain, refused, hole] = apps;
    expect(plain.app.stderr()).toBe('');
    for (const target of [refused, hole]) {
      const lines = target.app.stderr().split('\n').filter((l) => l !== '');
      const units = { traces: 'spans', logs: 'log records', metrics: 'metric points' } as const;
      for (const [signal, unit] of Object.entries(units)) {
        const escaped = `${target.endpoint}/v1/${signal}`.replace(/[.]/g, '\\.');
        const pattern = new RegExp(`^@pharos/node: could not send (\\d+) ${unit} to ${escaped}: (.+); (\\d+) ${unit} dropped so far\\. ${WARNING_TAIL.replace(/\./g, '\\.')}$`);
        const matching = lines.filter((l) => pattern.test(l));
        expect(matching, `${target.name}, ${signal}:\n${lines.join('\n')}`).toHaveLength(1);
        const [, sent, why, soFar] = pattern.exec(matching[0])!;
        expect(Number(sent)).toBeGreaterThan(0);
        expect(Number(soFar)).toBe(Number(sent));
        expect(why).toMatch(target.name === 'refused' ? /ECONNREFUSED/ : /timed out/i);
      }
      // Rate-limited: one line per signal, however many exports failed.
      expect(lines, target.name).toHaveLength(3);
    }
  });

  it('stops on SIGTERM within the shutdown timeout, ended by the signal, the SDK flushing first', async () => {
    const ends = await Promise.all(apps.map((a) => signalAndWait(a.app, 'SIGTERM', DEFAULT_SHUTDOWN_TIMEOUT_MS + 5000)));
    for (const [i, end] of ends.entries()) {
      expect(end.signal, apps[i].name).toBe('SIGTERM');
      expect(end.afterSignalMs, apps[i].name).toBeLessThan(DEFAULT_SHUTDOWN_TIMEOUT_MS + 1500);
    }
    // No crash output on the way out: still the three warnings only.
    for (const target of apps.slice(1)) expect(target.app.stderr().split('\n').filter((l) => l !== '')).toHaveLength(3);
  });
});

describe('a short job whose telemetry endpoint never answers', () => {
  it('exits by itself with code 0 once its exports time out, having counted and reported what it dropped', async () => {
    const end = await waitForExit(shortJob, 15_000);
    expect(end).toMatchObject({ code: 0, signal: null });
    // Spawn, the exports' 1 s timeout (OTEL_EXPORTER_OTLP_TIMEOUT), a margin for a loaded machine.
    expect(end.elapsedMs).toBeLessThan(6000);
    const stats = shortJob.jsonLines().find((l) => l.fixture === 'stats')?.stats as FixtureStats | undefined;
    expect(stats?.traces).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: SHORT_JOB_ITEMS });
    expect(stats?.logs).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: SHORT_JOB_ITEMS });
    const lines = shortJob.stderr().split('\n').filter((l) => l !== '');
    expect(lines.map((l) => /could not send \d+ (spans|log records|metric points) to /.exec(l)?.[1]).sort()).toEqual(['log records', 'metric points', 'spans']);
  });
});

describe('an endpoint that is not a URL', () => {
  it('leaves telemetry off with one line on stderr; the app runs to its end, shutdown() a no-op', async () => {
    const end = await waitForExit(badUrlJob, 15_000);
    expect(end).toMatchObject({ code: 0, signal: null });
    expect(badUrlJob.stderr()).toMatch(/^@pharos\/node: telemetry is off, the SDK could not start: .*not a url.*\n$/);
    const zero = { exported: 0, droppedQueueFull: 0, droppedExportFailed: 0 };
    expect(badUrlJob.jsonLines().find((l) => l.fixture === 'stats')?.stats).toEqual({ traces: zero, metrics: zero, logs: zero });
    // No tracer: the job's spans were no-ops.
    expect(badUrlJob.jsonLines().find((l) => l.fixture === 'emitted')?.traceId).toBe('0'.repeat(32));
  });
});

describe('20 000 spans against an endpoint that never answers, with OTEL_BSP_MAX_QUEUE_SIZE=500', () => {
  it('keeps at most two queues of spans (one waiting, one being sent) and counts every other as dropped', () => {
    const { traces } = bounded.report.stats;
    const ended = FLOOD_SPANS + FLOOD_WARMUP_SPANS;
    expect(traces.exported + traces.droppedExportFailed).toBe(0);
    expect(traces.droppedQueueFull).toBeGreaterThanOrEqual(ended - 2 * FLOOD_QUEUE);
    expect(traces.droppedQueueFull).toBeLessThanOrEqual(ended - FLOOD_QUEUE);
    // The reference run's queue held every span: nothing dropped.
    expect(unbounded.report.stats.traces.droppedQueueFull).toBe(0);
  });

  it('keeps memory flat, where retaining the spans costs tens of MB', () => {
    const reports = JSON.stringify({ bounded: bounded.report, unbounded: unbounded.report });
    // 20 000 spans with a 2000-character attribute each, all retained: > 20 MB of heap.
    expect(unbounded.report.heapGrowthBytes, reports).toBeGreaterThan(20e6);
    expect(bounded.report.heapGrowthBytes, reports).toBeLessThan(6e6);
    expect(bounded.report.heapGrowthBytes, reports).toBeLessThan(unbounded.report.heapGrowthBytes / 4);
    expect(bounded.report.rssGrowthBytes, reports).toBeLessThan(unbounded.report.rssGrowthBytes * 0.75);
  });

  it('never holds the application up: span.end() does not wait for the exporter', () => {
    const report = JSON.stringify(bounded.report);
    // An export to the black hole hangs for 10 s; the whole flood takes a fraction of a second
    // (bounds loose enough for a loaded machine, far below any wait for the network).
    expect(bounded.report.floodMs, report).toBeLessThan(3000);
    expect(bounded.report.slowestTurnMs, report).toBeLessThan(500);
    expect(bounded.report.loopDelayMaxMs, report).toBeLessThan(1000);
  });

  it('warns once that the queue is full, and shutdown() resolves after its timeout though the export hangs', async () => {
    const lines = bounded.app.stderr().split('\n').filter((l) => l !== '');
    expect(lines, lines.join('\n')).toHaveLength(1);
    expect(lines[0]).toMatch(/^@pharos\/node: the export queue is full \(\d+ more spans dropped\); \d+ spans dropped so far\. The application is not affected\.$/);
    expect(bounded.report.shutdownMs).toBeGreaterThanOrEqual(FLOOD_SHUTDOWN_MS - 50);
    expect(bounded.report.shutdownMs).toBeLessThan(FLOOD_SHUTDOWN_MS + 500);
    const end = await waitForExit(bounded.app, 5000);
    expect(end).toMatchObject({ code: 0, signal: null });
  });
});
