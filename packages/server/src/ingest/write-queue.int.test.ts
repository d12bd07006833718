import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TelemetryBatch } from '@pharos/core';
import { SelfMetrics } from '../observe/self-metrics.js';
import { hexId, makeSpan } from '../storage/conformance/fixtures.js';
import { openDuckDbStore } from '../storage/index.js';
import { WriteAheadLog } from './write-ahead-log.js';
import { WriteQueue } from './write-queue.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Log records here are just a trace id; replay rebuilds the span from it. */
function spanBatch(traceId: string): TelemetryBatch {
  return { spans: [makeSpan({ traceId, service: 'queue-test', name: 'op', startUnixNano: 1_700_000_000_000_000_000n, durationNs: 1n })], logs: [], points: [] };
}
const decodeRecord = (record: { payload: Uint8Array }) => spanBatch(Buffer.from(record.payload).toString());

describe('WriteQueue', () => {
  it('acknowledges once logged, stores in the background, and replays what storage lacked after a crash', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-queue-'));
    dirs.push(dataDir);
    const store = await openDuckDbStore({ dataDir });
    const wal = await WriteAheadLog.open(path.join(dataDir, 'wal'));
    // Storage writes wait a minute: nothing reaches the store unless flushed.
    const queue = new WriteQueue({ store, wal, metrics: new SelfMetrics(), maxQueuedItems: 1000, decodeRecord, maxApplyDelayMs: 60_000, applyThresholdItems: 1_000_000 });
    const ids = Array.from({ length: 10 }, () => hexId(16));
    for (const id of ids.slice(0, 4)) await queue.submit(spanBatch(id), { kind: 0, receivedAtUnixMs: Date.now(), payload: Buffer.from(id) });
    await queue.flush();
    expect((await store.getTraces(ids, { timeoutMs: 5000 })).size).toBe(4);
    for (const id of ids.slice(4)) await queue.submit(spanBatch(id), { kind: 0, receivedAtUnixMs: Date.now(), payload: Buffer.from(id) });
    expect(queue.depth).toBe(6);
    expect((await store.getTraces(ids, { timeoutMs: 5000 })).size).toBe(4);

    // "Crash": drop the queue without draining; a new one on the same log and store recovers.
    await wal.close();
    const wal2 = await WriteAheadLog.open(path.join(dataDir, 'wal'));
    const queue2 = new WriteQueue({ store, wal: wal2, metrics: new SelfMetrics(), maxQueuedItems: 1000, decodeRecord });
    expect(await queue2.recover()).toBe(6);
    const traces = await store.getTraces(ids, { timeoutMs: 5000 });
    expect([...traces.keys()].sort()).toEqual([...ids].sort());
    expect([...traces.values()].every((spans) => spans.length === 1)).toBe(true);
    // Nothing is replayed twice.
    const wal3 = await WriteAheadLog.open(path.join(dataDir, 'wal'));
    expect(await new WriteQueue({ store, wal: wal3, metrics: new SelfMetrics(), maxQueuedItems: 1000, decodeRecord }).recover()).toBe(0);
    await wal2.close();
    await wal3.close();
    await store.close();
  });

  it('refuses with 503 + Retry-After when accepted items outrun storage, and drains on shutdown', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-queue-'));
    dirs.push(dataDir);
    const store = await openDuckDbStore({ dataDir });
    const wal = await WriteAheadLog.open(path.join(dataDir, 'wal'));
    const queue = new WriteQueue({ store, wal, metrics: new SelfMetrics(), maxQueuedItems: 2, decodeRecord, maxApplyDelayMs: 60_000, applyThresholdItems: 1_000_000 });
    const ids = [hexId(16), hexId(16), hexId(16)];
    await queue.submit(spanBatch(ids[0]), { kind: 0, receivedAtUnixMs: Date.now(), payload: Buffer.from(ids[0]) });
    await queue.submit(spanBatch(ids[1]), { kind: 0, receivedAtUnixMs: Date.now(), payload: Buffer.from(ids[1]) });
    await expect(queue.submit(spanBatch(ids[2]), { kind: 0, receivedAtUnixMs: Date.now(), payload: Buffer.from(ids[2]) })).rejects.toMatchObject({
      code: 'PHAROS_ERR_INGEST_OVERLOADED',
      httpStatus: 503,
      retryAfterSeconds: 1,
    });
    await queue.drain();
    expect((await store.getTraces(ids, { timeoutMs: 5000 })).size).toBe(2);
    await expect(queue.submit(spanBatch(ids[2]), { kind: 0, receivedAtUnixMs: Date.now(), payload: Buffer.from(ids[2]) })).rejects.toMatchObject({ code: 'PHAROS_ERR_INGEST_SHUTTING_DOWN' });
    await wal.close();
    await store.close();
  });
});

