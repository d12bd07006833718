import type { SpanKind } from '@pharos/core';
import type { ErrorGroup, ErrorGroups, ErrorGroupsQuery, LatencyHistogramQuery, OperationsSummaryQuery, TimeRange } from '../interface.js';
import { summaryBucketNs } from '../services-summary.js';
import { compareText } from '../compare-text.js';
import { LATENCY_BUCKET_BOUNDS_NS, MAX_ERROR_GROUP_OPERATIONS, latencyBucketIndexOf, type LatencyHistogramRow, type OperationSummaryRow } from '../service-detail.js';
import { bigIntToHex, nanosOf, quantileNanosOf } from './row-codec.js';
import { rangeConditions, type SqlConditions, type SqlParam } from './sql-filters.js';
import { rowToSpanSummary, spanSummarySql } from './span-summary-sql.js';

/**
 * DuckDB SQL of a service's detail queries (operations summary, latency histogram, error
 * groups), each one statement over `source` (the spans' day tables, see DuckDbStore.source),
 * with its parameters, and the mapping of its rows. Values travel as parameters; only
 * constants (the latency bounds) are written into the SQL.
 */

type Row = Record<string, unknown>;

/** The spans of `service` that start in the range. */
function serviceConditions(q: { range: TimeRange; service: string }): SqlConditions {
  const c = rangeConditions('start_ns', q.range);
  c.add('service_name = ?', q.service);
  return c;
}

/** Operations summary: spanSummarySql grouped by span name and kind, over every span of the service. */
export function operationsSummarySql(source: string, q: OperationsSummaryQuery): { sql: string; params: SqlParam[] } {
  return spanSummarySql({ source, range: q.range, bucketNs: summaryBucketNs(q), groupBy: ['name', 'kind'], where: serviceConditions(q) });
}

/** Maps an operationsSummarySql row. */
export function rowToOperationSummaryRow(r: Row): OperationSummaryRow {
  const { count, ...figures } = rowToSpanSummary(r);
  return { name: String(r.name), spanKind: Number(r.kind) as SpanKind, spans: count, ...figures };
}

const BOUNDS_SQL = `[${LATENCY_BUCKET_BOUNDS_NS.join(', ')}]::BIGINT[]`;

/**
 * Latency histogram: DuckDB's histogram() with explicit boundaries puts each duration in the
 * smallest bound at or above it (upper bounds inclusive, as LatencyHistogram says) and
 * everything above the last bound under the type's maximum. One scan gives both histograms
 * (all spans, errors), the totals and the percentiles; measured 14 ms for 20k of 1M spans.
 */
export function latencyHistogramSql(source: string, q: LatencyHistogramQuery): { sql: string; params: SqlParam[] } {
  const c = serviceConditions(q);
  if (q.operation !== undefined) c.add('name = ?', q.operation);
  if (q.spanKind !== undefined) c.add('kind = ?', q.spanKind);
  if (q.operation === undefined && q.spanKind === undefined) c.add('kind IN (2, 5)');
  return {
    sql: `SELECT histogram(duration, ${BOUNDS_SQL}) AS counts,
        histogram(duration, ${BOUNDS_SQL}) FILTER (WHERE status_code = 2) AS errors,
        count(*) AS spans,
        count(*) FILTER (WHERE status_code = 2) AS error_spans,
        min(duration) AS min_duration,
        max(duration) AS max_duration,
        quantile_cont(duration, [0.5, 0.95, 0.99]) AS q
      FROM (SELECT greatest(duration_ns, 0) AS duration, status_code FROM ${source} ${c.where()})`,
    params: c.params,
  };
}

/** Counts by bucket index from a histogram() MAP, which the node API returns as `[{key, value}]`. */
function countsByIndex(map: unknown): Map<number, number> {
  const counts = new Map<number, number>();
  if (!Array.isArray(map)) return counts;
  for (const entry of map as Array<{ key: bigint | number; value: bigint | number }>) {
    const index = latencyBucketIndexOf(BigInt(entry.key));
    counts.set(index, (counts.get(index) ?? 0) + Number(entry.value));
  }
  return counts;
}

