import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startControlServer, type ControlServer } from '../control/index.js';
import { parseFaultName, parseFaultValue } from '../faults/index.js';
import { startLoad, type LoadGenerator, type LoadStatsSnapshot } from '../load/index.js';
import { ShopStartError, describeError } from './errors.js';
import { FaultRuntime, type ActiveFaultView, type FaultsView } from './fault-runtime.js';
import type { StartContext } from './infra-context.js';
import { findPostgresBinDir, findRabbitMq, findRedisServer, findRepoRoot } from './paths.js';
import { startPharos, type PharosPorts } from './pharos.js';
import { PortAllocator, assertPortsFree } from './ports.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { createProgressEmitter, type ProgressListener } from './progress.js';
import { killStrayEpmd, startRabbitMq, type RabbitMqServer } from './rabbitmq.js';
import { startRedis, type RedisServer } from './redis.js';
import { SHOP_DATABASES, SHOP_SERVICE_NAMES } from './service-catalog.js';
import { ServiceFleet, type ServiceStatus } from './service-fleet.js';
import { startSlowQueryLoop } from './slow-query-loop.js';
import { spawnSupervised, type SupervisedProcess } from './supervisor.js';

/** Where the shop sends telemetry: a Pharos the launcher starts (with these ports), or one already running. */
export type PharosOption = Partial<PharosPorts> | { external: string; apiUrl?: string };

/** How to start the shop. Every field is optional. */
export interface ShopOptions {
  /** Default: start Pharos on 4400 (API/UI), 4318 (OTLP/HTTP), 4317 (OTLP/gRPC). */
  pharos?: PharosOption;
  /** The shop's public port (default 8080). */
  frontendPort?: number;
  /** The control API's port (default 8081). */
  controlPort?: number;
  /** Data and logs; default a new temporary directory, removed at stop unless `keepData`. A given directory is never removed. */
  workDir?: string;
  keepData?: boolean;
  /** Shopper load (default 4 journeys/s until stopped), or false for none. */
  load?: { journeysPerSecond?: number; durationMs?: number } | false;
  /** Faults in force from the start, by name: `{ 'payment-failures': '0.3' }`. */
  faults?: Readonly<Record<string, string>>;
  /** Log level of the services and Pharos: debug, info, warn, error or silent (default info). */
  logLevel?: string;
  /** Called for each progress event (components starting, ready, exiting; fault changes; load lines). */
  onProgress?: ProgressListener;
  /** Aborts a start in progress: what started is stopped and startShop rejects. */
  signal?: AbortSignal;
  /** Load the OpenTelemetry SDK into the services (default: yes unless PHAROS_DEMO_NO_SDK=1). */
  useSdk?: boolean;
}

/** A running shop. */
export interface ShopHandle {
  urls: {
    /** The shop's JSON API and pages, e.g. http://127.0.0.1:8080. */
    frontend: string;
    /** The control API (faults, status). */
    control: string;
    /** Pharos' API and UI; undefined for an external Pharos given without apiUrl. */
    pharosApi: string | undefined;
    /** Where the services send OTLP/HTTP. */
    otlpHttp: string;
  };
  workDir: string;
  /** Sets fault `name` to `value` (undefined or `off` clears it) and resolves once in force. Throws a FaultValueError for a bad name or value. */
  setFault(name: string, value: string | undefined): Promise<FaultsView>;
  /** The faults in force now, by name. */
  activeFaults(): FaultsView['active'];
  /** Faults in force, their history and the faults available. */
  readFaults(): FaultsView;
  /** Services, infrastructure and load, as GET /status shows them. */
  readStatus(): ShopStatus;
  /** Resolves when a load with a duration has finished (never for unbounded load or none). */
  loadFinished: Promise<void>;
  /** Stops everything (load, services in reverse order, infrastructure, Pharos last), leaving no process. Idempotent. */
  stop(): Promise<void>;
}

/** The shop's state as GET /status shows it. */
export interface ShopStatus {
  startedAt: string;
  uptimeS: number;
  workDir: string;
  urls: ShopHandle['urls'];
  services: ServiceStatus[];
  infrastructure: Array<{ name: string; pid: number | undefined; port: number | undefined; state: 'up' | 'stopped' | 'exited' }>;
  load: LoadStatsSnapshot | null;
}

const defaultPharosPorts: PharosPorts = { httpPort: 4400, otlpHttpPort: 4318, otlpGrpcPort: 4317 };

/**
 * Starts the demo shop: PostgreSQL, Redis, RabbitMQ and Pharos in parallel, then the services
 * tier by tier, the initial faults, the control API and the load. Resolves once all is ready
 * (typically 10-20 s, RabbitMQ being the slowest). On any failure, stops what it started and
 * rejects with a ShopStartError naming the part and quoting its log tail (or an Error for
 * bad options, taken ports or missing programs, before anything starts).
 */
