import { useId } from 'react';
import type { OperationsSummaryResponse } from '../../api';
import { Link } from '../../components/Link';
import { SortableHeader, formatSortParam, type SortableColumn } from '../../components/SortableHeader';
import { Sparkline } from '../../components/Sparkline';
import { EmptyState } from '../../components/StateViews';
import { formatMs, formatPercent, formatRate, nsToMs } from '../../model/format';
import { useLocation, useSetSearchParams } from '../../model/router';
import type { TimeRange } from '../../model/time-range';
import { arrangeOperations, buildOperationTracesHref, isEntryOperation, parseOperationSort, type OperationSortKey } from './service-page-model';

const COLUMNS: Array<SortableColumn<OperationSortKey>> = [
  { key: 'name', label: 'Operation', numeric: false },
  { key: 'kind', label: 'Kind', numeric: false },
  { key: 'rate', label: 'Rate/s', numeric: true, title: 'Spans per second: requests for server and consumer operations, calls for client and producer ones' },
  { key: 'errorRate', label: 'Error %', numeric: true },
  { key: 'p50', label: 'p50 (ms)', numeric: true },
  { key: 'p95', label: 'p95 (ms)', numeric: true },
  { key: 'p99', label: 'p99 (ms)', numeric: true },
];

/**
 * The operations of a service with their rate, error rate, percentiles and sparklines,
 * sortable (`opSort=` in the URL). Entry operations (server, consumer) come first; the others
 * show with `kinds=all` (a checkbox), or anyway when the service has no entry operation. An
 * operation's name opens the traces of its spans (that name and kind).
 */
export function OperationsTable({ service, range, summary }: { service: string; range: TimeRange; summary: OperationsSummaryResponse }) {
  const { search } = useLocation();
  const setSearch = useSetSearchParams();
  const sort = parseOperationSort(search.get('opSort'));
  const entryCount = summary.operations.filter(isEntryOperation).length;
  const otherCount = summary.operations.length - entryCount;
  const otherKinds = [...new Set(summary.operations.filter((o) => !isEntryOperation(o)).map((o) => o.spanKind))].sort().join(', ');
  const showAllKinds = search.get('kinds') === 'all' || entryCount === 0;
  const rows = arrangeOperations(summary.operations, sort, showAllKinds);
  const toggleId = useId();

  if (summary.operations.length === 0) {
    return (
      <EmptyState title={`No spans from ${service} in this time range`}>
        <p>Choose a longer time range, or check that the service sends traces.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <div className="svc-operations-options">
        {entryCount > 0 && otherCount > 0 && (
          <label htmlFor={toggleId} className="svc-checkbox-label">
            <input id={toggleId} type="checkbox" checked={showAllKinds} onChange={(event) => setSearch({ kinds: event.target.checked ? 'all' : undefined }, { replace: true })} />
            {` Show all span kinds (${otherCount} more: ${otherKinds})`}
          </label>
        )}
        {entryCount === 0 && <span className="muted">No server or consumer spans: every operation of {service} is listed.</span>}
        {summary.operationCount > summary.operations.length && (
          <span className="muted">
            The {summary.operations.length} busiest of {summary.operationCount.toLocaleString('en-US')} operations.
          </span>
        )}
      </div>
      <table className="data-table operations-table">
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <SortableHeader key={column.key} column={column} sort={sort} onSort={(next) => setSearch({ opSort: formatSortParam(next) }, { replace: true })} />
            ))}
            <th scope="col">Spans over time</th>
            <th scope="col">Errors over time</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((operation) => (
            <tr key={`${operation.spanKind}:${operation.name}`} data-operation={operation.name} data-kind={operation.spanKind}>
              <th scope="row" className="operation-name">
                <Link href={buildOperationTracesHref(range, service, operation)} title={`Traces of ${operation.name} (${operation.spanKind} spans)`}>
                  {operation.name}
                </Link>
              </th>
              <td>
                <span className={`op-kind-badge kind-${operation.spanKind}`}>{operation.spanKind}</span>
              </td>
              <td className="num">{formatRate(operation.spansPerSecond)}</td>
              <td className={`num${operation.errorRate > 0 ? ' error-text' : ''}`}>{formatPercent(operation.errorRate)}</td>
              <td className="num">{formatMs(nsToMs(operation.p50DurationNs))}</td>
              <td className="num">{formatMs(nsToMs(operation.p95DurationNs))}</td>
              <td className="num">{formatMs(nsToMs(operation.p99DurationNs))}</td>
              <td>
                <Sparkline values={operation.buckets.map((b) => b.spans)} label={`${operation.name}: ${operation.spans} spans over the range`} width={100} />
              </td>
              <td className="error-sparkline">
                <Sparkline values={operation.buckets.map((b) => b.errors)} label={`${operation.name}: ${operation.errors} errors over the range`} width={100} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
