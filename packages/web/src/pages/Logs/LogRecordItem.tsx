import { useId, type KeyboardEvent } from 'react';
import type { LogRecord } from '../../api';
import { AttributeTable } from '../../components/AttributeTable';
import { Link } from '../../components/Link';
import { formatAnyValue } from '../../model/attributes';
import { formatTimeUnixNano } from '../../model/format';
import { buildTraceHref } from '../../model/hrefs';
import { SEVERITY_COLORS, severityBandOf } from '../../model/log-severity';
import { recordTimeUnixNano } from '../../model/log-time';
import type { TimeRange } from '../../model/time-range';

/**
 * One log record of the list: a one-line summary (time, severity, service, body) that
 * expands into its details: the whole body, times, severity, trace and span ids with a
 * link to the trace, attributes and resource. The row is a button: Tab or the arrow keys
 * reach it (see LogList), Enter or Space opens and closes it.
 */
export function LogRecordItem({
  record,
  range,
  expanded,
  onToggle,
  onRowKeyDown,
}: {
  record: LogRecord;
  range: TimeRange;
  expanded: boolean;
  onToggle: () => void;
  onRowKeyDown: (event: KeyboardEvent<HTMLButtonElement>) => void;
}) {
  const detailsId = useId();
  const band = severityBandOf(record.severityNumber);
  const time = recordTimeUnixNano(record);
  const body = formatAnyValue(record.body);
  return (
    <>
      <button type="button" className="log-row" aria-expanded={expanded} aria-controls={expanded ? detailsId : undefined} onClick={onToggle} onKeyDown={onRowKeyDown}>
        <span className="log-caret" aria-hidden="true">
          {expanded ? '▾' : '▸'}
        </span>
        <time className="log-time">{formatTimeUnixNano(time)}</time>
        <span className="severity-badge" style={{ borderColor: SEVERITY_COLORS[band] }}>
          {record.severityText || band}
        </span>
        <span className="log-service">{record.serviceName}</span>
        <span className="log-body">{body || <em className="muted">no body</em>}</span>
        {record.traceId !== '' && (
          <span className="log-trace-mark" title="Tied to a trace">
            trace
          </span>
        )}
      </button>
      {expanded && (
        <div id={detailsId} className="log-details" role="region" aria-label={`Details of the ${band} record from ${record.serviceName}`}>
          <div>
            <h3>Body</h3>
            <pre className="attr-value log-body-full">{body}</pre>
            <dl className="span-facts">
              <dt>Time</dt>
              <dd>{record.timeUnixNano === '0' ? 'not set' : formatTimeUnixNano(record.timeUnixNano)}</dd>
              <dt>Observed</dt>
              <dd>{formatTimeUnixNano(record.observedTimeUnixNano)}</dd>
              <dt>Severity</dt>
              <dd>
                {record.severityText || '–'} ({record.severityNumber}, {band})
              </dd>
              <dt>Service</dt>
              <dd>{record.serviceName}</dd>
              {record.eventName !== '' && (
                <>
                  <dt>Event</dt>
                  <dd>{record.eventName}</dd>
                </>
              )}
              <dt>Trace id</dt>
              <dd>
                <code>{record.traceId || '–'}</code>
              </dd>
              <dt>Span id</dt>
              <dd>
                <code>{record.spanId || '–'}</code>
              </dd>
              <dt>Scope</dt>
              <dd>
                {record.scope.name || '–'}
                {record.scope.version !== '' && ` ${record.scope.version}`}
              </dd>
            </dl>
            {record.traceId !== '' && (
              <p>
                <Link href={buildTraceHref(record.traceId, range)}>Open trace</Link>
              </p>
            )}
          </div>
          <div>
            <AttributeTable title="Attributes" attributes={record.attributes} droppedCount={record.droppedAttributesCount} />
            <AttributeTable title="Resource" attributes={record.resource.attributes} droppedCount={record.resource.droppedAttributesCount} />
          </div>
        </div>
      )}
    </>
  );
}
