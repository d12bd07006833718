import { afterEach, describe, expect, it, vi } from 'vitest';
import indexHtml from '../../index.html?raw';
import servicesPageSource from '../pages/Services/ServicesPage.tsx?raw';
import { TIME_RANGES, parseTimeRange, rangeParams } from '../model/time-range.js';
import { ApiError, fetchServicesSummary, fetchTrace } from './client.js';
import { MAX_RELATIVE_EARLY_FETCH_AGE_MS, takeEarlyFetch } from './early-fetch.js';

/*
 * index.html starts the landing page's request and the opened trace's before the app has
 * loaded, building their URLs by its own rules (it cannot import the app). These tests run its
 * inline scripts as the browser would, with `window`, `document` and `fetch` stood in, and hold
 * the URLs they fetch to the ones the app's client asks for on the same page; then they check
 * that the client takes the early answer instead of asking again.
 */

/** The inline (classic, attribute-less) scripts of index.html, in document order. */
const INLINE_SCRIPTS = [...indexHtml.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);

/** The services page's sparkline buckets, as ServicesPage.tsx asks for them. */
const SERVICES_PAGE_BUCKETS = (() => {
  const constant = /const BUCKETS = (\d+);/.exec(servicesPageSource);
  if (constant === null || !/fetchServicesSummary\(.*\bBUCKETS\b/.test(servicesPageSource)) {
    throw new Error('ServicesPage.tsx no longer asks fetchServicesSummary for `const BUCKETS = <n>;` buckets: update this test, and index.html');
  }
  return Number(constant[1]);
})();

type EarlyStore = Record<string, { startedMs: number; response: Promise<Response> } | undefined>;

/** An API error answer; its code tells which request answered. */
const errorAnswer = (code: string) => new Response(JSON.stringify({ error: { code, message: `answered by ${code}` } }), { status: 503, headers: { 'content-type': 'application/json' } });

/** Opens `pathAndQuery` as far as index.html's inline scripts go: what they fetched, and the store they left. */
function openIndexHtml(pathAndQuery: string, nowMs = Date.now()): { fetched: string[]; store: EarlyStore | undefined } {
  const url = new URL(pathAndQuery, 'http://pharos.test');
  const fakeWindow: { location: { pathname: string; search: string }; localStorage: { getItem(key: string): string | null }; pharosEarlyFetches?: EarlyStore } = {
    location: { pathname: url.pathname, search: url.search },
    localStorage: { getItem: () => null },
  };
  const fakeDocument = { documentElement: { setAttribute: () => undefined } };
  const fetched: string[] = [];
  const earlyFetch = (input: string) => {
    fetched.push(input);
    return Promise.resolve(errorAnswer('EARLY'));
  };
  for (const script of INLINE_SCRIPTS) {
    // The script's free names are the browser's globals: here, these parameters.
    new Function('window', 'document', 'fetch', 'URLSearchParams', 'Date', script)(fakeWindow, fakeDocument, earlyFetch, URLSearchParams, { now: () => nowMs });
  }
  return { fetched, store: fakeWindow.pharosEarlyFetches };
}

/** Calls the client with `store` as the early requests: the URLs it fetched itself, and which request answered. */
async function askClient(store: EarlyStore | undefined, call: () => Promise<unknown>): Promise<{ fetched: string[]; answeredBy: string }> {
  const fetched: string[] = [];
  vi.stubGlobal('window', { pharosEarlyFetches: store });
  vi.stubGlobal('fetch', (input: string) => {
    fetched.push(input);
    return Promise.resolve(errorAnswer('CLIENT'));
  });
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected the stand-in's ApiError, got ${String(error)}`);
  return { fetched, answeredBy: error.code };
}

/** The URL the services page's client asks for on a page with `search`. */
const servicesPageCall = (search: string) => () => fetchServicesSummary(rangeParams(parseTimeRange(new URLSearchParams(search))), SERVICES_PAGE_BUCKETS);

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("index.html's early requests", () => {
  it('finds its three inline scripts (theme, services summary, trace)', () => {
    expect(INLINE_SCRIPTS).toHaveLength(3);
    expect(SERVICES_PAGE_BUCKETS).toBeGreaterThan(0);
  });

  const servicesPages: string[] = [
    '',
    ...TIME_RANGES.map((r) => `range=${r.id}`),
    'from=1764064800000&to=1764068400000',
    // Absolute wins over relative, as in the app.
    'range=15m&from=1764064800000&to=1764068400000',
    'from=1764064800000&to=1764064801000',
  ];
  for (const search of servicesPages) {
    for (const path of ['/', '/services', '/services/']) {
      it(`asks for exactly the services summary the app asks for on ${path}?${search}`, async () => {
        const app = await askClient(undefined, servicesPageCall(search));
        expect(app.fetched).toHaveLength(1);
        const early = openIndexHtml(`${path}?${search}`);
        expect(early.fetched).toEqual(app.fetched);
        expect(Object.keys(early.store ?? {})).toEqual(app.fetched);

        // The client takes it, once: no second request, and the next call asks the server.
        const withEarly = await askClient(early.store, servicesPageCall(search));
        expect(withEarly).toEqual({ fetched: [], answeredBy: 'EARLY' });
        expect(await askClient(early.store, servicesPageCall(search))).toEqual({ fetched: app.fetched, answeredBy: 'CLIENT' });
      });
    }
  }

  // Ranges index.html leaves to the app (or reads as the app does): it may skip the early
  // request, but what it asks for must be what the app asks for.
  const otherSearches = ['range=90m', 'range=bogus', 'range=', 'range=1H', 'range=0h', 'from=1764064800000', 'from=1764064800000&to=1764064800500', 'from=1764064800000&to=1764064800999', 'from=abc&to=def&range=6h', 'from=-5&to=1764064800000', 'from=1764068400000&to=1764064800000'];
  for (const search of otherSearches) {
    it(`never asks for a summary the app would not on /?${search}`, async () => {
      const app = await askClient(undefined, servicesPageCall(search));
      const early = openIndexHtml(`/?${search}`);
      for (const url of early.fetched) expect(url).toBe(app.fetched[0]);
    });
  }

  const traceIds = ['5b8efff798038103d269b633813fc60c', 'trace with spaces/and slash', 'ünïcode-id'];
  for (const traceId of traceIds) {
    it(`asks for exactly the trace the app asks for on /traces/${traceId}`, async () => {
      const app = await askClient(undefined, () => fetchTrace(traceId));
      expect(app.fetched).toHaveLength(1);
      for (const path of [`/traces/${encodeURIComponent(traceId)}`, `/traces/${encodeURIComponent(traceId)}/`]) {
        const early = openIndexHtml(`${path}?range=15m&span=abc`);
        expect(early.fetched).toEqual(app.fetched);
        expect(await askClient(early.store, () => fetchTrace(traceId))).toEqual({ fetched: [], answeredBy: 'EARLY' });
      }
    });
  }

  it('asks for nothing on the other pages, or for a malformed trace id', () => {
    for (const path of ['/logs?range=1h', '/traces?range=1h', '/traces/', '/service-map', '/services/checkout?range=1h', '/explore/metrics', '/traces/%E0%A4%A']) {
      expect(openIndexHtml(path).fetched, path).toEqual([]);
    }
  });
});

describe('takeEarlyFetch', () => {
  const response = Promise.resolve(errorAnswer('EARLY'));
  const relativeSummary = '/pharos/v1/services/summary?start=now-1h&end=now&buckets=30';
  const absoluteSummary = '/pharos/v1/services/summary?start=1764064800000&end=1764068400000&buckets=30';
  const traceUrl = '/pharos/v1/traces/5b8efff798038103d269b633813fc60c';

  const storeOf = (startedMs: number): EarlyStore => Object.fromEntries([relativeSummary, absoluteSummary, traceUrl].map((url) => [url, { startedMs, response }]));

  it('gives an early request once, by its exact URL', () => {
    vi.stubGlobal('window', { pharosEarlyFetches: storeOf(10_000) });
    expect(takeEarlyFetch(`${relativeSummary}&x=1`, 10_000)).toBeUndefined();
    expect(takeEarlyFetch(relativeSummary, 10_000)).toBe(response);
    expect(takeEarlyFetch(relativeSummary, 10_000)).toBeUndefined();
  });

  it('drops a range relative to now once older than the cap, and keeps the others however slow the start', () => {
    const startedMs = 10_000;
    const late = startedMs + MAX_RELATIVE_EARLY_FETCH_AGE_MS + 1;
    const store = storeOf(startedMs);
    vi.stubGlobal('window', { pharosEarlyFetches: store });
    expect(takeEarlyFetch(relativeSummary, late)).toBeUndefined();
    expect(store[relativeSummary]).toBeUndefined();
    expect(takeEarlyFetch(absoluteSummary, startedMs + 60_000)).toBe(response);
    expect(takeEarlyFetch(traceUrl, startedMs + 60_000)).toBe(response);

    vi.stubGlobal('window', { pharosEarlyFetches: storeOf(startedMs) });
    expect(takeEarlyFetch(relativeSummary, startedMs + MAX_RELATIVE_EARLY_FETCH_AGE_MS)).toBe(response);
  });

  it('gives nothing when index.html started nothing', () => {
    vi.stubGlobal('window', {});
    expect(takeEarlyFetch(traceUrl)).toBeUndefined();
  });
});
