export type {
  TimeRange,
  AttributeFilter,
  TraceSearchQuery,
  TraceSummary,
  Operation,
  DependencyLink,
  ServicesSummaryQuery,
  ServicesSummary,
  ServiceSummary,
  ServiceSummaryBucket,
  LogSearchQuery,
  LogPage,
  MetricInfo,
  MetricSelector,
  MetricSeries,
  PartitionInfo,
  StoreStats,
  QueryOptions,
  TelemetryStore,
  AppendOptions,
} from './interface.js';
export { openDuckDbStore, DuckDbStore, type DuckDbStoreOptions } from './duckdb/duckdb-store.js';
export { MAX_SUMMARY_BUCKETS, summaryBucketNs, assembleServicesSummary, type ServiceSummaryRow } from './services-summary.js';
