import { describe, expect, it } from 'vitest';
import { UpstreamError, mapUpstreamStatus } from './errors.js';

describe('mapUpstreamStatus', () => {
  const cases: Array<[string, UpstreamError, number]> = [
    ['timeout → 504', new UpstreamError('payment', 'timeout', 'slow'), 504],
    ['unreachable → 503', new UpstreamError('cart', 'unreachable', 'refused'), 503],
    ['client error travels back', new UpstreamError('order', 'http', 'declined', 402, { error: 'declined' }), 402],
    ['503 stays 503', new UpstreamError('cart', 'http', 'down', 503), 503],
    ['500 → 502', new UpstreamError('catalog', 'http', 'bug', 500), 502],
    ['502 → 502', new UpstreamError('payment', 'http', 'processor', 502), 502],
  ];
  it.each(cases)('%s', (_name, error, status) => {
    expect(mapUpstreamStatus(error)).toBe(status);
  });

  it('exposes the upstream error message', () => {
    expect(new UpstreamError('order', 'http', 'x', 400, { error: 'cart is empty' }).upstreamMessage).toBe('cart is empty');
    expect(new UpstreamError('order', 'http', 'x', 400, 'text').upstreamMessage).toBeUndefined();
  });
});
