import { describe, expect, it } from 'vitest';
import { computeCriticalPath, findCriticalPathRoot, groupCriticalPath, type CriticalPathSpan } from './critical-path';
import { buildTestTrace, type TestSpan } from './test-traces.test-fixture';
import { buildWaterfall } from './trace-tree';

const MS = 1e6;

/** The critical path of `spans` as [span id, startMs, endMs] in time order (the spans' own time scale). */
function pathOf(spans: TestSpan[]): Array<[string, number, number]> {
  const { rows } = buildWaterfall(buildTestTrace(spans));
  // Offsets count from the earliest start; shift them back to the times the spans were given in.
  const originMs = Math.min(...spans.map((s) => s.startMs));
  return computeCriticalPath(rows).map((s) => [rows[s.rowIndex].span.spanId, s.startNs / MS + originMs, s.endNs / MS + originMs]);
}

/** The path must tile the root's time exactly: no gaps, no overlaps. */
function expectContiguous(path: Array<[string, number, number]>, fromMs: number, toMs: number) {
  expect(path[0][1]).toBe(fromMs);
  expect(path[path.length - 1][2]).toBe(toMs);
  for (let i = 1; i < path.length; i++) expect(path[i][1]).toBe(path[i - 1][2]);
}

describe('computeCriticalPath', () => {
  it('is the whole root when it has no children', () => {
    expect(pathOf([{ id: 'r', startMs: 0, endMs: 10 }])).toEqual([['r', 0, 10]]);
  });

  it('runs through sequential children and the root time between them', () => {
    const path = pathOf([
      { id: 'r', startMs: 0, endMs: 100 },
      { id: 'a', parent: 'r', startMs: 10, endMs: 40 },
      { id: 'b', parent: 'r', startMs: 50, endMs: 90 },
    ]);
    expect(path).toEqual([
      ['r', 0, 10],
      ['a', 10, 40],
      ['r', 40, 50],
      ['b', 50, 90],
      ['r', 90, 100],
    ]);
    expectContiguous(path, 0, 100);
  });

  it('keeps back-to-back children on the path (a child ending exactly when the next starts)', () => {
    expect(
      pathOf([
        { id: 'r', startMs: 0, endMs: 100 },
        { id: 'a', parent: 'r', startMs: 0, endMs: 50 },
        { id: 'b', parent: 'r', startMs: 50, endMs: 100 },
      ]),
    ).toEqual([
      ['a', 0, 50],
      ['b', 50, 100],
    ]);
  });

  it('takes only the longest of parallel children', () => {
    expect(
      pathOf([
        { id: 'r', startMs: 0, endMs: 100 },
        { id: 'fast', parent: 'r', startMs: 10, endMs: 60 },
        { id: 'slow', parent: 'r', startMs: 10, endMs: 90 },
        { id: 'tiny', parent: 'r', startMs: 12, endMs: 20 },
      ]),
    ).toEqual([
      ['r', 0, 10],
      ['slow', 10, 90],
      ['r', 90, 100],
    ]);
  });

  it('leaves out an overlapping child that was still running when the later one started', () => {
    // a overlaps b's start, so the root's time before b is the root's own (as in Jaeger).
    expect(
      pathOf([
        { id: 'r', startMs: 0, endMs: 100 },
        { id: 'a', parent: 'r', startMs: 10, endMs: 60 },
        { id: 'b', parent: 'r', startMs: 40, endMs: 90 },
        { id: 'c', parent: 'r', startMs: 5, endMs: 30 },
      ]),
    ).toEqual([
      ['r', 0, 5],
      ['c', 5, 30],
      ['r', 30, 40],
      ['b', 40, 90],
      ['r', 90, 100],
    ]);
  });

  it('descends into grandchildren and gives a parent the gaps its children leave', () => {
    const path = pathOf([
      { id: 'r', startMs: 0, endMs: 100 },
      { id: 'a', parent: 'r', startMs: 10, endMs: 90 },
      { id: 'a1', parent: 'a', startMs: 20, endMs: 40 },
      { id: 'a2', parent: 'a', startMs: 45, endMs: 80 },
      { id: 'a2x', parent: 'a2', startMs: 50, endMs: 70 },
      { id: 'a2y', parent: 'a2', startMs: 55, endMs: 65 },
    ]);
    expect(path).toEqual([
      ['r', 0, 10],
      ['a', 10, 20],
      ['a1', 20, 40],
      ['a', 40, 45],
      ['a2', 45, 50],
      ['a2x', 50, 70],
      ['a2', 70, 80],
      ['a', 80, 90],
      ['r', 90, 100],
    ]);
    expectContiguous(path, 0, 100);
  });

  it('clips a child that outlasts its parent (fire-and-forget work) at the parent end', () => {
    expect(
      pathOf([
        { id: 'r', startMs: 0, endMs: 100 },
        { id: 'async', parent: 'r', startMs: 50, endMs: 150 },
      ]),
    ).toEqual([
      ['r', 0, 50],
      ['async', 50, 100],
    ]);
  });

  it('copes with clock skew: a child starting before its parent is clipped, one wholly outside is left out', () => {
    expect(
      pathOf([
        { id: 'r', startMs: 0, endMs: 100 },
        { id: 'early', parent: 'r', startMs: -20, endMs: 30 },
        { id: 'outside', parent: 'r', startMs: 120, endMs: 180 },
        { id: 'outside-child', parent: 'outside', startMs: 125, endMs: 130 },
      ]),
    ).toEqual([
      ['early', 0, 30],
      ['r', 30, 100],
    ]);
    // A skewed server span wholly before its client: the client's own time is the path.
    expect(
      pathOf([
        { id: 'client', startMs: 100, endMs: 200 },
        { id: 'server', parent: 'client', startMs: 10, endMs: 90 },
      ]),
    ).toEqual([['client', 100, 200]]);
  });

  it('clips grandchildren to the clipped child, not the original one', () => {
    expect(
      pathOf([
        { id: 'r', startMs: 0, endMs: 100 },
        { id: 'a', parent: 'r', startMs: 60, endMs: 200 },
        { id: 'a1', parent: 'a', startMs: 150, endMs: 190 },
        { id: 'a2', parent: 'a', startMs: 70, endMs: 95 },
      ]),
    ).toEqual([
      ['r', 0, 60],
      ['a', 60, 70],
      ['a2', 70, 95],
      ['a', 95, 100],
    ]);
  });

  it('handles zero-length spans and children at the very edges without looping', () => {
    const path = pathOf([
      { id: 'r', startMs: 0, endMs: 10 },
      { id: 'z1', parent: 'r', startMs: 10, endMs: 10 },
      { id: 'z2', parent: 'r', startMs: 0, endMs: 0 },
      { id: 'a', parent: 'r', startMs: 0, endMs: 10 },
    ]);
    expect(path).toEqual([['a', 0, 10]]);
  });

  it('follows the root that ends last when parents are missing', () => {
    const spans: TestSpan[] = [
      { id: 'r1', startMs: 0, endMs: 50 },
      { id: 'orphan', parent: 'missing', startMs: 5, endMs: 80 },
      { id: 'o1', parent: 'orphan', startMs: 10, endMs: 70 },
    ];
    const { rows } = buildWaterfall(buildTestTrace(spans));
    expect(rows[findCriticalPathRoot(rows)].span.spanId).toBe('orphan');
    expect(pathOf(spans)).toEqual([
      ['orphan', 5, 10],
      ['o1', 10, 70],
      ['orphan', 70, 80],
    ]);
    expect(computeCriticalPath([])).toEqual([]);
  });

  it('walks a 20,000-deep chain and a 20,000-wide fan-out without recursion, quickly', () => {
    const count = 20_000;
    const chain: CriticalPathSpan[] = Array.from({ length: count }, (_, i) => ({ offsetNs: i, endOffsetNs: 2 * count - i, parentIndex: i - 1, childIndices: i + 1 < count ? [i + 1] : [] }));
    const chainPath = computeCriticalPath(chain);
    expect(chainPath).toHaveLength(2 * count - 1);
    expect(chainPath[0]).toEqual({ rowIndex: 0, startNs: 0, endNs: 1 });

    // Sequential children of one root: every child and every gap is on the path.
    const fan: CriticalPathSpan[] = [{ offsetNs: 0, endOffsetNs: 3 * count, parentIndex: -1, childIndices: Array.from({ length: count }, (_, i) => i + 1) }];
    for (let i = 0; i < count; i++) fan.push({ offsetNs: 3 * i + 1, endOffsetNs: 3 * i + 3, parentIndex: 0, childIndices: [] });
    const started = performance.now();
    const fanPath = computeCriticalPath(fan);
    expect(performance.now() - started).toBeLessThan(500);
    expect(fanPath).toHaveLength(2 * count);
    const byRow = groupCriticalPath(fanPath);
    expect(byRow.get(0)?.totalNs).toBe(count);
    expect(byRow.get(1)?.totalNs).toBe(2);
  });
});
