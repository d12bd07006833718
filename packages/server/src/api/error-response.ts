import { isPharosError, wrapError, type PharosError } from '@pharos/core';

/** Turns anything thrown into a PharosError (unknown errors become PHAROS_ERR_INTERNAL). */
export function toPharosError(error: unknown): PharosError {
  if (isPharosError(error)) return error;
  return wrapError(error, 'PHAROS_ERR_INTERNAL', 'handling the request');
}

/** The native API's error body: `{ "error": { "code": "PHAROS_ERR_…", "message": "…" } }`. */
export function nativeErrorBody(error: PharosError): { error: { code: string; message: string } } {
  return { error: { code: error.code, message: error.message } };
}
