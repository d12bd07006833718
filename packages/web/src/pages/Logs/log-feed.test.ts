import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../api';
import { LIVE_OVERLAP_NS, countNewRecords, formatApiTimeNs, keyRecords, mergeTailPoll, tailWindowStartNs } from './log-feed';
import { recordTimeUnixNano } from '../../model/log-time';

const S = 1_000_000_000n;
const T0 = 1_800_000_000n * S;

/** A record at T0 + `seconds` (fractions allowed), its body naming it. */
function rec(seconds: number, body = `r${seconds}`): LogRecord {
  const ns = T0 + BigInt(Math.round(seconds * 1e9));
  return {
    serviceName: 'svc',
    resource: { attributes: [], droppedAttributesCount: 0 },
    scope: { name: 's', version: '' },
    timeUnixNano: String(ns),
    observedTimeUnixNano: String(ns + 1n),
    severityNumber: 9,
    severityText: 'INFO',
    body: { stringValue: body },
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
}

const bodies = (records: LogRecord[]) => records.map((r) => (r.body as { stringValue: string }).stringValue);

describe('live tail merge', () => {
  it('orders by time, or by observed time when a record has none', () => {
    const untimed = { ...rec(1), timeUnixNano: '0', observedTimeUnixNano: String(T0 + 5n) };
    expect(recordTimeUnixNano(rec(2))).toBe(String(T0 + 2n * S));
    expect(recordTimeUnixNano(untimed)).toBe(String(T0 + 5n));
    // The merge places the untimed record by its observed time: inside the poll's window, so replaced by its answer.
    const merged = mergeTailPoll([untimed, rec(0)], { windowStartNs: T0 + 3n, records: [], complete: true });
    expect(merged.records).toEqual([rec(0)]);
  });

  it('looks back LIVE_OVERLAP_NS before the newest record held, or from the fallback when none is', () => {
    expect(tailWindowStartNs([rec(30), rec(20)], 7n)).toBe(T0 + 30n * S - LIVE_OVERLAP_NS);
    expect(tailWindowStartNs([], 7n)).toBe(7n);
  });

  it('writes a window start as Unix ms with a six-digit fraction, exact to the nanosecond', () => {
    expect(formatApiTimeNs(1_714_564_800_000_000_123n)).toBe('1714564800000.000123');
    expect(formatApiTimeNs(5n)).toBe('0.000005');
  });

  it('replaces the window with the poll: new records on top, a late one in its place, none twice', () => {
    const held = [rec(30), rec(25), rec(10), rec(1)];
    const windowStartNs = T0 + 15n * S;
    // The poll sees the window again: 25 and 30 (held), 40 (new) and 28 (arrived late).
    const poll = { windowStartNs, records: [rec(40), rec(30), rec(28), rec(25)], complete: true };
    expect(countNewRecords(held, poll)).toBe(2);
    const merged = mergeTailPoll(held, poll);
    expect(bodies(merged.records)).toEqual(['r40', 'r30', 'r28', 'r25', 'r10', 'r1']);
    expect(merged.droppedOlder).toBe(false);
  });

  it('keeps identical records that are really two (same time, same body)', () => {
    const held = [rec(20, 'same'), rec(20, 'same'), rec(5)];
    const poll = { windowStartNs: T0 + 10n * S, records: [rec(21), rec(20, 'same'), rec(20, 'same')], complete: true };
    expect(countNewRecords(held, poll)).toBe(1);
    expect(bodies(mergeTailPoll(held, poll).records)).toEqual(['r21', 'same', 'same', 'r5']);
  });

  it('lets the oldest go beyond the cap, and everything held go when the poll did not reach back to it', () => {
    const held = [rec(3), rec(2), rec(1)];
    const capped = mergeTailPoll(held, { windowStartNs: T0 + 3n * S, records: [rec(5), rec(4), rec(3)], complete: true }, 4);
    expect(bodies(capped.records)).toEqual(['r5', 'r4', 'r3', 'r2']);
    expect(capped.droppedOlder).toBe(true);
    const partial = mergeTailPoll(held, { windowStartNs: T0, records: [rec(9), rec(8)], complete: false }, 4);
    expect(bodies(partial.records)).toEqual(['r9', 'r8']);
    expect(partial.droppedOlder).toBe(true);
  });

  it('keys records by content, stable across answers, and tells identical records apart', () => {
    const a = keyRecords([rec(2), rec(1, 'x'), rec(1, 'x')]);
    const b = keyRecords([rec(3), rec(2), rec(1, 'x'), rec(1, 'x')]);
    expect(new Set(a).size).toBe(3);
    expect(b.slice(1)).toEqual(a);
  });
});
