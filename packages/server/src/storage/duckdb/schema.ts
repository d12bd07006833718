/**
 * DuckDB layout: one table per signal per UTC day (`spans_20261125`), so that
 * retention drops whole tables instead of deleting rows. Ids are stored as
 * unsigned integers (16 and 8 bytes), attributes as typed JSON text
 * (@pharos/core attribute-json), which DuckDB compresses with its dictionary and
 * FSST string codecs. The column order here is the appender's order in append-rows.ts.
 */
export type Signal = 'spans' | 'logs' | 'metrics';
export const SIGNALS: readonly Signal[] = ['spans', 'logs', 'metrics'];

const RESOURCE_AND_SCOPE_COLUMNS = `
  resource_attributes VARCHAR,
  resource_dropped_attributes_count UINTEGER,
  resource_schema_url VARCHAR,
  scope_name VARCHAR,
  scope_version VARCHAR,
  scope_attributes VARCHAR,
  scope_dropped_attributes_count UINTEGER,
  scope_schema_url VARCHAR`;

const COLUMNS: Record<Signal, string> = {
  spans: `
  start_ns BIGINT NOT NULL,
  duration_ns BIGINT NOT NULL,
  trace_id UHUGEINT NOT NULL,
  span_id UBIGINT NOT NULL,
  parent_span_id UBIGINT NOT NULL, -- 0 for a root span
  service_name VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  kind UTINYINT NOT NULL,
  status_code UTINYINT NOT NULL,
  status_message VARCHAR NOT NULL,
  trace_state VARCHAR NOT NULL,
  flags UINTEGER NOT NULL,
  attributes VARCHAR NOT NULL,
  dropped_attributes_count UINTEGER NOT NULL,
  events VARCHAR, -- typed JSON array, NULL when there are none
  dropped_events_count UINTEGER NOT NULL,
  links VARCHAR,
  dropped_links_count UINTEGER NOT NULL,${RESOURCE_AND_SCOPE_COLUMNS}`,
  logs: `
  ts_ns BIGINT NOT NULL, -- time, or observed time when time is 0: the order of the log
  time_ns BIGINT NOT NULL,
  observed_time_ns BIGINT NOT NULL,
  service_name VARCHAR NOT NULL,
  severity_number UTINYINT NOT NULL,
  severity_text VARCHAR NOT NULL,
  body VARCHAR NOT NULL, -- typed JSON of the AnyValue
  attributes VARCHAR NOT NULL,
  dropped_attributes_count UINTEGER NOT NULL,
  flags UINTEGER NOT NULL,
  trace_id UHUGEINT, -- NULL when not tied to a trace
  span_id UBIGINT,
  event_name VARCHAR NOT NULL,${RESOURCE_AND_SCOPE_COLUMNS}`,
  metrics: `
  time_ns BIGINT NOT NULL,
  start_time_ns BIGINT NOT NULL,
  service_name VARCHAR NOT NULL,
  metric_name VARCHAR NOT NULL,
  metric_type VARCHAR NOT NULL,
  metric_unit VARCHAR NOT NULL,
  metric_description VARCHAR NOT NULL,
  temporality UTINYINT NOT NULL,
  is_monotonic BOOLEAN NOT NULL,
  metric_metadata VARCHAR NOT NULL,
  attributes VARCHAR NOT NULL,
  flags UINTEGER NOT NULL,
  value_double DOUBLE, -- gauge/sum asDouble
  value_int BIGINT, -- gauge/sum asInt
  count UBIGINT,
  sum DOUBLE,
  min DOUBLE,
  max DOUBLE,
  bucket_counts UBIGINT[],
  explicit_bounds DOUBLE[],
  scale INTEGER,
  zero_count UBIGINT,
  zero_threshold DOUBLE,
  positive_offset INTEGER,
  positive_counts UBIGINT[],
  negative_offset INTEGER,
  negative_counts UBIGINT[],
  quantiles DOUBLE[],
  quantile_values DOUBLE[],
  exemplars VARCHAR,${RESOURCE_AND_SCOPE_COLUMNS}`,
};

/** The column that partitions a signal's rows into days. */
export const PARTITION_TIME_COLUMN: Record<Signal, string> = { spans: 'start_ns', logs: 'ts_ns', metrics: 'time_ns' };

const NANOS_PER_DAY = 86_400_000_000_000n;
const MILLIS_PER_DAY = 86_400_000;

/** The UTC day index (days since the epoch) holding `unixNano`. */
export function dayIndexOf(unixNano: bigint): number {
  return Number(unixNano >= 0n ? unixNano / NANOS_PER_DAY : (unixNano - NANOS_PER_DAY + 1n) / NANOS_PER_DAY);
}

/** `20261125` for a day index. */
export function dayKeyOf(dayIndex: number): string {
  return new Date(dayIndex * MILLIS_PER_DAY).toISOString().slice(0, 10).replaceAll('-', '');
}

/** Inverse of dayKeyOf; undefined for text that is not a day key. */
export function dayIndexFromKey(key: string): number | undefined {
  if (!/^\d{8}$/.test(key)) return undefined;
  const ms = Date.parse(`${key.slice(0, 4)}-${key.slice(4, 6)}-${key.slice(6, 8)}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms / MILLIS_PER_DAY;
}

/** Unix nanos at which a day starts. */
export function dayStartUnixNano(dayIndex: number): bigint {
  return BigInt(dayIndex) * NANOS_PER_DAY;
}

/** The table holding one signal's rows of one day. */
export function partitionTableName(signal: Signal, dayIndex: number): string {
  return `${signal}_${dayKeyOf(dayIndex)}`;
}

/** Parses a partition table name; undefined for any other table. */
export function parsePartitionTableName(name: string): { signal: Signal; dayIndex: number } | undefined {
  const match = /^(spans|logs|metrics)_(\d{8})$/.exec(name);
  if (match === null) return undefined;
  const dayIndex = dayIndexFromKey(match[2]);
  return dayIndex === undefined ? undefined : { signal: match[1] as Signal, dayIndex };
}

/** DDL creating one partition table. */
export function createPartitionSql(signal: Signal, dayIndex: number): string {
  return `CREATE TABLE IF NOT EXISTS ${partitionTableName(signal, dayIndex)} (${COLUMNS[signal]}\n)`;
}
