import { PharosError, normalizeTraceId, type StatusCode, type TraceIdHex } from '@pharos/core';
import type { AttributeFilter, TimeRange } from '../storage/index.js';

/**
 * Parsing and validation of HTTP query parameters shared by the query APIs. Every
 * failure is a PharosError PHAROS_ERR_QUERY_INVALID (HTTP 400) whose message starts
 * with the parameter's name and says what was expected and what was given.
 */

/** The latest instant storage can hold: int64 nanoseconds (2262-04-11). */
export const MAX_UNIX_NANO = 9_223_372_036_854_775_807n;
/** Longest text accepted in a single parameter value (names, keys, values, search text). */
export const MAX_PARAM_TEXT_LENGTH = 1024;

const NANOS_PER_MICRO = 1_000n;
const NANOS_PER_MILLI = 1_000_000n;
const NANOS_PER_HOUR = 3_600_000_000_000n;

/** Builds the 400 error for parameter `name`: `Invalid parameter "name": why`. */
export function invalidParam(name: string, why: string): PharosError {
  return new PharosError('PHAROS_ERR_QUERY_INVALID', `Invalid parameter "${name}": ${why}`);
}

/** Quotes a user-supplied value for an error message, shortened so messages stay readable. */
export function quoteValue(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/**
 * The query string of one request, as Fastify parsed it. Empty values count as absent
 * (Jaeger UI sends `minDuration=` for unset fields); a single-valued parameter given
 * more than once is refused rather than silently picking one.
 */
export class QueryParams {
  private readonly values = new Map<string, string[]>();

  private constructor() {}

  /** Reads Fastify's `request.query` (strings, or arrays for repeated keys). */
  static from(query: unknown): QueryParams {
    const params = new QueryParams();
    if (query === null || typeof query !== 'object') return params;
    for (const key of Object.keys(query)) {
      const raw: unknown = (query as Record<string, unknown>)[key];
      const list = Array.isArray(raw) ? raw : [raw];
      const texts = list.filter((v): v is string => typeof v === 'string' && v !== '');
      if (texts.length > 0) params.values.set(key, texts);
    }
    return params;
  }

  /** True when the parameter has at least one non-empty value. */
  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The parameter's value, or undefined when absent; 400 when it is given more than once. */
  one(name: string): string | undefined {
    const list = this.values.get(name);
    if (list === undefined) return undefined;
    if (list.length > 1) throw invalidParam(name, `given ${list.length} times; give it once`);
    return checkLength(name, list[0]);
  }

  /** The parameter's value; 400 when it is absent. */
  required(name: string): string {
    const value = this.one(name);
    if (value === undefined) throw invalidParam(name, 'is required');
    return value;
  }

  /** Every non-empty value of a repeatable parameter, in order. */
  many(name: string): string[] {
    return (this.values.get(name) ?? []).map((v) => checkLength(name, v));
  }
}

function checkLength(name: string, value: string): string {
  if (value.length > MAX_PARAM_TEXT_LENGTH) throw invalidParam(name, `is ${value.length} characters long; the limit is ${MAX_PARAM_TEXT_LENGTH}`);
  return value;
}

/** Checks a path parameter (service, label) as a non-empty text of sane length. */
export function parseNameParam(name: string, value: string | undefined): string {
  if (value === undefined || value === '') throw invalidParam(name, 'must not be empty');
  return checkLength(name, value);
}

// ------------------------------------------------------------------ durations

const DURATION_UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: NANOS_PER_HOUR,
  d: 24n * NANOS_PER_HOUR,
  w: 168n * NANOS_PER_HOUR,
};

/**
 * Parses a duration such as `500us`, `100ms`, `1.2s`, `5m`, `2h`, `7d`, `1w` or a
 * compound `1h30m` into nanoseconds, exactly (decimal fractions are not rounded through
 * floating point). Units: ns, us/µs, ms, s, m, h, d, w. A bare `0` is zero.
 * Returns undefined when the text is not a duration.
 */
export function parseDurationNs(text: string): bigint | undefined {
  if (text === '0') return 0n;
  const re = /(\d+)(?:\.(\d{1,9})\d*)?(ns|us|µs|μs|ms|s|m|h|d|w)/y;
  let total = 0n;
  let consumed = 0;
  for (let match = re.exec(text); match !== null; match = re.exec(text)) {
    const unit = DURATION_UNIT_NS[match[3]];
    total += BigInt(match[1]) * unit;
    if (match[2] !== undefined) total += (BigInt(match[2]) * unit) / 10n ** BigInt(match[2].length);
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) return undefined;
  return total;
}

/**
 * Reads an optional duration parameter (`minDuration=1.2s`) in nanoseconds.
 * 400 when it is not a duration or longer than storage can represent.
 */
