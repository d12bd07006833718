export { ApiError, buildUrl, fetchOperations, fetchServices, fetchServicesSummary, fetchTrace, searchTraces } from './client';
export type { QueryParams, RangeParams, TraceSearchParams } from './client';
export type {
  AnyValueJson,
  KeyValueJson,
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
