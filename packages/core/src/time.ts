/** Nanoseconds since the Unix epoch, as OTLP carries them (fixed64). */
export type UnixNano = bigint;

export const NANOS_PER_MILLI = 1_000_000n;
export const NANOS_PER_MICRO = 1_000n;
export const NANOS_PER_SECOND = 1_000_000_000n;

/** Current wall-clock time in Unix nanoseconds (millisecond precision). */
export function nowUnixNano(): UnixNano {
  return BigInt(Date.now()) * NANOS_PER_MILLI;
}

/** Converts Unix nanoseconds to milliseconds (truncating). */
export function unixNanoToMillis(ns: UnixNano): number {
  return Number(ns / NANOS_PER_MILLI);
}

/** Converts Unix milliseconds to nanoseconds. */
export function millisToUnixNano(ms: number): UnixNano {
  return BigInt(Math.trunc(ms)) * NANOS_PER_MILLI;
}

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a duration such as `500ms`, `30s`, `15m`, `12h`, `7d`, `2w` or a compound `1h30m`
 * into milliseconds. Returns undefined when the text is not a duration.
 */
export function parseDurationMs(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = re.exec(text); match !== null; match = re.exec(text)) {
    total += Number(match[1]) * DURATION_UNITS_MS[match[2]];
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) return undefined;
  return total;
}