/** Maps the latencyHistogramSql row (undefined when the source was empty). */
export function rowToLatencyHistogramRow(r: Row | undefined): LatencyHistogramRow {
  return {
    counts: countsByIndex(r?.counts),
    errors: countsByIndex(r?.errors),
    spans: Number(r?.spans ?? 0),
    errorSpans: Number(r?.error_spans ?? 0),
    minDurationNs: nanosOf(r?.min_duration),
    maxDurationNs: nanosOf(r?.max_duration),
    p50DurationNs: quantileNanosOf(r?.q, 0),
    p95DurationNs: quantileNanosOf(r?.q, 1),
    p99DurationNs: quantileNanosOf(r?.q, 2),
  };
}

/**
 * Error groups. Span events are stored as one JSON text per span (NULL without events, see
 * schema.ts), so only the error spans of the service are parsed: `from_json` reads just
 * each event's name and attributes, and the last `exception` event names the failure.
 * Groups are formed per span name first, so that each group lists its operations with
 * counts; the window functions count all groups and error spans before LIMIT cuts.
 */
export function errorGroupsSql(source: string, q: ErrorGroupsQuery): { sql: string; params: SqlParam[] } {
  const c = serviceConditions(q);
  c.add('status_code = 2');
  return {
    sql: `WITH failed AS (
        SELECT name, start_ns, trace_id, span_id, status_message,
          list_filter(from_json(events, '[{"n":"VARCHAR","a":"JSON"}]'), e -> e.n = 'exception')[-1].a AS exception
        FROM ${source} ${c.where()}
      ),
      classified AS (
        SELECT coalesce(exception->>'$."exception.type"', '') AS exception_type,
          coalesce(nullif(exception->>'$."exception.message"', ''), status_message) AS message,
          name, start_ns, trace_id, span_id
        FROM failed
      ),
      per_operation AS (
        SELECT exception_type, message, name, count(*) AS spans, min(start_ns) AS first_ns, max(start_ns) AS last_ns,
          arg_max({'trace_id': trace_id, 'span_id': span_id}, (start_ns, span_id)) AS example
        FROM classified
        GROUP BY exception_type, message, name
      )
      SELECT exception_type, message, sum(spans)::BIGINT AS spans, min(first_ns) AS first_ns, max(last_ns) AS last_ns,
        arg_max(example, (last_ns, example.span_id)) AS example,
        list({'name': name, 'spans': spans} ORDER BY spans DESC, name)[1:${MAX_ERROR_GROUP_OPERATIONS}] AS operations,
        count(*) AS operation_count,
        count(*) OVER () AS group_count,
        sum(sum(spans)) OVER ()::BIGINT AS error_spans
      FROM per_operation
      GROUP BY exception_type, message
      ORDER BY spans DESC, last_ns DESC, exception_type, message
      LIMIT ?`,
    params: [...c.params, q.limit],
  };
}

/** Maps errorGroupsSql's rows; ties keep JavaScript string order, as on every backend. */
export function rowsToErrorGroups(rows: Row[]): ErrorGroups {
  const groups: ErrorGroup[] = rows.map((r) => {
    const example = r.example as { trace_id: bigint; span_id: bigint };
    const operations = (r.operations as Array<{ name: string; spans: bigint | number }>)
      .map((o) => ({ name: String(o.name), spans: Number(o.spans) }))
      .sort((a, b) => b.spans - a.spans || compareText(a.name, b.name));
    return {
      exceptionType: String(r.exception_type),
      message: String(r.message),
      spans: Number(r.spans),
      operations,
      operationCount: Number(r.operation_count),
      firstSeenUnixNano: BigInt(r.first_ns as bigint),
      lastSeenUnixNano: BigInt(r.last_ns as bigint),
      exampleTraceId: bigIntToHex(BigInt(example.trace_id), 32),
      exampleSpanId: bigIntToHex(BigInt(example.span_id), 16),
    };
  });
  groups.sort(
    (a, b) =>
      b.spans - a.spans ||
      (a.lastSeenUnixNano < b.lastSeenUnixNano ? 1 : a.lastSeenUnixNano > b.lastSeenUnixNano ? -1 : 0) ||
      compareText(a.exceptionType, b.exceptionType) ||
      compareText(a.message, b.message),
  );
  const first = rows[0];
  return {
    errorSpans: first === undefined ? 0 : Number(first.error_spans),
    groupCount: first === undefined ? 0 : Number(first.group_count),
    groups,
  };
}
