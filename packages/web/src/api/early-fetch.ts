/**
 * Requests that index.html starts before the app's script has loaded (the landing page's
 * data, the opened trace), so that the answer is on its way while the browser parses the
 * script. index.html keeps them in `window.pharosEarlyFetches` by URL; the API client takes
 * one instead of fetching again when its URL matches exactly (early-fetch.test.ts holds
 * index.html to the client's URLs). Each is used at most once, so a refresh always asks the
 * server anew.
 */

/**
 * How old an early request for a range relative to now (`start=now-1h&end=now`) may be and
 * still stand in for a new one: the server resolved `now` when it arrived, and the clock has
 * moved on since. Other answers (a trace, an absolute range) do not depend on when they were
 * asked, so a slow start never throws them away.
 */
export const MAX_RELATIVE_EARLY_FETCH_AGE_MS = 5_000;

interface EarlyFetch {
  startedMs: number;
  response: Promise<Response>;
}

/** Whether the answer to `url` (path and query) depends on when it was asked: a `start` or `end` relative to now. */
function isRelativeToNow(url: string): boolean {
  const query = new URLSearchParams(url.split('?')[1] ?? '');
  return [query.get('start'), query.get('end')].some((value) => value !== null && value.startsWith('now'));
}

/**
 * The early request for `url` (path and query, exactly as the client builds it), taken out of
 * the store; undefined when there is none, or when it is relative to now and older than
 * MAX_RELATIVE_EARLY_FETCH_AGE_MS at `nowMs`.
 */
export function takeEarlyFetch(url: string, nowMs: number = Date.now()): Promise<Response> | undefined {
  const store = (window as unknown as { pharosEarlyFetches?: Record<string, EarlyFetch | undefined> }).pharosEarlyFetches;
  const early = store?.[url];
  if (store === undefined || early === undefined) return undefined;
  delete store[url];
  if (isRelativeToNow(url) && nowMs - early.startedMs > MAX_RELATIVE_EARLY_FETCH_AGE_MS) return undefined;
  return early.response;
}
