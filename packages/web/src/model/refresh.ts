import { createContext, useContext, useSyncExternalStore } from 'react';

/** The auto-refresh choices the header offers; the choice lives in the URL as `refresh=`. */
export const REFRESH_INTERVALS = [
  { id: 'off', label: 'Off', ms: 0 },
  { id: '5s', label: '5s', ms: 5_000 },
  { id: '10s', label: '10s', ms: 10_000 },
  { id: '30s', label: '30s', ms: 30_000 },
  { id: '1m', label: '1m', ms: 60_000 },
  { id: '5m', label: '5m', ms: 300_000 },
] as const;

export type RefreshIntervalId = (typeof REFRESH_INTERVALS)[number]['id'];

/** The interval a `refresh=` value names; `off` for anything else. */
export function parseRefreshInterval(value: string | null): RefreshIntervalId {
  return REFRESH_INTERVALS.find((r) => r.id === value)?.id ?? 'off';
}

/** The interval `id` in ms (0 for `off`). */
export function refreshIntervalMs(id: RefreshIntervalId): number {
  return REFRESH_INTERVALS.find((r) => r.id === id)?.ms ?? 0;
}

/**
 * A counter the app shell bumps on every refresh (the interval, or the Refresh button).
 * useAsync re-runs its request when it changes and keeps showing the previous data meanwhile.
 */
export const RefreshTickContext = createContext(0);

/** The current refresh tick (see RefreshTickContext). */
export function useRefreshTick(): number {
  return useContext(RefreshTickContext);
}

// How many refreshes (re-runs of a request whose old answer stays on screen) are under way,
// so that the header can show that new data is on its way without blanking the page.
let refreshingCount = 0;
const listeners = new Set<() => void>();

function setRefreshingCount(count: number): void {
  refreshingCount = count;
  for (const listener of listeners) listener();
}

/** Marks one refresh as started; call the returned function (once) when it has ended. */
export function beginRefresh(): () => void {
  setRefreshingCount(refreshingCount + 1);
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    setRefreshingCount(refreshingCount - 1);
  };
}

/** True while any refresh is under way (re-renders when that changes). */
export function useRefreshing(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    () => refreshingCount > 0,
  );
}
