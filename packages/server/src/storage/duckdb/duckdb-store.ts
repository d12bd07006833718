import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { PharosError, decodeAttributesJson, wrapError, type LogRecord, type MetricDescriptor, type MetricPoint, type Span, type TelemetryBatch, type UnixNano } from '@pharos/core';
import type {
  DependencyLink,
  LogPage,
  LogSearchQuery,
  MetricInfo,
  MetricSelector,
  MetricSeries,
  Operation,
  PartitionInfo,
  QueryOptions,
  StoreStats,
  TelemetryStore,
  TimeRange,
  TraceSearchQuery,
  TraceSummary,
} from '../interface.js';
import {
  SIGNALS,
  createPartitionSql,
  dayIndexOf,
  dayKeyOf,
  dayStartUnixNano,
  parsePartitionTableName,
  partitionTableName,
  type Signal,
} from './schema.js';
import {
  SharedJsonCache,
  SharedObjectCache,
  appendLogRow,
  appendPointRow,
  appendSpanRow,
  attributeText,
  effectiveLogTime,
  hexToBigInt,
  bigIntToHex,
  rowToLog,
  rowToPoint,
  rowToSpan,
} from './row-codec.js';
import { SqlConditions, jsonPathOf } from './sql-filters.js';

type Row = Record<string, unknown>;
type Param = string | number | bigint | boolean;

export interface DuckDbStoreOptions {
  /** Folder holding `pharos.duckdb` (created when missing). */
  dataDir: string;
  /** Connections used by queries, which run in parallel with each other and with writes. */
  readerConnections?: number;
}

const DATABASE_FILE = 'pharos.duckdb';

/** Opens (or creates) the embedded DuckDB store in `options.dataDir`. */
export async function openDuckDbStore(options: DuckDbStoreOptions): Promise<DuckDbStore> {
  const file = path.join(options.dataDir, DATABASE_FILE);
  let instance: DuckDBInstance;
  try {
    await mkdir(options.dataDir, { recursive: true });
    instance = await DuckDBInstance.create(file);
  } catch (error) {
    const hint = /lock/i.test(String(error)) ? ' (is another Pharos server using this data directory?)' : '';
    throw wrapError(error, 'PHAROS_ERR_STORAGE_OPEN', `opening ${file}${hint}`);
  }
  const writer = await instance.connect();
  const readers: DuckDBConnection[] = [];
  for (let i = 0; i < (options.readerConnections ?? 3); i++) readers.push(await instance.connect());
  const store = new DuckDbStore(instance, file, writer, readers);
  await store.loadPartitions();
  return store;
}

/** A small pool: each query borrows a connection, so a timeout can interrupt just that query. */
class ConnectionPool {
  private readonly waiters: Array<(connection: DuckDBConnection) => void> = [];
  constructor(private readonly idle: DuckDBConnection[]) {}

  async acquire(): Promise<DuckDBConnection> {
    const connection = this.idle.pop();
    if (connection !== undefined) return connection;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(connection: DuckDBConnection): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter(connection);
    else this.idle.push(connection);
  }
}

