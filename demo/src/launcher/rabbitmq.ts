import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import amqp from 'amqplib';
import { resolveLogFile, throwIfExited, wrapStartError, type StartContext } from './infra-context.js';
import { findRabbitMq } from './paths.js';
import type { SupervisedProcess } from './supervisor.js';
import { waitFor } from './waiting.js';

/** A RabbitMQ node of the run, with the epmd it registers with. */
export interface RabbitMqServer {
  port: number;
  url: string;
  /** Stopped after `process`: the node deregisters from it on the way out. */
  epmd: SupervisedProcess;
  process: SupervisedProcess;
}

/**
 * Starts a private epmd on `ports.epmd` (in the foreground, so it ends with the run) and a
 * RabbitMQ node on 127.0.0.1:`ports.amqp` with its distribution port `ports.dist`, all state
 * under `<workDir>/rabbitmq` and no plugins. Waits until an AMQP connection succeeds (5-10 s).
 * Throws a ShopStartError with the log tail.
 */
export async function startRabbitMq(context: StartContext, ports: { amqp: number; dist: number; epmd: number }): Promise<RabbitMqServer> {
  const component = 'rabbitmq';
  const logFile = resolveLogFile(context.workDir, component);
  const programs = findRabbitMq();
  const dir = join(context.workDir, 'rabbitmq');
  mkdirSync(join(dir, 'mnesia'), { recursive: true });
  mkdirSync(join(dir, 'log'), { recursive: true });
  const pluginsFile = join(dir, 'enabled_plugins');
  writeFileSync(pluginsFile, '[].\n');
  const basePath = process.env.PATH ?? '/usr/bin:/bin';

  const epmd = context.spawn({
    name: 'epmd',
    command: programs.epmd,
    args: ['-port', String(ports.epmd), '-address', '127.0.0.1'],
    env: { PATH: basePath, HOME: dir },
    cwd: dir,
    logFile: resolveLogFile(context.workDir, 'epmd'),
  });

  // The Erlang VM starts `epmd -daemon` itself when none answers on its port; that one would
  // detach from our process group and outlive the demo. So ours must listen first.
  try {
    await waitFor(`epmd on port ${ports.epmd}`, () => probeTcp(ports.epmd), {
      timeoutMs: 10_000,
      intervalMs: 50,
      checkAlive: throwIfExited(epmd, 'epmd', resolveLogFile(context.workDir, 'epmd')),
      signal: context.signal,
    });
  } catch (error) {
    throw wrapStartError(error, 'epmd', epmd, resolveLogFile(context.workDir, 'epmd'));
  }

  const url = `amqp://guest:guest@127.0.0.1:${ports.amqp}`;
  const server = context.spawn({
    name: component,
    command: programs.server,
    args: [],
    env: {
      PATH: basePath,
      HOME: dir,
      LANG: 'C.UTF-8',
      RABBITMQ_NODENAME: readNodeName(dir),
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(ports.amqp),
      RABBITMQ_DIST_PORT: String(ports.dist),
      ERL_EPMD_PORT: String(ports.epmd),
      ERL_EPMD_ADDRESS: '127.0.0.1',
      RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(dir, 'log'),
      // Logs to stdout land in our log file, next to the other components'.
      RABBITMQ_LOGS: '-',
      RABBITMQ_ENABLED_PLUGINS_FILE: pluginsFile,
      // Base names of files that do not exist: the system-wide configuration must not apply.
      RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
      RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    },
    cwd: dir,
    logFile,
  });
  try {
    await waitFor(`RabbitMQ on port ${ports.amqp}`, () => probeAmqp(url), {
      timeoutMs: 60_000,
      intervalMs: 500,
      checkAlive: () => {
        throwIfExited(epmd, 'epmd', resolveLogFile(context.workDir, 'epmd'))();
        throwIfExited(server, component, logFile)();
      },
      signal: context.signal,
    });
  } catch (error) {
    throw wrapStartError(error, component, server, logFile);
  }
  return { port: ports.amqp, url, epmd, process: server };
}

/**
 * Stops whatever epmd still listens on `port` (`epmd -port P -kill`), such as an `epmd -daemon`
 * the Erlang VM started when ours was gone: it has left our process group, so stopping the
 * group misses it. Call after the node stopped (epmd refuses while nodes are registered).
 * Never throws.
 */
export function killStrayEpmd(port: number): Promise<void> {
  let epmd: string;
  try {
    epmd = findRabbitMq().epmd;
  } catch {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    execFile(epmd, ['-port', String(port), '-kill'], { timeout: 3_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }, () => resolve());
  });
}

function probeTcp(port: number): Promise<true> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1_000, () => socket.destroy(new Error('connect timed out')));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
  });
}

async function probeAmqp(url: string): Promise<true> {
  const connection = await amqp.connect(url, { timeout: 2_000 });
  await connection.close().catch(() => undefined);
  return true;
}

// Mnesia keeps its data per node name: a kept work dir reuses the name, a new one gets a
// random name so two demos on one machine do not collide in epmd.
function readNodeName(dir: string): string {
  const file = join(dir, 'nodename');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const name = `shop-${randomBytes(4).toString('hex')}@localhost`;
  writeFileSync(file, `${name}\n`);
  return name;
}
