import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { fetchTrace, type TraceResponse } from '../../api';
import { Link } from '../../components/Link';
import { ErrorView, Loading } from '../../components/StateViews';
import { computeCriticalPath, groupCriticalPath, type CriticalPathByRow } from '../../model/critical-path';
import { formatDurationNs, formatTimeUnixNano } from '../../model/format';
import { buildTracesHref } from '../../model/hrefs';
import { useLocation, useSetSearchParams } from '../../model/router';
import { assignServiceColors } from '../../model/service-colors';
import { buildSpanSearchIndex, findMatchingRows, stepMatch } from '../../model/span-search';
import type { TimeRange } from '../../model/time-range';
import { buildTraceLogRange, placeTraceLogs } from '../../model/trace-logs';
import { buildWaterfall, listAncestors, listVisibleRows, type WaterfallRow } from '../../model/trace-tree';
import { clampZoom, formatZoomParam, parseZoomParam, zoomToRange, type ZoomWindow } from '../../model/trace-zoom';
import { useAsync } from '../../model/use-async';
import { SpanDetailsPanel } from './SpanDetailsPanel';
import { SpanSearchBar } from './SpanSearchBar';
import { TraceLogsPanel } from './TraceLogsPanel';
import { TraceMinimap } from './TraceMinimap';
import { TraceWaterfall, type ScrollTarget } from './TraceWaterfall';
import { useTraceLogs } from './use-trace-logs';
import './trace-page.css';

/** User Timing mark names: the trace fetched and validated; the waterfall first rendered with it. */
export const TRACE_LOADED_MARK = 'pharos:trace-loaded';
export const TRACE_RENDERED_MARK = 'pharos:trace-rendered';

/** How long typing in the search box waits before the URL follows (the highlights follow at once). */
const URL_DEBOUNCE_MS = 300;

/**
 * `/traces/:id`: one trace as a waterfall with the critical path, a minimap that zooms it,
 * search within the trace, a selected span's details and the trace's logs. The selected
 * span (`span`), the search (`q`) and the zoom (`zoom`) live in the URL, so a copied link
 * reopens the same view.
 */
export function TracePage({ traceId, range }: { traceId: string; range: TimeRange }) {
  const state = useAsync(
    `trace:${traceId}`,
    (signal) =>
      fetchTrace(traceId, signal).then((trace) => {
        // User Timing marks (browser dev tools, and the speed test): fetched and validated, then shown.
        performance.mark(TRACE_LOADED_MARK);
        return trace;
      }),
    { refresh: false },
  );
  return (
    <section className="trace-view" aria-labelledby="trace-title">
      <p className="trace-back">
        <Link href={buildTracesHref({ range })}>← Traces</Link>
      </p>
      {state.kind !== 'ready' && (
        <h1 id="trace-title">
          Trace <code className="trace-id">{traceId}</code>
        </h1>
      )}
      {state.kind === 'loading' && <Loading what="the trace" />}
      {state.kind === 'error' && <ErrorView what="the trace" error={state.error} />}
      {state.kind === 'ready' && <TraceView traceId={traceId} trace={state.data} range={range} />}
    </section>
  );
}

