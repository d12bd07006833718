import { useMemo, useState } from 'react';
import { fetchTrace, type KeyValueJson } from '../../api';
import { Link } from '../../components/Link';
import { ErrorView, Loading } from '../../components/StateViews';
import { formatAnyValue } from '../../model/attributes';
import { formatDurationNs, formatTimeUnixNano } from '../../model/format';
import { buildTracesHref } from '../../model/hrefs';
import { assignServiceColors } from '../../model/service-colors';
import type { TimeRange } from '../../model/time-range';
import { buildWaterfall, spanKindName, statusCodeName, type WaterfallRow } from '../../model/trace-tree';
import { useAsync } from '../../model/use-async';

/** `/traces/:id`: the trace's spans as a waterfall; a selected span shows its details. */
export function TracePage({ traceId, range }: { traceId: string; range: TimeRange }) {
  const state = useAsync(`trace:${traceId}`, (signal) => fetchTrace(traceId, signal));
  const waterfall = useMemo(() => (state.kind === 'ready' ? buildWaterfall(state.data) : undefined), [state]);
  const colors = useMemo(() => assignServiceColors(waterfall?.services ?? []), [waterfall]);
  const [selectedSpanId, setSelectedSpanId] = useState<string | undefined>(undefined);

  return (
    <section aria-labelledby="trace-title">
      <p>
        <Link href={buildTracesHref({ range })}>← Traces</Link>
      </p>
      <h1 id="trace-title">
        Trace <code className="trace-id">{traceId}</code>
      </h1>
      {state.kind === 'loading' && <Loading what="the trace" />}
      {state.kind === 'error' && <ErrorView what="the trace" error={state.error} />}
      {waterfall !== undefined && (
        <>
          <div className="trace-summary">
            <span>
              <strong>{waterfall.rows[0]?.serviceName}</strong>: {waterfall.rows[0]?.span.name}
            </span>
            <span>{formatDurationNs(waterfall.traceDurationNs)}</span>
            <span>{waterfall.rows.length} spans</span>
            <span>started {formatTimeUnixNano(waterfall.traceStartUnixNano.toString())}</span>
            <span className="legend">
              {waterfall.services.map((s) => (
                <span key={s} className="legend-item">
                  <span className="service-dot" style={{ background: colors.get(s) }} aria-hidden="true" />
                  {s}
                </span>
              ))}
            </span>
          </div>
          <div className="waterfall" role="list" aria-label="Spans">
            <div className="waterfall-header" aria-hidden="true">
              <span>Span</span>
              <span className="waterfall-ticks">
                {[0, 0.25, 0.5, 0.75, 1].map((f) => (
                  <span key={f} style={{ left: `${f * 100}%` }}>
                    {formatDurationNs(Math.round(waterfall.traceDurationNs * f))}
                  </span>
                ))}
              </span>
            </div>
            {waterfall.rows.map((row) => (
              <WaterfallRowView
                key={row.span.spanId}
                row={row}
                color={colors.get(row.serviceName) ?? 'gray'}
                traceDurationNs={waterfall.traceDurationNs}
                selected={row.span.spanId === selectedSpanId}
                onSelect={() => setSelectedSpanId((current) => (current === row.span.spanId ? undefined : row.span.spanId))}
              />
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function WaterfallRowView({ row, color, traceDurationNs, selected, onSelect }: { row: WaterfallRow; color: string; traceDurationNs: number; selected: boolean; onSelect: () => void }) {
  const total = Math.max(1, traceDurationNs);
  const leftPercent = (row.offsetNs / total) * 100;
  const widthPercent = Math.max(0.3, (row.durationNs / total) * 100);
  return (
    <div role="listitem" className={`waterfall-item${selected ? ' selected' : ''}`} data-span-id={row.span.spanId}>
      <button type="button" className="waterfall-row" aria-expanded={selected} onClick={onSelect}>
        <span className="span-label" style={{ paddingLeft: `${row.depth * 1.1}rem` }}>
          <span className="service-dot" style={{ background: color }} aria-hidden="true" />
          {row.isError && (
            <span className="error-marker" title="error">
              !<span className="visually-hidden">error</span>
            </span>
          )}
          <span className="span-service">{row.serviceName}</span>
          <span className="span-name">{row.span.name}</span>
        </span>
        <span className="span-track">
          <span className={`span-bar${row.isError ? ' error' : ''}`} style={{ left: `${Math.min(leftPercent, 99.7)}%`, width: `${widthPercent}%`, background: color }} />
          <span className="span-duration" style={leftPercent > 70 ? { right: `${100 - leftPercent}%`, paddingRight: '0.3rem' } : { left: `${Math.min(leftPercent + widthPercent, 100)}%`, paddingLeft: '0.3rem' }}>
            {formatDurationNs(row.durationNs)}
          </span>
        </span>
      </button>
      {selected && <SpanDetails row={row} />}
    </div>
  );
}

function SpanDetails({ row }: { row: WaterfallRow }) {
  const { span } = row;
  return (
    <div className="span-details" aria-label={`Details of ${span.name}`} role="region">
      <dl className="span-facts">
        <dt>Service</dt>
        <dd>{row.serviceName}</dd>
        <dt>Kind</dt>
        <dd>{spanKindName(span.kind)}</dd>
        <dt>Status</dt>
        <dd className={row.isError ? 'error-text' : undefined}>
          {statusCodeName(span.status.code)}
          {span.status.message !== '' && `: ${span.status.message}`}
        </dd>
        <dt>Duration</dt>
        <dd>{formatDurationNs(row.durationNs)}</dd>
        <dt>Start</dt>
        <dd>{formatTimeUnixNano(span.startTimeUnixNano)}</dd>
        <dt>Span id</dt>
        <dd>
          <code>{span.spanId}</code>
        </dd>
        <dt>Scope</dt>
        <dd>{row.scopeName || '–'}</dd>
      </dl>
      <AttributeTable title="Attributes" attributes={span.attributes} />
      {span.events.length > 0 && (
        <div>
          <h3>Events</h3>
          <ul className="events">
            {span.events.map((event, i) => (
              <li key={i}>
                <strong>{event.name}</strong> <span className="muted">+{formatDurationNs(Number(BigInt(event.timeUnixNano) - BigInt(span.startTimeUnixNano)))}</span>
                {event.attributes.length > 0 && <AttributeTable attributes={event.attributes} />}
              </li>
            ))}
          </ul>
        </div>
      )}
      <AttributeTable title="Resource" attributes={row.resourceAttributes} />
    </div>
  );
}

function AttributeTable({ title, attributes }: { title?: string; attributes: KeyValueJson[] }) {
  return (
    <div>
      {title !== undefined && <h3>{title}</h3>}
      {attributes.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <table className="attr-table">
          <tbody>
            {[...attributes]
              .sort((a, b) => a.key.localeCompare(b.key))
              .map((a) => (
                <tr key={a.key}>
                  <th scope="row">{a.key}</th>
                  <td>
                    <div className="attr-value">{formatAnyValue(a.value)}</div>
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
