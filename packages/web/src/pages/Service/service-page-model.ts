import type { LatencyBucket, OperationSummary } from '../../api';
import { nsToMs } from '../../model/format';
import { buildTracesHref } from '../../model/hrefs';
import type { TimeRange } from '../../model/time-range';
import { formatDurationParam } from './latency-scale';

/** The service page's state in the URL, beside the time range (pure helpers, unit-tested). */

/** Span kinds that are a service's requests: what it serves rather than what it calls. */
export const ENTRY_KINDS: readonly string[] = ['server', 'consumer'];

/** True for a server or consumer operation. */
export function isEntryOperation(operation: { spanKind: string }): boolean {
  return ENTRY_KINDS.includes(operation.spanKind);
}

export type OperationSortKey = 'name' | 'kind' | 'rate' | 'errorRate' | 'p50' | 'p95' | 'p99';

export const OPERATION_SORT_KEYS: readonly OperationSortKey[] = ['name', 'kind', 'rate', 'errorRate', 'p50', 'p95', 'p99'];

/** The operations table's order from `opSort=` (`-rate`: largest first); by default the busiest first. */
export function parseOperationSort(value: string | null): { key: OperationSortKey; descending: boolean } {
  const descending = value?.startsWith('-') ?? false;
  const key = OPERATION_SORT_KEYS.find((k) => k === (value ?? '').replace(/^-/, ''));
  return key === undefined ? { key: 'rate', descending: true } : { key, descending };
}

function sortValue(operation: OperationSummary, key: OperationSortKey): number | string {
  switch (key) {
    case 'name':
      return operation.name;
    case 'kind':
      return operation.spanKind;
    case 'rate':
      return operation.spansPerSecond;
    case 'errorRate':
      return operation.errorRate;
    case 'p50':
      return nsToMs(operation.p50DurationNs) ?? 0;
    case 'p95':
      return nsToMs(operation.p95DurationNs) ?? 0;
    case 'p99':
      return nsToMs(operation.p99DurationNs) ?? 0;
  }
}

/**
 * The rows of the operations table: entry operations (server, consumer) first, then, when
 * `showAllKinds`, the others; each group in the chosen order, ties by name then kind.
 */
export function arrangeOperations(operations: readonly OperationSummary[], sort: { key: OperationSortKey; descending: boolean }, showAllKinds: boolean): OperationSummary[] {
  const direction = sort.descending ? -1 : 1;
  const byName = (a: OperationSummary, b: OperationSummary) => a.name.localeCompare(b.name) || a.spanKind.localeCompare(b.spanKind);
  const ordered = (list: OperationSummary[]) =>
    list.sort((a, b) => {
      const va = sortValue(a, sort.key);
      const vb = sortValue(b, sort.key);
      const order = typeof va === 'string' && typeof vb === 'string' ? va.localeCompare(vb) : Number(va) - Number(vb);
      return order !== 0 ? order * direction : byName(a, b);
    });
  const entry = ordered(operations.filter(isEntryOperation));
  return showAllKinds ? [...entry, ...ordered(operations.filter((o) => !isEntryOperation(o)))] : entry;
}

/** A latency operation choice as one select value (`server:GET /items`), and back; '' is the service's requests. */
export function operationChoiceValue(operation: { name: string; spanKind: string } | undefined): string {
  return operation === undefined ? '' : `${operation.spanKind}:${operation.name}`;
}

/** The inverse of operationChoiceValue; undefined for '' or a malformed value. */
export function parseOperationChoice(value: string): { name: string; spanKind: string } | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0) return undefined;
  return { spanKind: value.slice(0, colon), name: value.slice(colon + 1) };
}

/**
 * The traces page for the spans of one latency bucket: the service (and operation and kind
 * when one is chosen) with durations above the bucket's lower bound, up to its upper bound.
 */
export function buildBucketTracesHref(range: TimeRange, service: string, operation: { name: string; spanKind: string } | undefined, bucket: LatencyBucket): string {
  const search = new URLSearchParams(buildTracesHref({ range, service, operation: operation?.name }).replace(/^[^?]*\?/, ''));
  if (operation !== undefined) search.set('kind', operation.spanKind);
  // The search's bounds are both inclusive, a bucket's lower bound is not: one nanosecond above it.
  if (bucket.lowerBoundNs !== '0') search.set('minDuration', formatDurationParam(String(BigInt(bucket.lowerBoundNs) + 1n)));
  if (bucket.upperBoundNs !== null) search.set('maxDuration', formatDurationParam(bucket.upperBoundNs));
  return `/traces?${search.toString()}`;
}

/** How long ago a Unix-nanosecond time was, in the largest whole unit: `just now`, `45s ago`, `12m ago`, `3h ago`, `2d ago`. */
export function formatAgo(timeUnixNano: string, nowMs: number): string {
  const seconds = Math.floor((nowMs - Number(BigInt(timeUnixNano) / 1_000_000n)) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}
