/**
 * OTLP AnyValue in memory. Each OTLP variant maps to one JS shape, so that no
 * type is lost on the way to storage and back:
 *   stringValue → string, boolValue → boolean, intValue → bigint (int64),
 *   doubleValue → number, bytesValue → Uint8Array, arrayValue → AnyValue[],
 *   kvlistValue → Attributes (a null-prototype object), unset → null.
 */
export type AnyValue = string | boolean | bigint | number | Uint8Array | AnyValue[] | Attributes | null;

/** Key/value attributes. Created with `createAttributes()` so keys like `__proto__` are plain keys. */
export interface Attributes {
  [key: string]: AnyValue;
}

/** Returns an empty attributes object with no prototype. */
export function createAttributes(): Attributes {
  return Object.create(null) as Attributes;
}

/** Encodes an AnyValue as OTLP/JSON (`{"stringValue": ...}` and so on). */
export function anyValueToOtlpJson(value: AnyValue): Record<string, unknown> {
  if (value === null) return {};
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'bigint':
      return { intValue: value.toString() };
    case 'number':
      return { doubleValue: Number.isFinite(value) ? value : String(value) };
  }
  if (value instanceof Uint8Array) return { bytesValue: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValueToOtlpJson) } };
  return { kvlistValue: { values: attributesToOtlpJson(value) } };
}

/** Encodes attributes as an OTLP/JSON KeyValue list. */
export function attributesToOtlpJson(attributes: Attributes): Array<{ key: string; value: Record<string, unknown> }> {
  return Object.keys(attributes).map((key) => ({ key, value: anyValueToOtlpJson(attributes[key]) }));
}

/**
 * Renders an AnyValue as plain JSON-compatible data for display (Jaeger tags, tables):
 * int64 becomes a number when it is safe and a string otherwise, bytes become base64.
 */
export function anyValueToPlain(value: AnyValue): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(anyValueToPlain);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = anyValueToPlain(value[key]);
  return out;
}
