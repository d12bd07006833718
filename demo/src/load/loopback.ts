import { isIP } from 'node:net';

/*
 * The load generator only ever targets this machine: it is a demo tool, and pointing it at
 * somebody else's shop would make it a denial-of-service tool.
 */

/** True when `hostname` (as URL.hostname gives it) names the loopback interface. */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) {
    if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    return mapped ? isLoopbackHostname(mapped[1]) : false;
  }
  return false;
}

/**
 * Parses `target` and returns it as a URL when it is http(s) on the loopback interface
 * (localhost, 127.0.0.0/8, ::1). Throws an Error saying why otherwise.
 */
export function parseLoopbackUrl(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new Error(`load target ${JSON.stringify(target)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`load target ${target} must be http or https`);
  }
  if (!isLoopbackHostname(url.hostname)) {
    throw new Error(`load target ${target} is not on this machine; the load generator only targets localhost, 127.0.0.0/8 or ::1`);
  }
  return url;
}
