import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { PharosError, decodeAttributesJson, wrapError, type MetricDescriptor, type MetricPoint, type Span, type TelemetryBatch, type UnixNano } from '@pharos/core';
import type {
  AppendOptions,
  DependencyLink,
  LogFilter,
  LogHistogram,
  LogHistogramQuery,
  LogPage,
  LogSearchQuery,
  MetricInfo,
  MetricSelector,
  MetricSeries,
  Operation,
  PartitionInfo,
  QueryOptions,
  ServiceMap,
  ServicesSummary,
  ServiceSignal,
  ServicesSummaryQuery,
  StoreStats,
  TelemetryStore,
  TimeRange,
  TraceSearchQuery,
  TraceSummary,
} from '../interface.js';
import {
  INGEST_POSITION_TABLE,
  PARTITION_TIME_COLUMN,
  SIGNALS,
  createIngestPositionSql,
  createPartitionSql,
  dayIndexOf,
  dayIndexFromKey,
  dayKeyOf,
  dayStartUnixNano,
  parsePartitionTableName,
  partitionTableName,
  type Signal,
} from './schema.js';
import {
  SharedJsonCache,
  SharedObjectCache,
  attributeText,
  effectiveLogTime,
  hexToBigInt,
  bigIntToHex,
  rowToLog,
  rowToPoint,
  rowToSpan,
  decodeAttributesMap,
} from './row-codec.js';
import { SqlConditions, rangeConditions, type SqlParam } from './sql-filters.js';
import { rowToSpanSummary, spanSummarySql } from './span-summary-sql.js';
import { assembleServicesSummary, summaryBucketNs } from '../services-summary.js';
import { CALL_MATCH_MARGIN_NS, assembleServiceMap } from '../service-map.js';
import { rowToServiceMapRow, serviceMapSql } from './service-map-sql.js';
import { SEVERITY_BANDS, assembleLogHistogram, logHistogramBucketNs } from '../log-histogram.js';
import { StagingWriter, type StagedWork } from './staging-writer.js';
import type { ErrorGroups, ErrorGroupsQuery, LatencyHistogram, LatencyHistogramQuery, OperationsSummary, OperationsSummaryQuery } from '../interface.js';
import { assembleLatencyHistogram, assembleOperationsSummary } from '../service-detail.js';
import { errorGroupsSql, latencyHistogramSql, operationsSummarySql, rowToLatencyHistogramRow, rowToOperationSummaryRow, rowsToErrorGroups } from './service-detail-sql.js';

type Row = Record<string, unknown>;
/** Runs one statement on the connection a query holds and reads its rows. */
type ReadRows = (sql: string, params: SqlParam[]) => Promise<Row[]>;

export interface DuckDbStoreOptions {
  /** Folder holding `pharos.duckdb` (created when missing). */
  dataDir: string;
  /** Connections used by queries, which run in parallel with each other and with writes. */
  readerConnections?: number;
  /** Write transactions that may run at once (appends never conflict). Ingest writes one at a time. */
  writerConnections?: number;
  /**
   * WAL size at which DuckDB checkpoints (compresses rows into the main file). Small
   * values make DuckDB rewrite half-filled row groups over and over under steady ingest.
   */
  checkpointThreshold?: string;
  /**
   * DuckDB worker threads. One is faster for Pharos' many small ingest transactions:
   * measured 48k vs 39k spans/s (500-span batches) and 26 vs 34 µs of CPU per span
   * against two threads on 2 cores (docs/benchmarks.md). Queries on different
   * connections still run side by side.
   */
  threads?: number;
}

const DATABASE_FILE = 'pharos.duckdb';

/** The tables holding each signal a service can be listed by. */
const SERVICE_SIGNAL_TABLES: Record<ServiceSignal, Signal> = { traces: 'spans', logs: 'logs', metrics: 'metrics' };

/** Opens (or creates) the embedded DuckDB store in `options.dataDir`. */
export async function openDuckDbStore(options: DuckDbStoreOptions): Promise<DuckDbStore> {
  const file = path.join(options.dataDir, DATABASE_FILE);
  let instance: DuckDBInstance;
  try {
    await mkdir(options.dataDir, { recursive: true });
    instance = await DuckDBInstance.create(file, {
      checkpoint_threshold: options.checkpointThreshold ?? '256MB',
      threads: String(options.threads ?? 1),
    });
  } catch (error) {
    const hint = /lock/i.test(String(error)) ? ' (is another Pharos server using this data directory?)' : '';
    throw wrapError(error, 'PHAROS_ERR_STORAGE_OPEN', `opening ${file}${hint}`);
  }
  const ddl = await instance.connect();
  await ddl.run(createIngestPositionSql());
  const writers: StagingWriter[] = [];
  for (let i = 0; i < (options.writerConnections ?? 1); i++) writers.push(await StagingWriter.open(instance));
  const readers: DuckDBConnection[] = [];
  for (let i = 0; i < (options.readerConnections ?? 3); i++) readers.push(await instance.connect());
  const store = new DuckDbStore(instance, file, ddl, writers, readers);
  await store.loadPartitions();
  return store;
}