/** The embedded, single-process TelemetryStore (see schema.ts for the layout). */
export class DuckDbStore implements TelemetryStore {
  private readonly partitions = new Map<Signal, Set<number>>(SIGNALS.map((s) => [s, new Set<number>()]));
  private readonly pool: ConnectionPool;
  private readonly jsonCache = new SharedJsonCache();
  private writeChain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly file: string,
    private readonly writer: DuckDBConnection,
    private readonly readers: DuckDBConnection[],
  ) {
    this.pool = new ConnectionPool([...readers]);
  }

  /** Reads which partition tables exist. Called once by openDuckDbStore. */
  async loadPartitions(): Promise<void> {
    const reader = await this.writer.runAndReadAll(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'`);
    for (const [name] of reader.getRowsJS()) {
      const parsed = parsePartitionTableName(String(name));
      if (parsed !== undefined) this.partitions.get(parsed.signal)!.add(parsed.dayIndex);
    }
  }

  // ---------------------------------------------------------------- append side

  append(batch: TelemetryBatch): Promise<void> {
    const run = this.writeChain.then(() => this.appendNow(batch));
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  private async appendNow(batch: TelemetryBatch): Promise<void> {
    if (this.closed) throw new PharosError('PHAROS_ERR_STORAGE_WRITE', 'the store is closed');
    if (batch.spans.length + batch.logs.length + batch.points.length === 0) return;
    const groups: Array<[Signal, Map<number, unknown[]>]> = [
      ['spans', groupByDay(batch.spans, (s: Span) => s.startTimeUnixNano)],
      ['logs', groupByDay(batch.logs, effectiveLogTime)],
      ['metrics', groupByDay(batch.points, (p: MetricPoint) => p.timeUnixNano)],
    ];
    const created: Array<[Signal, number]> = [];
    try {
      await this.writer.run('BEGIN TRANSACTION');
      for (const [signal, byDay] of groups) {
        for (const [dayIndex, items] of byDay) {
          if (!this.partitions.get(signal)!.has(dayIndex)) {
            await this.writer.run(createPartitionSql(signal, dayIndex));
            created.push([signal, dayIndex]);
          }
          const appender = await this.writer.createAppender(partitionTableName(signal, dayIndex));
          try {
            this.appendRows(appender, signal, items);
          } finally {
            appender.closeSync();
          }
        }
      }
      await this.writer.run('COMMIT');
    } catch (error) {
      await this.writer.run('ROLLBACK').catch(() => undefined);
      throw wrapError(error, 'PHAROS_ERR_STORAGE_WRITE', 'writing a batch to DuckDB');
    }
    for (const [signal, dayIndex] of created) this.partitions.get(signal)!.add(dayIndex);
  }

  private appendRows(appender: DuckDBAppender, signal: Signal, items: unknown[]): void {
    const cache = this.jsonCache;
    if (signal === 'spans') {
      for (const span of items as Span[]) {
        appendSpanRow(appender, cache, span);
        appender.endRow();
      }
    } else if (signal === 'logs') {
      for (const record of items as LogRecord[]) {
        appendLogRow(appender, cache, record);
        appender.endRow();
      }
    } else {
      for (const point of items as MetricPoint[]) {
        appendPointRow(appender, cache, point);
        appender.endRow();
      }
    }
  }

  // ---------------------------------------------------------------- query plumbing

  private async query(sql: string, params: Param[], options: QueryOptions): Promise<Row[]> {
    const connection = await this.pool.acquire();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      connection.interrupt();
    }, options.timeoutMs);
    try {
      const reader = await connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJS() as Row[];
    } catch (error) {
      if (timedOut) throw new PharosError('PHAROS_ERR_QUERY_TIMEOUT', `the query ran longer than ${options.timeoutMs} ms and was cancelled`, { cause: error });
      throw wrapError(error, 'PHAROS_ERR_QUERY_FAILED', 'running a DuckDB query');
    } finally {
      clearTimeout(timer);
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
    c.addAttributeFilters(q.attributes);
    const matched = await this.query(
      `SELECT trace_id, max(start_ns) AS last_start FROM ${source} ${c.where()} GROUP BY trace_id ORDER BY last_start DESC LIMIT ?`,
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

  async listServices(range: TimeRange | undefined, options: QueryOptions): Promise<string[]> {
    const source = this.source('spans', range);
    if (source === undefined) return [];
    const c = rangeConditions('start_ns', range);
    const rows = await this.query(`SELECT DISTINCT service_name FROM ${source} ${c.where()} ORDER BY 1`, c.params, options);
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

  // ---------------------------------------------------------------- logs

  async searchLogs(q: LogSearchQuery, options: QueryOptions): Promise<LogPage> {
    const source = this.source('logs', q.range, 0, '$DAY AS part, rowid AS row_id');
    if (source === undefined) return { records: [] };
    const c = rangeConditions('ts_ns', q.range);
    if (q.services.length > 0) c.add(`service_name IN (${q.services.map(() => '?').join(', ')})`, ...q.services);
    if (q.minSeverityNumber !== undefined) c.add('severity_number >= ?', q.minSeverityNumber);
    if (q.text !== undefined && q.text !== '') {
      // Bodies are stored as JSON text, so the needle is matched in its JSON-escaped form.
      c.add('contains(lower(body), ?)', JSON.stringify(q.text.toLowerCase()).slice(1, -1));
    }
    if (q.traceId !== undefined) c.add(`trace_id = ${traceIdList([hexToBigInt(q.traceId)])}`);
    c.addAttributeFilters(q.attributes);
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
    const rows = await this.query(
      `SELECT * FROM ${source} ${c.where()} ORDER BY ts_ns DESC, part DESC, row_id DESC LIMIT ?`,
      [...c.params, q.limit + 1],
      options,
    );
    const shared = new SharedObjectCache();
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      records: page.map((r) => rowToLog(r, shared)),
      nextCursor: rows.length > q.limit && last !== undefined ? encodeLogCursor(last.ts_ns as bigint, String(last.part), last.row_id as bigint) : undefined,
    };
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
      `SELECT DISTINCT unnest(json_keys(attributes)) AS label FROM ${source} ${c.where()} ORDER BY 1 LIMIT ?`,
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
    c.add('json_extract(attributes, ?) IS NOT NULL', jsonPathOf(label));
    const rows = await this.query(
      `SELECT DISTINCT json_extract(attributes, ?)::VARCHAR AS v FROM ${source} ${c.where()} ORDER BY 1 LIMIT ?`,
      [jsonPathOf(label), ...c.params, selector.limit],
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
      const attributes = decodeAttributesJson(String(r.attributes));
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
    let diskBytes = 0;
    for (const file of [this.file, `${this.file}.wal`]) {
      diskBytes += await stat(file).then((s) => s.size, () => 0);
    }
    return { spanCount: count('spans'), logCount: count('logs'), pointCount: count('metrics'), partitions, diskBytes };
  }

  async dropPartitionsBefore(cutoffUnixNano: UnixNano): Promise<PartitionInfo[]> {
    const run = this.writeChain.then(async () => {
      const dropped: PartitionInfo[] = [];
      for (const signal of SIGNALS) {
        const days = this.partitions.get(signal)!;
        for (const day of [...days]) {
          if (dayStartUnixNano(day + 1) > cutoffUnixNano) continue;
          await this.writer.run(`DROP TABLE IF EXISTS ${partitionTableName(signal, day)}`);
          days.delete(day);
          const key = dayKeyOf(day);
          dropped.push({ signal, day: `${key.slice(0, 4)}-${key.slice(4, 6)}-${key.slice(6, 8)}`, rowCount: 0 });
        }
      }
      if (dropped.length > 0) await this.writer.run('CHECKPOINT');
      return dropped;
    });
    this.writeChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Forces DuckDB to move its WAL into the main file (also done on close). */
  async checkpoint(): Promise<void> {
    const run = this.writeChain.then(() => this.writer.run('CHECKPOINT').then(() => undefined));
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.writeChain;
    this.closed = true;
    await this.writer.run('CHECKPOINT').catch(() => undefined);
    for (const connection of [this.writer, ...this.readers]) connection.closeSync();
    this.instance.closeSync();
  }
}

function groupByDay<T>(items: T[], timeOf: (item: T) => bigint): Map<number, T[]> {
  const byDay = new Map<number, T[]>();
  let lastDay = Number.NaN;
  let lastList: T[] = [];
  for (const item of items) {
    const day = dayIndexOf(timeOf(item));
    if (day !== lastDay) {
      lastDay = day;
      let list = byDay.get(day);
      if (list === undefined) byDay.set(day, (list = []));
      lastList = list;
    }
    lastList.push(item);
  }
  return byDay;
}

function rangeConditions(column: string, range: TimeRange | undefined): SqlConditions {
  const c = new SqlConditions();
  if (range !== undefined) {
    c.add(`${column} >= ?`, range.startUnixNano);
    c.add(`${column} < ?`, range.endUnixNano);
  }
  return c;
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
  const match = /^(-?\d{1,20}):(\d{8}):(\d{1,20})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (match === null) throw new PharosError('PHAROS_ERR_QUERY_INVALID', 'cursor: not a cursor returned by a previous page');
  return { tsNs: BigInt(match[1]), part: match[2], rowId: BigInt(match[3]) };
}
