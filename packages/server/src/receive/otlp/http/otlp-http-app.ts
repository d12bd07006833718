import { promisify } from 'node:util';
import zlib from 'node:zlib';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { PharosError, toPharosError, type ErrorCode } from '@pharos/core';
import type { Logger } from 'pino';
import type { SelfMetrics } from '../../../observe/self-metrics.js';
import { quietRequestLogging } from '../../../observe/quiet-fastify.js';
import type { OtlpEncoding, OtlpExportHandler, OtlpSignal } from '../export-handler.js';
import { encodeExportResponse, encodeStatus, grpcCodeForHttpStatus } from '../responses.js';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);

const CONTENT_TYPES: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };
const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];

export interface OtlpHttpAppOptions {
  handler: OtlpExportHandler;
  metrics: SelfMetrics;
  /** Largest body accepted, both as sent and after decompression. */
  maxBodyBytes: number;
  logger: Logger;
}

/**
 * The OTLP/HTTP receiver (port 4318): POST /v1/traces, /v1/logs, /v1/metrics with
 * protobuf or JSON bodies, optionally gzip- or deflate-compressed, answered as the
 * OTLP specification says (200 + partial success, 400 + google.rpc.Status, 413, 415,
 * 503 + Retry-After). Built, not started: the caller listens.
 */
export function buildOtlpHttpApp(options: OtlpHttpAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'otlp-http' }) as FastifyBaseLogger,
    bodyLimit: options.maxBodyBytes,
    // While closing, answer as the OTLP spec wants (Status body + Retry-After), not Fastify's bare 503.
    return503OnClosing: false,
    ...quietRequestLogging(),
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!closing) return;
    const signal = (/^\/v1\/(traces|logs|metrics)/.exec(request.url)?.[1] ?? 'traces') as OtlpSignal;
    return sendError(options, signal, encodingOf(request), reply, new PharosError('PHAROS_ERR_INGEST_SHUTTING_DOWN', 'the server is shutting down', { retryAfterSeconds: 1 }));
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([...PROTOBUF_TYPES, 'application/json'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    app.post(`/v1/${signal}`, (request, reply) => handleExport(options, signal, request, reply));
  }

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const pharosError = fastifyErrorToPharos(error);
    const signal = (/^\/v1\/(traces|logs|metrics)/.exec(request.url)?.[1] ?? 'traces') as OtlpSignal;
    return sendError(options, signal, encodingOf(request), reply, pharosError);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type('application/json').send(encodeStatus('json', 5, `no OTLP endpoint at ${request.method} ${request.url.split('?')[0]}; use POST /v1/traces, /v1/logs or /v1/metrics`)),
  );
  return app;
}

async function handleExport(options: OtlpHttpAppOptions, signal: OtlpSignal, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const encoding = encodingOf(request);
  try {
    const raw = request.body instanceof Buffer ? request.body : Buffer.alloc(0);
    const body = await decompress(raw, request.headers['content-encoding'], options.maxBodyBytes);
    const outcome = await options.handler.export(signal, encoding, body);
    options.metrics.requests.inc({ transport: 'http', signal, status: '200' });
    return reply.code(200).type(CONTENT_TYPES[encoding]).send(encodeExportResponse(signal, encoding, outcome));
  } catch (error) {
    return sendError(options, signal, encoding, reply, toPharosError(error));
  }
}

function sendError(options: OtlpHttpAppOptions, signal: OtlpSignal, encoding: OtlpEncoding, reply: FastifyReply, error: PharosError): FastifyReply {
  options.metrics.requests.inc({ transport: 'http', signal, status: String(error.httpStatus) });
  if (error.httpStatus >= 500 && error.retryAfterSeconds === undefined) reply.log.error({ err: error }, 'OTLP export failed');
  if (error.retryAfterSeconds !== undefined) reply.header('Retry-After', String(error.retryAfterSeconds));
  return reply
    .code(error.httpStatus)
    .type(CONTENT_TYPES[encoding])
    .send(encodeStatus(encoding, grpcCodeForHttpStatus(error.httpStatus), `${error.code}: ${error.message}`));
}

/** Answers in the request's encoding; JSON for anything that is not protobuf. */
function encodingOf(request: FastifyRequest): OtlpEncoding {
  const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return PROTOBUF_TYPES.includes(type) ? 'protobuf' : 'json';
}

/** Inflates the body with a hard output bound, so a compression bomb is refused, not expanded. */
async function decompress(body: Buffer, contentEncoding: string | string[] | undefined, maxBodyBytes: number): Promise<Buffer> {
  const encoding = String(contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '' || body.length === 0) return body;
  if (encoding !== 'gzip' && encoding !== 'deflate') {
    throw new PharosError('PHAROS_ERR_OTLP_UNSUPPORTED_ENCODING', `Content-Encoding "${encoding}" is not supported; use gzip or none`);
  }
  try {
    return await (encoding === 'gzip' ? gunzip : inflate)(body, { maxOutputLength: maxBodyBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new PharosError('PHAROS_ERR_OTLP_TOO_LARGE', `the body inflates to more than ${maxBodyBytes} bytes`);
    }
    throw new PharosError('PHAROS_ERR_OTLP_MALFORMED', `the body is not valid ${encoding} data: ${(error as Error).message}`);
  }
}

function fastifyErrorToPharos(error: FastifyError): PharosError {
  const byStatus: Record<number, ErrorCode> = {
    413: 'PHAROS_ERR_OTLP_TOO_LARGE',
    415: 'PHAROS_ERR_OTLP_UNSUPPORTED_MEDIA_TYPE',
    400: 'PHAROS_ERR_OTLP_MALFORMED',
  };
  const code = error.statusCode === undefined ? undefined : byStatus[error.statusCode];
  if (code === 'PHAROS_ERR_OTLP_UNSUPPORTED_MEDIA_TYPE') {
    return new PharosError(code, 'Content-Type must be application/x-protobuf or application/json');
  }
  if (code !== undefined) return new PharosError(code, error.message, { cause: error });
  return toPharosError(error);
}