export async function startShop(options: ShopOptions = {}): Promise<ShopHandle> {
  const emit = createProgressEmitter(options.onProgress);
  const startedAtMs = Date.now();
  const logLevel = options.logLevel ?? 'info';
  const frontendPort = options.frontendPort ?? 8080;
  const controlPort = options.controlPort ?? 8081;
  const pharosOption = options.pharos ?? {};
  const external = 'external' in pharosOption ? pharosOption : undefined;
  const pharosPorts: PharosPorts = { ...defaultPharosPorts, ...(external ? {} : (pharosOption as Partial<PharosPorts>)) };
  const useSdk = options.useSdk ?? process.env.PHAROS_DEMO_NO_SDK !== '1';
  const load = options.load === false ? undefined : { journeysPerSecond: options.load?.journeysPerSecond ?? 4, durationMs: options.load?.durationMs };

  // Everything that can be checked without starting anything is checked first.
  validateOptions({ frontendPort, controlPort, pharosPorts, external, logLevel, load });
  for (const [name, value] of Object.entries(options.faults ?? {})) parseFaultValue(parseFaultName(name), value, SHOP_SERVICE_NAMES);
  findPostgresBinDir();
  findRedisServer();
  findRabbitMq();
  const ports = new PortAllocator();
  const fixedPorts = [
    { port: frontendPort, what: 'shop frontend', option: '--frontend-port' },
    { port: controlPort, what: 'control API', option: '--control-port' },
    ...(external
      ? []
      : [
          { port: pharosPorts.httpPort, what: 'Pharos API', option: '--pharos-http-port' },
          { port: pharosPorts.otlpHttpPort, what: 'Pharos OTLP/HTTP', option: '--pharos-otlp-http-port' },
          { port: pharosPorts.otlpGrpcPort, what: 'Pharos OTLP/gRPC', option: '--pharos-otlp-grpc-port' },
        ]),
  ];
  await assertPortsFree(fixedPorts);
  for (const { port } of fixedPorts) ports.reserve(port);

  const ownsWorkDir = options.workDir === undefined;
  const workDir = options.workDir ? resolve(options.workDir) : mkdtempSync(join(tmpdir(), 'pharos-shop-'));
  mkdirSync(join(workDir, 'logs'), { recursive: true });
  const repoRoot = findRepoRoot();

  // One failing part cuts the start of the others short, as does the caller's signal.
  const startController = new AbortController();
  const abortStart = (): void => startController.abort(options.signal?.reason ?? new Error('start-up aborted'));
  if (options.signal?.aborted) abortStart();
  options.signal?.addEventListener('abort', abortStart, { once: true });
  const children = new Set<SupervisedProcess>();
  const context: StartContext = {
    workDir,
    signal: startController.signal,
    spawn: (spec) => {
      const child = spawnSupervised(spec);
      children.add(child);
      void child.exited.then(() => children.delete(child));
      return child;
    },
  };

  let postgres: PostgresServer | undefined;
  let redis: RedisServer | undefined;
  let rabbit: RabbitMqServer | undefined;
  let pharos: SupervisedProcess | undefined;
  let fleet: ServiceFleet | undefined;
  let faults: FaultRuntime | undefined;
  let control: ControlServer | undefined;
  let loadGenerator: LoadGenerator | undefined;
  let epmdPort: number | undefined;
  let stopping = false;
  let stopPromise: Promise<void> | undefined;

  const otlpHttp = external ? external.external.replace(/\/+$/, '') : `http://127.0.0.1:${pharosPorts.otlpHttpPort}`;
  const urls: ShopHandle['urls'] = {
    frontend: `http://127.0.0.1:${frontendPort}`,
    control: `http://127.0.0.1:${controlPort}`,
    pharosApi: external ? external.apiUrl : `http://127.0.0.1:${pharosPorts.httpPort}`,
    otlpHttp,
  };

  // Infrastructure has no restart: an unexpected exit is reported, and what depends on it shows the symptoms.
  const watchInfra = (child: SupervisedProcess, name: string): void => {
    void child.exited.then((exit) => {
      if (stopping || child.stopping) return;
      emit({
        kind: 'exited',
        component: name,
        message: `${name} (pid ${child.pid}) exited unexpectedly (${exit.signal ?? `code ${exit.code}`}); log: ${join(workDir, 'logs', `${name}.log`)}`,
        logTail: child.readLogTail(15),
      });
    });
  };

  const stop = (): Promise<void> => {
    stopPromise ??= (async () => {
      stopping = true;
      const stopStartedAtMs = Date.now();
      emit({ kind: 'stopping', component: 'shop', message: 'stopping the shop' });
      await settle(loadGenerator?.stop());
      await settle(control?.close());
      // Together: stopping the fleet cuts short a rollout the fault runtime may be waiting for.
      await Promise.all([settle(faults?.stop()), settle(fleet?.stop())]);
      // The infrastructure once no service uses it; Pharos last, so it receives the services' final telemetry.
      await Promise.all([settle(postgres?.process.stop()), settle(redis?.process.stop()), settle(rabbit?.process.stop())]);
      await settle(pharos?.stop());
      // Anything else still running is a start cut short; RabbitMQ, for one, ignores SIGTERM while it
      // boots. epmd goes last: a booting Erlang VM that finds no epmd starts one of its own.
      const isEpmd = (child: SupervisedProcess): boolean => child.name === 'epmd';
      await Promise.all([...children].filter((child) => !isEpmd(child)).map((child) => settle(child.stop(1_000))));
      await Promise.all([...children].map((child) => settle(child.stop(1_000))));
      if (epmdPort !== undefined) await killStrayEpmd(epmdPort);
      if (ownsWorkDir && !options.keepData) rmSync(workDir, { recursive: true, force: true });
      emit({ kind: 'stopped', component: 'shop', message: `stopped in ${((Date.now() - stopStartedAtMs) / 1000).toFixed(1)} s` });
    })();
    return stopPromise;
  };

  const started = (component: string, startMs: number, detail: string): void =>
    emit({ kind: 'ready', component, message: `${component} ready ${detail} in ${((Date.now() - startMs) / 1000).toFixed(1)} s` });

  try {
    const postgresPort = await ports.allocate();
    const redisPort = await ports.allocate();
    const amqpPort = await ports.allocate();
    const distPort = await ports.allocate();
    epmdPort = await ports.allocate();
    emit({ kind: 'starting', component: 'infrastructure', message: `starting PostgreSQL, Redis, RabbitMQ${external ? '' : ' and Pharos'} (logs in ${join(workDir, 'logs')})` });
    const infraStartMs = Date.now();
    let firstInfraError: unknown;
    const failFast = (error: unknown): never => {
      if (firstInfraError === undefined && !startController.signal.aborted) {
        firstInfraError = error;
        startController.abort(error);
      }
      throw error;
    };
    const results = await Promise.allSettled([
      startPostgres(context, postgresPort, SHOP_DATABASES).then((server) => {
        postgres = server;
        watchInfra(server.process, 'postgres');
        started('postgres', infraStartMs, `on port ${postgresPort}`);
      }, failFast),
      startRedis(context, redisPort).then((server) => {
        redis = server;
        watchInfra(server.process, 'redis');
        started('redis', infraStartMs, `on port ${redisPort}`);
      }, failFast),
      startRabbitMq(context, { amqp: amqpPort, dist: distPort, epmd: epmdPort }).then((server) => {
        rabbit = server;
        watchInfra(server.process, 'rabbitmq');
        watchInfra(server.epmd, 'epmd');
        started('rabbitmq', infraStartMs, `on port ${amqpPort}`);
      }, failFast),
      external
        ? Promise.resolve()
        : startPharos(context, repoRoot, pharosPorts, logLevel).then((server) => {
            pharos = server.process;
            watchInfra(server.process, 'pharos');
            started('pharos', infraStartMs, `on port ${pharosPorts.httpPort}`);
          }, failFast),
    ]);
    if (firstInfraError !== undefined) throw firstInfraError;
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
    if (!postgres || !redis || !rabbit) throw new Error('infrastructure did not start');
    const { urlFor } = postgres;

    const runtimeRef: { current?: FaultRuntime } = {};
    fleet = await ServiceFleet.create({
      repoRoot,
      workDir,
      logLevel,
      otlpHttpUrl: otlpHttp,
      frontendPort,
      ports,
      databaseUrlFor: urlFor,
      redisUrl: redis.url,
      amqpUrl: rabbit.url,
      spawn: context.spawn,
      readFaults: () => runtimeRef.current?.readActiveFaults() ?? {},
      useSdk,
      emit,
    });
    const serviceFleet = fleet;
    await serviceFleet.startAll(startController.signal);

    const postgresPortForFaults = postgres.port;
    faults = new FaultRuntime({
      serviceNames: SHOP_SERVICE_NAMES,
      broadcast: (active) => serviceFleet.broadcastFaults(active),
      deploy: (service, version, active) => serviceFleet.deploy(service, version, active),
      readBaseVersion: (service) => serviceFleet.readBaseVersion(service),
      startSlowQuery: (holdMs) => startSlowQueryLoop({ postgresPort: postgresPortForFaults, holdMs, warn: (message) => emit({ kind: 'warning', component: 'faults', message }) }),
      stopCache: async () => {
        await redis?.process.stop();
      },
      startCache: async () => {
        redis = await startRedis(context, redisPort);
        watchInfra(redis.process, 'redis');
      },
      emit,
    });
    runtimeRef.current = faults;
    const faultRuntime = faults;
    for (const [name, value] of Object.entries(options.faults ?? {})) await faultRuntime.set(name, value);

    const readStatus = (): ShopStatus => ({
      startedAt: new Date(startedAtMs).toISOString(),
      uptimeS: Math.round((Date.now() - startedAtMs) / 1000),
      workDir,
      urls,
      services: serviceFleet.readStatus(),
      infrastructure: [
        describeInfra('postgres', postgres?.process, postgres?.port),
        describeInfra('redis', redis?.process, redis?.port),
        describeInfra('rabbitmq', rabbit?.process, rabbit?.port),
        describeInfra('epmd', rabbit?.epmd, epmdPort),
        ...(external ? [] : [describeInfra('pharos', pharos, pharosPorts.httpPort)]),
      ],
      load: loadGenerator?.readStats() ?? null,
    });

    try {
      control = await startControlServer(controlPort, {
        readFaults: () => faultRuntime.readView(),
        setFault: (name, value) => faultRuntime.set(name, value),
        clearFault: (name) => faultRuntime.clear(name),
        clearAllFaults: () => faultRuntime.clearAll(),
        readStatus,
        setLoadRate: load ? (journeysPerSecond) => loadGenerator?.setRate(journeysPerSecond) : undefined,
      });
    } catch (error) {
      throw new ShopStartError('control', `could not listen on port ${controlPort}: ${describeError(error)}`, { cause: error });
    }

    if (load) {
      loadGenerator = startLoad({
        targetUrl: urls.frontend,
        journeysPerSecond: load.journeysPerSecond,
        durationMs: load.durationMs,
        onProgress: (line) => emit({ kind: 'load', component: 'load', message: line }),
      });
    }

    options.signal?.removeEventListener('abort', abortStart);
    return {
      urls,
      workDir,
      setFault: (name, value) => faultRuntime.set(name, value),
      activeFaults: (): Record<string, ActiveFaultView> => faultRuntime.readView().active,
      readFaults: () => faultRuntime.readView(),
      readStatus,
      loadFinished: loadGenerator && load?.durationMs !== undefined ? loadGenerator.finished : new Promise<void>(() => undefined),
      stop,
    };
  } catch (error) {
    options.signal?.removeEventListener('abort', abortStart);
    await stop();
    throw error;
  }
}

