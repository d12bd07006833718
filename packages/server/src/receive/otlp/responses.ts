import type { ExportOutcome, OtlpEncoding, OtlpSignal } from './export-handler.js';

/** The partial-success field name of each ExportXServiceResponse (OTLP/JSON). */
const REJECTED_FIELD: Record<OtlpSignal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

/** gRPC status codes used by the OTLP receivers (google.rpc.Code). */
export const GRPC_CODE = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

function varint(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function lengthDelimited(fieldNumber: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(fieldNumber << 3) | 2, ...varint(bytes.length)]), bytes]);
}

/**
 * Encodes ExportTraceServiceResponse (and its logs/metrics twins): empty when all was
 * accepted, else `partial_success { rejected_<items> = 1; error_message = 2 }`.
 */
export function encodeExportResponse(signal: OtlpSignal, encoding: OtlpEncoding, outcome: ExportOutcome): Buffer {
  const partial = outcome.rejected > 0 || outcome.errorMessage !== '';
  if (encoding === 'json') {
    const body = partial ? { partialSuccess: { [REJECTED_FIELD[signal]]: String(outcome.rejected), errorMessage: outcome.errorMessage } } : {};
    return Buffer.from(JSON.stringify(body));
  }
  if (!partial) return Buffer.alloc(0);
  const inner = Buffer.concat([
    Buffer.from(outcome.rejected > 0 ? [(1 << 3) | 0, ...varint(outcome.rejected)] : []),
    outcome.errorMessage === '' ? Buffer.alloc(0) : lengthDelimited(2, Buffer.from(outcome.errorMessage)),
  ]);
  return lengthDelimited(1, inner);
}

/** Encodes a google.rpc.Status { code = 1; message = 2 } in the request's encoding. */
export function encodeStatus(encoding: OtlpEncoding, code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return Buffer.concat([Buffer.from([(1 << 3) | 0, ...varint(code)]), lengthDelimited(2, Buffer.from(message))]);
}

/** The gRPC code matching an HTTP status, for Status bodies and the gRPC receiver. */
export function grpcCodeForHttpStatus(httpStatus: number): number {
  if (httpStatus === 400 || httpStatus === 415) return GRPC_CODE.INVALID_ARGUMENT;
  if (httpStatus === 413) return GRPC_CODE.RESOURCE_EXHAUSTED;
  if (httpStatus === 429 || httpStatus === 503) return GRPC_CODE.UNAVAILABLE;
  return GRPC_CODE.INTERNAL;
}
