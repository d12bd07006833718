import type { TimeRangeId } from './time-range';

/** The traces page URL for a search (service, range), keeping state in the query. */
export function buildTracesHref(params: { range: TimeRangeId; service?: string }): string {
  const search = new URLSearchParams({ range: params.range });
  if (params.service !== undefined) search.set('service', params.service);
  return `/traces?${search.toString()}`;
}

/** The trace view URL, carrying the range so the header keeps it. */
export function buildTraceHref(traceId: string, range: TimeRangeId): string {
  return `/traces/${encodeURIComponent(traceId)}?range=${range}`;
}
