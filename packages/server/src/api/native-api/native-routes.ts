import type { FastifyInstance } from 'fastify';
import { PharosError, SPAN_KIND_NAMES, nowUnixNano, type SpanKind } from '@pharos/core';
import {
  QueryParams,
  classifyQueryError,
  invalidParam,
  quoteValue,
  logRecordToJson,
  logHistogramToJson,
  metricInfoToJson,
  metricPointToJson,
  metricSeriesToJson,
  parseAttributeFilters,
  parseBoundedInteger,
  parseDurationBounds,
  parseLimit,
  parseNameParam,
  parseNativeRange,
  parseOptionalNativeRange,
  parseSeverityParam,
  parseStatusParam,
  parseTraceIdParam,
  servicesSummaryToJson,
  operationsSummaryToJson,
  latencyHistogramToJson,
  errorGroupsToJson,
  serviceMapToJson,
  spanKindToJson,
  spansToOtlpJson,
  traceSummaryToJson,
  type LogHistogramJson,
  type LogRecordJson,
  type MetricPointJson,
  type MetricSeriesJson,
  type OtlpResourceSpansJson,
  type ServicesSummaryJson,
  type OperationsSummaryJson,
  type LatencyHistogramJson,
  type ErrorGroupsJson,
  type ServiceMapJson,
  type TraceSummaryJson,
} from '../../query/index.js';
import {
  MAX_LOG_HISTOGRAM_BUCKETS,
  MAX_OPERATIONS_LIMIT,
  MAX_SUMMARY_BUCKETS,
  type LogFilter,
  type LogSearchQuery,
  type MetricInfo,
  type MetricSelector,
  type QueryOptions,
  type ServiceSignal,
  type StoreStats,
} from '../../storage/index.js';
import { nativeErrorBody } from '../error-response.js';
import type { QueryContext } from '../query-context.js';
import { PHAROS_VERSION } from '../../version.js';

const DEFAULT_TRACE_LIMIT = 20;
const DEFAULT_LOG_LIMIT = 100;
const DEFAULT_SERIES_LIMIT = 1000;
const DEFAULT_POINT_LIMIT = 1000;
const DEFAULT_SUMMARY_BUCKETS = 30;
const DEFAULT_LOG_HISTOGRAM_BUCKETS = 60;
const DEFAULT_OPERATIONS_LIMIT = 200;
const DEFAULT_ERROR_GROUPS_LIMIT = 10;
/** The most error groups one answer may hold. */
const MAX_ERROR_GROUPS_LIMIT = 1000;

export interface NativeApiOptions {
  /** Reported by /pharos/v1/status; defaults to @pharos/server's package.json version. */
  version?: string;
}

/** Parses a span kind name (`server`, `client`, `producer`, `consumer`, `internal`). */
function parseSpanKindParam(name: string, text: string): SpanKind {
  const kind = SPAN_KIND_NAMES.indexOf(text.trim().toLowerCase() as (typeof SPAN_KIND_NAMES)[number]);
  if (kind <= 0) throw invalidParam(name, `must be one of server, client, producer, consumer, internal, got ${quoteValue(text)}`);
  return kind as SpanKind;
}

const SERVICE_SIGNALS: readonly ServiceSignal[] = ['traces', 'logs', 'metrics'];

/**
 * Reads /services' `signal` (repeatable: `traces`, `logs`, `metrics`, or `all` for the three);
 * every value must be one of them. Undefined when absent, which means traces only, as before
 * the parameter existed: trace search lists services with spans.
 */
function parseServiceSignals(params: QueryParams): ServiceSignal[] | undefined {
  const texts = params.many('signal');
  if (texts.length === 0) return undefined;
  const signals = texts.flatMap((original) => {
    const text = original.trim().toLowerCase();
    if (text === 'all') return SERVICE_SIGNALS;
    const signal = SERVICE_SIGNALS.find((s) => s === text);
    if (signal === undefined) throw invalidParam('signal', `must be traces, logs, metrics or all, got ${quoteValue(original)}`);
    return [signal];
  });
  return [...new Set(signals)];
}

/** The log filter parameters shared by /logs and /logs/histogram: range, service, severity, q, attr, traceId. */
function logFilterOf(params: QueryParams): LogFilter {
  const severityText = params.one('severity');
  const traceIdText = params.one('traceId');
  return {
    range: parseNativeRange(params, nowUnixNano()),
    services: params.many('service'),
    minSeverityNumber: severityText === undefined ? undefined : parseSeverityParam('severity', severityText),
    text: params.one('q'),
    attributes: parseAttributeFilters(params, 'attr'),
    traceId: traceIdText === undefined ? undefined : parseTraceIdParam('traceId', traceIdText),
  };
}

