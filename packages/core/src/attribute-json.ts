import { createAttributes, type AnyValue, type Attributes } from './any-value.js';

/**
 * The storage encoding of attributes and AnyValues: plain JSON that SQL engines can
 * query (`attributes->>'$."http.route"'`), extended so that no OTLP type is lost:
 *   - int64 is a JSON integer (all digits), double always carries a `.` or exponent
 *     (`200` is an int, `200.0` a double);
 *   - NaN and ±Infinity are `{"$double":"NaN"}`; bytes are `{"$bytes":"<base64>"}`;
 *   - arrays are JSON arrays, kvlists JSON objects, an unset value is `null`.
 * A kvlist whose only key is `$bytes` or `$double` cannot be told apart from those
 * markers; such keys do not occur in practice.
 */
export function encodeAnyValueJson(value: AnyValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      if (!Number.isFinite(value)) return `{"$double":"${String(value)}"}`;
      if (Number.isInteger(value) && Math.abs(value) < 1e21) return Object.is(value, -0) ? '-0.0' : `${value}.0`;
      return String(value);
  }
  if (value instanceof Uint8Array) return `{"$bytes":"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"}`;
  if (Array.isArray(value)) return `[${value.map(encodeAnyValueJson).join(',')}]`;
  return encodeAttributesJson(value);
}

/**
 * A JSON string literal. A lone UTF-16 surrogate (possible in text from OTLP/JSON
 * `\ud800` escapes) becomes U+FFFD: JSON parsers such as DuckDB's refuse it.
 */
export function jsonString(text: string): string {
  return JSON.stringify(text.isWellFormed() ? text : text.toWellFormed());
}

/** Attribute keys repeat across items; their JSON form is cached (bounded, on the ingest hot path). */
const keyJsonCache = new Map<string, string>();
const MAX_CACHED_KEYS = 10_000;

function keyJsonOf(key: string): string {
  let json = keyJsonCache.get(key);
  if (json === undefined) {
    json = `${jsonString(key)}:`;
    if (keyJsonCache.size < MAX_CACHED_KEYS) keyJsonCache.set(key, json);
  }
  return json;
}

/** Encodes attributes as a JSON object (see encodeAnyValueJson). `{}` when empty. */
export function encodeAttributesJson(attributes: Attributes): string {
  let out = '{';
  let first = true;
  for (const key in attributes) {
    const value = attributes[key];
    out += (first ? '' : ',') + keyJsonOf(key) + (typeof value === 'string' ? jsonString(value) : encodeAnyValueJson(value));
    first = false;
  }
  return out + '}';
}

/** Decodes what encodeAnyValueJson wrote. Throws SyntaxError on malformed text. */
export function decodeAnyValueJson(text: string): AnyValue {
  const parser = new TypedJsonParser(text);
  const value = parser.parseValue();
  parser.expectEnd();
  return value;
}

/** Decodes what encodeAttributesJson wrote. An empty string or `null` gives empty attributes. */
export function decodeAttributesJson(text: string | null | undefined): Attributes {
  if (text === null || text === undefined || text === '' || text === 'null') return createAttributes();
  const value = decodeAnyValueJson(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    throw new SyntaxError('attributes JSON is not an object');
  }
  return value;
}

/** A JSON parser that keeps integer and float lexemes apart (JSON.parse cannot). */
class TypedJsonParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  expectEnd(): void {
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('trailing characters');
  }

  parseValue(): AnyValue {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === '{') return this.parseObject();
    if (ch === '[') return this.parseArray();
    if (ch === '"') return this.parseString();
    if (this.text.startsWith('true', this.pos)) return (this.pos += 4), true;
    if (this.text.startsWith('false', this.pos)) return (this.pos += 5), false;
    if (this.text.startsWith('null', this.pos)) return (this.pos += 4), null;
    return this.parseNumber();
  }

  private parseObject(): AnyValue {
    this.pos++;
    const out = createAttributes();
    let count = 0;
    this.skipSpace();
    if (this.text[this.pos] === '}') return this.pos++, out;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail('expected a key');
      const key = this.parseString();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      out[key] = this.parseValue();
      count++;
      this.skipSpace();
      const ch = this.text[this.pos++];
      if (ch === '}') break;
      if (ch !== ',') this.fail('expected "," or "}"');
    }
    if (count === 1) {
      const bytes = out.$bytes;
      if (typeof bytes === 'string') return new Uint8Array(Buffer.from(bytes, 'base64'));
      const special = out.$double;
      if (typeof special === 'string') return Number(special);
    }
    return out;
  }

  private parseArray(): AnyValue[] {
    this.pos++;
    const out: AnyValue[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') return this.pos++, out;
    for (;;) {
      out.push(this.parseValue());
      this.skipSpace();
      const ch = this.text[this.pos++];
      if (ch === ']') return out;
      if (ch !== ',') this.fail('expected "," or "]"');
    }
  }

  private parseString(): string {
    const start = this.pos;
    let end = start + 1;
    for (;;) {
      const ch = this.text.charCodeAt(end);
      if (Number.isNaN(ch)) this.fail('unterminated string');
      if (ch === 0x5c) end += 2;
      else if (ch === 0x22) break;
      else end++;
    }
    this.pos = end + 1;
    return JSON.parse(this.text.slice(start, end + 1)) as string;
  }

  private parseNumber(): number | bigint {
    const match = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
    match.lastIndex = this.pos;
    const found = match.exec(this.text);
    if (found === null) this.fail('unexpected character');
    this.pos = match.lastIndex;
    return found[1] === undefined && found[2] === undefined ? BigInt(found[0]) : Number(found[0]);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private fail(what: string): never {
    throw new SyntaxError(`typed JSON: ${what} at position ${this.pos}`);
  }
}
