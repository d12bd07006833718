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
  /** Exports answered so far: the index, over the whole test, of the next one to answer. */
  answered = 0;

  export(items: T[], done: (result: ExportResult) => void): void {
    this.batches.push(items);
    this.waiting.push(done);
  }
  /** Answers the oldest export still waiting; false when none waits. */
  answer(result: ExportResult): boolean {
    const done = this.waiting.shift();
    if (done === undefined) return false;
    this.answered++;
    done(result);
    return true;
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
      '@pharos/node: the export queue is full; 1 log records dropped so far. The application is not affected.',
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
    expect(warnings[2]).toBe('@pharos/node: the export queue is full; 1021 spans dropped so far. The application is not affected.');
    expect(ledger.stats.traces).toEqual({ exported: 0, droppedQueueFull: 1001, droppedExportFailed: 20 });
  });

  it('at shutdown, prints the final count of each signal whose drops grew since its last warning, and only those', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const { ledger, warnings } = newLedger();
    // traces: warned at 10, then 1005 more drops within the 30 s (unreported until now).
    ledger.recordExportFailed('traces', 10, DESTINATION, new Error('down'));
    for (let i = 0; i < 1000; i++) ledger.recordQueueFull('traces', 1);
    ledger.recordExportFailed('traces', 5, DESTINATION, new Error('down'));
    // logs: warned, and nothing dropped since.
    ledger.recordQueueFull('logs', 1);
    ledger.recordExported('logs', 7);
    // metrics: exported, never dropped.
    ledger.recordExported('metrics', 40);
    expect(warnings).toHaveLength(2);
    ledger.warnFinalCounts();
    expect(warnings.slice(2)).toEqual(['@pharos/node: 1015 spans dropped in all (1000 because the export queue was full, 15 because exports failed or had not finished at shutdown).']);

    // A signal warned again after its last drop has nothing more to report.
    const second = newLedger();
    second.ledger.recordExportFailed('metrics', 3, 'http://pharos:4318/v1/metrics', undefined);
    second.ledger.recordQueueFull('logs', 1);
    second.ledger.recordQueueFull('logs', 1);
    vi.setSystemTime(1_000_000 + 30_000);
    second.ledger.recordQueueFull('logs', 1);
    expect(second.warnings).toHaveLength(3);
    second.ledger.warnFinalCounts();
    expect(second.warnings).toHaveLength(3);
  });

  it('at shutdown, with no drop at all, prints nothing', () => {
    const { ledger, warnings } = newLedger();
    ledger.recordExported('traces', 3);
    ledger.warnFinalCounts();
    expect(warnings).toEqual([]);
  });

  it('keeps counting when the warn hook throws, and never throws itself', () => {
    const warn = vi.fn(() => {
      throw new Error('broken hook');
    });
    const ledger = new DeliveryLedger(warn);
    expect(() => ledger.recordQueueFull('traces', 1)).not.toThrow();
    expect(() => ledger.recordExportFailed('logs', 2, 'x', new Error('y'))).not.toThrow();
    // A drop after the (rate-limited) warning, so that the final count has a line to print.
    expect(() => ledger.recordQueueFull('traces', 1)).not.toThrow();
    expect(() => ledger.warnFinalCounts()).not.toThrow();
    expect(dropped(ledger.stats, 'traces') + dropped(ledger.stats, 'logs')).toBe(4);
    // The two warnings and the final count were all attempted.
    expect(warn).toHaveBeenCalledTimes(3);
  });
});

