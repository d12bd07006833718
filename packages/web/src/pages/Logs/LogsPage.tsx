import { useId, useState, type FormEvent } from 'react';
import { fetchLogHistogram, fetchServices, searchLogs, type KeyValueJson, type LogFilterParams, type LogRecord, type RangeParams } from '../../api';
import { Link } from '../../components/Link';
import { EmptyState, ErrorView, Loading } from '../../components/StateViews';
import { formatAnyValue } from '../../model/attributes';
import { formatTimeUnixNano } from '../../model/format';
import { buildTraceHref } from '../../model/hrefs';
import { SEVERITY_BANDS, SEVERITY_COLORS, parseSeverityChoice, severityBandOf, type SeverityBand } from '../../model/log-severity';
import { useLocation, useSetSearchParams } from '../../model/router';
import { resolveRange, timeRangeKey, timeRangeQuery, type TimeRange } from '../../model/time-range';
import { useAsync } from '../../model/use-async';
import { LogHistogram } from './LogHistogram';
import { ServiceSelect } from '../../components/ServiceSelect';

const PAGE_SIZE = 100;
const HISTOGRAM_BUCKETS = 60;

/** The log search as it is kept in the URL query (`attr` repeats). */
interface LogsForm {
  q: string;
  service: string;
  severity: SeverityBand | '';
  attr: string[];
}

function readForm(search: URLSearchParams): LogsForm {
  return { q: search.get('q') ?? '', service: search.get('service') ?? '', severity: parseSeverityChoice(search.get('severity')), attr: search.getAll('attr') };
}

function toFilterParams(form: LogsForm, range: RangeParams): LogFilterParams {
  return {
    ...range,
    q: form.q || undefined,
    service: form.service || undefined,
    severity: form.severity || undefined,
    attr: form.attr.length > 0 ? form.attr : undefined,
  };
}

/** `start`/`end` in Unix milliseconds for `range` (a relative one ending now). */
function absoluteRange(range: TimeRange): RangeParams {
  const { fromMs, toMs } = resolveRange(range);
  return { start: String(fromMs), end: String(toMs) };
}

/**
 * The range pinned to absolute times while `key` (the range and the search) stays the same,
 * so that the histogram and every "Load more" page cover exactly the same window.
 */
function usePinnedRange(range: TimeRange, key: string): RangeParams {
  const [pinned, setPinned] = useState(() => ({ key, range: absoluteRange(range) }));
  if (pinned.key === key) return pinned.range;
  const next = { key, range: absoluteRange(range) };
  setPinned(next);
  return next.range;
}

/**
 * `/logs`: a search (text, service, minimum severity, attribute filters) whose state is the
 * URL query, a histogram of the matching records by severity, and the records newest first.
 */
export function LogsPage({ range }: { range: TimeRange }) {
  const { search } = useLocation();
  const form = readForm(search);
  // Searching again with the same values picks up records that arrived since.
  const [searchCount, setSearchCount] = useState(0);
  const pinned = usePinnedRange(range, `${timeRangeKey(range)}|${JSON.stringify(form)}|${searchCount}`);
  const params = toFilterParams(form, pinned);
  const paramsKey = JSON.stringify(params);
  const histogram = useAsync(`log-histogram:${paramsKey}`, (signal) => fetchLogHistogram({ ...params, buckets: HISTOGRAM_BUCKETS }, signal));
  const filtered = form.q !== '' || form.service !== '' || form.severity !== '' || form.attr.length > 0;

  return (
    <section aria-labelledby="logs-title">
      <h1 id="logs-title">Logs</h1>
      {/* Remounted when the URL changes (back/forward, a link), so the fields show the URL's search. */}
      <LogsFormView key={search.toString()} initial={form} range={range} onSearch={() => setSearchCount((n) => n + 1)} />
      <div aria-live="polite">
        {histogram.kind === 'loading' && <Loading what="the log histogram" />}
        {histogram.kind === 'error' && <ErrorView what="the log histogram" error={histogram.error} />}
        {histogram.kind === 'ready' && <LogHistogram histogram={histogram.data} />}
        <LogList key={paramsKey} params={params} range={range} filtered={filtered} />
      </div>
    </section>
  );
}

