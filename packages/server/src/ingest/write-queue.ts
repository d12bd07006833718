import { PharosError, createEmptyBatch, type TelemetryBatch } from '@pharos/core';
import type { TelemetryStore } from '../storage/index.js';
import type { SelfMetrics } from '../observe/self-metrics.js';
import { batchSize } from './validate.js';
import type { WalRecord, WriteAheadLog } from './write-ahead-log.js';

export interface WriteQueueOptions {
  store: TelemetryStore;
  wal: WriteAheadLog;
  metrics: SelfMetrics;
  /** Turns a log record back into items, for replay after a crash. */
  decodeRecord: (record: WalRecord) => TelemetryBatch;
  /** Items accepted but not yet in storage beyond which `submit` refuses with PHAROS_ERR_INGEST_OVERLOADED. */
  maxQueuedItems: number;
  /**
   * Items that make a storage write worth starting at once. DuckDB writes a transaction
   * of at least one row group (122,880 rows) compressed straight to its file, which is
   * several times cheaper than many small ones (ADR 0001).
   */
  applyThresholdItems?: number;
  /** Longest an accepted item waits before a write starts anyway. */
  maxApplyDelayMs?: number;
  /** Most items in one storage transaction. */
  maxItemsPerApply?: number;
  /**
   * Bytes of accepted requests (as received, decompressed) not yet in storage beyond which
   * `submit` refuses: items can be large (log bodies), so items alone do not bound memory.
   */
  maxQueuedBytes?: number;
  /** Most bytes of requests in one storage transaction (and one replay step). */
  maxBytesPerApply?: number;
  /** Seconds a refused client is told to wait (Retry-After). */
  retryAfterSeconds?: number;
  /** Told of a failed storage write (which is retried). */
  onWriteError?: (error: unknown) => void;
}

/**
 * DuckDB's row group. A write of nearly whole row groups leaves a last row group that is
 * nearly full, which DuckDB then keeps as it is rather than merging it with the next
 * write's (a merge rewrites it and leaves the old blocks free in the file).
 */
const DUCKDB_ROW_GROUP_ROWS = 122_880;

interface Pending {
  batch: TelemetryBatch;
  size: number;
  /** Size of the request as received: a stand-in for the memory its items take. */
  bytes: number;
  sequence: bigint;
  acceptedAtMs: number;
}

/**
 * The ingest write path. `submit` appends the request to the write-ahead log and
 * resolves once that is fsynced: the acknowledgement. An applier moves accepted batches
 * into storage in large transactions, each recording the log position it reached, so a
 * restart replays exactly what storage lacks (`recover`). Queries call `flush` first to
 * read their own writes (see there for the exception under heavy ingest). Accepted-but-unapplied items are bounded: past the bound
 * `submit` fails at once with a retryable error (HTTP 503 + Retry-After, gRPC
 * UNAVAILABLE), so a slow disk pushes back on senders instead of growing memory.
 */
export class WriteQueue {
  private readonly pending: Pending[] = [];
  private queuedItems = 0;
  private queuedBytes = 0;
  private appliedSequence = 0n;
  private flushTarget = 0n;
  private flushWaiters: Array<{ sequence: bigint; resolve: () => void }> = [];
  private draining = false;
  private applying: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly applyThresholdItems: number;
  private readonly maxApplyDelayMs: number;
  private readonly maxItemsPerApply: number;
  private readonly maxQueuedBytes: number;
  private readonly maxBytesPerApply: number;
  private readonly retryAfterSeconds: number;

  constructor(private readonly options: WriteQueueOptions) {
    this.applyThresholdItems = options.applyThresholdItems ?? 240_000;
    this.maxApplyDelayMs = options.maxApplyDelayMs ?? 2000;
    this.maxItemsPerApply = options.maxItemsPerApply ?? 2 * DUCKDB_ROW_GROUP_ROWS;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 1024 * 1024 * 1024;
    this.maxBytesPerApply = options.maxBytesPerApply ?? 256 * 1024 * 1024;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
    options.metrics.queueCapacity.set(options.maxQueuedItems);
  }

  /** Items accepted and not yet in storage. */
  get depth(): number {
    return this.queuedItems;
  }

