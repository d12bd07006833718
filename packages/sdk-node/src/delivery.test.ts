import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InstrumentType, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, SamplingDecision, type ReadableSpan, type Sampler, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  DeliveryLedger,
  QueueSlots,
  boundLogProcessor,
  boundSpanProcessor,
  countLogExports,
  countMetricExports,
  countSpanExports,
  type TelemetryStats,
} from './delivery.js';

const SUCCESS: ExportResult = { code: ExportResultCode.SUCCESS };
const failure = (message?: string): ExportResult => ({ code: ExportResultCode.FAILED, error: message === undefined ? undefined : new Error(message) });
const DESTINATION = 'http://pharos:4318/v1/traces';

/** A ledger whose warnings are collected. */
function newLedger(): { ledger: DeliveryLedger; warnings: string[] } {
  const warnings: string[] = [];
  return { ledger: new DeliveryLedger((m) => warnings.push(m)), warnings };
}

const dropped = (stats: TelemetryStats, signal: keyof TelemetryStats) => stats[signal].droppedQueueFull + stats[signal].droppedExportFailed;

/**
 * An exporter that holds every export until the test answers it, so that a test decides
 * when a batch leaves and how its export ends.
 */
class HeldExporter<T> {
  readonly batches: T[][] = [];
  private readonly waiting: Array<(result: ExportResult) => void> = [];
  shutdownCalls = 0;

  export(items: T[], done: (result: ExportResult) => void): void {
    this.batches.push(items);
    this.waiting.push(done);
  }
  /** Answers the oldest export still waiting; false when none waits. */
  answer(result: ExportResult): boolean {
    const done = this.waiting.shift();
    done?.(result);
    return done !== undefined;
  }
  pending(): number {
    return this.waiting.length;
  }
  shutdown(): Promise<void> {
    this.shutdownCalls++;
    return Promise.resolve();
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('DeliveryLedger', () => {
  it('counts exported and dropped items per signal', () => {
    const { ledger } = newLedger();
    ledger.recordExported('traces', 5);
    ledger.recordExported('traces', 2);
    ledger.recordQueueFull('logs', 1);
    ledger.recordQueueFull('logs', 1);
    ledger.recordExportFailed('metrics', 40, 'http://x/v1/metrics', new Error('boom'));
    expect(ledger.stats).toEqual({
      traces: { exported: 7, droppedQueueFull: 0, droppedExportFailed: 0 },
      metrics: { exported: 0, droppedQueueFull: 0, droppedExportFailed: 40 },
      logs: { exported: 0, droppedQueueFull: 2, droppedExportFailed: 0 },
    });
  });

  it('warns about a drop at once, with what, where, why and the total so far', () => {
    const { ledger, warnings } = newLedger();
    ledger.recordExportFailed('traces', 12, DESTINATION, new Error('connect ECONNREFUSED 127.0.0.1:4318'));
    ledger.recordQueueFull('logs', 1);
    ledger.recordExportFailed('metrics', 3, 'http://pharos:4318/v1/metrics', undefined);
    expect(warnings).toEqual([
      `@pharos/node: could not send 12 spans to ${DESTINATION}: connect ECONNREFUSED 127.0.0.1:4318; 12 spans dropped so far. The application is not affected.`,
      '@pharos/node: the export queue is full (1 more log records dropped); 1 log records dropped so far. The application is not affected.',
      '@pharos/node: could not send 3 metric points to http://pharos:4318/v1/metrics; 3 metric points dropped so far. The application is not affected.',
    ]);
  });

  it('warns at most once per 30 s per signal, then again with the running total', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const { ledger, warnings } = newLedger();
    ledger.recordExportFailed('traces', 10, DESTINATION, new Error('down'));
    for (let i = 0; i < 1000; i++) ledger.recordQueueFull('traces', 1);
    vi.setSystemTime(1_000_000 + 29_999);
    ledger.recordExportFailed('traces', 10, DESTINATION, new Error('down'));
    // Another signal has its own allowance.
    ledger.recordExportFailed('logs', 4, 'http://pharos:4318/v1/logs', new Error('down'));
    expect(warnings).toHaveLength(2);
    vi.setSystemTime(1_000_000 + 30_000);
    ledger.recordQueueFull('traces', 1);
    expect(warnings).toHaveLength(3);
    expect(warnings[2]).toBe('@pharos/node: the export queue is full (1 more spans dropped); 1021 spans dropped so far. The application is not affected.');
    expect(ledger.stats.traces).toEqual({ exported: 0, droppedQueueFull: 1001, droppedExportFailed: 20 });
  });

  it('keeps counting when the warn hook throws, and never throws itself', () => {
    const ledger = new DeliveryLedger(() => {
      throw new Error('broken hook');
    });
    expect(() => ledger.recordQueueFull('traces', 1)).not.toThrow();
    expect(() => ledger.recordExportFailed('logs', 2, 'x', new Error('y'))).not.toThrow();
    expect(dropped(ledger.stats, 'traces') + dropped(ledger.stats, 'logs')).toBe(3);
  });
});

describe('QueueSlots', () => {
  it('gives out at most `capacity` slots, and takes them back', () => {
    const slots = new QueueSlots(2);
    expect([slots.take(), slots.take(), slots.take()]).toEqual([true, true, false]);
    slots.release(1);
    expect([slots.take(), slots.take()]).toEqual([true, false]);
  });

  it('never goes below empty: releasing more than was taken does not make room beyond capacity', () => {
    const slots = new QueueSlots(2);
    slots.take();
    slots.release(10);
    expect([slots.take(), slots.take(), slots.take()]).toEqual([true, true, false]);
  });
});

describe('countSpanExports / countLogExports', () => {
  it('counts a successful export as exported and passes the result on', () => {
    const { ledger, warnings } = newLedger();
    const inner = new HeldExporter<ReadableSpan>();
    const exporter = countSpanExports(inner as unknown as SpanExporter, ledger, DESTINATION, new QueueSlots(10));
    const results: ExportResult[] = [];
    exporter.export([{} as ReadableSpan, {} as ReadableSpan], (r) => results.push(r));
    expect(ledger.stats.traces.exported).toBe(0);
    inner.answer(SUCCESS);
    expect(results).toEqual([SUCCESS]);
    expect(ledger.stats.traces).toEqual({ exported: 2, droppedQueueFull: 0, droppedExportFailed: 0 });
    expect(warnings).toEqual([]);
  });

  it('counts a failed export as dropped, warns, and passes the failure on', () => {
    const { ledger, warnings } = newLedger();
    const inner = new HeldExporter<ReadableLogRecord>();
    const exporter = countLogExports(inner as unknown as LogRecordExporter, ledger, 'http://pharos:4318/v1/logs', new QueueSlots(10));
    const results: ExportResult[] = [];
    exporter.export([{} as ReadableLogRecord, {} as ReadableLogRecord, {} as ReadableLogRecord], (r) => results.push(r));
    inner.answer(failure('Request timed out'));
    expect(results[0].code).toBe(ExportResultCode.FAILED);
    expect(ledger.stats.logs).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: 3 });
    expect(warnings).toEqual(['@pharos/node: could not send 3 log records to http://pharos:4318/v1/logs: Request timed out; 3 log records dropped so far. The application is not affected.']);
  });

