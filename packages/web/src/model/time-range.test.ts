import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIME_RANGE,
  absoluteRange,
  describeTimeRange,
  formatDateTime,
  parseTimeExpression,
  parseTimeRange,
  parseRangeDuration,
  rangeDurationMs,
  rangeFromInputs,
  rangeParams,
  rangeToInputs,
  resolveRange,
  shiftRange,
  timeRangeKey,
  timeRangeQuery,
  timeRangeSearch,
  zoomOutRange,
  type RangeDuration,
  type TimeRange,
} from './time-range.js';

const HOUR_MS = 3_600_000;
const NOW_MS = Date.UTC(2026, 10, 25, 12, 0, 0);
/** Local time, so that the tests hold in any time zone. */
const local = (h: number, m = 0, s = 0) => new Date(2026, 10, 25, h, m, s).getTime();
const relative = (id: RangeDuration): TimeRange => ({ kind: 'relative', id });
const absolute = (fromMs: number, toMs: number): TimeRange => ({ kind: 'absolute', fromMs, toMs });
const query = (text: string) => parseTimeRange(new URLSearchParams(text));

describe('parseTimeRange (the URL)', () => {
  it('reads presets and any whole duration, canonically', () => {
    expect(query('range=15m')).toEqual(relative('15m'));
    expect(query('range=90m')).toEqual(relative('90m'));
    expect(query('range=2w')).toEqual(relative('2w'));
    expect(query('range=0090m')).toEqual(relative('90m'));
  });

  it('falls back to the default for a missing, malformed, too short or too long range', () => {
    for (const text of ['', 'range=', 'range=1y', 'range=1.5h', 'range=-1h', 'range=5s', 'range=500d', 'range=1h30m', 'range=now-1h']) {
      expect(query(text), text).toEqual(relative(DEFAULT_TIME_RANGE));
    }
  });

  it('prefers from/to over range, and ignores a window under a second or with bad numbers', () => {
    expect(query('range=1h&from=1000&to=5000')).toEqual(absolute(1000, 5000));
    expect(query('from=1000&to=1999&range=6h')).toEqual(relative('6h'));
    expect(query('from=5000&to=1000')).toEqual(relative(DEFAULT_TIME_RANGE));
    expect(query('from=abc&to=5000')).toEqual(relative(DEFAULT_TIME_RANGE));
    expect(query('from=1e3&to=5000')).toEqual(relative(DEFAULT_TIME_RANGE));
    expect(query('from=1000')).toEqual(relative(DEFAULT_TIME_RANGE));
  });

  it('round-trips through timeRangeQuery and timeRangeSearch', () => {
    for (const range of [relative('5m'), relative('90m'), absolute(1_700_000_000_000, 1_700_000_600_000)]) {
      expect(parseTimeRange(new URLSearchParams(timeRangeSearch(range)))).toEqual(range);
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(timeRangeQuery(range))) if (value !== undefined) params.set(key, value);
      expect(parseTimeRange(params)).toEqual(range);
    }
  });

  it('clears the other kind of range from the URL', () => {
    expect(timeRangeQuery(relative('1h'))).toEqual({ range: '1h', from: undefined, to: undefined });
    expect(timeRangeQuery(absolute(1000, 9000))).toEqual({ range: undefined, from: '1000', to: '9000' });
  });
});

describe('parseRangeDuration', () => {
  it('accepts one number and one unit between 10 s and 400 days', () => {
    expect(['10s', '1m', '45m', '36h', '3d', '1w', '400d'].map(parseRangeDuration)).toEqual(['10s', '1m', '45m', '36h', '3d', '1w', '400d']);
    expect(['9s', '401d', '1y', '1h30m', 'h', '', ' ', '1H'].map(parseRangeDuration)).toEqual(Array(8).fill(undefined));
    expect(parseRangeDuration(null)).toBeUndefined();
  });
  it('gives the canonical form, which every relative range holds', () => {
    expect(parseRangeDuration(' 090m ')).toBe('90m');
    expect(rangeDurationMs(relative(parseRangeDuration('0036h')!))).toBe(36 * HOUR_MS);
  });
});

