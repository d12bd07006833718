import { PharosError, isPharosError, wrapError } from '@pharos/core';

/** An error ready to send: the HTTP status and the PharosError that explains it. */
export interface QueryHttpError {
  httpStatus: number;
  error: PharosError;
}

/**
 * Classifies anything a query route threw. A PharosError keeps its own status (400 for
 * bad parameters, 503 for PHAROS_ERR_QUERY_TIMEOUT, ...); a framework error carrying a
 * 4xx `statusCode` (malformed request) becomes PHAROS_ERR_QUERY_INVALID with that status;
 * anything else is PHAROS_ERR_INTERNAL (500).
 */
export function classifyQueryError(thrown: unknown): QueryHttpError {
  if (isPharosError(thrown)) return { httpStatus: thrown.httpStatus, error: thrown };
  const statusCode = thrown instanceof Error ? (thrown as Error & { statusCode?: unknown }).statusCode : undefined;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    return { httpStatus: statusCode, error: new PharosError('PHAROS_ERR_QUERY_INVALID', message, { cause: thrown }) };
  }
  return { httpStatus: 500, error: wrapError(thrown, 'PHAROS_ERR_INTERNAL', 'handling the query') };
}
