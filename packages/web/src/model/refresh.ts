import { createContext, useContext } from 'react';

/** The auto-refresh choices the header offers; the choice lives in the URL as `refresh=`. */
export const REFRESH_INTERVALS = [
  { id: 'off', label: 'Off', ms: 0 },
  { id: '5s', label: '5s', ms: 5_000 },
  { id: '10s', label: '10s', ms: 10_000 },
  { id: '30s', label: '30s', ms: 30_000 },
  { id: '1m', label: '1m', ms: 60_000 },
] as const;

export type RefreshIntervalId = (typeof REFRESH_INTERVALS)[number]['id'];

/** The interval a `refresh=` value names; `off` for anything else. */
export function parseRefreshInterval(value: string | null): RefreshIntervalId {
  return REFRESH_INTERVALS.find((r) => r.id === value)?.id ?? 'off';
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
