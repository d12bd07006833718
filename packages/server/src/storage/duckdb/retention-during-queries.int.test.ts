import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '@pharos/core';
import { makeLog } from '../conformance/fixtures.js';
import type { PartitionInfo } from '../interface.js';
import { openDuckDbStore, type DuckDbStore } from './duckdb-store.js';

/*
 * Retention drops whole day tables while queries run. A query planned before the drop
 * (its SQL names the table) must still answer, the log search's two statements included;
 * the drop waits for it and then happens.
 */

const Q = { timeoutMs: 10_000 };
const MS = 1_000_000n;
const DAY = 86_400_000n * MS;

let dataDir: string | undefined;
let store: DuckDbStore | undefined;

afterEach(async () => {
  await store?.close();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  store = undefined;
  dataDir = undefined;
});

/** A store holding 5 log records on each of the days 40, 39 and 38 days ago (by whole days), at noon. */
async function openStoreWithOldLogs(): Promise<{ store: DuckDbStore; noonOf: (daysAgo: bigint) => bigint; records: LogRecord[] }> {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-retention-'));
  store = await openDuckDbStore({ dataDir });
  const today = (BigInt(Date.now()) * MS) / DAY;
  const noonOf = (daysAgo: bigint) => (today - daysAgo) * DAY + DAY / 2n;
  const records = [40n, 39n, 38n].flatMap((daysAgo) =>
    [0n, 1n, 2n, 3n, 4n].map((i) => makeLog({ service: 'old-job', timeUnixNano: noonOf(daysAgo) + i * MS, severityNumber: 9, body: `day -${daysAgo} #${i}` })),
  );
  await store.append({ spans: [], logs: records, points: [] });
  return { store, noonOf, records };
}

/**
 * Calls `between` each time a reader connection finishes a statement whose SQL starts with
 * `prefix`, before the store sees the answer. Reaches into the store's private pool: the
 * window between two statements cannot be hit reliably from outside.
 */
function pauseAfterStatement(target: DuckDbStore, prefix: string, between: () => Promise<void>): void {
  const readers = (target as unknown as { readers: DuckDBConnection[] }).readers;
  for (const reader of readers) {
    const run = reader.runAndReadAll.bind(reader);
    reader.runAndReadAll = (async (...args: Parameters<DuckDBConnection['runAndReadAll']>) => {
      const result = await run(...args);
      if (args[0].startsWith(prefix)) await between();
      return result;
    }) as DuckDBConnection['runAndReadAll'];
  }
}

describe('DuckDB retention during queries', () => {
  it('a log search whose day table is dropped between its two statements still answers in full', async () => {
    const { store: s, noonOf, records } = await openStoreWithOldLogs();
    const range = { startUnixNano: noonOf(41n), endUnixNano: noonOf(37n) };
    let drop: Promise<unknown> | undefined;
    pauseAfterStatement(s, 'SELECT ts_ns, part, row_id', async () => {
      // Started, not awaited: it must wait for this search, which holds the table.
      drop ??= s.dropPartitionsBefore(noonOf(38n) - DAY / 2n);
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const page = await s.searchLogs({ range, services: ['old-job'], attributes: [], limit: 100 }, Q);
    expect(page.records).toEqual([...records].reverse());
    expect(((await drop) as PartitionInfo[]).map((p) => p.signal)).toEqual(['logs', 'logs']);
    // The drop happened, and every pooled connection is usable (no transaction left open).
    for (let i = 0; i < 6; i++) {
      const after = await s.searchLogs({ range, services: ['old-job'], attributes: [], limit: 100 }, Q);
      expect(after.records.map((r) => r.body)).toEqual(['day -38 #4', 'day -38 #3', 'day -38 #2', 'day -38 #1', 'day -38 #0']);
    }
  });

  it('queries running while retention drops their days never fail', async () => {
    const { store: s, noonOf } = await openStoreWithOldLogs();
    const range = { startUnixNano: noonOf(41n), endUnixNano: noonOf(37n) };
    const search = () => s.searchLogs({ range, services: ['old-job'], attributes: [], limit: 3 }, Q);
    const histogram = () => s.histogramLogs({ range, services: ['old-job'], attributes: [], bucketCount: 4 }, Q);
    // Searches and histograms started before, with and after each drop, more than the pool has connections.
    const queries: Array<Promise<unknown>> = [];
    const drops: Array<Promise<unknown>> = [];
    for (const daysAgo of [39n, 38n, 37n]) {
      for (let i = 0; i < 4; i++) queries.push(search(), histogram());
      drops.push(s.dropPartitionsBefore(noonOf(daysAgo) - DAY / 2n));
      for (let i = 0; i < 4; i++) queries.push(search(), histogram());
    }
    const outcomes = await Promise.allSettled([...queries, ...drops]);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect((await search()).records).toEqual([]);
    expect((await s.getStats(Q)).partitions).toEqual([]);
  });
});
