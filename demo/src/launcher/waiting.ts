/** Resolves after `durationMs` milliseconds; rejects early with the signal's reason when `signal` aborts. */
export function sleep(durationMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, durationMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `probe` every `intervalMs` until it returns a value other than undefined, and returns
 * that value. Throws when `timeoutMs` elapse first (the message names `what` and the probe's
 * last error), when `checkAlive` throws (e.g. the process being waited for exited), or when
 * `signal` aborts.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; checkAlive?: () => void; signal?: AbortSignal },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    options.checkAlive?.();
    if (options.signal?.aborted) throw abortReason(options.signal);
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    options.checkAlive?.();
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`${what} was not ready within ${Math.round(options.timeoutMs / 1000)} s${detail}`);
    }
    await sleep(options.intervalMs ?? 250, options.signal);
  }
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}
