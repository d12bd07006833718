import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { shutdown as shutdownTelemetry } from '@pharos/node';
import { listenToLauncher } from './faults.js';
import { createLogger, type Logger } from './logger.js';

/** How long in-flight requests get to finish once shutdown starts. */
const drainTimeoutMs = 5_000;
/** How long one resource gets to close before we give up on it. */
const closeTimeoutMs = 5_000;
/** Hard stop, should something hang despite the bounds above. */
const forceExitAfterMs = 20_000;

/** The parts of a service every process has: its logger and an ordered shutdown. */
export interface ServiceRuntime {
  readonly name: string;
  readonly logger: Logger;
  /**
   * Registers `close` to run at shutdown. Resources close in reverse order of registration,
   * so register a resource right after opening it and before anything that uses it.
   */
  onShutdown(resource: string, close: () => Promise<void>): void;
  /** Stops the service: closes resources, flushes telemetry, exits with `exitCode`. Idempotent. */
  shutdown(reason: string, exitCode?: number): Promise<void>;
}

/**
 * Creates the runtime of service `name`: logger, SIGTERM/SIGINT handling, the launcher's IPC
 * channel (conditions it sends; its disconnection stops us), and a last-resort handler for
 * uncaught errors. Call once, first thing in main.
 */
export function startServiceRuntime(name: string): ServiceRuntime {
  const logger = createLogger(name);
  const closers: Array<{ resource: string; close: () => Promise<void> }> = [];
  let stopping: Promise<void> | undefined;

  const shutdown = (reason: string, exitCode = 0): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ reason }, 'shutting down');
      setTimeout(() => process.exit(exitCode || 1), forceExitAfterMs).unref();
      for (const { resource, close } of closers.reverse()) {
        try {
          await withTimeout(close(), closeTimeoutMs, `closing ${resource}`);
        } catch (error) {
          logger.warn({ err: error, resource }, 'resource did not close cleanly');
        }
      }
      await flushTelemetry();
      process.exit(exitCode);
    })();
    return stopping;
  };

  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    void shutdown('uncaught exception', 1);
  });
  process.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'unhandled promise rejection');
    void shutdown('unhandled promise rejection', 1);
  });
  listenToLauncher(() => void shutdown('launcher disconnected'));

  return {
    name,
    logger,
    onShutdown: (resource, close) => closers.push({ resource, close }),
    shutdown,
  };
}

/**
 * Listens with `app` on 127.0.0.1:`port` (0 picks a free port) and returns the port. At
 * shutdown the server stops accepting, in-flight requests get up to 5 s, then the remaining
 * connections are cut.
 */
export async function serveHttp(runtime: ServiceRuntime, app: Express, port: number): Promise<number> {
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(port, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  // Slow upstreams are part of the exercise; let sockets wait for them rather than cut them.
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  runtime.onShutdown('http server', () => closeServer(server));
  const boundPort = (server.address() as AddressInfo).port;
  runtime.logger.info({ port: boundPort }, 'listening');
  return boundPort;
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const drained = await Promise.race([closed.then(() => true), delay(drainTimeoutMs).then(() => false)]);
  if (!drained) {
    server.closeAllConnections();
    await closed;
  }
}

/** Resolves after `durationMs` milliseconds. */
export function delay(durationMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, durationMs));
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function flushTelemetry(): Promise<void> {
  // A no-op when the service runs without `--import @pharos/node/register`; never rejects.
  await withTimeout(shutdownTelemetry(), closeTimeoutMs, 'flushing telemetry').catch(() => undefined);
}