describe('WriteQueue with a request storage cannot take', () => {
  it('stores the others, drops and counts the bad one, and keeps ingesting', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-queue-'));
    dirs.push(dataDir);
    const inner = await openDuckDbStore({ dataDir });
    // A store that refuses any batch holding a span named "poison", as DuckDB refuses a value it cannot convert.
    const store = Object.assign(Object.create(inner) as typeof inner, {
      append: (batch: TelemetryBatch, options?: { ingestPosition?: bigint }) =>
        batch.spans.some((s) => s.name === 'poison') ? Promise.reject(new Error('Conversion Error: cannot convert')) : inner.append(batch, options),
    });
    const wal = await WriteAheadLog.open(path.join(dataDir, 'wal'));
    const metrics = new SelfMetrics();
    const queue = new WriteQueue({ store, wal, metrics, maxQueuedItems: 1000, decodeRecord, maxApplyDelayMs: 60_000, applyThresholdItems: 1_000_000 });
    const ids = [hexId(16), hexId(16), hexId(16)];
    const poison = spanBatch(ids[1]);
    poison.spans[0].name = 'poison';
    await queue.submit(spanBatch(ids[0]), { kind: 0, receivedAtUnixMs: Date.now(), payload: Buffer.from(ids[0]) });
    await queue.submit(poison, { kind: 0, receivedAtUnixMs: Date.now(), payload: Buffer.from(ids[1]) });
    await queue.submit(spanBatch(ids[2]), { kind: 0, receivedAtUnixMs: Date.now(), payload: Buffer.from(ids[2]) });
    await queue.flush();
    expect([...(await inner.getTraces(ids, { timeoutMs: 5000 })).keys()].sort()).toEqual([ids[0], ids[2]].sort());
    expect(queue.depth).toBe(0);
    expect((await metrics.itemsDropped.get()).values[0].value).toBe(1);
    expect(await inner.readIngestPosition()).toBe(3n);
    await wal.close();
    await inner.close();
  });
});

describe('WriteQueue after its log was lost', () => {
  it('numbers new records after what storage already has, so they are not taken as stored', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-queue-'));
    dirs.push(dataDir);
    const store = await openDuckDbStore({ dataDir });
    const wal = await WriteAheadLog.open(path.join(dataDir, 'wal'));
    const queue = new WriteQueue({ store, wal, metrics: new SelfMetrics(), maxQueuedItems: 1000, decodeRecord });
    const ids = [hexId(16), hexId(16), hexId(16)];
    for (const id of ids.slice(0, 2)) await queue.submit(spanBatch(id), { kind: 0, receivedAtUnixMs: Date.now(), payload: Buffer.from(id) });
    await queue.drain();
    await wal.close();
    expect(await store.readIngestPosition()).toBe(2n);

    await rm(path.join(dataDir, 'wal'), { recursive: true });
    const fresh = await WriteAheadLog.open(path.join(dataDir, 'wal'));
    const queue2 = new WriteQueue({ store, wal: fresh, metrics: new SelfMetrics(), maxQueuedItems: 1000, decodeRecord, maxApplyDelayMs: 60_000, applyThresholdItems: 1_000_000 });
    expect(await queue2.recover()).toBe(0);
    await queue2.submit(spanBatch(ids[2]), { kind: 0, receivedAtUnixMs: Date.now(), payload: Buffer.from(ids[2]) });
    expect(fresh.lastAppendedSequence).toBe(3n);
    await queue2.flush();
    expect((await store.getTraces(ids, { timeoutMs: 5000 })).size).toBe(3);
    await fresh.close();
    await store.close();
  });
});
