import { PharosError, type TelemetryBatch } from '@pharos/core';
import type { TelemetryStore } from '../storage/index.js';
import type { SelfMetrics } from '../observe/self-metrics.js';
import { batchSize } from './validate.js';

export interface WriteQueueOptions {
  store: TelemetryStore;
  metrics: SelfMetrics;
  /** Items waiting to be written beyond which `submit` refuses with PHAROS_ERR_INGEST_OVERLOADED. */
  maxQueuedItems: number;
  /** Most items merged into one storage transaction. */
  maxItemsPerWrite?: number;
  /** Storage transactions in flight at once (the DuckDB store pipelines two). */
  maxConcurrentWrites?: number;
  /** Seconds a refused client is told to wait (Retry-After). */
  retryAfterSeconds?: number;
}

interface Pending {
  batch: TelemetryBatch;
  size: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The durable write path with group commit. Requests queue their batches; a writer
 * merges whatever is waiting into a single storage transaction, and when it commits
 * every request in it is acknowledged. Up to `maxConcurrentWrites` transactions run at
 * once, so one can be staged while another commits. The queue is bounded in items: past the bound
 * `submit` fails at once with a retryable error (HTTP 503 + Retry-After, gRPC
 * UNAVAILABLE), so a slow disk pushes back on senders instead of growing memory.
 */
export class WriteQueue {
  private readonly pending: Pending[] = [];
  private queuedItems = 0;
  private writesInFlight = 0;
  private draining = false;
  private idleWaiters: Array<() => void> = [];
  private readonly maxItemsPerWrite: number;
  private readonly maxConcurrentWrites: number;
  private readonly retryAfterSeconds: number;

  constructor(private readonly options: WriteQueueOptions) {
    this.maxItemsPerWrite = options.maxItemsPerWrite ?? 100_000;
    this.maxConcurrentWrites = options.maxConcurrentWrites ?? 2;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
    options.metrics.queueCapacity.set(options.maxQueuedItems);
  }

  /** Items waiting or being written. */
  get depth(): number {
    return this.queuedItems;
  }

  /** Resolves once `batch` is committed to storage; rejects when refused or when the write fails. */
  submit(batch: TelemetryBatch): Promise<void> {
    const size = batchSize(batch);
    if (size === 0) return Promise.resolve();
    if (this.draining) {
      return Promise.reject(new PharosError('PHAROS_ERR_INGEST_SHUTTING_DOWN', 'the server is shutting down', { retryAfterSeconds: this.retryAfterSeconds }));
    }
    // An oversized single request is still let in when the queue is empty, so it can never be refused forever.
    if (this.queuedItems > 0 && this.queuedItems + size > this.options.maxQueuedItems) {
      return Promise.reject(
        new PharosError('PHAROS_ERR_INGEST_OVERLOADED', `the write queue is full (${this.queuedItems} items waiting); retry later`, {
          retryAfterSeconds: this.retryAfterSeconds,
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ batch, size, resolve, reject });
      this.queuedItems += size;
      this.options.metrics.queueItems.set(this.queuedItems);
      this.startWrites();
    });
  }

  /** Starts transactions for waiting batches while fewer than the maximum are in flight. */
  private startWrites(): void {
    while (this.pending.length > 0 && this.writesInFlight < this.maxConcurrentWrites) {
      const group = this.takeGroup();
      this.writesInFlight++;
      void this.write(group).finally(() => {
        this.writesInFlight--;
        this.startWrites();
        if (this.writesInFlight === 0 && this.pending.length === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
    }
  }

  private async write(group: Pending[]): Promise<void> {
    const merged: TelemetryBatch = { spans: [], logs: [], points: [] };
    for (const p of group) {
      pushAll(merged.spans, p.batch.spans);
      pushAll(merged.logs, p.batch.logs);
      pushAll(merged.points, p.batch.points);
    }
    const items = group.reduce((n, p) => n + p.size, 0);
    const stopTimer = this.options.metrics.writeDuration.startTimer();
    try {
      await this.options.store.append(merged);
      stopTimer();
      this.options.metrics.writeBatchItems.observe(items);
      const m = this.options.metrics.itemsWritten;
      if (merged.spans.length > 0) m.inc({ signal: 'traces' }, merged.spans.length);
      if (merged.logs.length > 0) m.inc({ signal: 'logs' }, merged.logs.length);
      if (merged.points.length > 0) m.inc({ signal: 'metrics' }, merged.points.length);
      for (const p of group) p.resolve();
    } catch (error) {
      stopTimer();
      for (const p of group) p.reject(error);
    } finally {
      this.queuedItems -= items;
      this.options.metrics.queueItems.set(this.queuedItems);
    }
  }

  private takeGroup(): Pending[] {
    const group: Pending[] = [];
    let items = 0;
    while (this.pending.length > 0) {
      const next = this.pending[0];
      if (group.length > 0 && items + next.size > this.maxItemsPerWrite) break;
      group.push(this.pending.shift()!);
      items += next.size;
    }
    return group;
  }

  /** Refuses new batches and resolves when everything accepted so far is written. */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.writesInFlight === 0 && this.pending.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}

function pushAll<T>(target: T[], items: T[]): void {
  for (const item of items) target.push(item);
}
