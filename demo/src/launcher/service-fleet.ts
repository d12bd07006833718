import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ActiveFaults, FaultsMessage } from '../faults/index.js';
import { ShopStartError, describeError } from './errors.js';
import { resolveLogFile } from './infra-context.js';
import { stripTelemetryEnv } from './pharos.js';
import type { PortAllocator } from './ports.js';
import type { ShopProgressEvent } from './progress.js';
import { SHOP_SERVICES, buildUrlVariableName, type ServiceDefinition } from './service-catalog.js';
import { startServiceProxy, type ServiceProxy } from './service-proxy.js';
import type { ProcessSpec, SupervisedProcess } from './supervisor.js';
import { sleep } from './waiting.js';

/*
 * The shop's services: their processes, start order, restarts after a crash, and rolling
 * deploys. Every service but the frontend sits behind a stable proxy port, so a new process
 * can take over without its callers noticing; the frontend has the fixed public port and is
 * replaced stop-then-start.
 */

/** How the fleet is started. */
export interface FleetOptions {
  repoRoot: string;
  workDir: string;
  logLevel: string;
  /** Where the services send OTLP/HTTP, e.g. http://127.0.0.1:4318. */
  otlpHttpUrl: string;
  frontendPort: number;
  ports: PortAllocator;
  databaseUrlFor: (database: string) => string;
  redisUrl: string;
  amqpUrl: string;
  spawn: (spec: ProcessSpec) => SupervisedProcess;
  /** What a freshly started or restarted process is told. */
  readFaults: () => ActiveFaults;
  /** Load the OpenTelemetry SDK into each service (`--import @pharos/node/register`). */
  useSdk: boolean;
  emit: (event: Omit<ShopProgressEvent, 'at'>) => void;
  /** How long a process may take to report ready (default 30 s). */
  readyTimeoutMs?: number;
}

/** One service as /status shows it. */
export interface ServiceStatus {
  name: string;
  version: string;
  state: 'starting' | 'up' | 'restarting' | 'deploying' | 'failed' | 'stopped';
  pid: number | undefined;
  /** The port the other services (or, for the frontend, the world) use. */
  port: number;
  /** The port the current process listens on (differs from `port` behind a proxy). */
  processPort: number | undefined;
  /** ISO 8601 time the current process became ready. */
  upSince: string | undefined;
  /** Restarts after unexpected exits since start. */
  restarts: number;
}

interface ServiceInstance {
  process: SupervisedProcess;
  version: string;
  port: number;
  readyAtMs: number;
}

interface ServiceSlot {
  definition: ServiceDefinition;
  port: number;
  proxy: ServiceProxy | undefined;
  version: string;
  current: ServiceInstance | undefined;
  /** Every process of the slot still alive, including one starting or one being replaced. */
  instances: Set<SupervisedProcess>;
  state: ServiceStatus['state'];
  restarts: number;
  crashesInARow: number;
  lock: Promise<void>;
}

const maxCrashesInARow = 4;
/** A process that served this long before crashing is restarted as if for the first time. */
const healthyUptimeMs = 60_000;
const drainBeforeStopMs = 500;

/** The shop's service processes. */
export class ServiceFleet {
  private readonly options: FleetOptions;
  private readonly slots = new Map<string, ServiceSlot>();
  private readonly stopController = new AbortController();
  private stopPromise: Promise<void> | undefined;

  private constructor(options: FleetOptions) {
    this.options = options;
  }

  /**
   * Prepares the fleet: checks the services are built, reserves each service's stable port
   * and starts its proxy. Starts no process yet. Throws a ShopStartError when something is
   * not built.
   */
  static async create(options: FleetOptions): Promise<ServiceFleet> {
    const fleet = new ServiceFleet(options);
    fleet.checkBuilt();
    for (const definition of SHOP_SERVICES) {
      const isFrontend = definition.name === 'frontend';
      const port = isFrontend ? options.frontendPort : await options.ports.allocate();
      const proxy = isFrontend ? undefined : await startServiceProxy(port);
      fleet.slots.set(definition.name, {
        definition,
        port,
        proxy,
        version: definition.version,
        current: undefined,
        instances: new Set(),
        state: 'stopped',
        restarts: 0,
        crashesInARow: 0,
        lock: Promise.resolve(),
      });
    }
    return fleet;
  }

