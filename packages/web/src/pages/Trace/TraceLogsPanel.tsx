import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { ErrorView, Loading } from '../../components/StateViews';
import { formatAnyValue } from '../../model/attributes';
import { formatDurationNs } from '../../model/format';
import { SEVERITY_COLORS, severityBandOf } from '../../model/log-severity';
import type { TraceLogs } from '../../model/trace-logs';
import type { Waterfall } from '../../model/trace-tree';
import type { TraceLogsState } from './use-trace-logs';

const LOG_ROW_HEIGHT = 28;

/** A signed offset from the trace start: `+12.3ms`, `-1.20s` (a record written before the first span). */
function formatOffsetNs(offsetNs: number): string {
  return `${offsetNs < 0 ? '-' : '+'}${formatDurationNs(Math.abs(Math.round(offsetNs)))}`;
}

/**
 * The trace's log records in time order, each with its span (a button that selects it);
 * virtualised, since a big trace can carry thousands.
 */
export function TraceLogsPanel({ state, logs, waterfall, colors, selectedIndex, onSelectRow }: { state: TraceLogsState; logs: TraceLogs; waterfall: Waterfall; colors: Map<string, string>; selectedIndex: number; onSelectRow: (rowIndex: number) => void }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const { entries } = logs;
  const virtualizer = useVirtualizer({ count: entries.length, getScrollElement: () => scrollRef.current, estimateSize: () => LOG_ROW_HEIGHT, overscan: 8 });
  return (
    <section className="trace-logs" aria-labelledby="trace-logs-title">
      <h2 id="trace-logs-title">
        Logs of this trace{' '}
        {state.kind === 'ready' && (
          <span className="muted">
            ({entries.length.toLocaleString('en-US')}
            {state.hasMore ? '+' : ''})
          </span>
        )}
      </h2>
      {state.kind === 'loading' && <Loading what="the trace's logs" />}
      {state.kind === 'error' && state.error !== undefined && <ErrorView what="the trace's logs" error={state.error} />}
      {state.kind === 'ready' && entries.length === 0 && <p className="muted">No log records carry this trace's id (searched from five minutes before the trace to five minutes after it).</p>}
      {entries.length > 0 && (
        <div className="trace-log-scroll" ref={scrollRef}>
          <ol className="trace-log-list" style={{ height: virtualizer.getTotalSize() }} aria-label="Log records in time order">
            {virtualizer.getVirtualItems().map((item) => {
              const entry = entries[item.index];
              const row = entry.rowIndex >= 0 ? waterfall.rows[entry.rowIndex] : undefined;
              const band = severityBandOf(entry.record.severityNumber);
              const body = formatAnyValue(entry.record.body);
              return (
                <li
                  key={item.index}
                  className={`trace-log-item${row !== undefined && row.index === selectedIndex ? ' selected' : ''}`}
                  data-severity={band}
                  style={{ transform: `translateY(${item.start}px)`, height: LOG_ROW_HEIGHT }}
                  aria-setsize={entries.length}
                  aria-posinset={item.index + 1}
                >
                  <span className="log-offset">{formatOffsetNs(entry.offsetNs)}</span>
                  <span className="severity-badge" style={{ borderColor: SEVERITY_COLORS[band] }}>
                    {entry.record.severityText || band.toUpperCase()}
                  </span>
                  <span className="log-service">
                    <span className="service-dot" style={{ background: colors.get(entry.record.serviceName) ?? 'gray' }} aria-hidden="true" />
                    {entry.record.serviceName}
                  </span>
                  {row !== undefined ? (
                    <button type="button" className="log-span-button link-button" onClick={() => onSelectRow(row.index)} title={`Select span ${row.span.name}`}>
                      {row.span.name}
                    </button>
                  ) : (
                    <span className="log-span-button muted">{entry.record.spanId === '' ? 'no span' : 'span not in trace'}</span>
                  )}
                  <span className="log-body" title={body}>
                    {body}
                  </span>
                </li>
              );
            })}
          </ol>
        </div>
      )}
      {state.hasMore && (
        <button type="button" onClick={state.loadMore} disabled={state.loadingMore}>
          {state.loadingMore ? 'Loading…' : 'Load more logs'}
        </button>
      )}
      {state.kind === 'ready' && state.error !== undefined && <ErrorView what="more logs" error={state.error} />}
    </section>
  );
}
