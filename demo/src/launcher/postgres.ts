import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ShopStartError } from './errors.js';
import { resolveLogFile, throwIfExited, wrapStartError, type StartContext } from './infra-context.js';
import { findPostgresBinDir, lookUpUser } from './paths.js';
import type { SupervisedProcess } from './supervisor.js';
import { waitFor } from './waiting.js';

/** The database user every service connects as (trust authentication on loopback). */
export const POSTGRES_USER = 'shop';

/** A PostgreSQL server of the run. */
export interface PostgresServer {
  port: number;
  process: SupervisedProcess;
  /** Returns the connection URL of `database`. */
  urlFor(database: string): string;
}

/**
 * Starts a throwaway PostgreSQL on 127.0.0.1:`port` with its cluster in `<workDir>/postgres`
 * (created with initdb unless it exists), waits until it accepts connections, and creates the
 * empty `databases` that do not exist yet. As root, initdb and postgres run as the `postgres`
 * system user, since both refuse to run as root. Throws a ShopStartError with the log tail.
 */
export async function startPostgres(context: StartContext, port: number, databases: readonly string[]): Promise<PostgresServer> {
  const component = 'postgres';
  const logFile = resolveLogFile(context.workDir, component);
  const binDir = findPostgresBinDir();
  const user = resolveRunAsUser();
  const baseDir = join(context.workDir, 'postgres');
  const dataDir = join(baseDir, 'data');
  const socketDir = makeSocketDir(baseDir);
  mkdirSync(baseDir, { recursive: true });
  if (user) {
    // The postgres user must reach its directories through ours (mkdtemp makes 0700).
    chmodSync(context.workDir, 0o755);
    chownSync(baseDir, user.uid, user.gid);
    chownSync(socketDir, user.uid, user.gid);
  }
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', HOME: baseDir };

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const initdb = context.spawn({
      name: 'initdb',
      command: join(binDir, 'initdb'),
      args: ['-D', dataDir, '-A', 'trust', '-U', POSTGRES_USER, '--no-sync', '-E', 'UTF8', '--locale=C'],
      env,
      cwd: baseDir,
      logFile,
      user,
    });
    const exit = await initdb.exited;
    if (exit.code !== 0) {
      const how = exit.error ? `initdb could not be started: ${exit.error.message}` : `initdb failed (${exit.signal ?? `code ${exit.code}`})`;
      throw new ShopStartError(component, how, { logTail: initdb.readLogTail(), logFile });
    }
  }

  const server = context.spawn({
    name: component,
    command: join(binDir, 'postgres'),
    args: [
      '-D', dataDir,
      '-p', String(port),
      '-k', socketDir,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
      '-c', 'max_connections=200',
      '-c', 'log_line_prefix=%m [%p] ',
    ],
    env,
    cwd: baseDir,
    logFile,
    user,
    // SIGINT is PostgreSQL's fast shutdown: it ends open sessions instead of waiting for them.
    stopSignal: 'SIGINT',
    stopSignalToLeaderOnly: true,
  });
  try {
    await waitFor(`PostgreSQL on port ${port}`, () => probePostgres(port), {
      timeoutMs: 30_000,
      intervalMs: 200,
      checkAlive: throwIfExited(server, component, logFile),
      signal: context.signal,
    });
    await createDatabases(port, databases);
  } catch (error) {
    throw wrapStartError(error, component, server, logFile);
  }
  return { port, process: server, urlFor: (database) => `postgres://${POSTGRES_USER}@127.0.0.1:${port}/${database}` };
}

/** Opens a client of the run's PostgreSQL to `database`; the caller ends it. */
export async function connectPostgres(port: number, database: string): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: POSTGRES_USER, database, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

async function probePostgres(port: number): Promise<true> {
  const client = await connectPostgres(port, 'postgres');
  try {
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function createDatabases(port: number, databases: readonly string[]): Promise<void> {
  const client = await connectPostgres(port, 'postgres');
  try {
    for (const database of databases) {
      const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

function resolveRunAsUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const user = lookUpUser('postgres');
  if (!user) {
    throw new ShopStartError('postgres', 'running as root, and PostgreSQL refuses root; there is no "postgres" system user to run it as (the Debian package postgresql creates it)');
  }
  return user;
}

// A Unix socket path is limited to 107 bytes; a deep work dir gets a short one in the temp dir.
function makeSocketDir(baseDir: string): string {
  const preferred = join(baseDir, 'socket');
  if (`${preferred}/.s.PGSQL.65535`.length < 100) {
    mkdirSync(preferred, { recursive: true });
    return preferred;
  }
  return mkdtempSync(join(tmpdir(), 'shop-pg-'));
}
