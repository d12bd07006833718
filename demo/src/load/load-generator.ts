import { setMaxListeners } from 'node:events';
import { ShopKnowledge, ShopperSession, pickJourneyKind } from './journeys.js';
import { LoadStats, formatProgressLine, type LoadStatsSnapshot } from './load-stats.js';
import { parseLoopbackUrl } from './loopback.js';

/** How the load is generated. */
export interface LoadOptions {
  /** The shop's frontend, e.g. http://127.0.0.1:8080; must be on the loopback interface. */
  targetUrl: string;
  /** Journeys started per second on average (Poisson arrivals). */
  journeysPerSecond: number;
  /** Stop starting journeys after this many milliseconds; unbounded when absent. */
  durationMs?: number;
  /** Journeys in flight beyond which a new arrival is skipped and counted (default: 10 s worth, at least 20). */
  maxInFlightJourneys?: number;
  /** Per-request timeout in milliseconds (default 15 s). */
  requestTimeoutMs?: number;
  /** Pause between two steps of a journey, in milliseconds (default 50-300). */
  thinkTimeMs?: { min: number; max: number };
  /** Called with a progress line every `progressIntervalMs` (default 2 s). */
  onProgress?: (line: string, stats: LoadStatsSnapshot) => void;
  progressIntervalMs?: number;
  /** Source of randomness in [0, 1) (tests pass a seeded one). */
  random?: () => number;
}

/** A running load generator. */
export interface LoadGenerator {
  /** A copy of the statistics so far. */
  readStats(): LoadStatsSnapshot;
  /** Changes the arrival rate from now on (journeys per second; 0 pauses). */
  setRate(journeysPerSecond: number): void;
  /** Resolves when the duration has elapsed and the last journey ended, or after stop(). */
  readonly finished: Promise<void>;
  /** Stops starting journeys, cuts the ones in flight and resolves when all ended. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts generating shopper journeys against `options.targetUrl` (throws at once when it is
 * not on the loopback interface or the rate is invalid). Arrivals are Poisson at
 * `journeysPerSecond`; when more than `maxInFlightJourneys` are running, arrivals are skipped
 * and counted, so a slow shop does not make the generator pile up requests.
 */
export function startLoad(options: LoadOptions): LoadGenerator {
  const baseUrl = parseLoopbackUrl(options.targetUrl);
  assertRate(options.journeysPerSecond);
  const random = options.random ?? Math.random;
  const stats = new LoadStats();
  stats.journeysPerSecond = options.journeysPerSecond;
  const knowledge = new ShopKnowledge();
  const controller = new AbortController();
  // Every journey in flight listens for the stop: more than the default 10 is normal here.
  setMaxListeners(0, controller.signal);
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = options.maxInFlightJourneys ?? Math.max(20, Math.ceil(options.journeysPerSecond * 10));
  const endAtMs = options.durationMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.durationMs;
  let rate = options.journeysPerSecond;
  let rateChanged = false;
  let wakeUp: (() => void) | undefined;

  const context = {
    baseUrl,
    stats,
    knowledge,
    random,
    signal: controller.signal,
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    thinkTimeMs: options.thinkTimeMs ?? { min: 50, max: 300 },
  };

  const launchJourney = (): void => {
    if (inFlight.size >= maxInFlight) {
      stats.journeysSkipped += 1;
      return;
    }
    const kind = pickJourneyKind(random);
    stats.recordJourneyStart(kind);
    stats.inFlight += 1;
    const journey = new ShopperSession(context)
      .runJourney(kind)
      .catch(() => undefined)
      .finally(() => {
        stats.inFlight -= 1;
        stats.journeysCompleted += controller.signal.aborted ? 0 : 1;
        inFlight.delete(journey);
      });
    inFlight.add(journey);
  };

  // Waits `durationMs`, or less when the rate changes or the generator stops.
  const pause = (durationMs: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, Math.min(durationMs, 60_000));
      function done(): void {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  const run = async (): Promise<void> => {
    let nextAtMs = Date.now();
    while (!controller.signal.aborted && Date.now() < endAtMs) {
      rateChanged = false;
      if (rate <= 0) {
        await pause(60_000);
        nextAtMs = Date.now();
        continue;
      }
      // Exponential gaps between arrivals make a Poisson process, as independent shoppers are.
      // After a stall (a busy event loop) start afresh rather than fire a burst to catch up.
      nextAtMs = Math.max(nextAtMs, Date.now() - 1_000) + (-Math.log(1 - random()) / rate) * 1000;
      const waitMs = Math.min(nextAtMs, endAtMs) - Date.now();
      if (waitMs > 0) await pause(waitMs);
      if (controller.signal.aborted || Date.now() >= endAtMs) break;
      if (rateChanged) {
        nextAtMs = Date.now();
        continue;
      }
      launchJourney();
    }
    await Promise.all(inFlight);
  };

  let previous: LoadStatsSnapshot | undefined;
  const progressTimer = options.onProgress
    ? setInterval(() => {
        const current = stats.snapshot();
        options.onProgress?.(formatProgressLine(current, previous), current);
        previous = current;
      }, options.progressIntervalMs ?? 2_000)
    : undefined;
  progressTimer?.unref();

  const finished = run().finally(() => clearInterval(progressTimer));
  let stopPromise: Promise<void> | undefined;

  return {
    readStats: () => stats.snapshot(),
    setRate(journeysPerSecond: number): void {
      assertRate(journeysPerSecond);
      rate = journeysPerSecond;
      rateChanged = true;
      stats.journeysPerSecond = journeysPerSecond;
      wakeUp?.();
    },
    finished,
    stop(): Promise<void> {
      stopPromise ??= (async () => {
        controller.abort(new Error('load stopped'));
        wakeUp?.();
        await finished;
      })();
      return stopPromise;
    },
  };
}

function assertRate(journeysPerSecond: number): void {
  if (!Number.isFinite(journeysPerSecond) || journeysPerSecond < 0 || journeysPerSecond > 1_000) {
    throw new Error(`the load rate must be between 0 and 1000 journeys per second, got ${journeysPerSecond}`);
  }
}
