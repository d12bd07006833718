import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from './errors.js';
import { requestJson } from './http-client.js';

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echoed: body ? JSON.parse(body) : null })));
    } else if (req.url === '/empty') {
      res.writeHead(204).end();
    } else if (req.url === '/slow') {
      setTimeout(() => res.writeHead(200).end('{}'), 500);
    } else {
      res.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not enough stock' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function captureError(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe('requestJson', () => {
  it('sends and parses JSON', async () => {
    const answer = await requestJson<{ echoed: unknown }>({ upstream: 'test', method: 'POST', url: `${baseUrl}/ok`, body: { a: 1 }, timeoutMs: 1_000 });
    expect(answer).toEqual({ echoed: { a: 1 } });
  });

  it('returns undefined for an empty body', async () => {
    expect(await requestJson({ upstream: 'test', url: `${baseUrl}/empty`, timeoutMs: 1_000 })).toBeUndefined();
  });

  it('turns a non-2xx answer into an http error with its status and body', async () => {
    const error = await captureError(requestJson({ upstream: 'inventory', url: `${baseUrl}/conflict`, timeoutMs: 1_000 }));
    expect(error).toMatchObject({ kind: 'http', status: 409, upstream: 'inventory' });
    expect(error.upstreamMessage).toBe('not enough stock');
  });

  it('reports a timeout', async () => {
    const error = await captureError(requestJson({ upstream: 'payment', url: `${baseUrl}/slow`, timeoutMs: 50 }));
    expect(error.kind).toBe('timeout');
    expect(error.status).toBeUndefined();
  });

  it('reports an unreachable service with the socket error', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const error = await captureError(requestJson({ upstream: 'cart', url: `http://127.0.0.1:${port}/x`, timeoutMs: 1_000 }));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain('ECONNREFUSED');
  });
});
