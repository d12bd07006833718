import { NANOS_PER_SECOND, SPAN_KIND_NAMES } from '@pharos/core';
import type { TimeRange } from '../storage/index.js';

/**
 * How the native API writes the figures its summaries share (docs/api.md): nanoseconds as
 * decimal strings (JSON numbers lose precision above 2^53), rates per second over the
 * range, error rates, span kinds by name.
 */

/** The range an answer covers, as decimal Unix-nanosecond strings. */
export interface RangeJson {
  startUnixNano: string;
  endUnixNano: string;
}

/** Writes `range` as its `startUnixNano` and `endUnixNano` strings. */
export function rangeToJson(range: TimeRange): RangeJson {
  return { startUnixNano: range.startUnixNano.toString(), endUnixNano: range.endUnixNano.toString() };
}

/** Writes nanoseconds as a decimal string; null (nothing to measure) stays null. */
export function nanosToJson(ns: bigint | null): string | null {
  return ns === null ? null : ns.toString();
}

/** `count` per second over the range's length; 0 for an empty range. */
export function toRatePerSecond(count: number, range: TimeRange): number {
  const rangeSeconds = Number(range.endUnixNano - range.startUnixNano) / Number(NANOS_PER_SECOND);
  return rangeSeconds > 0 ? count / rangeSeconds : 0;
}

/** `errors` over `total` (requests, calls or spans); 0 when there is none. */
export function toErrorRate(errors: number, total: number): number {
  return total > 0 ? errors / total : 0;
}

/** Names an OTLP span kind: `unspecified`, `internal`, `server`, `client`, `producer`, `consumer`. */
export function spanKindToJson(kind: number): string {
  return SPAN_KIND_NAMES[kind] ?? 'unspecified';
}
