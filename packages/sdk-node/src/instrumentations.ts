import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import type { InstrumentationName } from './settings.js';

/**
 * The auto-instrumentations a Node shop needs, by short name. Each is the OpenTelemetry
 * contrib instrumentation with defaults chosen for signal over noise.
 */
const FACTORIES: Record<InstrumentationName, () => Instrumentation> = {
  // The SDK's own OTLP exports must not count as the application's outgoing requests.
  http: () => new HttpInstrumentation({ ignoreOutgoingRequestHook: isOtlpExport }),
  undici: () => new UndiciInstrumentation(),
  // Middleware and router layers are one span per `app.use` per request: noise that costs
  // throughput. The route still names the server span (http.route), and handlers keep theirs.
  express: () => new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
  pg: () => new PgInstrumentation(),
  ioredis: () => new IORedisInstrumentation(),
  amqplib: () => new AmqplibInstrumentation(),
  // Sends pino records to the OTel logs pipeline and stamps trace_id/span_id on each line.
  pino: () => new PinoInstrumentation(),
  'runtime-node': () => new RuntimeNodeInstrumentation(),
};

/** Is this outgoing request one of the OTLP exporters' (they announce themselves in User-Agent)? */
function isOtlpExport(request: { headers?: unknown }): boolean {
  const headers = request.headers;
  if (headers === null || typeof headers !== 'object') return false;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'user-agent' && String(value).startsWith('OTel-OTLP-Exporter-JavaScript')) return true;
  }
  return false;
}

/** Builds the named instrumentations; one that fails to construct is skipped and reported through `warn`. */
export function createInstrumentations(names: readonly InstrumentationName[], warn: (message: string) => void): Instrumentation[] {
  const built: Instrumentation[] = [];
  for (const name of names) {
    try {
      built.push(FACTORIES[name]());
    } catch (error) {
      warn(`@pharos/node: the ${name} instrumentation could not start (${(error as Error).message}); continuing without it.`);
    }
  }
  return built;
}
