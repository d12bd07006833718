import { useEffect, useState } from 'react';
import { beginRefresh, useRefreshTick } from './refresh';

/** The state of a request, by kind: the UI renders each kind, never a half-loaded mix. */
export type AsyncState<T> = { kind: 'loading' } | { kind: 'error'; error: Error } | { kind: 'ready'; data: T };

/**
 * Runs `load` whenever `key` changes (aborting the previous run) and returns its state.
 * `key` is a string so that callers state exactly what the request depends on.
 * A refresh (see RefreshTickContext) runs `load` again for the same key but keeps the
 * current state on screen until the new answer arrives, so auto-refresh never flickers;
 * meanwhile the header shows that a refresh is under way (useRefreshing). A failed refresh
 * replaces the data with the error, so that stale data is never shown as current.
 * Pass `{ refresh: false }` for a request whose answer cannot change (a stored trace by id).
 */
export function useAsync<T>(key: string, load: (signal: AbortSignal) => Promise<T>, options: { refresh?: boolean } = {}): AsyncState<T> {
  const globalTick = useRefreshTick();
  const tick = options.refresh === false ? 0 : globalTick;
  const [state, setState] = useState<{ key: string; value: AsyncState<T> }>({ key, value: { kind: 'loading' } });
  useEffect(() => {
    const controller = new AbortController();
    // Same key with an answer on screen: a refresh, and the answer stays until the next one.
    const endRefresh = state.key === key && state.value.kind !== 'loading' ? beginRefresh() : undefined;
    setState((current) => (current.key === key ? current : { key, value: { kind: 'loading' } }));
    load(controller.signal)
      .then(
        (data) => {
          if (!controller.signal.aborted) setState({ key, value: { kind: 'ready', data } });
        },
        (error: unknown) => {
          if (!controller.signal.aborted) setState({ key, value: { kind: 'error', error: error instanceof Error ? error : new Error(String(error)) } });
        },
      )
      .finally(() => endRefresh?.());
    return () => {
      controller.abort();
      endRefresh?.();
    };
    // `key` stands for everything `load` depends on; `tick` asks for the same again; `state` is
    // read only to tell a refresh from a first load.
  }, [key, tick]);
  return state.key === key ? state.value : { kind: 'loading' };
}
