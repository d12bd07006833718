import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { searchLogs, type LogRecord, type RangeParams } from '../../api';
import { useAsync } from '../../model/use-async';

/** Records per request: a trace's logs usually fit in one; more come with "Load more". */
export const TRACE_LOG_PAGE_SIZE = 1000;

/** The logs of a trace as far as loaded, and how to load more. */
export interface TraceLogsState {
  kind: 'loading' | 'error' | 'ready';
  error?: Error;
  /** Every record loaded so far (the API's order: newest first). */
  logs: LogRecord[];
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
}

const NO_LOGS: LogRecord[] = [];
const NO_PAGES: LogRecord[][] = [];

/** The pages loaded after the first one, for the search `key` (the first page's request key). */
interface MorePages {
  key: string;
  pages: LogRecord[][];
  nextCursor?: string;
  loading: boolean;
  error?: Error;
}

/**
 * The log records carrying `traceId` (GET /pharos/v1/logs?traceId=…) within `range`: the
 * first page as soon as the trace is shown, further pages on demand. A stored trace's logs
 * do not change, so auto-refresh leaves them alone. One "load more" request at a time (a
 * second call while one is under way does nothing); it is aborted when the trace or range
 * changes or the component unmounts.
 */
export function useTraceLogs(traceId: string, range: RangeParams): TraceLogsState {
  const key = `trace-logs:${traceId}:${range.start}:${range.end}`;
  const first = useAsync(key, (signal) => searchLogs({ ...range, traceId, limit: TRACE_LOG_PAGE_SIZE }, signal), { refresh: false });
  const [stored, setMore] = useState<MorePages>({ key, pages: NO_PAGES, loading: false });
  const more = stored.key === key ? stored : { key, pages: NO_PAGES, loading: false };
  const firstCursor = first.kind === 'ready' ? first.data.nextCursor : undefined;
  const cursor = more.pages.length > 0 ? more.nextCursor : firstCursor;

  // Read synchronously, not from state: clicks that come before the next render must not fetch
  // a page twice, neither while it loads nor (with the old `cursor`) once it has been added.
  const inFlight = useRef<AbortController | undefined>(undefined);
  const loadedCursor = useRef<string | undefined>(undefined);
  useEffect(
    () => () => {
      inFlight.current?.abort();
      inFlight.current = undefined;
      loadedCursor.current = undefined;
    },
    [key],
  );
  const loadMore = useCallback(() => {
    if (cursor === undefined || inFlight.current !== undefined || loadedCursor.current === cursor) return;
    const controller = new AbortController();
    inFlight.current = controller;
    const update = (change: (m: MorePages) => MorePages) => setMore((m) => change(m.key === key ? m : { key, pages: NO_PAGES, loading: false }));
    update((m) => ({ ...m, loading: true, error: undefined }));
    const settle = (change: (m: MorePages) => MorePages) => {
      if (controller.signal.aborted) return;
      inFlight.current = undefined;
      update(change);
    };
    searchLogs({ ...range, traceId, limit: TRACE_LOG_PAGE_SIZE, cursor }, controller.signal).then(
      (page) => {
        if (!controller.signal.aborted) loadedCursor.current = cursor;
        settle((m) => ({ key, pages: [...m.pages, page.logs], nextCursor: page.nextCursor, loading: false }));
      },
      (error: unknown) => settle((m) => ({ ...m, loading: false, error: error instanceof Error ? error : new Error(String(error)) })),
    );
  }, [cursor, key, range, traceId]);

  const firstLogs = first.kind === 'ready' ? first.data.logs : NO_LOGS;
  const morePages = more.pages;
  const logs = useMemo(() => (morePages.length === 0 ? firstLogs : [...firstLogs, ...morePages.flat()]), [firstLogs, morePages]);
  return {
    kind: first.kind,
    error: first.kind === 'error' ? first.error : more.error,
    logs,
    hasMore: cursor !== undefined,
    loadingMore: more.loading,
    loadMore,
  };
}
