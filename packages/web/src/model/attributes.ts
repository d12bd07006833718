import type { AnyValueJson, KeyValueJson } from '../api';

/** The text of an OTLP/JSON AnyValue: strings as they are, numbers and booleans as text, arrays and maps as JSON. */
export function formatAnyValue(value: AnyValueJson): string {
  if (typeof value.stringValue === 'string') return value.stringValue;
  if (value.intValue !== undefined) return String(value.intValue);
  if (value.doubleValue !== undefined) return String(value.doubleValue);
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.bytesValue !== undefined) return `base64:${String(value.bytesValue)}`;
  if (value.arrayValue !== undefined) {
    const values = (value.arrayValue as { values?: AnyValueJson[] }).values ?? [];
    return `[${values.map(formatAnyValue).join(', ')}]`;
  }
  if (value.kvlistValue !== undefined) {
    const values = (value.kvlistValue as { values?: KeyValueJson[] }).values ?? [];
    return `{${values.map((kv) => `${kv.key}: ${formatAnyValue(kv.value)}`).join(', ')}}`;
  }
  return '';
}

/** The text value of attribute `key`, or undefined. */
export function findAttribute(attributes: readonly KeyValueJson[], key: string): string | undefined {
  const found = attributes.find((a) => a.key === key);
  return found === undefined ? undefined : formatAnyValue(found.value);
}
