import type { LatencyBucket, OperationSummary, OperationsSummaryResponse } from '../../api';
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

/** A column the operations table sorts by: name, kind, spans/s, error rate, or a percentile of duration. */
export type OperationSortKey = 'name' | 'kind' | 'rate' | 'errorRate' | 'p50' | 'p95' | 'p99';

/** Every OperationSortKey, the values `opSort=` accepts (each optionally prefixed with `-`). */
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
 * The entry kinds (server, consumer) the service's requests hold: those among `summary`'s
 * operations, or both when that is not known (no summary yet, or only the busiest operations).
 */
export function findEntryKinds(summary: Pick<OperationsSummaryResponse, 'operations' | 'operationCount'> | undefined): readonly string[] {
  if (summary === undefined || summary.operationCount > summary.operations.length) return ENTRY_KINDS;
  const present = ENTRY_KINDS.filter((kind) => summary.operations.some((o) => o.spanKind === kind));
  return present.length > 0 ? present : ENTRY_KINDS;
}

/** The traces page for spans of `service` of one kind (and one operation, when named); the search takes one `kind`. */
function buildSpanTracesSearch(range: TimeRange, service: string, spans: { name?: string; spanKind: string }): URLSearchParams {
  const search = new URLSearchParams(buildTracesHref({ range, service, operation: spans.name }).replace(/^[^?]*\?/, ''));
  search.set('kind', spans.spanKind);
  return search;
}

/** The traces page for one operation: its name and kind, so that a name shared by two kinds links to one row's spans. */
export function buildOperationTracesHref(range: TimeRange, service: string, operation: { name: string; spanKind: string }): string {
  return `/traces?${buildSpanTracesSearch(range, service, operation).toString()}`;
}

/**
 * The traces page for the spans of one latency bucket: the service's spans of `spans.spanKind`
 * (and operation `spans.name`, when given) with durations above the bucket's lower bound, up
 * to its upper bound.
 */
export function buildBucketTracesHref(range: TimeRange, service: string, spans: { name?: string; spanKind: string }, bucket: LatencyBucket): string {
  const search = buildSpanTracesSearch(range, service, spans);
  // The search's bounds are both inclusive, a bucket's lower bound is not: one nanosecond above it.
  if (bucket.lowerBoundNs !== '0') search.set('minDuration', formatDurationParam(String(BigInt(bucket.lowerBoundNs) + 1n)));
  if (bucket.upperBoundNs !== null) search.set('maxDuration', formatDurationParam(bucket.upperBoundNs));
  return `/traces?${search.toString()}`;
}

/** A link to some of a latency bucket's traces: the span kind it searches and its URL. */
export interface BucketTracesLink {
  spanKind: string;
  href: string;
}

/**
 * The links to a latency bucket's traces, one per span kind the histogram counts (the traces
 * search takes one kind): the chosen operation's kind, or for the service's requests each of
 * `entryKinds` (see findEntryKinds), server first.
 */
export function buildBucketTracesLinks(range: TimeRange, service: string, operation: { name: string; spanKind: string } | undefined, entryKinds: readonly string[], bucket: LatencyBucket): BucketTracesLink[] {
  const kinds = operation === undefined ? entryKinds : [operation.spanKind];
  return kinds.map((spanKind) => ({ spanKind, href: buildBucketTracesHref(range, service, { name: operation?.name, spanKind }, bucket) }));
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
