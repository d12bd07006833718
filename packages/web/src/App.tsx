import { Link } from './components/Link';
import { TimeRangePicker } from './components/TimeRangePicker';
import { ServicesPage } from './pages/Services/ServicesPage';
import { TracePage } from './pages/Trace/TracePage';
import { TracesPage } from './pages/Traces/TracesPage';
import { LogsPage } from './pages/Logs/LogsPage';
import { MetricsExplorerPage } from './pages/MetricsExplorer/MetricsExplorerPage';
import { useLocation, useSetSearchParams } from './model/router';
import { parseTimeRange, type TimeRangeId } from './model/time-range';

type Route = { page: 'services' } | { page: 'traces' } | { page: 'trace'; traceId: string } | { page: 'metrics' } | { page: 'logs' } | { page: 'not-found' };

function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '/services') return { page: 'services' };
  if (pathname === '/traces' || pathname === '/traces/') return { page: 'traces' };
  const trace = /^\/traces\/([^/]+)\/?$/.exec(pathname);
  if (trace !== null) return { page: 'trace', traceId: decodeURIComponent(trace[1]) };
  if (pathname === '/explore/metrics' || pathname === '/explore/metrics/') return { page: 'metrics' };
  if (pathname === '/logs' || pathname === '/logs/') return { page: 'logs' };
  return { page: 'not-found' };
}

/** The app shell: header (nav, time range), then the page the URL names. */
export function App() {
  const { pathname, search } = useLocation();
  const setSearch = useSetSearchParams();
  const range = parseTimeRange(search.get('range'));
  const route = matchRoute(pathname);
  const navHref = (path: string) => `${path}?range=${range}`;

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link href={navHref('/')} className="brand" aria-label="Pharos home">
          <span aria-hidden="true">◉</span> Pharos
        </Link>
        <nav aria-label="Main">
          <Link href={navHref('/')} aria-current={route.page === 'services' ? 'page' : undefined}>
            Services
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
        {route.page !== 'trace' && <TimeRangePicker value={range} onChange={(r: TimeRangeId) => setSearch({ range: r })} />}
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'services' && <ServicesPage range={range} />}
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
    </>
  );
}
