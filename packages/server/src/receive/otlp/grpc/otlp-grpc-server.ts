import * as grpc from '@grpc/grpc-js';
import { toPharosError } from '@pharos/core';
import type { Logger } from 'pino';
import type { SelfMetrics } from '../../../observe/self-metrics.js';
import type { OtlpExportHandler, OtlpSignal } from '../export-handler.js';
import { encodeExportResponse, grpcCodeForHttpStatus } from '../responses.js';

const SERVICES: Record<OtlpSignal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

const identity = (value: Buffer): Buffer => value;

function serviceDefinition(path: string): grpc.ServiceDefinition {
  return {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      // Messages stay raw bytes: the hand-written decoder reads them directly.
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
}

export interface OtlpGrpcServerOptions {
  handler: OtlpExportHandler;
  metrics: SelfMetrics;
  host: string;
  port: number;
  /** Largest message accepted after decompression (grpc-js enforces it). */
  maxBodyBytes: number;
  logger: Logger;
}

export interface RunningGrpcServer {
  port: number;
  stop(): Promise<void>;
}

/** Starts the OTLP/gRPC receiver (port 4317) with the three Export services. */
export async function startOtlpGrpcServer(options: OtlpGrpcServerOptions): Promise<RunningGrpcServer> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxBodyBytes,
    'grpc.max_send_message_length': 4 * 1024 * 1024,
  });
  const log = options.logger.child({ component: 'otlp-grpc' });
  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    server.addService(serviceDefinition(SERVICES[signal]), {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        options.handler.export(signal, 'protobuf', call.request).then(
          (outcome) => {
            options.metrics.requests.inc({ transport: 'grpc', signal, status: '0' });
            callback(null, encodeExportResponse(signal, 'protobuf', outcome));
          },
          (error: unknown) => {
            const pharosError = toPharosError(error);
            const code = grpcCodeForHttpStatus(pharosError.httpStatus);
            options.metrics.requests.inc({ transport: 'grpc', signal, status: String(code) });
            if (code === grpc.status.INTERNAL) log.error({ err: pharosError }, 'OTLP export failed');
            callback({ code, details: `${pharosError.code}: ${pharosError.message}` });
          },
        );
      },
    });
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.forceShutdown(), 5000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
