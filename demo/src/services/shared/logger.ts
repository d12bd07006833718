import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Creates the service's JSON logger on stdout, at the level in LOG_LEVEL (default `info`).
 * The telemetry SDK, when loaded, stamps trace and span ids on lines written inside a request.
 */
export function createLogger(serviceName: string): Logger {
  return pino({
    name: serviceName,
    level: process.env.LOG_LEVEL?.trim() || 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    // Card numbers must never reach a log line, whatever a caller passes in.
    redact: { paths: ['card.number', '*.card.number'], censor: '[redacted]' },
  });
}

/**
 * Returns a function that logs at most one line per `intervalMs` for a recurring condition
 * (for example a lost connection that is retried every half second), counting the ones it skipped.
 */
export function createRateLimitedLog(intervalMs: number): (write: (suppressed: number) => void) => void {
  let lastWrittenAtMs = -Infinity;
  let suppressed = 0;
  return (write) => {
    const nowMs = Date.now();
    if (nowMs - lastWrittenAtMs < intervalMs) {
      suppressed += 1;
      return;
    }
    lastWrittenAtMs = nowMs;
    write(suppressed);
    suppressed = 0;
  };
}
