import { useEffect, useState } from 'react';
import { Link } from './components/Link';
import { TimeRangePicker } from './components/TimeRangePicker';
import { ServicesPage } from './pages/Services/ServicesPage';
import { ServicePage } from './pages/Service/ServicePage';
import { ServiceMapPage } from './pages/ServiceMap/ServiceMapPage';
import { TracePage } from './pages/Trace/TracePage';
import { TracesPage } from './pages/Traces/TracesPage';
import { LogsPage } from './pages/Logs/LogsPage';
import { MetricsExplorerPage } from './pages/MetricsExplorer/MetricsExplorerPage';
import { REFRESH_INTERVALS, RefreshTickContext, parseRefreshInterval } from './model/refresh';
import { useLocation, useSetSearchParams } from './model/router';
import { parseTimeRange, timeRangeQuery, timeRangeSearch } from './model/time-range';

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

/** Bumps a counter every `intervalMs` (never when 0) and on demand: the refresh tick. */
function useRefreshTicker(intervalMs: number): [number, () => void] {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (intervalMs === 0) return;
    const timer = setInterval(() => setTick((n) => n + 1), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return [tick, () => setTick((n) => n + 1)];
}

/** The app shell: header (nav, time range, refresh), then the page the URL names. */
export function App() {
  const { pathname, search } = useLocation();
  const setSearch = useSetSearchParams();
  const range = parseTimeRange(search);
  const refresh = parseRefreshInterval(search.get('refresh'));
  const [tick, refreshNow] = useRefreshTicker(REFRESH_INTERVALS.find((r) => r.id === refresh)!.ms);
  const route = matchRoute(pathname);
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
      </header>
      <main id="main" tabIndex={-1}>
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
      </main>
    </RefreshTickContext.Provider>
  );
}
