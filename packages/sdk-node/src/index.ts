import { startSdk, type RunningSdk } from './sdk.js';
import type { PharosNodeOptions } from './settings.js';
import type { SignalStats, TelemetryStats } from './delivery.js';

/**
 * @pharos/node: OpenTelemetry for a Node.js service in one line.
 *
 *   node --import @pharos/node/register app.js
 *
 * or, in code, `init({ serviceName: 'checkout' })` before anything else is imported.
 * Nothing here throws into the application or blocks it: when the backend is down,
 * telemetry waits in bounded queues and is dropped, counted, with a rate-limited warning.
 */

let running: RunningSdk | undefined;
let stopping: Promise<void> | undefined;

/** Starts the SDK once; later calls return false and change nothing. Never throws. */
export function init(options: PharosNodeOptions = {}): boolean {
  if (running !== undefined) return false;
  if (process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  try {
    running = startSdk(options, process.env);
    return true;
  } catch (error) {
    process.stderr.write(`@pharos/node: telemetry is off, the SDK could not start: ${(error as Error).message}\n`);
    return false;
  }
}

/** Exports everything buffered, waiting at most `timeoutMs`; resolves (never rejects) either way. */
export async function forceFlush(timeoutMs = 5000): Promise<void> {
  await running?.flush(timeoutMs);
}

/**
 * Flushes and stops the SDK, waiting at most `timeoutMs`; resolves (never rejects) either way.
 * Idempotent: later calls wait for the first. A no-op when the SDK was never started.
 */
export function shutdown(timeoutMs = 5000): Promise<void> {
  if (running === undefined) return Promise.resolve();
  stopping ??= running.stop(timeoutMs);
  return stopping;
}

/** Items exported and dropped so far, per signal (a copy). Zeros when the SDK is not started. */
export function telemetryStats(): TelemetryStats {
  const zero = (): SignalStats => ({ exported: 0, droppedQueueFull: 0, droppedExportFailed: 0 });
  if (running === undefined) return { traces: zero(), metrics: zero(), logs: zero() };
  const s = running.ledger.stats;
  return { traces: { ...s.traces }, metrics: { ...s.metrics }, logs: { ...s.logs } };
}

/** Is the SDK started (and not disabled by OTEL_SDK_DISABLED)? */
export function isStarted(): boolean {
  return running !== undefined;
}

export type { PharosNodeOptions, SignalStats, TelemetryStats };
