import { describe, expect, it } from 'vitest';
import { formatCompactDuration, formatDurationNs } from './format.js';

const MS = 1e6;

describe('formatCompactDuration', () => {
  it.each([
    [0, '0'],
    [500, '500ns'],
    [1_000, '1µs'],
    [1_250, '1.25µs'],
    [250_000, '250µs'],
    [1 * MS, '1ms'],
    [2.5 * MS, '2.5ms'],
    [16 * MS, '16ms'],
    [31.5 * MS, '31.5ms'],
    [1_234_567, '1.23ms'],
    [1000 * MS, '1s'],
    [1500 * MS, '1.5s'],
    [90_000 * MS, '1.5min'],
    [300_000 * MS, '5min'],
    [7_200_000 * MS, '2h'],
  ])('%d ns is %s', (ns, text) => {
    expect(formatCompactDuration(ns)).toBe(text);
  });

  it('keeps round ticks round: a smaller unit when the larger one would need rounding', () => {
    // 100 s is 1.666… min and 200 s is 3.33… min: seconds say it exactly.
    expect(formatCompactDuration(100_000 * MS)).toBe('100s');
    expect(formatCompactDuration(200_000 * MS)).toBe('200s');
    // 1000 s has no exact form under 1000 of a unit: the largest unit, rounded.
    expect(formatCompactDuration(1_000_000 * MS)).toBe('16.7min');
    expect(formatCompactDuration(10_000_000 * MS)).toBe('2.78h');
  });
});

describe('formatDurationNs', () => {
  it('chooses the unit by size', () => {
    expect(['850', '12300000', '1520000000', 999].map(formatDurationNs)).toEqual(['850ns', '12.3ms', '1.52s', '999ns']);
  });
});