function describeInfra(name: string, child: SupervisedProcess | undefined, port: number | undefined): ShopStatus['infrastructure'][number] {
  const state = !child ? 'stopped' : child.exitInfo ? (child.stopping ? 'stopped' : 'exited') : 'up';
  return { name, pid: child && !child.exitInfo ? child.pid : undefined, port, state };
}

function validateOptions(options: {
  frontendPort: number;
  controlPort: number;
  pharosPorts: PharosPorts;
  external: { external: string } | undefined;
  logLevel: string;
  load: { journeysPerSecond: number; durationMs?: number } | undefined;
}): void {
  const problems: string[] = [];
  const checkPort = (port: number, what: string): void => {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) problems.push(`${what} must be a port between 1 and 65535, got ${port}`);
  };
  checkPort(options.frontendPort, 'the frontend port');
  checkPort(options.controlPort, 'the control port');
  if (!options.external) {
    checkPort(options.pharosPorts.httpPort, 'the Pharos HTTP port');
    checkPort(options.pharosPorts.otlpHttpPort, 'the Pharos OTLP/HTTP port');
    checkPort(options.pharosPorts.otlpGrpcPort, 'the Pharos OTLP/gRPC port');
  } else if (!/^https?:\/\/[^/]+/.test(options.external.external)) {
    problems.push(`the external OTLP endpoint must be an http(s) URL, got ${JSON.stringify(options.external.external)}`);
  }
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(options.logLevel)) {
    problems.push(`the log level must be debug, info, warn, error or silent, got ${JSON.stringify(options.logLevel)}`);
  }
  if (options.load) {
    const { journeysPerSecond, durationMs } = options.load;
    if (!Number.isFinite(journeysPerSecond) || journeysPerSecond < 0 || journeysPerSecond > 1_000) {
      problems.push(`the load rate must be between 0 and 1000 journeys per second, got ${journeysPerSecond}`);
    }
    if (durationMs !== undefined && !(Number.isFinite(durationMs) && durationMs > 0)) problems.push(`the load duration must be positive, got ${durationMs} ms`);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

async function settle(work: Promise<unknown> | undefined): Promise<void> {
  try {
    await work;
  } catch {
    // Stopping goes on whatever one part reports: the rest must still be stopped.
  }
}
