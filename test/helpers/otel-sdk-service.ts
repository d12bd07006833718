import type { Attributes, HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { InProcessPharos } from './in-process-pharos.js';
import { createLogExporter, createTraceExporter, type CheckedLogExporter, type CheckedSpanExporter } from './otel-sdk-exporters.js';

/** An SDK HrTime for a Unix time in milliseconds (spans and logs can be dated in the past). */
export function hrTimeOfMs(unixMs: number): HrTime {
  return [Math.floor(unixMs / 1000), Math.round((unixMs % 1000) * 1e6)];
}

/** One service's OpenTelemetry JS SDK tracer and logger providers, exporting OTLP/HTTP protobuf to `pharos`. */
export interface SdkService {
  tracerProvider: BasicTracerProvider;
  loggerProvider: LoggerProvider;
  /** What was exported: `spanExporter.spans()`, `logExporter.records()`, and each export's outcome in `.log`. */
  spanExporter: CheckedSpanExporter;
  logExporter: CheckedLogExporter;
  /** Flushes and shuts both providers down, then throws when an export failed. */
  finish(): Promise<void>;
}

/** How startSdkService sets a service up; every field has a default. */
export interface SdkServiceOptions {
  /** Resource attributes besides `service.name` (default: `service.version` 1.0.0, `deployment.environment` e2e). */
  resourceAttributes?: Attributes;
  /** Spans the span processor may hold before export (the SDK's default is 2,048; a bulk fixture needs more, or spans are dropped). */
  maxQueueSize?: number;
  /** Spans and log records per export request (default 512). */
  maxExportBatchSize?: number;
}

/** Starts the SDK providers of a service named `serviceName`. */
export function startSdkService(serviceName: string, pharos: InProcessPharos, options: SdkServiceOptions = {}): SdkService {
  const resource = resourceFromAttributes({ 'service.name': serviceName, ...(options.resourceAttributes ?? { 'service.version': '1.0.0', 'deployment.environment': 'e2e' }) });
  const batching = { maxExportBatchSize: options.maxExportBatchSize ?? 512, scheduledDelayMillis: 50 };
  const spanExporter = createTraceExporter('http/protobuf', pharos);
  const logExporter = createLogExporter('http/protobuf', pharos);
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(spanExporter, { ...batching, ...(options.maxQueueSize === undefined ? {} : { maxQueueSize: options.maxQueueSize }) })] });
  const loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: logExporter, ...batching })] });
  return {
    tracerProvider,
    loggerProvider,
    spanExporter,
    logExporter,
    finish: async () => {
      await tracerProvider.forceFlush();
      await loggerProvider.forceFlush();
      await tracerProvider.shutdown();
      await loggerProvider.shutdown();
      // A service may send only spans or only logs: an exporter that never ran is fine.
      if (spanExporter.log.calls > 0) spanExporter.log.assertAllSucceeded(`${serviceName} trace export`);
      if (logExporter.log.calls > 0) logExporter.log.assertAllSucceeded(`${serviceName} log export`);
    },
  };
}
