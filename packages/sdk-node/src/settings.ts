/**
 * What the SDK does, decided once from `init()` options and the standard OTEL_* variables.
 * Explicit options win over the environment; the environment wins over the defaults.
 * Pure: no I/O beyond reading the `env` object it is given.
 */

/** Options of `init()`. Every field is optional; the OTEL_* variables fill what is missing. */
export interface PharosNodeOptions {
  /** service.name; else OTEL_SERVICE_NAME, else the application's package.json name. */
  serviceName?: string;
  /** service.version; else the one in OTEL_RESOURCE_ATTRIBUTES (read by the resource detector), else the application's package.json version. */
  serviceVersion?: string;
  /** Base OTLP/HTTP URL; else OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4318 (a local Pharos). */
  endpoint?: string;
  /** Extra resource attributes, merged over OTEL_RESOURCE_ATTRIBUTES. */
  resourceAttributes?: Record<string, string | number | boolean>;
  /** How often metrics are exported, in ms; else OTEL_METRIC_EXPORT_INTERVAL, else 15000. */
  metricExportIntervalMs?: number;
  /** Instrumentation short names to leave off (`pg`, `http`, ...); else OTEL_NODE_DISABLED_INSTRUMENTATIONS. */
  disabledInstrumentations?: string[];
  /** Most spans (and, separately, log records) waiting for export; beyond it they are dropped and counted. Else OTEL_BSP_MAX_QUEUE_SIZE / OTEL_BLRP_MAX_QUEUE_SIZE, else 2048. */
  maxQueueSize?: number;
  /** Where the SDK's own warnings go (default: one line on stderr, at most every 30 s per kind). */
  warn?: (message: string) => void;
}

/** The signals the SDK can export. */
export type SignalName = 'traces' | 'metrics' | 'logs';

/** Every instrumentation the SDK knows, by the short name OTEL_NODE_*_INSTRUMENTATIONS uses. */
export const INSTRUMENTATION_NAMES = ['http', 'undici', 'express', 'pg', 'ioredis', 'amqplib', 'pino', 'runtime-node'] as const;
export type InstrumentationName = (typeof INSTRUMENTATION_NAMES)[number];

export interface SdkSettings {
  /** Base OTLP/HTTP URL without the /v1/<signal> path. */
  endpoint: string;
  /** The exporter for each signal: 'otlp', 'console' or 'none'. */
  exporters: Record<SignalName, 'otlp' | 'console' | 'none'>;
  serviceName?: string;
  serviceVersion?: string;
  resourceAttributes: Record<string, string | number | boolean>;
  metricExportIntervalMs: number;
  metricExportTimeoutMs: number;
  maxSpanQueueSize: number;
  maxLogQueueSize: number;
  instrumentations: InstrumentationName[];
  /** Problems with the settings (bad values that were replaced by defaults), for one warning. */
  problems: string[];
}

export const DEFAULT_ENDPOINT = 'http://localhost:4318';
const DEFAULT_METRIC_INTERVAL_MS = 15_000;
const DEFAULT_QUEUE_SIZE = 2048;

/** Resolves the settings from `options` and `env` (usually process.env); never throws. */
export function resolveSettings(options: PharosNodeOptions, env: NodeJS.ProcessEnv): SdkSettings {
  const problems: string[] = [];
  const positive = (name: string, fallback: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (Number.isFinite(value) && value > 0) return value;
    problems.push(`${name}=${raw} is not a positive number; using ${fallback}`);
    return fallback;
  };

  const metricExportIntervalMs = options.metricExportIntervalMs ?? positive('OTEL_METRIC_EXPORT_INTERVAL', DEFAULT_METRIC_INTERVAL_MS);
  const metricExportTimeoutMs = Math.min(positive('OTEL_METRIC_EXPORT_TIMEOUT', 30_000), metricExportIntervalMs);

  return {
    endpoint: stripSlash(options.endpoint ?? nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) ?? DEFAULT_ENDPOINT),
    exporters: {
      traces: exporterFor('OTEL_TRACES_EXPORTER', env, problems),
      metrics: exporterFor('OTEL_METRICS_EXPORTER', env, problems),
      logs: exporterFor('OTEL_LOGS_EXPORTER', env, problems),
    },
    serviceName: options.serviceName ?? nonEmpty(env.OTEL_SERVICE_NAME),
    serviceVersion: options.serviceVersion,
    resourceAttributes: { ...options.resourceAttributes },
    metricExportIntervalMs,
    metricExportTimeoutMs,
    maxSpanQueueSize: options.maxQueueSize ?? positive('OTEL_BSP_MAX_QUEUE_SIZE', DEFAULT_QUEUE_SIZE),
    maxLogQueueSize: options.maxQueueSize ?? positive('OTEL_BLRP_MAX_QUEUE_SIZE', DEFAULT_QUEUE_SIZE),
    instrumentations: chooseInstrumentations(options, env, problems),
    problems,
  };
}

function chooseInstrumentations(options: PharosNodeOptions, env: NodeJS.ProcessEnv, problems: string[]): InstrumentationName[] {
  const known = new Set<string>(INSTRUMENTATION_NAMES);
  const parse = (name: string): Set<string> | undefined => {
    const raw = nonEmpty(env[name]);
    if (raw === undefined) return undefined;
    const names = raw.split(',').map((s) => s.trim().replace(/^@opentelemetry\/instrumentation-/, '')).filter((s) => s !== '');
    for (const n of names) if (!known.has(n)) problems.push(`${name} names an unknown instrumentation "${n}" (known: ${INSTRUMENTATION_NAMES.join(', ')})`);
    return new Set(names);
  };
  const enabled = parse('OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  const disabled = options.disabledInstrumentations ? new Set(options.disabledInstrumentations) : (parse('OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? new Set<string>());
  return INSTRUMENTATION_NAMES.filter((n) => (enabled === undefined || enabled.has(n)) && !disabled.has(n));
}

function exporterFor(name: string, env: NodeJS.ProcessEnv, problems: string[]): 'otlp' | 'console' | 'none' {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return 'otlp';
  const values = raw.split(',').map((s) => s.trim());
  if (values.includes('none')) return 'none';
  if (values.includes('otlp')) return 'otlp';
  if (values.includes('console')) return 'console';
  problems.push(`${name}=${raw} is not supported (otlp, console, none); using otlp`);
  return 'otlp';
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The URL a signal is sent to: OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT as is, else `<base>/v1/<signal>`. */
export function signalUrl(settings: SdkSettings, signal: SignalName, env: NodeJS.ProcessEnv): string {
  const specific = nonEmpty(env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`]);
  return specific ?? `${settings.endpoint}/v1/${signal}`;
}
