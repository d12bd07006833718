import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { FaultValueError } from '../faults/index.js';
import type { FaultsView } from '../launcher/fault-runtime.js';

/*
 * The control API: the only door to the exercise's ground truth. It listens on loopback only
 * and is part of the launcher, which is not instrumented, so nothing it does shows in telemetry.
 */

/** What the control API acts on. */
export interface ControlTarget {
  readFaults(): FaultsView;
  setFault(name: string, value: string): Promise<FaultsView>;
  clearFault(name: string): Promise<FaultsView>;
  clearAllFaults(): Promise<FaultsView>;
  readStatus(): unknown;
  /** Changes the load's arrival rate; absent when the shop runs without load. */
  setLoadRate?(journeysPerSecond: number): void;
}

/** A listening control API. */
export interface ControlServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const maxBodyBytes = 16 * 1024;

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Starts the control API on 127.0.0.1:`port`:
 * `GET /faults`, `PUT /faults/<name>` (body `{"value":"0.3"}` or the value as text/plain),
 * `DELETE /faults/<name>`, `DELETE /faults`, `GET /status`, `PUT /load` (`{"journeysPerSecond":8}`).
 * Answers JSON; errors are `{error: {code, message}}` with 400, 404, 405, 413 or 500.
 * Rejects when the port cannot be bound.
 */
export async function startControlServer(port: number, target: ControlTarget): Promise<ControlServer> {
  const server: Server = createServer((request, response) => {
    handleRequest(request, response, target).catch((error: unknown) => {
      const problem = error instanceof HttpProblem ? error : toProblem(error);
      sendJson(response, problem.status, { error: { code: problem.code, message: problem.message } });
    });
  });
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${boundPort}`,
    port: boundPort,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handleRequest(request: IncomingMessage, response: ServerResponse, target: ControlTarget): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://control');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = request.method ?? 'GET';

  if (path === '/') {
    allow(method, ['GET']);
    sendJson(response, 200, {
      endpoints: ['GET /faults', 'PUT /faults/<name>', 'DELETE /faults/<name>', 'DELETE /faults', 'GET /status', 'PUT /load'],
    });
    return;
  }
  if (path === '/faults') {
    allow(method, ['GET', 'DELETE']);
    sendJson(response, 200, method === 'GET' ? target.readFaults() : await target.clearAllFaults());
    return;
  }
  const faultMatch = /^\/faults\/([^/]+)$/.exec(path);
  if (faultMatch) {
    allow(method, ['GET', 'PUT', 'POST', 'DELETE']);
    const name = decodeURIComponent(faultMatch[1]);
    if (method === 'GET') {
      const view = target.readFaults();
      const known = view.available.some((fault) => fault.name === name);
      if (!known) throw new HttpProblem(404, 'unknown_fault', `unknown fault ${JSON.stringify(name)}; known faults: ${view.available.map((fault) => fault.name).join(', ')}`);
      sendJson(response, 200, { name, active: view.active[name as keyof FaultsView['active']] ?? null });
      return;
    }
    if (method === 'DELETE') {
      sendJson(response, 200, await target.clearFault(name));
      return;
    }
    const value = readFaultValue(await readBody(request), request.headers['content-type']);
    sendJson(response, 200, await target.setFault(name, value));
    return;
  }
  if (path === '/status') {
    allow(method, ['GET']);
    sendJson(response, 200, target.readStatus());
    return;
  }
  if (path === '/load') {
    allow(method, ['PUT', 'POST']);
    if (!target.setLoadRate) throw new HttpProblem(409, 'no_load', 'the shop runs without load (--no-load)');
    const body = parseJsonBody(await readBody(request));
    const rate = body && typeof body === 'object' ? (body as { journeysPerSecond?: unknown }).journeysPerSecond : undefined;
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1_000) {
      throw new HttpProblem(400, 'bad_request', 'expected {"journeysPerSecond": N} with N between 0 and 1000');
    }
    target.setLoadRate(rate);
    sendJson(response, 200, target.readStatus());
    return;
  }
  throw new HttpProblem(404, 'not_found', `no route for ${method} ${path}; see GET /`);
}

function allow(method: string, methods: readonly string[]): void {
  if (!methods.includes(method)) throw new HttpProblem(405, 'method_not_allowed', `use ${methods.join(' or ')}`);
}

/** Reads the fault value from a JSON body ({"value": "0.3"} or {"value": 0.3}) or a text body. */
function readFaultValue(body: string, contentType: string | undefined): string {
  const isJson = (contentType ?? '').includes('json') || /^\s*[{"]/.test(body);
  if (!isJson) return body.trim();
  const parsed = parseJsonBody(body);
  if (typeof parsed === 'string') return parsed;
  const value = parsed && typeof parsed === 'object' ? (parsed as { value?: unknown }).value : undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'off';
  throw new HttpProblem(400, 'bad_request', 'expected a body {"value": "..."} or the value as text/plain');
}

function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new HttpProblem(400, 'bad_request', 'the body is not valid JSON');
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let sizeBytes = 0;
    request.on('data', (chunk: Buffer) => {
      sizeBytes += chunk.length;
      if (sizeBytes > maxBodyBytes) {
        reject(new HttpProblem(413, 'body_too_large', `the body is larger than ${maxBodyBytes} bytes`));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function toProblem(error: unknown): HttpProblem {
  if (error instanceof FaultValueError) return new HttpProblem(400, 'bad_fault', error.message);
  const message = error instanceof Error ? error.message : String(error);
  if (/stopping/.test(message)) return new HttpProblem(503, 'stopping', message);
  return new HttpProblem(500, 'failed', message);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const text = `${JSON.stringify(body, null, 2)}\n`;
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}
