/**
 * Requests that index.html starts before the app's script has loaded (the landing page's
 * data), so that the answer is on its way while the browser parses the script. index.html
 * keeps them in `window.pharosEarlyFetches` by URL; the API client takes one instead of
 * fetching again when its URL matches exactly and it is fresh. Each is used at most once, so
 * a refresh always asks the server anew.
 */

/** How old an early request may be and still stand in for a new one (relative ranges move with the clock). */
const MAX_EARLY_FETCH_AGE_MS = 5_000;

interface EarlyFetch {
  startedMs: number;
  response: Promise<Response>;
}

/** The early request for `url` (path and query, exactly as the client builds it), taken out of the store, or undefined. */
export function takeEarlyFetch(url: string): Promise<Response> | undefined {
  const store = (window as unknown as { pharosEarlyFetches?: Record<string, EarlyFetch | undefined> }).pharosEarlyFetches;
  const early = store?.[url];
  if (store === undefined || early === undefined) return undefined;
  delete store[url];
  return Date.now() - early.startedMs <= MAX_EARLY_FETCH_AGE_MS ? early.response : undefined;
}
