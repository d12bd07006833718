/**
 * Parsing of the small quantities that fault values and CLI options are written in: shares
 * ("0.3", "30%"), durations ("1500", "1500ms", "1.5s", "10m") and byte sizes ("262144",
 * "256KiB", "1m"). Each parser throws a plain Error whose message says what was expected;
 * callers add what the value was for.
 */

const durationUnitsMs: Record<string, number> = {
  ms: 1,
  s: 1_000,
  sec: 1_000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
};

// Decimal and binary prefixes are both read as powers of 1024: nobody leaks "256 kB" of
// memory per request and means 256,000 bytes.
const byteUnits: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * Parses a share of requests: a decimal in (0, 1] ("0.3", ".3", "1") or a percentage in
 * (0, 100] ("30%"). Returns the share as a fraction of 1.
 */
export function parseShare(raw: string): number {
  const text = raw.trim();
  const percent = text.endsWith('%');
  const number = Number(percent ? text.slice(0, -1).trim() : text);
  if (text === '' || text === '%' || !Number.isFinite(number)) {
    throw new Error(`expected a share such as 0.3 or 30%, got ${JSON.stringify(raw)}`);
  }
  const share = percent ? number / 100 : number;
  if (!(share > 0 && share <= 1)) {
    throw new Error(`a share must be above 0 and at most 1 (or 100%), got ${JSON.stringify(raw)}`);
  }
  return share;
}

/**
 * Parses a duration: a bare number of `bareUnit` (milliseconds unless told) or a number with
 * a unit among ms, s, m, h ("1500", "1.5s", "10m"). Returns whole milliseconds, at least 0.
 */
export function parseDurationMs(raw: string, bareUnit: 'ms' | 's' = 'ms'): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = (match?.[2] || bareUnit).toLowerCase();
  const factor = durationUnitsMs[unit];
  if (!match || factor === undefined) {
    throw new Error(`expected a duration such as 1500ms, 1.5s or 10m, got ${JSON.stringify(raw)}`);
  }
  return Math.round(Number(match[1]) * factor);
}

/**
 * Parses a byte size: a bare number of bytes or a number with a unit among B, KiB, MiB, GiB
 * (also k, KB, m, MB, ...; all powers of 1024). Returns whole bytes.
 */
export function parseByteSize(raw: string): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = (match?.[2] || 'b').toLowerCase();
  const factor = byteUnits[unit];
  if (!match || factor === undefined) {
    throw new Error(`expected a size such as 262144, 256KiB or 1MiB, got ${JSON.stringify(raw)}`);
  }
  return Math.round(Number(match[1]) * factor);
}

/** Formats `bytes` for people: "256 KiB", "1.5 MiB", "512 B". */
export function formatByteSize(bytes: number): string {
  if (bytes >= 1024 ** 2) return `${trimNumber(bytes / 1024 ** 2)} MiB`;
  if (bytes >= 1024) return `${trimNumber(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

/** Formats a duration in milliseconds for people: "850 ms", "1.5 s", "10 min". */
export function formatDurationMs(durationMs: number): string {
  if (durationMs >= 60_000) return `${trimNumber(durationMs / 60_000)} min`;
  if (durationMs >= 1_000) return `${trimNumber(durationMs / 1_000)} s`;
  return `${Math.round(durationMs)} ms`;
}

function trimNumber(value: number): string {
  return String(Math.round(value * 10) / 10);
}
