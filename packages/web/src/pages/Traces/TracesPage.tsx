import { useId, useMemo, useRef, useState } from 'react';
import { searchTraces, type TraceSearchParams, type TraceSummary } from '../../api';
import { EmptyState, ErrorView, Loading } from '../../components/StateViews';
import { buildTraceHref } from '../../model/hrefs';
import { navigate, useLocation, useSetSearchParams } from '../../model/router';
import { assignServiceColors } from '../../model/service-colors';
import { absoluteRange, rangeParams, resolveRange, timeRangeQuery, type TimeRange } from '../../model/time-range';
import { useAsync } from '../../model/use-async';
import { TraceResultList } from './TraceResultList';
import { TraceScatterPlot } from './TraceScatterPlot';
import { TraceSearchFormView } from './TraceSearchForm';
import {
  SEARCH_PARAM_NAMES,
  SORTS,
  effectiveLimit,
  isInSelection,
  parseSort,
  readSearchForm,
  readSelection,
  searchFormQuery,
  selectionQuery,
  sortTraces,
  type PlotSelection,
  type TraceSearchForm,
  type TraceSort,
} from './trace-search';
import './traces-page.css';

function toSearchParams(form: TraceSearchForm, range: TimeRange): TraceSearchParams {
  return {
    ...rangeParams(range),
    service: form.service || undefined,
    operation: form.operation || undefined,
    kind: form.kind || undefined,
    minDuration: form.minDuration.trim() || undefined,
    maxDuration: form.maxDuration.trim() || undefined,
    status: form.status || undefined,
    attr: form.attr.length > 0 ? form.attr : undefined,
    parentService: form.parentService || undefined,
    limit: effectiveLimit(form),
  };
}

const searchKeyOf = (search: URLSearchParams) => SEARCH_PARAM_NAMES.map((name) => search.getAll(name).join('\u0000')).join('\u0001');

/**
 * The search form's React key: it changes (so the form remounts and shows the URL's search)
 * when the search fields in the URL change from outside the form (back/forward, a link), but
 * not when the form itself ran the search (inside `submitting`), so that focus and the
 * condition being typed stay where they are. View state (sort, selection) never changes it.
 */
function useFormKey(search: URLSearchParams): { key: number; submitting: (go: () => void) => void } {
  const urlKey = searchKeyOf(search);
  const sync = useRef({ generation: 0, urlKey, fromForm: false });
  if (urlKey !== sync.current.urlKey) {
    if (!sync.current.fromForm) sync.current.generation++;
    sync.current.urlKey = urlKey;
    sync.current.fromForm = false;
  }
  return {
    key: sync.current.generation,
    submitting: (go) => {
      sync.current.fromForm = true;
      go();
      // The history entry is pushed synchronously: when the search fields did not change, no render will clear the flag.
      if (searchKeyOf(new URLSearchParams(window.location.search)) === sync.current.urlKey) sync.current.fromForm = false;
    },
  };
}

/**
 * The found traces and the window (Unix ms) the search covered: a relative range is resolved
 * on the browser's clock just before the request goes out (the server resolves its `now-…`
 * as the request arrives), so the plot's time axis is the searched window however long the
 * query takes, give or take the difference between the two clocks.
 */
interface SearchResult {
  traces: TraceSummary[];
  fromMs: number;
  toMs: number;
}

/**
 * `/traces`: a search form, a scatter plot of the found traces' durations over time (drag to
 * select), and the list of traces (the selected ones, when there is a selection), sorted as
 * chosen. All of it lives in the URL query: the search fields (see SEARCH_PARAM_NAMES), `sort`,
 * the plot selection (`selFrom`, `selTo`, `selMinNs`, `selMaxNs`) and the time range.
 */
