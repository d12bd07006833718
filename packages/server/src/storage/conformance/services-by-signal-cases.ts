import { beforeAll, describe, expect, it } from 'vitest';
import type { MetricPoint } from '@pharos/core';
import type { TelemetryStore, TimeRange } from '../interface.js';
import { TEST_SCOPE, attrs, hexId, makeLog, makeSpan, resourceOf } from './fixtures.js';

const Q = { timeoutMs: 10_000 };
const SECOND = 1_000_000_000n;
const MINUTE = 60n * SECOND;

/** A gauge point of `service` at `timeUnixNano`. */
export function makeGaugePoint(service: string, timeUnixNano: bigint): MetricPoint {
  return {
    resource: resourceOf(service),
    scope: TEST_SCOPE,
    metric: { name: 'queue.depth', description: '', unit: '1', type: 'gauge', aggregationTemporality: 0, isMonotonic: false, metadata: attrs({}) },
    kind: 'number',
    value: 3n,
    attributes: attrs({}),
    startTimeUnixNano: timeUnixNano - MINUTE,
    timeUnixNano,
    flags: 0,
    exemplars: [],
  };
}

/**
 * Conformance cases of listServicesBySignal (and listServices beside it), run by
 * describeStoreConformance with its store. They write into a one-minute window of their
 * own, 433 minutes before `baseUnixNano`, so that the suite's other data stays out of it: a
 * service with only spans, one with only logs, one with only metric points, one with all
 * three, and one whose only log record lies just before the window.
 */
export function describeServicesBySignalCases(storeOf: () => TelemetryStore, baseUnixNano: bigint): void {
  describe('services by signal', () => {
    const w0 = baseUnixNano - 433n * MINUTE;
    const window: TimeRange = { startUnixNano: w0, endUnixNano: w0 + MINUTE };

    beforeAll(async () => {
      const span = (service: string, at: bigint) => makeSpan({ traceId: hexId(16), service, name: 'work', startUnixNano: at, durationNs: 1_000_000n });
      const log = (service: string, at: bigint) => makeLog({ service, timeUnixNano: at, severityNumber: 9, body: `hello from ${service}` });
      await storeOf().append({
        spans: [span('sig-spans-only', w0 + SECOND), span('sig-everything', w0 + 4n * SECOND)],
        logs: [log('sig-logs-only', w0 + 2n * SECOND), log('sig-everything', w0 + 5n * SECOND), log('sig-logs-before', w0 - 1n)],
        points: [makeGaugePoint('sig-metrics-only', w0 + 3n * SECOND), makeGaugePoint('sig-everything', w0 + 6n * SECOND)],
      });
    });

    it('lists services with spans when no signal is given, as it always did', async () => {
      expect(await storeOf().listServices(window, Q)).toEqual(['sig-everything', 'sig-spans-only']);
      expect(await storeOf().listServicesBySignal(['traces'], window, Q)).toEqual(['sig-everything', 'sig-spans-only']);
    });

    it('lists services with log records, or metric points, in the range', async () => {
      expect(await storeOf().listServicesBySignal(['logs'], window, Q)).toEqual(['sig-everything', 'sig-logs-only']);
      expect(await storeOf().listServicesBySignal(['metrics'], window, Q)).toEqual(['sig-everything', 'sig-metrics-only']);
    });

    it('lists each service once, sorted, for several signals', async () => {
      expect(await storeOf().listServicesBySignal(['logs', 'metrics'], window, Q)).toEqual(['sig-everything', 'sig-logs-only', 'sig-metrics-only']);
      expect(await storeOf().listServicesBySignal(['traces', 'logs', 'metrics', 'logs'], window, Q)).toEqual(['sig-everything', 'sig-logs-only', 'sig-metrics-only', 'sig-spans-only']);
      expect(await storeOf().listServicesBySignal([], window, Q)).toEqual([]);
    });

    it('searches all retained data without a range', async () => {
      const withLogs = await storeOf().listServicesBySignal(['logs'], undefined, Q);
      expect(withLogs).toEqual(expect.arrayContaining(['sig-everything', 'sig-logs-only', 'sig-logs-before']));
      expect(withLogs).not.toContain('sig-spans-only');
      expect(withLogs).not.toContain('sig-metrics-only');
      expect(withLogs).toEqual([...withLogs].sort());
      const withSpans = await storeOf().listServices(undefined, Q);
      expect(withSpans).toEqual(expect.arrayContaining(['sig-everything', 'sig-spans-only']));
      expect(withSpans).not.toContain('sig-logs-only');
    });

    it('finds nothing in a range without data', async () => {
      const far = 1000n * 86_400n * SECOND;
      expect(await storeOf().listServicesBySignal(['traces', 'logs', 'metrics'], { startUnixNano: far, endUnixNano: far + MINUTE }, Q)).toEqual([]);
    });
  });
}
