/** A trace id as 32 lowercase hex characters (16 bytes). */
export type TraceIdHex = string;
/** A span id as 16 lowercase hex characters (8 bytes). The empty string means "no span". */
export type SpanIdHex = string;

const TRACE_ID_RE = /^[0-9a-f]{32}$/;
const SPAN_ID_RE = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** True for a well-formed, non-zero trace id (the OTLP spec forbids all-zero ids). */
export function isValidTraceId(id: string): boolean {
  return TRACE_ID_RE.test(id) && id !== ZERO_TRACE_ID;
}

/** True for a well-formed, non-zero span id. */
export function isValidSpanId(id: string): boolean {
  return SPAN_ID_RE.test(id) && id !== ZERO_SPAN_ID;
}

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
