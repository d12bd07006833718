import { Suspense, useEffect, useRef, useState } from 'react';
import { ErrorBoundary } from './components/ErrorBoundary';
import { lazyPage } from './components/lazy-page';
import { Link } from './components/Link';
import { Loading } from './components/StateViews';
import { ThemeToggle } from './components/ThemeToggle';
import { TimeRangePicker } from './components/TimeRangePicker';
import { ServicesPage } from './pages/Services/ServicesPage';

// The landing page is in the main script; the others are chunks of their own, loaded when
// first opened (or, for the page a URL opens, by main.tsx before the first render), so that
// the services page has less script to parse before it shows (the issue's 1 s with 50 services).
const ServicePage = lazyPage(() => import('./pages/Service/ServicePage').then((m) => m.ServicePage));
const ServiceMapPage = lazyPage(() => import('./pages/ServiceMap/ServiceMapPage').then((m) => m.ServiceMapPage));
const TracePage = lazyPage(() => import('./pages/Trace/TracePage').then((m) => m.TracePage));
const TracesPage = lazyPage(() => import('./pages/Traces/TracesPage').then((m) => m.TracesPage));
const LogsPage = lazyPage(() => import('./pages/Logs/LogsPage').then((m) => m.LogsPage));
const MetricsExplorerPage = lazyPage(() => import('./pages/MetricsExplorer/MetricsExplorerPage').then((m) => m.MetricsExplorerPage));
import { RefreshTickContext, parseRefreshInterval, refreshIntervalMs } from './model/refresh';
import { useLocation, useSetSearchParams } from './model/router';
import { parseTimeRange, timeRangeQuery, timeRangeSearch } from './model/time-range';
import { useVisibleInterval } from './model/use-visible-interval';

type Route =
  | { page: 'services' }
  | { page: 'service'; service: string }
  | { page: 'service-map' }
  | { page: 'traces' }
  | { page: 'trace'; traceId: string }
  | { page: 'metrics' }
  | { page: 'logs' }
  | { page: 'not-found' };

function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '/services' || pathname === '/services/') return { page: 'services' };
  const service = /^\/services\/([^/]+)\/?$/.exec(pathname);
  if (service !== null) return { page: 'service', service: decodeURIComponent(service[1]) };
  if (pathname === '/service-map' || pathname === '/service-map/') return { page: 'service-map' };
  if (pathname === '/traces' || pathname === '/traces/') return { page: 'traces' };
  const trace = /^\/traces\/([^/]+)\/?$/.exec(pathname);
  if (trace !== null) return { page: 'trace', traceId: decodeURIComponent(trace[1]) };
  if (pathname === '/explore/metrics' || pathname === '/explore/metrics/') return { page: 'metrics' };
  if (pathname === '/logs' || pathname === '/logs/') return { page: 'logs' };
  return { page: 'not-found' };
}

const LAZY_PAGES: Partial<Record<Route['page'], { preload(): Promise<void> }>> = {
  service: ServicePage,
  'service-map': ServiceMapPage,
  traces: TracesPage,
  trace: TracePage,
  metrics: MetricsExplorerPage,
  logs: LogsPage,
};

/** Loads the script of the page `pathname` opens (nothing for the landing page); never rejects. */
export async function preloadPage(pathname: string): Promise<void> {
  try {
    await LAZY_PAGES[matchRoute(pathname).page]?.preload();
  } catch {
    // The page's own Suspense load reports the failure through the error boundary.
  }
}

/**
 * Bumps a counter every `intervalMs` (never when 0) and on demand: the refresh tick. A hidden
 * tab skips its ticks (no requests nobody sees) and catches up once when shown again
 * (useVisibleInterval).
 */
function useRefreshTicker(intervalMs: number): [number, () => void] {
  const [tick, setTick] = useState(0);
  useVisibleInterval(() => setTick((n) => n + 1), intervalMs);
  return [tick, () => setTick((n) => n + 1)];
}

