/*
 * What the load generator saw: counts for the whole run, latency percentiles over the most
 * recent requests of each endpoint (so they follow an incident as it starts and ends).
 */

/** Keeps the last `capacity` latencies (milliseconds) and answers percentiles over them. */
export class LatencyWindow {
  private readonly values: number[] = [];
  private next = 0;

  constructor(private readonly capacity = 1_000) {}

  /** Records one latency in milliseconds, replacing the oldest once full. */
  add(latencyMs: number): void {
    if (this.values.length < this.capacity) this.values.push(latencyMs);
    else this.values[this.next] = latencyMs;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The `percentile` (0-100) of the recorded latencies in milliseconds, or undefined when empty. */
  readPercentile(percentile: number): number | undefined {
    return computePercentile([...this.values].sort((a, b) => a - b), percentile);
  }
}

/**
 * Returns the nearest-rank `percentile` (0-100) of `sortedValues` (ascending), or undefined
 * for an empty list: the smallest value with at least `percentile`% of values at or below it.
 */
export function computePercentile(sortedValues: readonly number[], percentile: number): number | undefined {
  if (sortedValues.length === 0) return undefined;
  const clamped = Math.min(100, Math.max(0, percentile));
  const rank = Math.max(1, Math.ceil((clamped / 100) * sortedValues.length));
  return sortedValues[rank - 1];
}

/** How one request ended: an HTTP status, or `timeout` / `network` when none came. */
export type RequestOutcome = number | 'timeout' | 'network';

/** Statistics of one endpoint (`GET /api/products/:id`). */
export interface EndpointStats {
  endpoint: string;
  requests: number;
  errors: number;
  /** Over the most recent requests, in milliseconds. */
  p50Ms: number | undefined;
  p95Ms: number | undefined;
}

/** A copy of the statistics at one moment. */
export interface LoadStatsSnapshot {
  /** ISO 8601 time the load started. */
  startedAt: string;
  elapsedMs: number;
  /** Journeys per second asked for. */
  journeysPerSecond: number;
  journeys: { started: number; completed: number; skipped: number; inFlight: number; byKind: Record<string, number> };
  requests: { total: number; errors: number; errorsByStatus: Record<string, number> };
  checkouts: { ok: number; failed: number };
  endpoints: EndpointStats[];
}

interface EndpointCounters {
  requests: number;
  errors: number;
  latencies: LatencyWindow;
}

/** Mutable counters the generator updates; snapshot() copies them. */
export class LoadStats {
  readonly startedAtMs = Date.now();
  journeysPerSecond = 0;
  journeysStarted = 0;
  journeysCompleted = 0;
  journeysSkipped = 0;
  inFlight = 0;
  checkoutsOk = 0;
  checkoutsFailed = 0;
  private readonly journeysByKind = new Map<string, number>();
  private readonly errorsByStatus = new Map<string, number>();
  private readonly endpoints = new Map<string, EndpointCounters>();
  private requests = 0;
  private errors = 0;

  /** Counts a journey of `kind` started. */
  recordJourneyStart(kind: string): void {
    this.journeysStarted += 1;
    this.journeysByKind.set(kind, (this.journeysByKind.get(kind) ?? 0) + 1);
  }

  /**
   * Counts one request to `endpoint` that took `latencyMs` and ended with `outcome`; any
   * status of 400 and above, a timeout or a network error counts as an error.
   */
  recordRequest(endpoint: string, outcome: RequestOutcome, latencyMs: number): void {
    const isError = typeof outcome !== 'number' || outcome >= 400;
    this.requests += 1;
    let counters = this.endpoints.get(endpoint);
    if (!counters) {
      counters = { requests: 0, errors: 0, latencies: new LatencyWindow() };
      this.endpoints.set(endpoint, counters);
    }
    counters.requests += 1;
    counters.latencies.add(latencyMs);
    if (isError) {
      this.errors += 1;
      counters.errors += 1;
      const key = String(outcome);
      this.errorsByStatus.set(key, (this.errorsByStatus.get(key) ?? 0) + 1);
    }
  }

  /** Copies the statistics. */
  snapshot(): LoadStatsSnapshot {
    return {
      startedAt: new Date(this.startedAtMs).toISOString(),
      elapsedMs: Date.now() - this.startedAtMs,
      journeysPerSecond: this.journeysPerSecond,
      journeys: {
        started: this.journeysStarted,
        completed: this.journeysCompleted,
        skipped: this.journeysSkipped,
        inFlight: this.inFlight,
        byKind: Object.fromEntries(this.journeysByKind),
      },
      requests: { total: this.requests, errors: this.errors, errorsByStatus: Object.fromEntries(this.errorsByStatus) },
      checkouts: { ok: this.checkoutsOk, failed: this.checkoutsFailed },
      endpoints: [...this.endpoints].map(([endpoint, counters]) => ({
        endpoint,
        requests: counters.requests,
        errors: counters.errors,
        p50Ms: counters.latencies.readPercentile(50),
        p95Ms: counters.latencies.readPercentile(95),
      })),
    };
  }
}

/**
 * Formats one progress line from two snapshots `previous` → `current` (rates over that
 * interval, totals since start), e.g.
 * `load 1m04s · 4.0 journeys/s · 15.5 req/s · errors 2.1% (500×3) · checkouts 40 ok, 2 failed · p95 checkout 1.8 s · in flight 3`.
 */
export function formatProgressLine(current: LoadStatsSnapshot, previous: LoadStatsSnapshot | undefined): string {
  const intervalS = Math.max(0.001, (current.elapsedMs - (previous?.elapsedMs ?? 0)) / 1000);
  const journeyRate = (current.journeys.started - (previous?.journeys.started ?? 0)) / intervalS;
  const requestRate = (current.requests.total - (previous?.requests.total ?? 0)) / intervalS;
  const newRequests = current.requests.total - (previous?.requests.total ?? 0);
  const newErrors = current.requests.errors - (previous?.requests.errors ?? 0);
  const errorShare = newRequests > 0 ? (100 * newErrors) / newRequests : 0;
  const statuses = Object.entries(current.requests.errorsByStatus)
    .map(([status, count]) => [status, count - (previous?.requests.errorsByStatus[status] ?? 0)] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
  const checkout = current.endpoints.find((endpoint) => endpoint.endpoint === 'POST /api/checkout');
  const parts = [
    `load ${formatElapsed(current.elapsedMs)}`,
    `${journeyRate.toFixed(1)} journeys/s`,
    `${requestRate.toFixed(1)} req/s`,
    `errors ${errorShare.toFixed(1)}%${statuses ? ` (${statuses})` : ''}`,
    `checkouts ${current.checkouts.ok} ok, ${current.checkouts.failed} failed`,
  ];
  if (checkout?.p95Ms !== undefined) parts.push(`p95 checkout ${formatLatency(checkout.p95Ms)}`);
  parts.push(`in flight ${current.journeys.inFlight}`);
  if (current.journeys.skipped > 0) parts.push(`skipped ${current.journeys.skipped}`);
  return parts.join(' · ');
}

function formatElapsed(elapsedMs: number): string {
  const totalS = Math.round(elapsedMs / 1000);
  const minutes = Math.floor(totalS / 60);
  const seconds = totalS % 60;
  return minutes > 0 ? `${minutes}m${String(seconds).padStart(2, '0')}s` : `${seconds}s`;
}

function formatLatency(latencyMs: number): string {
  return latencyMs >= 1000 ? `${(latencyMs / 1000).toFixed(1)} s` : `${Math.round(latencyMs)} ms`;
}
