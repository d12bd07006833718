import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { PharosError, nowUnixNano, type PharosConfig } from '@pharos/core';
import { buildApiApp } from './app.js';
import { WriteAheadLog, WriteQueue } from './ingest/index.js';
import { SelfMetrics } from './observe/self-metrics.js';
import { OtlpExportHandler, buildOtlpHttpApp, decodeExportRecord, startOtlpGrpcServer, type RunningGrpcServer } from './receive/otlp/index.js';
import { openDuckDbStore, type TelemetryStore } from './storage/index.js';

/** Longest a query waits for acknowledged data to reach storage before it runs anyway. */
const READ_YOUR_WRITES_MAX_WAIT_MS = 5000;

/** Longest shutdown waits for accepted data to be stored. */
const DRAIN_MAX_WAIT_MS = 60_000;

/** How often whole-day partitions past retention are looked for. */
const RETENTION_INTERVAL_MS = 15 * 60_000;

export interface RunningPharos {
  /** Ports actually bound (differ from the config when it asked for port 0). */
  ports: { http: number; otlpHttp: number; otlpGrpc: number };
  store: TelemetryStore;
  metrics: SelfMetrics;
  /** Stops accepting data, writes everything acknowledged, then releases the store. */
  stop(): Promise<void>;
}

/**
 * The composition root: opens storage, then the write path, then the receivers and
 * the API; `stop` takes them down in reverse. A single process is the same parts a
 * cluster would run separately.
 */
export async function startPharos(config: PharosConfig, logger: Logger): Promise<RunningPharos> {
  const stack: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stack.reverse().splice(0)) {
      await stop().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
    }
  };
  try {
    const metrics = new SelfMetrics();
    const store = await openDuckDbStore({ dataDir: config.dataDir });
    stack.push(() => store.close());

    const enforceRetention = async (): Promise<void> => {
      const cutoff = nowUnixNano() - BigInt(config.retention) * 1_000_000n;
      const dropped = await store.dropPartitionsBefore(cutoff);
      if (dropped.length > 0) logger.info({ dropped: dropped.map((p) => `${p.signal}/${p.day}`) }, 'retention: dropped old partitions');
    };
    await enforceRetention();
    const retentionTimer = setInterval(() => {
      enforceRetention().catch((error: unknown) => logger.error({ err: error }, 'retention failed'));
    }, RETENTION_INTERVAL_MS);
    retentionTimer.unref();
    stack.push(async () => clearInterval(retentionTimer));

    const wal = await WriteAheadLog.open(path.join(config.dataDir, 'wal'), { onSync: (seconds) => metrics.walSyncDuration.observe(seconds) });
    stack.push(() => wal.close());
    const queue = new WriteQueue({
      store,
      wal,
      metrics,
      maxQueuedItems: config.maxQueuedItems,
      decodeRecord: (record) => decodeExportRecord(record, config.retention),
      onWriteError: (error) => logger.error({ err: error }, 'storage write failed; retrying (the data is safe in the write-ahead log)'),
    });
    const replayed = await queue.recover();
    if (replayed > 0) logger.info({ requests: replayed }, 'replayed acknowledged requests from the write-ahead log');
    stack.push(async () => {
      // A store that keeps failing must not keep the process from stopping: what is not
      // stored stays in the write-ahead log and is replayed at the next start.
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), DRAIN_MAX_WAIT_MS).unref());
      if ((await Promise.race([queue.drain(), timeout])) === 'timeout') logger.warn('stopping before everything was stored; the rest will be replayed at the next start');
    });
    const handler = new OtlpExportHandler({ queue, metrics, retentionMs: config.retention });

    const api = buildApiApp({
      store,
      metrics,
      logger,
      queryTimeoutMs: config.queryTimeout,
      maxQueryLimit: config.maxQueryLimit,
      // Queries see every request acknowledged before them, waiting at most this long for storage to catch up.
      beforeQuery: () => Promise.race([queue.flush(), new Promise<void>((r) => setTimeout(r, READ_YOUR_WRITES_MAX_WAIT_MS).unref())]),
    });
    const httpPort = await listen(api, config.host, config.httpPort, 'httpPort');
    stack.push(() => api.close());

    const otlpHttp = buildOtlpHttpApp({ handler, metrics, maxBodyBytes: config.maxBodyBytes, logger });
    const otlpHttpPort = await listen(otlpHttp, config.host, config.otlpHttpPort, 'otlpHttpPort');
    stack.push(() => otlpHttp.close());

    const grpc: RunningGrpcServer = await startOtlpGrpcServer({ handler, metrics, host: config.host, port: config.otlpGrpcPort, maxBodyBytes: config.maxBodyBytes, logger }).catch(
      (error: unknown) => {
        throw new PharosError('PHAROS_ERR_CONFIG_INVALID', `otlpGrpcPort: cannot listen on ${config.host}:${config.otlpGrpcPort}: ${(error as Error).message}`, { cause: error });
      },
    );
    stack.push(() => grpc.stop());

    return { ports: { http: httpPort, otlpHttp: otlpHttpPort, otlpGrpc: grpc.port }, store, metrics, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Listens, naming the setting when the address cannot be bound (port taken, bad host). */
async function listen(app: FastifyInstance, host: string, port: number, setting: string): Promise<number> {
  try {
    await app.listen({ host, port });
  } catch (error) {
    throw new PharosError('PHAROS_ERR_CONFIG_INVALID', `${setting}: cannot listen on ${host}:${port}: ${(error as Error).message}`, { cause: error });
  }
  const address = app.server.address();
  return typeof address === 'object' && address !== null ? address.port : port;
}
