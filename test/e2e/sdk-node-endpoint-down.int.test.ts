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
 * as fast, warn once per signal on stderr, count what it dropped, stop in bounded time and
 * print the final counts on the way out. A flood of spans against the black hole shows the
 * queue bound (the batch being sent counts against it): drops are counted, memory stays
 * flat and the application is never held up.
 *
 * OTEL_EXPORTER_OTLP_TIMEOUT=1000 (default 10 s) lets an export fail within the test's time.
 */

const WARMUP_ROUNDS = 20;
const MEASURED_ROUNDS = 150;
const ROUNDS = WARMUP_ROUNDS + MEASURED_ROUNDS;
/** The SDK's default shutdown timeout (lifecycle.ts), which bounds the register hook's flush on SIGTERM and on a natural exit. */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000;
const WARNING_TAIL = 'The application is not affected.';
const UNITS = { traces: 'spans', logs: 'log records', metrics: 'metric points' } as const;

/**
 * A shutdown line `@pharos/node: N <unit> dropped in all (Q because the export queue was full,
 * F because exports failed or had not finished at shutdown).` F includes what a shutdown that
 * timed out gave up on: still queued, or being exported.
 */
interface FinalCount {
  unit: string;
  total: number;
  queueFull: number;
  exportFailed: number;
}
const FINAL_COUNT = /^@pharos\/node: (\d+) (spans|log records|metric points) dropped in all \((\d+) because the export queue was full, (\d+) because exports failed or had not finished at shutdown\)\.$/;

/** The final count line for `count` <unit> dropped, none for a full queue: a short job's line against a dead endpoint. */
const finalLine = (count: number, unit: string): string =>
  `@pharos/node: ${count} ${unit} dropped in all (0 because the export queue was full, ${count} because exports failed or had not finished at shutdown).`;

function finalCounts(lines: string[]): FinalCount[] {
  return lines.flatMap((line) => {
    const m = FINAL_COUNT.exec(line);
    return m === null ? [] : [{ unit: m[2], total: Number(m[1]), queueFull: Number(m[3]), exportFailed: Number(m[4]) }];
  });
}

/** The non-empty lines of a process's stderr. */
const stderrLines = (app: AppProcess): string[] => app.stderr().split('\n').filter((l) => l !== '');

/** The "N <unit> dropped so far" count of the last warning about `unit` in `lines`; 0 when there is none. */
function soFarIn(lines: string[], unit: string): number {
  const counts = lines.flatMap((l) => {
    const m = new RegExp(`; (\\d+) ${unit} dropped so far\\. `).exec(l);
    return m === null ? [] : [Number(m[1])];
  });
  return counts.at(-1) ?? 0;
}

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
  /** GET /stats requests sent (each is a server span and an express handler span). */
  statsRequests: number;
  /** The last telemetryStats() /stats answered. */
  lastStats?: FixtureStats;
}

let blackHole: BlackHole;
let refusedEndpoint: string;
const apps: AppUnderTest[] = [];

