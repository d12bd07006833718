import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Debian packages the demo's infrastructure comes from. */
export const INFRA_INSTALL_HINT = 'apt-get install -y postgresql redis-server rabbitmq-server';

/**
 * Thrown when a program the demo needs is not installed; the message names the package.
 */
export class MissingProgramError extends Error {
  constructor(program: string, detail: string) {
    super(`${program} is not installed (${detail}); install it with: ${INFRA_INSTALL_HINT}`);
    this.name = 'MissingProgramError';
  }
}

/** The repository root: this file is demo/{src,dist}/launcher/paths.{ts,js}. */
export function findRepoRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

/** Returns the first executable called `name` on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Returns the directory holding PostgreSQL's initdb and postgres: the newest
 * /usr/lib/postgresql/<version>/bin (Debian), else the directory of `initdb` on PATH.
 * Throws a MissingProgramError naming the package.
 */
export function findPostgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((entry) => /^\d+(\.\d+)?$/.test(entry))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bin = join(root, version, 'bin');
      if (isExecutable(join(bin, 'initdb')) && isExecutable(join(bin, 'postgres'))) return bin;
    }
  }
  const initdb = findOnPath('initdb');
  if (initdb && isExecutable(join(initdb, '..', 'postgres'))) return join(initdb, '..');
  throw new MissingProgramError('PostgreSQL', `no /usr/lib/postgresql/<version>/bin/initdb and no initdb on PATH`);
}

/** Returns the path of redis-server. Throws a MissingProgramError naming the package. */
export function findRedisServer(): string {
  const found = findOnPath('redis-server') ?? ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find(isExecutable);
  if (!found) throw new MissingProgramError('Redis', 'no redis-server on PATH');
  return found;
}

/**
 * Returns RabbitMQ's foreground start script and Erlang's epmd. Throws a MissingProgramError
 * naming the package.
 */
export function findRabbitMq(): { server: string; epmd: string } {
  const server = ['/usr/lib/rabbitmq/bin/rabbitmq-server'].find(isExecutable);
  if (!server) throw new MissingProgramError('RabbitMQ', 'no /usr/lib/rabbitmq/bin/rabbitmq-server');
  const erts = existsSync('/usr/lib/erlang')
    ? readdirSync('/usr/lib/erlang')
        .filter((entry) => entry.startsWith('erts-'))
        .sort()
        .reverse()
        .map((entry) => join('/usr/lib/erlang', entry, 'bin', 'epmd'))
    : [];
  const epmd = [...erts, '/usr/lib/erlang/bin/epmd'].find(isExecutable) ?? findOnPath('epmd');
  if (!epmd) throw new MissingProgramError('Erlang epmd', 'no /usr/lib/erlang/erts-*/bin/epmd and no epmd on PATH');
  return { server, epmd };
}

/** Returns the uid and gid of system user `name` (via `id`), or undefined when there is no such user. */
export function lookUpUser(name: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
