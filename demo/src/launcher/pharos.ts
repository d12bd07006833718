import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ShopStartError } from './errors.js';
import { resolveLogFile, throwIfExited, wrapStartError, type StartContext } from './infra-context.js';
import type { SupervisedProcess } from './supervisor.js';
import { waitFor } from './waiting.js';

/** Ports of a Pharos server the launcher starts. */
export interface PharosPorts {
  httpPort: number;
  otlpHttpPort: number;
  otlpGrpcPort: number;
}

/** A Pharos server of the run. */
export interface PharosServer {
  process: SupervisedProcess;
  apiUrl: string;
  otlpHttpUrl: string;
}

/**
 * Starts the repository's Pharos server (`packages/server/dist/cli.js serve`) on the given
 * loopback ports with its data in `<workDir>/pharos-data`, and waits until GET /healthz answers
 * 200. Throws a ShopStartError with the log tail, or when the server is not built.
 */
export async function startPharos(context: StartContext, repoRoot: string, ports: PharosPorts, logLevel: string): Promise<PharosServer> {
  const component = 'pharos';
  const logFile = resolveLogFile(context.workDir, component);
  const cli = join(repoRoot, 'packages', 'server', 'dist', 'cli.js');
  if (!existsSync(cli)) throw new ShopStartError(component, `${cli} does not exist; build first with: npx tsc -b`);
  const dataDir = join(context.workDir, 'pharos-data');
  mkdirSync(dataDir, { recursive: true });
  const server = context.spawn({
    name: component,
    command: process.execPath,
    args: [
      cli,
      'serve',
      '--data-dir', dataDir,
      '--host', '127.0.0.1',
      '--http-port', String(ports.httpPort),
      '--otlp-http-port', String(ports.otlpHttpPort),
      '--otlp-grpc-port', String(ports.otlpGrpcPort),
      '--log-level', logLevel,
    ],
    env: stripTelemetryEnv(process.env),
    cwd: repoRoot,
    logFile,
  });
  const apiUrl = `http://127.0.0.1:${ports.httpPort}`;
  try {
    await waitFor(`Pharos on port ${ports.httpPort}`, () => probeHealth(apiUrl), {
      timeoutMs: 60_000,
      intervalMs: 250,
      checkAlive: throwIfExited(server, component, logFile),
      signal: context.signal,
    });
  } catch (error) {
    throw wrapStartError(error, component, server, logFile);
  }
  return { process: server, apiUrl, otlpHttpUrl: `http://127.0.0.1:${ports.otlpHttpPort}` };
}

/**
 * Returns a copy of `env` without OpenTelemetry's and Pharos' variables: children get exactly
 * the configuration the launcher gives them, not whatever the caller's shell had.
 */
export function stripTelemetryEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('OTEL_') && !name.startsWith('PHAROS_')) copy[name] = value;
  }
  return copy;
}

async function probeHealth(apiUrl: string): Promise<true | undefined> {
  const response = await fetch(`${apiUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
  await response.arrayBuffer();
  return response.status === 200 ? true : undefined;
}
