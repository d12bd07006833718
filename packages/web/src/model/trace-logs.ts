import type { LogRecord, RangeParams } from '../api';
import { recordTimeUnixNano } from './log-time';
import { createOffsetFromUnixNano, type Waterfall } from './trace-tree';

/** A log record of a trace, placed on the trace's time axis and at its span's row. */
export interface TraceLogEntry {
  record: LogRecord;
  /** The record's time (its observed time when it has none) in ns from the trace start; may be negative. */
  offsetNs: number;
  /** Row index of the record's span; -1 when it names no span, or one not in the trace. */
  rowIndex: number;
}

/** The trace's log records in time order, and per row index the records of that span. */
export interface TraceLogs {
  entries: TraceLogEntry[];
  byRow: Map<number, TraceLogEntry[]>;
}

/** Minutes either side of the trace searched for its logs: records may be written (or clocks set) a little off the spans. */
const LOG_MARGIN_MS = 5 * 60_000;

/**
 * The `start`/`end` (Unix ms) to search a trace's logs in: the trace's extent widened by
 * five minutes each side. The `traceId` filter does the selecting; the range only keeps
 * the search to the days that can hold them.
 */
export function buildTraceLogRange(waterfall: Pick<Waterfall, 'traceStartUnixNano' | 'traceDurationNs'>): RangeParams {
  const startMs = Number(waterfall.traceStartUnixNano / 1_000_000n);
  const endMs = startMs + Math.ceil(waterfall.traceDurationNs / 1e6) + 1;
  return { start: String(startMs - LOG_MARGIN_MS), end: String(endMs + LOG_MARGIN_MS) };
}

/**
 * Places `records` (any order) on the trace: offsets from the trace start, the row of
 * their span, sorted by time (stable for equal times).
 */
export function placeTraceLogs(records: readonly LogRecord[], waterfall: Pick<Waterfall, 'traceStartUnixNano' | 'rowIndexBySpanId'>): TraceLogs {
  const offsetOf = createOffsetFromUnixNano(waterfall.traceStartUnixNano);
  const entries = records.map((record, order) => ({
    record,
    offsetNs: offsetOf(recordTimeUnixNano(record)),
    rowIndex: record.spanId === '' ? -1 : (waterfall.rowIndexBySpanId.get(record.spanId) ?? -1),
    order,
  }));
  entries.sort((a, b) => a.offsetNs - b.offsetNs || a.order - b.order);
  const byRow = new Map<number, TraceLogEntry[]>();
  const placed: TraceLogEntry[] = entries.map(({ record, offsetNs, rowIndex }) => ({ record, offsetNs, rowIndex }));
  for (const entry of placed) {
    if (entry.rowIndex === -1) continue;
    const list = byRow.get(entry.rowIndex);
    if (list === undefined) byRow.set(entry.rowIndex, [entry]);
    else list.push(entry);
  }
  return { entries: placed, byRow };
}
