/**
 * DuckDB layout: one table per signal per UTC day (`spans_20261125`), so that
 * retention drops whole tables instead of deleting rows. Ids are stored as
 * unsigned integers (16 and 8 bytes). Resource, scope, event and link attributes are
 * typed JSON text (@pharos/core attribute-json), which repeats and compresses with
 * DuckDB's dictionary codec. The item's own attributes are a MAP(VARCHAR, JSON): each
 * value is compressed on its own, which halves their size against one JSON string.
 *
 * Rows are first appended to an in-memory staging table whose `attributes` column is
 * the typed JSON text (the appender builds nested values slowly from JS) and whose
 * resource and scope columns are replaced by a reference into a second staging table
 * holding each distinct resource/scope pair once (fewer appender calls per row). They
 * are then moved into the day table by INSERT … SELECT, where DuckDB converts JSON to
 * MAP and joins the resource and scope back, in its own threads. The column order here
 * is the appender's order in row-codec.ts.
 */
export type Signal = 'spans' | 'logs' | 'metrics';
export const SIGNALS: readonly Signal[] = ['spans', 'logs', 'metrics'];

const RESOURCE_SCOPE_REF_COLUMN = 'resource_scope_ref UINTEGER NOT NULL';
const RESOURCE_AND_SCOPE_COLUMNS = `
  resource_attributes VARCHAR,
  resource_dropped_attributes_count UINTEGER,
  resource_schema_url VARCHAR,
  scope_name VARCHAR,
  scope_version VARCHAR,
  scope_attributes VARCHAR,
  scope_dropped_attributes_count UINTEGER,
  scope_schema_url VARCHAR`;

/**
 * Span fields that are nearly always empty or zero. They are staged as one JSON object
 * (`rare_fields`, NULL when every field has its default) to save appender calls, and
 * unpacked into their own columns when the rows move into the day table.
 */
const RARE_SPAN_FIELDS: Array<{ column: string; key: string; type: string; fallback: string }> = [
  { column: 'trace_state', key: 'ts', type: 'VARCHAR NOT NULL', fallback: "''" },
  { column: 'flags', key: 'f', type: 'UINTEGER NOT NULL', fallback: "'0'" },
  { column: 'dropped_attributes_count', key: 'da', type: 'UINTEGER NOT NULL', fallback: "'0'" },
  { column: 'events', key: 'ev', type: 'VARCHAR', fallback: 'NULL' }, // typed JSON array, NULL when there are none
  { column: 'dropped_events_count', key: 'de', type: 'UINTEGER NOT NULL', fallback: "'0'" },
  { column: 'links', key: 'li', type: 'VARCHAR', fallback: 'NULL' },
  { column: 'dropped_links_count', key: 'dl', type: 'UINTEGER NOT NULL', fallback: "'0'" },
];
const RARE_SPAN_COLUMNS = RARE_SPAN_FIELDS.map((f) => `\n  ${f.column} ${f.type},`).join('');

/** Where the item attributes' type goes in COLUMNS: VARCHAR when staged, a MAP in the day table. */
const ITEM_ATTRIBUTES_COLUMN = /(\n {2}attributes )VARCHAR_OR_MAP( NOT NULL,)/;

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
  attributes VARCHAR_OR_MAP NOT NULL,${RARE_SPAN_COLUMNS}${RESOURCE_AND_SCOPE_COLUMNS}`,
  logs: `
  ts_ns BIGINT NOT NULL, -- time, or observed time when time is 0: the order of the log
  time_ns BIGINT NOT NULL,
  observed_time_ns BIGINT NOT NULL,
  service_name VARCHAR NOT NULL,
  severity_number UTINYINT NOT NULL,
  severity_text VARCHAR NOT NULL,
  body_string VARCHAR, -- the body when it is a string (most are), else NULL
  body_value VARCHAR, -- typed JSON of any other body (NULL when body_string is set)
  attributes VARCHAR_OR_MAP NOT NULL,
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
  attributes VARCHAR_OR_MAP NOT NULL,
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

