import { useMemo } from 'react';
import type { OtlpSpanJson } from '../../api';
import { AttributeTable } from '../../components/AttributeTable';
import { Link } from '../../components/Link';
import type { CriticalPathSegment } from '../../model/critical-path';
import { formatAnyValue, findAttribute } from '../../model/attributes';
import { formatDurationNs, formatPercent, formatTimeUnixNano } from '../../model/format';
import { buildTraceHref } from '../../model/hrefs';
import { SEVERITY_COLORS, severityBandOf } from '../../model/log-severity';
import type { TimeRange } from '../../model/time-range';
import type { TraceLogEntry } from '../../model/trace-logs';
import { createOffsetFromUnixNano, spanKindName, statusCodeName, type Waterfall, type WaterfallRow } from '../../model/trace-tree';

interface SpanDetailsPanelProps {
  row: WaterfallRow;
  waterfall: Waterfall;
  color: string;
  /** The span's share of the critical path; undefined when it is not on it, 'pending' while it is being computed. */
  critical: { segments: CriticalPathSegment[]; totalNs: number } | 'pending' | undefined;
  logs: TraceLogEntry[];
  logsLoading: boolean;
  range: TimeRange;
  onSelectRow: (rowIndex: number) => void;
  onZoomToSpan: () => void;
  onClose: () => void;
}

/** The exception attributes shown as the event's headline and stack trace rather than in its table. */
const EXCEPTION_KEYS = new Set(['exception.type', 'exception.message', 'exception.stacktrace']);

/**
 * The selected span: status, kind, service, times, critical-path share, attributes,
 * events (exceptions with their stack traces), links, the span's logs and its resource.
 */
export function SpanDetailsPanel({ row, waterfall, color, critical, logs, logsLoading, range, onSelectRow, onZoomToSpan, onClose }: SpanDetailsPanelProps) {
  const { span } = row;
  const offsetOf = useMemo(() => createOffsetFromUnixNano(waterfall.traceStartUnixNano), [waterfall.traceStartUnixNano]);
  const parent = row.parentIndex >= 0 ? waterfall.rows[row.parentIndex] : undefined;
  const sinceSpanStart = (timeUnixNano: string) => `+${formatDurationNs(Math.max(0, offsetOf(timeUnixNano) - row.offsetNs))}`;
  return (
    <section
      className="span-detail-panel"
      aria-label={`Details of ${span.name}`}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      <header className="span-detail-header">
        <div>
          <div className="span-detail-service">
            <span className="service-dot" style={{ background: color }} aria-hidden="true" />
            {row.serviceName}
          </div>
          <h2>{span.name}</h2>
        </div>
        <div className="span-detail-actions">
          <button type="button" onClick={onZoomToSpan} title="Zoom the waterfall to this span">
            Zoom to span
          </button>
          <button type="button" onClick={onClose} aria-label="Close span details" title="Close">
            ✕
          </button>
        </div>
      </header>
      <dl className="span-facts">
        <dt>Status</dt>
        <dd className={row.isError ? 'error-text' : undefined}>
          {statusCodeName(span.status.code)}
          {span.status.message !== '' && `: ${span.status.message}`}
        </dd>
        <dt>Kind</dt>
        <dd>{spanKindName(span.kind)}</dd>
        <dt>Service</dt>
        <dd>{row.serviceName}</dd>
        <dt>Duration</dt>
        <dd>{formatDurationNs(row.durationNs)}</dd>
        <dt>Start</dt>
        <dd>
          {formatTimeUnixNano(span.startTimeUnixNano)} <span className="muted">(+{formatDurationNs(row.offsetNs)} into the trace)</span>
        </dd>
        <dt>Critical path</dt>
        <dd>
          {critical === 'pending' ? (
            '…'
          ) : critical === undefined ? (
            <span className="muted">not on it</span>
          ) : (
            `${formatDurationNs(critical.totalNs)} of its time (${formatPercent(row.durationNs > 0 ? critical.totalNs / row.durationNs : 1)})`
          )}
        </dd>
        <dt>Span id</dt>
        <dd>
          <code>{span.spanId}</code>
        </dd>
        <dt>Parent</dt>
        <dd>
          {parent !== undefined ? (
            <button type="button" className="link-button" onClick={() => onSelectRow(parent.index)}>
              {parent.serviceName}: {parent.span.name}
            </button>
          ) : span.parentSpanId !== '' ? (
            <span className="muted">
              <code>{span.parentSpanId}</code> (not in this trace)
            </span>
          ) : (
            <span className="muted">none (root span)</span>
          )}
        </dd>
        {row.childIndices.length > 0 && (
          <>
            <dt>Children</dt>
            <dd>{row.childIndices.length}</dd>
          </>
        )}
        <dt>Scope</dt>
        <dd>{row.scopeName === '' ? '–' : `${row.scopeName}${row.scopeVersion === '' ? '' : ` ${row.scopeVersion}`}`}</dd>
        {span.traceState !== '' && (
          <>
            <dt>Trace state</dt>
            <dd>
              <code>{span.traceState}</code>
            </dd>
          </>
        )}
      </dl>
      <AttributeTable title="Attributes" attributes={span.attributes} droppedCount={span.droppedAttributesCount} />
      <SpanEvents span={span} sinceSpanStart={sinceSpanStart} />
      <SpanLinks span={span} waterfall={waterfall} range={range} onSelectRow={onSelectRow} />
      <div className="detail-section">
        <h3>Logs {logs.length > 0 && <span className="muted">({logs.length})</span>}</h3>
        {logs.length === 0 ? (
          <p className="muted">{logsLoading ? 'Loading…' : 'No log records in this span.'}</p>
        ) : (
          <ol className="span-logs">
            {logs.map((entry, i) => {
              const band = severityBandOf(entry.record.severityNumber);
              return (
                <li key={i} className="span-log">
                  <div className="span-log-head">
                    <span className="event-offset">+{formatDurationNs(Math.max(0, entry.offsetNs - row.offsetNs))}</span>
                    <span className="severity-badge" style={{ borderColor: SEVERITY_COLORS[band] }}>
                      {entry.record.severityText || band.toUpperCase()}
                    </span>
                  </div>
                  <div className="span-log-body">{formatAnyValue(entry.record.body)}</div>
                  {entry.record.attributes.length > 0 && <AttributeTable attributes={entry.record.attributes} />}
                </li>
              );
            })}
          </ol>
        )}
      </div>
      <AttributeTable title="Resource" attributes={row.resourceAttributes} />
    </section>
  );
}

