import { beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '@pharos/core';
import type { TelemetryStore, TimeRange } from '../interface.js';
import { makeLog } from './fixtures.js';

const Q = { timeoutMs: 10_000 };
const MS = 1_000_000n;
const DAY = 86_400_000n * MS;

/**
 * Conformance cases of log search pages that span day partitions (a backend may store days
 * apart, as DuckDB does): every record in time order, each field intact, cursor paging
 * across midnight and through records of one instant. They write around the midnight ten
 * days before `baseUnixNano`.
 */
export function describeLogPageCases(storeOf: () => TelemetryStore, baseUnixNano: bigint): void {
  describe('log pages across days', () => {
    const midnight = (baseUnixNano / DAY - 10n) * DAY;
    const range: TimeRange = { startUnixNano: midnight - 60_000n * MS, endUnixNano: midnight + 60_000n * MS };
    const records: LogRecord[] = [-2n, -1n, 0n, 1n, 2n].map((ms, i) =>
      makeLog({ service: 'midnight-job', timeUnixNano: midnight + ms * MS, severityNumber: 9 + i, body: `tick ${ms}`, attributes: { 'tick.ms': ms, 'tick.kind': i % 2 === 0 ? 'even' : 'odd' } }),
    );

    beforeAll(async () => {
      await storeOf().append({ spans: [], logs: records, points: [] });
    });

    it('returns a page spanning two days newest first, every field as written', async () => {
      const page = await storeOf().searchLogs({ range, services: ['midnight-job'], attributes: [], limit: 10 }, Q);
      expect(page.records).toEqual([...records].reverse());
      expect(page.nextCursor).toBeUndefined();
    });

    it('pages across midnight with a cursor, without loss or repeats', async () => {
      const bodies: unknown[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await storeOf().searchLogs({ range, services: ['midnight-job'], attributes: [], limit: 2, cursor }, Q);
        bodies.push(...page.records.map((r) => r.body));
        cursor = page.nextCursor;
        if (cursor === undefined) break;
      }
      expect(bodies).toEqual(['tick 2', 'tick 1', 'tick 0', 'tick -1', 'tick -2']);
    });

    it('filters before it pages', async () => {
      const page = await storeOf().searchLogs({ range, services: ['midnight-job'], attributes: [{ key: 'tick.kind', op: '=', value: 'odd' }], limit: 1 }, Q);
      expect(page.records.map((r) => r.body)).toEqual(['tick 1']);
      const next = await storeOf().searchLogs({ range, services: ['midnight-job'], attributes: [{ key: 'tick.kind', op: '=', value: 'odd' }], limit: 1, cursor: page.nextCursor }, Q);
      expect(next.records.map((r) => r.body)).toEqual(['tick -1']);
      expect(next.nextCursor).toBeUndefined();
    });

    it('pages through records of one instant, written in two batches, without loss or repeats', async () => {
      // Exporters batch with one timestamp, and coarse clocks repeat one: the order within an
      // instant is the backend's own, but every record must come exactly once.
      const instant = midnight + 30_000n * MS;
      const tick = (body: string) => makeLog({ service: 'same-instant', timeUnixNano: instant, severityNumber: 9, body });
      const first = ['a', 'b', 'c', 'd'].map(tick);
      const second = ['e', 'f', 'g'].map(tick);
      const before = makeLog({ service: 'same-instant', timeUnixNano: instant - MS, severityNumber: 9, body: 'before' });
      const after = makeLog({ service: 'same-instant', timeUnixNano: instant + MS, severityNumber: 9, body: 'after' });
      await storeOf().append({ spans: [], logs: [before, ...first, after], points: [] });
      await storeOf().append({ spans: [], logs: second, points: [] });
      for (const limit of [1, 2, 3]) {
        const bodies: unknown[] = [];
        let cursor: string | undefined;
        for (let i = 0; i < 20; i++) {
          const page = await storeOf().searchLogs({ range, services: ['same-instant'], attributes: [], limit, cursor }, Q);
          expect(page.records.length).toBeLessThanOrEqual(limit);
          bodies.push(...page.records.map((r) => r.body));
          cursor = page.nextCursor;
          if (cursor === undefined) break;
        }
        expect(bodies[0]).toBe('after');
        expect(bodies.at(-1)).toBe('before');
        expect([...bodies].sort()).toEqual(['a', 'after', 'b', 'before', 'c', 'd', 'e', 'f', 'g']);
      }
    });
  });
}
