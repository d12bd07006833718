import { describe, expect, it } from 'vitest';
import { TEST_ORIGIN_UNIX_NANO, buildTestTrace } from './test-traces.test-fixture';
import { buildWaterfall, createOffsetFromUnixNano, listAncestors, listVisibleRows } from './trace-tree';
import type { TraceResponse } from '../api';

describe('buildWaterfall', () => {
  const trace = buildTestTrace([
    { id: 'b', parent: 'r', service: 'cart', startMs: 30, endMs: 60 },
    { id: 'r', service: 'web', startMs: 0, endMs: 100 },
    { id: 'a', parent: 'r', service: 'web', startMs: 10, endMs: 20, error: true },
    { id: 'a1', parent: 'a', service: 'db', startMs: 11, endMs: 19 },
    { id: 'orphan', parent: 'gone', service: 'cart', startMs: 5, endMs: 8 },
  ]);

  it('orders spans depth-first with children by start, orphans as roots, and offsets from the earliest start', () => {
    const w = buildWaterfall(trace);
    expect(w.rows.map((r) => [r.span.spanId, r.depth, r.parentIndex, r.subtreeEnd])).toEqual([
      ['r', 0, -1, 4],
      ['a', 1, 0, 3],
      ['a1', 2, 1, 3],
      ['b', 1, 0, 4],
      ['orphan', 0, -1, 5],
    ]);
    expect(w.rows[0].childIndices).toEqual([1, 3]);
    expect(w.rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect(w.rows[3]).toMatchObject({ offsetNs: 30e6, endOffsetNs: 60e6, durationNs: 30e6, serviceName: 'cart', hasChildren: false });
    expect(w.traceStartUnixNano).toBe(TEST_ORIGIN_UNIX_NANO);
    expect(w.traceDurationNs).toBe(100e6);
    expect(w.services).toEqual(['web', 'db', 'cart']);
    expect(w.errorCount).toBe(1);
    expect(w.maxDepth).toBe(2);
    expect(w.rowIndexBySpanId.get('b')).toBe(3);
  });

  it('keeps spans caught in a parent cycle, and a span that is its own parent', () => {
    const w = buildWaterfall(
      buildTestTrace([
        { id: 'x', parent: 'y', startMs: 0, endMs: 1 },
        { id: 'y', parent: 'x', startMs: 1, endMs: 2 },
        { id: 's', parent: 's', startMs: 3, endMs: 4 },
      ]),
    );
    expect(w.rows.map((r) => [r.span.spanId, r.depth])).toEqual([
      ['s', 0],
      ['x', 0],
      ['y', 1],
    ]);
  });

  it('gives a span that ends before it starts a zero duration, and an empty trace no rows', () => {
    const w = buildWaterfall(buildTestTrace([{ id: 'r', startMs: 10, endMs: 5 }]));
    expect(w.rows[0].durationNs).toBe(0);
    expect(buildWaterfall({ traceId: 'x', resourceSpans: [] }).rows).toEqual([]);
  });

  it('builds a 20,000-deep chain and a 20,000-wide fan-out without recursion, quickly', () => {
    const count = 20_000;
    const chain = buildTestTrace(Array.from({ length: count }, (_, i) => ({ id: `c${i}`, parent: i === 0 ? undefined : `c${i - 1}`, startMs: i * 0.001, endMs: 100 })));
    const deep = buildWaterfall(chain);
    expect(deep.maxDepth).toBe(count - 1);
    expect(deep.rows[0].subtreeEnd).toBe(count);
    const fan = buildTestTrace([{ id: 'root', startMs: 0, endMs: 1000 }, ...Array.from({ length: count }, (_, i) => ({ id: `f${i}`, parent: 'root', startMs: (count - i) * 0.01, endMs: 999 }))]);
    const started = performance.now();
    const wide = buildWaterfall(fan);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(wide.rows[1].span.spanId).toBe(`f${count - 1}`);
    expect(wide.rows[0].childIndices).toHaveLength(count);
  });
});

describe('listVisibleRows and listAncestors', () => {
  const { rows } = buildWaterfall(
    buildTestTrace([
      { id: 'r', startMs: 0, endMs: 100 },
      { id: 'a', parent: 'r', startMs: 10, endMs: 20 },
      { id: 'a1', parent: 'a', startMs: 11, endMs: 19 },
      { id: 'a1x', parent: 'a1', startMs: 12, endMs: 13 },
      { id: 'b', parent: 'r', startMs: 30, endMs: 60 },
    ]),
  );

  it('skips the descendants of collapsed rows', () => {
    expect(listVisibleRows(rows, new Set())).toEqual([0, 1, 2, 3, 4]);
    expect(listVisibleRows(rows, new Set([1]))).toEqual([0, 1, 4]);
    expect(listVisibleRows(rows, new Set([2, 1]))).toEqual([0, 1, 4]);
    expect(listVisibleRows(rows, new Set([0]))).toEqual([0]);
    expect(listVisibleRows(rows, new Set([4]))).toEqual([0, 1, 2, 3, 4]);
  });

  it('lists ancestors nearest first', () => {
    expect(listAncestors(rows, 3)).toEqual([2, 1, 0]);
    expect(listAncestors(rows, 0)).toEqual([]);
  });
});

describe('createOffsetFromUnixNano', () => {
  it('is exact for real Unix-nanosecond times, before and after the origin', () => {
    const offsetOf = createOffsetFromUnixNano(1_795_600_800_123_456_789n);
    expect(offsetOf('1795600800123456789')).toBe(0);
    expect(offsetOf('1795600801123456790')).toBe(1_000_000_001);
    expect(offsetOf('1795600799999999999')).toBe(-123_456_790);
    expect(offsetOf('1795600800000000000')).toBe(-123_456_789);
  });

  it('handles an origin and times shorter than 10 digits', () => {
    expect(createOffsetFromUnixNano(5n)('123')).toBe(118);
  });
});

// The type is used so that a shape change of the API breaks this test at compile time.
export type _Trace = TraceResponse;
