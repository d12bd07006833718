import { fetchErrorGroups } from '../../api';
import { Link } from '../../components/Link';
import { EmptyState, ErrorView, Loading } from '../../components/StateViews';
import { formatPercent, formatTimeUnixNano } from '../../model/format';
import { buildTraceHref, buildTracesHref } from '../../model/hrefs';
import { rangeParams, timeRangeKey, type TimeRange } from '../../model/time-range';
import { useAsync } from '../../model/use-async';
import { formatAgo } from './service-page-model';

/** How many error groups the section lists. */
const ERROR_GROUP_LIMIT = 10;

/**
 * A service's most frequent errors: its error spans grouped by exception type and message
 * (the status message for spans without exception), with the operations they occur in, when
 * they were last seen, and a link to the latest example trace and to all error traces.
 */
export function ErrorGroupsSection({ service, range }: { service: string; range: TimeRange }) {
  const state = useAsync(`errors:${service}:${timeRangeKey(range)}`, (signal) => fetchErrorGroups(service, { ...rangeParams(range), limit: ERROR_GROUP_LIMIT }, signal));
  const nowMs = Date.now();

  return (
    <section className="service-section" aria-labelledby="errors-title">
      <div className="svc-section-header">
        <h2 id="errors-title">Top errors</h2>
        <Link href={buildTracesHref({ range, service, status: 'error' })}>All error traces</Link>
      </div>
      {state.kind === 'loading' && <Loading what="errors" />}
      {state.kind === 'error' && <ErrorView what="errors" error={state.error} />}
      {state.kind === 'ready' && state.data.groups.length === 0 && <EmptyState title={`No error spans from ${service} in this time range`} />}
      {state.kind === 'ready' && state.data.groups.length > 0 && (
        <>
          <p className="muted svc-section-note">
            {state.data.errorSpans.toLocaleString('en-US')} error {state.data.errorSpans === 1 ? 'span' : 'spans'} in {state.data.groupCount.toLocaleString('en-US')}{' '}
            {state.data.groupCount === 1 ? 'group' : 'groups'}
            {state.data.groupCount > state.data.groups.length ? `; the ${state.data.groups.length} most frequent:` : ', grouped by exception type and message:'}
          </p>
          <table className="data-table error-groups-table">
            <thead>
              <tr>
                <th scope="col">Error</th>
                <th scope="col" className="num">
                  Spans
                </th>
                <th scope="col">Operations</th>
                <th scope="col">Last seen</th>
                <th scope="col">Example</th>
              </tr>
            </thead>
            <tbody>
              {state.data.groups.map((group) => (
                <tr key={`${group.exceptionType}\u0000${group.message}`} data-exception-type={group.exceptionType}>
                  <th scope="row" className="error-group-cell">
                    <span className="error-group-type">{group.exceptionType === '' ? <span className="muted">no exception</span> : group.exceptionType}</span>
                    <span className="error-group-message" title={group.message}>
                      {group.message === '' ? <span className="muted">(no message)</span> : group.message}
                    </span>
                  </th>
                  <td className="num">
                    {group.spans.toLocaleString('en-US')}
                    <div className="muted error-group-share">{formatPercent(group.spans / state.data.errorSpans)}</div>
                  </td>
                  <td className="error-operations">
                    {group.operations.map((operation, i) => (
                      <span key={operation.name}>
                        {i > 0 && ', '}
                        <Link href={buildTracesHref({ range, service, operation: operation.name, status: 'error' })} title={`${operation.spans} error spans of ${operation.name}: their traces`}>
                          {operation.name}
                        </Link>
                      </span>
                    ))}
                    {group.operationCount > group.operations.length && <span className="muted"> and {group.operationCount - group.operations.length} more</span>}
                  </td>
                  <td title={`First seen ${formatTimeUnixNano(group.firstSeenUnixNano)}, last seen ${formatTimeUnixNano(group.lastSeenUnixNano)}`}>
                    <time dateTime={new Date(Number(BigInt(group.lastSeenUnixNano) / 1_000_000n)).toISOString()}>{formatAgo(group.lastSeenUnixNano, nowMs)}</time>
                  </td>
                  <td>
                    <Link href={buildTraceHref(group.exampleTraceId, range)} aria-label={`${group.exampleTraceId.slice(0, 8)}: example trace of ${group.exceptionType || 'error'}: ${group.message}`}>
                      <code>{group.exampleTraceId.slice(0, 8)}</code>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