describe('what the API and the requests see', () => {
  it('sends relative ranges for the server to resolve and absolute ones in Unix ms', () => {
    expect(rangeParams(relative('90m'))).toEqual({ start: 'now-90m', end: 'now' });
    expect(rangeParams(absolute(1000, 9000))).toEqual({ start: '1000', end: '9000' });
  });

  it('keys requests by the range', () => {
    expect(timeRangeKey(relative('1h'))).toBe('1h');
    expect(timeRangeKey(absolute(1000, 9000))).toBe('1000-9000');
  });

  it('measures and resolves ranges', () => {
    expect(rangeDurationMs(relative('90m'))).toBe(90 * 60_000);
    expect(rangeDurationMs(relative('2w'))).toBe(14 * 24 * HOUR_MS);
    expect(rangeDurationMs(absolute(1000, 9000))).toBe(8000);
    expect(resolveRange(relative('1h'), NOW_MS)).toEqual({ fromMs: NOW_MS - HOUR_MS, toMs: NOW_MS });
    expect(resolveRange(absolute(1000, 9000), NOW_MS)).toEqual({ fromMs: 1000, toMs: 9000 });
  });
});

describe('describeTimeRange', () => {
  it('names presets and other relative ranges', () => {
    expect(describeTimeRange(relative('1h'))).toBe('Last hour');
    expect(describeTimeRange(relative('90m'))).toBe('Last 90 minutes');
    expect(describeTimeRange(relative('1w'))).toBe('Last 1 week');
    expect(describeTimeRange(relative('10s'))).toBe('Last 10 seconds');
  });

  it('shows both ends of an absolute range, the date once when it is the same day', () => {
    expect(describeTimeRange(absolute(local(10), local(10, 30, 15)))).toBe('2026-11-25 10:00:00 to 10:30:15');
    expect(describeTimeRange(absolute(local(10), new Date(2026, 10, 26, 9).getTime()))).toBe('2026-11-25 10:00:00 to 2026-11-26 09:00:00');
  });
});

describe('absoluteRange (drag to zoom)', () => {
  it('orders the ends and rounds outwards to whole ms', () => {
    expect(absoluteRange(9000.4, 1000.6)).toEqual(absolute(1000, 9001));
  });

  it('refuses a window under a second (a click, not a drag)', () => {
    expect(absoluteRange(1000, 1999)).toBeUndefined();
    expect(absoluteRange(1000, 2000)).toEqual(absolute(1000, 2000));
  });
});

describe('zoomOutRange', () => {
  it('doubles a relative range and keeps it relative', () => {
    expect(zoomOutRange(relative('1h'), NOW_MS)).toEqual(relative('2h'));
    expect(zoomOutRange(relative('15m'), NOW_MS)).toEqual(relative('30m'));
    expect(zoomOutRange(relative('300d'), NOW_MS)).toEqual(relative('300d'));
  });

  it('doubles an absolute range around its centre', () => {
    expect(zoomOutRange(absolute(NOW_MS - 4 * HOUR_MS, NOW_MS - 2 * HOUR_MS), NOW_MS)).toEqual(absolute(NOW_MS - 5 * HOUR_MS, NOW_MS - HOUR_MS));
  });

  it('never ends after now, still doubling the width', () => {
    expect(zoomOutRange(absolute(NOW_MS - HOUR_MS, NOW_MS - 0.25 * HOUR_MS), NOW_MS)).toEqual(absolute(NOW_MS - 1.5 * HOUR_MS, NOW_MS));
  });
});

describe('shiftRange', () => {
  it('moves back by half the width, from a relative range too', () => {
    expect(shiftRange(relative('1h'), -1, NOW_MS)).toEqual(absolute(NOW_MS - 1.5 * HOUR_MS, NOW_MS - 0.5 * HOUR_MS));
    expect(shiftRange(absolute(1000, 9000), -1, NOW_MS)).toEqual(absolute(-3000, 5000));
  });

  it('moves forward up to now, and not at all from a range that ends now', () => {
    expect(shiftRange(absolute(NOW_MS - 4 * HOUR_MS, NOW_MS - 2 * HOUR_MS), 1, NOW_MS)).toEqual(absolute(NOW_MS - 3 * HOUR_MS, NOW_MS - HOUR_MS));
    expect(shiftRange(absolute(NOW_MS - 2 * HOUR_MS, NOW_MS - 0.5 * HOUR_MS), 1, NOW_MS)).toEqual(absolute(NOW_MS - 1.5 * HOUR_MS, NOW_MS));
    expect(shiftRange(absolute(NOW_MS - HOUR_MS, NOW_MS), 1, NOW_MS)).toBeUndefined();
    expect(shiftRange(relative('1h'), 1, NOW_MS)).toBeUndefined();
  });
});

