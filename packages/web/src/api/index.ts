export { ApiError, buildUrl, fetchLogHistogram, fetchOperations, fetchServices, fetchServicesSummary, fetchTrace, searchLogs, searchTraces } from './client';
export type { LogFilterParams, QueryParams, RangeParams, TraceSearchParams } from './client';
export type {
  AnyValueJson,
  KeyValueJson,
  LogHistogramResponse,
  LogRecord,
  LogSearchResponse,
  SeverityCounts,
  OperationsResponse,
  OtlpSpanJson,
  ServiceSummary,
  ServiceSummaryBucket,
  ServicesResponse,
  ServicesSummaryResponse,
  TraceResponse,
  TraceSearchResponse,
  TraceSummary,
} from './schemas';
export { fetchMetricLabelValues, fetchMetricLabels, fetchMetricPoints, fetchMetricSeries, fetchMetrics } from './client';
export type { MetricSelectorParams } from './client';
export type { JsonNumber, MetricInfoJson, MetricPointJson, MetricPointsResponse, MetricsResponse } from './schemas';
export { fetchErrorGroups, fetchLatencyHistogram, fetchOperationsSummary } from './client';
export type { ErrorGroup, ErrorGroupsResponse, LatencyBucket, LatencyHistogramResponse, OperationSummary, OperationsSummaryResponse } from './schemas';
export { fetchServiceMap } from './client';
export type { ServiceMapEdge, ServiceMapNode, ServiceMapResponse } from './schemas';
