export type {
  TimeRange,
  AttributeFilter,
  TraceSearchQuery,
  TraceSummary,
  Operation,
  DependencyLink,
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
