import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { Context } from '@opentelemetry/api';
import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { LogRecordExporter, LogRecordProcessor, ReadableLogRecord, SdkLogRecord } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter, ResourceMetrics, AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';
import type { SignalName } from './settings.js';

/**
 * Delivery accounting. The SDK must never grow without bound nor fail silently when the
 * backend is down: every item either leaves (exported), or is dropped and counted, and the
 * application hears about drops through a rate-limited warning, never an exception.
 */

/** Per signal: items exported, and items dropped because the queue was full or the export failed. */
export interface SignalStats {
  exported: number;
  droppedQueueFull: number;
  droppedExportFailed: number;
}

export type TelemetryStats = Record<SignalName, SignalStats>;

const WARN_INTERVAL_MS = 30_000;

/** Counts what happens to every item and warns about drops at most once per `WARN_INTERVAL_MS` per signal. */
export class DeliveryLedger {
  readonly stats: TelemetryStats = {
    traces: { exported: 0, droppedQueueFull: 0, droppedExportFailed: 0 },
    metrics: { exported: 0, droppedQueueFull: 0, droppedExportFailed: 0 },
    logs: { exported: 0, droppedQueueFull: 0, droppedExportFailed: 0 },
  };
  private readonly lastWarnAtMs = new Map<SignalName, number>();
  private readonly droppedAtLastWarn = new Map<SignalName, number>();
  /** Items handed to the pipeline whose fate (exported or dropped) is not known yet. */
  private readonly pending: Record<SignalName, number> = { traces: 0, metrics: 0, logs: 0 };
  private closed = false;
  /** `settled()` callers, waiting for nothing to be pending. */
  private readonly settledWaiters: Array<() => void> = [];
  private readonly unitOf: Record<SignalName, string> = { traces: 'spans', metrics: 'metric points', logs: 'log records' };

  constructor(private readonly warn: (message: string) => void) {}

  /** `count` items entered the pipeline (a queue, or an export in flight). */
  recordAdmitted(signal: SignalName, count: number): void {
    if (!this.closed) this.pending[signal] += count;
  }

  recordExported(signal: SignalName, count: number): void {
    if (this.closed) return;
    this.pending[signal] = Math.max(0, this.pending[signal] - count);
    this.stats[signal].exported += count;
    this.wakeIfSettled();
  }

  recordQueueFull(signal: SignalName, count: number): void {
    if (this.closed) return;
    this.stats[signal].droppedQueueFull += count;
    this.maybeWarn(signal, 'the export queue is full');
  }

  recordExportFailed(signal: SignalName, count: number, destination: string, error: Error | undefined): void {
    if (this.closed) return;
    this.pending[signal] = Math.max(0, this.pending[signal] - count);
    this.stats[signal].droppedExportFailed += count;
    const why = error?.message ? `: ${error.message}` : '';
    this.maybeWarn(signal, `could not send ${count} ${this.unitOf[signal]} to ${destination}${why}`);
    this.wakeIfSettled();
  }

  /** Resolves once no admitted item is pending (each exported or dropped); at once when none is, or the ledger is closed. */
  settled(): Promise<void> {
    if (this.closed || this.nothingPending()) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /**
   * At a shutdown that timed out: what is still queued or being exported will never be
   * confirmed, so it counts as failed; later export callbacks change nothing.
   */
  abandonPending(): void {
    for (const signal of Object.keys(this.pending) as SignalName[]) {
      this.stats[signal].droppedExportFailed += this.pending[signal];
      this.pending[signal] = 0;
    }
    this.closed = true;
    this.wakeIfSettled();
  }

  /** At shutdown: one line per signal whose drops grew since its last warning, so the final count is never lost. */
  warnFinalCounts(): void {
    for (const signal of Object.keys(this.stats) as SignalName[]) {
      const dropped = this.droppedOf(signal);
      if (dropped > (this.droppedAtLastWarn.get(signal) ?? 0)) {
        const s = this.stats[signal];
        this.emit(`@pharos/node: ${dropped} ${this.unitOf[signal]} dropped in all (${s.droppedQueueFull} because the export queue was full, ${s.droppedExportFailed} because exports failed or had not finished at shutdown).`);
      }
    }
  }

  private nothingPending(): boolean {
    return this.pending.traces === 0 && this.pending.metrics === 0 && this.pending.logs === 0;
  }

  private wakeIfSettled(): void {
    if (this.settledWaiters.length > 0 && this.nothingPending()) for (const wake of this.settledWaiters.splice(0)) wake();
  }

  private droppedOf(signal: SignalName): number {
    const s = this.stats[signal];
    return s.droppedQueueFull + s.droppedExportFailed;
  }

  private maybeWarn(signal: SignalName, what: string): void {
    const now = Date.now();
    const last = this.lastWarnAtMs.get(signal);
    if (last !== undefined && now - last < WARN_INTERVAL_MS) return;
    this.lastWarnAtMs.set(signal, now);
    const dropped = this.droppedOf(signal);
    this.droppedAtLastWarn.set(signal, dropped);
    this.emit(`@pharos/node: ${what}; ${dropped} ${this.unitOf[signal]} dropped so far. The application is not affected.`);
  }

  private emit(message: string): void {
    try {
      this.warn(message);
    } catch {
      // a broken warn hook must not reach the application
    }
  }
}

function settle(ledger: DeliveryLedger, signal: SignalName, count: number, destination: string, result: ExportResult): void {
  if (result.code === ExportResultCode.SUCCESS) ledger.recordExported(signal, count);
  else ledger.recordExportFailed(signal, count, destination, result.error);
}

/**
 * Frees `count` queue slots when an export ends, or after `EXPORT_GIVE_UP_MS` should its
 * callback never come. Items being exported still count against the bound, so memory
 * holds at most the queue size, not a queue plus the batches in flight.
 */
function releaseWhenSettled(queue: QueueSlots, count: number): () => void {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    clearTimeout(timer);
    queue.release(count);
  };
  const timer = setTimeout(release, EXPORT_GIVE_UP_MS);
  timer.unref();
  return release;
}

