import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TRACE_LIMIT,
  checkDuration,
  checkSearchForm,
  describeCondition,
  effectiveLimit,
  isInSelection,
  parseCondition,
  parseDurationNs,
  parseSort,
  readSearchForm,
  readSelection,
  searchFormQuery,
  selectionQuery,
  sortTraces,
  unixNanoToMs,
  type TraceSearchForm,
} from './trace-search';

const emptyForm: TraceSearchForm = readSearchForm(new URLSearchParams());

describe('durations, as GET /pharos/v1/traces reads them', () => {
  it.each([
    ['0', 0],
    ['500ns', 500],
    ['500us', 500_000],
    ['500µs', 500_000],
    ['250ms', 250_000_000],
    ['1.5s', 1_500_000_000],
    ['1m30s', 90_000_000_000],
    ['1h', 3_600_000_000_000],
    ['2d', 172_800_000_000_000],
    ['1w', 604_800_000_000_000],
    [' 2s ', 2_000_000_000],
    ['0.0000000019s', 1],
  ])('%s is %d ns', (text, ns) => {
    expect(parseDurationNs(text)).toBe(ns);
  });

  it.each(['250', '1.5', 's', 'ms5', '-1s', '1.5 s', '1sec', '1e3ms', ''])('%j is not a duration', (text) => {
    expect(parseDurationNs(text)).toBeUndefined();
  });

  it('explains what is wrong, and accepts an empty field', () => {
    expect(checkDuration('')).toBeUndefined();
    expect(checkDuration('1.5s')).toBeUndefined();
    expect(checkDuration('250')).toBe('Add a unit: 250ms, 250s, … (units ns, us or µs, ms, s, m, h, d, w).');
    expect(checkDuration('-5ms')).toBe('A duration cannot be negative.');
    expect(checkDuration('fast')).toBe('Use a number and a unit, e.g. 250ms, 1.5s, 500us or 1m30s.');
  });

  it('refuses a maximum below the minimum, and a limit outside 1..1000', () => {
    expect(checkSearchForm({ ...emptyForm, minDuration: '1s', maxDuration: '500ms' })).toEqual({ maxDuration: 'The maximum is below the minimum.' });
    expect(checkSearchForm({ ...emptyForm, minDuration: '500ms', maxDuration: '500ms' })).toEqual({});
    expect(checkSearchForm({ ...emptyForm, limit: '0' })).toEqual({ limit: 'A whole number from 1 to 1000.' });
    expect(checkSearchForm({ ...emptyForm, limit: '1001' }).limit).toBeDefined();
    expect(checkSearchForm({ ...emptyForm, limit: '2.5' }).limit).toBeDefined();
    expect(effectiveLimit({ ...emptyForm, limit: 'x' })).toBe(DEFAULT_TRACE_LIMIT);
    expect(effectiveLimit({ ...emptyForm, limit: ' 25 ' })).toBe(25);
  });
});

