import { describe, expect, it } from 'vitest';
import { decodeExportRecord } from './export-handler.js';

const DAY_MS = 86_400_000;

function traceRecord(spanTimeMs: number, receivedAtUnixMs: number) {
  const start = BigInt(spanTimeMs) * 1_000_000n;
  const body = {
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'op', startTimeUnixNano: String(start), endTimeUnixNano: String(start + 1000n) }] }] }],
  };
  // kind 1: traces (signal 0) in JSON (bit 0 set)
  return { kind: 1, receivedAtUnixMs, payload: Buffer.from(JSON.stringify(body)) };
}

describe('decodeExportRecord', () => {
  it('judges timestamps as of when the request was received, so replay keeps what was acknowledged', () => {
    const spanTime = Date.now() - 10 * DAY_MS;
    // Received the day the span ended: within a 7-day retention then, though older now.
    expect(decodeExportRecord(traceRecord(spanTime, spanTime + DAY_MS), 7 * DAY_MS).spans).toHaveLength(1);
    // Received 30 days after it: refused then, refused on replay too.
    expect(decodeExportRecord(traceRecord(spanTime, spanTime + 30 * DAY_MS), 7 * DAY_MS).spans).toHaveLength(0);
  });

  it('gives nothing for a record of an unknown kind', () => {
    expect(decodeExportRecord({ kind: 7, receivedAtUnixMs: Date.now(), payload: Buffer.from('x') }, DAY_MS)).toEqual({ spans: [], logs: [], points: [] });
  });
});
