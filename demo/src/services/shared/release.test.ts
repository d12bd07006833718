import { afterEach, describe, expect, it } from 'vitest';
import { setFaults } from './faults.js';
import { readCurrentRelease, resolveRequestContext } from './release.js';
import { cacheRenderedResponse, countCachedResponses } from './response-cache.js';

afterEach(() => setFaults({}));

describe('resolveRequestContext', () => {
  it('resolves known regions and the legacy alias, and defaults otherwise', () => {
    expect(resolveRequestContext('cart', 'eu-west-1').currency).toBe('EUR');
    expect(resolveRequestContext('cart', 'use1').region).toBe('us-east-1');
    expect(resolveRequestContext('cart', 'toString').region).toBe('us-east-1');
    expect(resolveRequestContext('cart', undefined).region).toBe('us-east-1');
  });

  it('throws a TypeError on the rolled-out release, for that service only', () => {
    setFaults({ badDeploy: { service: 'cart', version: '2.0.0', errorShare: 1 } });
    expect(() => resolveRequestContext('cart', undefined)).toThrow(TypeError);
    expect(() => resolveRequestContext('catalog', undefined)).not.toThrow();
    expect(readCurrentRelease('cart')).toBe('2.0.0');
    expect(readCurrentRelease('catalog')).not.toBe('2.0.0');
  });

  it('never throws when the error share is 0', () => {
    setFaults({ badDeploy: { service: 'cart', version: '2.0.0', errorShare: 0 } });
    for (let attempt = 0; attempt < 100; attempt += 1) resolveRequestContext('cart', undefined);
  });
});

describe('cacheRenderedResponse', () => {
  it('keeps entries only for the configured service', () => {
    const before = countCachedResponses();
    cacheRenderedResponse('catalog', 'GET /x');
    setFaults({ memoryLeak: { service: 'catalog', bytesPerRequest: 1024 } });
    cacheRenderedResponse('catalog', 'GET /x');
    cacheRenderedResponse('cart', 'GET /x');
    expect(countCachedResponses()).toBe(before + 1);
  });
});
