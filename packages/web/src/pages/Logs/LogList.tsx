import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LogFilterParams } from '../../api';
import { EmptyState, ErrorView, Loading } from '../../components/StateViews';
import { severityBandOf } from '../../model/log-severity';
import type { TimeRange } from '../../model/time-range';
import { MAX_LIVE_RECORDS, keyRecords } from './log-feed';
import { LogRecordItem } from './LogRecordItem';
import { useLogFeed, type LogFeed } from './use-log-feed';

/** Estimated heights (px) before a row is measured: a one-line row, an expanded one. */
const ROW_HEIGHT_PX = 31;
const EXPANDED_ROW_HEIGHT_PX = 360;
/** The next older page is fetched when the last rendered row is this close to the end. */
const LOAD_AHEAD_ROWS = 20;
/** Scrolled further than this from the top, the reader is reading: live tail holds new records back. */
const PAUSE_AFTER_PX = 8;

export interface LogListProps {
  /** The search, with the pinned absolute range of its pages. */
  params: LogFilterParams;
  /** Changes exactly when a new search starts. */
  searchKey: string;
  /** For links to traces. */
  range: TimeRange;
  /** Whether the search has any filter (else an empty result means no logs were sent). */
  filtered: boolean;
  live: boolean;
  /** Turns live tail on or off (kept in the URL as `live=1`). */
  onLiveChange: (live: boolean) => void;
  /** Live tail needs a range that ends now. */
  liveAvailable: boolean;
  refreshTick: number;
  /** Starts the same search again (from its first page). */
  onSearchAgain: () => void;
  /** Called once the first page of `searchKey` has arrived (or failed). */
  onFirstPageSettled?: (searchKey: string) => void;
}

/**
 * The matching records, newest first, in a virtualised list (only the rows in view, and a
 * few around them, are in the DOM; rows measure their own height, so expanded records
 * take the room they need). Older pages load as the reader nears the end; live tail puts
 * new records on top, or counts them while the reader is scrolled down.
 */
export function LogList(props: LogListProps) {
  const { live, liveAvailable, onLiveChange } = props;
  // Scrolled away from the top, per search: a new search starts at the top.
  const [scrolled, setScrolled] = useState({ searchKey: props.searchKey, paused: false });
  const paused = scrolled.searchKey === props.searchKey && scrolled.paused;
  const setPaused = (value: boolean) => setScrolled((s) => (s.searchKey === props.searchKey && s.paused === value ? s : { searchKey: props.searchKey, paused: value }));
  const feed = useLogFeed({ params: props.params, searchKey: props.searchKey, live, refreshTick: props.refreshTick, refreshable: liveAvailable, paused });
  const count = feed.records.length;
  const { onFirstPageSettled, searchKey } = props;
  const settled = feed.first.kind !== 'loading';
  useEffect(() => {
    if (settled) onFirstPageSettled?.(searchKey);
  }, [settled, searchKey, onFirstPageSettled]);

  return (
    <div className="log-results">
      <div className="log-toolbar">
        <p className="muted log-results-count" aria-live="polite">
          {feed.first.kind === 'ready' && (
            <>
              {count.toLocaleString('en')} record{count === 1 ? '' : 's'} shown, newest first
              {feed.droppedOlder && ` (the newest ${MAX_LIVE_RECORDS.toLocaleString('en')} are kept while new ones arrive)`}
            </>
          )}
        </p>
        <LiveStatus feed={feed} live={live} paused={paused} />
        <label className="live-toggle" title={liveAvailable ? undefined : 'Live tail follows the present: choose a relative time range'}>
          <input type="checkbox" role="switch" checked={live} onChange={(e) => onLiveChange(e.target.checked)} />
          <span>Live tail</span>
        </label>
      </div>
      {feed.first.kind === 'loading' && <Loading what="logs" />}
      {feed.first.kind === 'error' && <ErrorView what="logs" error={feed.first.error} />}
      {feed.first.kind === 'ready' && count === 0 && <NoLogs filtered={props.filtered} live={live} />}
      {feed.first.kind === 'ready' && count > 0 && <VirtualLogList {...props} feed={feed} paused={paused} onPausedChange={setPaused} />}
    </div>
  );
}