  it('frees the queue slots of a batch as soon as it is handed to the exporter', () => {
    const { ledger } = newLedger();
    const slots = new QueueSlots(2);
    slots.take();
    slots.take();
    const exporter = countSpanExports(new HeldExporter<ReadableSpan>() as unknown as SpanExporter, ledger, DESTINATION, slots);
    exporter.export([{} as ReadableSpan, {} as ReadableSpan], () => undefined);
    expect([slots.take(), slots.take(), slots.take()]).toEqual([true, true, false]);
  });

  it('delegates shutdown, and forceFlush even when the inner exporter has none', async () => {
    const { ledger } = newLedger();
    const inner = new HeldExporter<ReadableSpan>();
    const exporter = countSpanExports(inner as unknown as SpanExporter, ledger, DESTINATION, new QueueSlots(1));
    await exporter.shutdown();
    expect(inner.shutdownCalls).toBe(1);
    await expect(exporter.forceFlush!()).resolves.toBeUndefined();
  });
});

describe('countMetricExports', () => {
  const resourceMetrics = (pointsPerMetric: number[][]): ResourceMetrics =>
    ({
      resource: {},
      scopeMetrics: pointsPerMetric.map((metrics) => ({ scope: { name: 's' }, metrics: metrics.map((n) => ({ dataPoints: new Array(n).fill({}) })) })),
    }) as unknown as ResourceMetrics;

  function innerMetricExporter(result: ExportResult, extra: Partial<PushMetricExporter> = {}): PushMetricExporter & { exported: ResourceMetrics[] } {
    const exported: ResourceMetrics[] = [];
    return {
      exported,
      export: (metrics, done) => {
        exported.push(metrics);
        done(result);
      },
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
      ...extra,
    };
  }

  it('counts data points over every scope and metric', () => {
    const { ledger } = newLedger();
    const exporter = countMetricExports(innerMetricExporter(SUCCESS), ledger, 'http://pharos:4318/v1/metrics');
    exporter.export(resourceMetrics([[3, 1], [0], [2]]), () => undefined);
    expect(ledger.stats.metrics).toEqual({ exported: 6, droppedQueueFull: 0, droppedExportFailed: 0 });
  });

  it('counts the points of a failed export as dropped', () => {
    const { ledger, warnings } = newLedger();
    const exporter = countMetricExports(innerMetricExporter(failure('503')), ledger, 'http://pharos:4318/v1/metrics');
    const results: ExportResult[] = [];
    exporter.export(resourceMetrics([[4]]), (r) => results.push(r));
    expect(results[0].code).toBe(ExportResultCode.FAILED);
    expect(ledger.stats.metrics.droppedExportFailed).toBe(4);
    expect(warnings[0]).toMatch(/^@pharos\/node: could not send 4 metric points to http:\/\/pharos:4318\/v1\/metrics: 503; 4 metric points dropped so far\./);
  });

  it('keeps the inner exporter\'s temporality and aggregation choices, and only those it has', () => {
    const { ledger } = newLedger();
    const plain = countMetricExports(innerMetricExporter(SUCCESS), ledger, 'x');
    expect(plain.selectAggregationTemporality).toBeUndefined();
    expect(plain.selectAggregation).toBeUndefined();
    const selectAggregation = vi.fn(() => ({ type: 0 }) as never);
    const choosing = countMetricExports(
      innerMetricExporter(SUCCESS, { selectAggregationTemporality: (type) => (type === InstrumentType.COUNTER ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE), selectAggregation }),
      ledger,
      'x',
    );
    expect(choosing.selectAggregationTemporality!(InstrumentType.COUNTER)).toBe(AggregationTemporality.DELTA);
    expect(choosing.selectAggregationTemporality!(InstrumentType.HISTOGRAM)).toBe(AggregationTemporality.CUMULATIVE);
    choosing.selectAggregation!(InstrumentType.HISTOGRAM);
    expect(selectAggregation).toHaveBeenCalledWith(InstrumentType.HISTOGRAM);
  });
});

