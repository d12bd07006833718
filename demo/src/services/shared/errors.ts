/**
 * Errors a handler throws to answer with a specific status. The shared error handler turns
 * them into a JSON body `{ error, code? }`; anything else becomes a 500.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpError';
  }
}

/** How a call to another service went wrong. */
export type UpstreamFailureKind = 'http' | 'timeout' | 'unreachable';

/**
 * A call to another service that did not return a 2xx: `status` is the HTTP status it returned
 * (absent for timeouts and connection failures), `body` its parsed JSON body when it had one.
 */
export class UpstreamError extends Error {
  constructor(
    readonly upstream: string,
    readonly kind: UpstreamFailureKind,
    message: string,
    readonly status?: number,
    readonly body?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamError';
  }

  /** The `error` string of the upstream's JSON body, when it sent one. */
  get upstreamMessage(): string | undefined {
    const body = this.body;
    if (body && typeof body === 'object' && 'error' in body && typeof body.error === 'string') return body.error;
    return undefined;
  }
}

/**
 * Returns the status a gateway should answer for a failed upstream call: 504 after a timeout,
 * 503 when it could not be reached or said it is unavailable, the upstream's own status for
 * 4xx (the caller's mistake travels back), and 502 for any other upstream error.
 */
export function mapUpstreamStatus(error: UpstreamError): number {
  if (error.kind === 'timeout') return 504;
  if (error.kind === 'unreachable') return 503;
  const status = error.status ?? 502;
  if (status >= 400 && status < 500) return status;
  if (status === 503 || status === 504) return status;
  return 502;
}
