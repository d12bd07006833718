import { describe, expect, it } from 'vitest';
import { buildLogTicks, countDecades } from './log-scale.js';

describe('countDecades', () => {
  it('counts the whole decades that cover [min, max]', () => {
    expect(countDecades(2e6, 2.4e9)).toBe(4);
    expect(countDecades(1e6, 1e8)).toBe(2);
    expect(countDecades(3e6, 9e6)).toBe(1);
    expect(countDecades(5, 5)).toBe(1);
    expect(countDecades(1000, 1000)).toBe(0);
  });
});

describe('buildLogTicks', () => {
  it('lists the multiples of powers of ten within the bounds, inclusive', () => {
    expect(buildLogTicks(1e6, 1e8, [1])).toEqual([1e6, 1e7, 1e8]);
    expect(buildLogTicks(1e6, 1e8, [1, 2, 5])).toEqual([1e6, 2e6, 5e6, 1e7, 2e7, 5e7, 1e8]);
    expect(buildLogTicks(1.25e6, 3.15e7, [1, 2, 5])).toEqual([2e6, 5e6, 1e7, 2e7]);
    expect(buildLogTicks(1e3, 1e5, [1, 3])).toEqual([1e3, 3e3, 1e4, 3e4, 1e5]);
  });
  it('gives exact values below 1', () => {
    expect(buildLogTicks(0.1, 1, [1, 3])).toEqual([0.1, 0.3, 1]);
  });
  it('is empty when no multiple lies within the bounds', () => {
    expect(buildLogTicks(1.25e6, 1.6e6, [1])).toEqual([]);
  });
});
