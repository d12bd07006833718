import { memo } from 'react';
import type { TraceSummary } from '../../api';
import { Link } from '../../components/Link';
import { formatDurationNs, formatTimeUnixNano } from '../../model/format';
import { buildTraceHref } from '../../model/hrefs';
import type { TimeRange } from '../../model/time-range';

/**
 * The found traces, one row each in the given order: root service and operation (a link to the
 * trace), duration with a bar relative to `longestNs`, span and error counts, the services
 * involved (chips in their `colors`, with span counts) and the start time. Hovering or focusing
 * a row reports its trace id through `onHighlight` (the plot rings its point). Memoised: a
 * highlight changes the plot, not the rows.
 */
export const TraceResultList = memo(function TraceResultList({
  traces,
  longestNs,
  colors,
  range,
  onHighlight,
}: {
  traces: readonly TraceSummary[];
  longestNs: number;
  colors: ReadonlyMap<string, string>;
  range: TimeRange;
  onHighlight: (traceId: string | undefined) => void;
}) {
  return (
    <ul className="trace-list" aria-label="Traces found">
      {traces.map((trace) => {
        const title = trace.rootSpanName || 'root span not received';
        return (
          <li
            key={trace.traceId}
            className={`trace-item${trace.errorCount > 0 ? ' has-errors' : ''}`}
            data-trace-id={trace.traceId}
            data-duration-ns={trace.durationNs}
            onMouseEnter={() => onHighlight(trace.traceId)}
            onMouseLeave={() => onHighlight(undefined)}
            onFocus={() => onHighlight(trace.traceId)}
            onBlur={() => onHighlight(undefined)}
          >
            <div className="trace-head">
              <Link href={buildTraceHref(trace.traceId, range)} className="trace-link">
                <span className="service-dot" style={{ background: colors.get(trace.rootServiceName) }} aria-hidden="true" />
                <span className="trace-title">
                  <strong>{trace.rootServiceName}</strong>: {trace.rootSpanName === '' ? <em>{title}</em> : title}
                </span>
              </Link>
              <span className="trace-duration">{formatDurationNs(trace.durationNs)}</span>
            </div>
            <div className="trace-bar" aria-hidden="true">
              <span className={trace.errorCount > 0 ? 'has-errors' : undefined} style={{ width: `${Math.max(0.5, (Number(trace.durationNs) / Math.max(1, longestNs)) * 100)}%` }} />
            </div>
            <div className="trace-meta">
              <span className="trace-spans">
                {trace.spanCount} span{trace.spanCount === 1 ? '' : 's'}
              </span>
              {trace.errorCount > 0 && (
                <span className="error-badge">
                  <span aria-hidden="true">⚠ </span>
                  {trace.errorCount} error{trace.errorCount === 1 ? '' : 's'}
                </span>
              )}
              <span className="services-involved">
                {trace.services.map((s) => (
                  <span
                    key={s.name}
                    className={`service-chip${s.errorCount > 0 ? ' has-errors' : ''}`}
                    style={{ borderColor: colors.get(s.name) }}
                    title={`${s.name}: ${s.spanCount} span${s.spanCount === 1 ? '' : 's'}${s.errorCount > 0 ? `, ${s.errorCount} with errors` : ''}`}
                  >
                    {s.name} ({s.spanCount})
                    {s.errorCount > 0 && (
                      <>
                        {' '}
                        <span className="chip-errors" role="img" aria-label={`${s.errorCount} with errors`}>
                          ⚠{s.errorCount}
                        </span>
                      </>
                    )}
                  </span>
                ))}
              </span>
              <time className="trace-start muted" dateTime={new Date(Number(BigInt(trace.startTimeUnixNano) / 1_000_000n)).toISOString()}>
                {formatTimeUnixNano(trace.startTimeUnixNano)}
              </time>
              <code className="muted trace-id" title={trace.traceId}>
                {trace.traceId.slice(0, 16)}
              </code>
            </div>
          </li>
        );
      })}
    </ul>
  );
});
