import { startSdk, type RunningSdk } from './sdk.js';
import type { PharosNodeOptions } from './settings.js';
import type { SignalStats, TelemetryStats } from './delivery.js';

/** The one SDK of the process: started once, flushed and stopped once. */

let running: RunningSdk | undefined;
let stopping: Promise<boolean> | undefined;

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

/** As `shutdown` (for the register hook), resolving true when everything was delivered or given up on in time, false when the timeout cut it short. */
export function shutdownWithOutcome(timeoutMs = 5000): Promise<boolean> {
  if (running === undefined) return Promise.resolve(true);
  stopping ??= running.stop(timeoutMs);
  return stopping;
}

/**
 * Flushes and stops the SDK, waiting at most `timeoutMs`; resolves (never rejects) either way.
 * Idempotent: later calls wait for the first. A no-op when the SDK was never started.
 */
export async function shutdown(timeoutMs = 5000): Promise<void> {
  await shutdownWithOutcome(timeoutMs);
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