function LogsFormView({ initial, range, onSearch }: { initial: LogsForm; range: TimeRange; onSearch: () => void }) {
  const setSearch = useSetSearchParams();
  const [draft, setDraft] = useState<LogsForm>(initial);
  const [attrText, setAttrText] = useState(initial.attr.join('\n'));
  const services = useAsync('services', (signal) => fetchServices({}, signal));
  const update = (changes: Partial<LogsForm>) => setDraft((d) => ({ ...d, ...changes }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const attr = attrText
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    setSearch({ q: draft.q.trim(), service: draft.service, severity: draft.severity, attr, ...timeRangeQuery(range) });
    onSearch();
  };

  // Services come from spans; keep the URL's service selectable even when it has none.
  const serviceNames = services.kind === 'ready' ? services.data.services : [];
  const serviceOptions = draft.service !== '' && !serviceNames.includes(draft.service) ? [draft.service, ...serviceNames] : serviceNames;

  return (
    <form className="search-form" onSubmit={submit} aria-label="Search logs">
      <label className="text-field">
        <span>Text in the body</span>
        <input name="q" type="search" value={draft.q} onChange={(e) => update({ q: e.target.value })} placeholder="e.g. card declined" />
      </label>
      <ServiceSelect value={draft.service} services={serviceOptions} onChange={(service) => update({ service })} />
      <label>
        <span>Minimum severity</span>
        <select name="severity" value={draft.severity} onChange={(e) => update({ severity: parseSeverityChoice(e.target.value) })}>
          <option value="">Any</option>
          {SEVERITY_BANDS.map((band) => (
            <option key={band} value={band}>
              {band}
            </option>
          ))}
        </select>
      </label>
      <label className="attr-field">
        <span>
          Attributes (one <code>key=value</code> per line)
        </span>
        <textarea name="attr" rows={2} value={attrText} onChange={(e) => setAttrText(e.target.value)} placeholder="http.route=/checkout" />
      </label>
      <div className="form-actions">
        <button type="submit" className="primary">
          Search
        </button>
      </div>
      {services.kind === 'error' && <ErrorView what="services" error={services.error} />}
    </form>
  );
}

interface MorePages {
  records: LogRecord[];
  nextCursor: string | undefined;
  state: { kind: 'idle' } | { kind: 'loading' } | { kind: 'error'; error: Error };
}

/** The records newest first: the first page, then each page "Load more" fetched with the previous page's cursor. */
function LogList({ params, range, filtered }: { params: LogFilterParams; range: TimeRange; filtered: boolean }) {
  const first = useAsync(`logs:${JSON.stringify(params)}`, (signal) => searchLogs({ ...params, limit: PAGE_SIZE }, signal));
  const [more, setMore] = useState<MorePages | undefined>(undefined);

  if (first.kind === 'loading') return <Loading what="logs" />;
  if (first.kind === 'error') return <ErrorView what="logs" error={first.error} />;
  if (first.data.logs.length === 0) {
    return (
      <EmptyState title="No logs match" showSendData={!filtered}>
        <p>Widen the time range or loosen the search.</p>
      </EmptyState>
    );
  }

  const records = [...first.data.logs, ...(more?.records ?? [])];
  const nextCursor = more === undefined ? first.data.nextCursor : more.nextCursor;
  const loadMore = () => {
    if (nextCursor === undefined) return;
    setMore((m) => ({ records: m?.records ?? [], nextCursor, state: { kind: 'loading' } }));
    searchLogs({ ...params, limit: PAGE_SIZE, cursor: nextCursor }).then(
      (page) => setMore((m) => ({ records: [...(m?.records ?? []), ...page.logs], nextCursor: page.nextCursor, state: { kind: 'idle' } })),
      (error: unknown) => setMore((m) => ({ records: m?.records ?? [], nextCursor, state: { kind: 'error', error: error instanceof Error ? error : new Error(String(error)) } })),
    );
  };

  return (
    <>
      <p className="muted">
        {records.length} record{records.length === 1 ? '' : 's'} shown, newest first
      </p>
      <ul className="log-list" aria-label="Log records">
        {records.map((record, i) => (
          <LogItem key={i} record={record} range={range} />
        ))}
      </ul>
      {more?.state.kind === 'error' && <ErrorView what="more logs" error={more.state.error} />}
      {nextCursor !== undefined && (
        <p>
          <button type="button" onClick={loadMore} disabled={more?.state.kind === 'loading'}>
            {more?.state.kind === 'loading' ? 'Loading…' : 'Load more'}
          </button>
        </p>
      )}
    </>
  );
}

function LogItem({ record, range }: { record: LogRecord; range: TimeRange }) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const band = severityBandOf(record.severityNumber);
  const time = record.timeUnixNano !== '0' ? record.timeUnixNano : record.observedTimeUnixNano;
  const body = formatAnyValue(record.body);
  return (
    <li className="log-item" data-severity={band} data-trace-id={record.traceId || undefined}>
      <button type="button" className="log-row" aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen((o) => !o)}>
        <span className="log-caret" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        <time className="log-time">{formatTimeUnixNano(time)}</time>
        <span className="severity-badge" style={{ borderColor: SEVERITY_COLORS[band] }}>
          {record.severityText || band}
        </span>
        <span className="log-service">{record.serviceName}</span>
        <span className="log-body">{body || <em className="muted">no body</em>}</span>
      </button>
      {open && (
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
                {record.severityText || '–'} ({record.severityNumber})
              </dd>
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
            </dl>
            {record.traceId !== '' && (
              <p>
                <Link href={buildTraceHref(record.traceId, range)}>Open trace</Link>
              </p>
            )}
          </div>
          <div>
            <h3>Attributes</h3>
            <AttributeTable attributes={record.attributes} />
            <h3>Resource</h3>
            <AttributeTable attributes={record.resource.attributes} />
          </div>
        </div>
      )}
    </li>
  );
}

function AttributeTable({ attributes }: { attributes: readonly KeyValueJson[] }) {
  if (attributes.length === 0) return <p className="muted">None</p>;
  return (
    <table className="attr-table">
      <tbody>
        {attributes.map((a) => (
          <tr key={a.key}>
            <th scope="row">{a.key}</th>
            <td>
              <div className="attr-value">{formatAnyValue(a.value)}</div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
