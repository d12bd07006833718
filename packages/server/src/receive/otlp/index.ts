export { OtlpExportHandler, decodeExportRecord, type OtlpExportHandlerOptions, type OtlpSignal, type OtlpEncoding, type ExportOutcome } from './export-handler.js';
export { buildOtlpHttpApp, type OtlpHttpAppOptions } from './http/otlp-http-app.js';
export { startOtlpGrpcServer, type OtlpGrpcServerOptions, type RunningGrpcServer } from './grpc/otlp-grpc-server.js';