/**
 * Adds the native JSON API under `/pharos/v1` to `app`: services, their RED summary and operations, the service map, trace
 * search and OTLP/JSON trace detail, log search with cursor paging and log counts over
 * time by severity, metric metadata,
 * series and points, and store status. Times in are RFC 3339, Unix milliseconds or
 * `now-1h` (default range: the last hour); times out are decimal Unix-nanosecond strings.
 * Errors are `{ error: { code, message } }` with the PharosError's HTTP status; the
 * error handler is scoped to these routes. Does not listen.
 */
export function registerNativeApi(app: FastifyInstance, ctx: QueryContext, apiOptions: NativeApiOptions = {}): void {
  const options = (): QueryOptions => ({ timeoutMs: ctx.queryTimeoutMs });
  const version = apiOptions.version ?? PHAROS_VERSION;

  const selectorOf = (params: QueryParams, limit: number): MetricSelector => ({
    range: parseNativeRange(params, nowUnixNano()),
    metricName: params.one('metric'),
    matchers: parseAttributeFilters(params, 'match'),
    limit,
  });

  void app.register(
    async (scope) => {
      scope.setErrorHandler((thrown, request, reply) => {
        const { httpStatus, error } = classifyQueryError(thrown);
        if (httpStatus >= 500) request.log.error({ err: thrown }, 'native API request failed');
        if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
        return reply.code(httpStatus).send(nativeErrorBody(error));
      });

      scope.get('/services', async (request): Promise<{ services: string[] }> => {
        const params = QueryParams.from(request.query);
        const range = parseOptionalNativeRange(params, nowUnixNano());
        const signals = parseServiceSignals(params);
        return { services: await (signals === undefined ? ctx.store.listServices(range, options()) : ctx.store.listServicesBySignal(signals, range, options())) };
      });

      scope.get('/services/summary', async (request): Promise<ServicesSummaryJson> => {
        const params = QueryParams.from(request.query);
        const range = parseNativeRange(params, nowUnixNano());
        const bucketCount = parseBoundedInteger(params, 'buckets', DEFAULT_SUMMARY_BUCKETS, 1, MAX_SUMMARY_BUCKETS);
        return servicesSummaryToJson(range, await ctx.store.summarizeServices({ range, bucketCount }, options()));
      });

      scope.get('/service-map', async (request): Promise<ServiceMapJson> => {
        const range = parseNativeRange(QueryParams.from(request.query), nowUnixNano());
        return serviceMapToJson(range, await ctx.store.getServiceMap(range, options()));
      });

      scope.get<{ Params: { service: string } }>('/services/:service/operations', async (request): Promise<{ operations: Array<{ name: string; spanKind: string }> }> => {
        const service = parseNameParam('service', request.params.service);
        const params = QueryParams.from(request.query);
        const range = parseOptionalNativeRange(params, nowUnixNano());
        const operations = await ctx.store.listOperations(service, range, options());
        return { operations: operations.map((o) => ({ name: o.name, spanKind: spanKindToJson(o.spanKind) })) };
      });

      scope.get<{ Params: { service: string } }>('/services/:service/operations/summary', async (request): Promise<OperationsSummaryJson> => {
        const service = parseNameParam('service', request.params.service);
        const params = QueryParams.from(request.query);
        const range = parseNativeRange(params, nowUnixNano());
        const bucketCount = parseBoundedInteger(params, 'buckets', DEFAULT_SUMMARY_BUCKETS, 1, MAX_SUMMARY_BUCKETS);
        const limit = parseLimit(params, 'limit', DEFAULT_OPERATIONS_LIMIT, Math.min(ctx.maxQueryLimit, MAX_OPERATIONS_LIMIT));
        return operationsSummaryToJson(range, await ctx.store.summarizeOperations({ range, service, bucketCount, limit }, options()));
      });

      scope.get<{ Params: { service: string } }>('/services/:service/latency', async (request): Promise<LatencyHistogramJson> => {
        const service = parseNameParam('service', request.params.service);
        const params = QueryParams.from(request.query);
        const range = parseNativeRange(params, nowUnixNano());
        const kindText = params.one('kind');
        const spanKind = kindText === undefined ? undefined : parseSpanKindParam('kind', kindText);
        return latencyHistogramToJson(range, await ctx.store.histogramLatency({ range, service, operation: params.one('operation'), spanKind }, options()));
      });

      scope.get<{ Params: { service: string } }>('/services/:service/errors', async (request): Promise<ErrorGroupsJson> => {
        const service = parseNameParam('service', request.params.service);
        const params = QueryParams.from(request.query);
        const range = parseNativeRange(params, nowUnixNano());
        const limit = parseLimit(params, 'limit', DEFAULT_ERROR_GROUPS_LIMIT, Math.min(ctx.maxQueryLimit, MAX_ERROR_GROUPS_LIMIT));
        return errorGroupsToJson(range, await ctx.store.groupErrors({ range, service, limit }, options()));
      });

      scope.get('/traces', async (request): Promise<{ traces: TraceSummaryJson[] }> => {
        const params = QueryParams.from(request.query);
        const statusText = params.one('status');
        const kindText = params.one('kind');
        const summaries = await ctx.store.searchTraces(
          {
            range: parseNativeRange(params, nowUnixNano()),
            service: params.one('service'),
            operation: params.one('operation'),
            attributes: parseAttributeFilters(params, 'attr'),
            ...parseDurationBounds(params),
            statusCode: statusText === undefined ? undefined : parseStatusParam('status', statusText),
            spanKind: kindText === undefined ? undefined : parseSpanKindParam('kind', kindText),
            parentService: params.one('parentService'),
            limit: parseLimit(params, 'limit', DEFAULT_TRACE_LIMIT, ctx.maxQueryLimit),
          },
          options(),
        );
        return { traces: summaries.map(traceSummaryToJson) };
      });

      scope.get<{ Params: { traceId: string } }>('/traces/:traceId', async (request): Promise<{ traceId: string; resourceSpans: OtlpResourceSpansJson[] }> => {
        const traceId = parseTraceIdParam('traceId', request.params.traceId);
        const spans = (await ctx.store.getTraces([traceId], options())).get(traceId);
        if (spans === undefined || spans.length === 0) throw new PharosError('PHAROS_ERR_NOT_FOUND', `trace ${traceId} not found`);
        return { traceId, ...spansToOtlpJson(spans) };
      });

      scope.get('/logs', async (request): Promise<{ logs: LogRecordJson[]; nextCursor?: string }> => {
        const params = QueryParams.from(request.query);
        const query: LogSearchQuery = {
          ...logFilterOf(params),
          limit: parseLimit(params, 'limit', DEFAULT_LOG_LIMIT, ctx.maxQueryLimit),
          cursor: params.one('cursor'),
        };
        const page = await ctx.store.searchLogs(query, options());
        const logs = page.records.map(logRecordToJson);
        return page.nextCursor === undefined ? { logs } : { logs, nextCursor: page.nextCursor };
      });

      scope.get('/logs/histogram', async (request): Promise<LogHistogramJson> => {
        const params = QueryParams.from(request.query);
        const filter = logFilterOf(params);
        const bucketCount = parseBoundedInteger(params, 'buckets', DEFAULT_LOG_HISTOGRAM_BUCKETS, 1, MAX_LOG_HISTOGRAM_BUCKETS);
        return logHistogramToJson(filter.range, await ctx.store.histogramLogs({ ...filter, bucketCount }, options()));
      });

      scope.get('/metrics', async (request): Promise<{ metrics: MetricInfo[] }> => {
        const params = QueryParams.from(request.query);
        const metrics = await ctx.store.listMetrics(parseNativeRange(params, nowUnixNano()), options());
        return { metrics: metrics.map(metricInfoToJson) };
      });

      scope.get('/metrics/labels', async (request): Promise<{ labels: string[] }> => {
        const selector = selectorOf(QueryParams.from(request.query), ctx.maxQueryLimit);
        return { labels: await ctx.store.listLabelNames(selector, options()) };
      });

      scope.get<{ Params: { label: string } }>('/metrics/labels/:label/values', async (request): Promise<{ values: string[] }> => {
        const label = parseNameParam('label', request.params.label);
        const selector = selectorOf(QueryParams.from(request.query), ctx.maxQueryLimit);
        return { values: await ctx.store.listLabelValues(label, selector, options()) };
      });

      scope.get('/metrics/series', async (request): Promise<{ series: MetricSeriesJson[] }> => {
        const params = QueryParams.from(request.query);
        const selector = selectorOf(params, parseLimit(params, 'limit', DEFAULT_SERIES_LIMIT, ctx.maxQueryLimit));
        const series = await ctx.store.findSeries(selector, options());
        return { series: series.map(metricSeriesToJson) };
      });

      scope.get('/metrics/points', async (request): Promise<{ points: MetricPointJson[] }> => {
        const params = QueryParams.from(request.query);
        params.required('metric');
        const selector = selectorOf(params, parseLimit(params, 'limit', DEFAULT_POINT_LIMIT, ctx.maxQueryLimit));
        const points = await ctx.store.readPoints(selector, options());
        return { points: points.map(metricPointToJson) };
      });

      scope.get('/status', async (): Promise<{ version: string; stats: StoreStats }> => {
        return { version, stats: await ctx.store.getStats(options()) };
      });
    },
    { prefix: '/pharos/v1' },
  );
}
