import type pg from 'pg';
import { describeError } from './errors.js';
import { connectPostgres } from './postgres.js';
import { sleep } from './waiting.js';

/** A running lock loop; stop() ends it and releases the lock. */
export interface SlowQueryLoop {
  stop(): Promise<void>;
}

/** How the loop is run. */
export interface SlowQueryOptions {
  postgresPort: number;
  /** How long each lock is held, in milliseconds. */
  holdMs: number;
  /** Gap between two locks, in milliseconds. */
  pauseMs?: number;
  warn: (message: string) => void;
}

const database = 'inventory';
const table = 'stock';

/**
 * Starts the `inventory-slow-query` fault: on its own connection (not instrumented, so nothing
 * of it shows in telemetry) the launcher repeatedly takes an EXCLUSIVE lock on inventory's
 * `stock` table for `holdMs`, then pauses `pauseMs` (default 150 ms). Reads still pass;
 * reservations (writes) queue behind the lock. Waits for the table to exist first, and
 * reconnects after errors.
 */
export function startSlowQueryLoop(options: SlowQueryOptions): SlowQueryLoop {
  const controller = new AbortController();
  const { signal } = controller;
  let client: pg.Client | undefined;
  let warnedMissingTable = false;
  let lastError = '';

  const run = async (): Promise<void> => {
    while (!signal.aborted) {
      try {
        if (!client) {
          client = await connectPostgres(options.postgresPort, database);
          // A plausible batch job's name: what an operator looking at pg_stat_activity would see.
          await client.query(`SET application_name = 'stock-sync'`);
        }
        const found = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [`public.${table}`]);
        if (!found.rows[0]?.exists) {
          if (!warnedMissingTable) options.warn(`waiting for table ${table} in database ${database} before locking it`);
          warnedMissingTable = true;
          await sleep(500, signal);
          continue;
        }
        await client.query('BEGIN');
        await client.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
        await sleep(options.holdMs, signal);
        await client.query('COMMIT');
        await sleep(options.pauseMs ?? 150, signal);
      } catch (error) {
        if (signal.aborted) break;
        const message = describeError(error);
        if (message !== lastError) options.warn(`slow-query loop: ${message}; retrying`);
        lastError = message;
        await client?.end().catch(() => undefined);
        client = undefined;
        await sleep(1_000, signal).catch(() => undefined);
      }
    }
    // Ending the session rolls back a transaction still open, which releases the lock.
    await client?.end().catch(() => undefined);
  };

  const running = run();
  return {
    stop: async () => {
      controller.abort(new Error('stopped'));
      await running;
    },
  };
}