interface FloodReport {
  spans: number;
  /** telemetryStats() when the flood ended, and when shutdown() had returned. */
  stats: FixtureStats;
  statsAfterShutdown: FixtureStats;
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
/** A short job against the black hole with the exporters' default 10 s timeout, and when its 'emitted' line was seen. */
let slowEndpointJob: { app: AppProcess; spawnedAt: number; emittedSeenAt: Promise<number> };
const SHORT_JOB_ITEMS = 25;
/**
 * A job that works 3.5 s (FIXTURE_WORK_MS) with a 1 s metric interval, against its own black
 * hole (so that its connections can be counted), and when its 'work done' line was seen.
 */
let shortIntervalJob: { app: AppProcess; hole: BlackHole; spawnedAt: number; workDoneSeen: Promise<{ at: number; connections: number }> };
const SHORT_INTERVAL_MS = 1000;
const SHORT_INTERVAL_WORK_MS = 3500;
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
  // The short jobs export nothing before their work ends (60 s delays): the flush at exit is their only export.
  // (An export already waiting on the black hole when the work ends would keep the event loop
  // busy, and the process from reaching its natural exit, until that export times out.)
  const jobEnv = { OTEL_BSP_SCHEDULE_DELAY: '60000', OTEL_BLRP_SCHEDULE_DELAY: '60000', OTEL_METRIC_EXPORT_INTERVAL: '60000', FIXTURE_ITEMS: String(SHORT_JOB_ITEMS), FIXTURE_END: 'natural' };
  shortJob = spawnApp('emit-and-end.mjs', { ...sdkEnv(blackHole.url, 'sdk-short-job'), ...jobEnv });
  const spawnedAt = Date.now();
  const slowApp = spawnApp('emit-and-end.mjs', otelEnv(blackHole.url, uniqueService('sdk-slow-endpoint'), jobEnv));
  slowEndpointJob = { app: slowApp, spawnedAt, emittedSeenAt: waitForFixtureLine(slowApp, 'emitted').then(() => Date.now()) };
  badUrlJob = spawnApp('emit-and-end.mjs', { ...sdkEnv('not a url', 'sdk-bad-url'), FIXTURE_END: 'shutdown' });
  // The exporters' default 10 s timeout, longer than the 1 s metric interval: metric exports
  // leave during the work and stay stuck. (Spans and log records still wait for the end: a span
  // or log export in flight when the work ends would hold the process until that 10 s timeout,
  // the batch processors' own export timer being a referenced one.)
  const intervalHole = await startBlackHole();
  const intervalApp = spawnApp(
    'emit-and-end.mjs',
    otelEnv(intervalHole.url, uniqueService('sdk-short-interval'), { ...jobEnv, OTEL_METRIC_EXPORT_INTERVAL: String(SHORT_INTERVAL_MS), FIXTURE_WORK_MS: String(SHORT_INTERVAL_WORK_MS) }),
  );
  shortIntervalJob = {
    app: intervalApp,
    hole: intervalHole,
    spawnedAt: Date.now(),
    workDoneSeen: waitForFixtureLine(intervalApp, 'work done').then(() => ({ at: Date.now(), connections: intervalHole.connections() })),
  };
  const started = await Promise.all([
    startHttpApp('http-app.mjs', {}, { sdk: false }),
    startHttpApp('http-app.mjs', sdkEnv(refusedEndpoint, 'sdk-refused')),
    startHttpApp('http-app.mjs', sdkEnv(blackHole.url, 'sdk-black-hole')),
  ]);
  apps.push(
    { name: 'no SDK', ...started[0], latenciesMs: [], statsRequests: 0 },
    { name: 'refused', ...started[1], endpoint: refusedEndpoint, latenciesMs: [], statsRequests: 0 },
    { name: 'black hole', ...started[2], endpoint: blackHole.url, latenciesMs: [], statsRequests: 0 },
  );
  [bounded, unbounded] = await floods;
});