export function TracesPage({ range }: { range: TimeRange }) {
  const { search } = useLocation();
  const setSearch = useSetSearchParams();
  const form = readSearchForm(search);
  const selection = readSelection(search);
  const sort = parseSort(search.get('sort'));
  const params = toSearchParams(form, range);
  const results = useAsync(`traces:${JSON.stringify(params)}`, async (signal): Promise<SearchResult> => {
    const searched = resolveRange(range);
    const response = await searchTraces(params, signal);
    return { traces: response.traces, ...searched };
  });
  const [highlightedTraceId, setHighlightedTraceId] = useState<string | undefined>(undefined);
  const formKey = useFormKey(search);

  const runSearch = (next: TraceSearchForm) => formKey.submitting(() => setSearch({ ...searchFormQuery(next), ...selectionQuery(undefined), ...timeRangeQuery(range) }));
  const select = (next: PlotSelection | undefined) => setSearch(selectionQuery(next));

  return (
    <section className="traces-page" aria-labelledby="traces-title">
      <h1 id="traces-title">Traces</h1>
      <TraceSearchFormView key={formKey.key} initial={form} onSearch={runSearch} />
      {results.kind === 'loading' && <Loading what="traces" />}
      {results.kind === 'error' && <ErrorView what="traces" error={results.error} />}
      {results.kind === 'ready' && results.data.traces.length === 0 && (
        <EmptyState title="No traces match" showSendData={SEARCH_PARAM_NAMES.every((name) => name === 'limit' || search.getAll(name).join('') === '')}>
          <p>Widen the time range or loosen the search.</p>
        </EmptyState>
      )}
      {results.kind === 'ready' && results.data.traces.length > 0 && (
        <TraceResults
          result={results.data}
          limit={params.limit ?? 0}
          range={range}
          selection={selection}
          sort={sort}
          highlightedTraceId={highlightedTraceId}
          onHighlight={setHighlightedTraceId}
          onSelect={select}
          onSort={(id) => setSearch({ sort: id === '-start' ? undefined : id }, { replace: true })}
          onZoom={(r) => setSearch(timeRangeQuery(r))}
        />
      )}
    </section>
  );
}

function TraceResults({
  result,
  limit,
  range,
  selection,
  sort,
  highlightedTraceId,
  onHighlight,
  onSelect,
  onSort,
  onZoom,
}: {
  result: SearchResult;
  limit: number;
  range: TimeRange;
  selection: PlotSelection | undefined;
  sort: TraceSort;
  highlightedTraceId: string | undefined;
  onHighlight: (traceId: string | undefined) => void;
  onSelect: (selection: PlotSelection | undefined) => void;
  onSort: (sort: TraceSort) => void;
  onZoom: (range: TimeRange) => void;
}) {
  const { traces } = result;
  const colors = useMemo(() => assignServiceColors(traces.flatMap((t) => [t.rootServiceName, ...t.services.map((s) => s.name)])), [traces]);
  const shown = useMemo(() => sortTraces(selection === undefined ? traces : traces.filter((t) => isInSelection(t, selection)), sort), [traces, selection, sort]);
  const longestNs = Math.max(1, ...traces.map((t) => Number(t.durationNs)));
  const zoomRange = selection === undefined ? undefined : absoluteRange(selection.fromMs, selection.toMs);
  const sortId = useId();
  const plural = (n: number) => `${n} trace${n === 1 ? '' : 's'}`;

  return (
    <>
      <TraceScatterPlot
        traces={traces}
        fromMs={result.fromMs}
        toMs={result.toMs}
        selection={selection}
        highlightedTraceId={highlightedTraceId}
        onSelect={onSelect}
        onOpen={(traceId) => navigate(buildTraceHref(traceId, range))}
      />
      <div className="results-bar">
        <p className="results-count" role="status" aria-live="polite">
          {selection === undefined ? (
            <>
              {plural(traces.length)}
              {traces.length >= limit && <span className="muted"> (the newest {limit}: raise the limit or narrow the search to see others)</span>}
            </>
          ) : (
            <>
              <strong>{shown.length}</strong> of {plural(traces.length)} selected
            </>
          )}
        </p>
        {selection !== undefined && (
          <div className="selection-actions">
            <button type="button" onClick={() => zoomRange !== undefined && onZoom(zoomRange)} disabled={zoomRange === undefined} title="Set the time range to the selection's start times">
              Zoom to selection
            </button>
            <button type="button" onClick={() => onSelect(undefined)}>
              Clear selection
            </button>
          </div>
        )}
        <div className="sort-field">
          <label htmlFor={sortId}>Sort by</label>
          <select id={sortId} name="sort" value={sort} onChange={(e) => onSort(e.target.value as TraceSort)}>
            {SORTS.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {shown.length === 0 ? (
        <EmptyState title="No traces in the selection">
          <p>Drag over other points on the plot, or clear the selection.</p>
        </EmptyState>
      ) : (
        <TraceResultList traces={shown} longestNs={longestNs} colors={colors} range={range} onHighlight={onHighlight} />
      )}
    </>
  );
}