function TraceView({ traceId, trace, range }: { traceId: string; trace: TraceResponse; range: TimeRange }) {
  const { search } = useLocation();
  const setSearch = useSetSearchParams();
  const waterfall = useMemo(() => buildWaterfall(trace), [trace]);
  const { rows } = waterfall;
  const colors = useMemo(() => assignServiceColors(waterfall.services), [waterfall]);
  // The critical path is drawn a moment after the rows: they are what a big trace waits for.
  const [criticalPath, setCriticalPath] = useState<{ rows: WaterfallRow[]; byRow: CriticalPathByRow } | undefined>(undefined);
  useEffect(() => {
    const timer = setTimeout(() => setCriticalPath({ rows, byRow: groupCriticalPath(computeCriticalPath(rows)) }), 0);
    return () => clearTimeout(timer);
  }, [rows]);
  const criticalPathByRow = criticalPath?.rows === rows ? criticalPath.byRow : undefined;
  const [showCriticalPath, setShowCriticalPath] = useState(true);
  const logRange = useMemo(() => buildTraceLogRange(waterfall), [waterfall]);
  const logsState = useTraceLogs(traceId, logRange);
  const traceLogs = useMemo(() => placeTraceLogs(logsState.logs, waterfall), [logsState.logs, waterfall]);

  // The selected span and the zoom come from the URL; a drag shows a draft until released.
  const spanParam = search.get('span') ?? '';
  const selectedIndex = spanParam === '' ? -1 : (waterfall.rowIndexBySpanId.get(spanParam) ?? -1);
  const zoomParam = search.get('zoom');
  const committedZoom = useMemo(() => parseZoomParam(zoomParam), [zoomParam]);
  const [draftZoom, setDraftZoom] = useState<ZoomWindow | undefined>(undefined);
  const zoom = draftZoom ?? committedZoom;
  const changeZoom = useCallback(
    (next: ZoomWindow, commit: boolean) => {
      if (!commit) {
        setDraftZoom(next);
        return;
      }
      setDraftZoom(undefined);
      setSearch({ zoom: formatZoomParam(clampZoom(next)) }, { replace: true });
    },
    [setSearch],
  );
  const viewStartNs = zoom.startFraction * waterfall.traceDurationNs;
  const viewEndNs = zoom.endFraction * waterfall.traceDurationNs;

  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(() => new Set());
  const visibleRows = useMemo(() => listVisibleRows(rows, collapsed), [rows, collapsed]);
  const [focusedIndex, setFocusedIndex] = useState(() => Math.max(0, selectedIndex));
  const scrollToken = useRef(0);
  const [scrollTarget, setScrollTarget] = useState<ScrollTarget | undefined>(() => (selectedIndex >= 0 ? { rowIndex: selectedIndex, align: 'center', token: 0 } : undefined));

  /** Shows row `rowIndex`: expands its collapsed ancestors and scrolls the waterfall to it. */
  const revealRow = useCallback(
    (rowIndex: number, align: ScrollTarget['align'] = 'center') => {
      setCollapsed((current) => {
        const hidden = listAncestors(rows, rowIndex).filter((a) => current.has(a));
        if (hidden.length === 0) return current;
        const next = new Set(current);
        for (const a of hidden) next.delete(a);
        return next;
      });
      scrollToken.current += 1;
      setScrollTarget({ rowIndex, align, token: scrollToken.current });
    },
    [rows],
  );

  const selectRow = useCallback(
    (rowIndex: number) => {
      setFocusedIndex(rowIndex);
      setSearch({ span: rows[rowIndex].span.spanId }, { replace: true });
    },
    [rows, setSearch],
  );
  const selectAndReveal = useCallback(
    (rowIndex: number) => {
      selectRow(rowIndex);
      revealRow(rowIndex);
    },
    [revealRow, selectRow],
  );
  const toggleRow = useCallback((rowIndex: number, expand?: boolean) => {
    setCollapsed((current) => {
      const isCollapsed = current.has(rowIndex);
      if (expand === !isCollapsed) return current;
      const next = new Set(current);
      if (isCollapsed) next.delete(rowIndex);
      else next.add(rowIndex);
      return next;
    });
  }, []);
  const collapseAll = () => setCollapsed(new Set(rows.filter((r) => r.hasChildren).map((r) => r.index)));
  const expandAll = () => setCollapsed(new Set());

  // Search: highlights follow every keystroke; the URL follows after a pause. `syncedQuery` is
  // the URL's q when box and URL last agreed: another q in the URL came from outside (back or
  // forward, a link) and replaces what is in the box, a pending write included.
  const urlQuery = search.get('q') ?? '';
  const [query, setQuery] = useState(urlQuery);
  const syncedQuery = useRef(urlQuery);
  useEffect(() => {
    if (urlQuery === syncedQuery.current) return;
    syncedQuery.current = urlQuery;
    setQuery(urlQuery);
  }, [urlQuery]);
  useEffect(() => {
    const next = query.trim() === '' ? '' : query;
    const base = syncedQuery.current;
    if (next === base) return;
    const timer = setTimeout(() => {
      // The URL changed from outside meanwhile: it wins (the box is about to show it).
      if (syncedQuery.current !== base) return;
      syncedQuery.current = next;
      setSearch({ q: next === '' ? undefined : next }, { replace: true });
    }, URL_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, setSearch]);
  const hasQuery = query.trim() !== '';
  const searchIndex = useMemo(() => (hasQuery ? buildSpanSearchIndex(rows) : undefined), [rows, hasQuery]);
  const matches = useMemo(() => (searchIndex === undefined ? [] : findMatchingRows(searchIndex, query)), [searchIndex, query]);
  const [currentMatch, setCurrentMatch] = useState(-1);
  // A new set of matches goes to the first (as a browser's find does), except when the
  // page opens on a selected span: then that span is what the link was about.
  const jumpOnNewMatches = useRef(selectedIndex < 0);
  useLayoutEffect(() => {
    const jump = jumpOnNewMatches.current;
    jumpOnNewMatches.current = true;
    if (matches.length === 0 || !jump) {
      setCurrentMatch(-1);
      return;
    }
    setCurrentMatch(0);
    setFocusedIndex(matches[0]);
    revealRow(matches[0]);
  }, [matches, revealRow]);
  const stepSearch = (direction: 1 | -1) => {
    const next = stepMatch(matches.length, currentMatch, direction);
    if (next < 0) return;
    setCurrentMatch(next);
    setFocusedIndex(matches[next]);
    revealRow(matches[next]);
  };
  const matchFlags = useMemo(() => {
    if (matches.length === 0) return undefined;
    const flags = new Uint8Array(rows.length);
    for (const m of matches) flags[m] = 1;
    return flags;
  }, [matches, rows.length]);

  useEffect(() => {
    performance.mark(TRACE_RENDERED_MARK);
  }, []);

  const root = rows[0];
  const selected = selectedIndex >= 0 ? rows[selectedIndex] : undefined;
  const logCount = logsState.logs.length;

  if (root === undefined) return <p>This trace has no spans.</p>;
  return (
    <>
      <h1 id="trace-title">
        <span className="trace-title-text">
          {root.serviceName}: {root.span.name}
        </span>{' '}
        <code className="trace-id">{traceId}</code>
      </h1>
      <div className="trace-summary">
        <span>
          <span className="muted">Duration</span> <strong>{formatDurationNs(waterfall.traceDurationNs)}</strong>
        </span>
        <span>
          <span className="muted">Spans</span> <strong>{rows.length.toLocaleString('en-US')}</strong>
        </span>
        <span>
          <span className="muted">Depth</span> <strong>{waterfall.maxDepth + 1}</strong>
        </span>
        <span>
          <span className="muted">Services</span> <strong>{waterfall.services.length}</strong>
        </span>
        <span className={waterfall.errorCount > 0 ? 'error-text' : undefined}>
          <span className={waterfall.errorCount > 0 ? undefined : 'muted'}>Errors</span> <strong>{waterfall.errorCount}</strong>
        </span>
        <span>
          <span className="muted">Logs</span> <strong>{logsState.kind === 'loading' ? '…' : `${logCount}${logsState.hasMore ? '+' : ''}`}</strong>
        </span>
        <span>
          <span className="muted">Started</span> {formatTimeUnixNano(waterfall.traceStartUnixNano.toString())}
        </span>
      </div>
      <ul className="trace-legend" aria-label="Service colours">
        {waterfall.services.map((s) => (
          <li key={s} className="legend-item">
            <span className="service-dot" style={{ background: colors.get(s) }} aria-hidden="true" />
            {s}
          </li>
        ))}
      </ul>
      <div className="trace-toolbar">
        <SpanSearchBar query={query} onQueryChange={setQuery} matchCount={matches.length} currentMatch={currentMatch} onStep={stepSearch} />
        <div className="trace-toolbar-actions" role="group" aria-label="Waterfall">
          <button type="button" onClick={collapseAll}>
            Collapse all
          </button>
          <button type="button" onClick={expandAll} disabled={collapsed.size === 0}>
            Expand all
          </button>
          <label className="critical-path-toggle">
            <input type="checkbox" checked={showCriticalPath} onChange={(e) => setShowCriticalPath(e.target.checked)} />
            <span className="critical-path-swatch" aria-hidden="true" /> Critical path
          </label>
        </div>
      </div>
      <TraceMinimap waterfall={waterfall} colors={colors} zoom={zoom} onZoomChange={changeZoom} />
      {spanParam !== '' && selectedIndex < 0 && (
        <p className="state" role="status">
          The link names span <code>{spanParam}</code>, which is not in this trace.
        </p>
      )}
      <div className={`trace-main${selected !== undefined ? ' with-details' : ''}`}>
        <TraceWaterfall
          waterfall={waterfall}
          visibleRows={visibleRows}
          collapsed={collapsed}
          colors={colors}
          viewStartNs={viewStartNs}
          viewEndNs={viewEndNs}
          selectedIndex={selectedIndex}
          focusedIndex={focusedIndex}
          matchFlags={matchFlags}
          currentMatchRow={currentMatch >= 0 ? matches[currentMatch] : -1}
          criticalPath={showCriticalPath ? criticalPathByRow : undefined}
          logsByRow={traceLogs.byRow}
          scrollTarget={scrollTarget}
          onSelect={selectRow}
          onToggle={toggleRow}
          onFocusRow={setFocusedIndex}
        />
        {selected !== undefined && (
          <SpanDetailsPanel
            key={selected.index}
            row={selected}
            waterfall={waterfall}
            color={colors.get(selected.serviceName) ?? 'gray'}
            critical={criticalPathByRow === undefined ? 'pending' : criticalPathByRow.get(selected.index)}
            logs={traceLogs.byRow.get(selected.index) ?? []}
            logsLoading={logsState.kind === 'loading'}
            range={range}
            onSelectRow={selectAndReveal}
            onZoomToSpan={() => changeZoom(zoomToRange(selected.offsetNs, selected.endOffsetNs, waterfall.traceDurationNs), true)}
            onClose={() => setSearch({ span: undefined }, { replace: true })}
          />
        )}
      </div>
      <TraceLogsPanel state={logsState} logs={traceLogs} waterfall={waterfall} colors={colors} selectedIndex={selectedIndex} onSelectRow={selectAndReveal} />
    </>
  );
}
