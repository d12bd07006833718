/**
 * The one error class of Pharos. Every error that crosses a module boundary is a
 * PharosError with a stable code (listed in docs/errors.md); the HTTP and gRPC
 * edges map it to a status once.
 */
export const ERROR_CODES = {
  PHAROS_ERR_CONFIG_INVALID: { httpStatus: 500, message: 'Invalid configuration' },
  PHAROS_ERR_OTLP_MALFORMED: { httpStatus: 400, message: 'The request body is not a valid OTLP message' },
  PHAROS_ERR_OTLP_TOO_LARGE: { httpStatus: 413, message: 'The request body is larger than the limit' },
  PHAROS_ERR_OTLP_UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, message: 'Unsupported content type' },
  PHAROS_ERR_OTLP_UNSUPPORTED_ENCODING: { httpStatus: 415, message: 'Unsupported content encoding' },
  PHAROS_ERR_INGEST_OVERLOADED: { httpStatus: 503, message: 'The write queue is full; retry later' },
  PHAROS_ERR_INGEST_SHUTTING_DOWN: { httpStatus: 503, message: 'The server is shutting down; retry later' },
  PHAROS_ERR_STORAGE_WRITE: { httpStatus: 503, message: 'Storage could not commit the write' },
  PHAROS_ERR_STORAGE_OPEN: { httpStatus: 500, message: 'Storage could not be opened' },
  PHAROS_ERR_QUERY_INVALID: { httpStatus: 400, message: 'Invalid query parameter' },
  PHAROS_ERR_QUERY_TIMEOUT: { httpStatus: 503, message: 'The query ran longer than its timeout' },
  PHAROS_ERR_QUERY_FAILED: { httpStatus: 500, message: 'The query failed' },
  PHAROS_ERR_NOT_FOUND: { httpStatus: 404, message: 'Not found' },
  PHAROS_ERR_INTERNAL: { httpStatus: 500, message: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface PharosErrorOptions {
  cause?: unknown;
  /** Seconds the client should wait before retrying (sent as Retry-After). */
  retryAfterSeconds?: number;
}

export class PharosError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: PharosErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PharosError';
    this.code = code;
    this.httpStatus = ERROR_CODES[code].httpStatus;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** True when `error` is a PharosError, optionally with the given code. */
export function isPharosError(error: unknown, code?: ErrorCode): error is PharosError {
  return error instanceof PharosError && (code === undefined || error.code === code);
}

/** Wraps any error as a PharosError with `code`, saying what was being done. Keeps PharosErrors as they are. */
export function wrapError(error: unknown, code: ErrorCode, doing: string): PharosError {
  if (error instanceof PharosError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new PharosError(code, `${doing}: ${detail}`, { cause: error });
}

/** Turns anything thrown into a PharosError (unknown errors become PHAROS_ERR_INTERNAL). */
export function toPharosError(error: unknown): PharosError {
  return error instanceof PharosError ? error : wrapError(error, 'PHAROS_ERR_INTERNAL', 'handling the request');
}