const PAGE_TITLES: Record<Route['page'], string> = {
  services: 'Services',
  service: 'Service',
  'service-map': 'Service map',
  traces: 'Traces',
  trace: 'Trace',
  metrics: 'Metrics',
  logs: 'Logs',
  'not-found': 'Not found',
};

/** The tab's title for `route`: the page, and the service or trace it shows. */
function buildDocumentTitle(route: Route): string {
  const detail = route.page === 'service' ? `${route.service} · ` : route.page === 'trace' ? `${route.traceId.slice(0, 8)} · ` : '';
  return `${detail}${PAGE_TITLES[route.page]} · Pharos`;
}

/**
 * Names the page in the tab's title, and after a move to another page puts focus on the main
 * region, so that a screen reader announces the new page and Tab starts from its top.
 */
function usePageChange(route: Route, pathname: string): void {
  const title = buildDocumentTitle(route);
  useEffect(() => {
    document.title = title;
  }, [title]);
  const shownPathname = useRef(pathname);
  useEffect(() => {
    if (pathname === shownPathname.current) return;
    shownPathname.current = pathname;
    document.getElementById('main')?.focus();
  }, [pathname]);
}

/** The app shell: header (nav, time range, refresh, theme), then the page the URL names. */
export function App() {
  const { pathname, search } = useLocation();
  const setSearch = useSetSearchParams();
  const range = parseTimeRange(search);
  const refresh = parseRefreshInterval(search.get('refresh'));
  const [tick, refreshNow] = useRefreshTicker(refreshIntervalMs(refresh));
  const route = matchRoute(pathname);
  usePageChange(route, pathname);
  const navHref = (path: string) => `${path}?${timeRangeSearch(range)}${refresh === 'off' ? '' : `&refresh=${refresh}`}`;

  return (
    <RefreshTickContext.Provider value={tick}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link href={navHref('/')} className="brand" aria-label="Pharos home">
          <span aria-hidden="true">◉</span> Pharos
        </Link>
        <nav aria-label="Main">
          <Link href={navHref('/')} aria-current={route.page === 'services' || route.page === 'service' ? 'page' : undefined}>
            Services
          </Link>
          <Link href={navHref('/service-map')} aria-current={route.page === 'service-map' ? 'page' : undefined}>
            Service map
          </Link>
          <Link href={navHref('/traces')} aria-current={route.page === 'traces' || route.page === 'trace' ? 'page' : undefined}>
            Traces
          </Link>
          <Link href={navHref('/explore/metrics')} aria-current={route.page === 'metrics' ? 'page' : undefined}>
            Metrics
          </Link>
          <Link href={navHref('/logs')} aria-current={route.page === 'logs' ? 'page' : undefined}>
            Logs
          </Link>
        </nav>
        <div className="header-spacer" />
        {route.page !== 'trace' && (
          <TimeRangePicker
            value={range}
            onChange={(r) => setSearch(timeRangeQuery(r))}
            refresh={refresh}
            onRefreshChange={(r) => setSearch({ refresh: r === 'off' ? undefined : r })}
            onRefreshNow={refreshNow}
          />
        )}
        <ThemeToggle />
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary key={pathname} what="this page">
          <Suspense fallback={<Loading what="the page" />}>
            {route.page === 'services' && <ServicesPage range={range} />}
            {route.page === 'service' && <ServicePage key={route.service} service={route.service} range={range} />}
            {route.page === 'service-map' && <ServiceMapPage range={range} />}
            {route.page === 'traces' && <TracesPage range={range} />}
            {route.page === 'metrics' && <MetricsExplorerPage range={range} />}
            {route.page === 'logs' && <LogsPage range={range} />}
            {route.page === 'trace' && <TracePage key={route.traceId} traceId={route.traceId} range={range} />}
            {route.page === 'not-found' && (
              <section>
                <h1>Not found</h1>
                <p>
                  No page at <code>{pathname}</code>. <Link href={navHref('/')}>Go to Services</Link>.
                </p>
              </section>
            )}
          </Suspense>
        </ErrorBoundary>
      </main>
    </RefreshTickContext.Provider>
  );
}
