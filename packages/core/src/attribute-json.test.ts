import { describe, expect, it } from 'vitest';
import { createAttributes, type AnyValue } from './any-value.js';
import { decodeAnyValueJson, decodeAttributesJson, encodeAnyValueJson, encodeAttributesJson } from './attribute-json.js';

describe('attribute JSON', () => {
  const cases: Array<[string, AnyValue]> = [
    ['string', 'héllo "quoted"\n\ttab'],
    ['empty string', ''],
    ['bool', false],
    ['int', 200n],
    ['negative int', -7n],
    ['int64 max', 9223372036854775807n],
    ['double integral', 200],
    ['double', 1.5],
    ['double exponent', 1e-12],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['bytes', new Uint8Array([0, 1, 254, 255])],
    ['null', null],
    ['array', ['a', 1n, 2.5, true, null, [3n]]],
  ];
  for (const [name, value] of cases) {
    it(`round-trips ${name}`, () => {
      expect(decodeAnyValueJson(encodeAnyValueJson(value))).toEqual(value);
    });
  }

  it('keeps int and double apart', () => {
    expect(typeof decodeAnyValueJson(encodeAnyValueJson(3))).toBe('number');
    expect(typeof decodeAnyValueJson(encodeAnyValueJson(3n))).toBe('bigint');
  });

  it('round-trips nested kvlists and awkward keys', () => {
    const attrs = createAttributes();
    attrs['__proto__'] = 'x';
    attrs['a.b"c'] = 1n;
    const inner = createAttributes();
    inner.k = [true, 'v'];
    attrs.nested = inner;
    const text = encodeAttributesJson(attrs);
    expect(JSON.parse(text)).toBeTypeOf('object');
    expect(decodeAttributesJson(text)).toEqual(attrs);
  });

  it('writes lone surrogates as U+FFFD, so the JSON is valid UTF-8', () => {
    const attrs = createAttributes();
    attrs['k\ud800'] = 'v\udc00';
    expect(encodeAttributesJson(attrs)).toBe('{"k\ufffd":"v\ufffd"}');
  });

  it('refuses malformed text', () => {
    expect(() => decodeAttributesJson('{"a":')).toThrow(SyntaxError);
    expect(() => decodeAttributesJson('[1]')).toThrow(SyntaxError);
  });
});