export function parseDurationParam(params: QueryParams, name: string): bigint | undefined {
  const text = params.one(name);
  if (text === undefined) return undefined;
  return checkDuration(name, text, parseDurationNs(text.trim()));
}

function checkDuration(name: string, text: string, ns: bigint | undefined): bigint {
  if (ns === undefined) {
    const hint = text.trim().startsWith('-') ? 'must not be negative' : 'must be a duration such as 500us, 100ms, 1.5s, 5m or 2h';
    throw invalidParam(name, `${hint}, got ${quoteValue(text)}`);
  }
  if (ns > MAX_UNIX_NANO) throw invalidParam(name, `${quoteValue(text)} is longer than any time range storage can hold`);
  return ns;
}

/** Reads minDuration/maxDuration and checks that the maximum is not below the minimum. */
export function parseDurationBounds(params: QueryParams, minName = 'minDuration', maxName = 'maxDuration'): { minDurationNs?: bigint; maxDurationNs?: bigint } {
  const minDurationNs = parseDurationParam(params, minName);
  const maxDurationNs = parseDurationParam(params, maxName);
  if (minDurationNs !== undefined && maxDurationNs !== undefined && maxDurationNs < minDurationNs) {
    throw invalidParam(maxName, `${quoteValue(params.one(maxName) ?? '')} is less than ${minName} ${quoteValue(params.one(minName) ?? '')}`);
  }
  return { minDurationNs, maxDurationNs };
}

// ------------------------------------------------------------------ times

function checkInstant(name: string, text: string, ns: bigint): bigint {
  if (ns < 0n) throw invalidParam(name, `${quoteValue(text)} is before 1970-01-01T00:00:00Z`);
  if (ns > MAX_UNIX_NANO) throw invalidParam(name, `${quoteValue(text)} is after 2262-04-11, the latest time storage can hold`);
  return ns;
}

/**
 * Parses a whole number of `unitNs` since the epoch (Jaeger's microsecond `start`,
 * millisecond `endTs`) into Unix nanoseconds. 400 unless it is a non-negative integer
 * within storage's range.
 */
export function parseEpochInteger(name: string, text: string, unitNs: bigint, unitName: string): bigint {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) throw invalidParam(name, `must be a whole number of ${unitName} since the Unix epoch, got ${quoteValue(text)}`);
  return checkInstant(name, text, BigInt(trimmed) * unitNs);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+\- ])(\d{2}):(\d{2}))$/;

/** Parses RFC 3339 text to Unix nanoseconds keeping every fractional digit; undefined when malformed. */
export function parseRfc3339Ns(text: string): bigint | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Date rolls 2024-02-30 over to March; a changed day means the date does not exist.
  if (date.getUTCDate() !== day) return undefined;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const hours = Number(m[10]);
    const minutes = Number(m[11]);
    if (hours > 23 || minutes > 59) return undefined;
    // `+` arrives as a space when a client forgets to escape it in a query string.
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const fraction = m[7] === undefined ? 0n : BigInt(m[7].padEnd(9, '0'));
  return BigInt(date.getTime() - offsetMinutes * 60_000) * NANOS_PER_MILLI + fraction;
}

const NATIVE_TIME_HINT = 'must be RFC 3339 (2024-05-01T12:00:00Z), Unix milliseconds (1714564800000) or relative to now (now, now-15m, now-2h)';

/**
 * Parses a native-API time: RFC 3339 (fractions down to nanoseconds), Unix milliseconds
 * (`1714564800000`, optionally with a fraction), `now`, or `now-<duration>` / `now+<duration>`.
 * Returns Unix nanoseconds; 400 for anything else or outside 1970..2262.
 */
export function parseNativeTime(name: string, text: string, nowUnixNano: bigint): bigint {
  const trimmed = text.trim();
  if (trimmed === 'now') return nowUnixNano;
  const relative = /^now\s*([+\- ])\s*(.+)$/.exec(trimmed);
  if (relative !== null) {
    const duration = parseDurationNs(relative[2]);
    if (duration === undefined) throw invalidParam(name, `${quoteValue(relative[2])} after "now" is not a duration such as 15m, 2h or 7d`);
    return checkInstant(name, text, relative[1] === '-' ? nowUnixNano - duration : nowUnixNano + duration);
  }
  const millis = /^(\d{1,20})(?:\.(\d{1,6})\d*)?$/.exec(trimmed);
  if (millis !== null) {
    const fraction = millis[2] === undefined ? 0n : BigInt(millis[2].padEnd(6, '0'));
    return checkInstant(name, text, BigInt(millis[1]) * NANOS_PER_MILLI + fraction);
  }
  if (/^-\d/.test(trimmed)) throw invalidParam(name, `${quoteValue(text)} is before 1970-01-01T00:00:00Z`);
  const rfc = parseRfc3339Ns(trimmed);
  if (rfc === undefined) throw invalidParam(name, `${NATIVE_TIME_HINT}, got ${quoteValue(text)}`);
  return checkInstant(name, text, rfc);
}