  /**
   * Replays the log records that storage does not have (after a crash) and waits until
   * they are stored. Call once, before the receivers start.
   */
  async recover(): Promise<number> {
    this.appliedSequence = await this.options.store.readIngestPosition();
    let replayed = 0;
    let group: Array<{ batch: TelemetryBatch; sequence: bigint }> = [];
    let items = 0;
    let bytes = 0;
    const storeGroup = async (): Promise<void> => {
      if (group.length === 0) return;
      const merged = createEmptyBatch();
      for (const record of group) pushBatch(merged, record.batch);
      try {
        await this.options.store.append(merged, { ingestPosition: group[group.length - 1].sequence });
      } catch (error) {
        if (!isDataError(error)) throw error;
        this.options.onWriteError?.(error);
        for (const record of group) await this.storeOrDrop(record.batch, record.sequence);
      }
      this.appliedSequence = group[group.length - 1].sequence;
      group = [];
      items = 0;
      bytes = 0;
    };
    for await (const record of this.options.wal.readAfter(this.appliedSequence)) {
      let batch: TelemetryBatch;
      try {
        batch = this.options.decodeRecord(record);
      } catch (error) {
        // A record this version cannot read (it was accepted by another): skip it, loudly.
        this.options.onWriteError?.(error);
        this.options.metrics.itemsDropped.inc();
        batch = createEmptyBatch();
      }
      group.push({ batch, sequence: record.sequence });
      items += batchSize(batch);
      bytes += record.payload.byteLength;
      replayed++;
      if (items >= this.maxItemsPerApply || bytes >= this.maxBytesPerApply) await storeGroup();
    }
    await storeGroup();
    await this.options.wal.continueAfter(this.appliedSequence);
    await this.options.wal.releaseUpTo(this.appliedSequence);
    return replayed;
  }

  /**
   * Stores one request's items; when storage refuses them for their content, drops them
   * (logged and counted) and records the position anyway. Returns whether they were stored.
   */
  private async storeOrDrop(batch: TelemetryBatch, sequence: bigint): Promise<boolean> {
    try {
      await this.options.store.append(batch, { ingestPosition: sequence });
      return true;
    } catch (error) {
      if (!isDataError(error)) throw error;
      this.options.onWriteError?.(error);
      this.options.metrics.itemsDropped.inc(batchSize(batch));
      await this.options.store.append(createEmptyBatch(), { ingestPosition: sequence });
      return false;
    }
  }

  /**
   * Accepts `batch` (decoded from `record`): resolves once the record is durable in the
   * write-ahead log; rejects when refused (overloaded, shutting down) or when the log
   * cannot be written.
   */
  async submit(batch: TelemetryBatch, record: WalRecord): Promise<void> {
    const size = batchSize(batch);
    if (size === 0) return;
    if (this.draining) {
      throw new PharosError('PHAROS_ERR_INGEST_SHUTTING_DOWN', 'the server is shutting down', { retryAfterSeconds: this.retryAfterSeconds });
    }
    // An oversized single request is still let in when the queue is empty, so it can never be refused forever.
    const bytes = record.payload.byteLength;
    if (this.queuedItems > 0 && (this.queuedItems + size > this.options.maxQueuedItems || this.queuedBytes + bytes > this.maxQueuedBytes)) {
      throw new PharosError('PHAROS_ERR_INGEST_OVERLOADED', `the write queue is full (${this.queuedItems} items, ${this.queuedBytes} bytes waiting); retry later`, {
        retryAfterSeconds: this.retryAfterSeconds,
      });
    }
    let appended: { sequence: bigint; durable: Promise<void> };
    try {
      appended = this.options.wal.append(record);
    } catch (error) {
      throw new PharosError('PHAROS_ERR_STORAGE_WRITE', `the write-ahead log cannot be written: ${(error as Error).message}`, { cause: error });
    }
    this.pending.push({ batch, size, bytes, sequence: appended.sequence, acceptedAtMs: Date.now() });
    this.queuedItems += size;
    this.queuedBytes += bytes;
    this.options.metrics.queueItems.set(this.queuedItems);
    try {
      await appended.durable;
    } catch (error) {
      // Never durable, so never stored: take it back out of the queue.
      const index = this.pending.findIndex((p) => p.sequence === appended.sequence);
      if (index >= 0) {
        this.pending.splice(index, 1);
        this.queuedItems -= size;
        this.queuedBytes -= bytes;
        this.options.metrics.queueItems.set(this.queuedItems);
      }
      throw new PharosError('PHAROS_ERR_STORAGE_WRITE', `the write-ahead log could not be written: ${(error as Error).message}`, {
        cause: error,
        retryAfterSeconds: this.retryAfterSeconds,
      });
    }
    this.schedule();
  }

  /**
   * Resolves when everything accepted before the call is in storage, so that queries read
   * their own writes. Under heavy ingest (a row group or more waiting) it does not force a
   * small write, which would cost the large writes their efficiency: it resolves at once,
   * and the newest items show within `maxApplyDelayMs` or one full write.
   */
  flush(): Promise<void> {
    const target = this.options.wal.lastAppendedSequence;
    if (target <= this.appliedSequence) return Promise.resolve();
    if (!this.draining && this.durablePrefixItems() >= DUCKDB_ROW_GROUP_ROWS) return Promise.resolve();
    if (target > this.flushTarget) this.flushTarget = target;
    return new Promise((resolve) => {
      this.flushWaiters.push({ sequence: target, resolve });
      this.schedule();
    });
  }

