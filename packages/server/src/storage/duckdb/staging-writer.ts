import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { LogRecord, MetricPoint, Span } from '@pharos/core';
import { appendLogRow, appendPointRow, appendSpanRow, ResourceScopeRefs, type SharedJsonCache } from './row-codec.js';
import {
  SIGNALS,
  STAGE_RESOURCE_SCOPES,
  clearStageSql,
  createStageSql,
  moveStagedRowsSql,
  setIngestPositionSql,
  stageTableName,
  type Signal,
} from './schema.js';

/** Rows appended between two yields to the event loop. */
const ROWS_PER_SLICE = 2000;

/** One signal's share of a batch: its items and the days they fall on. */
export interface StagedWork {
  signal: Signal;
  items: Span[] | LogRecord[] | MetricPoint[];
  days: Set<number>;
}

/**
 * One write connection with its staging tables and long-lived appenders. A batch is
 * appended to the (temporary, in-memory) staging tables, then moved into the day tables
 * and committed by one multi-statement call, so a batch costs a single round trip to
 * DuckDB's thread instead of one per statement.
 */
export class StagingWriter {
  private constructor(
    private readonly instanceConnection: DuckDBConnection,
    private appenders: Map<string, DuckDBAppender>,
  ) {}

  static async open(instance: DuckDBInstance): Promise<StagingWriter> {
    const connection = await instance.connect();
    for (const statement of createStageSql()) await connection.run(statement);
    return new StagingWriter(connection, await openAppenders(connection));
  }

  /**
   * Writes `work` durably: staged, moved into the day tables (which must exist) and
   * committed as one transaction, with `ingestPosition` when given. On failure nothing of
   * the batch is kept.
   */
  async write(work: StagedWork[], cache: SharedJsonCache, ingestPosition?: bigint): Promise<void> {
    try {
      const refs = new ResourceScopeRefs(this.appender(STAGE_RESOURCE_SCOPES), cache);
      for (const { signal, items } of work) {
        const appender = this.appender(stageTableName(signal));
        for (let start = 0; start < items.length; start += ROWS_PER_SLICE) {
          // Large batches are staged in slices, letting the event loop serve requests in between.
          if (start > 0) await new Promise((resolve) => setImmediate(resolve));
          const end = Math.min(items.length, start + ROWS_PER_SLICE);
          if (signal === 'spans') {
            for (let i = start; i < end; i++) {
              appendSpanRow(appender, refs, items[i] as Span);
              appender.endRow();
            }
          } else if (signal === 'logs') {
            for (let i = start; i < end; i++) {
              appendLogRow(appender, refs, items[i] as LogRecord);
              appender.endRow();
            }
          } else {
            for (let i = start; i < end; i++) {
              appendPointRow(appender, cache, refs, items[i] as MetricPoint);
              appender.endRow();
            }
          }
        }
        appender.flushSync();
      }
      this.appender(STAGE_RESOURCE_SCOPES).flushSync();
    } catch (error) {
      await this.reset();
      throw error;
    }
    const statements = ['BEGIN TRANSACTION'];
    for (const { signal, days } of work) for (const day of days) statements.push(moveStagedRowsSql(signal, day));
    for (const { signal } of work) statements.push(clearStageSql(signal));
    statements.push(clearStageSql('resource_scopes'));
    if (ingestPosition !== undefined) statements.push(setIngestPositionSql(ingestPosition));
    statements.push('COMMIT');
    try {
      await this.instanceConnection.run(statements.join(';\n'));
    } catch (error) {
      await this.instanceConnection.run('ROLLBACK').catch(() => undefined);
      await this.reset();
      throw error;
    }
  }

  /** Throws away whatever is staged (appender buffers included) and starts afresh. */
  private async reset(): Promise<void> {
    for (const appender of this.appenders.values()) {
      try {
        appender.closeSync();
      } catch {
        // A half-appended row makes close fail; the appender is discarded either way.
      }
    }
    try {
      for (const stage of [...SIGNALS, 'resource_scopes'] as const) await this.instanceConnection.run(clearStageSql(stage));
    } finally {
      // Fresh appenders whatever happened, or every later write would find them closed.
      this.appenders = await openAppenders(this.instanceConnection);
    }
  }

  private appender(table: string): DuckDBAppender {
    return this.appenders.get(table)!;
  }

  close(): void {
    for (const appender of this.appenders.values()) appender.closeSync();
    this.instanceConnection.closeSync();
  }
}

async function openAppenders(connection: DuckDBConnection): Promise<Map<string, DuckDBAppender>> {
  const appenders = new Map<string, DuckDBAppender>();
  for (const table of [...SIGNALS.map(stageTableName), STAGE_RESOURCE_SCOPES]) appenders.set(table, await connection.createAppender(table));
  return appenders;
}
