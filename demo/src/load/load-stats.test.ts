import { describe, expect, it } from 'vitest';
import { LatencyWindow, LoadStats, computePercentile, formatProgressLine } from './load-stats.js';

describe('computePercentile', () => {
  const values = Array.from({ length: 100 }, (_, index) => index + 1);

  it('is nearest-rank', () => {
    expect(computePercentile(values, 50)).toBe(50);
    expect(computePercentile(values, 95)).toBe(95);
    expect(computePercentile(values, 99)).toBe(99);
    expect(computePercentile(values, 100)).toBe(100);
    expect(computePercentile(values, 0)).toBe(1);
    expect(computePercentile([10, 20, 30], 50)).toBe(20);
    expect(computePercentile([10, 20, 30, 40], 50)).toBe(20);
    expect(computePercentile([7], 95)).toBe(7);
  });

  it('is undefined without values', () => {
    expect(computePercentile([], 50)).toBeUndefined();
  });
});

describe('LatencyWindow', () => {
  it('answers over the most recent values only', () => {
    const window = new LatencyWindow(10);
    for (let index = 0; index < 10; index += 1) window.add(1_000);
    expect(window.readPercentile(50)).toBe(1_000);
    for (let index = 0; index < 10; index += 1) window.add(5);
    expect(window.readPercentile(95)).toBe(5);
  });

  it('does not care about insertion order', () => {
    const window = new LatencyWindow();
    for (const value of [30, 10, 20, 50, 40]) window.add(value);
    expect(window.readPercentile(50)).toBe(30);
    expect(window.readPercentile(95)).toBe(50);
  });
});

describe('LoadStats', () => {
  it('counts requests, errors by status and per endpoint', () => {
    const stats = new LoadStats();
    stats.recordRequest('GET /api/products', 200, 10);
    stats.recordRequest('GET /api/products', 200, 30);
    stats.recordRequest('GET /api/products', 502, 20);
    stats.recordRequest('POST /api/checkout', 'timeout', 15_000);
    stats.recordRequest('POST /api/checkout', 'network', 1);
    stats.recordRequest('POST /api/checkout', 404, 3);
    stats.recordJourneyStart('browse');
    stats.recordJourneyStart('browse');
    stats.recordJourneyStart('checkout');
    const snapshot = stats.snapshot();
    expect(snapshot.requests).toEqual({ total: 6, errors: 4, errorsByStatus: { '502': 1, timeout: 1, network: 1, '404': 1 } });
    expect(snapshot.journeys.byKind).toEqual({ browse: 2, checkout: 1 });
    expect(snapshot.endpoints).toEqual([
      { endpoint: 'GET /api/products', requests: 3, errors: 1, p50Ms: 20, p95Ms: 30 },
      { endpoint: 'POST /api/checkout', requests: 3, errors: 3, p50Ms: 3, p95Ms: 15_000 },
    ]);
  });
});

describe('formatProgressLine', () => {
  it('shows rates over the interval and totals since start', () => {
    const stats = new LoadStats();
    const before = { ...stats.snapshot(), elapsedMs: 0 };
    stats.recordJourneyStart('checkout');
    stats.recordJourneyStart('browse');
    stats.recordRequest('POST /api/checkout', 201, 1_800);
    stats.recordRequest('POST /api/checkout', 503, 40);
    stats.recordRequest('GET /api/products', 200, 40);
    stats.recordRequest('GET /api/products', 200, 40);
    stats.checkoutsOk = 1;
    stats.checkoutsFailed = 1;
    const after = { ...stats.snapshot(), elapsedMs: 2_000 };
    const line = formatProgressLine(after, before);
    expect(line).toBe('load 2s · 1.0 journeys/s · 2.0 req/s · errors 25.0% (503×1) · checkouts 1 ok, 1 failed · p95 checkout 1.8 s · in flight 0');
    const later = { ...after, elapsedMs: 64_000 };
    expect(formatProgressLine(later, after)).toMatch(/^load 1m04s · 0\.0 journeys\/s · 0\.0 req\/s · errors 0\.0% · /);
  });
});