  /** Starts a write now if one is due, or sets a timer for when the oldest item is due. */
  private schedule(): void {
    if (this.applying !== undefined || this.pending.length === 0) return;
    const durableItems = this.durablePrefixItems();
    const oldestAgeMs = Date.now() - this.pending[0].acceptedAtMs;
    const due = durableItems >= this.applyThresholdItems || oldestAgeMs >= this.maxApplyDelayMs || this.flushTarget > this.appliedSequence || this.draining;
    if (due && durableItems > 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.applying = this.applyOnce().finally(() => {
        this.applying = undefined;
        this.schedule();
      });
    } else if (this.timer === undefined) {
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.schedule();
        },
        Math.max(1, this.maxApplyDelayMs - oldestAgeMs),
      );
      this.timer.unref();
    }
  }

  /** Items at the head of the queue whose log records are already durable (only those may be stored). */
  private durablePrefixItems(): number {
    const synced = this.options.wal.syncedSequenceNumber;
    let items = 0;
    for (const p of this.pending) {
      if (p.sequence > synced) break;
      items += p.size;
    }
    return items;
  }

  private async applyOnce(): Promise<void> {
    const synced = this.options.wal.syncedSequenceNumber;
    const merged = createEmptyBatch();
    let items = 0;
    let bytes = 0;
    let taken = 0;
    while (taken < this.pending.length) {
      const p = this.pending[taken];
      if (p.sequence > synced || (items > 0 && (items + p.size > this.maxItemsPerApply || bytes + p.bytes > this.maxBytesPerApply))) break;
      pushBatch(merged, p.batch);
      items += p.size;
      bytes += p.bytes;
      taken++;
    }
    const stopTimer = this.options.metrics.writeDuration.startTimer();
    try {
      await this.options.store.append(merged, { ingestPosition: this.pending[taken - 1].sequence });
      stopTimer();
      this.completeApplied(taken, merged);
    } catch (error) {
      // The batch stays queued (and in the log): it is retried, and replayed after a restart.
      stopTimer();
      this.options.metrics.writeErrors.inc();
      this.options.onWriteError?.(error);
      if (isDataError(error)) await this.applyOneByOne(taken);
      else await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /**
   * After storage refused a batch for its content (not for the disk or memory), stores
   * its requests one at a time so that one unstorable request cannot block ingest
   * forever. A request refused on its own is dropped, logged and counted.
   */
  private async applyOneByOne(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const p = this.pending[0];
      try {
        const stored = await this.storeOrDrop(p.batch, p.sequence);
        this.completeApplied(1, stored ? p.batch : createEmptyBatch(), stored ? 0 : p.size);
      } catch {
        return; // not a content problem: the regular retry takes over
      }
    }
  }

  /** Takes the first `count` pending entries off the queue once storage has them (`stored`, plus `dropped` items it refused). */
  private completeApplied(count: number, stored: TelemetryBatch, dropped = 0): void {
    const done = this.pending.splice(0, count);
    const last = done[done.length - 1].sequence;
    const items = done.reduce((n, p) => n + p.size, 0);
    this.appliedSequence = last;
    this.queuedItems -= items;
    this.queuedBytes -= done.reduce((n, p) => n + p.bytes, 0);
    const m = this.options.metrics;
    m.queueItems.set(this.queuedItems);
    m.writeBatchItems.observe(items - dropped);
    if (stored.spans.length > 0) m.itemsWritten.inc({ signal: 'traces' }, stored.spans.length);
    if (stored.logs.length > 0) m.itemsWritten.inc({ signal: 'logs' }, stored.logs.length);
    if (stored.points.length > 0) m.itemsWritten.inc({ signal: 'metrics' }, stored.points.length);
    const resolved = this.flushWaiters.filter((w) => w.sequence <= last);
    this.flushWaiters = this.flushWaiters.filter((w) => w.sequence > last);
    for (const w of resolved) w.resolve();
    void this.options.wal.releaseUpTo(last).catch((error: unknown) => this.options.onWriteError?.(error));
  }

  /** Refuses new batches and resolves when everything accepted so far is in storage. */
  async drain(): Promise<void> {
    this.draining = true;
    await this.flush();
    clearTimeout(this.timer);
  }
}

function pushBatch(target: TelemetryBatch, source: TelemetryBatch): void {
  for (const s of source.spans) target.spans.push(s);
  for (const l of source.logs) target.logs.push(l);
  for (const p of source.points) target.points.push(p);
}

/** Did storage refuse the content (a value it cannot take) rather than fail to write (disk, memory)? */
function isDataError(error: unknown): boolean {
  return /Conversion Error|Invalid Input Error|Constraint Error|Mismatch Type Error|Out of Range Error/.test(String(error instanceof Error ? error.message : error));
}
