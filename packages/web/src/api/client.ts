import type { z } from 'zod';
import {
  apiErrorBodySchema,
  logHistogramSchema,
  logSearchSchema,
  operationsSchema,
  servicesSchema,
  servicesSummarySchema,
  traceSchema,
  traceSearchSchema,
  type LogHistogramResponse,
  type LogSearchResponse,
  type OperationsResponse,
  type ServicesResponse,
  type ServicesSummaryResponse,
  type TraceResponse,
  type TraceSearchResponse,
} from './schemas';
import { takeEarlyFetch } from './early-fetch';

/** A failed API call: the server's error code and message, or what was wrong with its answer. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Query parameters; array values repeat the parameter, empty strings and undefined are left out. */
export type QueryParams = Record<string, string | number | readonly string[] | undefined>;

/** Builds `path?query` from parameters (same rules as QueryParams). */
export function buildUrl(path: string, params: QueryParams = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) if (String(v) !== '') search.append(key, String(v));
  }
  const query = search.toString();
  return query === '' ? path : `${path}?${query}`;
}

/**
 * GETs `url` and validates the JSON answer with `schema`. Throws ApiError with the
 * server's `{error:{code,message}}` on a non-2xx answer, or PHAROS_UI_BAD_RESPONSE
 * when the body is not what the schema says.
 */
async function getJson<T>(url: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  const response = await (takeEarlyFetch(url) ?? fetch(url, { signal, headers: { accept: 'application/json' } }));
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(`GET ${url}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`, response.status, 'PHAROS_UI_BAD_RESPONSE');
  }
  if (!response.ok) {
    const error = apiErrorBodySchema.safeParse(body);
    if (error.success) throw new ApiError(error.data.error.message, response.status, error.data.error.code);
    throw new ApiError(`GET ${url}: HTTP ${response.status}`, response.status, 'PHAROS_UI_HTTP_ERROR');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError(`GET ${url}: unexpected answer at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`, response.status, 'PHAROS_UI_BAD_RESPONSE');
  }
  return parsed.data;
}

/** A time range as the native API takes it: `now-1h` to `now`, or absolute times. */
export interface RangeParams {
  start: string;
  end: string;
}

/** GET /pharos/v1/services/summary: RED metrics per service with `buckets` time buckets. */
export function fetchServicesSummary(range: RangeParams, buckets: number, signal?: AbortSignal): Promise<ServicesSummaryResponse> {
  return getJson(buildUrl('/pharos/v1/services/summary', { ...range, buckets }), servicesSummarySchema, signal);
}

/**
 * GET /pharos/v1/services: names of the services with data of the telemetry `signals`
 * (`traces`, `logs`, `metrics`, sent as the repeated `signal` query parameter; spans only when
 * absent) in the range (all retained data when no range is given). `abortSignal` cancels the
 * request.
 */
export function fetchServices(params: Partial<RangeParams> & { signals?: ReadonlyArray<'traces' | 'logs' | 'metrics'> } = {}, abortSignal?: AbortSignal): Promise<ServicesResponse> {
  const { signals: telemetrySignals, ...range } = params;
  return getJson(buildUrl('/pharos/v1/services', { ...range, signal: telemetrySignals }), servicesSchema, abortSignal);
}

/** GET /pharos/v1/services/{service}/operations. */
export function fetchOperations(service: string, range: Partial<RangeParams> = {}, signal?: AbortSignal): Promise<OperationsResponse> {
  return getJson(buildUrl(`/pharos/v1/services/${encodeURIComponent(service)}/operations`, range), operationsSchema, signal);
}

/** Parameters of GET /pharos/v1/traces (docs/api.md). */
export interface TraceSearchParams extends RangeParams {
  service?: string;
  operation?: string;
  /** The span's kind: `server`, `client`, `producer`, `consumer` or `internal`. */
  kind?: string;
  minDuration?: string;
  maxDuration?: string;
  status?: string;
  attr?: readonly string[];
  /** Only spans (of `service`) called by a span of this service. */
  parentService?: string;
  limit?: number;
}

/** GET /pharos/v1/traces: trace summaries, newest first. */
export function searchTraces(params: TraceSearchParams, signal?: AbortSignal): Promise<TraceSearchResponse> {
  return getJson(buildUrl('/pharos/v1/traces', { ...params }), traceSearchSchema, signal);
}

/** GET /pharos/v1/traces/{traceId}: one trace as OTLP JSON. */
export function fetchTrace(traceId: string, signal?: AbortSignal): Promise<TraceResponse> {
  return getJson(buildUrl(`/pharos/v1/traces/${encodeURIComponent(traceId)}`), traceSchema, signal);
}

/* Metrics (docs/api.md). Imported here, not above, so that additions by signal stay separate. */
import {
  metricLabelValuesSchema,
  metricLabelsSchema,
  metricPointsSchema,
  metricSeriesSchema,
  metricsSchema,
  type MetricLabelValuesResponse,
  type MetricLabelsResponse,
  type MetricPointsResponse,
  type MetricSeriesResponse,
  type MetricsResponse,
} from './schemas';

/** Selects metric series: a metric name, label matchers (`key=value`, attribute-filter syntax) and a range. */
export interface MetricSelectorParams extends RangeParams {
  metric?: string;
  match?: readonly string[];
  limit?: number;
}

