import { describe, expect, it } from 'vitest';
import { startLoad } from './load-generator.js';
import { isLoopbackHostname, parseLoopbackUrl } from './loopback.js';

describe('isLoopbackHostname', () => {
  it.each(['localhost', 'LOCALHOST', 'shop.localhost', '127.0.0.1', '127.8.9.10', '[::1]', '::1', '[::ffff:127.0.0.1]'])('accepts %s', (host) => {
    expect(isLoopbackHostname(host)).toBe(true);
  });

  it.each(['example.com', '10.0.0.1', '192.168.1.20', '0.0.0.0', '128.0.0.1', '[::]', '[2001:db8::1]', 'localhost.example.com', '[::ffff:10.0.0.1]'])('refuses %s', (host) => {
    expect(isLoopbackHostname(host)).toBe(false);
  });
});

describe('parseLoopbackUrl', () => {
  it('returns loopback URLs', () => {
    expect(parseLoopbackUrl('http://127.0.0.1:8080').port).toBe('8080');
    expect(parseLoopbackUrl('http://localhost:8080/').hostname).toBe('localhost');
  });

  it.each([
    ['https://shop.example.com', /not on this machine/],
    ['http://10.1.2.3:8080', /not on this machine/],
    ['ftp://127.0.0.1', /must be http or https/],
    ['not a url', /is not a URL/],
  ])('refuses %s', (target, message) => {
    expect(() => parseLoopbackUrl(target)).toThrow(message);
  });

  it('keeps the load generator from starting against another machine', () => {
    expect(() => startLoad({ targetUrl: 'http://93.184.216.34', journeysPerSecond: 1 })).toThrow(/not on this machine/);
  });
});
