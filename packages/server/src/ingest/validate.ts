import type { TelemetryBatch } from '@pharos/core';

/** Items accepted around "now": older than retention, or this far in the future, are refused. */
export const MAX_FUTURE_SKEW_NS = 86_400_000_000_000n; // one day

export interface TimeValidation {
  rejected: number;
  messages: string[];
}

/**
 * Drops items whose timestamps storage cannot keep: before the retention window (they
 * would be deleted at once) or more than a day ahead of the server clock (a sender with a
 * broken clock, or a unit mix-up such as micro- for nanoseconds). Mutates `batch`.
 */
export function dropAbsurdTimestamps(batch: TelemetryBatch, nowUnixNano: bigint, retentionMs: number): TimeValidation {
  const oldest = nowUnixNano - BigInt(retentionMs) * 1_000_000n;
  const newest = nowUnixNano + MAX_FUTURE_SKEW_NS;
  const messages: string[] = [];
  let rejected = 0;
  const check = <T>(items: T[], timeOf: (item: T) => bigint, what: string): T[] => {
    let bad = 0;
    const kept = items.filter((item) => {
      const t = timeOf(item);
      const ok = t >= oldest && t <= newest;
      if (!ok) bad++;
      return ok;
    });
    if (bad > 0) {
      rejected += bad;
      messages.push(`${bad} ${what} rejected: timestamp outside the accepted window (retention ${retentionMs / 3_600_000} h back, 24 h ahead of the server clock)`);
    }
    return kept;
  };
  batch.spans = check(batch.spans, (s) => s.startTimeUnixNano, 'span(s)');
  batch.logs = check(batch.logs, (l) => (l.timeUnixNano !== 0n ? l.timeUnixNano : l.observedTimeUnixNano), 'log record(s)');
  batch.points = check(batch.points, (p) => p.timeUnixNano, 'metric point(s)');
  return { rejected, messages };
}

/** Number of items in a batch. */
export function batchSize(batch: TelemetryBatch): number {
  return batch.spans.length + batch.logs.length + batch.points.length;
}