afterAll(async () => {
  await killAllApps();
  await blackHole?.close();
  await shortIntervalJob?.hole.close();
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
        target.statsRequests++;
        target.lastStats = last.stats;
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
      const lines = stderrLines(target.app);
      for (const [signal, unit] of Object.entries(UNITS)) {
        const escaped = `${target.endpoint}/v1/${signal}`.replace(/[.]/g, '\\.');
        const pattern = new RegExp(`^@pharos/node: could not send (\\d+) ${unit} to ${escaped}: (.+); (\\d+) ${unit} dropped so far\\. ${WARNING_TAIL.replace(/\./g, '\\.')}$`);
        const matching = lines.filter((l) => pattern.test(l));
        expect(matching, `${target.name}, ${signal}:\n${lines.join('\n')}`).toHaveLength(1);
        const [, sent, why, soFar] = pattern.exec(matching[0])!;
        expect(Number(sent)).toBeGreaterThan(0);
        expect(Number(soFar)).toBe(Number(sent));
        // The first metric failure may be an export refused because the previous one (one at a
        // time) is still retrying or waiting for its timeout.
        const reason = target.name === 'refused' ? /ECONNREFUSED/ : /timed out/i;
        const reasons = signal === 'metrics' ? new RegExp(`${reason.source}|the previous metric export has not finished`, 'i') : reason;
        expect(why).toMatch(reasons);
      }
      // Rate-limited: one line per signal, however many exports failed.
      expect(lines, target.name).toHaveLength(3);
    }
  });

  it('stops on SIGTERM within the shutdown timeout, ended by the signal, the SDK flushing first and printing its final counts', async () => {
    const warnedBefore = apps.map((a) => stderrLines(a.app));
    const ends = await Promise.all(apps.map((a) => signalAndWait(a.app, 'SIGTERM', DEFAULT_SHUTDOWN_TIMEOUT_MS + 5000)));
    for (const [i, end] of ends.entries()) {
      expect(end.signal, apps[i].name).toBe('SIGTERM');
      expect(end.afterSignalMs, apps[i].name).toBeLessThan(DEFAULT_SHUTDOWN_TIMEOUT_MS + 1500);
    }
    expect(apps[0].app.stderr()).toBe('');
    for (const [i, target] of apps.entries()) {
      if (i === 0) continue;
      const lines = stderrLines(target.app);
      const context = `${target.name}:\n${lines.join('\n')}`;
      // The three rate-limited warnings, then one final count per signal (every signal dropped
      // more after its warning), and nothing else: no crash output on the way out.
      expect(warnedBefore[i], context).toHaveLength(3);
      expect(lines.slice(0, 3), context).toEqual(warnedBefore[i]);
      expect(lines, context).toHaveLength(6);
      const finals = finalCounts(lines.slice(3));
      expect(finals.map((f) => f.unit).sort(), context).toEqual(['log records', 'metric points', 'spans']);
      // Exact totals, the flush's own failures included: every span (the server and handler spans
      // of each /users and /stats request) and every log record (two per /users request).
      const spans = 2 * (ROUNDS + target.statsRequests);
      expect(finals.find((f) => f.unit === 'spans'), context).toEqual({ unit: 'spans', total: spans, queueFull: 0, exportFailed: spans });
      expect(finals.find((f) => f.unit === 'log records'), context).toEqual({ unit: 'log records', total: 2 * ROUNDS, queueFull: 0, exportFailed: 2 * ROUNDS });
      const points = finals.find((f) => f.unit === 'metric points')!;
      expect(points.queueFull, context).toBe(0);
      expect(points.exportFailed, context).toBe(points.total);
      expect(points.total, context).toBeGreaterThanOrEqual(target.lastStats!.metrics.droppedExportFailed);
      expect(points.total, context).toBeGreaterThan(soFarIn(warnedBefore[i], 'metric points'));
    }
  });
});

describe('a short job whose telemetry endpoint never answers', () => {
  it('exits by itself with code 0 once its exports time out, having counted and reported what it dropped', async () => {
    const end = await waitForExit(shortJob, 15_000);
    expect(end).toMatchObject({ code: 0, signal: null });
    // Spawn, the exports' 1 s timeout (OTEL_EXPORTER_OTLP_TIMEOUT), a margin for a loaded machine.
    expect(end.elapsedMs).toBeLessThan(6000);
    // The stats line is printed on exit, after the flush: the final totals.
    const stats = shortJob.jsonLines().find((l) => l.fixture === 'stats')?.stats as FixtureStats | undefined;
    expect(stats?.traces).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: SHORT_JOB_ITEMS });
    expect(stats?.logs).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: SHORT_JOB_ITEMS });
    // One failed export per signal (the flush), each warned with the whole count: the warnings
    // said it all, so no final count follows them.
    const lines = stderrLines(shortJob);
    expect(lines.map((l) => /could not send \d+ (spans|log records|metric points) to /.exec(l)?.[1]).sort(), lines.join('\n')).toEqual(['log records', 'metric points', 'spans']);
    for (const [signal, unit] of Object.entries(UNITS)) {
      const { droppedQueueFull, droppedExportFailed } = stats![signal as keyof FixtureStats];
      expect(soFarIn(lines, unit), unit).toBe(droppedQueueFull + droppedExportFailed);
    }
  });
});

