/**
 * @pharos/node: OpenTelemetry for a Node.js service in one line.
 *
 *   node --import @pharos/node/register app.js
 *
 * or, in code, `init({ serviceName: 'checkout' })` before anything else is imported.
 * Nothing here throws into the application or blocks it: when the backend is down,
 * telemetry waits in bounded queues and is dropped, counted, with a rate-limited warning.
 */
export { forceFlush, init, isStarted, shutdown, telemetryStats } from './lifecycle.js';
export type { PharosNodeOptions } from './settings.js';
export type { SignalStats, TelemetryStats } from './delivery.js';