/** GET /pharos/v1/metrics: metrics (name, type, unit, description) with points in the range. */
export function fetchMetrics(range: RangeParams, signal?: AbortSignal): Promise<MetricsResponse> {
  return getJson(buildUrl('/pharos/v1/metrics', { ...range }), metricsSchema, signal);
}

/** GET /pharos/v1/metrics/labels: label names of the selected series (point attributes plus `service.name`). */
export function fetchMetricLabels(params: MetricSelectorParams, signal?: AbortSignal): Promise<MetricLabelsResponse> {
  return getJson(buildUrl('/pharos/v1/metrics/labels', { ...params }), metricLabelsSchema, signal);
}

/** GET /pharos/v1/metrics/labels/{label}/values: the values `label` takes in the selected series, as text. */
export function fetchMetricLabelValues(label: string, params: MetricSelectorParams, signal?: AbortSignal): Promise<MetricLabelValuesResponse> {
  return getJson(buildUrl(`/pharos/v1/metrics/labels/${encodeURIComponent(label)}/values`, { ...params }), metricLabelValuesSchema, signal);
}

/** GET /pharos/v1/metrics/series: the selected series (metric name and labels), up to `limit`. */
export function fetchMetricSeries(params: MetricSelectorParams, signal?: AbortSignal): Promise<MetricSeriesResponse> {
  return getJson(buildUrl('/pharos/v1/metrics/series', { ...params }), metricSeriesSchema, signal);
}

/** GET /pharos/v1/metrics/points: raw points of one metric in time order, up to `limit` (the oldest first). */
export function fetchMetricPoints(params: MetricSelectorParams & { metric: string }, signal?: AbortSignal): Promise<MetricPointsResponse> {
  return getJson(buildUrl('/pharos/v1/metrics/points', { ...params }), metricPointsSchema, signal);
}

/** The filter shared by GET /pharos/v1/logs and /pharos/v1/logs/histogram (docs/api.md). */
export interface LogFilterParams extends RangeParams {
  service?: string;
  /** Minimum severity: a name (`warn`) or a SeverityNumber. */
  severity?: string;
  q?: string;
  attr?: readonly string[];
  traceId?: string;
}

/** GET /pharos/v1/logs: one page of records, newest first; pass `nextCursor` back as `cursor` for the next. */
export function searchLogs(params: LogFilterParams & { limit?: number; cursor?: string }, signal?: AbortSignal): Promise<LogSearchResponse> {
  return getJson(buildUrl('/pharos/v1/logs', { ...params }), logSearchSchema, signal);
}

/** GET /pharos/v1/logs/histogram: counts of the matching records per time bucket and severity band. */
export function fetchLogHistogram(params: LogFilterParams & { buckets?: number }, signal?: AbortSignal): Promise<LogHistogramResponse> {
  return getJson(buildUrl('/pharos/v1/logs/histogram', { ...params }), logHistogramSchema, signal);
}

/* A service's page (docs/api.md). Imported here, not above, so that additions by page stay separate. */
import {
  errorGroupsSchema,
  latencyHistogramSchema,
  operationsSummarySchema,
  type ErrorGroupsResponse,
  type LatencyHistogramResponse,
  type OperationsSummaryResponse,
} from './schemas';

/** The path of one service's resource: the name escaped, so any name (`shop/api v2`) is one path segment. */
function servicePath(service: string, rest: string): string {
  return `/pharos/v1/services/${encodeURIComponent(service)}/${rest}`;
}

/** GET /pharos/v1/services/{service}/operations/summary: span rate, errors and percentiles per operation, with `buckets` time buckets. */
export function fetchOperationsSummary(service: string, range: RangeParams, buckets: number, signal?: AbortSignal): Promise<OperationsSummaryResponse> {
  return getJson(buildUrl(servicePath(service, 'operations/summary'), { ...range, buckets }), operationsSummarySchema, signal);
}

/** GET /pharos/v1/services/{service}/latency: span counts per fixed duration bucket; the service's requests unless `operation`/`kind` narrow it. */
export function fetchLatencyHistogram(service: string, params: RangeParams & { operation?: string; kind?: string }, signal?: AbortSignal): Promise<LatencyHistogramResponse> {
  return getJson(buildUrl(servicePath(service, 'latency'), { ...params }), latencyHistogramSchema, signal);
}

/** GET /pharos/v1/services/{service}/errors: error spans grouped by exception type and message, the most frequent first. */
export function fetchErrorGroups(service: string, params: RangeParams & { limit?: number }, signal?: AbortSignal): Promise<ErrorGroupsResponse> {
  return getJson(buildUrl(servicePath(service, 'errors'), { ...params }), errorGroupsSchema, signal);
}

/* The service map (docs/api.md). */
import { serviceMapSchema, type ServiceMapResponse } from './schemas';

/** GET /pharos/v1/service-map: nodes (services and virtual peers) and caller → callee edges over the range. */
export function fetchServiceMap(range: RangeParams, signal?: AbortSignal): Promise<ServiceMapResponse> {
  return getJson(buildUrl('/pharos/v1/service-map', { ...range }), serviceMapSchema, signal);
}