describe("a short job whose telemetry endpoint never answers, with the exporters' default 10 s timeout", () => {
  it("exits by itself with code 0 once the register hook's flush times out (5 s), not when the exports do (10 s), having counted every item it made", async () => {
    const { app, spawnedAt } = slowEndpointJob;
    const emittedSeenAt = await slowEndpointJob.emittedSeenAt;
    const end = await waitForExit(app, 15_000);
    expect(end).toMatchObject({ code: 0, signal: null });
    const context = JSON.stringify({ end, emittedAfterMs: emittedSeenAt - spawnedAt, stderr: app.stderr() });
    // Once its work was done, the hook gave the flush its whole timeout, then ended the process
    // at once: within 6 s, where waiting for the exports to time out took over 10 s.
    const afterWorkMs = spawnedAt + end.elapsedMs - emittedSeenAt;
    expect(afterWorkMs, context).toBeGreaterThanOrEqual(DEFAULT_SHUTDOWN_TIMEOUT_MS - 250);
    expect(afterWorkMs, context).toBeLessThan(DEFAULT_SHUTDOWN_TIMEOUT_MS + 1000);
    // It ended as a natural exit does: the application's exit handlers ran (the stats line).
    const statsLines = app.jsonLines().filter((l) => l.fixture === 'stats');
    expect(statsLines, context).toHaveLength(1);
    // Nothing lost uncounted: the flush gave up on every span and log record the job made, and on
    // the metric points of its one export, all still being sent (none had failed yet).
    const stats = statsLines[0].stats as FixtureStats;
    expect(stats.traces, context).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: SHORT_JOB_ITEMS });
    expect(stats.logs, context).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: SHORT_JOB_ITEMS });
    expect(stats.metrics.exported, context).toBe(0);
    expect(stats.metrics.droppedQueueFull, context).toBe(0);
    expect(stats.metrics.droppedExportFailed, context).toBeGreaterThan(0);
    // And stderr says the same, in the final counts and nothing else.
    expect(stderrLines(app), context).toEqual([
      finalLine(SHORT_JOB_ITEMS, 'spans'),
      finalLine(stats.metrics.droppedExportFailed, 'metric points'),
      finalLine(SHORT_JOB_ITEMS, 'log records'),
    ]);
  });
});

