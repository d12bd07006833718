import { useEffect, useEffectEvent } from 'react';

/** What startVisibleInterval needs of the document: whether it is hidden, and its visibilitychange event. */
export type VisibilitySource = Pick<Document, 'hidden' | 'addEventListener' | 'removeEventListener'>;

/**
 * Calls `callback` every `intervalMs` while `source` (the page's document) is visible, and
 * returns the function that stops it. The next call is timed from the end of the previous
 * one (a callback returning a promise is waited for), so slow answers never pile up. A tick
 * that falls while the tab is hidden is skipped and the timer stops (a hidden tab sends no
 * requests nobody sees); when the tab is shown again, one call catches up at once and the
 * rhythm resumes. The `signal` passed to `callback` is aborted when the interval stops.
 * `intervalMs` must be > 0.
 */
export function startVisibleInterval(callback: (signal: AbortSignal) => void | Promise<unknown>, intervalMs: number, source: VisibilitySource = document): () => void {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let missed = false;
  let running = false;
  const schedule = () => {
    if (!controller.signal.aborted) timer = setTimeout(onTimer, intervalMs);
  };
  const run = async () => {
    running = true;
    try {
      await callback(controller.signal);
    } catch {
      // The callback reports its own failures; the interval goes on.
    } finally {
      running = false;
    }
    schedule();
  };
  function onTimer() {
    timer = undefined;
    if (source.hidden) missed = true;
    else void run();
  }
  const onVisibility = () => {
    if (source.hidden || !missed || running || controller.signal.aborted) return;
    missed = false;
    void run();
  };
  source.addEventListener('visibilitychange', onVisibility);
  schedule();
  return () => {
    controller.abort();
    clearTimeout(timer);
    source.removeEventListener('visibilitychange', onVisibility);
  };
}

/**
 * Calls `callback` every `intervalMs` while the tab is visible (see startVisibleInterval);
 * never while `intervalMs` is 0 (or less). A change of `intervalMs`, or unmounting, stops
 * the interval and aborts the `signal` of the call under way. `callback` is always the
 * latest one given (it need not be memoised, and changing it does not restart the rhythm).
 */
export function useVisibleInterval(callback: (signal: AbortSignal) => void | Promise<unknown>, intervalMs: number): void {
  const onTick = useEffectEvent(callback);
  useEffect(() => {
    if (!(intervalMs > 0)) return;
    return startVisibleInterval((signal) => onTick(signal), intervalMs);
  }, [intervalMs]);
}
