import { useCallback, useMemo, useState } from 'react';
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

/**
 * The log records carrying `traceId` (GET /pharos/v1/logs?traceId=…) within `range`: the
 * first page as soon as the trace is shown, further pages on demand. A stored trace's logs
 * do not change, so auto-refresh leaves them alone.
 */
export function useTraceLogs(traceId: string, range: RangeParams): TraceLogsState {
  const first = useAsync(`trace-logs:${traceId}:${range.start}:${range.end}`, (signal) => searchLogs({ ...range, traceId, limit: TRACE_LOG_PAGE_SIZE }, signal), { refresh: false });
  const [more, setMore] = useState<{ pages: LogRecord[][]; nextCursor?: string; loading: boolean; error?: Error }>({ pages: [], loading: false });
  const firstCursor = first.kind === 'ready' ? first.data.nextCursor : undefined;
  const cursor = more.pages.length > 0 ? more.nextCursor : firstCursor;
  const loadMore = useCallback(() => {
    if (cursor === undefined || more.loading) return;
    setMore((m) => ({ ...m, loading: true, error: undefined }));
    searchLogs({ ...range, traceId, limit: TRACE_LOG_PAGE_SIZE, cursor }).then(
      (page) => setMore((m) => ({ pages: [...m.pages, page.logs], nextCursor: page.nextCursor, loading: false })),
      (error: unknown) => setMore((m) => ({ ...m, loading: false, error: error instanceof Error ? error : new Error(String(error)) })),
    );
  }, [cursor, more.loading, range, traceId]);
  const firstLogs = first.kind === 'ready' ? first.data.logs : NO_LOGS;
  const logs = useMemo(() => (more.pages.length === 0 ? firstLogs : [...firstLogs, ...more.pages.flat()]), [firstLogs, more.pages]);
  return {
    kind: first.kind,
    error: first.kind === 'error' ? first.error : more.error,
    logs,
    hasMore: cursor !== undefined,
    loadingMore: more.loading,
    loadMore,
  };
}