function checkOrder(range: TimeRange, startName: string, endName: string, params: QueryParams): TimeRange {
  if (range.startUnixNano > range.endUnixNano) {
    const given = (n: string) => params.one(n) ?? 'now';
    throw invalidParam(startName, `${quoteValue(given(startName))} is after ${endName} ${quoteValue(given(endName))}`);
  }
  return range;
}

/**
 * Reads the native API's `start`/`end` (see parseNativeTime) as a half-open range.
 * Defaults: end = now, start = end - `defaultLookbackNs` (one hour). 400 when start > end.
 */
export function parseNativeRange(params: QueryParams, nowUnixNano: bigint, defaultLookbackNs: bigint = NANOS_PER_HOUR): TimeRange {
  const endText = params.one('end');
  const startText = params.one('start');
  const endUnixNano = endText === undefined ? nowUnixNano : parseNativeTime('end', endText, nowUnixNano);
  const startUnixNano = startText === undefined ? maxBig(0n, endUnixNano - defaultLookbackNs) : parseNativeTime('start', startText, nowUnixNano);
  return checkOrder({ startUnixNano, endUnixNano }, 'start', 'end', params);
}

/** Like parseNativeRange, but undefined when neither start nor end is given (meaning: all retained data). */
export function parseOptionalNativeRange(params: QueryParams, nowUnixNano: bigint): TimeRange | undefined {
  if (!params.has('start') && !params.has('end')) return undefined;
  return parseNativeRange(params, nowUnixNano);
}

/**
 * Reads Jaeger's trace-search range: `start`/`end` in Unix microseconds (end inclusive,
 * as Jaeger's StartTimeMax is), defaulting to end = now and start = end - `lookback`
 * (a duration such as `1h` or `2d`, default 1h). `lookback` is ignored when `start` is given,
 * because Jaeger UI sends `lookback=custom` together with explicit times.
 */
export function parseJaegerSearchRange(params: QueryParams, nowUnixNano: bigint): TimeRange {
  const endText = params.one('end');
  const startText = params.one('start');
  const endUnixNano = endText === undefined ? nowUnixNano : parseEpochInteger('end', endText, NANOS_PER_MICRO, 'microseconds');
  let startUnixNano: bigint;
  if (startText !== undefined) {
    startUnixNano = parseEpochInteger('start', startText, NANOS_PER_MICRO, 'microseconds');
  } else {
    const lookbackText = params.one('lookback');
    const lookback = lookbackText === undefined ? NANOS_PER_HOUR : checkDuration('lookback', lookbackText, parseDurationNs(lookbackText.trim()));
    startUnixNano = maxBig(0n, endUnixNano - lookback);
  }
  const range = checkOrder({ startUnixNano, endUnixNano }, 'start', 'end', params);
  // The end microsecond is inclusive: widen the half-open range to its last nanosecond.
  return { startUnixNano: range.startUnixNano, endUnixNano: minBig(MAX_UNIX_NANO, range.endUnixNano + (endText === undefined ? 0n : NANOS_PER_MICRO)) };
}

/**
 * Reads Jaeger's dependencies range: `endTs` in Unix milliseconds (default now) and
 * `lookback` in milliseconds (default 24 h).
 */
