import { describe, expect, it } from 'vitest';
import { isPharosError } from '@pharos/core';
import {
  QueryParams,
  parseAttributeFilter,
  parseDurationNs,
  parseJaegerDependenciesRange,
  parseJaegerSearchRange,
  parseBoundedInteger,
  parseLimit,
  parseNativeRange,
  parseNativeTime,
  parseRfc3339Ns,
  parseSeverityParam,
  parseTraceIdParam,
} from './parse-params.js';

const NOW = 1_714_564_800_000_000_000n; // 2024-05-01T12:00:00Z

function invalid(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isPharosError(error, 'PHAROS_ERR_QUERY_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected PHAROS_ERR_QUERY_INVALID');
}

describe('parseDurationNs', () => {
  const cases: Array<[string, bigint | undefined]> = [
    ['0', 0n],
    ['500ns', 500n],
    ['500us', 500_000n],
    ['500µs', 500_000n],
    ['100ms', 100_000_000n],
    ['1.2s', 1_200_000_000n],
    ['1.5s', 1_500_000_000n],
    ['0.000000001s', 1n],
    ['5m', 300_000_000_000n],
    ['1h30m', 5_400_000_000_000n],
    ['2d', 172_800_000_000_000n],
    ['1w', 604_800_000_000_000n],
    ['', undefined],
    ['5', undefined],
    ['-1s', undefined],
    ['1s ', undefined],
    ['1x', undefined],
    ['s', undefined],
    ['1.s', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`parses ${JSON.stringify(text)}`, () => expect(parseDurationNs(text)).toBe(expected));
  }
});

describe('parseRfc3339Ns', () => {
  it('keeps nanoseconds and offsets', () => {
    expect(parseRfc3339Ns('2024-05-01T12:00:00Z')).toBe(NOW);
    expect(parseRfc3339Ns('2024-05-01T12:00:00.123456789Z')).toBe(NOW + 123_456_789n);
    expect(parseRfc3339Ns('2024-05-01T14:00:00+02:00')).toBe(NOW);
    expect(parseRfc3339Ns('2024-05-01T14:00:00 02:00')).toBe(NOW); // an unescaped + in a URL
    expect(parseRfc3339Ns('2024-05-01T10:30:00-01:30')).toBe(NOW);
  });
  it('refuses impossible dates', () => {
    expect(parseRfc3339Ns('2024-02-30T00:00:00Z')).toBeUndefined();
    expect(parseRfc3339Ns('2024-13-01T00:00:00Z')).toBeUndefined();
    expect(parseRfc3339Ns('2024-05-01T24:00:00Z')).toBeUndefined();
    expect(parseRfc3339Ns('2024-05-01')).toBeUndefined();
    expect(parseRfc3339Ns('2024-05-01T12:00:00')).toBeUndefined();
  });
});

describe('parseNativeTime', () => {
  it('accepts every documented form', () => {
    expect(parseNativeTime('start', 'now', NOW)).toBe(NOW);
    expect(parseNativeTime('start', 'now-1h', NOW)).toBe(NOW - 3_600_000_000_000n);
    expect(parseNativeTime('start', 'now-1.5s', NOW)).toBe(NOW - 1_500_000_000n);
    expect(parseNativeTime('start', '1714564800000', NOW)).toBe(NOW);
    expect(parseNativeTime('start', '1714564800000.5', NOW)).toBe(NOW + 500_000n);
    expect(parseNativeTime('start', '2024-05-01T12:00:00Z', NOW)).toBe(NOW);
  });
  it('names the parameter and the accepted forms', () => {
    expect(invalid(() => parseNativeTime('start', 'yesterday', NOW))).toMatch(/^Invalid parameter "start": must be RFC 3339 .* got "yesterday"$/);
    expect(invalid(() => parseNativeTime('end', 'now-forever', NOW))).toMatch(/"end".*not a duration/);
    expect(invalid(() => parseNativeTime('end', '-5', NOW))).toMatch(/"end".*before 1970/);
    expect(invalid(() => parseNativeTime('end', 'now-100y', NOW))).toMatch(/"end"/);
    expect(invalid(() => parseNativeTime('end', '99999999999999999999', NOW))).toMatch(/"end".*after 2262/);
    expect(invalid(() => parseNativeTime('end', 'now+20000w', NOW))).toMatch(/"end".*after 2262/);
  });
});

describe('ranges', () => {
  const q = (query: Record<string, string | string[]>) => QueryParams.from(query);
  it('defaults the native range to the last hour', () => {
    expect(parseNativeRange(q({}), NOW)).toEqual({ startUnixNano: NOW - 3_600_000_000_000n, endUnixNano: NOW });
  });
  it('refuses start after end', () => {
    expect(invalid(() => parseNativeRange(q({ start: 'now', end: 'now-1h' }), NOW))).toMatch(/"start": "now" is after end "now-1h"/);
  });
  it('reads Jaeger microseconds with an inclusive end', () => {
    expect(parseJaegerSearchRange(q({ start: '1000', end: '2000' }), NOW)).toEqual({ startUnixNano: 1_000_000n, endUnixNano: 2_001_000n });
    expect(parseJaegerSearchRange(q({ lookback: '2h' }), NOW)).toEqual({ startUnixNano: NOW - 7_200_000_000_000n, endUnixNano: NOW });
    expect(parseJaegerSearchRange(q({ lookback: 'custom', start: '1000' }), NOW).startUnixNano).toBe(1_000_000n);
    expect(invalid(() => parseJaegerSearchRange(q({ start: '1e30' }), NOW))).toMatch(/"start": must be a whole number of microseconds/);
    expect(invalid(() => parseJaegerSearchRange(q({ start: '3', end: '2' }), NOW))).toMatch(/"start".*after end/);
  });
  it('reads Jaeger dependency milliseconds', () => {
    expect(parseJaegerDependenciesRange(q({ endTs: '2000', lookback: '1000' }), NOW)).toEqual({ startUnixNano: 1_000_000_000n, endUnixNano: 2_000_000_001n });
    expect(invalid(() => parseJaegerDependenciesRange(q({ lookback: '-1' }), NOW))).toMatch(/"lookback"/);
  });
});

