/** A trace id as 32 lowercase hex characters (16 bytes). */
export type TraceIdHex = string;
/** A span id as 16 lowercase hex characters (8 bytes). The empty string means "no span". */
export type SpanIdHex = string;

const ZERO_TRACE_ID = '0'.repeat(32);

/**
 * Normalises a user-supplied trace id (any case, shorter ids left-padded with zeros
 * as Jaeger does for 64-bit ids). Returns undefined when it is not a valid id.
 */
export function normalizeTraceId(input: string): TraceIdHex | undefined {
  const lower = input.trim().toLowerCase();
  if (!/^[0-9a-f]{1,32}$/.test(lower)) return undefined;
  const padded = lower.padStart(32, '0');
  return padded === ZERO_TRACE_ID ? undefined : padded;
}