/** A tracer provider wired as sdk.ts wires it: bound processor → BatchSpanProcessor → counting exporter → `inner`. */
function boundTracing(capacity: number, options: { maxExportBatchSize?: number; maxQueueSize?: number; sampler?: Sampler } = {}) {
  const { ledger, warnings } = newLedger();
  const inner = new HeldExporter<ReadableSpan>();
  const slots = new QueueSlots(capacity);
  const batch = new BatchSpanProcessor(countSpanExports(inner as unknown as SpanExporter, ledger, DESTINATION, slots), {
    maxQueueSize: options.maxQueueSize ?? capacity,
    maxExportBatchSize: options.maxExportBatchSize ?? capacity,
    scheduledDelayMillis: 60_000,
    exportTimeoutMillis: 60_000,
  });
  const provider = new BasicTracerProvider({ spanProcessors: [boundSpanProcessor(batch, slots, ledger)], sampler: options.sampler });
  const tracer = provider.getTracer('delivery-test');
  const endSpans = (count: number) => {
    for (let i = 0; i < count; i++) tracer.startSpan(`span ${i}`).end();
  };
  return { ledger, warnings, inner, provider, endSpans };
}

/** Answers every export as `answerFor` says, as the batch processor sends them, until it has nothing left. */
async function drain(inner: HeldExporter<unknown>, answerFor: (batchIndex: number) => ExportResult, flush: () => Promise<void>): Promise<void> {
  const flushed = flush();
  let settled = false;
  void flushed.finally(() => (settled = true)).catch(() => undefined);
  let index = 0;
  while (!settled) {
    if (!inner.answer(answerFor(index))) await nextTurn();
    else index++;
  }
  await flushed.catch(() => undefined);
}