describe('DeliveryLedger at a shutdown that timed out (abandonPending)', () => {
  it('counts as failed exactly the items admitted and not yet exported or failed, per signal', () => {
    const { ledger, warnings } = newLedger();
    // traces: 10 admitted; 3 exported, 2 failed, 5 still queued or being exported.
    ledger.recordAdmitted('traces', 4);
    ledger.recordAdmitted('traces', 6);
    ledger.recordExported('traces', 3);
    ledger.recordExportFailed('traces', 2, DESTINATION, new Error('down'));
    // logs: 4 admitted, none settled; 6 never admitted (queue full), so not pending.
    ledger.recordAdmitted('logs', 4);
    ledger.recordQueueFull('logs', 6);
    // metrics: 6 admitted and exported; nothing pending.
    ledger.recordAdmitted('metrics', 6);
    ledger.recordExported('metrics', 6);
    expect(ledger.stats).toEqual({
      traces: { exported: 3, droppedQueueFull: 0, droppedExportFailed: 2 },
      metrics: { exported: 6, droppedQueueFull: 0, droppedExportFailed: 0 },
      logs: { exported: 0, droppedQueueFull: 6, droppedExportFailed: 0 },
    });
    ledger.abandonPending();
    expect(ledger.stats).toEqual({
      traces: { exported: 3, droppedQueueFull: 0, droppedExportFailed: 2 + 5 },
      metrics: { exported: 6, droppedQueueFull: 0, droppedExportFailed: 0 },
      logs: { exported: 0, droppedQueueFull: 6, droppedExportFailed: 4 },
    });
    // Abandoning warns nothing by itself; the final counts say it, with the abandoned items.
    expect(warnings).toHaveLength(2);
    ledger.warnFinalCounts();
    expect(warnings.slice(2)).toEqual([
      '@pharos/node: 7 spans dropped in all (0 because the export queue was full, 7 because exports failed or had not finished at shutdown).',
      '@pharos/node: 10 log records dropped in all (6 because the export queue was full, 4 because exports failed or had not finished at shutdown).',
    ]);
  });

  it('closes the ledger: a late export callback, success or failure, changes nothing and warns nothing, so no item is counted twice', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const { ledger, warnings } = newLedger();
    ledger.recordAdmitted('traces', 5);
    ledger.recordAdmitted('logs', 2);
    ledger.recordAdmitted('metrics', 9);
    ledger.abandonPending();
    const abandoned: TelemetryStats = {
      traces: { exported: 0, droppedQueueFull: 0, droppedExportFailed: 5 },
      metrics: { exported: 0, droppedQueueFull: 0, droppedExportFailed: 9 },
      logs: { exported: 0, droppedQueueFull: 0, droppedExportFailed: 2 },
    };
    expect(ledger.stats).toEqual(abandoned);
    // Long after any rate limit: a warning would be due, were the ledger open.
    vi.setSystemTime(1_000_000 + 60_000);
    ledger.recordExported('traces', 5);
    ledger.recordExportFailed('logs', 2, 'http://pharos:4318/v1/logs', new Error('Request timed out'));
    ledger.recordExported('metrics', 4);
    ledger.recordExportFailed('metrics', 5, 'http://pharos:4318/v1/metrics', new Error('Request timed out'));
    // Nor does anything recorded after it, nor a second abandon.
    ledger.recordQueueFull('traces', 1);
    ledger.recordAdmitted('logs', 3);
    ledger.abandonPending();
    expect(ledger.stats).toEqual(abandoned);
    expect(warnings).toEqual([]);
    ledger.warnFinalCounts();
    expect(warnings).toEqual([
      '@pharos/node: 5 spans dropped in all (0 because the export queue was full, 5 because exports failed or had not finished at shutdown).',
      '@pharos/node: 9 metric points dropped in all (0 because the export queue was full, 9 because exports failed or had not finished at shutdown).',
      '@pharos/node: 2 log records dropped in all (0 because the export queue was full, 2 because exports failed or had not finished at shutdown).',
    ]);
  });

  it('settled() resolves once every admitted item is exported or dropped, or the ledger closed; at once when nothing is pending', async () => {
    const { ledger } = newLedger();
    const isSettled = (promise: Promise<void>) => {
      let done = false;
      void promise.then(() => (done = true));
      return async () => {
        await nextTurn();
        return done;
      };
    };
    expect(await isSettled(ledger.settled())()).toBe(true);
    ledger.recordAdmitted('traces', 3);
    ledger.recordAdmitted('metrics', 2);
    const first = isSettled(ledger.settled());
    ledger.recordExported('traces', 2);
    ledger.recordExportFailed('metrics', 2, 'http://pharos:4318/v1/metrics', undefined);
    // A queue-full drop was never admitted: it settles nothing.
    ledger.recordQueueFull('traces', 1);
    expect(await first()).toBe(false);
    ledger.recordExportFailed('traces', 1, DESTINATION, undefined);
    expect(await first()).toBe(true);
    ledger.recordAdmitted('logs', 1);
    const second = isSettled(ledger.settled());
    expect(await second()).toBe(false);
    ledger.abandonPending();
    expect(await second()).toBe(true);
    expect(await isSettled(ledger.settled())()).toBe(true);
  });

  it('with everything settled, abandons nothing and the final counts stay silent', () => {
    const { ledger, warnings } = newLedger();
    ledger.recordAdmitted('traces', 3);
    ledger.recordExported('traces', 3);
    ledger.recordAdmitted('metrics', 2);
    ledger.recordExported('metrics', 2);
    ledger.abandonPending();
    ledger.warnFinalCounts();
    expect(ledger.stats).toEqual({
      traces: { exported: 3, droppedQueueFull: 0, droppedExportFailed: 0 },
      metrics: { exported: 2, droppedQueueFull: 0, droppedExportFailed: 0 },
      logs: { exported: 0, droppedQueueFull: 0, droppedExportFailed: 0 },
    });
    expect(warnings).toEqual([]);
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

  /** Both wrappers, over a held inner exporter, so that one test covers spans and log records alike. */
  const wrappers = [
    { name: 'countSpanExports', signal: 'traces', wrap: (inner: HeldExporter<unknown>, ledger: DeliveryLedger, slots: QueueSlots) => countSpanExports(inner as unknown as SpanExporter, ledger, DESTINATION, slots) },
    { name: 'countLogExports', signal: 'logs', wrap: (inner: HeldExporter<unknown>, ledger: DeliveryLedger, slots: QueueSlots) => countLogExports(inner as unknown as LogRecordExporter, ledger, DESTINATION, slots) },
  ] as const;
  const items = (n: number) => Array.from({ length: n }, () => ({})) as never[];

  for (const { name, signal, wrap } of wrappers) {
    for (const [outcome, result] of [
      ['succeeds', SUCCESS],
      ['fails', failure('503')],
    ] as const) {
      it(`${name}: a batch keeps its queue slots while it is exported, and frees them when the export ${outcome}`, () => {
        vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
        const { ledger } = newLedger();
        const slots = new QueueSlots(3);
        slots.take();
        slots.take();
        const inner = new HeldExporter<unknown>();
        const results: ExportResult[] = [];
        wrap(inner, ledger, slots).export(items(2), (r) => results.push(r));
        // Handed to the exporter, not yet ended: the two items still hold their slots.
        expect([slots.take(), slots.take()]).toEqual([true, false]);
        inner.answer(result);
        expect(results).toEqual([result]);
        expect(ledger.stats[signal]).toEqual(result.code === ExportResultCode.SUCCESS ? { exported: 2, droppedQueueFull: 0, droppedExportFailed: 0 } : { exported: 0, droppedQueueFull: 0, droppedExportFailed: 2 });
        expect([slots.take(), slots.take(), slots.take()]).toEqual([true, true, false]);
        // The give-up timer went with the export: it will not free the slots a second time.
        expect(vi.getTimerCount()).toBe(0);
        vi.advanceTimersByTime(60_000);
        expect(slots.take()).toBe(false);
      });
    }

    it(`${name}: frees a batch's slots after 35 s when its export never ends, and only once though the export ends late`, () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const { ledger } = newLedger();
      const slots = new QueueSlots(3);
      slots.take();
      slots.take();
      const inner = new HeldExporter<unknown>();
      const results: ExportResult[] = [];
      wrap(inner, ledger, slots).export(items(2), (r) => results.push(r));
      expect(slots.take()).toBe(true);
      vi.advanceTimersByTime(34_999);
      expect(slots.take()).toBe(false);
      vi.advanceTimersByTime(1);
      expect([slots.take(), slots.take(), slots.take()]).toEqual([true, true, false]);
      // The export ends at last: it is counted and passed on, but its slots are not freed again.
      inner.answer(failure('Request timed out'));
      expect(results).toHaveLength(1);
      expect(ledger.stats[signal]).toEqual({ exported: 0, droppedQueueFull: 0, droppedExportFailed: 2 });
      expect(slots.take()).toBe(false);
    });
  }

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

  it('counts an export\'s points as pending from its start: abandoned at a timed-out shutdown, its late answer passed on but not counted', () => {
    const { ledger, warnings } = newLedger();
    const inner = new HeldExporter<unknown>();
    const exporter = countMetricExports(inner as unknown as PushMetricExporter, ledger, 'http://pharos:4318/v1/metrics');
    const results: ExportResult[] = [];
    exporter.export(resourceMetrics([[4]]), (r) => results.push(r));
    inner.answer(SUCCESS);
    // The next export hangs past the shutdown's timeout.
    exporter.export(resourceMetrics([[2, 1]]), (r) => results.push(r));
    expect(ledger.stats.metrics).toEqual({ exported: 4, droppedQueueFull: 0, droppedExportFailed: 0 });
    ledger.abandonPending();
    expect(ledger.stats.metrics).toEqual({ exported: 4, droppedQueueFull: 0, droppedExportFailed: 3 });
    // It ends at last, and one more export starts and fails after the shutdown: the reader
    // hears both, the ledger neither.
    inner.answer(SUCCESS);
    exporter.export(resourceMetrics([[5]]), (r) => results.push(r));
    inner.answer(failure('Request timed out'));
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS, ExportResultCode.FAILED]);
    expect(ledger.stats.metrics).toEqual({ exported: 4, droppedQueueFull: 0, droppedExportFailed: 3 });
    expect(warnings).toEqual([]);
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

/**
 * Answers every export as `answerFor` says, as the batch processor sends them, until it has
 * nothing left. `answerFor` gets the export's index over the whole test (not this drain's).
 */
async function drain(inner: HeldExporter<unknown>, answerFor: (batchIndex: number) => ExportResult, flush: () => Promise<void>): Promise<void> {
  const flushed = flush();
  let settled = false;
  void flushed.finally(() => (settled = true)).catch(() => undefined);
  while (!settled) {
    if (!inner.answer(answerFor(inner.answered))) await nextTurn();
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

  it('while an export hangs, holds no span beyond the queue size: the batch in flight keeps its slots until its export ends', async () => {
    const capacity = 4;
    const { ledger, warnings, inner, provider, endSpans } = boundTracing(capacity);
    endSpans(capacity);
    // A full batch leaves at once and its export hangs.
    expect(inner.batches.map((b) => b.length)).toEqual([capacity]);
    expect(inner.pending()).toBe(1);
    // The queue is the batch in flight: every further span is dropped, none waits beside it.
    endSpans(100);
    expect(ledger.stats.traces).toEqual({ exported: 0, droppedQueueFull: 100, droppedExportFailed: 0 });
    expect(inner.batches).toHaveLength(1);
    expect(warnings).toEqual(['@pharos/node: the export queue is full; 1 spans dropped so far. The application is not affected.']);
    // The hung export ends (failed): its slots are free again, a whole queue's worth and no more.
    inner.answer(failure('Request timed out'));
    expect(ledger.stats.traces.droppedExportFailed).toBe(capacity);
    endSpans(capacity + 1);
    expect(ledger.stats.traces.droppedQueueFull).toBe(101);
    // The batch processor sends the next batch once it has seen the last export end.
    await nextTurn();
    expect(inner.batches.map((b) => b.length)).toEqual([capacity, capacity]);
    await drain(inner, () => SUCCESS, () => provider.shutdown());
    expect(ledger.stats.traces).toEqual({ exported: capacity, droppedQueueFull: 101, droppedExportFailed: capacity });
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
      // Every third batch of the test fails.
      await drain(inner, (i) => (i % 3 === 2 ? failure('503') : SUCCESS), () => provider.forceFlush());
    }
    const { exported, droppedQueueFull, droppedExportFailed } = ledger.stats.traces;
    expect(exported + droppedQueueFull + droppedExportFailed).toBe(ended);
    expect(exported).toBe(inner.batches.flat().length - droppedExportFailed);
    // A burst above the bound leaves as a full batch (5) then the rest of the queue (3): at most
    // 8 spans per burst, the batch in flight included. The 3rd and 6th batches failed.
    expect(inner.batches.map((b) => b.length)).toEqual([3, 5, 3, 1, 5, 3, 5, 3]);
    expect(ledger.stats.traces).toEqual({ exported: 3 + 5 + 1 + 5 + 5 + 3, droppedQueueFull: 9 + 32 + 1, droppedExportFailed: 3 + 3 });
  });

  it('at a shutdown that timed out, counts every admitted span as failed, the batch being exported and those still queued; what the shutdown does later counts nothing', async () => {
    const { ledger, warnings, inner, provider, endSpans } = boundTracing(6, { maxExportBatchSize: 4 });
    endSpans(4);
    inner.answer(SUCCESS);
    await nextTurn();
    // 4 leave as a batch whose export hangs, 2 wait in the queue, 3 find it full.
    endSpans(9);
    expect(inner.batches.map((b) => b.length)).toEqual([4, 4]);
    expect(inner.pending()).toBe(1);
    expect(ledger.stats.traces).toEqual({ exported: 4, droppedQueueFull: 3, droppedExportFailed: 0 });
    ledger.abandonPending();
    expect(ledger.stats.traces).toEqual({ exported: 4, droppedQueueFull: 3, droppedExportFailed: 4 + 2 });
    // The shutdown goes on in the background: the hung export fails at last, the queued spans
    // leave and are exported. The ledger was closed: every one of the 13 spans stays counted once.
    await drain(inner, (i) => (i === 1 ? failure('Request timed out') : SUCCESS), () => provider.shutdown());
    expect(inner.batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(ledger.stats.traces).toEqual({ exported: 4, droppedQueueFull: 3, droppedExportFailed: 6 });
    expect(warnings).toEqual(['@pharos/node: the export queue is full; 1 spans dropped so far. The application is not affected.']);
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
    expect(warnings).toEqual(['@pharos/node: the export queue is full; 1 log records dropped so far. The application is not affected.']);
    await drain(inner, () => SUCCESS, () => provider.forceFlush());
    expect(inner.batches.flat().map((r) => r.body)).toEqual(['record 0', 'record 1']);
    expect(ledger.stats.logs).toEqual({ exported: 2, droppedQueueFull: 3, droppedExportFailed: 0 });
    // Room again.
    logger.emit({ body: 'record 5' });
    expect(ledger.stats.logs.droppedQueueFull).toBe(3);
    await drain(inner, () => SUCCESS, () => provider.shutdown());
    expect(ledger.stats.logs.exported).toBe(3);
  });

  it('at a shutdown that timed out, counts every admitted record as failed; their late export counts nothing', async () => {
    const { ledger, warnings } = newLedger();
    const inner = new HeldExporter<ReadableLogRecord>();
    const slots = new QueueSlots(3);
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
    ledger.abandonPending();
    expect(ledger.stats.logs).toEqual({ exported: 0, droppedQueueFull: 2, droppedExportFailed: 3 });
    await drain(inner, () => failure('Request timed out'), () => provider.shutdown());
    expect(inner.batches.flat().map((r) => r.body)).toEqual(['record 0', 'record 1', 'record 2']);
    expect(ledger.stats.logs).toEqual({ exported: 0, droppedQueueFull: 2, droppedExportFailed: 3 });
    expect(warnings).toEqual(['@pharos/node: the export queue is full; 1 log records dropped so far. The application is not affected.']);
  });
});
