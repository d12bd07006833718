import pg from 'pg';
import { delay, type ServiceRuntime } from './lifecycle.js';
import { createRateLimitedLog } from './logger.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** Options of a service's connection pool. */
export interface PoolOptions {
  /** The server cancels any statement running longer than this (milliseconds). */
  statementTimeoutMs: number;
  /** Largest number of connections. */
  maxConnections?: number;
}

/**
 * Opens a pool to `databaseUrl` named after the service (visible in pg_stat_activity), closed at
 * shutdown. Waiting for a free connection fails after 5 s, so a stuck database surfaces as
 * errors instead of requests hanging forever.
 */
export function createPool(runtime: ServiceRuntime, databaseUrl: string, options: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    application_name: runtime.name,
    max: options.maxConnections ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    statement_timeout: options.statementTimeoutMs,
  });
  const logError = createRateLimitedLog(10_000);
  // An idle client losing its connection emits here; unhandled, it would crash the process.
  pool.on('error', (error) => logError((suppressed) => runtime.logger.warn({ err: error, suppressed }, 'idle database connection lost')));
  runtime.onShutdown('database pool', () => pool.end());
  return pool;
}

/** Runs `work` in a transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
export async function runInTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Prepares the schema at start-up: waits up to `waitMs` for the database to accept connections,
 * then runs `migrate` in one transaction under an advisory lock keyed by `lockName`, so replicas
 * starting together neither race on CREATE TABLE nor seed twice. `migrate` must be idempotent.
 */
export async function prepareSchema(
  runtime: ServiceRuntime,
  pool: Pool,
  lockName: string,
  migrate: (client: PoolClient) => Promise<void>,
  waitMs = 30_000,
): Promise<void> {
  const deadlineMs = Date.now() + waitMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await runInTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockName]);
        await migrate(client);
      });
      return;
    } catch (error) {
      if (!isConnectionError(error) || Date.now() > deadlineMs) throw error;
      runtime.logger.warn({ err: error, attempt }, 'database not reachable yet, retrying');
      await delay(1_000);
    }
  }
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  // 57P03: the server is starting up; 3D000: the database does not exist yet.
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P03' || code === '3D000') return true;
  return error instanceof Error && /timeout exceeded when trying to connect|Connection terminated/i.test(error.message);
}

/** True when `error` is PostgreSQL cancelling a statement that ran past statement_timeout. */
export function isStatementTimeout(error: unknown): boolean {
  return (error as { code?: unknown }).code === '57014';
}
