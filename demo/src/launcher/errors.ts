/**
 * Thrown when the shop cannot start: names the part that failed and quotes the end of its
 * log, so the reason shows without opening the file.
 */
export class ShopStartError extends Error {
  /** The part that failed, e.g. `postgres`, `payment`. */
  readonly component: string;
  /** The last lines the failing process wrote, when it is a process. */
  readonly logTail: string | undefined;
  /** Where the full log is. */
  readonly logFile: string | undefined;

  constructor(component: string, message: string, details: { logTail?: string; logFile?: string; cause?: unknown } = {}) {
    super(`${component}: ${message}`, { cause: details.cause });
    this.name = 'ShopStartError';
    this.component = component;
    this.logTail = details.logTail;
    this.logFile = details.logFile;
  }
}

/** Returns the message of `error`, whatever was thrown. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
