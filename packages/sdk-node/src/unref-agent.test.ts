import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createUnrefAgent } from './unref-agent.js';

/*
 * The OTLP exporters' agents: their sockets must never keep the process alive, while they are
 * connecting, waiting for an answer that never comes, idle in the pool, or reused; and apart
 * from that they must behave as the stock keep-alive agent does.
 *
 * "Keeps the process alive" is what process.getActiveResourcesInfo() reports: one
 * TCPSocketWrap per referenced socket. The test's own servers unref their side of each
 * connection, so that only the client's sockets are counted.
 */

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Referenced TCP sockets of this process (each keeps the event loop alive). */
const referencedSockets = (): number => process.getActiveResourcesInfo().filter((type) => type === 'TCPSocketWrap').length;

/** A TCP server that accepts and never answers (for TLS too: the handshake never ends). Its own sockets are unreferenced. */
async function blackHole(): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    socket.unref();
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as net.AddressInfo).port;
}

/** An HTTP server that answers 200 "ok" to each request when the test calls `answerNext()`. */
async function heldServer(): Promise<{ port: number; connections: () => number; waiting: () => number; answerNext: () => void }> {
  const held: http.ServerResponse[] = [];
  let connections = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => held.push(response));
  });
  server.on('connection', (socket: net.Socket) => {
    connections++;
    socket.unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    waiting: () => held.length,
    answerNext: () => held.shift()?.end('ok'),
  };
}

/** Starts a POST through `agent` and resolves once its socket is connected (TCP), with the request. */
async function connectedRequest(module: typeof http | typeof https, agent: http.Agent, port: number): Promise<http.ClientRequest> {
  const request = module.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/traces', agent, rejectUnauthorized: false });
  request.on('error', () => undefined);
  request.end('payload');
  const socket = await new Promise<Duplex>((resolve) => request.once('socket', resolve));
  await new Promise<void>((resolve) => ((socket as net.Socket).connecting ? socket.once('connect', () => resolve()) : resolve()));
  return request;
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('createUnrefAgent', () => {
  it('http: a request stuck on an endpoint that never answers holds no reference, where the stock agent holds one', async () => {
    const port = await blackHole();
    await settle();
    const before = referencedSockets();

    const stock = await connectedRequest(http, new http.Agent({ keepAlive: true }), port);
    await settle();
    expect(referencedSockets()).toBe(before + 1);
    stock.destroy();
    await vi.waitFor(() => expect(referencedSockets()).toBe(before));

    const agent = createUnrefAgent('http:');
    expect(agent).toBeInstanceOf(http.Agent);
    expect(agent).not.toBeInstanceOf(https.Agent);
    const stuck = await connectedRequest(http, agent, port);
    await settle();
    expect(stuck.socket).not.toBeNull();
    expect(referencedSockets()).toBe(before);
    stuck.destroy();
  });

  it('https: the same, its TLS handshake never answered', async () => {
    const port = await blackHole();
    await settle();
    const before = referencedSockets();

    const stock = await connectedRequest(https, new https.Agent({ keepAlive: true }), port);
    await settle();
    expect(referencedSockets()).toBe(before + 1);
    stock.destroy();
    await vi.waitFor(() => expect(referencedSockets()).toBe(before));

    const agent = createUnrefAgent('https:');
    expect(agent).toBeInstanceOf(https.Agent);
    const stuck = await connectedRequest(https, agent, port);
    await settle();
    expect(stuck.socket).not.toBeNull();
    expect(referencedSockets()).toBe(before);
    stuck.destroy();
  });

  it('keeps one socket alive across requests, reused unreferenced, with the stock agent\'s bookkeeping (no listener piling up, no warning)', async () => {
    const REQUESTS = 15;
    const warnings: Error[] = [];
    const onWarning = (warning: Error): number => warnings.push(warning);
    process.on('warning', onWarning);
    closers.push(() => Promise.resolve(void process.off('warning', onWarning)));

    /** Runs REQUESTS requests one after the other through `agent`; per request: was its socket reused, and referenced sockets while it waited. */
    async function sequence(agent: http.Agent): Promise<{ connections: number; reused: boolean[]; referencedWhileWaiting: number[]; errorListeners: number }> {
      const server = await heldServer();
      await settle();
      const before = referencedSockets();
      const reused: boolean[] = [];
      const referencedWhileWaiting: number[] = [];
      let socket: Duplex | undefined;
      for (let i = 0; i < REQUESTS; i++) {
        const request = http.request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/v1/metrics', agent });
        const answered = new Promise<void>((resolve, reject) => {
          request.on('response', (response: http.IncomingMessage) => response.resume().on('end', resolve));
          request.on('error', reject);
        });
        request.end('payload');
        request.once('socket', (s: Duplex) => (socket = s));
        while (server.waiting() === 0) await settle();
        referencedWhileWaiting.push(referencedSockets() - before);
        reused.push(request.reusedSocket);
        server.answerNext();
        await answered;
        // Let the agent put the socket back in its pool.
        await settle();
      }
      return { connections: server.connections(), reused, referencedWhileWaiting, errorListeners: socket!.listenerCount('error') };
    }

    const stock = await sequence(new http.Agent({ keepAlive: true }));
    const unref = await sequence(createUnrefAgent('http:'));
    // The control: one kept-alive socket, referenced while in use.
    expect(stock.connections).toBe(1);
    expect(stock.referencedWhileWaiting).toEqual(new Array(REQUESTS).fill(1));
    // The same socket, reused the same way, never referenced.
    expect(unref.connections).toBe(1);
    expect(unref.reused).toEqual([false, ...new Array(REQUESTS - 1).fill(true)]);
    expect(unref.reused).toEqual(stock.reused);
    expect(unref.referencedWhileWaiting).toEqual(new Array(REQUESTS).fill(0));
    // The agent's own 'error' listener for pooled sockets is removed on each reuse, as the stock agent does.
    expect(unref.errorListeners).toBe(stock.errorListeners);
    expect(warnings.map((w) => w.message)).toEqual([]);
  });
});