export function parseJaegerDependenciesRange(params: QueryParams, nowUnixNano: bigint): TimeRange {
  const endText = params.one('endTs');
  const endUnixNano = endText === undefined ? nowUnixNano : parseEpochInteger('endTs', endText, NANOS_PER_MILLI, 'milliseconds');
  const lookbackText = params.one('lookback');
  let lookbackNs = 24n * NANOS_PER_HOUR;
  if (lookbackText !== undefined) {
    if (!/^\d{1,20}$/.test(lookbackText.trim())) throw invalidParam('lookback', `must be a whole, non-negative number of milliseconds, got ${quoteValue(lookbackText)}`);
    lookbackNs = BigInt(lookbackText.trim()) * NANOS_PER_MILLI;
    if (lookbackNs > MAX_UNIX_NANO) throw invalidParam('lookback', `${quoteValue(lookbackText)} ms reaches back before 1970`);
  }
  return { startUnixNano: maxBig(0n, endUnixNano - lookbackNs), endUnixNano: minBig(MAX_UNIX_NANO, endUnixNano + 1n) };
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

// ------------------------------------------------------------------ limits, ids, enums

/**
 * Reads a row limit: a whole number of at least 1, clamped to `maxLimit`
 * (ctx.maxQueryLimit). `defaultLimit` (also clamped) applies when it is absent.
 */
export function parseLimit(params: QueryParams, name: string, defaultLimit: number, maxLimit: number): number {
  const text = params.one(name);
  if (text === undefined) return Math.min(defaultLimit, maxLimit);
  const trimmed = text.trim();
  if (!/^\+?\d+$/.test(trimmed)) throw invalidParam(name, `must be a whole number of at least 1, got ${quoteValue(text)}`);
  const value = Number(trimmed);
  if (value < 1) throw invalidParam(name, `must be at least 1, got ${quoteValue(text)}`);
  return Math.min(value, maxLimit);
}

/**
 * Reads a whole number that must lie in [min, max] (not clamped, unlike limits):
 * `defaultValue` when absent; 400 naming the parameter otherwise.
 */
export function parseBoundedInteger(params: QueryParams, name: string, defaultValue: number, min: number, max: number): number {
  const text = params.one(name);
  if (text === undefined) return defaultValue;
  const trimmed = text.trim();
  const value = /^\+?\d{1,15}$/.test(trimmed) ? Number(trimmed) : undefined;
  if (value === undefined || value < min || value > max) throw invalidParam(name, `must be a whole number from ${min} to ${max}, got ${quoteValue(text)}`);
  return value;
}

/**
 * Parses a trace id (1-32 hex characters, any case; shorter ids are left-padded as
 * Jaeger does for 64-bit ids). 400 when malformed or all zeros.
 */
export function parseTraceIdParam(name: string, text: string): TraceIdHex {
  const id = normalizeTraceId(text);
  if (id === undefined) throw invalidParam(name, `must be a trace id of 1 to 32 hex characters, not all zero, got ${quoteValue(text)}`);
  return id;
}

const STATUS_BY_NAME: Record<string, StatusCode> = { unset: 0, ok: 1, error: 2 };

/** Parses a span status name (`unset`, `ok`, `error`, any case) into an OTLP StatusCode. */
export function parseStatusParam(name: string, text: string): StatusCode {
  const code = STATUS_BY_NAME[text.trim().toLowerCase()];
  if (code === undefined) throw invalidParam(name, `must be one of error, ok, unset, got ${quoteValue(text)}`);
  return code;
}

const SEVERITY_BY_NAME: Record<string, number> = { trace: 1, debug: 5, info: 9, warn: 13, warning: 13, error: 17, fatal: 21 };

/**
 * Parses a minimum log severity: an OTLP SeverityNumber 1-24 or a name (trace 1, debug 5,
 * info 9, warn 13, error 17, fatal 21; any case).
 */
export function parseSeverityParam(name: string, text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const value = Number(trimmed);
    if (value >= 1 && value <= 24) return value;
    throw invalidParam(name, `must be a severity number from 1 to 24, got ${quoteValue(text)}`);
  }
  const byName = SEVERITY_BY_NAME[trimmed.toLowerCase()];
  if (byName === undefined) throw invalidParam(name, `must be a number 1-24 or one of trace, debug, info, warn, error, fatal, got ${quoteValue(text)}`);
  return byName;
}

// ------------------------------------------------------------------ attribute filters

type ComparisonOp = Exclude<AttributeFilter['op'], 'exists'>;
const OPERATORS: readonly ComparisonOp[] = ['!=', '>=', '<=', '=', '>', '<'];

/**
 * Parses one attribute filter expression: `key=value`, `key!=value`, `key>n`, `key<n`,
 * `key>=n`, `key<=n`, or a bare `key` (the attribute exists). The key ends at the first
 * operator, so keys may contain dots and values may contain `=`. Numeric operators
 * require a finite number.
 */
export function parseAttributeFilter(name: string, text: string): AttributeFilter {
  let at = -1;
  let op: ComparisonOp | undefined;
  for (let i = 0; i < text.length && op === undefined; i++) {
    for (const candidate of OPERATORS) {
      if (text.startsWith(candidate, i)) {
        at = i;
        op = candidate;
        break;
      }
    }
  }
  const key = (op === undefined ? text : text.slice(0, at)).trim();
  if (key === '') throw invalidParam(name, `${quoteValue(text)} has no attribute key; use key=value, key!=value, key>n, key<n, key>=n, key<=n or key`);
  if (op === undefined) return { key, op: 'exists', value: '' };
  const value = text.slice(at + op.length);
  if (op !== '=' && op !== '!=') {
    const trimmed = value.trim();
    if (trimmed === '' || !Number.isFinite(Number(trimmed))) {
      throw invalidParam(name, `${quoteValue(text)} compares with "${op}", which needs a number, but got ${quoteValue(value)}`);
    }
    return { key, op, value: trimmed };
  }
  return { key, op, value };
}

/** Parses every value of a repeatable filter parameter (`attr`, `match`). */
export function parseAttributeFilters(params: QueryParams, name: string): AttributeFilter[] {
  return params.many(name).map((text) => parseAttributeFilter(name, text));
}
