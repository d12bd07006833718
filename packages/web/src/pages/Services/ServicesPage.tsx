import { useMemo } from 'react';
import { fetchServicesSummary, type ServiceSummary } from '../../api';
import { Link } from '../../components/Link';
import { SortableHeader, formatSortParam, type SortableColumn, type TableSort } from '../../components/SortableHeader';
import { Sparkline } from '../../components/Sparkline';
import { EmptyState, ErrorView, Loading } from '../../components/StateViews';
import { formatMs, formatPercent, formatRate, nsToMs } from '../../model/format';
import { buildServiceHref, buildTracesHref } from '../../model/hrefs';
import { useLocation, useSetSearchParams } from '../../model/router';
import { rangeParams, timeRangeKey, type TimeRange } from '../../model/time-range';
import { useAsync } from '../../model/use-async';

/** Sparkline buckets; index.html starts the request with this number early: keep them in step. */
const BUCKETS = 30;

type SortKey = 'name' | 'requestsPerSecond' | 'errorRate' | 'p50' | 'p95' | 'p99';

const COLUMNS: Array<SortableColumn<SortKey>> = [
  { key: 'name', label: 'Service', numeric: false },
  { key: 'requestsPerSecond', label: 'Req/s', numeric: true },
  { key: 'errorRate', label: 'Error %', numeric: true },
  { key: 'p50', label: 'p50 (ms)', numeric: true },
  { key: 'p95', label: 'p95 (ms)', numeric: true },
  { key: 'p99', label: 'p99 (ms)', numeric: true },
];

function sortValue(service: ServiceSummary, key: SortKey): number | string {
  switch (key) {
    case 'name':
      return service.name;
    case 'requestsPerSecond':
      return service.requestsPerSecond;
    case 'errorRate':
      return service.errorRate;
    case 'p50':
      return nsToMs(service.p50DurationNs) ?? -1;
    case 'p95':
      return nsToMs(service.p95DurationNs) ?? -1;
    case 'p99':
      return nsToMs(service.p99DurationNs) ?? -1;
  }
}

/** The table's order from `sort=` (`-errorRate`: largest first); by default by name, A-Z. */
function parseSort(value: string | null): TableSort<SortKey> {
  const descending = value?.startsWith('-') ?? false;
  const column = COLUMNS.find((c) => c.key === (value ?? '').replace(/^-/, ''));
  return column === undefined ? { key: 'name', descending: false } : { key: column.key, descending };
}

/**
 * `/`: one row per service with its RED metrics over the range, each name leading to the
 * service's page and a second link to its traces. Sort and name filter live in the URL
 * (`sort=-errorRate&filter=pay`).
 */
export function ServicesPage({ range }: { range: TimeRange }) {
  const { search } = useLocation();
  const setSearch = useSetSearchParams();
  const sort = parseSort(search.get('sort'));
  const filter = search.get('filter') ?? '';
  const state = useAsync(`summary:${timeRangeKey(range)}`, (signal) => fetchServicesSummary(rangeParams(range), BUCKETS, signal));
  const total = state.kind === 'ready' ? state.data.services.length : 0;

  const sorted = useMemo(() => {
    if (state.kind !== 'ready') return [];
    const direction = sort.descending ? -1 : 1;
    const needle = filter.trim().toLowerCase();
    const shown = needle === '' ? state.data.services : state.data.services.filter((s) => s.name.toLowerCase().includes(needle));
    return [...shown].sort((a, b) => {
      const va = sortValue(a, sort.key);
      const vb = sortValue(b, sort.key);
      const order = typeof va === 'string' && typeof vb === 'string' ? va.localeCompare(vb) : Number(va) - Number(vb);
      return order !== 0 ? order * direction : a.name.localeCompare(b.name);
    });
  }, [state, sort.key, sort.descending, filter]);

  return (
    <section aria-labelledby="services-title">
      <div className="page-title-row">
        <h1 id="services-title">Services</h1>
        {total > 0 && (
          <label className="services-filter">
            <span className="visually-hidden">Filter services by name</span>
            <input type="search" placeholder="Filter services" aria-label="Filter services by name" value={filter} onChange={(e) => setSearch({ filter: e.target.value }, { replace: true })} />
          </label>
        )}
        {total > 0 && (
          <span className="muted" aria-live="polite">
            {sorted.length === total ? `${total} service${total === 1 ? '' : 's'}` : `${sorted.length} of ${total} services`}
          </span>
        )}
      </div>
      {state.kind === 'loading' && <Loading what="services" />}
      {state.kind === 'error' && <ErrorView what="services" error={state.error} />}
      {state.kind === 'ready' && total === 0 && <EmptyState title="No services in this time range" showSendData />}
      {state.kind === 'ready' && total > 0 && sorted.length === 0 && (
        <EmptyState title={`No service name contains “${filter}”`}>
          <p>Clear the filter to see all {total} services.</p>
        </EmptyState>
      )}
      {state.kind === 'ready' && sorted.length > 0 && (
        <table className="data-table services-table">
          <thead>
            <tr>
              {COLUMNS.map((column) => (
                <SortableHeader key={column.key} column={column} sort={sort} onSort={(next) => setSearch({ sort: formatSortParam(next) }, { replace: true })} />
              ))}
              <th scope="col">Requests over time</th>
              <th scope="col">
                <span className="visually-hidden">Links</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((service) => (
              <tr key={service.name} data-service={service.name}>
                <th scope="row">
                  <Link href={buildServiceHref(service.name, range)}>{service.name}</Link>
                </th>
                <td className="num">{formatRate(service.requestsPerSecond)}</td>
                <td className={`num${service.errorRate > 0 ? ' error-text' : ''}`}>{formatPercent(service.errorRate)}</td>
                <td className="num">{formatMs(nsToMs(service.p50DurationNs))}</td>
                <td className="num">{formatMs(nsToMs(service.p95DurationNs))}</td>
                <td className="num">{formatMs(nsToMs(service.p99DurationNs))}</td>
                <td>
                  <Sparkline values={service.buckets.map((b) => b.requests)} label={`${service.name}: ${service.requests} requests over the range`} />
                </td>
                <td>
                  <Link href={buildTracesHref({ range, service: service.name })} aria-label={`Traces of ${service.name}`} className="row-link">
                    Traces
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
