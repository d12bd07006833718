import { useEffect, useState } from 'react';
import { useRefreshTick } from './refresh';

/** The state of a request, by kind: the UI renders each kind, never a half-loaded mix. */
export type AsyncState<T> = { kind: 'loading' } | { kind: 'error'; error: Error } | { kind: 'ready'; data: T };

/**
 * Runs `load` whenever `key` changes (aborting the previous run) and returns its state.
 * `key` is a string so that callers state exactly what the request depends on.
 * A refresh (see RefreshTickContext) runs `load` again for the same key but keeps the
 * current state on screen until the new answer arrives, so auto-refresh never flickers.
 * Pass `{ refresh: false }` for a request whose answer cannot change (a stored trace by id).
 */
export function useAsync<T>(key: string, load: (signal: AbortSignal) => Promise<T>, options: { refresh?: boolean } = {}): AsyncState<T> {
  const globalTick = useRefreshTick();
  const tick = options.refresh === false ? 0 : globalTick;
  const [state, setState] = useState<{ key: string; value: AsyncState<T> }>({ key, value: { kind: 'loading' } });
  useEffect(() => {
    const controller = new AbortController();
    setState((current) => (current.key === key ? current : { key, value: { kind: 'loading' } }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ key, value: { kind: 'ready', data } });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ key, value: { kind: 'error', error: error instanceof Error ? error : new Error(String(error)) } });
      },
    );
    return () => controller.abort();
    // `key` stands for everything `load` depends on; `tick` asks for the same again.
  }, [key, tick]);
  return state.key === key ? state.value : { kind: 'loading' };
}
