import type { TelemetryStore } from '../storage/index.js';

/** What every query route needs: the store, and the limits every query obeys. */
export interface QueryContext {
  store: TelemetryStore;
  /** Each storage query is cancelled after this many milliseconds. */
  queryTimeoutMs: number;
  /** The most rows (traces, log records, points, series) a single request may return. */
  maxQueryLimit: number;
}