  /** The URL other services reach `name` at (its stable port). */
  readUrl(name: string): string {
    return `http://127.0.0.1:${this.findSlot(name).port}`;
  }

  /** Starts every service, tier by tier, each tier's services in parallel. Throws a ShopStartError with the failing service's log tail. */
  async startAll(signal?: AbortSignal): Promise<void> {
    const tiers = [...new Set(SHOP_SERVICES.map((service) => service.tier))].sort();
    for (const tier of tiers) {
      const slots = [...this.slots.values()].filter((slot) => slot.definition.tier === tier);
      // The first failure abandons its siblings' starts rather than wait out their timeouts;
      // allSettled so none is left unawaited while the shop tears down.
      const tierController = new AbortController();
      const abortTier = (): void => tierController.abort(signal?.reason);
      signal?.addEventListener('abort', abortTier, { once: true });
      if (signal?.aborted) abortTier();
      let firstError: unknown;
      const results = await Promise.allSettled(
        slots.map((slot) =>
          this.startFirst(slot, tierController.signal).catch((error: unknown) => {
            if (firstError === undefined && !tierController.signal.aborted) firstError = error;
            tierController.abort(error);
            throw error;
          }),
        ),
      );
      signal?.removeEventListener('abort', abortTier);
      const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (firstError !== undefined) throw firstError;
      if (failure) throw failure.reason;
    }
  }

  /** Sends `faults` to every current process. */
  broadcastFaults(faults: ActiveFaults): void {
    const message: FaultsMessage = { type: 'faults', faults };
    for (const slot of this.slots.values()) slot.current?.process.send(message);
  }

  /** The version `name` was released as at start-up (what a rollback returns to). */
  readBaseVersion(name: string): string {
    return this.findSlot(name).definition.version;
  }

  /**
   * Replaces the process of service `name` with one running `version`, told `faults` before
   * it takes traffic. Behind a proxy: start the new process, wait until it is ready, switch,
   * then stop the old one (a failed start leaves the old one serving). The frontend (fixed
   * port): stop, then start; a failed start brings the old version back. Resolves once the
   * new process serves; throws a ShopStartError when it did not become ready.
   */
  deploy(name: string, version: string, faults: ActiveFaults): Promise<void> {
    const slot = this.findSlot(name);
    return this.withLock(slot, async () => {
      const startedAtMs = Date.now();
      const old = slot.current;
      slot.state = 'deploying';
      if (slot.proxy) {
        let next: ServiceInstance;
        try {
          next = await this.startInstance(slot, version, faults);
        } catch (error) {
          slot.state = slot.current ? 'up' : 'failed';
          throw error;
        }
        this.promote(slot, next);
        if (old) {
          old.process.stopping = true;
          await sleep(drainBeforeStopMs);
          await old.process.stop();
          slot.proxy.dropConnectionsTo(old.port);
        }
      } else {
        if (old) {
          slot.current = undefined;
          await old.process.stop();
        }
        try {
          this.promote(slot, await this.startInstance(slot, version, faults));
        } catch (error) {
          if (old && !this.stopController.signal.aborted) {
            this.options.emit({ kind: 'warning', component: name, message: `release ${version} did not start (${describeError(error)}); bringing back ${old.version}` });
            try {
              this.promote(slot, await this.startInstance(slot, old.version, this.options.readFaults()));
            } catch (rollbackError) {
              slot.state = 'failed';
              this.options.emit({ kind: 'warning', component: name, message: `could not bring back ${old.version}: ${describeError(rollbackError)}` });
            }
          }
          throw error;
        }
      }
      this.options.emit({ kind: 'deployed', component: name, message: `${name} ${old?.version ?? '?'} → ${version} in ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s` });
    });
  }

  /** Every service's state, in start order. */
  readStatus(): ServiceStatus[] {
    return [...this.slots.values()].map((slot) => ({
      name: slot.definition.name,
      version: slot.version,
      state: slot.state,
      pid: slot.current?.process.pid,
      port: slot.port,
      processPort: slot.current?.port,
      upSince: slot.current ? new Date(slot.current.readyAtMs).toISOString() : undefined,
      restarts: slot.restarts,
    }));
  }

