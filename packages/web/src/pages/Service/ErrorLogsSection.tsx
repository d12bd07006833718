import { searchLogs } from '../../api';
import { Link } from '../../components/Link';
import { EmptyState, ErrorView, Loading } from '../../components/StateViews';
import { formatAnyValue } from '../../model/attributes';
import { formatTimeUnixNano } from '../../model/format';
import { buildLogsHref, buildTraceHref } from '../../model/hrefs';
import { severityBandOf } from '../../model/log-severity';
import { recordTimeUnixNano } from '../../model/log-time';
import { rangeParams, timeRangeKey, type TimeRange } from '../../model/time-range';
import { useAsync } from '../../model/use-async';

/** How many records the section lists; the logs page has the rest. */
const ERROR_LOG_LIMIT = 20;

/** The newest error (and fatal) log records of a service, each with a link to its trace, and a link to all of them on the logs page. */
export function ErrorLogsSection({ service, range }: { service: string; range: TimeRange }) {
  const state = useAsync(`error-logs:${service}:${timeRangeKey(range)}`, (signal) =>
    searchLogs({ ...rangeParams(range), service, severity: 'error', limit: ERROR_LOG_LIMIT }, signal),
  );
  const logsHref = buildLogsHref({ range, service, severity: 'error' });

  return (
    <section className="service-section" aria-labelledby="error-logs-title">
      <div className="svc-section-header">
        <h2 id="error-logs-title">Recent error logs</h2>
        <Link href={logsHref}>Open in Logs</Link>
      </div>
      {state.kind === 'loading' && <Loading what="error logs" />}
      {state.kind === 'error' && <ErrorView what="error logs" error={state.error} />}
      {state.kind === 'ready' && state.data.logs.length === 0 && <EmptyState title={`No error logs from ${service} in this time range`} />}
      {state.kind === 'ready' && state.data.logs.length > 0 && (
        <>
          <ol className="error-log-list">
            {state.data.logs.map((record, i) => {
              const timeUnixNano = recordTimeUnixNano(record);
              const body = formatAnyValue(record.body);
              const band = severityBandOf(record.severityNumber);
              return (
                <li key={`${timeUnixNano}:${i}`} className="error-log" data-trace-id={record.traceId || undefined}>
                  <time className="log-time" dateTime={new Date(Number(BigInt(timeUnixNano) / 1_000_000n)).toISOString()}>
                    {formatTimeUnixNano(timeUnixNano)}
                  </time>
                  <span className={`severity-text severity-${band}`}>{record.severityText || band.toUpperCase()}</span>
                  <span className="error-log-body" title={body}>
                    {body}
                  </span>
                  {record.traceId !== '' ? (
                    <Link href={buildTraceHref(record.traceId, range)} className="error-log-trace" aria-label={`Trace of the log at ${formatTimeUnixNano(timeUnixNano)}`}>
                      Trace
                    </Link>
                  ) : (
                    <span className="error-log-trace muted" aria-hidden="true">
                      –
                    </span>
                  )}
                </li>
              );
            })}
          </ol>
          {state.data.nextCursor !== undefined && (
            <p className="muted svc-section-note">
              The {ERROR_LOG_LIMIT} newest; <Link href={logsHref}>see all in Logs</Link>.
            </p>
          )}
        </>
      )}
    </section>
  );
}
