import type { FastifyInstance } from 'fastify';
import { nowUnixNano } from '@pharos/core';
import {
  QueryParams,
  classifyQueryError,
  invalidParam,
  parseDurationBounds,
  parseJaegerDependenciesRange,
  parseJaegerSearchRange,
  parseLimit,
  parseNameParam,
  parseTraceIdParam,
} from '../../query/index.js';
import type { QueryOptions } from '../../storage/index.js';
import type { QueryContext } from '../query-context.js';
import {
  jaegerErrorResponse,
  jaegerResponse,
  jaegerSpanKindOf,
  spansToJaegerTrace,
  type JaegerError,
  type JaegerResponse,
  type JaegerTrace,
} from './jaeger-json.js';
import { parseJaegerSpanKind, parseJaegerTags } from './jaeger-params.js';

/** Jaeger UI's default page of search results. */
const DEFAULT_TRACE_LIMIT = 20;

/**
 * Adds jaeger-query's HTTP API (`/api/services`, `/api/operations`, `/api/traces`,
 * `/api/dependencies`) to `app`, answering in Jaeger's JSON shapes so that Jaeger UI
 * and Grafana's Jaeger data source can use Pharos as their backend. Errors, including
 * bad parameters (400) and storage timeouts (503), use Jaeger's error envelope; the
 * error handler is scoped to these routes. Does not listen.
 */
export function registerJaegerApi(app: FastifyInstance, ctx: QueryContext): void {
  const options = (): QueryOptions => ({ timeoutMs: ctx.queryTimeoutMs });

  void app.register(
    async (scope) => {
      scope.setErrorHandler((thrown, request, reply) => {
        const { httpStatus, error } = classifyQueryError(thrown);
        if (httpStatus >= 500) request.log.error({ err: thrown }, 'Jaeger API request failed');
        if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
        return reply.code(httpStatus).send(jaegerErrorResponse(httpStatus, error.message));
      });

      scope.get('/services', async (): Promise<JaegerResponse<string[]>> => {
        const services = await ctx.store.listServices(undefined, options());
        return jaegerResponse(services, services.length);
      });

      scope.get<{ Params: { service: string } }>('/services/:service/operations', async (request): Promise<JaegerResponse<string[]>> => {
        const service = parseNameParam('service', request.params.service);
        const operations = await ctx.store.listOperations(service, undefined, options());
        const names = [...new Set(operations.map((o) => o.name))];
        return jaegerResponse(names, names.length);
      });

      scope.get('/operations', async (request): Promise<JaegerResponse<Array<{ name: string; spanKind: string }>>> => {
        const params = QueryParams.from(request.query);
        const service = params.required('service');
        const kind = parseJaegerSpanKind(params);
        const operations = await ctx.store.listOperations(service, undefined, options());
        const data = operations.filter((o) => kind === undefined || o.spanKind === kind).map((o) => ({ name: o.name, spanKind: jaegerSpanKindOf(o.spanKind) }));
        return jaegerResponse(data, data.length);
      });

      scope.get('/traces', async (request): Promise<JaegerResponse<JaegerTrace[]>> => {
        const params = QueryParams.from(request.query);
        const ids = params.many('traceID').map((text) => parseTraceIdParam('traceID', text));
        if (ids.length > 0) return findTracesById([...new Set(ids)]);
        const service = params.one('service');
        const operation = params.one('operation');
        const tags = parseJaegerTags(params);
        const durations = parseDurationBounds(params);
        const range = parseJaegerSearchRange(params, nowUnixNano());
        const limit = parseLimit(params, 'limit', DEFAULT_TRACE_LIMIT, ctx.maxQueryLimit);
        if (service === undefined) throw invalidParam('service', 'is required when no traceID is given');
        const summaries = await ctx.store.searchTraces(
          { range, service, operation, attributes: tags.attributes, statusCode: tags.statusCode, spanKind: tags.spanKind, ...durations, limit },
          options(),
        );
        if (summaries.length === 0) return jaegerResponse([]);
        const spansById = await ctx.store.getTraces(summaries.map((s) => s.traceId), options());
        const data: JaegerTrace[] = [];
        for (const summary of summaries) {
          const spans = spansById.get(summary.traceId);
          if (spans !== undefined && spans.length > 0) data.push(spansToJaegerTrace(summary.traceId, spans));
        }
        return jaegerResponse(data);
      });

      async function findTracesById(ids: string[]): Promise<JaegerResponse<JaegerTrace[]>> {
        if (ids.length > ctx.maxQueryLimit) throw invalidParam('traceID', `is given ${ids.length} times; at most ${ctx.maxQueryLimit} traces can be fetched at once`);
        const spansById = await ctx.store.getTraces(ids, options());
        const data: JaegerTrace[] = [];
        const errors: JaegerError[] = [];
        for (const id of ids) {
          const spans = spansById.get(id);
          // As jaeger-query does: missing traces are reported beside the found ones, without a code.
          if (spans === undefined || spans.length === 0) errors.push({ msg: 'trace not found', traceID: id });
          else data.push(spansToJaegerTrace(id, spans));
        }
        return jaegerResponse(data, 0, errors.length > 0 ? errors : null);
      }

      scope.get<{ Params: { traceID: string } }>('/traces/:traceID', async (request, reply) => {
        const traceId = parseTraceIdParam('traceID', request.params.traceID);
        const spans = (await ctx.store.getTraces([traceId], options())).get(traceId);
        if (spans === undefined || spans.length === 0) return reply.code(404).send(jaegerErrorResponse(404, 'trace not found'));
        return jaegerResponse([spansToJaegerTrace(traceId, spans)]);
      });

      scope.get('/dependencies', async (request): Promise<JaegerResponse<Array<{ parent: string; child: string; callCount: number }>>> => {
        const params = QueryParams.from(request.query);
        const range = parseJaegerDependenciesRange(params, nowUnixNano());
        const service = params.one('service');
        const links = await ctx.store.getDependencies(range, options());
        const data = links
          .filter((l) => service === undefined || l.parent === service || l.child === service)
          .map((l) => ({ parent: l.parent, child: l.child, callCount: l.callCount }));
        return jaegerResponse(data);
      });
    },
    { prefix: '/api' },
  );
}