/** A small pool: each query (or write) borrows a connection, so a timeout can interrupt just that query. */
class Pool<T> {
  private readonly waiters: Array<(item: T) => void> = [];
  constructor(private readonly idle: T[]) {}

  /** Resolves with an item; rejects with `onTimeout()` if none is free within `timeoutMs` (when given). */
  async acquire(timeoutMs?: number, onTimeout?: () => Error): Promise<T> {
    const item = this.idle.pop();
    if (item !== undefined) return item;
    return new Promise((resolve, reject) => {
      const waiter = (got: T) => {
        clearTimeout(timer);
        resolve(got);
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.waiters.splice(this.waiters.indexOf(waiter), 1);
              reject(onTimeout?.() ?? new Error('timed out waiting for a connection'));
            }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  release(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter(item);
    else this.idle.push(item);
  }
}

/** The embedded, single-process TelemetryStore (see schema.ts for the layout). */
export class DuckDbStore implements TelemetryStore {
  private readonly partitions = new Map<Signal, Set<number>>(SIGNALS.map((s) => [s, new Set<number>()]));
  private readonly pool: Pool<DuckDBConnection>;
  private readonly writerPool: Pool<StagingWriter>;
  private readonly jsonCache = new SharedJsonCache();
  /** Serialises DDL (partition creation and drops), which concurrent writers must not race on. */
  private ddlChain: Promise<unknown> = Promise.resolve();
  private readonly writesInFlight = new Set<Promise<void>>();
  /** Queries running or waiting for a connection, settled or not: dropPartitionsBefore waits for them. */
  private readonly queriesInFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly file: string,
    private readonly ddl: DuckDBConnection,
    private readonly writers: StagingWriter[],
    private readonly readers: DuckDBConnection[],
  ) {
    this.pool = new Pool([...readers]);
    this.writerPool = new Pool([...writers]);
  }

  /** Runs `task` after every DDL task queued before it. */
  private serializeDdl<T>(task: () => Promise<T>): Promise<T> {
    const run = this.ddlChain.then(task);
    this.ddlChain = run.catch(() => undefined);
    return run;
  }

  /** Reads which partition tables exist. Called once by openDuckDbStore. */
  async loadPartitions(): Promise<void> {
    const reader = await this.ddl.runAndReadAll(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'`);
    for (const [name] of reader.getRowsJS()) {
      const parsed = parsePartitionTableName(String(name));
      if (parsed !== undefined) this.partitions.get(parsed.signal)!.add(parsed.dayIndex);
    }
  }

  // ---------------------------------------------------------------- append side

  append(batch: TelemetryBatch, options: AppendOptions = {}): Promise<void> {
    const write = this.appendNow(batch, options.ingestPosition);
    const tracked = write.catch(() => undefined);
    this.writesInFlight.add(tracked);
    void tracked.then(() => this.writesInFlight.delete(tracked));
    return write;
  }

  /** Creates the day tables that `days` needs and does not have yet (DDL commits on its own). */
  private async ensurePartitions(signal: Signal, days: Set<number>): Promise<void> {
    const known = this.partitions.get(signal)!;
    const missing = [...days].filter((d) => !known.has(d));
    if (missing.length === 0) return;
    await this.serializeDdl(async () => {
      for (const dayIndex of missing) {
        if (known.has(dayIndex)) continue;
        await this.ddl.run(createPartitionSql(signal, dayIndex));
        known.add(dayIndex);
      }
    });
  }

  async readIngestPosition(): Promise<bigint> {
    const rows = (await this.ddl.runAndReadAll(`SELECT position FROM ${INGEST_POSITION_TABLE}`)).getRowsJS();
    return rows.length === 0 ? 0n : BigInt(rows[0][0] as bigint);
  }

  private async appendNow(batch: TelemetryBatch, ingestPosition: bigint | undefined): Promise<void> {
    if (this.closed) throw new PharosError('PHAROS_ERR_STORAGE_WRITE', 'the store is closed');
    const work: StagedWork[] = [];
    if (batch.spans.length > 0) work.push({ signal: 'spans', items: batch.spans, days: daysOf(batch.spans, (s) => s.startTimeUnixNano) });
    if (batch.logs.length > 0) work.push({ signal: 'logs', items: batch.logs, days: daysOf(batch.logs, effectiveLogTime) });
    if (batch.points.length > 0) work.push({ signal: 'metrics', items: batch.points, days: daysOf(batch.points, (p) => p.timeUnixNano) });
    if (work.length === 0 && ingestPosition === undefined) return;
    const writer = await this.writerPool.acquire();
    try {
      for (const { signal, days } of work) await this.ensurePartitions(signal, days);
      await writer.write(work, this.jsonCache, ingestPosition);
    } catch (error) {
      throw wrapError(error, 'PHAROS_ERR_STORAGE_WRITE', 'writing a batch to DuckDB');
    } finally {
      this.writerPool.release(writer);
    }
  }

  // ---------------------------------------------------------------- query plumbing

  private query(sql: string, params: SqlParam[], options: QueryOptions): Promise<Row[]> {
    return this.withConnection(options, false, (read) => read(sql, params));
  }

  /**
   * Runs `work` on one pooled connection under one timeout, which covers waiting for the
   * connection too: when it passes, the running statement is interrupted and the call fails
   * with PHAROS_ERR_QUERY_TIMEOUT. With `snapshot`, the statements run in one read-only
   * transaction, so that they all see the same data while writes commit. Call it in the same
   * synchronous step as `source()`, whose day tables it reads: dropPartitionsBefore waits
   * for the queries in flight before it drops a table, not for those merely planned.
   */
  private withConnection<T>(options: QueryOptions, snapshot: boolean, work: (read: ReadRows) => Promise<T>): Promise<T> {
    const run = this.runOnConnection(options, snapshot, work);
    const settled = run.catch(() => undefined);
    this.queriesInFlight.add(settled);
    void settled.then(() => this.queriesInFlight.delete(settled));
    return run;
  }

  private async runOnConnection<T>(options: QueryOptions, snapshot: boolean, work: (read: ReadRows) => Promise<T>): Promise<T> {
    const deadline = Date.now() + options.timeoutMs;
    const timeoutError = () => new PharosError('PHAROS_ERR_QUERY_TIMEOUT', `the query waited longer than ${options.timeoutMs} ms for other queries to finish`);
    const connection = await this.pool.acquire(options.timeoutMs, timeoutError);
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        connection.interrupt();
      },
      Math.max(0, deadline - Date.now()),
    );
    let inTransaction = false;
    try {
      if (snapshot) {
        await connection.run('BEGIN TRANSACTION READ ONLY');
        inTransaction = true;
      }
      const result = await work(async (sql, params) => (await connection.runAndReadAll(sql, params)).getRowObjectsJS() as Row[]);
      if (inTransaction) {
        await connection.run('COMMIT');
        inTransaction = false;
      }
      return result;
    } catch (error) {
      if (timedOut) throw new PharosError('PHAROS_ERR_QUERY_TIMEOUT', `the query ran longer than ${options.timeoutMs} ms and was cancelled`, { cause: error });
      throw wrapError(error, 'PHAROS_ERR_QUERY_FAILED', 'running a DuckDB query');
    } finally {
      clearTimeout(timer);
      // After the timer is cleared, so that no interrupt can cut the rollback short: a
      // connection must go back to the pool without an open transaction (a stale snapshot).
      if (inTransaction) await connection.run('ROLLBACK').catch(() => undefined);
      this.pool.release(connection);
    }
  }

  /**
   * The SQL source of one signal's rows in `range` (widened by `marginDays` on each
   * side), as a UNION ALL of its day tables; undefined when no partition overlaps.
   */
  private source(signal: Signal, range: TimeRange | undefined, marginDays = 0, extraColumns = ''): string | undefined {
    let days = [...this.partitions.get(signal)!].sort((a, b) => a - b);
    if (range !== undefined) {
      const first = dayIndexOf(range.startUnixNano) - marginDays;
      const last = dayIndexOf(range.endUnixNano - 1n) + marginDays;
      days = days.filter((d) => d >= first && d <= last);
    }
    if (days.length === 0) return undefined;
    const selects = days.map((d) => {
      const extra = extraColumns === '' ? '' : `, ${extraColumns.replaceAll('$DAY', `'${dayKeyOf(d)}'`)}`;
      return `SELECT *${extra} FROM ${partitionTableName(signal, d)}`;
    });
    return `(${selects.join(' UNION ALL ')})`;
  }

  // ---------------------------------------------------------------- traces

  async searchTraces(q: TraceSearchQuery, options: QueryOptions): Promise<TraceSummary[]> {
    const source = this.source('spans', q.range);
    if (source === undefined) return [];
    const c = new SqlConditions();
    c.add('start_ns >= ?', q.range.startUnixNano);
    c.add('start_ns < ?', q.range.endUnixNano);
    if (q.service !== undefined) c.add('service_name = ?', q.service);
    if (q.operation !== undefined) c.add('name = ?', q.operation);
    if (q.minDurationNs !== undefined) c.add('duration_ns >= ?', q.minDurationNs);
    if (q.maxDurationNs !== undefined) c.add('duration_ns <= ?', q.maxDurationNs);
    if (q.statusCode !== undefined) c.add('status_code = ?', q.statusCode);
    if (q.spanKind !== undefined) c.add('kind = ?', q.spanKind);
    if (q.parentService !== undefined) {
      // The parent may start up to CALL_MATCH_MARGIN_NS before the range, as in getServiceMap.
      const callers = { startUnixNano: q.range.startUnixNano - CALL_MATCH_MARGIN_NS, endUnixNano: q.range.endUnixNano };
      c.add(
        `s.service_name <> ? AND EXISTS (SELECT 1 FROM ${this.source('spans', callers)!} p WHERE p.trace_id = s.trace_id AND p.span_id = s.parent_span_id AND p.service_name = ? AND p.start_ns >= ? AND p.start_ns < ?)`,
        q.parentService,
        q.parentService,
        callers.startUnixNano,
        callers.endUnixNano,
      );
    }
    c.addAttributeFilters(q.attributes);
    const matched = await this.query(
      `SELECT trace_id, max(start_ns) AS last_start FROM ${source} AS s ${c.where()} GROUP BY trace_id ORDER BY last_start DESC LIMIT ?`,
      [...c.params, q.limit],
      options,
    );
    if (matched.length === 0) return [];
    const ids = matched.map((r) => r.trace_id as bigint);
    const wide = this.source('spans', q.range, 1)!;
    const rows = await this.query(
      `SELECT trace_id, service_name,
          count(*) AS span_count,
          count(*) FILTER (WHERE status_code = 2) AS error_count,
          min(start_ns) AS first_start,
          max(start_ns + duration_ns) AS last_end,
          min(start_ns) FILTER (WHERE parent_span_id = 0) AS root_start,
          arg_min(name, start_ns) FILTER (WHERE parent_span_id = 0) AS root_name
        FROM ${wide} WHERE trace_id IN (${traceIdList(ids)})
        GROUP BY trace_id, service_name`,
      [],
      options,
    );
    const byTrace = new Map<bigint, Row[]>();
    for (const row of rows) {
      const id = row.trace_id as bigint;
      const list = byTrace.get(id) ?? [];
      list.push(row);
      byTrace.set(id, list);
    }
    const summaries: TraceSummary[] = [];
    for (const id of ids) {
      const groups = byTrace.get(id);
      if (groups === undefined) continue;
      const first = minBy(groups, (g) => g.first_start as bigint);
      const rooted = groups.filter((g) => g.root_start !== null);
      const root = rooted.length > 0 ? minBy(rooted, (g) => g.root_start as bigint) : undefined;
      const start = first.first_start as bigint;
      const end = groups.reduce((m, g) => ((g.last_end as bigint) > m ? (g.last_end as bigint) : m), start);
      summaries.push({
        traceId: bigIntToHex(id, 32),
        rootServiceName: String((root ?? first).service_name),
        rootSpanName: root === undefined ? '' : String(root.root_name),
        startTimeUnixNano: start,
        durationNs: end - start,
        spanCount: groups.reduce((n, g) => n + Number(g.span_count), 0),
        errorCount: groups.reduce((n, g) => n + Number(g.error_count), 0),
        services: groups
          .map((g) => ({ name: String(g.service_name), spanCount: Number(g.span_count), errorCount: Number(g.error_count) }))
          .sort((a, b) => b.spanCount - a.spanCount),
      });
    }
    return summaries;
  }

  async getTraces(traceIds: string[], options: QueryOptions): Promise<Map<string, Span[]>> {
    const result = new Map<string, Span[]>();
    const source = this.source('spans', undefined);
    if (source === undefined || traceIds.length === 0) return result;
    const rows = await this.query(
      `SELECT * FROM ${source} WHERE trace_id IN (${traceIdList(traceIds.map(hexToBigInt))}) ORDER BY start_ns`,
      [],
      options,
    );
    const shared = new SharedObjectCache();
    for (const row of rows) {
      const span = rowToSpan(row, shared);
      const list = result.get(span.traceId) ?? [];
      list.push(span);
      result.set(span.traceId, list);
    }
    return result;
  }

  listServices(range: TimeRange | undefined, options: QueryOptions): Promise<string[]> {
    return this.listServicesBySignal(['traces'], range, options);
  }

  async listServicesBySignal(signals: readonly ServiceSignal[], range: TimeRange | undefined, options: QueryOptions): Promise<string[]> {
    // One DISTINCT per signal over its day tables; UNION merges them and drops the duplicates.
    const selects: string[] = [];
    const params: SqlParam[] = [];
    for (const signal of new Set(signals)) {
      const table = SERVICE_SIGNAL_TABLES[signal];
      const source = this.source(table, range);
      if (source === undefined) continue;
      const c = rangeConditions(PARTITION_TIME_COLUMN[table], range);
      selects.push(`SELECT DISTINCT service_name FROM ${source} ${c.where()}`);
      params.push(...c.params);
    }
    if (selects.length === 0) return [];
    const rows = await this.query(`SELECT service_name FROM (${selects.join(' UNION ')}) ORDER BY 1`, params, options);
    return rows.map((r) => String(r.service_name));
  }

  async listOperations(service: string, range: TimeRange | undefined, options: QueryOptions): Promise<Operation[]> {
    const source = this.source('spans', range);
    if (source === undefined) return [];
    const c = rangeConditions('start_ns', range);
    c.add('service_name = ?', service);
    const rows = await this.query(`SELECT DISTINCT name, kind FROM ${source} ${c.where()} ORDER BY 1, 2`, c.params, options);
    return rows.map((r) => ({ name: String(r.name), spanKind: Number(r.kind) }));
  }

  async getDependencies(range: TimeRange, options: QueryOptions): Promise<DependencyLink[]> {
    const source = this.source('spans', range);
    if (source === undefined) return [];
    const c = rangeConditions('start_ns', range);
    const rows = await this.query(
      `WITH s AS (SELECT trace_id, span_id, parent_span_id, service_name FROM ${source} ${c.where()})
       SELECT p.service_name AS parent, ch.service_name AS child, count(*) AS calls
       FROM s ch JOIN s p ON ch.trace_id = p.trace_id AND ch.parent_span_id = p.span_id
       WHERE p.service_name <> ch.service_name
       GROUP BY 1, 2 ORDER BY 1, 2`,
      c.params,
      options,
    );
    return rows.map((r) => ({ parent: String(r.parent), child: String(r.child), callCount: Number(r.calls) }));
  }

  async summarizeServices(q: ServicesSummaryQuery, options: QueryOptions): Promise<ServicesSummary> {
    const source = this.source('spans', q.range);
    if (source === undefined) return assembleServicesSummary(q, []);
    const { sql, params } = spanSummarySql({ source, range: q.range, bucketNs: summaryBucketNs(q), groupBy: ['service_name'], where: rangeConditions('start_ns', q.range), counted: 'kind IN (2, 5)' });
    const rows = await this.query(sql, params, options);
    return assembleServicesSummary(
      q,
      rows.map((r) => {
        const { count, ...figures } = rowToSpanSummary(r);
        return { service: String(r.service_name), requests: count, ...figures };
      }),
    );
  }

  async summarizeOperations(q: OperationsSummaryQuery, options: QueryOptions): Promise<OperationsSummary> {
    const source = this.source('spans', q.range);
    if (source === undefined) return assembleOperationsSummary(q, []);
    const { sql, params } = operationsSummarySql(source, q);
    return assembleOperationsSummary(q, (await this.query(sql, params, options)).map(rowToOperationSummaryRow));
  }

  async histogramLatency(q: LatencyHistogramQuery, options: QueryOptions): Promise<LatencyHistogram> {
    const source = this.source('spans', q.range);
    if (source === undefined) return assembleLatencyHistogram(rowToLatencyHistogramRow(undefined));
    const { sql, params } = latencyHistogramSql(source, q);
    const [row] = await this.query(sql, params, options);
    return assembleLatencyHistogram(rowToLatencyHistogramRow(row));
  }

  async groupErrors(q: ErrorGroupsQuery, options: QueryOptions): Promise<ErrorGroups> {
    const source = this.source('spans', q.range);
    if (source === undefined) return rowsToErrorGroups([]);
    const { sql, params } = errorGroupsSql(source, q);
    return rowsToErrorGroups(await this.query(sql, params, options));
  }

  async getServiceMap(range: TimeRange, options: QueryOptions): Promise<ServiceMap> {
    const source = this.source('spans', range);
    if (source === undefined) return assembleServiceMap([]);
    const wide = { startUnixNano: range.startUnixNano - CALL_MATCH_MARGIN_NS, endUnixNano: range.endUnixNano + CALL_MATCH_MARGIN_NS };
    const rows = await this.query(serviceMapSql(source, this.source('spans', wide)!), [range.startUnixNano, range.endUnixNano, wide.startUnixNano, wide.endUnixNano], options);
    return assembleServiceMap(rows.map(rowToServiceMapRow));
  }

  // ---------------------------------------------------------------- logs

  /** The conditions of a log filter (range, services, severity, text, attributes, trace), shared by search and histogram. */
  private logConditions(q: LogFilter): SqlConditions {
    const c = rangeConditions('ts_ns', q.range);
    if (q.services.length > 0) c.add(`service_name IN (${q.services.map(() => '?').join(', ')})`, ...q.services);
    if (q.minSeverityNumber !== undefined) c.add('severity_number >= ?', q.minSeverityNumber);
    if (q.text !== undefined && q.text !== '') {
      // String bodies match as they are; structured ones (maps, arrays, numbers) by their JSON
      // text, matched with the needle JSON-escaped; bytes and empty bodies have no text.
      const needle = q.text.toLowerCase();
      c.add(
        `(contains(lower(body_string), ?) OR (body_value NOT LIKE '{"$bytes":%' AND body_value <> 'null' AND contains(lower(body_value), ?)))`,
        needle,
        JSON.stringify(needle).slice(1, -1),
      );
    }
    if (q.traceId !== undefined) c.add(`trace_id = ${traceIdList([hexToBigInt(q.traceId)])}`);
    c.addAttributeFilters(q.attributes);
    return c;
  }

  async searchLogs(q: LogSearchQuery, options: QueryOptions): Promise<LogPage> {
    const source = this.source('logs', q.range, 0, '$DAY AS part, rowid AS row_id');
    if (source === undefined) return { records: [] };
    const c = this.logConditions(q);
    if (q.cursor !== undefined) {
      const cursor = decodeLogCursor(q.cursor);
      c.add(
        '(ts_ns < ? OR (ts_ns = ? AND (part < ? OR (part = ? AND row_id < ?))))',
        cursor.tsNs,
        cursor.tsNs,
        cursor.part,
        cursor.part,
        cursor.rowId,
      );
    }
    // Late materialization, by hand: first the page's keys (time, day, rowid) from the narrow
    // columns that the filter and the order read, then only those rows in full. In one step,
    // DuckDB's TOP_N carried every column of every row its scan let through: with 1,000,000
    // records in the last hour, EXPLAIN ANALYZE showed 72,120 wide rows into TOP_N (about 30
    // of 40-50 ms); the narrow top-N takes 11 ms and fetching 101 rows by rowid 2-7 ms
    // (docs/benchmarks.md). Joining the keys back in SQL scanned the whole table (190 ms), hence
    // two statements, on one connection in one read-only transaction: both see the same
    // rows, and retention drops no table while they run (see dropPartitionsBefore). Rowids are
    // stable: log tables are only appended to or dropped whole.
    return this.withConnection(options, true, async (read) => {
      const keys = await read(`SELECT ts_ns, part, row_id FROM ${source} ${c.where()} ORDER BY ts_ns DESC, part DESC, row_id DESC LIMIT ?`, [...c.params, q.limit + 1]);
      const page = keys.slice(0, q.limit);
      const last = page[page.length - 1];
      if (last === undefined) return { records: [] };
      const rowIdsByDay = new Map<string, bigint[]>();
      for (const key of page) {
        const day = String(key.part);
        let rowIds = rowIdsByDay.get(day);
        if (rowIds === undefined) rowIdsByDay.set(day, (rowIds = []));
        rowIds.push(key.row_id as bigint);
      }
      // Safe to inline: day keys and rowids come from the statement above (digits only).
      const fetch = [...rowIdsByDay].map(
        ([day, rowIds]) => `SELECT *, '${day}' AS part, rowid AS row_id FROM ${partitionTableName('logs', dayIndexFromKey(day)!)} WHERE rowid IN (${rowIds.join(', ')})`,
      );
      const rows = await read(fetch.join(' UNION ALL '), []);
      const rowByKey = new Map(rows.map((r) => [`${String(r.part)}:${String(r.row_id)}`, r]));
      const shared = new SharedObjectCache();
      const records = page.map((key) => {
        const row = rowByKey.get(`${String(key.part)}:${String(key.row_id)}`);
        // Cannot happen within one snapshot; a short page would make the cursor skip records.
        if (row === undefined) throw new PharosError('PHAROS_ERR_QUERY_FAILED', `log record ${String(key.part)}:${String(key.row_id)} vanished between two reads of one snapshot`);
        return rowToLog(row, shared);
      });
      return { records, nextCursor: keys.length > q.limit ? encodeLogCursor(last.ts_ns as bigint, String(last.part), last.row_id as bigint) : undefined };
    });
  }

  async histogramLogs(q: LogHistogramQuery, options: QueryOptions): Promise<LogHistogram> {
    const source = this.source('logs', q.range);
    if (source === undefined) return assembleLogHistogram(q, []);
    const c = this.logConditions(q);
    // Band index into SEVERITY_BANDS: 0 (unspecified) is info (2); 1-4 → 0 … 21 and above → 5.
    // The bucket parameters are cast to BIGINT, as in summarizeServices (untyped, they are slow).
    const rows = await this.query(
      `SELECT (ts_ns - ?::BIGINT) // ?::BIGINT AS bucket,
          CASE WHEN severity_number = 0 THEN 2 ELSE least(5, (severity_number::INTEGER - 1) // 4) END AS band,
          count(*) AS n
        FROM ${source} ${c.where()}
        GROUP BY 1, 2`,
      [q.range.startUnixNano, logHistogramBucketNs(q), ...c.params],
      options,
    );
    return assembleLogHistogram(
      q,
      rows.map((r) => ({ bucket: Number(r.bucket), band: SEVERITY_BANDS[Number(r.band)], count: Number(r.n) })),
    );
  }

  // ---------------------------------------------------------------- metrics

  private selectorConditions(selector: MetricSelector): SqlConditions {
    const c = rangeConditions('time_ns', selector.range);
    if (selector.metricName !== undefined) c.add('metric_name = ?', selector.metricName);
    c.addAttributeFilters(selector.matchers);
    return c;
  }

  async listMetrics(range: TimeRange, options: QueryOptions): Promise<MetricInfo[]> {
    const source = this.source('metrics', range);
    if (source === undefined) return [];
    const c = rangeConditions('time_ns', range);
    const rows = await this.query(
      `SELECT metric_name, any_value(metric_type) AS type, any_value(metric_unit) AS unit, any_value(metric_description) AS description
       FROM ${source} ${c.where()} GROUP BY metric_name ORDER BY metric_name`,
      c.params,
      options,
    );
    return rows.map((r) => ({ name: String(r.metric_name), type: String(r.type) as MetricInfo['type'], unit: String(r.unit), description: String(r.description) }));
  }

  async listLabelNames(selector: MetricSelector, options: QueryOptions): Promise<string[]> {
    const source = this.source('metrics', selector.range);
    if (source === undefined) return [];
    const c = this.selectorConditions(selector);
    const rows = await this.query(
      `SELECT DISTINCT unnest(map_keys(attributes)) AS label FROM ${source} ${c.where()} ORDER BY 1 LIMIT ?`,
      [...c.params, selector.limit],
      options,
    );
    return [...new Set(['service.name', ...rows.map((r) => String(r.label))])].sort();
  }

  async listLabelValues(label: string, selector: MetricSelector, options: QueryOptions): Promise<string[]> {
    const source = this.source('metrics', selector.range);
    if (source === undefined) return [];
    const c = this.selectorConditions(selector);
    if (label === 'service.name') {
      const rows = await this.query(`SELECT DISTINCT service_name AS v FROM ${source} ${c.where()} ORDER BY 1 LIMIT ?`, [...c.params, selector.limit], options);
      return rows.map((r) => String(r.v));
    }
    c.add('attributes[?] IS NOT NULL', label);
    const rows = await this.query(
      `SELECT DISTINCT attributes[?]::VARCHAR AS v FROM ${source} ${c.where()} ORDER BY 1 LIMIT ?`,
      [label, ...c.params, selector.limit],
      options,
    );
    return rows.map((r) => {
      const text = String(r.v);
      const parsed = decodeAttributesJson(`{"v":${text}}`).v;
      return attributeText(parsed);
    });
  }

  async findSeries(selector: MetricSelector, options: QueryOptions): Promise<MetricSeries[]> {
    const source = this.source('metrics', selector.range);
    if (source === undefined) return [];
    const c = this.selectorConditions(selector);
    const rows = await this.query(
      `SELECT DISTINCT metric_name, service_name, attributes FROM ${source} ${c.where()} ORDER BY 1, 2, 3 LIMIT ?`,
      [...c.params, selector.limit],
      options,
    );
    return rows.map((r) => {
      const labels: Record<string, string> = { 'service.name': String(r.service_name) };
      const attributes = decodeAttributesMap(r.attributes);
      for (const key of Object.keys(attributes)) labels[key] = attributeText(attributes[key]);
      return { metricName: String(r.metric_name), labels };
    });
  }

  async readPoints(selector: MetricSelector, options: QueryOptions): Promise<MetricPoint[]> {
    const source = this.source('metrics', selector.range);
    if (source === undefined) return [];
    const c = this.selectorConditions(selector);
    const rows = await this.query(`SELECT * FROM ${source} ${c.where()} ORDER BY time_ns LIMIT ?`, [...c.params, selector.limit], options);
    const shared = new SharedObjectCache();
    const descriptors = new Map<string, MetricDescriptor>();
    return rows.map((r) => rowToPoint(r, shared, descriptors));
  }

  // ---------------------------------------------------------------- housekeeping

  async getStats(options: QueryOptions): Promise<StoreStats> {
    const parts: string[] = [];
    for (const signal of SIGNALS) {
      for (const day of this.partitions.get(signal)!) {
        parts.push(`SELECT '${signal}' AS signal, '${dayKeyOf(day)}' AS day, count(*) AS n FROM ${partitionTableName(signal, day)}`);
      }
    }
    const rows = parts.length === 0 ? [] : await this.query(`${parts.join(' UNION ALL ')} ORDER BY 1, 2`, [], options);
    const partitions: PartitionInfo[] = rows.map((r) => {
      const day = String(r.day);
      return { signal: r.signal as PartitionInfo['signal'], day: `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`, rowCount: Number(r.n) };
    });
    const count = (signal: string) => partitions.filter((p) => p.signal === signal).reduce((n, p) => n + p.rowCount, 0);
    const fileBytes = await stat(this.file).then((s) => s.size, () => 0);
    const walBytes = await stat(`${this.file}.wal`).then((s) => s.size, () => 0);
    const [size] = await this.query('SELECT used_blocks * block_size AS used FROM pragma_database_size()', [], options);
    return {
      spanCount: count('spans'),
      logCount: count('logs'),
      pointCount: count('metrics'),
      partitions,
      diskBytes: fileBytes + walBytes,
      usedBytes: Number(size.used) + walBytes,
    };
  }

  async dropPartitionsBefore(cutoffUnixNano: UnixNano): Promise<PartitionInfo[]> {
    return this.serializeDdl(async () => {
      // Forgotten first, so that queries planned from now on leave these tables out; dropped
      // once the queries planned before, which may read them, are done (each has a timeout).
      const doomed: Array<{ signal: Signal; day: number }> = [];
      for (const signal of SIGNALS) {
        const days = this.partitions.get(signal)!;
        for (const day of days) if (dayStartUnixNano(day + 1) <= cutoffUnixNano) doomed.push({ signal, day });
      }
      if (doomed.length === 0) return [];
      for (const { signal, day } of doomed) this.partitions.get(signal)!.delete(day);
      await Promise.all([...this.queriesInFlight]);
      const dropped: PartitionInfo[] = [];
      for (const [i, { signal, day }] of doomed.entries()) {
        try {
          await this.ddl.run(`DROP TABLE IF EXISTS ${partitionTableName(signal, day)}`);
        } catch (error) {
          for (const kept of doomed.slice(i)) this.partitions.get(kept.signal)!.add(kept.day);
          throw error;
        }
        const key = dayKeyOf(day);
        dropped.push({ signal, day: `${key.slice(0, 4)}-${key.slice(4, 6)}-${key.slice(6, 8)}`, rowCount: 0 });
      }
      // Frees the dropped tables' blocks now. DuckDB refuses while another transaction is open
      // (a query, a write); then its next automatic checkpoint (or close) frees them.
      await this.ddl.run('CHECKPOINT').catch((error: unknown) => {
        if (!/Cannot CHECKPOINT/i.test(String(error))) throw error;
      });
      return dropped;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.writesInFlight);
    await this.serializeDdl(() => this.ddl.run('CHECKPOINT')).catch(() => undefined);
    for (const writer of this.writers) writer.close();
    for (const connection of [this.ddl, ...this.readers]) connection.closeSync();
    this.instance.closeSync();
  }
}

function daysOf<T>(items: T[], timeOf: (item: T) => bigint): Set<number> {
  const days = new Set<number>();
  for (const item of items) days.add(dayIndexOf(timeOf(item)));
  return days;
}

/** A SQL list of trace ids. Safe to inline: the values are integers we computed. */
function traceIdList(ids: bigint[]): string {
  return ids.map((id) => `'${id.toString()}'::UHUGEINT`).join(', ');
}

function minBy<T>(items: T[], keyOf: (item: T) => bigint): T {
  return items.reduce((best, item) => (keyOf(item) < keyOf(best) ? item : best));
}

function encodeLogCursor(tsNs: bigint, part: string, rowId: bigint): string {
  return Buffer.from(`${tsNs}:${part}:${rowId}`).toString('base64url');
}

function decodeLogCursor(cursor: string): { tsNs: bigint; part: string; rowId: bigint } {
  const match = /^(-?\d{1,19}):(\d{8}):(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString());
  const invalid = () => new PharosError('PHAROS_ERR_QUERY_INVALID', 'Invalid parameter "cursor": not a cursor returned by a previous page');
  if (match === null) throw invalid();
  const tsNs = BigInt(match[1]);
  const rowId = BigInt(match[3]);
  const INT64_MAX = 9_223_372_036_854_775_807n;
  if (tsNs > INT64_MAX || tsNs < -INT64_MAX || rowId > INT64_MAX) throw invalid();
  return { tsNs, part: match[2], rowId };
}