describe('attribute conditions, as the API parses them', () => {
  it.each([
    ['http.response.status_code=500', { key: 'http.response.status_code', op: '=', value: '500' }],
    ['payment.method!=card', { key: 'payment.method', op: '!=', value: 'card' }],
    ['order.items>4', { key: 'order.items', op: '>', value: '4' }],
    ['order.amount<100.5', { key: 'order.amount', op: '<', value: '100.5' }],
    ['order.items>=3', { key: 'order.items', op: '>=', value: '3' }],
    ['order.items<=3', { key: 'order.items', op: '<=', value: '3' }],
    ['http.route', { key: 'http.route', op: 'exists', value: '' }],
    ['url.query=a=b', { key: 'url.query', op: '=', value: 'a=b' }],
    [' http.method = GET ', { key: 'http.method', op: '=', value: 'GET' }],
    ['flag=', { key: 'flag', op: '=', value: '' }],
    ['n>-1.5e3', { key: 'n', op: '>', value: '-1.5e3' }],
  ])('%s', (text, condition) => {
    expect(parseCondition(text)).toEqual({ ok: true, condition });
  });

  it.each([
    ['=500', /Start with an attribute key/],
    ['   ', /Start with an attribute key/],
    ['order.items>many', /">" compares numbers: put a number after it, e\.g\. order\.items>500/],
    ['order.items<', /"<" compares numbers/],
    ['http.status_code 500', /has a space/],
  ])('%j is refused', (text, problem) => {
    const parsed = parseCondition(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });

  it('describes a condition in words', () => {
    expect(describeCondition('http.response.status_code>=500')).toBe('http.response.status_code at least 500');
    expect(describeCondition('payment.method!=card')).toBe('payment.method is not card');
    expect(describeCondition('http.route')).toBe('http.route exists');
  });
});

describe('the URL query', () => {
  it('reads every field and writes them back, leaving the default limit out', () => {
    const search = new URLSearchParams('service=payment&parentService=order&operation=POST+%2Fcharge&kind=server&status=error&minDuration=250ms&attr=a%3D1&attr=b%3E2&limit=50');
    const form = readSearchForm(search);
    expect(form).toEqual({ service: 'payment', parentService: 'order', operation: 'POST /charge', kind: 'server', status: 'error', minDuration: '250ms', maxDuration: '', attr: ['a=1', 'b>2'], limit: '50' });
    expect(searchFormQuery(form)).toMatchObject({ service: 'payment', parentService: 'order', attr: ['a=1', 'b>2'], limit: '50' });
    expect(searchFormQuery({ ...form, limit: String(DEFAULT_TRACE_LIMIT) }).limit).toBeUndefined();
    expect(emptyForm.limit).toBe(String(DEFAULT_TRACE_LIMIT));
  });

  it('keeps a plot selection only when all four bounds are there and in order', () => {
    const selection = { fromMs: 1_714_564_800_000, toMs: 1_714_564_860_000, minDurationNs: 900_000_000, maxDurationNs: 3_000_000_000 };
    const query = selectionQuery(selection);
    expect(query).toEqual({ selFrom: '1714564800000', selTo: '1714564860000', selMinNs: '900000000', selMaxNs: '3000000000' });
    expect(readSelection(new URLSearchParams(query as Record<string, string>))).toEqual(selection);
    expect(readSelection(new URLSearchParams('selFrom=1&selTo=2&selMinNs=3'))).toBeUndefined();
    expect(readSelection(new URLSearchParams('selFrom=5&selTo=2&selMinNs=3&selMaxNs=4'))).toBeUndefined();
    expect(readSelection(new URLSearchParams('selFrom=1&selTo=2&selMinNs=x&selMaxNs=4'))).toBeUndefined();
    expect(selectionQuery(undefined)).toEqual({ selFrom: undefined, selTo: undefined, selMinNs: undefined, selMaxNs: undefined });
  });

  it('selects traces by start time and duration, bounds included', () => {
    const selection = { fromMs: 1000, toMs: 2000, minDurationNs: 100, maxDurationNs: 200 };
    const at = (startMs: number, durationNs: number) => ({ startTimeUnixNano: String(BigInt(startMs) * 1_000_000n), durationNs: String(durationNs) });
    expect(isInSelection(at(1000, 100), selection)).toBe(true);
    expect(isInSelection(at(2000, 200), selection)).toBe(true);
    expect(isInSelection(at(999, 150), selection)).toBe(false);
    expect(isInSelection(at(1500, 201), selection)).toBe(false);
    expect(unixNanoToMs('1714564800123456789')).toBeCloseTo(1714564800123.4568, 3);
  });
});

describe('sorting results', () => {
  const trace = (traceId: string, startMs: number, durationNs: number, spanCount: number, errorCount: number) => ({
    traceId,
    startTimeUnixNano: String(BigInt(startMs) * 1_000_000n),
    durationNs: String(durationNs),
    spanCount,
    errorCount,
  });
  const traces = [trace('a', 1000, 50, 3, 0), trace('b', 3000, 900, 5, 2), trace('c', 2000, 900, 1, 1), trace('d', 4000, 10, 5, 0)];
  const order = (sort: string) => sortTraces(traces, parseSort(sort)).map((t) => t.traceId);

  it('orders by start, duration, spans or errors, either way; ties newest first', () => {
    expect(order('-start')).toEqual(['d', 'b', 'c', 'a']);
    expect(order('start')).toEqual(['a', 'c', 'b', 'd']);
    expect(order('-duration')).toEqual(['b', 'c', 'a', 'd']);
    expect(order('duration')).toEqual(['d', 'a', 'b', 'c']);
    expect(order('-spans')).toEqual(['d', 'b', 'a', 'c']);
    expect(order('spans')).toEqual(['c', 'a', 'd', 'b']);
    expect(order('-errors')).toEqual(['b', 'c', 'd', 'a']);
    expect(order('errors')).toEqual(['d', 'a', 'c', 'b']);
  });

  it('falls back to newest first for an unknown sort', () => {
    expect(parseSort('bogus')).toBe('-start');
    expect(parseSort(null)).toBe('-start');
  });
});
