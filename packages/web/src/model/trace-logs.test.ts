import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../api';
import { TEST_ORIGIN_UNIX_NANO, buildTestTrace } from './test-traces.test-fixture';
import { buildTraceLogRange, placeTraceLogs } from './trace-logs';
import { buildWaterfall } from './trace-tree';

const waterfall = buildWaterfall(
  buildTestTrace([
    { id: 'r', startMs: 0, endMs: 100 },
    { id: 'a', parent: 'r', startMs: 10, endMs: 20 },
  ]),
);

function logAt(ms: number, spanId: string, body: string, observedMs = ms): LogRecord {
  const nano = (t: number) => (TEST_ORIGIN_UNIX_NANO + BigInt(t * 1e6)).toString();
  return {
    serviceName: 'svc',
    resource: { attributes: [], droppedAttributesCount: 0 },
    scope: { name: '', version: '' },
    timeUnixNano: Number.isNaN(ms) ? '0' : nano(ms),
    observedTimeUnixNano: nano(observedMs),
    severityNumber: 9,
    severityText: 'INFO',
    body: { stringValue: body },
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId,
    eventName: '',
  };
}

describe('trace logs', () => {
  it('orders records by time (observed time when unset), places them at their span, keeps unknown spans unplaced', () => {
    const logs = placeTraceLogs([logAt(15, 'a', 'late'), logAt(12, 'a', 'early'), logAt(NaN, 'r', 'observed', 50), logAt(-3, '', 'before'), logAt(60, 'elsewhere', 'unknown span')], waterfall);
    expect(logs.entries.map((e) => [e.record.body.stringValue, e.offsetNs / 1e6, e.rowIndex])).toEqual([
      ['before', -3, -1],
      ['early', 12, 1],
      ['late', 15, 1],
      ['observed', 50, 0],
      ['unknown span', 60, -1],
    ]);
    expect(logs.byRow.get(1)?.map((e) => e.record.body.stringValue)).toEqual(['early', 'late']);
    expect(logs.byRow.has(-1)).toBe(false);
  });

  it('searches the trace extent with five minutes each side, in Unix milliseconds', () => {
    const startMs = Number(TEST_ORIGIN_UNIX_NANO / 1_000_000n);
    expect(buildTraceLogRange(waterfall)).toEqual({ start: String(startMs - 300_000), end: String(startMs + 100 + 1 + 300_000) });
  });
});
