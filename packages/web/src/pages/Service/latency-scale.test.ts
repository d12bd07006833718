import { describe, expect, it } from 'vitest';
import type { LatencyBucket } from '../../api';
import { buildDurationTicks, describeBucket, formatDurationParam, locateDuration, selectVisibleBuckets } from './latency-scale';

/** The server's fixed buckets (docs/api.md): R10 bounds from 1 µs to 100 s, 82 buckets. */
const R10 = [1, 1.25, 1.6, 2, 2.5, 3.15, 4, 5, 6.3, 8];
const BOUNDS: number[] = [];
for (let decade = 1e3; decade < 1e11; decade *= 10) for (const step of R10) BOUNDS.push(Math.round(step * decade));
BOUNDS.push(1e11);

function buckets(spansAt: Record<number, number> = {}): LatencyBucket[] {
  return Array.from({ length: BOUNDS.length + 1 }, (_, i) => ({
    lowerBoundNs: i === 0 ? '0' : String(BOUNDS[i - 1]),
    upperBoundNs: i < BOUNDS.length ? String(BOUNDS[i]) : null,
    spans: spansAt[i] ?? 0,
    errors: 0,
  }));
}

describe('selectVisibleBuckets', () => {
  it('shows the filled buckets with two empty ones on each side', () => {
    expect(selectVisibleBuckets(buckets({ 30: 1, 50: 3 }))).toEqual({ first: 28, last: 52 });
  });
  it('widens a narrow distribution to 16 buckets, within the ends', () => {
    const { first, last } = selectVisibleBuckets(buckets({ 40: 5 }));
    expect(last - first + 1).toBe(16);
    expect(first).toBeLessThanOrEqual(38);
    expect(last).toBeGreaterThanOrEqual(42);
    expect(selectVisibleBuckets(buckets({ 0: 1 }))).toEqual({ first: 0, last: 15 });
    expect(selectVisibleBuckets(buckets({ 81: 1 }))).toEqual({ first: 66, last: 81 });
    expect(selectVisibleBuckets(buckets())).toEqual({ first: 0, last: 15 });
  });
});

describe('locateDuration', () => {
  it('places a duration logarithmically inside its bucket', () => {
    const all = buckets();
    expect(locateDuration(all, 1e6)).toBeCloseTo(31); // 1 ms is the upper bound of bucket 30: its right edge
    expect(locateDuration(all, 1.25e6)).toBeCloseTo(32);
    expect(locateDuration(all, Math.sqrt(1e6 * 1.25e6))).toBeCloseTo(31.5);
    expect(locateDuration(all, 500)).toBeCloseTo(0.5); // the first bucket is linear from 0
    expect(locateDuration(all, 5e11)).toBeCloseTo(81.5);
  });
});

describe('buildDurationTicks', () => {
  it('labels decades when three or more are visible, else also the 2 and 5 steps', () => {
    const all = buckets();
    expect(buildDurationTicks(all, 20, 52).map((t) => t.durationNs)).toEqual([1e5, 1e6, 1e7, 1e8]);
    // Bucket 20 ends at 100 µs: its right edge, one bucket from the left.
    expect(buildDurationTicks(all, 20, 52).map((t) => t.position)).toEqual([1, 11, 21, 31]);
    expect(buildDurationTicks(all, 30, 45).map((t) => t.durationNs)).toEqual([1e6, 2e6, 5e6, 1e7, 2e7]);
  });
});

describe('duration texts', () => {
  it('formats trace-search parameters exactly', () => {
    expect(['0', '1000', '1250', '3150000', '1600000', '100000000000', '999', '80000000000'].map(formatDurationParam)).toEqual([
      '0',
      '1us',
      '1.25us',
      '3.15ms',
      '1.6ms',
      '100s',
      '999ns',
      '80s',
    ]);
  });
  it('labels buckets compactly', () => {
    const all = buckets();
    expect(describeBucket(all[0])).toBe('≤ 1µs');
    expect(describeBucket(all[31])).toBe('1ms – 1.25ms');
    expect(describeBucket(all[81])).toBe('> 100s');
  });
});
