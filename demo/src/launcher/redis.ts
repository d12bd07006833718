import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { resolveLogFile, throwIfExited, wrapStartError, type StartContext } from './infra-context.js';
import { findRedisServer } from './paths.js';
import type { SupervisedProcess } from './supervisor.js';
import { waitFor } from './waiting.js';

/** A Redis server of the run. */
export interface RedisServer {
  port: number;
  process: SupervisedProcess;
  url: string;
}

/**
 * Starts Redis on 127.0.0.1:`port` without persistence (working dir `<workDir>/redis`) and
 * waits until it answers PING. Throws a ShopStartError with the log tail. Called again with
 * the same port to bring Redis back after an outage.
 */
export async function startRedis(context: StartContext, port: number): Promise<RedisServer> {
  const component = 'redis';
  const logFile = resolveLogFile(context.workDir, component);
  const dir = join(context.workDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const server = context.spawn({
    name: component,
    command: findRedisServer(),
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    cwd: dir,
    logFile,
  });
  try {
    await waitFor(`Redis on port ${port}`, () => pingRedis(port), {
      timeoutMs: 20_000,
      intervalMs: 100,
      checkAlive: throwIfExited(server, component, logFile),
      signal: context.signal,
    });
  } catch (error) {
    throw wrapStartError(error, component, server, logFile);
  }
  return { port, process: server, url: `redis://127.0.0.1:${port}` };
}

/** Resolves true when Redis on 127.0.0.1:`port` answers PONG; rejects otherwise. */
export function pingRedis(port: number): Promise<true> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(2_000, () => socket.destroy(new Error('no answer to PING')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
      if (!answer.includes('\r\n')) return;
      socket.end();
      if (answer.startsWith('+PONG')) resolve(true);
      else reject(new Error(`unexpected answer to PING: ${answer.trim()}`));
    });
  });
}
