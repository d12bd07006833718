import { describe, expect, it } from 'vitest';
import { buildSpanSearchIndex, findMatchingRows, parseSearchTerms, stepMatch } from './span-search';
import { buildTestTrace } from './test-traces.test-fixture';
import { buildWaterfall } from './trace-tree';

const { rows } = buildWaterfall(
  buildTestTrace([
    { id: 'aaaa000000000001', service: 'frontend', name: 'POST /checkout', startMs: 0, endMs: 100, attributes: { 'http.route': '/checkout' } },
    { id: 'bbbb000000000002', parent: 'aaaa000000000001', service: 'cart', name: 'GET /cart', startMs: 10, endMs: 30, attributes: { 'cart.items': 3 } },
    {
      id: 'cccc000000000003',
      parent: 'aaaa000000000001',
      service: 'payment',
      name: 'POST /charge',
      startMs: 40,
      endMs: 90,
      error: true,
      attributes: { 'payment.card': 'Visa Gold' },
      events: [{ name: 'exception', atMs: 50, attributes: { 'exception.message': 'Card declined by issuer' } }],
    },
  ]),
);
const index = buildSpanSearchIndex(rows);

describe('span search', () => {
  it('matches name, service, span id, attribute keys and values, event names and exception messages, ignoring case', () => {
    expect(findMatchingRows(index, 'checkout')).toEqual([0]);
    expect(findMatchingRows(index, 'CART')).toEqual([1]);
    expect(findMatchingRows(index, 'cccc0000')).toEqual([2]);
    expect(findMatchingRows(index, 'cart.items=3')).toEqual([1]);
    expect(findMatchingRows(index, 'visa')).toEqual([2]);
    expect(findMatchingRows(index, 'declined')).toEqual([2]);
    expect(findMatchingRows(index, 'exception')).toEqual([2]);
    expect(findMatchingRows(index, 'failed')).toEqual([2]);
    expect(findMatchingRows(index, 'post')).toEqual([0, 2]);
  });

  it('needs every term, and takes "quoted phrases" as one term', () => {
    expect(findMatchingRows(index, 'post payment')).toEqual([2]);
    expect(findMatchingRows(index, 'post cart')).toEqual([]);
    expect(findMatchingRows(index, '"visa gold"')).toEqual([2]);
    expect(findMatchingRows(index, '"gold visa"')).toEqual([]);
    expect(parseSearchTerms('  a "b c"  d "e')).toEqual(['a', 'b c', 'd', 'e']);
  });

  it('finds nothing for a blank query', () => {
    expect(findMatchingRows(index, '   ')).toEqual([]);
    expect(findMatchingRows(index, '""')).toEqual([]);
  });

  it('steps through matches with wrap-around', () => {
    expect(stepMatch(3, -1, 1)).toBe(0);
    expect(stepMatch(3, -1, -1)).toBe(2);
    expect(stepMatch(3, 2, 1)).toBe(0);
    expect(stepMatch(3, 0, -1)).toBe(2);
    expect(stepMatch(3, 1, 1)).toBe(2);
    expect(stepMatch(0, 0, 1)).toBe(-1);
  });
});
