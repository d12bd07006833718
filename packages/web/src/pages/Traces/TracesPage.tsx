import { useState, type FormEvent } from 'react';
import { fetchOperations, fetchServices, searchTraces, type TraceSearchParams, type TraceSummary } from '../../api';
import { Link } from '../../components/Link';
import { EmptyState, ErrorView, Loading } from '../../components/StateViews';
import { formatDurationNs, formatTimeUnixNano } from '../../model/format';
import { buildTraceHref } from '../../model/hrefs';
import { useLocation, useSetSearchParams } from '../../model/router';
import { assignServiceColors } from '../../model/service-colors';
import { rangeParams, timeRangeQuery, type TimeRange } from '../../model/time-range';
import { useAsync } from '../../model/use-async';
import { ServiceSelect } from '../../components/ServiceSelect';

const DEFAULT_LIMIT = 20;

/** The search as it is kept in the URL query (`attr` repeats). */
interface SearchForm {
  service: string;
  operation: string;
  minDuration: string;
  maxDuration: string;
  status: string;
  attr: string[];
  limit: string;
}

function readForm(search: URLSearchParams): SearchForm {
  return {
    service: search.get('service') ?? '',
    operation: search.get('operation') ?? '',
    minDuration: search.get('minDuration') ?? '',
    maxDuration: search.get('maxDuration') ?? '',
    status: search.get('status') ?? '',
    attr: search.getAll('attr'),
    limit: search.get('limit') ?? String(DEFAULT_LIMIT),
  };
}

function toSearchParams(form: SearchForm, range: TimeRange): TraceSearchParams {
  const limit = Number.parseInt(form.limit, 10);
  return {
    ...rangeParams(range),
    service: form.service || undefined,
    operation: form.operation || undefined,
    minDuration: form.minDuration || undefined,
    maxDuration: form.maxDuration || undefined,
    status: form.status || undefined,
    attr: form.attr.length > 0 ? form.attr : undefined,
    limit: Number.isFinite(limit) && limit > 0 ? limit : DEFAULT_LIMIT,
  };
}

/** `/traces`: a search form whose state is the URL query, and the matching traces, newest first. */
export function TracesPage({ range }: { range: TimeRange }) {
  const { search } = useLocation();
  const form = readForm(search);
  const params = toSearchParams(form, range);
  const results = useAsync(`traces:${JSON.stringify(params)}`, (signal) => searchTraces(params, signal));

  return (
    <section aria-labelledby="traces-title">
      <h1 id="traces-title">Traces</h1>
      {/* Remounted when the URL changes (back/forward, a link), so the fields show the URL's search. */}
      <SearchFormView key={search.toString()} initial={form} range={range} />
      <div aria-live="polite">
        {results.kind === 'loading' && <Loading what="traces" />}
        {results.kind === 'error' && <ErrorView what="traces" error={results.error} />}
        {results.kind === 'ready' && results.data.traces.length === 0 && (
          <EmptyState title="No traces match" showSendData={form.service === '' && form.attr.length === 0}>
            <p>Widen the time range or loosen the search.</p>
          </EmptyState>
        )}
        {results.kind === 'ready' && results.data.traces.length > 0 && <TraceList traces={results.data.traces} range={range} />}
      </div>
    </section>
  );
}