/** Longer than the batch processors' export timeout (30 s), so a slot is freed by the export's end in practice. */
const EXPORT_GIVE_UP_MS = 35_000;

/** Wraps a span exporter to count exported and failed spans; frees `queue` slots as exports end. */
export function countSpanExports(inner: SpanExporter, ledger: DeliveryLedger, destination: string, queue: QueueSlots): SpanExporter {
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
      const release = releaseWhenSettled(queue, spans.length);
      inner.export(spans, (result) => {
        release();
        settle(ledger, 'traces', spans.length, destination, result);
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

/** Wraps a log record exporter the same way as `countSpanExports`. */
export function countLogExports(inner: LogRecordExporter, ledger: DeliveryLedger, destination: string, queue: QueueSlots): LogRecordExporter {
  return {
    export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
      const release = releaseWhenSettled(queue, records.length);
      inner.export(records, (result) => {
        release();
        settle(ledger, 'logs', records.length, destination, result);
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

/** Wraps a metric exporter to count exported and failed data points. */
export function countMetricExports(inner: PushMetricExporter, ledger: DeliveryLedger, destination: string): PushMetricExporter {
  // One export at a time: against an endpoint that refuses or never answers, each export
  // retries until its timeout, and with an export interval shorter than that, overlapping
  // retry chains would never let a finished process exit. Metrics are cumulative, so the
  // next export carries what a refused one held.
  let inFlight = false;
  const wrapped: PushMetricExporter = {
    export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
      let points = 0;
      for (const scope of metrics.scopeMetrics) for (const metric of scope.metrics) points += metric.dataPoints.length;
      ledger.recordAdmitted('metrics', points);
      if (inFlight) {
        const result = { code: ExportResultCode.FAILED, error: new Error('the previous metric export has not finished') };
        settle(ledger, 'metrics', points, destination, result);
        done(result);
        return;
      }
      inFlight = true;
      inner.export(metrics, (result) => {
        inFlight = false;
        settle(ledger, 'metrics', points, destination, result);
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush(),
  };
  if (inner.selectAggregationTemporality) wrapped.selectAggregationTemporality = (type: InstrumentType): AggregationTemporality => inner.selectAggregationTemporality!(type);
  if (inner.selectAggregation) wrapped.selectAggregation = inner.selectAggregation.bind(inner);
  return wrapped;
}

/**
 * The bound on items waiting in a batch processor. The SDK's batch processors drop silently
 * when full; holding the same bound in front of them lets each drop be counted.
 */
export class QueueSlots {
  private waiting = 0;
  constructor(private readonly capacity: number) {}
  /** Takes a slot; false when the queue is full (the item must be dropped). */
  take(): boolean {
    if (this.waiting >= this.capacity) return false;
    this.waiting++;
    return true;
  }
  release(count: number): void {
    this.waiting = Math.max(0, this.waiting - count);
  }
}

/** A span processor that admits a span to `inner` (a batch processor) only while the queue has room. */
export function boundSpanProcessor(inner: SpanProcessor, queue: QueueSlots, ledger: DeliveryLedger): SpanProcessor {
  return {
    onStart: (span: Span, parentContext: Context) => inner.onStart(span, parentContext),
    onEnd(span: ReadableSpan): void {
      // The batch processor ignores unsampled spans; they take no slot.
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
      if (queue.take()) {
        ledger.recordAdmitted('traces', 1);
        inner.onEnd(span);
      } else ledger.recordQueueFull('traces', 1);
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}

/** A log record processor that admits a record to `inner` only while the queue has room. */
export function boundLogProcessor(inner: LogRecordProcessor, queue: QueueSlots, ledger: DeliveryLedger): LogRecordProcessor {
  return {
    onEmit(record: SdkLogRecord, context?: Context): void {
      if (queue.take()) {
        ledger.recordAdmitted('logs', 1);
        inner.onEmit(record, context);
      } else ledger.recordQueueFull('logs', 1);
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}
