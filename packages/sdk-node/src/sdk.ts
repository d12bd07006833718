import { metrics } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, ConsoleLogRecordExporter, SimpleLogRecordProcessor, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { ConsoleMetricExporter, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import {
  DeliveryLedger,
  QueueSlots,
  boundLogProcessor,
  boundSpanProcessor,
  countLogExports,
  countMetricExports,
  countSpanExports,
  type TelemetryStats,
} from './delivery.js';
import { createInstrumentations } from './instrumentations.js';
import { observeProcess } from './process-metrics.js';
import { readApplicationPackage } from './service-info.js';
import { createUnrefAgent } from './unref-agent.js';
import { resolveSettings, signalUrl, type PharosNodeOptions, type SdkSettings } from './settings.js';
import { SDK_NAME, SDK_VERSION } from './version.js';

/** A started SDK: what `init()` keeps to flush and stop it later. */
export interface RunningSdk {
  settings: SdkSettings;
  ledger: DeliveryLedger;
  /** Resolves true when everything was flushed and stopped in time, false on timeout. */
  stop(timeoutMs: number): Promise<boolean>;
  flush(timeoutMs: number): Promise<boolean>;
}

/** Starts the OpenTelemetry Node SDK for `options` and the OTEL_* variables in `env`. Throws only on a bug; `init()` catches. */
export function startSdk(options: PharosNodeOptions, env: NodeJS.ProcessEnv): RunningSdk {
  const warn = options.warn ?? ((message: string) => process.stderr.write(`${message}\n`));
  const settings = resolveSettings(options, env);
  const ledger = new DeliveryLedger(warn);
  if (settings.problems.length > 0) warn(`@pharos/node: ${settings.problems.join('; ')}`);

  // Stable HTTP and database semantic conventions (http.server.request.duration in seconds,
  // db.query.text, ...) unless the application chose otherwise. The instrumentations read
  // it from process.env when they are built, below.
  process.env.OTEL_SEMCONV_STABILITY_OPT_IN ??= env.OTEL_SEMCONV_STABILITY_OPT_IN ?? 'http,database';

  const spanProcessors = spanProcessorsFor(settings, ledger, env);
  const logRecordProcessors = logProcessorsFor(settings, ledger, env);
  const metricReaders = metricReadersFor(settings, ledger, env);
  const sdk = new NodeSDK({
    resource: buildResource(settings),
    autoDetectResources: false,
    spanProcessors,
    logRecordProcessors,
    metricReaders,
    instrumentations: createInstrumentations(settings.instrumentations, warn),
  });
  sdk.start();
  if (settings.exporters.metrics !== 'none') observeProcess(metrics.getMeter(SDK_NAME, SDK_VERSION));

  const flushables: { forceFlush(): Promise<void> }[] = [...spanProcessors, ...logRecordProcessors, ...metricReaders];
  return {
    settings,
    ledger,
    stop: async (timeoutMs) => {
      // A batch processor's shutdown fails as soon as one of its last exports does, while others
      // may still be under way: then wait for those too, within the same timeout, so that what
      // they carry is counted, exported or dropped.
      const done = await withTimeout(sdk.shutdown().catch(() => ledger.settled()), timeoutMs);
      // Whatever is still pending will never be confirmed: on a timeout, what is queued or in
      // flight; otherwise what the application ended while the shutdown ran (the batch
      // processors ignore it).
      ledger.abandonPending();
      ledger.warnFinalCounts();
      return done;
    },
    flush: (timeoutMs) => withTimeout(Promise.all(flushables.map((f) => f.forceFlush())), timeoutMs),
  };
}

/** Resource precedence, lowest first: SDK defaults, the application's package.json, detectors (env, process, host), init() options. */
function buildResource(settings: SdkSettings) {
  const pkg = readApplicationPackage(process.argv[1]);
  const fallback: Record<string, string> = { 'telemetry.distro.name': SDK_NAME, 'telemetry.distro.version': SDK_VERSION };
  if (pkg.name !== undefined) fallback[ATTR_SERVICE_NAME] = pkg.name;
  if (pkg.version !== undefined) fallback[ATTR_SERVICE_VERSION] = pkg.version;
  const explicit: Record<string, string | number | boolean> = { ...settings.resourceAttributes };
  if (settings.serviceName !== undefined) explicit[ATTR_SERVICE_NAME] = settings.serviceName;
  if (settings.serviceVersion !== undefined) explicit[ATTR_SERVICE_VERSION] = settings.serviceVersion;
  return defaultResource()
    .merge(resourceFromAttributes(fallback))
    .merge(detectResources({ detectors: [envDetector, processDetector, hostDetector] }))
    .merge(resourceFromAttributes(explicit));
}

function spanProcessorsFor(settings: SdkSettings, ledger: DeliveryLedger, env: NodeJS.ProcessEnv): SpanProcessor[] {
  if (settings.exporters.traces === 'none') return [];
  if (settings.exporters.traces === 'console') return [new SimpleSpanProcessor(new ConsoleSpanExporter())];
  const url = signalUrl(settings, 'traces', env);
  const queue = new QueueSlots(settings.maxSpanQueueSize);
  const exporter = countSpanExports(new OTLPTraceExporter({ url, httpAgentOptions: createUnrefAgent }), ledger, url, queue);
  const batch = new BatchSpanProcessor(exporter, {
    maxQueueSize: settings.maxSpanQueueSize,
    maxExportBatchSize: Math.min(envNumber(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE') ?? 512, settings.maxSpanQueueSize),
    scheduledDelayMillis: envNumber(env, 'OTEL_BSP_SCHEDULE_DELAY') ?? 1000,
    exportTimeoutMillis: envNumber(env, 'OTEL_BSP_EXPORT_TIMEOUT') ?? 30_000,
  });
  return [boundSpanProcessor(batch, queue, ledger)];
}

function logProcessorsFor(settings: SdkSettings, ledger: DeliveryLedger, env: NodeJS.ProcessEnv): LogRecordProcessor[] {
  if (settings.exporters.logs === 'none') return [];
  if (settings.exporters.logs === 'console') return [new SimpleLogRecordProcessor({ exporter: new ConsoleLogRecordExporter() })];
  const url = signalUrl(settings, 'logs', env);
  const queue = new QueueSlots(settings.maxLogQueueSize);
  const exporter = countLogExports(new OTLPLogExporter({ url, httpAgentOptions: createUnrefAgent }), ledger, url, queue);
  const batch = new BatchLogRecordProcessor({
    exporter,
    maxQueueSize: settings.maxLogQueueSize,
    maxExportBatchSize: Math.min(envNumber(env, 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE') ?? 512, settings.maxLogQueueSize),
    scheduledDelayMillis: envNumber(env, 'OTEL_BLRP_SCHEDULE_DELAY') ?? 1000,
    exportTimeoutMillis: envNumber(env, 'OTEL_BLRP_EXPORT_TIMEOUT') ?? 30_000,
  });
  return [boundLogProcessor(batch, queue, ledger)];
}

function metricReadersFor(settings: SdkSettings, ledger: DeliveryLedger, env: NodeJS.ProcessEnv): IMetricReader[] {
  if (settings.exporters.metrics === 'none') return [];
  const timing = { exportIntervalMillis: settings.metricExportIntervalMs, exportTimeoutMillis: settings.metricExportTimeoutMs };
  if (settings.exporters.metrics === 'console') return [new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), ...timing })];
  const url = signalUrl(settings, 'metrics', env);
  return [new PeriodicExportingMetricReader({ exporter: countMetricExports(new OTLPMetricExporter({ url, httpAgentOptions: createUnrefAgent }), ledger, url), ...timing })];
}

function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = Number(env[name]);
  return env[name] !== undefined && env[name]!.trim() !== '' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * Settles when `work` does (true) or after `timeoutMs` (false), whichever is first; never
 * rejects. The timer is referenced on purpose: the exporters' sockets are not, so it is
 * what keeps a process that is exiting alive until its last telemetry has left.
 */
function withTimeout(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const settled = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    work.then(settled, settled);
  });
}

export type { TelemetryStats };
