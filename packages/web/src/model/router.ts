import { useCallback, useSyncExternalStore } from 'react';

/**
 * A minimal client router over the History API: the location is the single source of
 * truth for page and page state (query string), so a reload or a copied link restores it.
 */

const NAVIGATE_EVENT = 'pharos:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

const currentHref = () => window.location.pathname + window.location.search;

/** Goes to `href` (path and query) without a reload; `replace` keeps the history entry. */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (href === currentHref()) return;
  if (options.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** The current location: path and parsed query. Re-renders on navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams; href: string } {
  const href = useSyncExternalStore(subscribe, currentHref);
  const url = new URL(href, 'http://localhost');
  return { pathname: url.pathname, search: url.searchParams, href };
}

/** Sets (or, for '' and undefined, removes) query parameters of the current location, keeping the others. */
export function useSetSearchParams(): (changes: Record<string, string | readonly string[] | undefined>, options?: { replace?: boolean }) => void {
  return useCallback((changes, options) => {
    const search = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(changes)) {
      search.delete(key);
      if (value === undefined) continue;
      for (const v of typeof value === 'string' ? [value] : value) if (v !== '') search.append(key, v);
    }
    const query = search.toString();
    navigate(window.location.pathname + (query === '' ? '' : `?${query}`), options);
  }, []);
}