function SearchFormView({ initial, range }: { initial: SearchForm; range: TimeRange }) {
  const setSearch = useSetSearchParams();
  const [draft, setDraft] = useState<SearchForm>(initial);
  const [attrText, setAttrText] = useState(initial.attr.join('\n'));
  const services = useAsync('services', (signal) => fetchServices({}, signal));
  const operations = useAsync(`operations:${draft.service}`, (signal) =>
    draft.service === '' ? Promise.resolve({ operations: [] }) : fetchOperations(draft.service, {}, signal),
  );
  const update = (changes: Partial<SearchForm>) => setDraft((d) => ({ ...d, ...changes }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const attr = attrText
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    setSearch({
      service: draft.service,
      operation: draft.operation,
      minDuration: draft.minDuration.trim(),
      maxDuration: draft.maxDuration.trim(),
      status: draft.status,
      attr,
      limit: draft.limit === String(DEFAULT_LIMIT) ? undefined : draft.limit,
      ...timeRangeQuery(range),
    });
  };

  const serviceNames = services.kind === 'ready' ? services.data.services : [];
  // Keep a service named in the URL selectable even when it has no data any more.
  const serviceOptions = draft.service !== '' && !serviceNames.includes(draft.service) ? [draft.service, ...serviceNames] : serviceNames;
  const operationNames = operations.kind === 'ready' ? [...new Set(operations.data.operations.map((o) => o.name))].sort() : [];
  const operationOptions = draft.operation !== '' && !operationNames.includes(draft.operation) ? [draft.operation, ...operationNames] : operationNames;

  return (
    <form className="search-form" onSubmit={submit} aria-label="Search traces">
      <ServiceSelect value={draft.service} services={serviceOptions} onChange={(service) => update({ service, operation: '' })} />
      <label>
        <span>Operation</span>
        <select name="operation" value={draft.operation} onChange={(e) => update({ operation: e.target.value })} disabled={draft.service === ''}>
          <option value="">All operations</option>
          {operationOptions.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Min duration</span>
        <input name="minDuration" value={draft.minDuration} onChange={(e) => update({ minDuration: e.target.value })} placeholder="e.g. 100ms" size={8} />
      </label>
      <label>
        <span>Max duration</span>
        <input name="maxDuration" value={draft.maxDuration} onChange={(e) => update({ maxDuration: e.target.value })} placeholder="e.g. 2s" size={8} />
      </label>
      <label>
        <span>Status</span>
        <select name="status" value={draft.status} onChange={(e) => update({ status: e.target.value })}>
          <option value="">Any</option>
          <option value="error">Error</option>
          <option value="ok">OK</option>
        </select>
      </label>
      <label>
        <span>Limit</span>
        <input name="limit" type="number" min={1} max={1000} value={draft.limit} onChange={(e) => update({ limit: e.target.value })} size={5} />
      </label>
      <label className="attr-field">
        <span>Attributes (one <code>key=value</code> per line)</span>
        <textarea name="attr" rows={2} value={attrText} onChange={(e) => setAttrText(e.target.value)} placeholder="http.status_code>=500" />
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

function TraceList({ traces, range }: { traces: TraceSummary[]; range: TimeRange }) {
  const longestNs = Math.max(1, ...traces.map((t) => Number(t.durationNs)));
  const colors = assignServiceColors(traces.flatMap((t) => [t.rootServiceName, ...t.services.map((s) => s.name)]));
  return (
    <>
      <p className="muted">
        {traces.length} trace{traces.length === 1 ? '' : 's'}, newest first
      </p>
      <ul className="trace-list" aria-label="Traces found">
        {traces.map((trace) => (
          <li key={trace.traceId} className="trace-item" data-trace-id={trace.traceId}>
            <Link href={buildTraceHref(trace.traceId, range)} className="trace-link">
              <span className="trace-title">
                <span className="service-dot" style={{ background: colors.get(trace.rootServiceName) }} aria-hidden="true" />
                <strong>{trace.rootServiceName}</strong>: {trace.rootSpanName || <em>root span not received</em>}
              </span>
              <span className="trace-duration">{formatDurationNs(trace.durationNs)}</span>
            </Link>
            <div className="trace-bar" aria-hidden="true">
              <span style={{ width: `${Math.max(0.5, (Number(trace.durationNs) / longestNs) * 100)}%` }} />
            </div>
            <div className="trace-meta">
              <span>
                {trace.spanCount} span{trace.spanCount === 1 ? '' : 's'}
              </span>
              {trace.errorCount > 0 && (
                <span className="error-badge">
                  {trace.errorCount} error{trace.errorCount === 1 ? '' : 's'}
                </span>
              )}
              <span className="services-involved">
                {trace.services.map((s) => (
                  <span key={s.name} className="service-chip" style={{ borderColor: colors.get(s.name) }}>
                    {s.name} ({s.spanCount})
                  </span>
                ))}
              </span>
              <time className="muted">{formatTimeUnixNano(trace.startTimeUnixNano)}</time>
              <code className="muted trace-id">{trace.traceId.slice(0, 16)}</code>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