  /**
   * Stops every service process in reverse tier order (services of a tier together), each with
   * SIGTERM then SIGKILL after 8 s, and closes the proxies. No restart happens after this.
   * Idempotent.
   */
  stop(): Promise<void> {
    this.stopPromise ??= (async () => {
      this.stopController.abort(new Error('the shop is stopping'));
      const tiers = [...new Set(SHOP_SERVICES.map((service) => service.tier))].sort().reverse();
      for (const tier of tiers) {
        const slots = [...this.slots.values()].filter((slot) => slot.definition.tier === tier);
        await Promise.all(
          slots.map(async (slot) => {
            await Promise.all([...slot.instances].map((child) => child.stop()));
            slot.state = 'stopped';
          }),
        );
      }
      await Promise.all([...this.slots.values()].map((slot) => slot.proxy?.close()));
    })();
    return this.stopPromise;
  }

  private checkBuilt(): void {
    for (const definition of SHOP_SERVICES) {
      const main = this.resolveMainPath(definition.name);
      if (!existsSync(main)) {
        throw new ShopStartError(definition.name, `${main} does not exist; build the demo first with: npx tsc -b demo`);
      }
    }
    const register = join(this.options.repoRoot, 'packages', 'sdk-node', 'dist', 'register.js');
    if (this.options.useSdk && !existsSync(register)) {
      throw new ShopStartError(
        'services',
        `@pharos/node is not built (${register} is missing); build it with: npx tsc -b, or run the shop without telemetry: PHAROS_DEMO_NO_SDK=1`,
      );
    }
  }

  private resolveMainPath(name: string): string {
    return join(this.options.repoRoot, 'demo', 'dist', 'services', name, 'main.js');
  }

