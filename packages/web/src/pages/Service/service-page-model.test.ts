import { describe, expect, it } from 'vitest';
import type { OperationSummary } from '../../api';
import {
  arrangeOperations,
  buildBucketTracesHref,
  buildBucketTracesLinks,
  buildOperationTracesHref,
  findEntryKinds,
  formatAgo,
  operationChoiceValue,
  parseOperationChoice,
  parseOperationSort,
} from './service-page-model';

const op = (name: string, spanKind: string, spansPerSecond: number, p95Ms = 1): OperationSummary => ({
  name,
  spanKind,
  spans: 1,
  errors: 0,
  spansPerSecond,
  errorRate: 0,
  p50DurationNs: '1000000',
  p95DurationNs: String(p95Ms * 1e6),
  p99DurationNs: '1000000',
  buckets: [],
});

describe('operations table order', () => {
  const operations = [op('GET /a', 'server', 1, 9), op('db', 'client', 50), op('GET /b', 'server', 5, 3), op('consume', 'consumer', 2, 7), op('work', 'internal', 9)];
  it('shows entry operations, busiest first, by default', () => {
    expect(parseOperationSort(null)).toEqual({ key: 'rate', descending: true });
    expect(arrangeOperations(operations, parseOperationSort(null), false).map((o) => o.name)).toEqual(['GET /b', 'consume', 'GET /a']);
  });
  it('lists the other kinds after the entry operations when asked, each group in the chosen order', () => {
    expect(arrangeOperations(operations, parseOperationSort('p95'), true).map((o) => o.name)).toEqual(['GET /b', 'consume', 'GET /a', 'db', 'work']);
    expect(arrangeOperations(operations, parseOperationSort('-name'), true).map((o) => o.name)).toEqual(['GET /b', 'GET /a', 'consume', 'work', 'db']);
    expect(parseOperationSort('-bogus')).toEqual({ key: 'rate', descending: true });
  });
});

describe('latency operation choice', () => {
  it('round-trips names with colons', () => {
    const value = operationChoiceValue({ name: 'GET /a:b', spanKind: 'server' });
    expect(value).toBe('server:GET /a:b');
    expect(parseOperationChoice(value)).toEqual({ name: 'GET /a:b', spanKind: 'server' });
    expect(parseOperationChoice('')).toBeUndefined();
  });
  it('links a bucket to its traces with duration bounds', () => {
    const range = { kind: 'relative', id: '1h' } as const;
    const bucket = { lowerBoundNs: '1250000', upperBoundNs: '1600000', spans: 3, errors: 1 };
    const href = buildBucketTracesHref(range, 'shop api', { name: 'GET /x', spanKind: 'server' }, bucket);
    const url = new URL(href, 'http://localhost');
    expect(url.pathname).toBe('/traces');
    expect(Object.fromEntries(url.searchParams)).toEqual({ range: '1h', service: 'shop api', operation: 'GET /x', kind: 'server', minDuration: '1.250001ms', maxDuration: '1.6ms' });
    const first = new URL(buildBucketTracesHref(range, 's', { spanKind: 'consumer' }, { lowerBoundNs: '0', upperBoundNs: '1000', spans: 1, errors: 0 }), 'http://localhost');
    expect(Object.fromEntries(first.searchParams)).toEqual({ range: '1h', service: 's', kind: 'consumer', maxDuration: '1us' });
  });
  it("links a bucket of the service's requests once per entry kind it has, each link with its kind", () => {
    const range = { kind: 'relative', id: '1h' } as const;
    const bucket = { lowerBoundNs: '1000', upperBoundNs: '1250', spans: 3, errors: 0 };
    const kindsOf = (links: Array<{ spanKind: string; href: string }>) => links.map((l) => [l.spanKind, new URL(l.href, 'http://localhost').searchParams.get('kind')]);
    expect(kindsOf(buildBucketTracesLinks(range, 's', undefined, ['server', 'consumer'], bucket))).toEqual([
      ['server', 'server'],
      ['consumer', 'consumer'],
    ]);
    expect(kindsOf(buildBucketTracesLinks(range, 's', undefined, ['consumer'], bucket))).toEqual([['consumer', 'consumer']]);
    // A chosen operation: its own kind only, whatever the service's entry kinds.
    expect(kindsOf(buildBucketTracesLinks(range, 's', { name: 'db', spanKind: 'client' }, ['server'], bucket))).toEqual([['client', 'client']]);
  });
  it("finds the entry kinds among the service's operations, both when it cannot tell", () => {
    const summary = (operations: OperationSummary[], operationCount = operations.length) => ({ operations, operationCount });
    expect(findEntryKinds(summary([op('GET /a', 'server', 1), op('db', 'client', 1)]))).toEqual(['server']);
    expect(findEntryKinds(summary([op('consume', 'consumer', 1), op('GET /a', 'server', 1)]))).toEqual(['server', 'consumer']);
    expect(findEntryKinds(summary([op('GET /a', 'server', 1)], 500))).toEqual(['server', 'consumer']);
    expect(findEntryKinds(summary([op('db', 'client', 1)]))).toEqual(['server', 'consumer']);
    expect(findEntryKinds(undefined)).toEqual(['server', 'consumer']);
  });
});

describe('operation links', () => {
  it('name the operation and its kind, so that one name with two kinds links each row to its own spans', () => {
    const href = buildOperationTracesHref({ kind: 'relative', id: '15m' }, 'shop', { name: 'GET /x', spanKind: 'client' });
    const url = new URL(href, 'http://localhost');
    expect(url.pathname).toBe('/traces');
    expect(Object.fromEntries(url.searchParams)).toEqual({ range: '15m', service: 'shop', operation: 'GET /x', kind: 'client' });
  });
});

describe('formatAgo', () => {
  it('uses the largest whole unit', () => {
    const now = 1_700_000_000_000;
    const at = (msAgo: number) => String(BigInt(now - msAgo) * 1_000_000n);
    expect([at(1000), at(45_000), at(12 * 60_000), at(3 * 3_600_000), at(2 * 86_400_000)].map((t) => formatAgo(t, now))).toEqual(['just now', '45s ago', '12m ago', '3h ago', '2d ago']);
  });
});
