import { describe, expect, it } from 'vitest';
import { formatByteSize, formatDurationMs, parseByteSize, parseDurationMs, parseShare } from './parse-units.js';

describe('parseShare', () => {
  it.each([
    ['0.3', 0.3],
    ['.25', 0.25],
    ['1', 1],
    ['30%', 0.3],
    ['100%', 1],
    [' 5 % ', 0.05],
  ])('%j → %d', (raw, share) => {
    expect(parseShare(raw)).toBeCloseTo(share, 10);
  });

  it.each(['0', '0%', '1.5', '101%', '-0.2', 'abc', '', '%', 'NaN', 'Infinity'])('refuses %j', (raw) => {
    expect(() => parseShare(raw)).toThrow();
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['1500', 1500],
    ['1500ms', 1500],
    ['1.5s', 1500],
    ['2 s', 2000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['.5s', 500],
  ])('%j → %d ms', (raw, durationMs) => {
    expect(parseDurationMs(raw)).toBe(durationMs);
  });

  it('reads a bare number in the unit given', () => {
    expect(parseDurationMs('90', 's')).toBe(90_000);
  });

  it.each(['', 'soon', '5 days', '-1s', '1e3'])('refuses %j', (raw) => {
    expect(() => parseDurationMs(raw)).toThrow(/expected a duration/);
  });
});

describe('parseByteSize', () => {
  it.each([
    ['262144', 262_144],
    ['256KiB', 262_144],
    ['256k', 262_144],
    ['256 kB', 262_144],
    ['1MiB', 1_048_576],
    ['1.5m', 1_572_864],
    ['2B', 2],
  ])('%j → %d bytes', (raw, bytes) => {
    expect(parseByteSize(raw)).toBe(bytes);
  });

  it.each(['', 'big', '1 TB', '-5'])('refuses %j', (raw) => {
    expect(() => parseByteSize(raw)).toThrow(/expected a size/);
  });
});

describe('formatting', () => {
  it('formats sizes and durations for people', () => {
    expect(formatByteSize(262_144)).toBe('256 KiB');
    expect(formatByteSize(1_572_864)).toBe('1.5 MiB');
    expect(formatByteSize(512)).toBe('512 B');
    expect(formatDurationMs(850)).toBe('850 ms');
    expect(formatDurationMs(1500)).toBe('1.5 s');
    expect(formatDurationMs(600_000)).toBe('10 min');
  });
});
