/**
 * `node --import @pharos/node/register app.js`: instruments the application before its
 * first import. Registers the import-in-the-middle loader so that ES modules (express, pg,
 * ioredis, ...) are patched as well as CommonJS ones, starts the SDK from the OTEL_*
 * variables, and flushes telemetry when the process ends.
 */
import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { init, shutdown, shutdownWithOutcome } from './lifecycle.js';

try {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  if (init()) flushWhenTheProcessEnds();
  // The loader must know every module to patch before the application's imports run.
  await waitForAllMessagesAcknowledged();
} catch (error) {
  process.stderr.write(`@pharos/node: telemetry is off, the SDK could not start: ${(error as Error).message}\n`);
}

/**
 * Flushes on a natural exit, and on SIGTERM/SIGINT when the application does not handle
 * them itself (then the signal's default action follows the flush). An application with
 * its own handlers should `await shutdown()` from '@pharos/node' before it exits.
 */
function flushWhenTheProcessEnds(): void {
  // When the flush times out (endpoint down), the exporters' pending requests would hold
  // the process up to their own timeout: end it as it was about to end.
  process.once('beforeExit', () => {
    void shutdownWithOutcome().then((inTime) => {
      if (!inTime) process.exit();
    });
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) return;
      void shutdown().finally(() => {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      });
    };
    process.on(signal, onSignal);
  }
}