  private findSlot(name: string): ServiceSlot {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`unknown service ${name}`);
    return slot;
  }

  private async startFirst(slot: ServiceSlot, signal: AbortSignal | undefined): Promise<void> {
    const startedAtMs = Date.now();
    const name = slot.definition.name;
    this.options.emit({ kind: 'starting', component: name, message: `starting ${name} ${slot.version}` });
    slot.state = 'starting';
    const instance = await this.startInstance(slot, slot.version, this.options.readFaults(), signal);
    this.promote(slot, instance);
    this.options.emit({ kind: 'ready', component: name, message: `${name} ${slot.version} ready on port ${slot.port} in ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s` });
  }

  /** Starts a process of `slot` running `version`, waits for its ready message, then tells it `faults`. */
  private async startInstance(slot: ServiceSlot, version: string, faults: ActiveFaults, signal?: AbortSignal): Promise<ServiceInstance> {
    const name = slot.definition.name;
    if (this.stopController.signal.aborted) throw new ShopStartError(name, 'not started: the shop is stopping');
    const port = slot.proxy ? await this.options.ports.allocate() : slot.port;
    const logFile = resolveLogFile(this.options.workDir, name);
    const child = this.options.spawn({
      name,
      command: process.execPath,
      args: [...(this.options.useSdk ? ['--import', '@pharos/node/register'] : []), '--enable-source-maps', this.resolveMainPath(name)],
      env: this.buildEnv(slot.definition, port, version),
      cwd: this.options.repoRoot,
      logFile,
      ipc: true,
    });
    slot.instances.add(child);
    void child.exited.then(() => slot.instances.delete(child));
    try {
      await this.waitForReady(child, name, logFile, signal);
    } catch (error) {
      await child.stop();
      throw error;
    }
    const message: FaultsMessage = { type: 'faults', faults };
    child.send(message);
    return { process: child, version, port, readyAtMs: Date.now() };
  }

  /** Makes `instance` the one serving `slot` and watches it for an unexpected exit. */
  private promote(slot: ServiceSlot, instance: ServiceInstance): void {
    slot.current = instance;
    slot.version = instance.version;
    slot.state = 'up';
    slot.proxy?.setTarget(instance.port);
    void instance.process.exited.then((exit) => {
      if (instance.process.stopping || slot.current !== instance || this.stopController.signal.aborted) return;
      const name = slot.definition.name;
      const how = exit.signal ?? `code ${exit.code}`;
      this.options.emit({
        kind: 'exited',
        component: name,
        message: `${name} (pid ${instance.process.pid}) exited unexpectedly (${how}); log: ${resolveLogFile(this.options.workDir, name)}`,
        logTail: instance.process.readLogTail(15),
      });
      slot.current = undefined;
      if (Date.now() - instance.readyAtMs >= healthyUptimeMs) slot.crashesInARow = 0;
      void this.withLock(slot, () => this.restart(slot)).catch(() => undefined);
    });
  }

  private async restart(slot: ServiceSlot): Promise<void> {
    const name = slot.definition.name;
    while (!this.stopController.signal.aborted && !slot.current) {
      if (slot.crashesInARow >= maxCrashesInARow) {
        slot.state = 'failed';
        this.options.emit({ kind: 'gave-up', component: name, message: `${name} failed ${slot.crashesInARow} times in a row; not restarting it again` });
        return;
      }
      slot.crashesInARow += 1;
      const delayMs = 1_000 * 2 ** (slot.crashesInARow - 1);
      slot.state = 'restarting';
      this.options.emit({ kind: 'restarting', component: name, message: `restarting ${name} in ${delayMs / 1000} s (attempt ${slot.crashesInARow} of ${maxCrashesInARow})` });
      try {
        await sleep(delayMs, this.stopController.signal);
        const instance = await this.startInstance(slot, slot.version, this.options.readFaults(), this.stopController.signal);
        slot.restarts += 1;
        this.promote(slot, instance);
        this.options.emit({ kind: 'ready', component: name, message: `${name} ${slot.version} restarted (pid ${instance.process.pid})` });
      } catch (error) {
        if (this.stopController.signal.aborted) return;
        this.options.emit({ kind: 'warning', component: name, message: `restart of ${name} failed: ${describeError(error)}` });
      }
    }
  }

  private waitForReady(child: SupervisedProcess, name: string, logFile: string, signal: AbortSignal | undefined): Promise<void> {
    const timeoutMs = this.options.readyTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const signals = [this.stopController.signal, ...(signal ? [signal] : [])];
      const settle = (error?: Error): void => {
        clearTimeout(timer);
        for (const candidate of signals) candidate.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => settle(new ShopStartError(name, `did not report ready within ${timeoutMs / 1000} s`, { logTail: child.readLogTail(), logFile })),
        timeoutMs,
      );
      const onAbort = (): void => settle(new ShopStartError(name, 'start abandoned: the shop is stopping'));
      for (const candidate of signals) candidate.addEventListener('abort', onAbort, { once: true });
      if (signals.some((candidate) => candidate.aborted)) onAbort();
      child.onMessage((message) => {
        if (message && typeof message === 'object' && (message as { type?: unknown }).type === 'ready') settle();
      });
      void child.exited.then((exit) => {
        const how = exit.error ? `could not be started: ${exit.error.message}` : `exited during start-up (${exit.signal ?? `code ${exit.code}`})`;
        settle(new ShopStartError(name, how, { logTail: child.readLogTail(), logFile }));
      });
    });
  }

  private buildEnv(definition: ServiceDefinition, port: number, version: string): NodeJS.ProcessEnv {
    const { options } = this;
    const env: NodeJS.ProcessEnv = {
      ...stripTelemetryEnv(process.env),
      PORT: String(port),
      LOG_LEVEL: options.logLevel,
      SERVICE_VERSION: version,
      OTEL_SERVICE_NAME: definition.name,
      OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpHttpUrl,
      OTEL_RESOURCE_ATTRIBUTES: `service.version=${version},service.namespace=shop,deployment.environment.name=demo`,
      OTEL_METRIC_EXPORT_INTERVAL: '5000',
      OTEL_BSP_SCHEDULE_DELAY: '1000',
      OTEL_BLRP_SCHEDULE_DELAY: '1000',
    };
    for (const other of this.slots.values()) env[buildUrlVariableName(other.definition.name)] = this.readUrl(other.definition.name);
    if (definition.database) env.DATABASE_URL = options.databaseUrlFor(definition.database);
    if (definition.usesRedis) env.REDIS_URL = options.redisUrl;
    if (definition.usesAmqp) env.AMQP_URL = options.amqpUrl;
    return env;
  }

  // Operations on one service run one at a time: a deploy waits for a restart and vice versa.
  private withLock<T>(slot: ServiceSlot, work: () => Promise<T>): Promise<T> {
    const result = slot.lock.then(work);
    slot.lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