function SpanEvents({ span, sinceSpanStart }: { span: OtlpSpanJson; sinceSpanStart: (timeUnixNano: string) => string }) {
  return (
    <div className="detail-section">
      <h3>
        Events {span.events.length > 0 && <span className="muted">({span.events.length})</span>}
      </h3>
      {span.events.length === 0 ? (
        <p className="muted">none{span.droppedEventsCount > 0 && ` (${span.droppedEventsCount} dropped)`}</p>
      ) : (
        <ol className="span-events">
          {span.events.map((event, i) => {
            const isException = event.name === 'exception';
            const type = findAttribute(event.attributes, 'exception.type');
            const message = findAttribute(event.attributes, 'exception.message');
            const stacktrace = findAttribute(event.attributes, 'exception.stacktrace');
            const rest = isException ? event.attributes.filter((a) => !EXCEPTION_KEYS.has(a.key)) : event.attributes;
            return (
              <li key={i} className={`span-event${isException ? ' exception' : ''}`}>
                <div className="span-event-head">
                  <span className="event-offset">{sinceSpanStart(event.timeUnixNano)}</span> <strong>{event.name}</strong>
                </div>
                {isException && (type !== undefined || message !== undefined) && (
                  <p className="exception-message error-text">
                    {type}
                    {type !== undefined && message !== undefined && ': '}
                    {message}
                  </p>
                )}
                {isException && stacktrace !== undefined && (
                  <details open>
                    <summary>Stack trace</summary>
                    {/* Focusable so that a long trace can be scrolled by keyboard. */}
                    <pre className="stacktrace" tabIndex={0} role="region" aria-label={`Stack trace of ${type ?? 'the exception'}`}>
                      {stacktrace}
                    </pre>
                  </details>
                )}
                {rest.length > 0 && <AttributeTable attributes={rest} />}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

function SpanLinks({ span, waterfall, range, onSelectRow }: { span: OtlpSpanJson; waterfall: Waterfall; range: TimeRange; onSelectRow: (rowIndex: number) => void }) {
  return (
    <div className="detail-section">
      <h3>
        Links {span.links.length > 0 && <span className="muted">({span.links.length})</span>}
      </h3>
      {span.links.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <ul className="span-links">
          {span.links.map((link, i) => {
            const inThisTrace = link.traceId === span.traceId ? waterfall.rowIndexBySpanId.get(link.spanId) : undefined;
            const target = inThisTrace === undefined ? undefined : waterfall.rows[inThisTrace];
            return (
              <li key={i}>
                {target !== undefined ? (
                  <button type="button" className="link-button" onClick={() => onSelectRow(target.index)}>
                    {target.serviceName}: {target.span.name} (this trace)
                  </button>
                ) : (
                  <Link href={`${buildTraceHref(link.traceId, range)}&span=${encodeURIComponent(link.spanId)}`} aria-label={`Linked trace ${link.traceId}, span ${link.spanId}`}>
                    Trace <code>{link.traceId}</code>, span <code>{link.spanId}</code>
                  </Link>
                )}
                {link.attributes.length > 0 && <AttributeTable attributes={link.attributes} />}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
