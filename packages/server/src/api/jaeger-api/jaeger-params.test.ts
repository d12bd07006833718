import { describe, expect, it } from 'vitest';
import { isPharosError } from '@pharos/core';
import { QueryParams } from '../../query/index.js';
import { parseJaegerSpanKind, parseJaegerTags, parseTagsText } from './jaeger-params.js';

function invalidMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isPharosError(error, 'PHAROS_ERR_QUERY_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected PHAROS_ERR_QUERY_INVALID');
}

describe('Jaeger tags', () => {
  it('reads JSON objects', () => {
    expect(parseTagsText('tags', '{"http.status_code":"500","error":"true"}')).toEqual([
      ['http.status_code', '500'],
      ['error', 'true'],
    ]);
    expect(parseTagsText('tags', '{"n":5,"b":false}')).toEqual([
      ['n', '5'],
      ['b', 'false'],
    ]);
  });

  it('reads logfmt with quotes and bare keys', () => {
    expect(parseTagsText('tags', 'http.status_code=500  error=true')).toEqual([
      ['http.status_code', '500'],
      ['error', 'true'],
    ]);
    expect(parseTagsText('tags', 'msg="hello world" "odd key"=x flag url=a=b')).toEqual([
      ['msg', 'hello world'],
      ['odd key', 'x'],
      ['flag', 'true'],
      ['url', 'a=b'],
    ]);
  });

  it('explains malformed tags', () => {
    expect(invalidMessage(() => parseTagsText('tags', '{"a":'))).toMatch(/^Invalid parameter "tags": is not valid JSON/);
    expect(invalidMessage(() => parseTagsText('tags', '{"a":{"b":1}}'))).toMatch(/"tags": tag "a" must have a string, number or boolean value/);
    expect(invalidMessage(() => parseTagsText('tags', '[1,2]'))).toMatch(/"tags"/);
    expect(invalidMessage(() => parseTagsText('tags', 'a="open'))).toMatch(/"tags": has an unterminated quoted string/);
    expect(invalidMessage(() => parseTagsText('tags', '=v'))).toMatch(/"tags": has a value without a tag name/);
    expect(invalidMessage(() => parseTagsText('tags', 'a="x"y'))).toMatch(/"tags": expected a space/);
  });

  it('turns error=true and otel.status_code into a status condition', () => {
    expect(parseJaegerTags(QueryParams.from({ tags: '{"error":"true","a":"1"}' }))).toEqual({ statusCode: 2, attributes: [{ key: 'a', op: '=', value: '1' }] });
    expect(parseJaegerTags(QueryParams.from({ tags: 'otel.status_code=OK' }))).toEqual({ statusCode: 1, attributes: [] });
    expect(parseJaegerTags(QueryParams.from({ tags: 'error=false' }))).toEqual({ attributes: [{ key: 'error', op: '=', value: 'false' }] });
    expect(parseJaegerTags(QueryParams.from({ tag: ['a:b:c', 'x:'] })).attributes).toEqual([
      { key: 'a', op: '=', value: 'b:c' },
      { key: 'x', op: '=', value: '' },
    ]);
    expect(invalidMessage(() => parseJaegerTags(QueryParams.from({ tags: 'error=true otel.status_code=OK' })))).toMatch(/"tags": asks for two different span statuses/);
    expect(invalidMessage(() => parseJaegerTags(QueryParams.from({ tag: 'nocolon' })))).toMatch(/"tag": must be key:value/);
  });

  it('reads span kinds', () => {
    expect(parseJaegerSpanKind(QueryParams.from({ spanKind: 'server' }))).toBe(2);
    expect(parseJaegerSpanKind(QueryParams.from({ spanKind: '' }))).toBeUndefined();
    expect(invalidMessage(() => parseJaegerSpanKind(QueryParams.from({ spanKind: 'sideways' })))).toMatch(/"spanKind": must be one of/);
  });
});