describe("a job whose metric interval (1 s) is shorter than the exporters' timeout (10 s), its endpoint never answering", () => {
  it('exits by itself soon after its work, though metric exports sent during the work are stuck, and counts what they held', async () => {
    const { app, hole, spawnedAt } = shortIntervalJob;
    const workDone = await shortIntervalJob.workDoneSeen;
    const end = await waitForExit(app, 20_000);
    const context = JSON.stringify({ end, workDoneAfterMs: workDone.at - spawnedAt, connectionsAtWorkDone: workDone.connections, stderr: app.stderr() });
    expect(end, context).toMatchObject({ code: 0, signal: null });
    // During the work, a metric export was stuck on the black hole; the exports due after it,
    // about one a second, were refused at once (one at a time).
    expect(workDone.connections, context).toBeGreaterThanOrEqual(1);
    // After the work: the reader's current export times out (one interval at most), the event
    // loop empties, and the register hook's flush waits its 5 s timeout. (With referenced
    // sockets, a stuck export was always under way: the process never ended.)
    const afterWorkMs = spawnedAt + end.elapsedMs - workDone.at;
    expect(afterWorkMs, context).toBeGreaterThanOrEqual(DEFAULT_SHUTDOWN_TIMEOUT_MS - 250);
    expect(afterWorkMs, context).toBeLessThan(SHORT_INTERVAL_MS + DEFAULT_SHUTDOWN_TIMEOUT_MS + 1000);
    // The black hole took the job's exports (when each connected varies; the counts below say what they held).
    expect(hole.connections(), context).toBeGreaterThanOrEqual(1);
    // Every span and log record counted; the metric points of every stuck export too.
    const stats = app.jsonLines().find((l) => l.fixture === 'stats')?.stats as FixtureStats | undefined;
    expect(stats?.traces, context).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: SHORT_JOB_ITEMS });
    expect(stats?.logs, context).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: SHORT_JOB_ITEMS });
    expect(stats?.metrics.exported, context).toBe(0);
    expect(stats?.metrics.droppedQueueFull, context).toBe(0);
    expect(stats?.metrics.droppedExportFailed, context).toBeGreaterThan(0);
    // One warning: a metric export due while the first was stuck, refused at once and counted.
    const lines = stderrLines(app);
    expect(lines[0], context).toMatch(/^@pharos\/node: could not send \d+ metric points to .*: the previous metric export has not finished; \d+ metric points dropped so far\./);
    expect(lines.slice(1), context).toEqual([
      finalLine(SHORT_JOB_ITEMS, 'spans'),
      finalLine(stats!.metrics.droppedExportFailed, 'metric points'),
      finalLine(SHORT_JOB_ITEMS, 'log records'),
    ]);
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
  it('keeps one queue of spans, the batch being sent included, and counts every other as dropped', () => {
    const { traces } = bounded.report.stats;
    const ended = FLOOD_SPANS + FLOOD_WARMUP_SPANS;
    expect(traces.exported + traces.droppedExportFailed).toBe(0);
    // The first 500 spans fill the queue and leave as a batch whose export hangs for the whole
    // flood; it keeps its slots, so not one span more is admitted.
    expect(traces.droppedQueueFull).toBe(ended - FLOOD_QUEUE);
    // The reference run's queue held every span: nothing dropped.
    expect(unbounded.report.stats.traces.droppedQueueFull).toBe(0);
  });

  it('keeps memory flat, where retaining the spans costs tens of MB', () => {
    const reports = JSON.stringify({ bounded: bounded.report, unbounded: unbounded.report });
    // 20 000 spans with a 2000-character attribute each, all retained: > 20 MB of heap.
    expect(unbounded.report.heapGrowthBytes, reports).toBeGreaterThan(20e6);
    // 500 spans, queued or being sent: about 2 MB (it was 2.5 MB when a batch in flight freed its slots).
    expect(bounded.report.heapGrowthBytes, reports).toBeLessThan(4e6);
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

  it('warns once that the queue is full; shutdown() resolves after its timeout though the export hangs, and counts what it gave up on, so that the final count covers every span', async () => {
    const ended = FLOOD_SPANS + FLOOD_WARMUP_SPANS;
    const queueFull = ended - FLOOD_QUEUE;
    const after = bounded.report.statsAfterShutdown;
    const context = JSON.stringify(bounded.report);
    // The batch whose export hung for the whole flood had not ended at shutdown: given up on,
    // and counted. The metric reader's last export, sent at shutdown, hung as well.
    expect(after.traces, context).toEqual({ exported: 0, droppedQueueFull: queueFull, droppedExportFailed: FLOOD_QUEUE });
    expect(after.metrics.exported, context).toBe(0);
    expect(after.metrics.droppedQueueFull, context).toBe(0);
    expect(after.metrics.droppedExportFailed, context).toBeGreaterThan(0);
    // The warning at the first drop; at shutdown, the final counts.
    expect(stderrLines(bounded.app)).toEqual([
      '@pharos/node: the export queue is full; 1 spans dropped so far. The application is not affected.',
      `@pharos/node: ${ended} spans dropped in all (${queueFull} because the export queue was full, ${FLOOD_QUEUE} because exports failed or had not finished at shutdown).`,
      finalLine(after.metrics.droppedExportFailed, 'metric points'),
    ]);
    // The reference run queued every span: those still waiting count as well as the batch being sent.
    expect(unbounded.report.statsAfterShutdown.traces, JSON.stringify(unbounded.report)).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: ended });
    expect(bounded.report.shutdownMs).toBeGreaterThanOrEqual(FLOOD_SHUTDOWN_MS - 50);
    expect(bounded.report.shutdownMs).toBeLessThan(FLOOD_SHUTDOWN_MS + 500);
    const end = await waitForExit(bounded.app, 5000);
    expect(end).toMatchObject({ code: 0, signal: null });
  });
});
