import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startVisibleInterval, type VisibilitySource } from './use-visible-interval';

/** A stand-in for the document: `hidden` set by the test, visibilitychange dispatched on change. */
class FakeDocument extends EventTarget implements VisibilitySource {
  hidden = false;
  setHidden(hidden: boolean): void {
    this.hidden = hidden;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

describe('startVisibleInterval', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('calls back every interval while visible, and never after stop', async () => {
    const source = new FakeDocument();
    const callback = vi.fn();
    const stop = startVisibleInterval(callback, 1000, source);
    await vi.advanceTimersByTimeAsync(999);
    expect(callback).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(callback).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(callback).toHaveBeenCalledTimes(3);
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(callback).toHaveBeenCalledTimes(3);
  });

  it('skips ticks while hidden, stops its timer, and catches up once when shown', async () => {
    const source = new FakeDocument();
    const callback = vi.fn();
    const stop = startVisibleInterval(callback, 1000, source);
    source.setHidden(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(callback).toHaveBeenCalledTimes(0);
    // No timer is left running in the hidden tab.
    expect(vi.getTimerCount()).toBe(0);
    source.setHidden(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(callback).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(callback).toHaveBeenCalledTimes(2);
    stop();
  });

  it('does not catch up when no tick fell while hidden', async () => {
    const source = new FakeDocument();
    const callback = vi.fn();
    const stop = startVisibleInterval(callback, 1000, source);
    await vi.advanceTimersByTimeAsync(300);
    source.setHidden(true);
    await vi.advanceTimersByTimeAsync(300);
    source.setHidden(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(callback).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(400);
    expect(callback).toHaveBeenCalledTimes(1);
    stop();
  });

  it('times the next call from the end of a slow one, and aborts its signal on stop', async () => {
    const source = new FakeDocument();
    const signals: AbortSignal[] = [];
    const callback = vi.fn((signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<void>((resolve) => setTimeout(resolve, 2500));
    });
    const stop = startVisibleInterval(callback, 1000, source);
    await vi.advanceTimersByTimeAsync(1000);
    expect(callback).toHaveBeenCalledTimes(1);
    // Still answering at 3 s: no second call yet.
    await vi.advanceTimersByTimeAsync(2000);
    expect(callback).toHaveBeenCalledTimes(1);
    // Answered at 3.5 s; the next call at 4.5 s.
    await vi.advanceTimersByTimeAsync(1499);
    expect(callback).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(callback).toHaveBeenCalledTimes(2);
    expect(signals[1].aborted).toBe(false);
    stop();
    expect(signals[1].aborted).toBe(true);
  });

  it('goes on after a callback that throws', async () => {
    const source = new FakeDocument();
    const callback = vi.fn(() => Promise.reject(new Error('down')));
    const stop = startVisibleInterval(callback, 1000, source);
    await vi.advanceTimersByTimeAsync(3000);
    expect(callback).toHaveBeenCalledTimes(3);
    stop();
  });
});
