import type { PharosError } from '@pharos/core';

/** The native API's error body: `{ "error": { "code": "PHAROS_ERR_…", "message": "…" } }`. */
export function nativeErrorBody(error: PharosError): { error: { code: string; message: string } } {
  return { error: { code: error.code, message: error.message } };
}