describe('QueryParams', () => {
  it('treats empty values as absent and refuses repeats of single values', () => {
    const params = QueryParams.from({ a: '', b: ['1', '2'], c: 'x' });
    expect(params.one('a')).toBeUndefined();
    expect(params.many('b')).toEqual(['1', '2']);
    expect(invalid(() => params.one('b'))).toBe('Invalid parameter "b": given 2 times; give it once');
    expect(invalid(() => params.required('a'))).toBe('Invalid parameter "a": is required');
    expect(invalid(() => QueryParams.from({ q: 'x'.repeat(2000) }).one('q'))).toMatch(/"q": is 2000 characters long/);
  });
});

describe('parseLimit', () => {
  const limit = (text: string) => parseLimit(QueryParams.from({ limit: text }), 'limit', 20, 100);
  it('defaults, clamps and refuses', () => {
    expect(parseLimit(QueryParams.from({}), 'limit', 20, 100)).toBe(20);
    expect(parseLimit(QueryParams.from({}), 'limit', 500, 100)).toBe(100);
    expect(limit('7')).toBe(7);
    expect(limit('100000')).toBe(100);
    expect(limit('9'.repeat(400))).toBe(100);
    for (const bad of ['0', '-5', '1.5', 'abc', 'NaN', '1e3', '1;DROP TABLE spans']) expect(invalid(() => limit(bad))).toMatch(/^Invalid parameter "limit"/);
  });
});

describe('parseBoundedInteger', () => {
  const buckets = (text: string) => parseBoundedInteger(QueryParams.from({ buckets: text }), 'buckets', 30, 1, 500);
  it('defaults, accepts the bounds and refuses anything outside them', () => {
    expect(parseBoundedInteger(QueryParams.from({}), 'buckets', 30, 1, 500)).toBe(30);
    expect(buckets('1')).toBe(1);
    expect(buckets(' 500 ')).toBe(500);
    expect(buckets('+7')).toBe(7);
    for (const bad of ['0', '501', '-1', '1.5', 'abc', 'NaN', '1e2', '9'.repeat(400), '1;DROP TABLE spans']) {
      expect(invalid(() => buckets(bad))).toMatch(/^Invalid parameter "buckets": must be a whole number from 1 to 500, got /);
    }
  });
});

describe('parseAttributeFilter', () => {
  const cases: Array<[string, { key: string; op: string; value: string }]> = [
    ['http.status_code=500', { key: 'http.status_code', op: '=', value: '500' }],
    ['http.route!=/health', { key: 'http.route', op: '!=', value: '/health' }],
    ['latency>1.5', { key: 'latency', op: '>', value: '1.5' }],
    ['latency<2', { key: 'latency', op: '<', value: '2' }],
    ['code>=500', { key: 'code', op: '>=', value: '500' }],
    ['code<=-1', { key: 'code', op: '<=', value: '-1' }],
    ['db.system', { key: 'db.system', op: 'exists', value: '' }],
    ['url=a=b', { key: 'url', op: '=', value: 'a=b' }],
    ['empty=', { key: 'empty', op: '=', value: '' }],
  ];
  for (const [text, expected] of cases) {
    it(`parses ${text}`, () => expect(parseAttributeFilter('attr', text)).toEqual(expected));
  }
  it('refuses missing keys and non-numeric comparisons', () => {
    expect(invalid(() => parseAttributeFilter('attr', '=x'))).toMatch(/"attr": "=x" has no attribute key/);
    expect(invalid(() => parseAttributeFilter('attr', 'a>abc'))).toMatch(/"attr": "a>abc" compares with ">", which needs a number/);
    expect(invalid(() => parseAttributeFilter('match', 'a>='))).toMatch(/"match"/);
    expect(invalid(() => parseAttributeFilter('attr', 'a<Infinity'))).toMatch(/needs a number/);
  });
});

describe('ids and enums', () => {
  it('normalises trace ids', () => {
    expect(parseTraceIdParam('traceID', 'ABCDEF')).toBe('abcdef'.padStart(32, '0'));
    expect(invalid(() => parseTraceIdParam('traceID', 'xyz'))).toMatch(/"traceID": must be a trace id of 1 to 32 hex characters/);
    expect(invalid(() => parseTraceIdParam('traceID', '0'.repeat(32)))).toMatch(/not all zero/);
    expect(invalid(() => parseTraceIdParam('traceID', 'a'.repeat(33)))).toMatch(/"traceID"/);
  });
  it('reads severities by number and name', () => {
    expect(parseSeverityParam('severity', '17')).toBe(17);
    expect(parseSeverityParam('severity', 'WARN')).toBe(13);
    expect(parseSeverityParam('severity', 'fatal')).toBe(21);
    expect(invalid(() => parseSeverityParam('severity', '25'))).toMatch(/"severity": must be a severity number from 1 to 24/);
    expect(invalid(() => parseSeverityParam('severity', 'loud'))).toMatch(/"severity"/);
  });
});