describe('boundSpanProcessor over a real BatchSpanProcessor', () => {
  it('admits spans while the queue has room, counts the others as dropped, and admits again once a batch has left', async () => {
    // A batch size above the bound, so that nothing leaves before the flush.
    const { ledger, warnings, inner, provider, endSpans } = boundTracing(3, { maxQueueSize: 100, maxExportBatchSize: 100 });
    endSpans(5);
    expect(ledger.stats.traces).toEqual({ exported: 0, droppedQueueFull: 2, droppedExportFailed: 0 });
    expect(warnings).toHaveLength(1);
    await drain(inner, () => SUCCESS, () => provider.forceFlush());
    expect(inner.batches.map((b) => b.length)).toEqual([3]);
    expect(inner.batches[0].map((s) => s.name)).toEqual(['span 0', 'span 1', 'span 2']);
    expect(ledger.stats.traces).toEqual({ exported: 3, droppedQueueFull: 2, droppedExportFailed: 0 });
    endSpans(3);
    expect(ledger.stats.traces.droppedQueueFull).toBe(2);
  });

  it('while an export hangs, holds at most one full queue more (the batch in flight no longer takes slots)', async () => {
    const capacity = 4;
    const { ledger, inner, provider, endSpans } = boundTracing(capacity);
    endSpans(capacity);
    // A full batch leaves at once and its export hangs.
    expect(inner.batches.map((b) => b.length)).toEqual([capacity]);
    expect(inner.pending()).toBe(1);
    endSpans(100);
    expect(ledger.stats.traces.droppedQueueFull).toBe(100 - capacity);
    expect(inner.batches).toHaveLength(1);
    // Let the hung export end, so that the batch processor's export timer is cleared.
    inner.answer(failure('Request timed out'));
    expect(ledger.stats.traces.droppedExportFailed).toBe(capacity);
    await drain(inner, () => SUCCESS, () => provider.shutdown());
  });

  it('gives unsampled spans no slot and does not count them as drops', async () => {
    const recordOnly: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => 'record-only' };
    const { ledger, inner, provider, endSpans } = boundTracing(2, { sampler: recordOnly, maxQueueSize: 100, maxExportBatchSize: 100 });
    endSpans(10);
    await drain(inner, () => SUCCESS, () => provider.forceFlush());
    expect(inner.batches).toEqual([]);
    expect(ledger.stats.traces).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: 0 });
  });

  it('accounts for every ended span exactly once: exported, dropped (queue full) or dropped (export failed)', async () => {
    const { ledger, inner, provider, endSpans } = boundTracing(8, { maxExportBatchSize: 5 });
    let ended = 0;
    for (const burst of [3, 17, 1, 40, 9]) {
      endSpans(burst);
      ended += burst;
      // Every third batch fails.
      await drain(inner, (i) => (i % 3 === 2 ? failure('503') : SUCCESS), () => provider.forceFlush());
    }
    const { exported, droppedQueueFull, droppedExportFailed } = ledger.stats.traces;
    expect(exported + droppedQueueFull + droppedExportFailed).toBe(ended);
    expect(exported).toBe(inner.batches.flat().length - droppedExportFailed);
    expect(droppedQueueFull).toBeGreaterThan(0);
    expect(droppedExportFailed).toBeGreaterThan(0);
  });

  it('passes forceFlush and shutdown through to the batch processor', async () => {
    const { inner, provider, endSpans } = boundTracing(10, { maxQueueSize: 100, maxExportBatchSize: 100 });
    endSpans(2);
    await drain(inner, () => SUCCESS, () => provider.shutdown());
    expect(inner.batches.flat()).toHaveLength(2);
    expect(inner.shutdownCalls).toBe(1);
  });
});

describe('boundLogProcessor over a real BatchLogRecordProcessor', () => {
  it('admits records while the queue has room, counts the others as dropped, and exports the admitted ones', async () => {
    const { ledger, warnings } = newLedger();
    const inner = new HeldExporter<ReadableLogRecord>();
    const slots = new QueueSlots(2);
    const batch = new BatchLogRecordProcessor({
      exporter: countLogExports(inner as unknown as LogRecordExporter, ledger, 'http://pharos:4318/v1/logs', slots),
      maxQueueSize: 100,
      maxExportBatchSize: 100,
      scheduledDelayMillis: 60_000,
      exportTimeoutMillis: 60_000,
    });
    const provider = new LoggerProvider({ processors: [boundLogProcessor(batch, slots, ledger)] });
    const logger = provider.getLogger('delivery-test');
    for (let i = 0; i < 5; i++) logger.emit({ body: `record ${i}` });
    expect(ledger.stats.logs).toEqual({ exported: 0, droppedQueueFull: 3, droppedExportFailed: 0 });
    expect(warnings).toEqual(['@pharos/node: the export queue is full (1 more log records dropped); 1 log records dropped so far. The application is not affected.']);
    await drain(inner, () => SUCCESS, () => provider.forceFlush());
    expect(inner.batches.flat().map((r) => r.body)).toEqual(['record 0', 'record 1']);
    expect(ledger.stats.logs).toEqual({ exported: 2, droppedQueueFull: 3, droppedExportFailed: 0 });
    // Room again.
    logger.emit({ body: 'record 5' });
    expect(ledger.stats.logs.droppedQueueFull).toBe(3);
    await drain(inner, () => SUCCESS, () => provider.shutdown());
    expect(ledger.stats.logs.exported).toBe(3);
  });
});