describe('parseTimeExpression (the picker fields)', () => {
  it('reads now and now minus a duration', () => {
    expect(parseTimeExpression('now')).toEqual({ kind: 'now', offsetMs: 0, text: '' });
    expect(parseTimeExpression(' now - 6h ')).toEqual({ kind: 'now', offsetMs: 6 * HOUR_MS, text: '6h' });
    expect(parseTimeExpression('now-1y')).toBeUndefined();
    expect(parseTimeExpression('now+1h')).toBeUndefined();
  });

  it('reads local date-times with or without seconds, a T, or a time at all', () => {
    expect(parseTimeExpression('2026-11-25 10:30:15')).toEqual({ kind: 'instant', ms: local(10, 30, 15) });
    expect(parseTimeExpression('2026-11-25T10:30')).toEqual({ kind: 'instant', ms: local(10, 30) });
    expect(parseTimeExpression('2026-11-25')).toEqual({ kind: 'instant', ms: local(0) });
    expect(parseTimeExpression('1764064800000')).toEqual({ kind: 'instant', ms: 1764064800000 });
  });

  it('refuses dates that do not exist and other text', () => {
    for (const text of ['2026-02-30 10:00', '2026-13-01', '2026-11-25 24:00', '2026-11-25 10:60', 'yesterday', '', '10:00']) {
      expect(parseTimeExpression(text), text).toBeUndefined();
    }
  });

  it('reads what formatDateTime writes', () => {
    const ms = local(23, 59, 58);
    expect(formatDateTime(ms)).toBe('2026-11-25 23:59:58');
    expect(parseTimeExpression(formatDateTime(ms))).toEqual({ kind: 'instant', ms });
  });
});

describe('rangeFromInputs / rangeToInputs', () => {
  it('turns now-X to now into the relative range X', () => {
    expect(rangeFromInputs('now-90m', 'now', NOW_MS)).toEqual({ range: relative('90m') });
    expect(rangeToInputs(relative('90m'))).toEqual({ fromText: 'now-90m', toText: 'now' });
  });

  it('resolves any other pair at now into an absolute window', () => {
    expect(rangeFromInputs('now-2h', 'now-1h', NOW_MS)).toEqual({ range: absolute(NOW_MS - 2 * HOUR_MS, NOW_MS - HOUR_MS) });
    const earlierMs = NOW_MS - 5 * HOUR_MS;
    expect(rangeFromInputs(formatDateTime(earlierMs), 'now', NOW_MS)).toEqual({ range: absolute(earlierMs, NOW_MS) });
    expect(rangeFromInputs('2026-11-25 10:00:00', '2026-11-25 10:30:00', NOW_MS)).toEqual({ range: absolute(local(10), local(10, 30)) });
  });

  it('round-trips an absolute range through the fields', () => {
    const range = absolute(local(10, 5, 7), local(11, 0, 1));
    const { fromText, toText } = rangeToInputs(range);
    expect(rangeFromInputs(fromText, toText, NOW_MS)).toEqual({ range });
  });

  it('says what is wrong', () => {
    expect(rangeFromInputs('soon', 'now', NOW_MS)).toEqual({ problem: expect.stringMatching(/^“From” is not a time/) });
    expect(rangeFromInputs('now-1h', 'later', NOW_MS)).toEqual({ problem: expect.stringMatching(/^“To” is not a time/) });
    expect(rangeFromInputs('2026-11-25 10:30', '2026-11-25 10:00', NOW_MS)).toEqual({ problem: '“To” must be after “From”.' });
    expect(rangeFromInputs('now', 'now', NOW_MS)).toEqual({ problem: '“To” must be after “From”.' });
    expect(rangeFromInputs('1764064800000', '1764064800500', NOW_MS)).toEqual({ problem: '“To” must be at least a second after “From”.' });
  });
});
