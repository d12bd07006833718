import { describe, expect, it } from 'vitest';
import { buildDurationScale } from './duration-scale';

const MS = 1e6;

describe('buildDurationScale', () => {
  it('is linear from 0 when durations are alike, covering the longest', () => {
    const scale = buildDurationScale([20 * MS, 35 * MS, 90 * MS]);
    expect(scale.kind).toBe('linear');
    expect(scale.minNs).toBe(0);
    expect(scale.maxNs).toBeGreaterThanOrEqual(90 * MS);
    expect(scale.ticksNs[0]).toBe(0);
    expect(scale.toFraction(0)).toBe(0);
    expect(scale.toFraction(scale.maxNs)).toBe(1);
    expect(scale.fromFraction(scale.toFraction(35 * MS))).toBeCloseTo(35 * MS);
  });

  it('turns logarithmic by decades when the longest is more than 20 times the shortest', () => {
    const scale = buildDurationScale([2 * MS, 40 * MS, 2400 * MS]);
    expect(scale.kind).toBe('log');
    expect(scale.minNs).toBe(1 * MS);
    expect(scale.maxNs).toBe(10_000 * MS);
    expect(scale.ticksNs).toEqual([1 * MS, 3 * MS, 10 * MS, 30 * MS, 100 * MS, 300 * MS, 1000 * MS, 3000 * MS, 10_000 * MS]);
    expect(scale.toFraction(10 * MS)).toBeCloseTo(0.25);
    expect(scale.toFraction(1000 * MS)).toBeCloseTo(0.75);
    expect(scale.fromFraction(0.5)).toBeCloseTo(100 * MS);
    // Below the domain (0 included) sits on the axis, never below it.
    expect(scale.toFraction(0)).toBe(0);
  });

  it('adds 2 and 5 between the powers of ten when the durations span two decades or less', () => {
    const scale = buildDurationScale([3 * MS, 90 * MS]);
    expect(scale.kind).toBe('log');
    expect(scale.ticksNs).toEqual([1 * MS, 2 * MS, 5 * MS, 10 * MS, 20 * MS, 50 * MS, 100 * MS]);
  });

  it('has a default 0 to 1 ms axis for no traces and copes with zero durations', () => {
    expect(buildDurationScale([]).maxNs).toBeGreaterThanOrEqual(1 * MS);
    const zeros = buildDurationScale([0, 0]);
    expect(zeros.kind).toBe('linear');
    expect(zeros.toFraction(0)).toBe(0);
  });
});