/** The live indicator: following, paused while the reader is scrolled down, or failing. */
function LiveStatus({ feed, live, paused }: { feed: LogFeed; live: boolean; paused: boolean }) {
  if (!live) return null;
  const text = feed.tailError !== undefined ? `Live: cannot reach the server (${feed.tailError.message}); retrying` : paused ? 'Live: paused while you scroll' : 'Live: new records appear at the top';
  return (
    <span className={`live-indicator${paused || feed.tailError !== undefined ? ' live-paused' : ''}`} role="status">
      <span className="live-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

function NoLogs({ filtered, live }: { filtered: boolean; live: boolean }) {
  const liveNote = live ? <p>Live tail is on: new records will appear here as they arrive.</p> : null;
  if (filtered) {
    return (
      <EmptyState title="No logs match">
        <p>Widen the time range or loosen the search.</p>
        {liveNote}
      </EmptyState>
    );
  }
  return (
    <EmptyState title="No log records in this time range" showSendData>
      <p>Widen the time range, or send logs to Pharos over OTLP. A Node.js service that logs with pino sends every record, with its trace context, with one line:</p>
      <pre>
        <code>OTEL_SERVICE_NAME=checkout node --import @pharos/node/register app.js</code>
      </pre>
      <p>
        Other languages: the OpenTelemetry logs bridge of your logging library (Java agent, Python <code>logging</code>, .NET <code>ILogger</code>,
        Go <code>slog</code>) pointed at the endpoint below; log files: the OpenTelemetry Collector&apos;s <code>filelog</code> receiver with an{' '}
        <code>otlphttp</code> exporter.
      </p>
      {liveNote}
    </EmptyState>
  );
}

function VirtualLogList({
  feed,
  range,
  live,
  paused,
  onPausedChange,
  onSearchAgain,
}: LogListProps & { feed: LogFeed; paused: boolean; onPausedChange: (paused: boolean) => void }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const records = feed.records;
  const count = records.length;
  const keys = useMemo(() => keyRecords(records), [records]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  // Stable callbacks: the virtualizer recomputes every row's position when they change.
  const getScrollElement = useCallback(() => scrollRef.current, []);
  const estimateSize = useCallback((i: number) => (expanded.has(keys[i]) ? EXPANDED_ROW_HEIGHT_PX : ROW_HEIGHT_PX), [expanded, keys]);
  const getItemKey = useCallback((i: number) => keys[i], [keys]);
  const virtualizer = useVirtualizer({ count, getScrollElement, estimateSize, getItemKey, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const lastRendered = items.length === 0 ? -1 : items[items.length - 1].index;

  // Infinite scroll: near the end, the next older page.
  const { nextCursor, loadOlder } = feed;
  const olderIdle = feed.older.kind === 'idle';
  useEffect(() => {
    if (nextCursor !== undefined && olderIdle && lastRendered >= count - LOAD_AHEAD_ROWS) loadOlder();
  }, [lastRendered, count, nextCursor, olderIdle, loadOlder]);

  const toggle = (key: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });

  /**
   * Moves focus to row `index`: at once when it is rendered (so that quick key presses each
   * move one row), else after scrolling it into view and letting the list render it.
   */
  const focusRow = (index: number) => {
    const target = Math.max(0, Math.min(count - 1, index));
    const rowAt = () => scrollRef.current?.querySelector<HTMLButtonElement>(`li[data-index="${target}"] > .log-row`) ?? null;
    const rendered = rowAt();
    if (rendered !== null) {
      rendered.focus();
      return;
    }
    virtualizer.scrollToIndex(target, { align: 'auto' });
    const tryFocus = (attempt: number) => {
      const row = rowAt();
      if (row !== null) row.focus();
      else if (attempt < 30) requestAnimationFrame(() => tryFocus(attempt + 1));
    };
    requestAnimationFrame(() => tryFocus(0));
  };

  const onRowKeyDown = (index: number) => (event: KeyboardEvent<HTMLButtonElement>) => {
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: count - 1 };
    const to = moves[event.key];
    if (to === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    focusRow(to);
  };

  const jumpToTop = () => {
    feed.showPending();
    virtualizer.scrollToOffset(0);
    onPausedChange(false);
  };

  const showJump = paused && (live || feed.pendingCount > 0);
  const setSize = nextCursor === undefined ? count : -1;

  return (
    <div className="log-scroll-frame">
      {showJump && (
        <button type="button" className="log-jump primary" onClick={jumpToTop}>
          {feed.pendingCount > 0 ? `${feed.pendingCount.toLocaleString('en')}${feed.pending?.complete === false ? '+' : ''} new record${feed.pendingCount === 1 ? '' : 's'} — jump to top` : 'Jump to top'}
        </button>
      )}
      <div className="log-scroll" ref={scrollRef} onScroll={(e) => onPausedChange(e.currentTarget.scrollTop > PAUSE_AFTER_PX)}>
        <ul className="log-list log-virtual" aria-label="Log records" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const record = records[item.index];
            const key = keys[item.index];
            return (
              <li
                key={key}
                ref={virtualizer.measureElement}
                data-index={item.index}
                className="log-item"
                data-severity={severityBandOf(record.severityNumber)}
                data-trace-id={record.traceId || undefined}
                aria-posinset={item.index + 1}
                aria-setsize={setSize}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <LogRecordItem record={record} range={range} expanded={expanded.has(key)} onToggle={() => toggle(key)} onRowKeyDown={onRowKeyDown(item.index)} />
              </li>
            );
          })}
        </ul>
        <ListFooter feed={feed} onSearchAgain={onSearchAgain} />
      </div>
    </div>
  );
}

/** Below the last row: older records loading, a failure with a retry, or the end of the results. */
function ListFooter({ feed, onSearchAgain }: { feed: LogFeed; onSearchAgain: () => void }) {
  const count = feed.records.length;
  if (feed.older.kind === 'loading') {
    return (
      <div className="log-footer" role="status">
        <span className="spinner" aria-hidden="true" /> Loading older records…
      </div>
    );
  }
  if (feed.older.kind === 'error') {
    return (
      <div className="log-footer">
        <ErrorView what="older records" error={feed.older.error} />
        <button type="button" onClick={feed.loadOlder}>
          Retry
        </button>
      </div>
    );
  }
  if (feed.nextCursor !== undefined) {
    return (
      <div className="log-footer">
        <button type="button" onClick={feed.loadOlder}>
          Load more
        </button>
      </div>
    );
  }
  if (feed.droppedOlder) {
    return (
      <div className="log-footer muted">
        While new records arrive, the list keeps the newest {MAX_LIVE_RECORDS.toLocaleString('en')}; older ones were let go.{' '}
        <button type="button" onClick={onSearchAgain}>
          Search again
        </button>{' '}
        to page through the whole range.
      </div>
    );
  }
  return (
    <div className="log-footer muted log-end">
      End of results: {count.toLocaleString('en')} record{count === 1 ? '' : 's'} in this time range.
    </div>
  );
}
