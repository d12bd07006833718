import { Command } from 'commander';
import { pino } from 'pino';
import { CONFIG_KEYS, flagNameOf, resolveConfig, envNameOf } from '../config/index.js';
import { startPharos } from '../main.js';

const FLAG_HELP: Record<string, string> = {
  dataDir: 'where data is kept (default ./pharos-data)',
  host: 'address to bind every port to (default 127.0.0.1)',
  httpPort: 'API and UI port (default 4400)',
  otlpHttpPort: 'OTLP/HTTP port (default 4318)',
  otlpGrpcPort: 'OTLP/gRPC port (default 4317)',
  retention: 'how long data is kept, e.g. 7d, 36h (default 7d)',
  maxBodyBytes: 'largest OTLP body after decompression, in bytes (default 16 MiB)',
  maxQueuedItems: 'items acknowledged but not yet in storage before ingest answers 503 (default 750000)',
  queryTimeout: 'longest a query may run, e.g. 30s (default 30s)',
  maxQueryLimit: 'most rows one query returns (default 10000)',
  logLevel: 'debug, info, warn, error or silent (default info)',
};

/** The serve flags, one per line with their PHAROS_* variable, for `pharos --help`. */
export function serveFlagsHelp(): string {
  const lines = CONFIG_KEYS.map((key) => `  --${flagNameOf(key)} <value>`.padEnd(34) + `${FLAG_HELP[key] ?? key} [env ${envNameOf(key)}]`);
  return ['', 'Serve flags (serve is the default command):', '  -c, --config <file>'.padEnd(34) + 'YAML or JSON config file [env PHAROS_CONFIG]', ...lines].join('\n');
}

/** `pharos serve`: runs the server until SIGINT/SIGTERM. */
export function serveCommand(): Command {
  const command = new Command('serve').description('run the Pharos server (OTLP receivers, storage, query APIs)');
  command.option('-c, --config <file>', 'YAML or JSON config file (env PHAROS_CONFIG)');
  for (const key of CONFIG_KEYS) {
    command.option(`--${flagNameOf(key)} <value>`, `${FLAG_HELP[key] ?? key} [env ${envNameOf(key)}]`);
  }
  command.action(async (options: Record<string, string | undefined>) => {
    const flags: Record<string, string | undefined> = {};
    for (const key of CONFIG_KEYS) if (options[key] !== undefined) flags[key] = options[key];
    const resolved = resolveConfig({ flags, env: process.env, configFile: options.config });
    if (!resolved.ok) {
      process.stderr.write(`pharos: invalid configuration:\n${resolved.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      process.exit(2);
    }
    const config = resolved.config;
    const logger = pino({ level: config.logLevel, base: { service: 'pharos' } });
    let running;
    try {
      running = await startPharos(config, logger);
    } catch (error) {
      logger.fatal({ err: error }, 'Pharos could not start');
      const code = (error as { code?: unknown }).code;
      process.stderr.write(`pharos: could not start: ${typeof code === 'string' ? `${code}: ` : ''}${(error as Error).message}\n`);
      process.exit(1);
    }
    const { ports } = running;
    logger.info(
      { dataDir: config.dataDir, otlpGrpc: `${config.host}:${ports.otlpGrpc}`, otlpHttp: `http://${config.host}:${ports.otlpHttp}`, api: `http://${config.host}:${ports.http}` },
      `Pharos is up: send OTLP to http://${config.host}:${ports.otlpHttp} (HTTP) or ${config.host}:${ports.otlpGrpc} (gRPC); query at http://${config.host}:${ports.http}`,
    );
    let stoppingSinceMs: number | undefined;
    const shutdown = (signal: string) => {
      if (stoppingSinceMs !== undefined) {
        // Ctrl-C under `npm start` reaches us twice at once (terminal and npm); only a later one means "now".
        if (Date.now() - stoppingSinceMs < 1000) return;
        logger.warn('second signal: exiting without waiting');
        process.exit(1);
      }
      stoppingSinceMs = Date.now();
      logger.info({ signal }, 'shutting down: flushing acknowledged data');
      running.stop().then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });
  return command;
}
