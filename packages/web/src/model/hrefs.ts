import { timeRangeSearch, type TimeRange } from './time-range';

/** The traces page URL for a search, keeping the range and state in the query. */
export function buildTracesHref(params: { range: TimeRange; service?: string; operation?: string; status?: string; parentService?: string }): string {
  const search = new URLSearchParams(timeRangeSearch(params.range));
  if (params.service !== undefined) search.set('service', params.service);
  if (params.operation !== undefined) search.set('operation', params.operation);
  if (params.status !== undefined) search.set('status', params.status);
  if (params.parentService !== undefined) search.set('parentService', params.parentService);
  return `/traces?${search.toString()}`;
}

/** The trace view URL, carrying the range so the header keeps it. */
export function buildTraceHref(traceId: string, range: TimeRange): string {
  return `/traces/${encodeURIComponent(traceId)}?${timeRangeSearch(range)}`;
}

/** A service's page. */
export function buildServiceHref(service: string, range: TimeRange): string {
  return `/services/${encodeURIComponent(service)}?${timeRangeSearch(range)}`;
}

/** The logs page filtered to a service (and a minimum severity). */
export function buildLogsHref(params: { range: TimeRange; service?: string; severity?: string }): string {
  const search = new URLSearchParams(timeRangeSearch(params.range));
  if (params.service !== undefined) search.set('service', params.service);
  if (params.severity !== undefined) search.set('severity', params.severity);
  return `/logs?${search.toString()}`;
}