const ATTRIBUTES_MAP_TYPE = 'MAP(VARCHAR, JSON)';

/** DDL creating one partition table. */
export function createPartitionSql(signal: Signal, dayIndex: number): string {
  return `CREATE TABLE IF NOT EXISTS ${partitionTableName(signal, dayIndex)} (${COLUMNS[signal].replace(ITEM_ATTRIBUTES_COLUMN, `$1${ATTRIBUTES_MAP_TYPE}$2`)}\n)`;
}

/** The in-memory staging table of a signal's rows. */
export function stageTableName(signal: Signal): string {
  return `stage_${signal}`;
}

/** The in-memory staging table of the resource/scope pairs the staged rows refer to. */
export const STAGE_RESOURCE_SCOPES = 'stage_resource_scopes';

/** DDL of the staging tables (temporary: per connection, never in the WAL). */
export function createStageSql(): string[] {
  const statements = SIGNALS.map((signal) => {
    const columns = COLUMNS[signal]
      .replace(ITEM_ATTRIBUTES_COLUMN, '$1VARCHAR$2')
      .replace(RARE_SPAN_COLUMNS, '\n  rare_fields VARCHAR,')
      .replace(RESOURCE_AND_SCOPE_COLUMNS, `\n  ${RESOURCE_SCOPE_REF_COLUMN}`);
    return `CREATE TEMP TABLE IF NOT EXISTS ${stageTableName(signal)} (${columns}\n)`;
  });
  statements.push(`CREATE TEMP TABLE IF NOT EXISTS ${STAGE_RESOURCE_SCOPES} (${RESOURCE_SCOPE_REF_COLUMN},${RESOURCE_AND_SCOPE_COLUMNS}\n)`);
  return statements;
}

/** Moves one day's staged rows into its partition table, converting attributes to a MAP. */
export function moveStagedRowsSql(signal: Signal, dayIndex: number): string {
  const time = PARTITION_TIME_COLUMN[signal];
  const rare =
    signal === 'spans'
      ? `, ${RARE_SPAN_FIELDS.map((f) => `coalesce(s.rare_fields->>'${f.key}', ${f.fallback})::${f.type.split(' ')[0]} AS ${f.column}`).join(', ')}`
      : '';
  const exclude = signal === 'spans' ? 'resource_scope_ref, rare_fields' : 'resource_scope_ref';
  return `INSERT INTO ${partitionTableName(signal, dayIndex)}
    SELECT s.* EXCLUDE (${exclude}) REPLACE (s.attributes::JSON::${ATTRIBUTES_MAP_TYPE} AS attributes)${rare}, r.* EXCLUDE (resource_scope_ref)
    FROM ${stageTableName(signal)} s JOIN ${STAGE_RESOURCE_SCOPES} r ON s.resource_scope_ref = r.resource_scope_ref
    WHERE s.${time} >= ${dayStartUnixNano(dayIndex)} AND s.${time} < ${dayStartUnixNano(dayIndex + 1)}`;
}

/** Empties one staging table after its rows were moved. */
export function clearStageSql(stage: Signal | 'resource_scopes'): string {
  return `DELETE FROM ${stage === 'resource_scopes' ? STAGE_RESOURCE_SCOPES : stageTableName(stage)}`;
}

/** One row: the last ingest log position committed with data (see AppendOptions). */
export const INGEST_POSITION_TABLE = 'pharos_ingest_position';

export function createIngestPositionSql(): string {
  return `CREATE TABLE IF NOT EXISTS ${INGEST_POSITION_TABLE} (id INTEGER PRIMARY KEY, position UBIGINT NOT NULL)`;
}

export function setIngestPositionSql(position: bigint): string {
  return `INSERT OR REPLACE INTO ${INGEST_POSITION_TABLE} VALUES (1, ${position.toString()})`;
}
