import type { LogRecord } from '../../api';
import { recordTimeUnixNano } from '../../model/log-time';

/**
 * The records the logs page holds, newest first, and how live tail merges new ones in.
 * Pure functions: the React side (use-log-feed.ts) only fetches and calls these.
 *
 * Live tail polls GET /pharos/v1/logs for the window [newest held − LIVE_OVERLAP_NS, now)
 * rather than asking the server for "records stored since": a record's time is set by its
 * source, so a record can be stored after newer ones (batching exporters, a Collector, a slow
 * network), and a pure "newer than the newest shown" poll would miss it. Each answer is the
 * server's complete truth for its window (the API's range is half-open on the records'
 * time), so the merge replaces the held records of that window with it: records that arrived
 * late within the overlap take their place in time order, and records seen before are not
 * shown twice, even exact duplicates (which a set of keys would wrongly fold into one).
 * Records arriving later than the overlap are not picked up by live tail; a new search
 * shows them. No server change is needed, and every storage backend serves this already.
 */

/** How far back before the newest held record each live poll looks again: 15 s, in ns. */
export const LIVE_OVERLAP_NS = 15_000_000_000n;

/** The most records live tail keeps; beyond it the oldest are let go. */
export const MAX_LIVE_RECORDS = 2000;

/** A record's place in time order (see recordTimeUnixNano), in Unix ns. */
const recordTimeNs = (record: LogRecord): bigint => BigInt(recordTimeUnixNano(record));

/** A Unix-ns instant as the native API's `start`/`end`: Unix milliseconds with a 6-digit fraction (exact to the ns). */
export function formatApiTimeNs(unixNano: bigint): string {
  const ns = unixNano < 0n ? 0n : unixNano;
  return `${ns / 1_000_000n}.${String(ns % 1_000_000n).padStart(6, '0')}`;
}

/** What one live poll found: every record of [windowStartNs, now), newest first, unless `complete` is false. */
export interface TailPoll {
  windowStartNs: bigint;
  records: LogRecord[];
  /** False when the poll stopped after MAX_LIVE_RECORDS records: older ones of the window were not fetched. */
  complete: boolean;
}

/** The start of the next live poll's window for `held` (newest first), or `fallbackNs` when nothing is held. */
export function tailWindowStartNs(held: readonly LogRecord[], fallbackNs: bigint): bigint {
  if (held.length === 0) return fallbackNs;
  const start = recordTimeNs(held[0]) - LIVE_OVERLAP_NS;
  return start > 0n ? start : 0n;
}

/** The result of merging a live poll into the held records. */
export interface TailMerge {
  records: LogRecord[];
  /** True when older records were let go (the cap, or a poll too large to join up with the held ones). */
  droppedOlder: boolean;
}

/**
 * Merges `poll` into `held` (both newest first): the held records of the poll's window are
 * replaced by the poll's, the older ones kept; then the list is cut to `maxRecords`. A poll
 * that is not complete cannot be joined to the held records without a gap, so it replaces
 * them all.
 */
export function mergeTailPoll(held: readonly LogRecord[], poll: TailPoll, maxRecords: number = MAX_LIVE_RECORDS): TailMerge {
  const merged = poll.complete ? [...poll.records, ...held.filter((r) => recordTimeNs(r) < poll.windowStartNs)] : [...poll.records];
  const droppedOlder = !poll.complete || merged.length > maxRecords;
  return { records: merged.length > maxRecords ? merged.slice(0, maxRecords) : merged, droppedOlder };
}

/** How many records `poll` would add to `held`: those it holds beyond the held ones of its window. */
export function countNewRecords(held: readonly LogRecord[], poll: TailPoll): number {
  const heldInWindow = held.filter((r) => recordTimeNs(r) >= poll.windowStartNs).length;
  return Math.max(0, poll.records.length - heldInWindow);
}

/** FNV-1a over a string: a short, stable digest for record keys. */
function hashText(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

const contentKeys = new WeakMap<LogRecord, string>();

function contentKeyOf(record: LogRecord): string {
  let key = contentKeys.get(record);
  if (key === undefined) {
    const digest = hashText(JSON.stringify([record.serviceName, record.severityNumber, record.traceId, record.spanId, record.body, record.attributes, record.eventName]));
    key = `${record.timeUnixNano}.${record.observedTimeUnixNano}.${digest}`;
    contentKeys.set(record, key);
  }
  return key;
}

/**
 * A key per record that stays the same when the list is rebuilt from a new answer (so that an
 * expanded record stays expanded and the virtual list keeps its measured height): its times and
 * a digest of its content, and for identical records their order among them.
 */
export function keyRecords(records: readonly LogRecord[]): string[] {
  const seen = new Map<string, number>();
  return records.map((record) => {
    const key = contentKeyOf(record);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return n === 0 ? key : `${key}~${n}`;
  });
}
